-- The audit log (操作日志): one row per admin action, no personal data.
-- Times are microseconds since the epoch; ids increase in append order
-- (AUTOINCREMENT: never reused, even after pruning).
CREATE TABLE audit_log (
    id     INTEGER PRIMARY KEY AUTOINCREMENT,
    org    INTEGER NOT NULL,
    admin  INTEGER,
    action TEXT    NOT NULL,
    target INTEGER,
    detail TEXT    NOT NULL,
    at     INTEGER NOT NULL
);
CREATE INDEX audit_by_org ON audit_log (org, id);
CREATE INDEX audit_by_time ON audit_log (at);
