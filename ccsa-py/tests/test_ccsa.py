"""The ccsa Python package: ranking, validators, error classes, store tables.

Run by scripts/test-python in a fresh venv. CCSA_CAMPAIGN_DB names a SQLite
campaign database written by the main job; CCSA_TEST_PG_URL a throwaway
PostgreSQL server (both set by scripts/test).
"""

import datetime
import math
import os

import pytest

import ccsa


def _open(url):
    """Opens a campaign store with the key scripts/test sealed it with."""
    key = os.environ.get("CCSA_STORE_KEY")
    return ccsa.Store.open(url, key=bytes.fromhex(key) if key else None)


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
    assert rows[0] == {"value": "138****8000", "ok": True, "code": None, "normalized": "138****8000"}, "masked by default"
    assert t.to_pydict()["normalized"] == ["138****8000", None, None]
    assert t.column("value")[1] == "***", "an invalid value is masked too"
    raw = ccsa.check_phones([" 138-0013-8000", "123", None], raw=True).to_pylist()
    assert raw[0] == {"value": " 138-0013-8000", "ok": True, "code": None, "normalized": "13800138000"}
    ids = ccsa.check_id_numbers(["11010519491231002X", "1.10105E+17"], today="2020-03-24")
    assert ids.column("code") == [None, "ID_NUMBER_EXCEL_MANGLED"]
    assert ids.column("normalized")[0] == "110***********002X"
    assert ccsa.check_id_numbers(["11010519491231002X"], today="2020-03-24", raw=True).column("normalized") == [
        "11010519491231002X"
    ]
    with pytest.raises(KeyError):
        t.column("nope")


# ---- store ---------------------------------------------------------------------


def test_memory_store_is_empty():
    s = ccsa.Store.open("sqlite::memory:")
    assert s.backend == "sqlite"
    assert len(s.orgs()) == 0
    assert len(s.leaderboard()) == 0
    assert s.ledger().to_pylist() == [] and len(s.submissions()) == 0


def test_unknown_store_raises_store_error():
    with pytest.raises(ccsa.StoreError) as e:
        ccsa.Store.open("ftp://nowhere/campaign")
    assert e.value.code == "STORAGE"
    assert e.value.message


def test_store_keys_seal_and_refuse(tmp_path):
    url = f"sqlite://{tmp_path / 'sealed.db'}"
    k1, k2 = bytes([1]) * 32, bytes([2]) * 32
    assert len(ccsa.Store.open(url, key=k1).orgs()) == 0
    for kwargs in ({}, {"key": k2}, {"key": b"short"}):
        with pytest.raises(ccsa.StoreError) as e:
            ccsa.Store.open(url, **kwargs)
        assert e.value.code == "STORE_KEY_INVALID", kwargs
    # rotation: the new key current, the old one retired; then the new alone
    ccsa.Store.open(url, key=k2, key_id=2, retired=(1, k1))
    assert len(ccsa.Store.open(url, key=k2, key_id=2).orgs()) == 0
    with pytest.raises(ccsa.StoreError):
        ccsa.Store.open(url, key=k1)


def test_campaign_is_sealed():
    path = os.environ.get("CCSA_CAMPAIGN_DB")
    if not path or not os.environ.get("CCSA_STORE_KEY"):
        pytest.fail("CCSA_CAMPAIGN_DB and CCSA_STORE_KEY are set by scripts/test")
    with pytest.raises(ccsa.StoreError) as e:
        ccsa.Store.open(f"sqlite://{path}")
    assert e.value.code == "STORE_KEY_INVALID"


def _campaign():
    path = os.environ.get("CCSA_CAMPAIGN_DB")
    if not path:
        pytest.fail("CCSA_CAMPAIGN_DB is not set: run scripts/test (it writes a campaign database first)")
    return _open(f"sqlite://{path}")


def test_campaign_leaderboards_and_masking(store):
    s = store
    orgs = s.orgs()
    assert len(orgs) >= 53
    first = orgs.to_pylist()[0]
    assert isinstance(first["listed_on"], datetime.date) and first["retired_on"] is None
    assert set(orgs.column("kind")) == {"bureau", "enterprise"}
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


def test_postgres_store_opens_and_lists():
    url = os.environ.get("CCSA_TEST_PG_URL")
    if not url:
        pytest.fail("CCSA_TEST_PG_URL is not set: run scripts/test (it starts a throwaway PostgreSQL)")
    s = _open(url)
    assert s.backend == "postgres"
    assert s.orgs().columns == ["id", "county", "kind", "name", "listed_on", "retired_on"]
    board = s.leaderboard()
    assert board.columns == ["rank", "member", "name", "org", "department", "county", "points", "reached_at"]


