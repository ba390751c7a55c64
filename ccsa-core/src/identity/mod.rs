//! Identity fields: validated newtypes for what an admin types about a person.
//!
//! Each type parses messy input (full-width digits, stray spaces, Excel
//! damage) into one canonical form, or fails with a precise [`ErrorCode`].
//! ID numbers and phones are personal information under PIPL (个人信息保护法):
//! their `Display`, `Debug` and `Serialize` are **masked**; the raw value needs
//! an explicit `expose()` call. Forms that carry such values as raw text
//! ([`MemberForm`](crate::directory::MemberForm),
//! [`ImportRow`](crate::directory::ImportRow),
//! [`AdminRegistration`](crate::admin::AdminRegistration)) mask them in
//! `Debug` too, with [`mask_raw`] and [`mask_raw_name`].
//!
//! | type | 中文 | canonical form | masked |
//! |---|---|---|---|
//! | [`IdNumber`] | 身份证号 | 18 characters, uppercase `X` | `110***********002X` |
//! | [`Phone`] | 手机号 | 11 digits | `138****8000` |
//! | [`PersonName`] | 姓名 | trimmed, `·` for look-alike dots | `李**` |
//! | [`Gender`] | 性别 | 男 / 女 | — |
//! | [`Education`] | 学历 | 博士 … 其他 | — |
//! | [`Email`] | 邮箱 | trimmed | — |
//! | [`CreditCode`] | 统一社会信用代码 | 18 characters | — |
//!
//! [`ErrorCode`]: crate::ErrorCode

mod credit_code;
mod id_number;
mod name;
mod phone;
mod profile;

pub use credit_code::CreditCode;
pub use id_number::IdNumber;
/// The ISO 7064 MOD 11-2 check character of 17 ASCII digits (for
/// generating test data); `None` for any other input.
///
/// ```
/// assert_eq!(ccsa_core::identity::id_check_char(b"11010519491231002"), Some(b'X'));
/// assert_eq!(ccsa_core::identity::id_check_char(b"1101051949123100"), None);
/// ```
pub fn id_check_char(first17: &[u8]) -> Option<u8> {
    (first17.len() == 17 && first17.iter().all(u8::is_ascii_digit))
        .then(|| id_number::check_char(first17))
}
pub use name::PersonName;
pub use phone::Phone;
pub use profile::{Education, Email, Gender};

/// Folds full-width ASCII (`１３８`, `Ｘ`, `＋`, ideographic space) to ASCII.
///
/// Chinese input methods produce full-width forms easily; every parser calls
/// this first so `１３８００１３８０００` and `13800138000` mean the same.
pub fn fold_width(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            '\u{3000}' => ' ',
            _ => c,
        })
        .collect()
}

/// Masks all but the first `keep_start` and last `keep_end` characters with `*`.
pub(crate) fn mask_middle(s: &str, keep_start: usize, keep_end: usize) -> String {
    let n = s.chars().count();
    if n <= keep_start + keep_end {
        return "*".repeat(n);
    }
    s.chars()
        .enumerate()
        .map(|(i, c)| {
            if i < keep_start || i >= n - keep_end {
                c
            } else {
                '*'
            }
        })
        .collect()
}

/// Masks a raw, possibly invalid value typed where a phone or an ID number
/// belongs, the way the validated types mask theirs: the first 3 and last 4
/// characters kept, the rest `*` (all `*` when 7 or fewer).
///
/// ```
/// use ccsa_core::identity::mask_raw;
/// assert_eq!(mask_raw("13800138000"), "138****8000");
/// assert_eq!(mask_raw(" 1380013800 "), "138***3800"); // one digit short: still masked
/// assert_eq!(mask_raw("12345"), "*****");
/// ```
pub fn mask_raw(s: &str) -> String {
    mask_middle(s.trim(), 3, 4)
}

/// Masks a raw name the way [`PersonName`] masks a valid one: the first
/// character, then one `*` per remaining character.
///
/// ```
/// use ccsa_core::identity::mask_raw_name;
/// assert_eq!(mask_raw_name(" 欧阳娜娜 "), "欧***");
/// assert_eq!(mask_raw_name(""), "");
/// ```
pub fn mask_raw_name(s: &str) -> String {
    let mut chars = s.trim().chars();
    match chars.next() {
        None => String::new(),
        Some(first) => std::iter::once(first).chain(chars.map(|_| '*')).collect(),
    }
}

/// Implements masked `Display`, `Debug` and `Serialize` for a type with a
/// `masked(&self) -> String` method.
macro_rules! masked_output {
    ($t:ty) => {
        impl std::fmt::Display for $t {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.masked())
            }
        }
        impl std::fmt::Debug for $t {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                write!(f, "{}({})", stringify!($t), self.masked())
            }
        }
        impl serde::Serialize for $t {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(&self.masked())
            }
        }
    };
}
pub(crate) use masked_output;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_full_width() {
        assert_eq!(fold_width("１３８　００１３ｘＸ＋"), "138 0013xX+");
        assert_eq!(fold_width("张三"), "张三");
    }

    #[test]
    fn masks_middle() {
        assert_eq!(mask_middle("13800138000", 3, 4), "138****8000");
        assert_eq!(mask_middle("ab", 3, 4), "**");
    }
}
