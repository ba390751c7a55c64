-- Online exams (在线考试): exams, attempts (unique per exam, member and
-- number: concurrent starts resolve to one), answers (the latest per
-- question). Times are microseconds since the epoch; blueprint, departments
-- and papers are JSON. `saves` versions an attempt's answers: a hand-in
-- finishes it only if no answer was saved since it was marked.
CREATE TABLE exams (
    id            BIGSERIAL PRIMARY KEY,
    org           BIGINT  NOT NULL REFERENCES orgs (id),
    title         TEXT    NOT NULL,
    blueprint     TEXT    NOT NULL,
    minutes       BIGINT  NOT NULL,
    pass_percent  BIGINT  NOT NULL,
    attempts      BIGINT  NOT NULL,
    opens_at      BIGINT  NOT NULL,
    closes_at     BIGINT  NOT NULL,
    departments   TEXT    NOT NULL,
    multiple_rule TEXT    NOT NULL
);
CREATE INDEX exams_by_org ON exams (org, opens_at, id);

CREATE TABLE attempts (
    id            BIGSERIAL PRIMARY KEY,
    exam          BIGINT  NOT NULL REFERENCES exams (id),
    member        BIGINT  NOT NULL REFERENCES members (id),
    number        BIGINT  NOT NULL,
    started_at    BIGINT  NOT NULL,
    deadline      BIGINT  NOT NULL,
    paper         TEXT    NOT NULL,
    saves         BIGINT  NOT NULL DEFAULT 0,
    credit_milli  BIGINT,
    percent_centi BIGINT,
    passed        BOOLEAN,
    finished_at   BIGINT,
    UNIQUE (exam, member, number)
);

CREATE TABLE attempt_answers (
    attempt  BIGINT  NOT NULL REFERENCES attempts (id),
    question BIGINT  NOT NULL,
    chosen   BIGINT  NOT NULL,
    at       BIGINT  NOT NULL,
    seq      BIGINT  NOT NULL,
    PRIMARY KEY (attempt, question)
);
