//! Binding (绑定): a trainee's app account claims the member record the admin
//! entered, by real name + phone.
//!
//! 附件1: binding only works after the admin has imported the trainee, and the
//! name and phone must match what the admin entered exactly. Outcomes:
//! bound, `NO_MATCHING_MEMBER` (not imported, or another name: one code, so
//! binding cannot tell who is on file), `MEMBER_ALREADY_BOUND`,
//! `APP_USER_ALREADY_BOUND`, and `LOCKED_UNTIL` after repeated failures (see
//! [`Lockout`]), so the endpoint cannot be used to enumerate members.

mod lockout;

pub use lockout::{LockKey, Lockout};

use crate::directory::MemberId;
use crate::registry::OrgId;
use crate::{ErrorCode, Result};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::fmt;

/// An opaque app-user id (e.g. a WeChat openid): 1-128 visible ASCII characters.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct AppUserId(String);

impl AppUserId {
    /// Validates an app-user id (`TEXT_INVALID` otherwise).
    ///
    /// ```
    /// use ccsa_core::binding::AppUserId;
    /// assert!(AppUserId::parse("oXyZ-openid_123").is_ok());
    /// assert!(AppUserId::parse("").is_err());
    /// ```
    pub fn parse(s: &str) -> Result<AppUserId> {
        let ok = (1..=128).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_graphic());
        if ok {
            Ok(AppUserId(s.to_string()))
        } else {
            Err(ErrorCode::TextInvalid.into())
        }
    }
    /// The id.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for AppUserId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A successful binding of an app user to a member.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Binding {
    /// The app account.
    pub app_user: AppUserId,
    /// The member record it claimed.
    pub member: MemberId,
    /// The member's org.
    pub org: OrgId,
    /// When.
    pub bound_at: DateTime<Utc>,
}
