//! The admin seat (管理员席位): one admin account per org, first registrant wins.

use super::password;
use crate::error::{Field, FieldError};
use crate::identity::{Email, PersonName, Phone};
use crate::registry::OrgId;
use crate::{Error, ErrorCode, Result};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::fmt;

/// An admin account's id, assigned by the store.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct AdminId(pub i64);

impl fmt::Display for AdminId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// A login name: 4-32 ASCII letters, digits or `_`, starting with a letter;
/// compared case-insensitively (stored lowercase).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Username(String);

impl Username {
    /// Validates and lowercases a login name.
    pub fn parse(input: &str) -> Result<Username> {
        let s = crate::identity::fold_width(input)
            .trim()
            .to_ascii_lowercase();
        let ok = (4..=32).contains(&s.len())
            && s.starts_with(|c: char| c.is_ascii_alphabetic())
            && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        if ok {
            Ok(Username(s))
        } else {
            Err(ErrorCode::UsernameInvalid.into())
        }
    }
    /// The lowercase login name.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The admin registration form (管理员注册), as typed into the console.
///
/// The notice's three failure reasons map to exactly three codes:
/// `ORG_NOT_LISTED` (the org is not on the roster), `INVALID_INFO` (with every
/// field error listed), `ADMIN_ALREADY_REGISTERED` (someone registered first).
///
/// `Debug` masks the name and phone and never shows the password.
#[derive(Clone, Default, Deserialize)]
pub struct AdminRegistration {
    /// 单位名称: the bureau's or enterprise's name as listed.
    pub org_name: String,
    /// 统一社会信用代码 (enterprises): must match the roster's when it has one.
    pub credit_code: Option<String>,
    /// 管理员姓名.
    pub real_name: String,
    /// 手机号.
    pub phone: String,
    /// 邮箱 (optional).
    pub email: Option<String>,
    /// 账号: the login name.
    pub username: String,
    /// 密码.
    pub password: String,
}

impl std::fmt::Debug for AdminRegistration {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        use crate::identity::{mask_raw, mask_raw_name};
        f.debug_struct("AdminRegistration")
            .field("org_name", &self.org_name)
            .field("credit_code", &self.credit_code)
            .field("real_name", &mask_raw_name(&self.real_name))
            .field("phone", &mask_raw(&self.phone))
            .field("email", &self.email)
            .field("username", &self.username)
            .field("password", &"<hidden>")
            .finish()
    }
}

/// A registration whose fields passed validation.
#[derive(Debug, Clone)]
pub struct ValidRegistration {
    /// The org's name, normalised.
    pub org_name: String,
    /// Credit code as typed (normalised), if any.
    pub credit_code: Option<crate::identity::CreditCode>,
    /// Admin's name.
    pub real_name: PersonName,
    /// Admin's phone.
    pub phone: Phone,
    /// Admin's email.
    pub email: Option<Email>,
    /// Login name.
    pub username: Username,
    password: String,
}

impl ValidRegistration {
    /// The password in clear (to be hashed once, then dropped).
    pub fn password(&self) -> &str {
        &self.password
    }
}

impl AdminRegistration {
    /// Checks every field; on failure returns `INVALID_INFO` listing them all.
    pub fn validate(&self) -> Result<ValidRegistration> {
        let mut errs = Vec::new();
        let mut field = |f: Field, r: Result<()>| {
            if let Err(e) = r {
                errs.push(FieldError::new(f, e.code()));
            }
        };
        let org_name = crate::registry::parse_org_name(&self.org_name);
        field(
            Field::OrgName,
            org_name.as_ref().map(|_| ()).map_err(Clone::clone),
        );
        let credit_code = match self
            .credit_code
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            Some(c) => {
                let r = crate::identity::CreditCode::parse(c);
                field(
                    Field::CreditCode,
                    r.as_ref().map(|_| ()).map_err(Clone::clone),
                );
                r.ok()
            }
            None => None,
        };
        let real_name = PersonName::parse(&self.real_name);
        field(
            Field::Name,
            real_name.as_ref().map(|_| ()).map_err(Clone::clone),
        );
        let phone = Phone::parse(&self.phone);
        field(
            Field::Phone,
            phone.as_ref().map(|_| ()).map_err(Clone::clone),
        );
        let email = match self
            .email
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            Some(e) => {
                let r = Email::parse(e);
                field(Field::Email, r.as_ref().map(|_| ()).map_err(Clone::clone));
                r.ok()
            }
            None => None,
        };
        let username = Username::parse(&self.username);
        field(
            Field::Username,
            username.as_ref().map(|_| ()).map_err(Clone::clone),
        );
        field(Field::Password, password::check_strength(&self.password));
        match (org_name, real_name, phone, username) {
            (Ok(org_name), Ok(real_name), Ok(phone), Ok(username)) if errs.is_empty() => {
                Ok(ValidRegistration {
                    org_name,
                    credit_code,
                    real_name,
                    phone,
                    email,
                    username,
                    password: self.password.clone(),
                })
            }
            _ => Err(Error::invalid_info(errs)),
        }
    }
}

