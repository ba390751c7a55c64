"""ccsa: the CCSA 安学网 safety-training engine, for analysts.

Competition ranking of columns (``rank``), the validators of the Rust core
for data cleaning (``parse_id_number``, ``parse_phone``, ``normalize_name``,
``check_id_numbers``, ``check_phones``), read access to a campaign store as
tables (``Store``: orgs, members, leaderboards, the ledger, the daily
submissions, monthly county reports, year-end awards, exams and their
results, and a dry run of the member import), and error classes carrying the
stable ``code`` and the Chinese ``message`` of every failure.

Every table implements the Arrow PyCapsule interface, so ``polars.DataFrame(t)``
and ``pyarrow.table(t)`` read it without a row-by-row copy; ``t.to_pylist()``
needs no third-party package.
"""

from ccsa._ccsa import (
    BindingError,
    CcsaError,
    ContentError,
    DirectoryError,
    ExamError,
    MemberImportError,
    QuizError,
    Ranks,
    RegistrationError,
    Store,
    StoreError,
    Table,
    ValidationError,
    check_id_numbers,
    check_phones,
    normalize_name,
    parse_id_number,
    parse_phone,
    rank,
)

__all__ = [
    "BindingError",
    "CcsaError",
    "ContentError",
    "DirectoryError",
    "ExamError",
    "MemberImportError",
    "QuizError",
    "Ranks",
    "RegistrationError",
    "Store",
    "StoreError",
    "Table",
    "ValidationError",
    "check_id_numbers",
    "check_phones",
    "normalize_name",
    "parse_id_number",
    "parse_phone",
    "rank",
]
