"""The ccsa Python package: ranking, validators, error classes, store tables.

Run by scripts/test-python in a fresh venv. CCSA_CAMPAIGN_DB names a SQLite
campaign database written by the main job; CCSA_TEST_PG_URL a throwaway
PostgreSQL server (both set by scripts/test).
"""

import math
import os

import pytest

import ccsa


# ---- rank -------------------------------------------------------------------


def test_rank_methods_and_ties():
    values = [10, 30, 30, 20]
    assert ccsa.rank(values) == [4, 1, 1, 3]
    assert ccsa.rank(values, method="dense") == [3, 1, 1, 2]
    assert ccsa.rank(values, method="ordinal") == [4, 1, 2, 3]
    assert ccsa.rank(values, descending=False) == [1, 3, 3, 2]


def test_rank_within_groups_and_nan_last():
    values = [10.0, 30.0, math.nan, 20.0, 5.0]
    groups = [1, 1, 1, 1, 2]
    assert ccsa.rank(values, by=groups) == [3, 1, 4, 2, 1]
    assert ccsa.rank((1.5, 1.5), by=(7, 7)) == [1, 1]


def test_rank_rejects_bad_arguments():
    with pytest.raises(ValueError, match="method"):
        ccsa.rank([1, 2], method="average")
    with pytest.raises(ValueError, match="by has 1 keys for 2 values"):
        ccsa.rank([1, 2], by=[1])
    with pytest.raises(TypeError):
        ccsa.rank(["a", "b"])


def test_rank_takes_objects_with_tolist():
    class Column:
        def tolist(self):
            return [3.0, 1.0, 2.0]

    assert ccsa.rank(Column()) == [1, 3, 2]


# ---- validators and errors ------------------------------------------------------


def test_validators_normalise():
    assert ccsa.parse_id_number("11010519491231002x", today="2020-03-24") == "11010519491231002X"
    assert ccsa.parse_phone("+86 138-0013-8000") == "13800138000"
    assert ccsa.normalize_name(" 阿依古丽·买买提 ") == "阿依古丽·买买提"


def test_errors_carry_code_and_chinese_message():
    with pytest.raises(ccsa.ValidationError) as e:
        ccsa.parse_id_number("110105194912310021", today="2020-03-24")
    assert e.value.code == "ID_NUMBER_CHECKSUM"
    assert isinstance(e.value, ccsa.CcsaError)
    assert "身份证" in e.value.message
    with pytest.raises(ccsa.ValidationError) as e:
        ccsa.parse_phone("12345")
    assert e.value.code == "PHONE_INVALID"
    with pytest.raises(ccsa.ValidationError) as e:
        ccsa.normalize_name("张3")
    assert e.value.code == "NAME_HAS_DIGITS"
    with pytest.raises(ValueError):
        ccsa.parse_id_number("11010519491231002X", today="24/03/2020")
    for cls in (
        ccsa.RegistrationError,
        ccsa.DirectoryError,
        ccsa.MemberImportError,
        ccsa.BindingError,
        ccsa.QuizError,
        ccsa.ContentError,
        ccsa.ExamError,
        ccsa.StoreError,
    ):
        assert issubclass(cls, ccsa.CcsaError)
        assert not issubclass(cls, RuntimeError)


def test_column_checks_return_a_table():
    t = ccsa.check_phones(["13800138000", "123", None])
    assert t.columns == ["value", "ok", "code", "normalized"]
    assert len(t) == 3
    assert t.column("ok") == [True, False, False]
    assert t.column("code") == [None, "PHONE_INVALID", "VALUE_MISSING"]
    rows = t.to_pylist()
    assert rows[0] == {"value": "13800138000", "ok": True, "code": None, "normalized": "13800138000"}
    assert t.to_pydict()["normalized"] == ["13800138000", None, None]
    ids = ccsa.check_id_numbers(["11010519491231002X", "1.10105E+17"], today="2020-03-24")
    assert ids.column("code") == [None, "ID_NUMBER_EXCEL_MANGLED"]
    with pytest.raises(KeyError):
        t.column("nope")


# ---- store ---------------------------------------------------------------------


def test_memory_store_is_empty():
    s = ccsa.Store.open("sqlite::memory:")
    assert s.backend == "sqlite"
    assert len(s.orgs()) == 0
    assert len(s.leaderboard()) == 0


def test_unknown_store_raises_store_error():
    with pytest.raises(ccsa.StoreError) as e:
        ccsa.Store.open("ftp://nowhere/campaign")
    assert e.value.code == "STORAGE"
    assert e.value.message


def _campaign():
    path = os.environ.get("CCSA_CAMPAIGN_DB")
    if not path:
        pytest.fail("CCSA_CAMPAIGN_DB is not set: run scripts/test (it writes a campaign database first)")
    return ccsa.Store.open(f"sqlite://{path}")


def test_campaign_leaderboards_and_masking():
    s = _campaign()
    orgs = s.orgs()
    assert len(orgs) >= 53
    board = s.leaderboard()
    assert len(board) > 100
    ranks, points = board.column("rank"), board.column("points")
    assert ranks[0] == 1
    assert points == sorted(points, reverse=True)
    assert all(r2 >= r1 for r1, r2 in zip(ranks, ranks[1:]))
    assert all("*" in n for n in board.column("name")), "names are masked by default"
    assert not any("*" in n for n in s.leaderboard(raw=True).column("name"))
    county = board.column("county")[0]
    by_county = s.leaderboard(scope="county", county=county)
    assert set(by_county.column("county")) == {county}
    month = s.leaderboard(period="month", year=2020, month=6)
    assert len(month) > 0
    org = board.column("org")[0]
    members = s.members(org)
    assert len(members) > 0
    assert all("****" in p for p in members.column("phone"))
    raw = s.members(org, raw=True)
    assert all(len(p) == 11 and p.isdigit() for p in raw.column("phone"))
    with pytest.raises(ValueError, match="county"):
        s.leaderboard(scope="county")
    with pytest.raises(ValueError, match="unknown scope"):
        s.leaderboard(scope="planet")


def test_store_calls_release_the_gil():
    import threading

    s = _campaign()
    out = []
    threads = [threading.Thread(target=lambda: out.append(len(s.leaderboard()))) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(out) == 4 and len(set(out)) == 1


def test_postgres_store():
    url = os.environ.get("CCSA_TEST_PG_URL")
    if not url:
        pytest.fail("CCSA_TEST_PG_URL is not set: run scripts/test (it starts a throwaway PostgreSQL)")
    s = ccsa.Store.open(url)  # the throwaway cluster's own database: migrated, empty
    assert s.backend == "postgres"
    assert s.orgs().columns == ["id", "county", "kind", "name", "listed_on", "retired_on"]
    assert len(s.orgs()) == 0
    board = s.leaderboard()
    assert board.columns == ["rank", "member", "name", "org", "department", "county", "points"]
    assert board.to_pylist() == []


def test_help_is_useful():
    assert "leaderboard" in (ccsa.Store.leaderboard.__doc__ or "")
    assert "competition" in (ccsa.rank.__doc__ or "")
