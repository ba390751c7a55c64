//! Resident ID number (居民身份证号码), GB 11643-1999.

use super::{Gender, fold_width, mask_middle, masked_output};
use crate::{ErrorCode, Result};
use chrono::{Datelike, NaiveDate};

/// A validated resident ID number (身份证号), always in its 18-character form.
///
/// Parsing accepts what admins actually paste: surrounding spaces,
/// full-width digits, a lowercase `x`, and the legacy 15-digit form (upgraded
/// to 18 digits with a computed check character). It checks the province-level
/// region code (including 81/82/83 residence permits for Hong Kong, Macao and
/// Taiwan residents and the 9-prefixed foreigners' permanent-residence numbers),
/// the birth date (a real date, not after `today`), and the ISO 7064 MOD 11-2
/// check character.
///
/// ```
/// use ccsa_core::identity::{Gender, IdNumber};
/// use chrono::NaiveDate;
///
/// let today = NaiveDate::from_ymd_opt(2020, 3, 24).unwrap();
/// let id = IdNumber::parse(" 11010519491231002x ", today)?;
/// assert_eq!(id.expose(), "11010519491231002X");
/// assert_eq!(id.to_string(), "110***********002X"); // masked by default
/// assert_eq!(id.birth_date(), NaiveDate::from_ymd_opt(1949, 12, 31).unwrap());
/// assert_eq!(id.gender(), Gender::Female);
///
/// // What Excel does to an 18-digit number gets its own code:
/// let err = IdNumber::parse("1.10105E+17", today).unwrap_err();
/// assert_eq!(err.code().as_str(), "ID_NUMBER_EXCEL_MANGLED");
/// # Ok::<(), ccsa_core::Error>(())
/// ```
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct IdNumber(String);

masked_output!(IdNumber);

const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK: [u8; 11] = *b"10X98765432";

/// Province-level codes of GB/T 2260 plus 71 (Taiwan) and 81/82/83 (residence
/// permits for Hong Kong, Macao and Taiwan residents).
const REGIONS: &[u8] = &[
    11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46, 50, 51, 52,
    53, 54, 61, 62, 63, 64, 65, 71, 81, 82, 83,
];

/// The check character for the first 17 digits (ISO 7064 MOD 11-2).
pub(crate) fn check_char(first17: &[u8]) -> u8 {
    let sum: u32 = first17
        .iter()
        .zip(WEIGHTS)
        .map(|(d, w)| u32::from(d - b'0') * w)
        .sum();
    CHECK[(sum % 11) as usize]
}

fn region_ok(a: u8, b: u8) -> bool {
    let code = (a - b'0') * 10 + (b - b'0');
    // 9x: foreigners' permanent-residence ID (2023 format): 9 + the province
    // code's first digit of the issuing place.
    REGIONS.contains(&code) || (a == b'9' && (b'1'..=b'8').contains(&b))
}

fn looks_excel_mangled(s: &str) -> bool {
    let t = s.trim();
    let lower = t.to_ascii_lowercase();
    if let Some(pos) = lower.find('e') {
        let (mant, exp) = lower.split_at(pos);
        let exp = &exp[1..];
        let exp = exp.strip_prefix('+').unwrap_or(exp);
        return !mant.is_empty()
            && mant.chars().all(|c| c.is_ascii_digit() || c == '.')
            && !exp.is_empty()
            && exp.chars().all(|c| c.is_ascii_digit());
    }
    false
}

