"""The member-import comparisons of benches/peers/run, Python side.

  python import_peers.py FILE CCSA_SECONDS DRY_RUN_SECONDS [RUNS [FLOOR_SECONDS]]

FILE is the 100,000-row member template the import bench wrote
(target/bench-import-100000.xlsx); CCSA_SECONDS is ccsa's median import time
of it (read, validate every row, write to SQLite) and DRY_RUN_SECONDS its
median dry run (read and validate every row, nothing written: the work the
pandas script does), both from the same run; FLOOR_SECONDS, from that run
too, is the standard Rust tools' floor with no checks at all (calamine
reads the table, rusqlite writes every row), set beside the 15x budget.
Times:

- pandas.read_excel (openpyxl) plus the same checks written in pandas, the
  way an analyst would: names, genders against the ID number, ID numbers
  (length, characters, province, birth date, GB 11643 check character),
  phones, departments, education, emails, duplicates within the file;
- python-calamine reading the sheet into Python rows (reading only).

Prints Markdown table rows.
"""

import re
import statistics
import sys
import time
from datetime import date

import pandas as pd
from python_calamine import CalamineWorkbook

FILE, CCSA, DRY = sys.argv[1], float(sys.argv[2]), float(sys.argv[3])
RUNS = int(sys.argv[4]) if len(sys.argv) > 4 else 3
FLOOR = float(sys.argv[5]) if len(sys.argv) > 5 else None
SHEET = "企业用户导入模板"
DEPARTMENTS = {"生产部", "技术部", "一车间", "二车间"}
EDUCATION = {  # the core's accepted spellings (identity::Education)
    "博士", "博士研究生", "硕士", "硕士研究生", "本科", "大学本科", "大本", "专科(大专)", "专科", "大专",
    "专科（大专）", "大学专科", "高中", "中专", "技校", "职高", "初中", "小学及以下", "小学", "小学以下",
    "其他", "其它",
}
PROVINCES = {
    "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37",
    "41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64",
    "65", "71", "81", "82", "83", "91",
}
WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
TODAY = date(2020, 3, 24)


def id_error(s):
    if not isinstance(s, str) or not s:
        return "ID_NUMBER_REQUIRED"
    s = s.strip().upper()
    if len(s) != 18:
        return "ID_NUMBER_LENGTH"
    if not (s[:17].isdigit() and (s[17].isdigit() or s[17] == "X")):
        return "ID_NUMBER_CHARSET"
    if s[:2] not in PROVINCES:
        return "ID_NUMBER_REGION"
    try:
        born = date(int(s[6:10]), int(s[10:12]), int(s[12:14]))
    except ValueError:
        return "ID_NUMBER_BIRTH_DATE"
    if born > TODAY or born.year < 1900:
        return "ID_NUMBER_BIRTH_DATE"
    if "10X98765432"[sum(int(c) * w for c, w in zip(s, WEIGHTS)) % 11] != s[17]:
        return "ID_NUMBER_CHECKSUM"
    return None


PHONE = re.compile(r"^1[3-9]\d{9}$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
NAME = re.compile(r"^[\u4e00-\u9fff·A-Za-z ]{1,30}$")


def with_pandas():
    df = pd.read_excel(FILE, sheet_name=SHEET, dtype=str, engine="openpyxl").fillna("")
    errors = pd.Series([[] for _ in range(len(df))], index=df.index)

    def flag(mask, code):
        for i in df.index[mask]:
            errors[i].append(code)

    name = df["用户姓名"].str.strip()
    flag(name == "", "NAME_REQUIRED")
    flag((name != "") & ~name.str.match(NAME), "NAME_INVALID_CHAR")
    ids = df["用户身份证号"].str.strip().str.upper()
    id_err = ids.map(id_error)
    for code in id_err.dropna().unique():
        flag(id_err == code, code)
    gender = df["用户性别"].str.strip()
    flag(~gender.isin(["男", "女"]), "GENDER_INVALID")
    parity = ids.str[16].where(id_err.isna()).map(lambda c: "男" if c and int(c) % 2 else "女")
    flag(id_err.isna() & gender.isin(["男", "女"]) & (gender != parity), "GENDER_MISMATCH")
    phone = df["用户手机号"].str.replace(r"[\s-]", "", regex=True).str.removeprefix("+86")
    flag(~phone.str.match(PHONE), "PHONE_INVALID")
    dept = df["部门名称"].str.strip()
    flag((dept != "") & ~dept.isin(DEPARTMENTS), "DEPARTMENT_NOT_FOUND")
    edu = df["学历"].str.strip()
    flag((edu != "") & ~edu.isin(EDUCATION), "EDUCATION_UNKNOWN")
    email = df["用户邮箱"].str.strip()
    flag((email != "") & ~email.str.match(EMAIL), "EMAIL_INVALID")
    flag(phone.duplicated(keep="first") & (phone != ""), "PHONE_DUPLICATE_IN_FILE")
    flag(ids.duplicated(keep="first") & (ids != ""), "ID_NUMBER_DUPLICATE_IN_FILE")
    return len(df), int((errors.map(len) > 0).sum())


def with_calamine():
    rows = CalamineWorkbook.from_path(FILE).get_sheet_by_name(SHEET).to_python()
    return len(rows) - 1


def timed(f, runs):
    times, out = [], None
    for _ in range(runs):
        t = time.perf_counter()
        out = f()
        times.append(time.perf_counter() - t)
    return statistics.median(times), min(times), max(times), out


pd_t = timed(with_pandas, RUNS)
rows, bad = pd_t[3]
assert bad == 0, f"the bench file is valid, yet the pandas checks flagged {bad} rows"
cal_t = timed(with_calamine, RUNS)
assert cal_t[3] == rows
spread = lambda t: f"{t[0]:.2f} s ({t[1]:.2f}–{t[2]:.2f})"
print(
    f"| import a {rows:,}-row member template with full validation | {CCSA:.2f} s (read, check, write to SQLite) "
    f"| pandas {pd.__version__} read_excel (openpyxl) + the same checks in pandas: {spread(pd_t)} "
    f"| {pd_t[0] / CCSA:.1f}× faster | ≥ 15× |"
)
print(
    f"| the same file and checks, nothing written (ccsa dry run; pandas writes nothing either) | {DRY:.2f} s "
    f"| pandas read_excel + the same checks: {spread(pd_t)} "
    f"| {pd_t[0] / DRY:.1f}× faster | — |"
)
print(
    f"| the same file, reading only | {CCSA:.2f} s (ccsa's whole import) "
    f"| python-calamine reading it into rows: {spread(cal_t)} "
    f"| {CCSA / cal_t[0]:.2f}× its time | ≤ 1.5× |"
)
if FLOOR is not None:
    print(
        f"| (the 15× budget: pandas ÷ 15 = {pd_t[0] / 15:.2f} s) | {CCSA:.2f} s (ccsa's whole import, checks included) "
        f"| the standard Rust tools' floor, no checks: calamine reads the table, rusqlite writes every row: {FLOOR:.2f} s "
        f"| the floor is {FLOOR / (pd_t[0] / 15):.1f}× the budget; ccsa {CCSA / FLOOR:.2f}× the floor | — |"
    )
