//! A person's real name (真实姓名).

use super::{fold_width, masked_output};
use crate::{ErrorCode, Result};

/// Longest accepted name, in characters.
pub const MAX_NAME_CHARS: usize = 50;

/// A person's name, normalised so that what a trainee types at binding time
/// compares equal to what the admin entered.
///
/// Normalisation: full-width ASCII folded, zero-width characters removed,
/// surrounding whitespace trimmed and inner runs collapsed to one space, and
/// the look-alike dots people type in minority names (`•` `・` `．` `‧` `.`)
/// replaced by the middle dot U+00B7, as in `买买提·艾力`. At most 50
/// characters; no digits, no control characters. Masked output keeps the
/// first character: `李**`.
///
/// ```
/// use ccsa_core::identity::PersonName;
///
/// let n = PersonName::parse(" 买买提•艾力\u{200B} ")?;
/// assert_eq!(n.expose(), "买买提·艾力");
/// assert_eq!(n.to_string(), "买*****");
/// assert_eq!(PersonName::parse("张三1").unwrap_err().code().as_str(), "NAME_HAS_DIGITS");
/// # Ok::<(), ccsa_core::Error>(())
/// ```
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PersonName(String);

masked_output!(PersonName);

fn is_zero_width(c: char) -> bool {
    matches!(
        c,
        '\u{200B}'..='\u{200F}' | '\u{2060}' | '\u{FEFF}' | '\u{00AD}'
    )
}

fn is_lookalike_dot(c: char) -> bool {
    matches!(
        c,
        '•' | '・' | '．' | '‧' | '.' | '\u{2219}' | '\u{22C5}' | '\u{FF65}' | '·'
    )
}

impl PersonName {
    /// Parses and normalises a name.
    pub fn parse(input: &str) -> Result<PersonName> {
        let folded = fold_width(input);
        let mut out = String::with_capacity(folded.len());
        let mut pending_space = false;
        for c in folded.chars() {
            if is_zero_width(c) {
                continue;
            }
            if c.is_whitespace() {
                pending_space = !out.is_empty();
                continue;
            }
            if c.is_control() {
                return Err(ErrorCode::NameInvalidChar.into());
            }
            if c.is_numeric() {
                return Err(ErrorCode::NameHasDigits.into());
            }
            if pending_space {
                out.push(' ');
                pending_space = false;
            }
            out.push(if is_lookalike_dot(c) { '\u{00B7}' } else { c });
        }
        if out.is_empty() {
            return Err(ErrorCode::NameRequired.into());
        }
        if out.chars().count() > MAX_NAME_CHARS {
            return Err(ErrorCode::NameTooLong.into());
        }
        if out.chars().any(|c| {
            matches!(
                c,
                '<' | '>'
                    | '"'
                    | '\\'
                    | '/'
                    | ';'
                    | '='
                    | '@'
                    | '#'
                    | '$'
                    | '%'
                    | '&'
                    | '*'
                    | '?'
                    | '!'
                    | '|'
                    | '{'
                    | '}'
                    | '['
                    | ']'
            )
        }) {
            return Err(ErrorCode::NameInvalidChar.into());
        }
        Ok(PersonName(out))
    }

    /// The normalised name. Personal information: do not log.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// `李**`: the first character, then one `*` per remaining character.
    pub fn masked(&self) -> String {
        let mut chars = self.0.chars();
        let first = chars.next().unwrap_or('*');
        let rest = chars.count();
        let mut s = String::with_capacity(4 + rest);
        s.push(first);
        s.extend(std::iter::repeat_n('*', rest));
        s
    }

    /// Whether two typed names denote the same person's name: equal after
    /// normalisation, ignoring ASCII case (for Latin-script names).
    pub fn matches(&self, other: &PersonName) -> bool {
        self.0.eq_ignore_ascii_case(&other.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn normalises() {
        assert_eq!(PersonName::parse("  张三 ").unwrap().expose(), "张三");
        assert_eq!(PersonName::parse("张\u{200D}三").unwrap().expose(), "张三");
        for dot in ["•", "・", "．", "‧", ".", "·"] {
            assert_eq!(
                PersonName::parse(&format!("买买提{dot}艾力"))
                    .unwrap()
                    .expose(),
                "买买提·艾力"
            );
        }
        assert_eq!(
            PersonName::parse("John   Smith").unwrap().expose(),
            "John Smith"
        );
        assert!(
            PersonName::parse("john smith")
                .unwrap()
                .matches(&PersonName::parse("JOHN SMITH").unwrap())
        );
    }

    #[test]
    fn rejects() {
        let c = |s: &str| PersonName::parse(s).unwrap_err().code();
        assert_eq!(c(""), ErrorCode::NameRequired);
        assert_eq!(c(" \u{200B} "), ErrorCode::NameRequired);
        assert_eq!(c("张三1"), ErrorCode::NameHasDigits);
        assert_eq!(c("张三１"), ErrorCode::NameHasDigits);
        assert_eq!(c("张\u{0007}三"), ErrorCode::NameInvalidChar);
        assert_eq!(c("=cmd|' /C calc'!A"), ErrorCode::NameInvalidChar);
        assert_eq!(c(&"张".repeat(51)), ErrorCode::NameTooLong);
        assert!(PersonName::parse(&"张".repeat(50)).is_ok());
    }

    #[test]
    fn masks() {
        assert_eq!(PersonName::parse("李四").unwrap().to_string(), "李*");
        assert_eq!(PersonName::parse("李小龙").unwrap().to_string(), "李**");
        assert_eq!(PersonName::parse("李").unwrap().to_string(), "李");
    }

    proptest! {
        #[test]
        fn never_panics_and_is_idempotent(s in "\\PC{0,60}") {
            if let Ok(n) = PersonName::parse(&s) {
                let again = PersonName::parse(n.expose()).unwrap();
                prop_assert_eq!(again, n);
            }
        }
    }
}