impl IdNumber {
    /// Parses and validates an ID number. `today` bounds the birth date.
    pub fn parse(input: &str, today: NaiveDate) -> Result<IdNumber> {
        let folded = fold_width(input);
        let trimmed = folded.trim();
        if trimmed.is_empty() {
            return Err(ErrorCode::IdNumberRequired.into());
        }
        if looks_excel_mangled(trimmed) {
            return Err(ErrorCode::IdNumberExcelMangled.into());
        }
        // A float rendered with a fraction ("110105194912310000.0") is Excel damage
        // too when the integer part is 18 digits ending in 000; otherwise strip
        // the ".0" and judge the digits.
        let mut s: String = trimmed
            .chars()
            .filter(|c| !matches!(c, ' ' | '-'))
            .collect::<String>()
            .to_ascii_uppercase();
        if let Some((int, frac)) = s.split_once('.') {
            if !frac.is_empty()
                && frac.chars().all(|c| c == '0')
                && int.chars().all(|c| c.is_ascii_digit())
            {
                s = int.to_string();
            } else {
                return Err(ErrorCode::IdNumberCharset.into());
            }
        }
        let bytes = s.as_bytes();
        match bytes.len() {
            15 => {
                if !bytes.iter().all(u8::is_ascii_digit) {
                    return Err(ErrorCode::IdNumberCharset.into());
                }
                let mut up = Vec::with_capacity(18);
                up.extend_from_slice(&bytes[..6]);
                up.extend_from_slice(b"19");
                up.extend_from_slice(&bytes[6..]);
                let c = check_char(&up);
                up.push(c);
                Self::validate18(up, today, false)
            }
            18 => {
                if !bytes[..17].iter().all(u8::is_ascii_digit)
                    || !(bytes[17].is_ascii_digit() || bytes[17] == b'X')
                {
                    return Err(ErrorCode::IdNumberCharset.into());
                }
                Self::validate18(bytes.to_vec(), today, true)
            }
            n if n > 0 && bytes.iter().all(u8::is_ascii_digit) && n > 15 && n < 18 => {
                Err(ErrorCode::IdNumberLength.into())
            }
            _ => {
                if bytes.iter().all(|b| b.is_ascii_digit() || *b == b'X') {
                    Err(ErrorCode::IdNumberLength.into())
                } else {
                    Err(ErrorCode::IdNumberCharset.into())
                }
            }
        }
    }

    fn validate18(b: Vec<u8>, today: NaiveDate, check_mangled: bool) -> Result<IdNumber> {
        if !region_ok(b[0], b[1]) {
            return Err(ErrorCode::IdNumberRegion.into());
        }
        let num = |r: std::ops::Range<usize>| -> u32 {
            b[r].iter()
                .fold(0u32, |acc, d| acc * 10 + u32::from(d - b'0'))
        };
        let birth = NaiveDate::from_ymd_opt(num(6..10) as i32, num(10..12), num(12..14));
        let birth_ok = matches!(birth, Some(d) if d <= today && d.year() >= 1850);
        let check_ok = check_char(&b[..17]) == b[17];
        if check_mangled && !check_ok && &b[15..18] == b"000" {
            return Err(ErrorCode::IdNumberExcelMangled.into());
        }
        if !birth_ok {
            return Err(ErrorCode::IdNumberBirthDate.into());
        }
        if !check_ok {
            return Err(ErrorCode::IdNumberChecksum.into());
        }
        Ok(IdNumber(String::from_utf8(b).expect("ASCII digits and X")))
    }

    /// Rebuilds an ID number already validated and stored by ccsa (skips the
    /// "not in the future" check, which depends on the day it was entered).
    pub fn from_trusted(raw: &str) -> Result<IdNumber> {
        let far = NaiveDate::from_ymd_opt(9999, 12, 31).expect("valid date");
        IdNumber::parse(raw, far)
    }

    /// The raw 18-character value. Personal information: do not log or display.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// The masked form `110***********002X` (first 3 and last 4 kept).
    pub fn masked(&self) -> String {
        mask_middle(&self.0, 3, 4)
    }

    /// Birth date encoded in digits 7-14.
    pub fn birth_date(&self) -> NaiveDate {
        let s = &self.0;
        NaiveDate::parse_from_str(&s[6..14], "%Y%m%d").expect("validated at parse time")
    }

    /// Gender encoded in digit 17 (odd: male, even: female).
    pub fn gender(&self) -> Gender {
        if (self.0.as_bytes()[16] - b'0') % 2 == 1 {
            Gender::Male
        } else {
            Gender::Female
        }
    }

