//! Admin sessions: unguessable, expiring, revocable bearer tokens.

use super::AdminId;
use crate::registry::OrgId;
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::fmt;

/// How long an admin session lasts without logging in again.
pub const SESSION_TTL: Duration = Duration::hours(12);

/// A session token as handed to the admin console: 256 random bits,
/// base64url (43 characters). Only its SHA-256 is stored, so a leaked
/// database does not yield usable tokens. `Debug` hides it.
#[derive(Clone, PartialEq, Eq)]
pub struct SessionToken(String);

impl SessionToken {
    /// Encodes 32 random bytes (from a cryptographic RNG) as a token.
    pub fn from_random(bytes: [u8; 32]) -> SessionToken {
        SessionToken(URL_SAFE_NO_PAD.encode(bytes))
    }
    /// Wraps a token string received from a client.
    pub fn from_client(s: &str) -> SessionToken {
        SessionToken(s.trim().to_string())
    }
    /// The token text to send to the client.
    pub fn expose(&self) -> &str {
        &self.0
    }
    /// The digest under which the store keeps it.
    pub fn digest(&self) -> TokenDigest {
        TokenDigest(Sha256::digest(self.0.as_bytes()).into())
    }
}

impl fmt::Debug for SessionToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SessionToken(***)")
    }
}

/// SHA-256 of a token: what the store keys sessions by.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct TokenDigest(pub [u8; 32]);

impl fmt::Debug for TokenDigest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "TokenDigest({:02x}{:02x}…)", self.0[0], self.0[1])
    }
}

/// A stored session.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdminSession {
    /// Digest of the token.
    pub digest: TokenDigest,
    /// Whose session.
    pub admin: AdminId,
    /// The org the admin manages: every directory call is scoped to it.
    pub org: OrgId,
    /// When it was issued.
    pub issued_at: DateTime<Utc>,
    /// When it stops working.
    pub expires_at: DateTime<Utc>,
    /// Set on logout or revocation.
    pub revoked: bool,
}

impl AdminSession {
    /// Whether the session may be used at `now`.
    pub fn is_valid_at(&self, now: DateTime<Utc>) -> bool {
        !self.revoked && now < self.expires_at
    }
}

/// Proof that the caller is the admin of one org, obtained only from
/// `Ccsa::authenticate` (or `login`). Every directory operation takes it and
/// acts on [`AdminContext::org`] alone: an admin of org A cannot name org B.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AdminContext {
    pub(crate) admin: AdminId,
    pub(crate) org: OrgId,
}

impl AdminContext {
    /// The admin.
    pub fn admin(&self) -> AdminId {
        self.admin
    }
    /// The org the admin manages.
    pub fn org(&self) -> OrgId {
        self.org
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_long_and_hidden() {
        let t = SessionToken::from_random([9; 32]);
        assert_eq!(t.expose().len(), 43);
        assert_eq!(format!("{t:?}"), "SessionToken(***)");
        assert_eq!(
            t.digest(),
            SessionToken::from_client(&format!(" {} ", t.expose())).digest()
        );
        assert_ne!(t.digest(), SessionToken::from_random([8; 32]).digest());
    }
}
