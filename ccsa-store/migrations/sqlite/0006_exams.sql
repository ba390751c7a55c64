-- Online exams (在线考试): exams, attempts (unique per exam, member and
-- number: concurrent starts resolve to one), answers (the latest per
-- question). Times are microseconds since the epoch; blueprint, departments
-- and papers are JSON. `saves` versions an attempt's answers: a hand-in
-- finishes it only if no answer was saved since it was marked.
CREATE TABLE exams (
    id            INTEGER PRIMARY KEY,
    org           INTEGER NOT NULL REFERENCES orgs (id),
    title         TEXT    NOT NULL,
    blueprint     TEXT    NOT NULL,
    minutes       INTEGER NOT NULL,
    pass_percent  INTEGER NOT NULL,
    attempts      INTEGER NOT NULL,
    opens_at      INTEGER NOT NULL,
    closes_at     INTEGER NOT NULL,
    departments   TEXT    NOT NULL,
    multiple_rule TEXT    NOT NULL
);
CREATE INDEX exams_by_org ON exams (org, opens_at, id);

CREATE TABLE attempts (
    id            INTEGER PRIMARY KEY,
    exam          INTEGER NOT NULL REFERENCES exams (id),
    member        INTEGER NOT NULL REFERENCES members (id),
    number        INTEGER NOT NULL,
    started_at    INTEGER NOT NULL,
    deadline      INTEGER NOT NULL,
    paper         TEXT    NOT NULL,
    saves         INTEGER NOT NULL DEFAULT 0,
    credit_milli  INTEGER,
    percent_centi INTEGER,
    passed        BOOLEAN,
    finished_at   INTEGER,
    UNIQUE (exam, member, number)
);

CREATE TABLE attempt_answers (
    attempt  INTEGER NOT NULL REFERENCES attempts (id),
    question INTEGER NOT NULL,
    chosen   INTEGER NOT NULL,
    at       INTEGER NOT NULL,
    seq      INTEGER NOT NULL,
    PRIMARY KEY (attempt, question)
) WITHOUT ROWID;
