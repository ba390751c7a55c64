//! Deterministic sample people for tests, examples and benchmarks.
//!
//! Every value is generated from an index, so the same index always gives
//! the same person and different indices (below 10^8) never collide on phone
//! or ID number. The ID numbers carry valid check characters and real
//! birth dates; the phones use the 199 prefix range. None of it is real
//! personal data.

use crate::directory::MemberForm;
use crate::identity::Gender;

const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "胡", "朱", "高", "林",
    "何", "郭", "马", "罗",
];
const GIVEN: &[&str] = &[
    "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明",
    "超", "秀", "霞", "平", "刚", "桂", "英", "华",
];

/// A sample person's raw fields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SamplePerson {
    /// A Chinese name (no digits).
    pub name: String,
    /// 11-digit phone `199xxxxxxxx`.
    pub phone: String,
    /// 18-character ID number with a valid check character.
    pub id_number: String,
    /// Gender consistent with the ID number.
    pub gender: Gender,
}

/// The sample person with index `i` (0 ≤ i < 10^8).
///
/// ```
/// use ccsa_core::sample::person;
/// use ccsa_core::identity::{IdNumber, Phone, PersonName};
/// let p = person(42);
/// let today = chrono::NaiveDate::from_ymd_opt(2020, 3, 24).unwrap();
/// assert!(IdNumber::parse(&p.id_number, today).is_ok());
/// assert!(Phone::parse(&p.phone).is_ok());
/// assert!(PersonName::parse(&p.name).is_ok());
/// assert_ne!(person(43).phone, p.phone);
/// ```
pub fn person(i: u64) -> SamplePerson {
    let i = i % 100_000_000;
    let surname = SURNAMES[(i % SURNAMES.len() as u64) as usize];
    let g1 = GIVEN[((i / 20) % GIVEN.len() as u64) as usize];
    let g2 = GIVEN[((i / 480) % GIVEN.len() as u64) as usize];
    let name = if i.is_multiple_of(3) {
        format!("{surname}{g1}")
    } else {
        format!("{surname}{g1}{g2}")
    };
    // birth date: 1960-01-01 + (i / 1000) % 15000 days; sequence i % 1000
    let base = chrono::NaiveDate::from_ymd_opt(1960, 1, 1).expect("valid date");
    let birth = base + chrono::Duration::days(((i / 1000) % 15_000) as i64);
    // the area code varies with the upper digits so that 10^8 people stay unique
    let area = 100 + (i / 15_000_000) as u32;
    let mut id = format!("11{area:04}{}{:03}", birth.format("%Y%m%d"), i % 1000);
    let check = crate::identity::id_check_char(id.as_bytes()).expect("17 digits");
    id.push(check as char);
    let gender = if (i % 1000) % 2 == 1 {
        Gender::Male
    } else {
        Gender::Female
    };
    SamplePerson {
        name,
        phone: format!("199{i:08}"),
        id_number: id,
        gender,
    }
}

/// A member form for sample person `i` in `department` (may be empty).
pub fn member_form(i: u64, department: &str) -> MemberForm {
    let p = person(i);
    MemberForm {
        name: p.name,
        department: department.to_string(),
        position: ["操作工", "班长", "技术员", "安全员", "主任"][(i % 5) as usize].to_string(),
        gender: p.gender.as_zh().to_string(),
        id_number: p.id_number,
        phone: p.phone,
        email: String::new(),
        education: ["本科", "专科(大专)", "高中", "中专", "硕士"][(i % 5) as usize].to_string(),
    }
}

/// The sample national question bank shipped with ccsa (`data/questions.txt`):
/// hazardous-chemicals safety questions written by the team, each with an
/// explanation and the law or standard it rests on.
///
/// ```
/// let bank = ccsa_core::sample::national_bank();
/// assert!(bank.len() >= 120);
/// let categories: std::collections::HashSet<_> = bank.iter().map(|q| q.category.as_str()).collect();
/// assert!(categories.len() >= 6);
/// assert!(bank.iter().all(|q| q.clone().validate().is_ok()));
/// ```
pub fn national_bank() -> Vec<crate::quiz::NewQuestion> {
    use crate::quiz::{BankOwner, Choices, NewQuestion, QuestionKind};
    include_str!("../data/questions.txt")
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|line| {
            let f: Vec<&str> = line.split('|').collect();
            assert_eq!(f.len(), 8, "malformed sample question: {line}");
            let kind = QuestionKind::parse(f[0]).expect("sample kind");
            let options: Vec<String> = if kind == QuestionKind::TrueFalse {
                vec!["正确".into(), "错误".into()]
            } else {
                f[5].split(';').map(str::to_string).collect()
            };
            NewQuestion {
                owner: BankOwner::National,
                kind,
                stem: f[4].to_string(),
                options,
                answer: Choices::parse(f[3]).expect("sample answer"),
                explanation: f[6].to_string(),
                category: f[1].to_string(),
                specialties: vec!["通用".to_string()],
                difficulty: f[2].parse().expect("sample difficulty"),
                source: Some(f[7].to_string()),
            }
            .validate()
            .expect("sample questions are valid")
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::identity::IdNumber;
    use std::collections::HashSet;

    #[test]
    fn unique_and_valid() {
        let today = chrono::NaiveDate::from_ymd_opt(2020, 3, 24).unwrap();
        let mut ids = HashSet::new();
        let mut phones = HashSet::new();
        for i in (0..200_000u64).chain([14_999_999, 15_000_000, 99_999_999]) {
            let p = person(i);
            let id = IdNumber::parse(&p.id_number, today).unwrap();
            assert_eq!(id.gender(), p.gender);
            assert!(ids.insert(p.id_number.clone()), "{i}");
            assert!(phones.insert(p.phone.clone()));
        }
        let f = member_form(7, "一车间");
        assert!(f.validate(today, &[]).is_err(), "department must exist");
        assert!(member_form(7, "").validate(today, &[]).is_ok());
    }
}
