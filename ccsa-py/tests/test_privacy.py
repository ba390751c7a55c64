"""PIPL: every table and error the Python package returns masks ID numbers
and phones unless the analyst asks with ``raw=True``.

The raw values come from ``members(org, raw=True)`` of every org of the
campaign; the test then walks every table (with default arguments), every
error, and ``repr``/``str`` of the objects, and fails if one raw ID number
or phone appears.
"""

import datetime

import pytest

import ccsa

from test_ccsa import store  # noqa: F401  (the sqlite/postgres fixture)


def _text(table):
    return "\n".join(repr(row) for row in table.to_pylist()) + repr(table) + str(table)


def test_no_table_shows_a_raw_id_number_or_phone(store):  # noqa: F811
    orgs = store.orgs().to_pylist()
    raw, shown = set(), []
    for o in orgs:
        members = store.members(o["id"], raw=True)
        if len(members) == 0:
            continue
        raw |= set(members.column("id_number")) | set(members.column("phone"))
        shown.append(_text(store.members(o["id"])))
    assert len(raw) > 200, "the campaign has members"
    for scope in ("all", "org", "county", "department"):
        kw = {}
        board = store.leaderboard()
        first = board.to_pylist()[0]
        if scope == "org":
            kw["org"] = first["org"]
        elif scope == "county":
            kw["county"] = first["county"]
        elif scope == "department":
            row = next((r for r in board.to_pylist() if r["department"] is not None), None)
            if row is None:
                continue
            kw["org"] = row["org"]
            kw["department"] = row["department"]
        shown.append(_text(store.leaderboard(scope=scope, **kw)))
    shown.append(_text(store.orgs()))
    shown.append(_text(store.ledger()))
    shown.append(_text(store.submissions()))
    shown.append(_text(store.monthly_report(2020, 6)))
    shown.append(_text(store.monthly_report(2020, 6, level="org")))
    for t in store.awards().values():
        shown.append(_text(t))
    for o in orgs:
        shown.append(_text(store.audit(o["id"])))
        for e in store.exams(o["id"]).to_pylist():
            shown.append(repr(e))
            shown.append(_text(store.exam_results(e["id"])))
    # a dry run of a file made of existing members' raw values: every line
    # (taken phones, taken ID numbers) comes back without them
    org = next(o["id"] for o in orgs if len(store.members(o["id"])) > 0)
    rows = store.members(org, raw=True).to_pylist()[:20]
    header = "用户姓名,部门名称,职位,用户性别,用户身份证号,用户手机号,用户邮箱,学历\r\n"
    body = "".join(
        f"{r['name']},,,{r['gender']},{r['id_number']},{r['phone'][:-1]},,\r\n" for r in rows
    )
    report = store.check_import(org, (header + body).encode(), "名单.csv")
    assert len(report) >= len(rows)
    shown.append(_text(report))
    # validators raise with the code and a message, never the value
    for value in list(raw)[:50]:
        for check in (ccsa.parse_phone, ccsa.parse_id_number):
            try:
                check(value[:-1] + ("0" if value[-1] != "0" else "1"))
            except ccsa.CcsaError as e:
                shown.append(f"{e!r} {e} {e.code} {e.message}")
    table = ccsa.check_phones([r[:-1] for r in raw if len(r) == 11][:50])
    shown.append(_text(table))
    text = "\n".join(shown)
    leaked = sorted(v for v in raw if v in text)
    assert not leaked, f"{len(leaked)} raw values appear, e.g. …{text[text.find(leaked[0]) - 80:][:160]}…"
    assert "****" in text


def test_raw_true_is_the_only_way_to_see_them(store):  # noqa: F811
    org = next(o["id"] for o in store.orgs().to_pylist() if len(store.members(o["id"])) > 0)
    masked = store.members(org).to_pylist()
    full = store.members(org, raw=True).to_pylist()
    assert [m["member"] if "member" in m else m["id"] for m in masked] == [
        m["member"] if "member" in m else m["id"] for m in full
    ]
    for m, f in zip(masked, full):
        assert m["phone"] != f["phone"] and m["phone"][:3] == f["phone"][:3] and m["phone"][-4:] == f["phone"][-4:]
        assert m["id_number"] != f["id_number"]
