-- The law and standard database (法规标准库) with Chinese substring search.
-- *_key columns hold the searched text, folded by ccsa-core (full-width
-- ASCII to half-width, lowercase; codes without spaces), so every backend
-- matches the same way.
--   pg_trgm GIN indexes on each key column serve LIKE '%term%' for terms of
--   three or more characters. pg_trgm takes trigrams from characters the
--   database's LC_CTYPE calls letters: with a UTF-8 locale (C.UTF-8,
--   zh_CN.UTF-8, en_US.UTF-8) Chinese text is indexed; under the plain C
--   locale results are the same but the indexes cannot narrow them.
--   bigrams (each document's distinct two-character tokens, written by
--   ccsa-store) with a GIN index serve two-character terms, which trigrams
--   cannot look up.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE TABLE laws (
    id            BIGSERIAL PRIMARY KEY,
    code_key      TEXT   NOT NULL UNIQUE,
    title_key     TEXT   NOT NULL,
    summary_key   TEXT   NOT NULL,
    effective_on  DATE   NOT NULL,
    issued_on     DATE   NOT NULL,
    repealed_on   DATE,
    kind          TEXT   NOT NULL,
    body_key      TEXT   NOT NULL,
    bigrams       TEXT[] NOT NULL,
    code          TEXT   NOT NULL,
    title         TEXT   NOT NULL,
    issuer        TEXT   NOT NULL,
    superseded_by TEXT,
    summary       TEXT   NOT NULL,
    body          TEXT   NOT NULL
);
-- Scored text is read uncompressed.
ALTER TABLE laws ALTER COLUMN body_key SET STORAGE EXTERNAL;
-- fastupdate off: documents are written rarely and searched often; a GIN
-- pending list would make the planner (rightly) avoid the indexes until
-- the next vacuum.
CREATE INDEX laws_code_trgm ON laws USING gin (code_key gin_trgm_ops) WITH (fastupdate = off);
CREATE INDEX laws_title_trgm ON laws USING gin (title_key gin_trgm_ops) WITH (fastupdate = off);
CREATE INDEX laws_summary_trgm ON laws USING gin (summary_key gin_trgm_ops) WITH (fastupdate = off);
CREATE INDEX laws_body_trgm ON laws USING gin (body_key gin_trgm_ops) WITH (fastupdate = off);
CREATE INDEX laws_bigrams ON laws USING gin (bigrams) WITH (fastupdate = off);
