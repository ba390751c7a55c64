-- Encryption at rest (see ccsa-store/src/vault.rs). With a keyring, each ID
-- number and phone is stored sealed (AEAD) in its *_sealed column, and its
-- plain column holds the value's blind index (keyed HMAC) instead of the
-- value, so the unique indexes and lookups keep working on it. A row whose
-- *_sealed column is NULL is plaintext: either the store has no keyring, or
-- the in-place conversion has not reached it yet.
ALTER TABLE members ADD COLUMN phone_sealed BLOB;
ALTER TABLE members ADD COLUMN id_number_sealed BLOB;
ALTER TABLE admins ADD COLUMN phone_sealed BLOB;
ALTER TABLE orgs ADD COLUMN leader_phone_sealed BLOB;
ALTER TABLE orgs ADD COLUMN liaison_phone_sealed BLOB;

-- Which master key the database is sealed under, and that key's check value
-- (no row: plaintext).
CREATE TABLE vault (
    id        INTEGER PRIMARY KEY CHECK (id = 1),
    key_id    INTEGER NOT NULL,
    key_check BLOB NOT NULL
);