# ---- the same analyst tables on SQLite and PostgreSQL ---------------------------
#
# scripts/test writes a campaign into both: the main job's SQLite file
# (CCSA_CAMPAIGN_DB) and the throwaway PostgreSQL server (CCSA_TEST_PG_URL).


@pytest.fixture(params=["sqlite", "postgres"], scope="module")
def store(request):
    if request.param == "sqlite":
        return _campaign()
    url = os.environ.get("CCSA_TEST_PG_URL")
    if not url:
        pytest.fail("CCSA_TEST_PG_URL is not set: run scripts/test (it starts a throwaway PostgreSQL)")
    s = _open(url)
    if len(s.orgs()) == 0:
        pytest.fail("the PostgreSQL store is empty: scripts/test runs the campaign into it first")
    return s


def _sum_by(keys, values):
    out = {}
    for k, v in zip(keys, values):
        out[k] = out.get(k, 0) + v
    return out


def test_ledger_sums_to_the_leaderboard(store):
    ledger = store.ledger()
    assert ledger.columns == ["id", "member", "org", "day", "kind", "points", "at"]
    assert ledger.schema[3] == ("day", "date") and ledger.schema[6] == ("at", "datetime")
    ids = ledger.column("id")
    assert ids == sorted(ids) and len(set(ids)) == len(ids)
    assert set(ledger.column("kind")) <= {"daily_quiz", "full_marks_bonus", "adjustment"}
    assert isinstance(ledger.column("day")[0], datetime.date)
    assert ledger.column("at")[0].tzinfo is not None
    board = dict(zip(store.leaderboard().column("member"), store.leaderboard().column("points")))
    totals = _sum_by(ledger.column("member"), ledger.column("points"))
    assert all(board[m] == p for m, p in totals.items()), "every total is its ledger sum"
    assert all(totals.get(m, 0) == p for m, p in board.items())


def test_submissions_match_the_ledger_day_by_day(store):
    subs = store.submissions()
    assert subs.columns == ["member", "org", "day", "submitted_at", "questions", "correct", "points"]
    keys = list(zip(subs.column("member"), subs.column("day")))
    assert keys == sorted(keys) and len(set(keys)) == len(keys), "one row per member and day, in order"
    assert all(0 <= c <= q for c, q in zip(subs.column("correct"), subs.column("questions")))
    ledger = store.ledger()
    by_day = _sum_by(zip(ledger.column("member"), ledger.column("day")), ledger.column("points"))
    assert {k: p for k, p in zip(keys, subs.column("points")) if p} == by_day


def test_filters_narrow_by_org_and_day(store):
    june = store.submissions(since=datetime.date(2020, 6, 1), until="2020-06-30")
    assert len(june) > 0
    assert all(datetime.date(2020, 6, 1) <= d <= datetime.date(2020, 6, 30) for d in june.column("day"))
    org = june.column("org")[0]
    mine = store.ledger(org=org, since="2020-06-01", until="2020-06-30")
    assert set(mine.column("org")) == {org}
    assert sum(mine.column("points")) == sum(p for o, p in zip(june.column("org"), june.column("points")) if o == org)
    assert len(store.ledger(since="2021-01-01")) == 0
    with pytest.raises(ValueError, match="since"):
        store.ledger(since="June")


def test_monthly_report_counts_the_submissions(store):
    report = store.monthly_report(2020, 6)
    assert report.columns == [
        "rank", "county", "name", "group", "registered", "participants",
        "participation_rate", "points", "average_score",
    ]
    assert len(report) == 53
    assert sorted(report.column("rank"))[0] == 1
    june = store.submissions(since="2020-06-01", until="2020-06-30")
    assert sum(report.column("participants")) == len(set(june.column("member")))
    assert sum(report.column("points")) == sum(june.column("points"))
    for rate, part, reg in zip(report.column("participation_rate"), report.column("participants"), report.column("registered")):
        assert rate == pytest.approx(part / reg if reg else 0.0)
    orgs = store.monthly_report(2020, 6, level="org")
    assert orgs.columns[:4] == ["county_rank", "rank", "org", "name"]
    assert set(orgs.column("kind")) == {"bureau", "enterprise"}
    assert sum(orgs.column("participants")) == sum(report.column("participants"))
    with pytest.raises(ValueError, match="level"):
        store.monthly_report(2020, 6, level="province")
    with pytest.raises(ccsa.QuizError) as e:
        store.monthly_report(2020, 13)
    assert e.value.code == "OUTSIDE_CAMPAIGN"


