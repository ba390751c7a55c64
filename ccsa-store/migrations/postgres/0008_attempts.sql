-- Lock-out entries are claimed before an attempt is judged and removed when
-- it succeeds: each entry names the attempt that claimed it (a random id).
ALTER TABLE failures ADD COLUMN attempt BIGINT;
