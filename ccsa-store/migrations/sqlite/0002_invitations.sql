-- QR-code invitations: only the SHA-256 of each token is stored.
CREATE TABLE invitations (
    id         INTEGER PRIMARY KEY,
    digest     BLOB    NOT NULL UNIQUE,
    org        INTEGER NOT NULL REFERENCES orgs (id),
    department INTEGER,
    created_by INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    max_uses   INTEGER NOT NULL,
    uses       INTEGER NOT NULL DEFAULT 0,
    revoked    INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX invitations_by_org ON invitations (org);
