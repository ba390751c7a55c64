//! Pure helpers: the same validators, masks, draw and grading rules as the
//! server, for forms and audits on the device. No store, no runtime.

use crate::error::FfiResult;
use crate::records::{
    AnswerRecord, GradeRecord, IdNumberInfo, PhoneInfo, PoolQuestion, SeenQuestion, graded_items,
};
use ccsa_core::ErrorCode;
use ccsa_core::directory::{InvitationLink, MemberId};
use ccsa_core::identity::{IdNumber, PersonName, Phone};
use ccsa_core::quiz::{
    Answer, Choices, DrawConfig, DrawHistory, DrawKey, DrawPool, QuestionId, draw, grade,
};
use chrono::NaiveDate;

/// A `YYYY-MM-DD` day, or `DATE_INVALID`.
pub(crate) fn day(s: &str) -> FfiResult<NaiveDate> {
    s.trim().parse().map_err(|_| ErrorCode::DateInvalid.into())
}

/// Reads an ID number (身份证号) as the server does, on `today`
/// (`YYYY-MM-DD`, for the birth-date check): 15-digit numbers upgraded,
/// full-width characters folded, the check character verified.
#[uniffi::export]
pub fn parse_id_number(value: String, today: String) -> FfiResult<IdNumberInfo> {
    let id = IdNumber::parse(&value, day(&today)?)?;
    Ok(IdNumberInfo {
        normalized: id.expose().to_string(),
        masked: id.masked(),
        birth_date: id.birth_date().to_string(),
        gender: id.gender().as_zh().to_string(),
        region_code: id.region_code().to_string(),
    })
}

/// Reads a mainland mobile number (手机号): spaces, dashes and `+86` removed.
#[uniffi::export]
pub fn parse_phone(value: String) -> FfiResult<PhoneInfo> {
    let p = Phone::parse(&value)?;
    Ok(PhoneInfo {
        normalized: p.expose().to_string(),
        masked: p.masked(),
    })
}

/// A real name (真实姓名) normalised as the server compares it (spaces
/// trimmed, the middle dot of minority names unified).
#[uniffi::export]
pub fn normalize_name(value: String) -> FfiResult<String> {
    Ok(PersonName::parse(&value)?.expose().to_string())
}

/// A name masked for display (`李**`).
#[uniffi::export]
pub fn mask_name(value: String) -> FfiResult<String> {
    Ok(PersonName::parse(&value)?.masked())
}

/// A phone masked for display (`138****8000`).
#[uniffi::export]
pub fn mask_phone(value: String) -> FfiResult<String> {
    Ok(Phone::parse(&value)?.masked())
}

/// The token inside a scanned invitation QR text made with `link_pattern`
/// (e.g. `https://example.invalid/join?t={token}`, or `{token}`), checked
/// for shape; `INVITATION_MALFORMED` otherwise. The signature is checked by
/// the engine that issued it ([`crate::Engine::inspect_invitation`]).
#[uniffi::export]
pub fn invitation_token_from_text(text: String, link_pattern: String) -> FfiResult<String> {
    Ok(InvitationLink(link_pattern).token_in(&text)?)
}

/// Recomputes a member's daily draw (每日抽题) from its inputs, for audit:
/// the pool (question ids and categories), the member, the day, the bank
/// revision and the campaign seed, the questions seen on earlier days and
/// the review questions due. Returns the question ids in draw order; the
/// same inputs give the same draw as on the server.
#[uniffi::export]
#[allow(clippy::too_many_arguments)]
pub fn audit_draw(
    pool: Vec<PoolQuestion>,
    member: i64,
    day_drawn: String,
    bank_revision: u64,
    seed: u64,
    seen: Vec<SeenQuestion>,
    due_reviews: Vec<i64>,
    per_day: u8,
) -> FfiResult<Vec<i64>> {
    let pool = DrawPool::new(pool.iter().map(|q| (QuestionId(q.id), q.category.as_str())));
    let recent = seen
        .iter()
        .map(|s| Ok((QuestionId(s.question), day(&s.day)?)))
        .collect::<FfiResult<Vec<_>>>()?;
    let due: Vec<QuestionId> = due_reviews.into_iter().map(QuestionId).collect();
    let key = DrawKey {
        member: MemberId(member),
        day: day(&day_drawn)?,
        bank_revision,
        seed,
    };
    let config = DrawConfig {
        per_day,
        ..DrawConfig::default()
    };
    let history = DrawHistory {
        recent: &recent,
        due_reviews: &due,
    };
    let d = draw(&pool, &key, history, &config)?;
    Ok(d.questions.iter().map(|q| q.0).collect())
}

/// Grades answers against answer keys (both as letters), the way the
/// server grades a daily quiz: one answer per keyed question, exact match.
/// `ANSWERS_DONT_MATCH_DRAW` when answers and keys do not pair up.
#[uniffi::export]
pub fn grade_answers(
    keys: Vec<AnswerRecord>,
    answers: Vec<AnswerRecord>,
) -> FfiResult<GradeRecord> {
    let parse = |a: &AnswerRecord| -> FfiResult<(QuestionId, Choices)> {
        Ok((QuestionId(a.question), Choices::parse(&a.letters)?))
    };
    let keys = keys.iter().map(parse).collect::<FfiResult<Vec<_>>>()?;
    let answers = answers
        .iter()
        .map(|a| parse(a).map(|(question, chosen)| Answer { question, chosen }))
        .collect::<FfiResult<Vec<_>>>()?;
    let drawn: Vec<QuestionId> = keys.iter().map(|k| k.0).collect();
    let g = grade(
        &drawn,
        |q| keys.iter().find(|k| k.0 == q).map(|k| k.1),
        &answers,
    )?;
    Ok(GradeRecord {
        correct: g.correct,
        total: g.total(),
        items: graded_items(&g.answers),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn helpers_follow_the_core() {
        let id = parse_id_number("11010519491231002x".into(), "2020-03-24".into()).unwrap();
        assert_eq!(id.normalized, "11010519491231002X");
        assert_eq!(
            (id.birth_date.as_str(), id.gender.as_str()),
            ("1949-12-31", "女")
        );
        assert!(!id.masked.contains("19491231"));
        assert_eq!(
            parse_id_number("110105194912310021".into(), "2020-03-24".into())
                .unwrap_err()
                .code(),
            "ID_NUMBER_CHECKSUM"
        );
        assert_eq!(
            parse_id_number("x".into(), "24/03/2020".into())
                .unwrap_err()
                .code(),
            "DATE_INVALID"
        );
        assert_eq!(
            parse_phone("+86 138-0013-8000".into()).unwrap().masked,
            "138****8000"
        );
        assert_eq!(
            grade_answers(
                vec![AnswerRecord {
                    question: 1,
                    letters: "AC".into()
                }],
                vec![AnswerRecord {
                    question: 1,
                    letters: "CA".into()
                }],
            )
            .unwrap()
            .correct,
            1
        );
        let pool: Vec<PoolQuestion> = (1..=40)
            .map(|i| PoolQuestion {
                id: i,
                category: ["法规", "常识"][i as usize % 2].into(),
            })
            .collect();
        let a = audit_draw(
            pool.clone(),
            7,
            "2020-03-24".into(),
            1,
            2020,
            vec![],
            vec![],
            5,
        )
        .unwrap();
        assert_eq!(a.len(), 5);
        assert_eq!(
            a,
            audit_draw(pool, 7, "2020-03-24".into(), 1, 2020, vec![], vec![], 5).unwrap()
        );
    }
}
