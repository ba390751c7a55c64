//! Mainland mobile phone number (手机号).

use super::{fold_width, mask_middle, masked_output};
use crate::{ErrorCode, Result};

/// A validated mainland mobile number: 11 digits matching `1[3-9]\d{9}`.
///
/// Accepts an optional `+86` / `86` prefix, spaces, dashes and full-width
/// digits. `Display`, `Debug` and `Serialize` are masked (`138****8000`).
///
/// ```
/// use ccsa_core::identity::Phone;
///
/// let p = Phone::parse("+86 138-0013-8000")?;
/// assert_eq!(p.expose(), "13800138000");
/// assert_eq!(p.to_string(), "138****8000");
/// assert_eq!(Phone::parse("12345678901").unwrap_err().code().as_str(), "PHONE_INVALID");
/// # Ok::<(), ccsa_core::Error>(())
/// ```
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Phone(String);

masked_output!(Phone);

impl Phone {
    /// Parses and normalises a phone number.
    pub fn parse(input: &str) -> Result<Phone> {
        let folded = fold_width(input);
        let mut s: String = folded
            .chars()
            .filter(|c| !matches!(c, ' ' | '-' | '\u{2010}'..='\u{2015}' | '\t'))
            .collect();
        if s.is_empty() {
            return Err(ErrorCode::PhoneRequired.into());
        }
        if let Some(rest) = s.strip_prefix("+86") {
            s = rest.to_string();
        } else if s.len() == 13 && s.starts_with("86") {
            s = s[2..].to_string();
        }
        let b = s.as_bytes();
        let ok = b.len() == 11
            && b.iter().all(u8::is_ascii_digit)
            && b[0] == b'1'
            && (b'3'..=b'9').contains(&b[1]);
        if ok {
            Ok(Phone(s))
        } else {
            Err(ErrorCode::PhoneInvalid.into())
        }
    }

    /// The raw 11 digits. Personal information: do not log or display.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// The masked form `138****8000`.
    pub fn masked(&self) -> String {
        mask_middle(&self.0, 3, 4)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn normalises_prefixes_and_separators() {
        for s in [
            "13800138000",
            "138 0013 8000",
            "138-0013-8000",
            "+8613800138000",
            "8613800138000",
            "１３８００１３８０００",
            "+86 138 0013 8000",
        ] {
            assert_eq!(Phone::parse(s).unwrap().expose(), "13800138000", "{s}");
        }
    }

    #[test]
    fn rejects_bad_numbers() {
        assert_eq!(
            Phone::parse("").unwrap_err().code(),
            ErrorCode::PhoneRequired
        );
        assert_eq!(
            Phone::parse(" - ").unwrap_err().code(),
            ErrorCode::PhoneRequired
        );
        for s in [
            "12345678901",
            "1380013800",
            "138001380001",
            "23800138000",
            "1380013800a",
            "+85213800138000",
        ] {
            assert_eq!(
                Phone::parse(s).unwrap_err().code(),
                ErrorCode::PhoneInvalid,
                "{s}"
            );
        }
    }

    #[test]
    fn output_is_masked() {
        let p = Phone::parse("13800138000").unwrap();
        assert_eq!(format!("{p} {p:?}"), "138****8000 Phone(138****8000)");
        assert_eq!(serde_json::to_string(&p).unwrap(), "\"138****8000\"");
    }

    proptest! {
        #[test]
        fn never_panics(s in "\\PC{0,30}") { let _ = Phone::parse(&s); }

        #[test]
        fn valid_round_trip(second in 3u8..10, rest in 0u64..1_000_000_000) {
            let s = format!("1{second}{rest:09}");
            let p = Phone::parse(&s).unwrap();
            prop_assert_eq!(p.expose(), s.as_str());
            prop_assert_eq!(Phone::parse(p.expose()).unwrap(), p);
        }
    }
}
