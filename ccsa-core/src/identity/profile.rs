//! Gender (性别), education (学历) and email (邮箱).

use super::fold_width;
use crate::{ErrorCode, Result};
use serde::{Deserialize, Serialize};
use std::fmt;

/// 性别, as written on the template: 男 or 女.
///
/// ```
/// use ccsa_core::identity::Gender;
/// assert_eq!(Gender::parse(" 女 ")?, Gender::Female);
/// assert_eq!(Gender::Male.to_string(), "男");
/// # Ok::<(), ccsa_core::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Gender {
    /// 男
    #[serde(rename = "男")]
    Male,
    /// 女
    #[serde(rename = "女")]
    Female,
}

impl Gender {
    /// Accepts 男/女 (also 男性/女性, M/F, male/female).
    pub fn parse(input: &str) -> Result<Gender> {
        let s = fold_width(input);
        match s.trim().to_ascii_lowercase().as_str() {
            "男" | "男性" | "m" | "male" => Ok(Gender::Male),
            "女" | "女性" | "f" | "female" => Ok(Gender::Female),
            _ => Err(ErrorCode::GenderInvalid.into()),
        }
    }

    /// The Chinese form, 男 or 女.
    pub const fn as_zh(self) -> &'static str {
        match self {
            Gender::Male => "男",
            Gender::Female => "女",
        }
    }
}

impl fmt::Display for Gender {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_zh())
    }
}

/// 学历 (education level), the values of the import template's drop-down.
///
/// ```
/// use ccsa_core::identity::Education;
/// assert_eq!(Education::parse("大专")?, Education::JuniorCollege);
/// assert_eq!(Education::JuniorCollege.to_string(), "专科(大专)");
/// # Ok::<(), ccsa_core::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Education {
    /// 博士
    #[serde(rename = "博士")]
    Doctorate,
    /// 硕士
    #[serde(rename = "硕士")]
    Master,
    /// 本科
    #[serde(rename = "本科")]
    Bachelor,
    /// 专科(大专)
    #[serde(rename = "专科(大专)")]
    JuniorCollege,
    /// 高中
    #[serde(rename = "高中")]
    HighSchool,
    /// 中专
    #[serde(rename = "中专")]
    SecondaryVocational,
    /// 初中
    #[serde(rename = "初中")]
    JuniorHigh,
    /// 小学及以下
    #[serde(rename = "小学及以下")]
    PrimaryOrBelow,
    /// 其他
    #[serde(rename = "其他")]
    Other,
}

impl Education {
    /// Every level, in the template's order.
    pub const ALL: [Education; 9] = [
        Education::Doctorate,
        Education::Master,
        Education::Bachelor,
        Education::JuniorCollege,
        Education::HighSchool,
        Education::SecondaryVocational,
        Education::JuniorHigh,
        Education::PrimaryOrBelow,
        Education::Other,
    ];

    /// Parses the template value; accepts common aliases (大专, 专科, 小学,
    /// full-width brackets, 研究生 is *not* accepted because it is ambiguous).
    pub fn parse(input: &str) -> Result<Education> {
        let s = fold_width(input);
        let s = s.trim();
        Ok(match s {
            "博士" | "博士研究生" => Education::Doctorate,
            "硕士" | "硕士研究生" => Education::Master,
            "本科" | "大学本科" | "大本" => Education::Bachelor,
            "专科(大专)" | "专科" | "大专" | "专科（大专）" | "大学专科" => {
                Education::JuniorCollege
            }
            "高中" => Education::HighSchool,
            "中专" | "技校" | "职高" => Education::SecondaryVocational,
            "初中" => Education::JuniorHigh,
            "小学及以下" | "小学" | "小学以下" => Education::PrimaryOrBelow,
            "其他" | "其它" => Education::Other,
            _ => return Err(ErrorCode::EducationUnknown.into()),
        })
    }

    /// The canonical template value.
    pub const fn as_zh(self) -> &'static str {
        match self {
            Education::Doctorate => "博士",
            Education::Master => "硕士",
            Education::Bachelor => "本科",
            Education::JuniorCollege => "专科(大专)",
            Education::HighSchool => "高中",
            Education::SecondaryVocational => "中专",
            Education::JuniorHigh => "初中",
            Education::PrimaryOrBelow => "小学及以下",
            Education::Other => "其他",
        }
    }
}

impl fmt::Display for Education {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_zh())
    }
}

/// An email address (optional on the template), lightly validated.
///
/// ```
/// use ccsa_core::identity::Email;
/// assert_eq!(Email::parse(" a.b@example.com ")?.as_str(), "a.b@example.com");
/// assert!(Email::parse("a@b").is_err());
/// # Ok::<(), ccsa_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Email(String);

impl Email {
    /// One `@`, a non-empty local part, a dotted domain, no spaces, ≤ 254 chars.
    pub fn parse(input: &str) -> Result<Email> {
        let s = fold_width(input).trim().to_string();
        let ok = s.len() <= 254
            && !s.chars().any(|c| c.is_whitespace() || c.is_control())
            && match s.split_once('@') {
                Some((local, domain)) => {
                    !local.is_empty()
                        && !domain.contains('@')
                        && domain.contains('.')
                        && !domain.starts_with('.')
                        && !domain.ends_with('.')
                        && !domain.contains("..")
                }
                None => false,
            };
        if ok {
            Ok(Email(s))
        } else {
            Err(ErrorCode::EmailInvalid.into())
        }
    }

    /// The address.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn genders() {
        assert_eq!(Gender::parse("男").unwrap(), Gender::Male);
        assert_eq!(Gender::parse("Ｆ").unwrap(), Gender::Female);
        assert_eq!(
            Gender::parse("未知").unwrap_err().code(),
            ErrorCode::GenderInvalid
        );
    }

    #[test]
    fn educations_round_trip() {
        for e in Education::ALL {
            assert_eq!(Education::parse(e.as_zh()).unwrap(), e);
        }
        assert_eq!(
            Education::parse("研究生").unwrap_err().code(),
            ErrorCode::EducationUnknown
        );
    }

    #[test]
    fn emails() {
        assert!(Email::parse("x@y.cn").is_ok());
        for bad in [
            "", "x", "x@", "@y.cn", "x@y", "x y@z.cn", "x@@y.cn", "x@y..cn",
        ] {
            assert_eq!(
                Email::parse(bad).unwrap_err().code(),
                ErrorCode::EmailInvalid,
                "{bad}"
            );
        }
    }
}
