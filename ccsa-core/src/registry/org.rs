//! Orgs (单位): an emergency bureau (应急管理局) or an enterprise (企业).

use super::{County, CountyId};
use crate::error::{Field, FieldError};
use crate::identity::{CreditCode, PersonName, Phone, fold_width, mask_middle};
use crate::{ErrorCode, Result};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::fmt;

/// An org's id, assigned by the store.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct OrgId(pub i64);

impl fmt::Display for OrgId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// What kind of org takes part (参加单位).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrgKind {
    /// 应急管理局: the county's emergency-management bureau.
    Bureau,
    /// 企业: a chemical enterprise of the county.
    Enterprise,
}

impl OrgKind {
    /// 应急管理部门 or 企业.
    pub const fn as_zh(self) -> &'static str {
        match self {
            OrgKind::Bureau => "应急管理部门",
            OrgKind::Enterprise => "企业",
        }
    }
}

/// A person the notice asks each org to report (分管负责人 or 联络员).
/// Personal information: name and phone are masked in every output.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Contact {
    /// Real name.
    pub name: PersonName,
    /// Mobile phone.
    pub phone: Phone,
}

impl Contact {
    /// Validates a name and phone.
    pub fn parse(name: &str, phone: &str) -> Result<Contact> {
        Ok(Contact {
            name: PersonName::parse(name)?,
            phone: Phone::parse(phone)?,
        })
    }
}

/// The two people each org reports to its group's secretary (notice 五(一)(二)).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct OrgContacts {
    /// 分管负责人: the responsible leader.
    pub leader: Option<Contact>,
    /// 联络员: the liaison.
    pub liaison: Option<Contact>,
}

/// A validated org name: trimmed, full-width folded, 2-100 characters.
pub fn parse_org_name(input: &str) -> Result<String> {
    let s = fold_width(input);
    let s = s.split_whitespace().collect::<Vec<_>>().join(" ");
    let n = s.chars().count();
    if !(2..=100).contains(&n) || s.chars().any(char::is_control) {
        return Err(ErrorCode::TextInvalid.into());
    }
    Ok(s)
}

/// An org to put on the roster (validated by [`NewOrg::new`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NewOrg {
    /// The key county it belongs to.
    pub county: CountyId,
    /// Bureau or enterprise.
    pub kind: OrgKind,
    /// Name, as the org registers it.
    pub name: String,
    /// Unified social credit code; required for enterprises.
    pub credit_code: Option<CreditCode>,
    /// Reported leader and liaison.
    pub contacts: OrgContacts,
    /// The day it joined the roster.
    pub listed_on: NaiveDate,
}

impl NewOrg {
    /// Validates an org for the roster; every field error is listed.
    ///
    /// ```
    /// use ccsa_core::registry::{CountyId, NewOrg, OrgKind};
    /// use chrono::NaiveDate;
    ///
    /// let d = NaiveDate::from_ymd_opt(2020, 3, 24).unwrap();
    /// let bureau = NewOrg::new(CountyId(7), OrgKind::Bureau, "神木市应急管理局", None, d)?;
    /// assert_eq!(bureau.name, "神木市应急管理局");
    /// // An enterprise needs its credit code:
    /// let err = NewOrg::new(CountyId(7), OrgKind::Enterprise, "某化工有限公司", None, d).unwrap_err();
    /// assert_eq!(err.code().as_str(), "INVALID_INFO");
    /// # Ok::<(), ccsa_core::Error>(())
    /// ```
    pub fn new(
        county: CountyId,
        kind: OrgKind,
        name: &str,
        credit_code: Option<&str>,
        listed_on: NaiveDate,
    ) -> Result<NewOrg> {
        let mut errors = Vec::new();
        if County::get(county).is_none() {
            errors.push(FieldError::new(Field::County, ErrorCode::CountyUnknown));
        }
        let name = parse_org_name(name)
            .map_err(|e| errors.push(FieldError::new(Field::OrgName, e.code())))
            .ok();
        let credit_code = match credit_code.map(str::trim).filter(|s| !s.is_empty()) {
            Some(c) => CreditCode::parse(c)
                .map_err(|e| errors.push(FieldError::new(Field::CreditCode, e.code())))
                .ok(),
            None if kind == OrgKind::Enterprise => {
                errors.push(FieldError::new(
                    Field::CreditCode,
                    ErrorCode::CreditCodeInvalid,
                ));
                None
            }
            None => None,
        };
        match name {
            Some(name) if errors.is_empty() => Ok(NewOrg {
                county,
                kind,
                name,
                credit_code,
                contacts: OrgContacts::default(),
                listed_on,
            }),
            _ => Err(crate::Error::invalid_info(errors)),
        }
    }

