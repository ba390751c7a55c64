//! QR-code invitations (二维码邀请): an admin hands out a code; each trainee
//! who scans it enters their own details and becomes a member.

use super::DeptId;
use crate::admin::{AdminId, TokenDigest};
use crate::registry::OrgId;
use crate::{Error, ErrorCode, Result};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Utc};
use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::fmt;

/// An invitation's id, assigned by the store.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct InvitationId(pub i64);

/// The secret that signs invitation tokens, supplied by the embedding
/// service (keep it stable across restarts, rotate it to void all tokens).
#[derive(Clone)]
pub struct InvitationKey([u8; 32]);

impl InvitationKey {
    /// A key from 32 secret bytes.
    pub fn new(bytes: [u8; 32]) -> InvitationKey {
        InvitationKey(bytes)
    }

    fn tag(&self, random: &[u8]) -> [u8; TAG] {
        let mut mac =
            <Hmac<Sha256> as Mac>::new_from_slice(&self.0).expect("HMAC takes any key length");
        mac.update(b"ccsa-invitation:");
        mac.update(random);
        let full = mac.finalize().into_bytes();
        let mut t = [0u8; TAG];
        t.copy_from_slice(&full[..TAG]);
        t
    }
}

impl fmt::Debug for InvitationKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("InvitationKey(***)")
    }
}

const RANDOM: usize = 12; // 96 bits
const TAG: usize = 9; // 72-bit HMAC-SHA256 tag
/// Length of a token: 16 + 12 base64url characters (a WeChat mini-program
/// QR "scene" holds at most 32).
pub const TOKEN_LEN: usize = 28;

/// An invitation token: 96 random bits and a 72-bit HMAC tag, base64url,
/// 28 characters. Only its SHA-256 is stored; the signature lets a forged or
/// altered token be refused without a store lookup.
///
/// ```
/// use ccsa_core::directory::{InvitationKey, InvitationToken};
/// let key = InvitationKey::new([7; 32]);
/// let token = InvitationToken::issue([1; 12], &key);
/// assert_eq!(token.expose().len(), 28);
/// assert!(InvitationToken::parse(token.expose(), &key).is_ok());
/// let mut forged = token.expose().to_string();
/// forged.replace_range(0..1, if forged.starts_with('A') { "B" } else { "A" });
/// assert_eq!(InvitationToken::parse(&forged, &key).unwrap_err().code().as_str(), "INVITATION_FORGED");
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct InvitationToken(String);

impl InvitationToken {
    /// Makes a token from 12 random bytes (from a cryptographic RNG).
    pub fn issue(random: [u8; RANDOM], key: &InvitationKey) -> InvitationToken {
        let mut s = URL_SAFE_NO_PAD.encode(random);
        s.push_str(&URL_SAFE_NO_PAD.encode(key.tag(&random)));
        InvitationToken(s)
    }

    /// Checks a scanned token: `INVITATION_MALFORMED` for the wrong shape,
    /// `INVITATION_FORGED` when the signature does not verify.
    pub fn parse(s: &str, key: &InvitationKey) -> Result<InvitationToken> {
        let s = s.trim();
        if s.len() != TOKEN_LEN
            || !s
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        {
            return Err(ErrorCode::InvitationMalformed.into());
        }
        let random = URL_SAFE_NO_PAD
            .decode(&s[..16])
            .map_err(|_| Error::new(ErrorCode::InvitationMalformed))?;
        let tag = URL_SAFE_NO_PAD
            .decode(&s[16..])
            .map_err(|_| Error::new(ErrorCode::InvitationMalformed))?;
        if random.len() != RANDOM || tag.len() != TAG {
            return Err(ErrorCode::InvitationMalformed.into());
        }
        let mut mac =
            <Hmac<Sha256> as Mac>::new_from_slice(&key.0).expect("HMAC takes any key length");
        mac.update(b"ccsa-invitation:");
        mac.update(&random);
        // constant-time comparison of the truncated tag
        mac.verify_truncated_left(&tag)
            .map_err(|_| Error::new(ErrorCode::InvitationForged))?;
        Ok(InvitationToken(s.to_string()))
    }

    /// The token text to put in the QR code.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// The digest under which the store keeps the invitation.
    pub fn digest(&self) -> TokenDigest {
        TokenDigest(Sha256::digest(self.0.as_bytes()).into())
    }
}

impl fmt::Debug for InvitationToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("InvitationToken(***)")
    }
}

/// An invitation to store.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewInvitation {
    /// Digest of the token.
    pub digest: TokenDigest,
    /// The org the trainee joins.
    pub org: OrgId,
    /// The department the trainee joins, if the invitation fixes one.
    pub department: Option<DeptId>,
    /// The admin who made it.
    pub created_by: AdminId,
    /// When it was made.
    pub created_at: DateTime<Utc>,
    /// When it stops working.
    pub expires_at: DateTime<Utc>,
    /// How many trainees may use it.
    pub max_uses: u32,
}

/// A stored invitation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Invitation {
    /// Store-assigned id.
    pub id: InvitationId,
    /// What was stored.
    #[serde(flatten)]
    pub details: NewInvitation,
    /// Members created with it so far.
    pub uses: u32,
    /// Whether the admin revoked it.
    pub revoked: bool,
}

