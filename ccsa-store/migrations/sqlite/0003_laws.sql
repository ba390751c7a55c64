-- The law and standard database (法规标准库) with Chinese substring search.
-- *_key columns hold the searched text, folded by ccsa-core (full-width
-- ASCII to half-width, lowercase; codes without spaces), so every backend
-- matches the same way. They come first in the row so that scoring a
-- document reads its long display columns only when it is shown.
--   laws_fts      FTS5 trigram index: terms of three or more characters.
--   laws_bigrams  FTS5 index of each document's distinct two-character
--                 tokens (written by ccsa-store): two-character terms, which
--                 the trigram tokenizer cannot look up.
CREATE TABLE laws (
    id            INTEGER PRIMARY KEY,
    code_key      TEXT    NOT NULL UNIQUE,
    title_key     TEXT    NOT NULL,
    summary_key   TEXT    NOT NULL,
    effective_on  TEXT    NOT NULL,
    issued_on     TEXT    NOT NULL,
    repealed_on   TEXT,
    kind          TEXT    NOT NULL,
    body_key      TEXT    NOT NULL,
    code          TEXT    NOT NULL,
    title         TEXT    NOT NULL,
    issuer        TEXT    NOT NULL,
    superseded_by TEXT,
    summary       TEXT    NOT NULL,
    body          TEXT    NOT NULL
);

CREATE VIRTUAL TABLE laws_fts USING fts5(
    code_key, title_key, summary_key, body_key,
    content = 'laws', content_rowid = 'id', tokenize = 'trigram'
);

CREATE VIRTUAL TABLE laws_bigrams USING fts5(
    grams, content = '', contentless_delete = 1, detail = 'none'
);

CREATE TRIGGER laws_fts_insert AFTER INSERT ON laws BEGIN
    INSERT INTO laws_fts (rowid, code_key, title_key, summary_key, body_key)
    VALUES (new.id, new.code_key, new.title_key, new.summary_key, new.body_key);
END;

CREATE TRIGGER laws_fts_delete AFTER DELETE ON laws BEGIN
    INSERT INTO laws_fts (laws_fts, rowid, code_key, title_key, summary_key, body_key)
    VALUES ('delete', old.id, old.code_key, old.title_key, old.summary_key, old.body_key);
    DELETE FROM laws_bigrams WHERE rowid = old.id;
END;

CREATE TRIGGER laws_fts_update AFTER UPDATE ON laws BEGIN
    INSERT INTO laws_fts (laws_fts, rowid, code_key, title_key, summary_key, body_key)
    VALUES ('delete', old.id, old.code_key, old.title_key, old.summary_key, old.body_key);
    INSERT INTO laws_fts (rowid, code_key, title_key, summary_key, body_key)
    VALUES (new.id, new.code_key, new.title_key, new.summary_key, new.body_key);
END;