    /// Sets the reported contacts.
    pub fn with_contacts(mut self, contacts: OrgContacts) -> Self {
        self.contacts = contacts;
        self
    }
}

/// An org on the roster.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Org {
    /// Store-assigned id.
    pub id: OrgId,
    /// Key county.
    pub county: CountyId,
    /// Bureau or enterprise.
    pub kind: OrgKind,
    /// Name.
    pub name: String,
    /// Unified social credit code.
    pub credit_code: Option<CreditCode>,
    /// Reported leader and liaison (masked in output).
    pub contacts: OrgContacts,
    /// Day it joined the roster.
    pub listed_on: NaiveDate,
    /// Day it was retired (停产或退出化工行业), if it was.
    pub retired_on: Option<NaiveDate>,
}

impl Org {
    /// Builds the stored org from a [`NewOrg`] and its id.
    pub fn from_new(id: OrgId, new: NewOrg) -> Org {
        Org {
            id,
            county: new.county,
            kind: new.kind,
            name: new.name,
            credit_code: new.credit_code,
            contacts: new.contacts,
            listed_on: new.listed_on,
            retired_on: None,
        }
    }

    /// Whether the org may register and take part on `day`.
    pub fn is_active_on(&self, day: NaiveDate) -> bool {
        self.listed_on <= day && self.retired_on.is_none_or(|r| day < r)
    }

    /// Whether the org belongs in a report for the period starting `from`:
    /// retired orgs drop out of reports for periods starting after their
    /// retirement date; their history is kept.
    pub fn reported_for(&self, from: NaiveDate, to: NaiveDate) -> bool {
        self.listed_on <= to && self.retired_on.is_none_or(|r| r > from)
    }

    /// The county record.
    pub fn county_record(&self) -> &'static County {
        County::get(self.county).expect("orgs are created with a known county")
    }
}

/// A phone-like contact line of the coordination office (mobile or landline).
/// Masked in output like personal phones.
#[derive(Clone, PartialEq, Eq)]
pub struct ContactPhone(String);

impl ContactPhone {
    /// Digits, spaces, dashes, parentheses and `+`; 5-20 characters.
    pub fn parse(input: &str) -> Result<ContactPhone> {
        let s = fold_width(input).trim().to_string();
        let ok = (5..=20).contains(&s.len())
            && s.chars()
                .all(|c| c.is_ascii_digit() || matches!(c, ' ' | '-' | '(' | ')' | '+'));
        if ok {
            Ok(ContactPhone(s))
        } else {
            Err(ErrorCode::PhoneInvalid.into())
        }
    }
    /// The raw number.
    pub fn expose(&self) -> &str {
        &self.0
    }
    /// First 3 and last 4 characters kept.
    pub fn masked(&self) -> String {
        mask_middle(&self.0, 3, 4)
    }
}
crate::identity::masked_output!(ContactPhone);

impl<'de> Deserialize<'de> for ContactPhone {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        ContactPhone::parse(&s).map_err(serde::de::Error::custom)
    }
}

