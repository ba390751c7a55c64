//! Admin accounts (管理员): the first-registrant seat, passwords, sessions.
//!
//! 附件2 gives every bureau and enterprise one admin account, and the **first
//! registrant** of the org gets it. The admin account is separate from member
//! records: to take part in the quiz, an admin also adds themself as a member.

mod password;
mod seat;
mod session;

pub(crate) use password::decoy_hash;
pub use password::{OWASP_PARAMS, check_strength, hash_password, verify_password};
pub use seat::{AdminId, AdminRegistration, AdminSeat, NewAdmin, Username, ValidRegistration};
pub use session::{AdminContext, AdminSession, SESSION_TTL, SessionToken, TokenDigest};
