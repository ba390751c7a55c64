//! The one FFI error type: an area, the stable code and the Chinese detail.

use ccsa_core::{Error, ErrorArea};
use std::fmt;

/// A ccsa failure as apps see it: the variant is the area (Kotlin
/// `CcsaException.Validation`, Swift `CcsaError.Validation`), `code` the
/// stable code (`"PHONE_INVALID"`), `detail` the Chinese message to show.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Error)]
pub enum CcsaError {
    /// A value failed a validator (ID number, phone, name, text).
    Validation {
        /// Stable code.
        code: String,
        /// Chinese message.
        detail: String,
    },
    /// Org registry, admin seat, login and sessions.
    Registration {
        /// Stable code.
        code: String,
        /// Chinese message.
        detail: String,
    },
    /// Departments, members and invitations.
    Directory {
        /// Stable code.
        code: String,
        /// Chinese message.
        detail: String,
    },
    /// Member file imports (whole-file problems; row problems are in the report).
    Import {
        /// Stable code.
        code: String,
        /// Chinese message.
        detail: String,
    },
    /// Binding an app user to a member.
    Binding {
        /// Stable code.
        code: String,
        /// Chinese message.
        detail: String,
    },
    /// Question banks, daily quiz, scoring.
    Quiz {
        /// Stable code.
        code: String,
        /// Chinese message.
        detail: String,
    },
    /// Laws, articles, topics, history today.
    Content {
        /// Stable code.
        code: String,
        /// Chinese message.
        detail: String,
    },
    /// Online exams.
    Exam {
        /// Stable code.
        code: String,
        /// Chinese message.
        detail: String,
    },
    /// The store failed; nothing was changed.
    Storage {
        /// Stable code.
        code: String,
        /// Chinese message.
        detail: String,
    },
}

impl CcsaError {
    /// The stable code.
    pub fn code(&self) -> &str {
        self.parts().0
    }

    fn parts(&self) -> (&str, &str) {
        match self {
            CcsaError::Validation { code, detail }
            | CcsaError::Registration { code, detail }
            | CcsaError::Directory { code, detail }
            | CcsaError::Import { code, detail }
            | CcsaError::Binding { code, detail }
            | CcsaError::Quiz { code, detail }
            | CcsaError::Content { code, detail }
            | CcsaError::Exam { code, detail }
            | CcsaError::Storage { code, detail } => (code, detail),
        }
    }
}

impl fmt::Display for CcsaError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (code, detail) = self.parts();
        write!(f, "{code}: {detail}")
    }
}

impl std::error::Error for CcsaError {}

impl From<Error> for CcsaError {
    fn from(e: Error) -> CcsaError {
        let (code, detail) = (e.code().as_str().to_string(), e.to_string());
        match e.code().area() {
            ErrorArea::Validation => CcsaError::Validation { code, detail },
            ErrorArea::Registration => CcsaError::Registration { code, detail },
            ErrorArea::Directory => CcsaError::Directory { code, detail },
            ErrorArea::Import => CcsaError::Import { code, detail },
            ErrorArea::Binding => CcsaError::Binding { code, detail },
            ErrorArea::Quiz => CcsaError::Quiz { code, detail },
            ErrorArea::Content => CcsaError::Content { code, detail },
            ErrorArea::Exam => CcsaError::Exam { code, detail },
            ErrorArea::Storage => CcsaError::Storage { code, detail },
        }
    }
}

impl From<ccsa_core::ErrorCode> for CcsaError {
    fn from(c: ccsa_core::ErrorCode) -> CcsaError {
        Error::new(c).into()
    }
}

/// Result of every fallible FFI call.
pub type FfiResult<T> = Result<T, CcsaError>;

#[cfg(test)]
mod tests {
    use super::*;
    use ccsa_core::ErrorCode;

    #[test]
    fn areas_codes_and_messages_cross_over() {
        let e = CcsaError::from(ErrorCode::PhoneInvalid);
        assert!(matches!(e, CcsaError::Validation { .. }));
        assert_eq!(e.code(), "PHONE_INVALID");
        assert!(e.to_string().contains("手机号"));
        assert!(matches!(
            CcsaError::from(ErrorCode::LockedUntil),
            CcsaError::Binding { .. }
        ));
        assert!(matches!(
            CcsaError::from(ErrorCode::AdminAlreadyRegistered),
            CcsaError::Registration { .. }
        ));
    }
}
