-- Articles (安全五分钟: org NULL; 企业知识库: the owning org), featured
-- topics (精选专题, items as JSON) and history-today accident records
-- (历史上的今天, looked up by month and day).
CREATE TABLE articles (
    id           INTEGER PRIMARY KEY,
    org          INTEGER REFERENCES orgs (id),
    title        TEXT    NOT NULL,
    body         TEXT    NOT NULL,
    minutes      INTEGER NOT NULL,
    tags         TEXT    NOT NULL,
    published_on TEXT    NOT NULL
);
CREATE INDEX articles_by_org ON articles (org, published_on DESC, id DESC);

CREATE TABLE topics (
    id       INTEGER PRIMARY KEY,
    title    TEXT    NOT NULL,
    cover    TEXT    NOT NULL,
    items    TEXT    NOT NULL,
    position INTEGER NOT NULL
);

CREATE TABLE accidents (
    id            INTEGER PRIMARY KEY,
    happened_on   TEXT    NOT NULL,
    month         INTEGER NOT NULL,
    day           INTEGER NOT NULL,
    place         TEXT    NOT NULL,
    title         TEXT    NOT NULL,
    what_happened TEXT    NOT NULL,
    deaths        INTEGER NOT NULL,
    injured       INTEGER NOT NULL,
    missing       INTEGER NOT NULL,
    causes        TEXT    NOT NULL,
    lessons       TEXT    NOT NULL,
    source        TEXT    NOT NULL
);
CREATE INDEX accidents_by_calendar ON accidents (month, day);
