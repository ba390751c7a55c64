//! Members (人员): the trainees an admin adds to the org.

use super::{Department, DepartmentName, DeptId};
use crate::error::{Field, FieldError};
use crate::identity::{Education, Email, Gender, IdNumber, PersonName, Phone, fold_width};
use crate::registry::OrgId;
use crate::{Error, ErrorCode, Result};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use std::fmt;

/// A member's id, assigned by the store.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct MemberId(pub i64);

impl fmt::Display for MemberId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// A member as typed: one row of the import template (企业用户导入模板), the
/// add form, or a QR-code invitation. All fields are raw text; [`MemberForm::validate`]
/// is the one validator every path uses. `Debug` masks the name, ID number
/// and phone.
#[derive(Clone, Default, PartialEq, Eq, Deserialize)]
pub struct MemberForm {
    /// 用户姓名
    pub name: String,
    /// 部门名称 (blank: 无部门人员)
    pub department: String,
    /// 职位
    pub position: String,
    /// 用户性别 (blank: taken from the ID number)
    pub gender: String,
    /// 用户身份证号
    pub id_number: String,
    /// 用户手机号
    pub phone: String,
    /// 用户邮箱 (optional)
    pub email: String,
    /// 学历 (optional)
    pub education: String,
}

impl std::fmt::Debug for MemberForm {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        use crate::identity::{mask_raw, mask_raw_name};
        f.debug_struct("MemberForm")
            .field("name", &mask_raw_name(&self.name))
            .field("department", &self.department)
            .field("position", &self.position)
            .field("gender", &self.gender)
            .field("id_number", &mask_raw(&self.id_number))
            .field("phone", &mask_raw(&self.phone))
            .field("email", &self.email)
            .field("education", &self.education)
            .finish()
    }
}

/// Maximum length of the free-text position (职位).
pub const MAX_POSITION_CHARS: usize = 50;

impl MemberForm {
    /// Validates every field against the org's departments and returns either
    /// a [`NewMember`] or **all** field errors (so an import row reports
    /// everything wrong with it at once).
    ///
    /// ```
    /// use ccsa_core::directory::{Department, DepartmentName, DeptId, MemberForm};
    /// use ccsa_core::registry::OrgId;
    /// use chrono::NaiveDate;
    ///
    /// let depts = [Department { id: DeptId(1), org: OrgId(1), name: DepartmentName::parse("生产部")? }];
    /// let form = MemberForm {
    ///     name: "张三".into(), department: "生产部".into(), position: "主任".into(),
    ///     gender: "女".into(), id_number: "11010519491231002X".into(),
    ///     phone: "13800138000".into(), email: "".into(), education: "本科".into(),
    /// };
    /// let m = form.validate(NaiveDate::from_ymd_opt(2020, 3, 24).unwrap(), &depts).unwrap();
    /// assert_eq!(m.department, Some(DeptId(1)));
    /// # Ok::<(), ccsa_core::Error>(())
    /// ```
    pub fn validate(
        &self,
        today: NaiveDate,
        departments: &[Department],
    ) -> std::result::Result<NewMember, Vec<FieldError>> {
        let mut errs = Vec::new();
        let name = PersonName::parse(&self.name)
            .map_err(|e| errs.push(FieldError::new(Field::Name, e.code())))
            .ok();
        let department = if self.department.trim().is_empty() {
            Some(None)
        } else {
            match DepartmentName::parse(&self.department) {
                Ok(n) => match departments.iter().find(|d| d.name == n) {
                    Some(d) => Some(Some(d.id)),
                    None => {
                        errs.push(FieldError::new(
                            Field::Department,
                            ErrorCode::DepartmentNotFound,
                        ));
                        None
                    }
                },
                Err(e) => {
                    errs.push(FieldError::new(Field::Department, e.code()));
                    None
                }
            }
        };
        let position = fold_width(&self.position).trim().to_string();
        if position.chars().count() > MAX_POSITION_CHARS || position.chars().any(char::is_control) {
            errs.push(FieldError::new(Field::Position, ErrorCode::TextInvalid));
        }
        let id_number = IdNumber::parse(&self.id_number, today)
            .map_err(|e| errs.push(FieldError::new(Field::IdNumber, e.code())))
            .ok();
        let gender = if self.gender.trim().is_empty() {
            id_number.as_ref().map(IdNumber::gender)
        } else {
            match Gender::parse(&self.gender) {
                Ok(g) => {
                    if let Some(id) = &id_number
                        && id.gender() != g
                    {
                        errs.push(FieldError::new(Field::Gender, ErrorCode::GenderMismatch));
                    }
                    Some(g)
                }
                Err(e) => {
                    errs.push(FieldError::new(Field::Gender, e.code()));
                    None
                }
            }
        };
        let phone = Phone::parse(&self.phone)
            .map_err(|e| errs.push(FieldError::new(Field::Phone, e.code())))
            .ok();
        let email = if self.email.trim().is_empty() {
            Some(None)
        } else {
            Email::parse(&self.email)
                .map(Some)
                .map_err(|e| errs.push(FieldError::new(Field::Email, e.code())))
                .ok()
        };
        let education = if self.education.trim().is_empty() {
            Some(None)
        } else {
            Education::parse(&self.education)
                .map(Some)
                .map_err(|e| errs.push(FieldError::new(Field::Education, e.code())))
                .ok()
        };
        match (name, department, id_number, gender, phone, email, education) {
            (
                Some(name),
                Some(department),
                Some(id_number),
                Some(gender),
                Some(phone),
                Some(email),
                Some(education),
            ) if errs.is_empty() => Ok(NewMember {
                name,
                department,
                position,
                gender,
                id_number,
                phone,
                email,
                education,
            }),
            _ => Err(errs),
        }
    }