impl Invitation {
    /// Whether it can be used at `now`: `INVITATION_REVOKED`, then
    /// `INVITATION_EXPIRED`, then `INVITATION_USED_UP`.
    pub fn check(&self, now: DateTime<Utc>) -> Result<()> {
        if self.revoked {
            return Err(ErrorCode::InvitationRevoked.into());
        }
        if now >= self.details.expires_at {
            return Err(ErrorCode::InvitationExpired.into());
        }
        if self.uses >= self.details.max_uses {
            return Err(ErrorCode::InvitationUsedUp.into());
        }
        Ok(())
    }
}

/// How a token becomes the text of the QR code: a pattern in which
/// `{token}` is replaced, e.g. `https://example.invalid/join?t={token}` or
/// just `{token}` for a mini-program "scene".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvitationLink(pub String);

impl InvitationLink {
    /// The QR text for a token.
    pub fn text(&self, token: &InvitationToken) -> String {
        self.0.replace("{token}", token.expose())
    }

    /// The token inside a scanned QR text made with this link, checked for
    /// shape only (the signature needs the server's key: see
    /// [`InvitationToken::parse`]). `INVITATION_MALFORMED` when the text
    /// is not this link around a token-shaped string.
    ///
    /// ```
    /// use ccsa_core::directory::InvitationLink;
    /// let link = InvitationLink("https://example.invalid/join?t={token}".into());
    /// let text = "https://example.invalid/join?t=AAAAAAAAAAAAAAAAAAAAAAAAAAAA";
    /// assert_eq!(link.token_in(text).unwrap().len(), 28);
    /// assert!(link.token_in("https://elsewhere.invalid/?t=AAAAAAAAAAAAAAAAAAAAAAAAAAAA").is_err());
    /// ```
    pub fn token_in(&self, text: &str) -> Result<String> {
        let (prefix, suffix) = self
            .0
            .split_once("{token}")
            .unwrap_or((self.0.as_str(), ""));
        let token = text
            .trim()
            .strip_prefix(prefix)
            .and_then(|t| t.strip_suffix(suffix))
            .ok_or(ErrorCode::InvitationMalformed)?;
        let shaped = token.len() == TOKEN_LEN
            && token
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        if !shaped {
            return Err(ErrorCode::InvitationMalformed.into());
        }
        Ok(token.to_string())
    }
}

impl Default for InvitationLink {
    fn default() -> Self {
        InvitationLink("{token}".to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;

    #[test]
    fn tokens() {
        let key = InvitationKey::new([3; 32]);
        let t = InvitationToken::issue([9; 12], &key);
        assert_eq!(t.expose().len(), TOKEN_LEN);
        assert_eq!(
            InvitationToken::parse(&format!(" {} ", t.expose()), &key).unwrap(),
            t
        );
        assert_eq!(
            InvitationToken::parse(t.expose(), &InvitationKey::new([4; 32]))
                .unwrap_err()
                .code(),
            ErrorCode::InvitationForged
        );
        for bad in [
            "",
            "short",
            &"A".repeat(29),
            &format!("{}!", &t.expose()[..27]),
        ] {
            assert_eq!(
                InvitationToken::parse(bad, &key).unwrap_err().code(),
                ErrorCode::InvitationMalformed,
                "{bad}"
            );
        }
        // every single-character change is caught
        let alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        for i in 0..TOKEN_LEN {
            let mut s: Vec<char> = t.expose().chars().collect();
            s[i] = alphabet.chars().find(|c| *c != s[i]).unwrap();
            let s: String = s.into_iter().collect();
            assert!(InvitationToken::parse(&s, &key).is_err(), "position {i}");
        }
        assert_eq!(format!("{t:?}"), "InvitationToken(***)");
        assert_eq!(
            InvitationLink("https://x.invalid/j?t={token}".into()).text(&t),
            format!("https://x.invalid/j?t={}", t.expose())
        );
    }

    #[test]
    fn states() {
        let now = DateTime::<Utc>::UNIX_EPOCH + Duration::days(1);
        let inv = Invitation {
            id: InvitationId(1),
            details: NewInvitation {
                digest: TokenDigest([0; 32]),
                org: OrgId(1),
                department: None,
                created_by: AdminId(1),
                created_at: now,
                expires_at: now + Duration::days(7),
                max_uses: 2,
            },
            uses: 1,
            revoked: false,
        };
        assert!(inv.check(now).is_ok());
        assert_eq!(
            Invitation {
                uses: 2,
                ..inv.clone()
            }
            .check(now)
            .unwrap_err()
            .code(),
            ErrorCode::InvitationUsedUp
        );
        assert_eq!(
            inv.check(now + Duration::days(7)).unwrap_err().code(),
            ErrorCode::InvitationExpired
        );
        assert_eq!(
            Invitation {
                revoked: true,
                uses: 2,
                ..inv
            }
            .check(now + Duration::days(9))
            .unwrap_err()
            .code(),
            ErrorCode::InvitationRevoked
        );
    }
}