def test_awards_are_three_tables(store):
    awards = store.awards(top_n=5)
    assert set(awards) == {"individuals", "bureaus", "enterprises"}
    people = awards["individuals"]
    assert len(people) >= 5 and max(people.column("rank")) <= 5
    assert all("*" in n for n in people.column("name"))
    assert set(awards["bureaus"].column("kind")) == {"bureau"}
    assert set(awards["enterprises"].column("kind")) == {"enterprise"}
    assert awards["bureaus"].column("rank")[0] == 1


def _demo_enterprise(store):
    orgs = store.orgs().to_pylist()
    return min(o["id"] for o in orgs if o["kind"] == "enterprise")


def test_exam_results(store):
    exams = store.exams(_demo_enterprise(store))
    assert len(exams) == 1
    assert exams.column("questions") == [20]
    results = store.exam_results(exams.column("id")[0])
    assert results.columns == ["member", "attempts", "best_percent", "passed"]
    assert len(results) > 10
    assert all(0 <= p <= 100 for p in results.column("best_percent"))
    assert all(a in (1, 2) for a in results.column("attempts"))
    for p, ok in zip(results.column("best_percent"), results.column("passed")):
        assert ok == (p >= 60)
    with pytest.raises(ccsa.ExamError) as e:
        store.exam_results(999_999)
    assert e.value.code == "EXAM_NOT_FOUND"


def test_audit_log_is_per_org(store):
    org = _demo_enterprise(store)
    log = store.audit(org)
    assert log.columns == ["id", "admin", "action", "label", "target", "detail", "at"]
    actions = log.column("action")
    assert actions[0] == "register_admin"
    assert {"login", "create_department", "import_members", "create_exam"} <= set(actions)
    assert log.column("id") == sorted(log.column("id"))
    assert all(isinstance(t, datetime.datetime) for t in log.column("at"))
    imports = [r for r in log.to_pylist() if r["action"] == "import_members"]
    assert imports and all("失败" in r["detail"] for r in imports)
    assert len(store.audit(999_999)) == 0, "an unknown org has no entries"
    assert len(store.audit(org, since="2019-01-01", until="2019-12-31")) == 0


def test_import_dry_run_reports_every_row(store):
    org = _demo_enterprise(store)
    before = len(store.members(org))
    header = "序号,用户姓名,部门名称,职位,用户性别,用户身份证号,用户手机号,用户邮箱,学历\r\n"
    rows = [
        "1,赵新,生产部,操作工,男,110105199003071239,13800138000,,本科",
        "2,钱多,生产部,操作工,女,110105198511204567,13800138001,,本科",
        "3,孙立,不存在的部门,班长,男,,1380013800,,大专",
    ]
    data = (header + "\r\n".join(rows) + "\r\n").encode("utf-8")
    report = store.check_import(org, data, "名单.csv")
    assert report.columns == ["row", "outcome", "column", "code", "message", "other_row"]
    lines = report.to_pylist()
    assert lines[0]["row"] == 2 and lines[0]["outcome"] == "created" and lines[0]["code"] is None
    codes = {(l["row"], l["code"]) for l in lines}
    assert (3, "ID_NUMBER_CHECKSUM") in codes
    assert {(4, "DEPARTMENT_NOT_FOUND"), (4, "PHONE_INVALID")} <= codes
    assert all(l["outcome"] == "failed" for l in lines if l["row"] in (3, 4))
    assert all(l["message"] for l in lines if l["code"])
    assert len(store.members(org)) == before, "a dry run writes nothing"
    with pytest.raises(ccsa.MemberImportError) as e:
        store.check_import(org, b"not a spreadsheet", "x.xlsx")
    assert e.value.code == "FILE_UNREADABLE"
    with pytest.raises(ccsa.RegistrationError) as e:
        store.check_import(999_999, data, "名单.csv")
    assert e.value.code == "ORG_NOT_FOUND"


def test_help_is_useful():
    assert "leaderboard" in (ccsa.Store.leaderboard.__doc__ or "")
    for name in ("ledger", "submissions", "monthly_report", "awards", "exams", "exam_results", "check_import"):
        assert len(getattr(ccsa.Store, name).__doc__ or "") > 80, name
    assert "competition" in (ccsa.rank.__doc__ or "")