    /// Like [`MemberForm::validate`] but as one `INVALID_INFO` error (for the add form).
    pub fn validate_or_error(
        &self,
        today: NaiveDate,
        departments: &[Department],
    ) -> Result<NewMember> {
        self.validate(today, departments)
            .map_err(Error::invalid_info)
    }
}

/// A validated member, ready to store.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NewMember {
    /// 姓名
    pub name: PersonName,
    /// 部门 (None: 无部门人员)
    pub department: Option<DeptId>,
    /// 职位 (may be empty)
    pub position: String,
    /// 性别
    pub gender: Gender,
    /// 身份证号 (masked in output)
    pub id_number: IdNumber,
    /// 手机号 (masked in output)
    pub phone: Phone,
    /// 邮箱
    pub email: Option<Email>,
    /// 学历
    pub education: Option<Education>,
}

/// A member of an org, as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Member {
    /// Store-assigned id.
    pub id: MemberId,
    /// The org the member belongs to.
    pub org: OrgId,
    /// The member's details.
    #[serde(flatten)]
    pub details: NewMember,
    /// When the member was added.
    pub created_at: DateTime<Utc>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn depts() -> Vec<Department> {
        vec![Department {
            id: DeptId(3),
            org: OrgId(1),
            name: DepartmentName::parse("一车间").unwrap(),
        }]
    }
    fn today() -> NaiveDate {
        "2020-03-24".parse().unwrap()
    }
    fn ok_form() -> MemberForm {
        MemberForm {
            name: "王五".into(),
            department: " 一车间".into(),
            position: "操作工".into(),
            gender: "".into(),
            id_number: "11010519491231002X".into(),
            phone: "13800138000".into(),
            email: "".into(),
            education: "高中".into(),
        }
    }

    #[test]
    fn blank_gender_comes_from_id_and_blank_department_is_none() {
        let m = ok_form().validate(today(), &depts()).unwrap();
        assert_eq!(m.gender, Gender::Female);
        assert_eq!(m.department, Some(DeptId(3)));
        let m = MemberForm {
            department: "".into(),
            ..ok_form()
        }
        .validate(today(), &depts())
        .unwrap();
        assert_eq!(m.department, None);
    }

    #[test]
    fn reports_every_wrong_field() {
        let f = MemberForm {
            name: "王5".into(),
            department: "二车间".into(),
            position: "x".repeat(51),
            gender: "男".into(),
            id_number: "11010519491231002X".into(),
            phone: "2380013800".into(),
            email: "bad".into(),
            education: "研究生".into(),
        };
        let errs = f.validate(today(), &depts()).unwrap_err();
        let got: Vec<_> = errs.iter().map(|e| (e.field, e.code)).collect();
        assert_eq!(
            got,
            vec![
                (Field::Name, ErrorCode::NameHasDigits),
                (Field::Department, ErrorCode::DepartmentNotFound),
                (Field::Position, ErrorCode::TextInvalid),
                (Field::Gender, ErrorCode::GenderMismatch),
                (Field::Phone, ErrorCode::PhoneInvalid),
                (Field::Email, ErrorCode::EmailInvalid),
                (Field::Education, ErrorCode::EducationUnknown),
            ]
        );
        let e = MemberForm {
            gender: "x".into(),
            ..ok_form()
        }
        .validate_or_error(today(), &depts())
        .unwrap_err();
        assert_eq!(e.field_errors()[0].code, ErrorCode::GenderInvalid);
    }

    #[test]
    fn serialized_member_is_masked() {
        let m = Member {
            id: MemberId(1),
            org: OrgId(1),
            details: ok_form().validate(today(), &depts()).unwrap(),
            created_at: DateTime::UNIX_EPOCH,
        };
        let s = serde_json::to_string(&m).unwrap();
        assert!(
            !s.contains("13800138000") && !s.contains("11010519491231002X") && !s.contains("王五"),
            "{s}"
        );
        assert!(s.contains("138****8000"), "{s}");
    }
}
