//! Conversions between domain values and column values, shared by both backends.

use ccsa_core::directory::{Member, MemberId, NewMember};
use ccsa_core::identity::{Education, Email, Gender, IdNumber, PersonName, Phone};
use ccsa_core::quiz::{Choices, GradedAnswer, QuestionId};
use ccsa_core::registry::{Contact, OrgContacts, OrgId, OrgKind};
use ccsa_core::{Error, Result};
use chrono::{DateTime, Datelike, NaiveDate, Utc};

/// Unix microseconds: how every timestamp is stored.
pub fn micros(t: DateTime<Utc>) -> i64 {
    t.timestamp_micros()
}

/// Back from Unix microseconds.
pub fn from_micros(us: i64) -> Result<DateTime<Utc>> {
    DateTime::from_timestamp_micros(us).ok_or_else(|| corrupt("timestamp"))
}

/// `YYYYMM` of a day.
pub fn month_of(day: NaiveDate) -> i64 {
    i64::from(day.year()) * 100 + i64::from(day.month())
}

/// A stored value that no longer parses: reported without the value itself.
pub fn corrupt(what: &str) -> Error {
    Error::storage(format!("corrupt stored {what}"))
}

pub fn kind_str(k: OrgKind) -> &'static str {
    match k {
        OrgKind::Bureau => "bureau",
        OrgKind::Enterprise => "enterprise",
    }
}

pub fn parse_kind(s: &str) -> Result<OrgKind> {
    match s {
        "bureau" => Ok(OrgKind::Bureau),
        "enterprise" => Ok(OrgKind::Enterprise),
        _ => Err(corrupt("org kind")),
    }
}

/// Encodes graded answers as `question:choices:0|1` joined by `;`.
pub fn encode_answers(answers: &[GradedAnswer]) -> String {
    let mut s = String::with_capacity(answers.len() * 12);
    for (i, a) in answers.iter().enumerate() {
        if i > 0 {
            s.push(';');
        }
        s.push_str(&format!(
            "{}:{}:{}",
            a.question.0,
            a.chosen.0,
            u8::from(a.correct)
        ));
    }
    s
}

pub fn decode_answers(s: &str) -> Result<Vec<GradedAnswer>> {
    if s.is_empty() {
        return Ok(Vec::new());
    }
    s.split(';')
        .map(|part| {
            let mut it = part.split(':');
            let q = it.next().and_then(|x| x.parse::<i64>().ok());
            let c = it.next().and_then(|x| x.parse::<u8>().ok());
            let ok = it.next().and_then(|x| x.parse::<u8>().ok());
            match (q, c, ok, it.next()) {
                (Some(q), Some(c), Some(ok), None) => Ok(GradedAnswer {
                    question: QuestionId(q),
                    chosen: Choices(c),
                    correct: ok == 1,
                }),
                _ => Err(corrupt("answers")),
            }
        })
        .collect()
}

/// Decodes `question,repetitions,interval,ease,YYYY-MM-DD` (an aggregated review card).
pub fn decode_card(s: &str) -> Result<ccsa_core::quiz::ReviewCard> {
    let f: Vec<&str> = s.split(',').collect();
    let num = |i: usize| {
        f.get(i)
            .and_then(|x| x.parse::<i64>().ok())
            .ok_or_else(|| corrupt("review card"))
    };
    if f.len() != 5 {
        return Err(corrupt("review card"));
    }
    Ok(ccsa_core::quiz::ReviewCard {
        question: QuestionId(num(0)?),
        repetitions: num(1)? as u8,
        interval_days: num(2)? as u16,
        ease_milli: num(3)? as u16,
        due: f[4].parse().map_err(|_| corrupt("review card"))?,
    })
}

pub fn encode_ids(ids: &[QuestionId]) -> String {
    ids.iter()
        .map(|q| q.0.to_string())
        .collect::<Vec<_>>()
        .join(",")
}

pub fn decode_ids(s: &str) -> Result<Vec<QuestionId>> {
    if s.is_empty() {
        return Ok(Vec::new());
    }
    s.split(',')
        .map(|x| {
            x.parse::<i64>()
                .map(QuestionId)
                .map_err(|_| corrupt("question ids"))
        })
        .collect()
}

/// The raw column values of a member row.
pub struct MemberColumns {
    pub id: i64,
    pub org: i64,
    pub department: Option<i64>,
    pub name: String,
    pub position: String,
    pub gender: String,
    pub id_number: String,
    pub phone: String,
    pub email: Option<String>,
    pub education: Option<String>,
    pub created_at: i64,
}

impl MemberColumns {
    pub fn into_member(self) -> Result<Member> {
        let details = NewMember {
            name: PersonName::parse(&self.name).map_err(|_| corrupt("member name"))?,
            department: self.department.map(ccsa_core::directory::DeptId),
            position: self.position,
            gender: Gender::parse(&self.gender).map_err(|_| corrupt("member gender"))?,
            id_number: IdNumber::from_trusted(&self.id_number)
                .map_err(|_| corrupt("member id number"))?,
            phone: Phone::parse(&self.phone).map_err(|_| corrupt("member phone"))?,
            email: self
                .email
                .map(|e| Email::parse(&e))
                .transpose()
                .map_err(|_| corrupt("member email"))?,
            education: self
                .education
                .map(|e| Education::parse(&e))
                .transpose()
                .map_err(|_| corrupt("member education"))?,
        };
        Ok(Member {
            id: MemberId(self.id),
            org: OrgId(self.org),
            details,
            created_at: from_micros(self.created_at)?,
        })
    }
}

/// Lowercase hex of `bytes` (sealed values travel as hex inside JSON rows).
pub fn hex_of(bytes: &[u8]) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(char::from(HEX[(b >> 4) as usize]));
        s.push(char::from(HEX[(b & 15) as usize]));
    }
    s
}

pub fn contact(name: Option<String>, phone: Option<String>) -> Result<Option<Contact>> {
    match (name, phone) {
        (Some(n), Some(p)) => Contact::parse(&n, &p)
            .map(Some)
            .map_err(|_| corrupt("org contact")),
        _ => Ok(None),
    }
}

pub fn contact_columns(c: &OrgContacts) -> [Option<String>; 4] {
    let name = |c: &Option<Contact>| c.as_ref().map(|c| c.name.expose().to_string());
    let phone = |c: &Option<Contact>| c.as_ref().map(|c| c.phone.expose().to_string());
    [
        name(&c.leader),
        phone(&c.leader),
        name(&c.liaison),
        phone(&c.liaison),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_round_trip() {
        let a = vec![
            GradedAnswer {
                question: QuestionId(12),
                chosen: Choices(5),
                correct: true,
            },
            GradedAnswer {
                question: QuestionId(7),
                chosen: Choices(0),
                correct: false,
            },
        ];
        assert_eq!(decode_answers(&encode_answers(&a)).unwrap(), a);
        assert!(decode_answers("").unwrap().is_empty());
        assert!(decode_answers("1:2").is_err());
        assert_eq!(
            decode_ids(&encode_ids(&[QuestionId(3), QuestionId(9)])).unwrap(),
            vec![QuestionId(3), QuestionId(9)]
        );
        assert_eq!(month_of("2020-03-05".parse().unwrap()), 202003);
    }
}