    /// The two-digit province-level region code.
    pub fn region_code(&self) -> &str {
        &self.0[..2]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2020, 3, 24).unwrap()
    }
    fn code(s: &str) -> &'static str {
        IdNumber::parse(s, today()).unwrap_err().code().as_str()
    }

    #[test]
    fn accepts_the_standard_example_and_normalises() {
        for s in [
            "11010519491231002X",
            "11010519491231002x",
            "１１０１０５１９４９１２３１００２ｘ",
            " 110105 19491231 002X ",
        ] {
            assert_eq!(
                IdNumber::parse(s, today()).unwrap().expose(),
                "11010519491231002X",
                "{s}"
            );
        }
    }

    #[test]
    fn upgrades_fifteen_digits() {
        // 110105491231002 → 11010519491231002X
        let id = IdNumber::parse("110105491231002", today()).unwrap();
        assert_eq!(id.expose(), "11010519491231002X");
    }

    #[test]
    fn each_failure_has_its_code() {
        assert_eq!(code(""), "ID_NUMBER_REQUIRED");
        assert_eq!(code("   "), "ID_NUMBER_REQUIRED");
        assert_eq!(code("1101051949123100"), "ID_NUMBER_LENGTH");
        assert_eq!(code("1101051949123100211"), "ID_NUMBER_LENGTH");
        assert_eq!(code("11010519491231002Y"), "ID_NUMBER_CHARSET");
        assert_eq!(code("1101051949123X002X"), "ID_NUMBER_CHARSET");
        assert_eq!(code("01010519491231002X"), "ID_NUMBER_REGION");
        assert_eq!(code("11010519491331002X"), "ID_NUMBER_BIRTH_DATE");
        assert_eq!(code("110105202512310026"), "ID_NUMBER_BIRTH_DATE"); // future
        assert_eq!(code("110105194912310021"), "ID_NUMBER_CHECKSUM");
        assert_eq!(code("1.10105E+17"), "ID_NUMBER_EXCEL_MANGLED");
        assert_eq!(code("1.10105194912310E+17"), "ID_NUMBER_EXCEL_MANGLED");
        assert_eq!(code("110105194912310000"), "ID_NUMBER_EXCEL_MANGLED");
        assert_eq!(code("110105194912310000.0"), "ID_NUMBER_EXCEL_MANGLED");
    }

    #[test]
    fn residence_permits_and_foreigners() {
        for prefix in ["81", "82", "83", "91", "93"] {
            let mut digits = format!("{prefix}000019800101001");
            let c = check_char(digits.as_bytes());
            digits.push(c as char);
            assert!(IdNumber::parse(&digits, today()).is_ok(), "{digits}");
        }
        let mut d = "90000019800101001".to_string();
        d.push(check_char(d.as_bytes()) as char);
        assert_eq!(code(&d), "ID_NUMBER_REGION");
    }

    #[test]
    fn derived_fields_and_masking() {
        let id = IdNumber::parse("11010519491231002X", today()).unwrap();
        assert_eq!(id.gender(), Gender::Female);
        assert_eq!(id.region_code(), "11");
        assert_eq!(format!("{id}"), "110***********002X");
        assert_eq!(format!("{id:?}"), "IdNumber(110***********002X)");
        assert_eq!(
            serde_json::to_string(&id).unwrap(),
            "\"110***********002X\""
        );
        assert_eq!(IdNumber::from_trusted(id.expose()).unwrap(), id);
    }

    /// Builds a valid ID from generated parts.
    pub(crate) fn arb_id() -> impl Strategy<Value = String> {
        (
            prop::sample::select(REGIONS.to_vec()),
            0u32..10_000,
            1930i32..2005,
            1u32..=12,
            1u32..=28,
            0u32..1000,
        )
            .prop_map(|(r, area, y, m, d, seq)| {
                let mut s = format!("{r:02}{area:04}{y:04}{m:02}{d:02}{seq:03}");
                let c = check_char(s.as_bytes());
                s.push(c as char);
                s
            })
    }

    proptest! {
        #[test]
        fn never_panics(s in "\\PC{0,40}") {
            let _ = IdNumber::parse(&s, today());
        }

        #[test]
        fn valid_ids_round_trip(id in arb_id()) {
            let parsed = IdNumber::parse(&id, today()).unwrap();
            prop_assert_eq!(parsed.expose(), id.as_str());
            // normalisation is idempotent
            let again = IdNumber::parse(parsed.expose(), today()).unwrap();
            prop_assert_eq!(again, parsed.clone());
            prop_assert!(!parsed.to_string().contains(&id[3..14]));
        }

        #[test]
        fn one_changed_digit_is_caught(id in arb_id(), pos in 0usize..17, delta in 1u8..10) {
            let mut b = id.into_bytes();
            b[pos] = b'0' + (b[pos] - b'0' + delta) % 10;
            let s = String::from_utf8(b).unwrap();
            prop_assert!(IdNumber::parse(&s, today()).is_err());
        }
    }
}