/// One line of the coordination office's contact directory (附件3).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactLine {
    /// What the line is for: 技术支撑, 咨询电话, 第3组工作秘书 ...
    pub role: String,
    /// Who answers it (omitted in shipped data: personal information).
    #[serde(default)]
    pub name: Option<String>,
    /// The number (omitted in shipped data).
    #[serde(default)]
    pub phone: Option<ContactPhone>,
}

/// The coordination office's contact directory: technical support,
/// consultation, the office itself, and each group's secretary. Configurable
/// (deserialise it from the embedding service's settings); the shipped
/// [`ContactDirectory::notice_2020`] has the roles without personal details.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactDirectory {
    /// 技术支撑, 咨询电话, 协调组办公室.
    pub lines: Vec<ContactLine>,
    /// Secretary of each group, index 0 = group 1.
    pub secretaries: Vec<ContactLine>,
}

impl ContactDirectory {
    /// The roles of 附件3 with names and numbers left out.
    pub fn notice_2020() -> ContactDirectory {
        let line = |role: &str| ContactLine {
            role: role.to_string(),
            name: None,
            phone: None,
        };
        ContactDirectory {
            lines: vec![line("技术支撑"), line("咨询电话"), line("协调组办公室")],
            secretaries: (1..=County::GROUPS)
                .map(|g| line(&format!("第{g}组工作秘书")))
                .collect(),
        }
    }

    /// The secretary line for a county (whom its admins contact when registration fails).
    pub fn secretary_for(&self, county: CountyId) -> Option<&ContactLine> {
        let c = County::get(county)?;
        self.secretaries.get(usize::from(c.group.0) - 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn new_org_lists_every_field_error() {
        let e = NewOrg::new(
            CountyId(99),
            OrgKind::Enterprise,
            " ",
            Some("123"),
            d("2020-03-24"),
        )
        .unwrap_err();
        let fields: Vec<_> = e.field_errors().iter().map(|f| (f.field, f.code)).collect();
        assert_eq!(
            fields,
            vec![
                (Field::County, ErrorCode::CountyUnknown),
                (Field::OrgName, ErrorCode::TextInvalid),
                (Field::CreditCode, ErrorCode::CreditCodeInvalid)
            ]
        );
    }

    #[test]
    fn activity_and_reporting_windows() {
        let mut o = Org::from_new(
            OrgId(1),
            NewOrg::new(
                CountyId(1),
                OrgKind::Bureau,
                "沧州市渤海新区应急管理局",
                None,
                d("2020-03-01"),
            )
            .unwrap(),
        );
        assert!(o.is_active_on(d("2020-03-01")));
        assert!(!o.is_active_on(d("2020-02-29")));
        o.retired_on = Some(d("2020-06-15"));
        assert!(o.is_active_on(d("2020-06-14")));
        assert!(!o.is_active_on(d("2020-06-15")));
        assert!(
            o.reported_for(d("2020-06-01"), d("2020-06-30")),
            "retired mid-June: June still reported"
        );
        assert!(
            !o.reported_for(d("2020-07-01"), d("2020-07-31")),
            "dropped from July"
        );
    }

    #[test]
    fn contacts_are_masked() {
        let c = Contact::parse("王小明", "13800138000").unwrap();
        let json = serde_json::to_string(&c).unwrap();
        assert!(
            !json.contains("13800138000") && !json.contains("小明"),
            "{json}"
        );
        let p = ContactPhone::parse("010-12345678").unwrap();
        assert_eq!(p.to_string(), "010*****5678");
        let dir = ContactDirectory::notice_2020();
        assert_eq!(dir.secretaries.len(), 11);
        assert_eq!(
            dir.secretary_for(CountyId(11)).unwrap().role,
            "第3组工作秘书"
        );
        let cfg: ContactDirectory = serde_json::from_str(
            r#"{"lines":[{"role":"咨询电话","phone":"010-12345678"}],"secretaries":[]}"#,
        )
        .unwrap();
        assert_eq!(
            cfg.lines[0].phone.as_ref().unwrap().expose(),
            "010-12345678"
        );
    }
}
