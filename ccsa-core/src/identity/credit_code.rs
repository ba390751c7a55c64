//! Unified social credit code (统一社会信用代码), GB 32100-2015.

use super::fold_width;
use crate::{ErrorCode, Result};
use serde::{Deserialize, Serialize};
use std::fmt;

const ALPHABET: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
const WEIGHTS: [u32; 17] = [
    1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
];

/// An enterprise's 18-character unified social credit code, with its
/// GB 32100-2015 check character verified (alphabet without I, O, S, V, Z;
/// characters 3-8 are the administrative-division digits).
///
/// It identifies an org, not a person, so it is shown unmasked.
///
/// ```
/// use ccsa_core::identity::CreditCode;
/// let c = CreditCode::parse("91350100M000100Y43")?;
/// assert_eq!(c.as_str(), "91350100M000100Y43");
/// assert!(CreditCode::parse("91350100M000100Y44").is_err());
/// # Ok::<(), ccsa_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct CreditCode(String);

fn value(c: u8) -> Option<u32> {
    ALPHABET.iter().position(|&a| a == c).map(|p| p as u32)
}

/// The check character for the first 17 characters (all in the alphabet).
pub(crate) fn check_char(first17: &[u8]) -> Option<u8> {
    let mut sum = 0u32;
    for (c, w) in first17.iter().zip(WEIGHTS) {
        sum += value(*c)? * w;
    }
    let r = (31 - sum % 31) % 31;
    Some(ALPHABET[r as usize])
}

impl CreditCode {
    /// Parses, uppercases and verifies a code.
    pub fn parse(input: &str) -> Result<CreditCode> {
        let s: String = fold_width(input).trim().to_ascii_uppercase();
        let b = s.as_bytes();
        let ok = b.len() == 18
            && b[2..8].iter().all(u8::is_ascii_digit)
            && b.iter().all(|c| value(*c).is_some())
            && check_char(&b[..17]) == Some(b[17]);
        if ok {
            Ok(CreditCode(s))
        } else {
            Err(ErrorCode::CreditCodeInvalid.into())
        }
    }

    /// The code.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Builds a valid code from a 17-character body (for generated test data).
    pub fn with_check_char(body17: &str) -> Result<CreditCode> {
        let c = check_char(body17.as_bytes()).ok_or(ErrorCode::CreditCodeInvalid)?;
        CreditCode::parse(&format!("{body17}{}", c as char))
    }
}

impl TryFrom<String> for CreditCode {
    type Error = crate::Error;
    fn try_from(s: String) -> Result<Self> {
        CreditCode::parse(&s)
    }
}

impl From<CreditCode> for String {
    fn from(c: CreditCode) -> String {
        c.0
    }
}

impl fmt::Display for CreditCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn known_codes() {
        // Published example codes with correct check characters.
        for ok in ["91350100M000100Y43", "91310000775785552L"] {
            assert!(CreditCode::parse(ok).is_ok(), "{ok}");
        }
        assert!(CreditCode::parse("91350100m000100y43").is_ok());
        for bad in [
            "",
            "91350100M000100Y4",
            "91350100M000100Y44",
            "91350100I000100Y43",
            "91AB0100M000100Y43",
        ] {
            assert_eq!(
                CreditCode::parse(bad).unwrap_err().code(),
                ErrorCode::CreditCodeInvalid,
                "{bad}"
            );
        }
    }

    proptest! {
        #[test]
        fn generated_codes_validate(body in "[1-9][1-9][0-9]{6}[0-9A-HJ-NP-RTUW-Y]{9}") {
            let c = CreditCode::with_check_char(&body).unwrap();
            prop_assert_eq!(CreditCode::parse(c.as_str()).unwrap(), c);
        }
        #[test]
        fn never_panics(s in "\\PC{0,25}") { let _ = CreditCode::parse(&s); }
    }
}
