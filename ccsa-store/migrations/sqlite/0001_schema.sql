-- ccsa schema, SQLite. Timestamps are Unix microseconds (INTEGER); days are
-- 'YYYY-MM-DD' text (Beijing calendar days); months are YYYYMM integers.
-- Tables keyed by (member, day)-like pairs are WITHOUT ROWID: clustered on
-- their key, so a member's draws, answers and cards are read without a second
-- lookup per row.

CREATE TABLE orgs (
    id            INTEGER PRIMARY KEY,
    county        INTEGER NOT NULL,
    kind          TEXT    NOT NULL CHECK (kind IN ('bureau', 'enterprise')),
    name          TEXT    NOT NULL,
    credit_code   TEXT,
    leader_name   TEXT,
    leader_phone  TEXT,
    liaison_name  TEXT,
    liaison_phone TEXT,
    listed_on     TEXT    NOT NULL,
    retired_on    TEXT
);
CREATE UNIQUE INDEX orgs_active_name ON orgs (name) WHERE retired_on IS NULL;
CREATE UNIQUE INDEX orgs_active_credit_code ON orgs (credit_code) WHERE retired_on IS NULL AND credit_code IS NOT NULL;
CREATE UNIQUE INDEX orgs_active_bureau_per_county ON orgs (county) WHERE retired_on IS NULL AND kind = 'bureau';
CREATE INDEX orgs_by_name ON orgs (name);

CREATE TABLE admins (
    id            INTEGER PRIMARY KEY,
    org           INTEGER NOT NULL UNIQUE REFERENCES orgs (id),
    username      TEXT    NOT NULL UNIQUE,
    real_name     TEXT    NOT NULL,
    phone         TEXT    NOT NULL,
    email         TEXT,
    password_hash TEXT    NOT NULL,
    registered_at INTEGER NOT NULL
);

CREATE TABLE sessions (
    digest     BLOB    PRIMARY KEY,
    admin      INTEGER NOT NULL REFERENCES admins (id),
    org        INTEGER NOT NULL,
    issued_at  INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    revoked    INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX sessions_by_admin ON sessions (admin);

CREATE TABLE failures (
    key TEXT    NOT NULL,
    at  INTEGER NOT NULL
);
CREATE INDEX failures_by_key ON failures (key, at);

CREATE TABLE departments (
    id   INTEGER PRIMARY KEY,
    org  INTEGER NOT NULL REFERENCES orgs (id),
    name TEXT    NOT NULL,
    UNIQUE (org, name)
);

CREATE TABLE members (
    id         INTEGER PRIMARY KEY,
    org        INTEGER NOT NULL REFERENCES orgs (id),
    department INTEGER REFERENCES departments (id),
    name       TEXT    NOT NULL,
    position   TEXT    NOT NULL,
    gender     TEXT    NOT NULL,
    id_number  TEXT    NOT NULL,
    phone      TEXT    NOT NULL,
    email      TEXT,
    education  TEXT,
    created_at INTEGER NOT NULL,
    created_on TEXT    NOT NULL,
    deleted_at INTEGER,
    deleted_on TEXT
);
CREATE UNIQUE INDEX members_active_phone ON members (phone) WHERE deleted_at IS NULL;
CREATE UNIQUE INDEX members_active_id_number ON members (id_number) WHERE deleted_at IS NULL;
CREATE INDEX members_by_org ON members (org, department);
CREATE INDEX members_deleted ON members (deleted_at) WHERE deleted_at IS NOT NULL;

CREATE TABLE bindings (
    app_user TEXT    PRIMARY KEY,
    member   INTEGER NOT NULL UNIQUE REFERENCES members (id),
    org      INTEGER NOT NULL,
    bound_at INTEGER NOT NULL
);

CREATE TABLE questions (
    id          INTEGER PRIMARY KEY,
    owner_org   INTEGER REFERENCES orgs (id),
    kind        TEXT    NOT NULL,
    stem        TEXT    NOT NULL,
    options     TEXT    NOT NULL,
    answer      INTEGER NOT NULL,
    explanation TEXT    NOT NULL,
    category    TEXT    NOT NULL,
    specialties TEXT    NOT NULL,
    difficulty  INTEGER NOT NULL,
    source      TEXT
);
CREATE INDEX questions_by_owner ON questions (owner_org);

CREATE TABLE bank (
    id       INTEGER PRIMARY KEY CHECK (id = 1),
    revision INTEGER NOT NULL
);
INSERT INTO bank (id, revision) VALUES (1, 0);

CREATE TABLE draws (
    member        INTEGER NOT NULL,
    day           TEXT    NOT NULL,
    bank_revision INTEGER NOT NULL,
    seed          INTEGER NOT NULL,
    questions     TEXT    NOT NULL,
    reviews       INTEGER NOT NULL,
    PRIMARY KEY (member, day)
) WITHOUT ROWID;

-- The answer log: one row per member and day, never updated.
CREATE TABLE submissions (
    member       INTEGER NOT NULL,
    day          TEXT    NOT NULL,
    month        INTEGER NOT NULL,
    org          INTEGER NOT NULL,
    submitted_at INTEGER NOT NULL,
    correct      INTEGER NOT NULL,
    points       INTEGER NOT NULL,
    answers      TEXT    NOT NULL,
    PRIMARY KEY (member, day)
) WITHOUT ROWID;
CREATE INDEX submissions_by_day ON submissions (day, points DESC, submitted_at, member);

-- Every point change; totals are derived from it.
CREATE TABLE ledger (
    id     INTEGER PRIMARY KEY,
    member INTEGER NOT NULL,
    org    INTEGER NOT NULL,
    day    TEXT    NOT NULL,
    kind   TEXT    NOT NULL,
    points INTEGER NOT NULL,
    at     INTEGER NOT NULL
);
CREATE INDEX ledger_by_member ON ledger (member, day);

-- Rollups kept in the same transaction as each submission.
CREATE TABLE member_totals (
    member     INTEGER PRIMARY KEY,
    org        INTEGER NOT NULL,
    county     INTEGER NOT NULL,
    points     INTEGER NOT NULL,
    reached_at INTEGER NOT NULL
);
CREATE INDEX member_totals_rank ON member_totals (points DESC, reached_at, member);

CREATE TABLE member_months (
    member     INTEGER NOT NULL,
    month      INTEGER NOT NULL,
    org        INTEGER NOT NULL,
    county     INTEGER NOT NULL,
    points     INTEGER NOT NULL,
    days       INTEGER NOT NULL,
    reached_at INTEGER NOT NULL,
    PRIMARY KEY (member, month)
) WITHOUT ROWID;
CREATE INDEX member_months_rank ON member_months (month, points DESC, reached_at, member);

CREATE TABLE org_days (
    org          INTEGER NOT NULL,
    day          TEXT    NOT NULL,
    participants INTEGER NOT NULL,
    points       INTEGER NOT NULL,
    PRIMARY KEY (org, day)
) WITHOUT ROWID;

CREATE TABLE review_cards (
    member        INTEGER NOT NULL,
    question      INTEGER NOT NULL,
    repetitions   INTEGER NOT NULL,
    interval_days INTEGER NOT NULL,
    ease_milli    INTEGER NOT NULL,
    due           TEXT    NOT NULL,
    PRIMARY KEY (member, question)
) WITHOUT ROWID;