/// What the store records when a seat is claimed.
#[derive(Clone, Serialize)]
pub struct NewAdmin {
    /// The org whose seat is claimed.
    pub org: OrgId,
    /// Login name.
    pub username: Username,
    /// Admin's name (masked in output).
    pub real_name: PersonName,
    /// Admin's phone (masked in output).
    pub phone: Phone,
    /// Email.
    pub email: Option<Email>,
    /// argon2id PHC string.
    #[serde(skip)]
    pub password_hash: String,
    /// When the seat was claimed.
    pub registered_at: DateTime<Utc>,
}

impl fmt::Debug for NewAdmin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("NewAdmin")
            .field("org", &self.org)
            .field("username", &self.username)
            .field("real_name", &self.real_name)
            .field("phone", &self.phone)
            .finish_non_exhaustive()
    }
}

/// An org's admin seat, once claimed.
#[derive(Clone, Serialize)]
pub struct AdminSeat {
    /// Store-assigned id.
    pub id: AdminId,
    /// The account's details.
    #[serde(flatten)]
    pub admin: NewAdmin,
}

impl fmt::Debug for AdminSeat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AdminSeat")
            .field("id", &self.id)
            .field("admin", &self.admin)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form() -> AdminRegistration {
        AdminRegistration {
            org_name: "神木市应急管理局".into(),
            credit_code: None,
            real_name: "王五".into(),
            phone: "13800138000".into(),
            email: Some("".into()),
            username: "ShenMu_Admin".into(),
            password: "abcd1234".into(),
        }
    }

    #[test]
    fn valid_form() {
        let v = form().validate().unwrap();
        assert_eq!(v.username.as_str(), "shenmu_admin");
        assert!(v.email.is_none());
    }

    #[test]
    fn every_field_error_is_listed() {
        let f = AdminRegistration {
            org_name: "".into(),
            credit_code: Some("bad".into()),
            real_name: "王5".into(),
            phone: "123".into(),
            email: Some("x@".into()),
            username: "1ab".into(),
            password: "short".into(),
        };
        let e = f.validate().unwrap_err();
        assert_eq!(e.code(), ErrorCode::InvalidInfo);
        let got: Vec<_> = e.field_errors().iter().map(|f| (f.field, f.code)).collect();
        assert_eq!(
            got,
            vec![
                (Field::OrgName, ErrorCode::TextInvalid),
                (Field::CreditCode, ErrorCode::CreditCodeInvalid),
                (Field::Name, ErrorCode::NameHasDigits),
                (Field::Phone, ErrorCode::PhoneInvalid),
                (Field::Email, ErrorCode::EmailInvalid),
                (Field::Username, ErrorCode::UsernameInvalid),
                (Field::Password, ErrorCode::PasswordWeak),
            ]
        );
    }

    #[test]
    fn debug_hides_personal_data_and_hash() {
        let a = NewAdmin {
            org: OrgId(1),
            username: Username::parse("admin1").unwrap(),
            real_name: PersonName::parse("王小五").unwrap(),
            phone: Phone::parse("13800138000").unwrap(),
            email: None,
            password_hash: "$argon2id$secret".into(),
            registered_at: DateTime::UNIX_EPOCH,
        };
        let s = format!("{a:?} {}", serde_json::to_string(&a).unwrap());
        assert!(
            !s.contains("13800138000") && !s.contains("小五") && !s.contains("argon2"),
            "{s}"
        );
    }
}
