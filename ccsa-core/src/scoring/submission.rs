//! A day's quiz submission (每日答题提交) and its result.

use super::LedgerEntry;
use crate::directory::MemberId;
use crate::quiz::{GradedAnswer, ReviewChange};
use crate::registry::OrgId;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// Everything a store writes, atomically, for one member's first scored
/// submission of a day: the answers (append-only log), the ledger entries,
/// the running total, the daily rollups, and review-card changes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DailySubmission {
    /// Who.
    pub member: MemberId,
    /// The member's org.
    pub org: OrgId,
    /// Which day.
    pub day: NaiveDate,
    /// When it arrived.
    pub submitted_at: DateTime<Utc>,
    /// Graded answers, in draw order.
    pub answers: Vec<GradedAnswer>,
    /// Correct answers.
    pub correct: u32,
    /// Points earned (sum of `ledger`).
    pub points: i64,
    /// Ledger entries (zero-point entries are not written).
    pub ledger: Vec<LedgerEntry>,
    /// Review schedule changes.
    pub reviews: Vec<ReviewChange>,
}

impl DailySubmission {
    /// The result this submission stands for.
    pub fn result(&self) -> QuizResult {
        QuizResult {
            member: self.member,
            day: self.day,
            answers: self.answers.clone(),
            correct: self.correct,
            total: self.answers.len() as u32,
            points: self.points,
            submitted_at: self.submitted_at,
        }
    }
}

/// The scored result of a member's day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuizResult {
    /// Who.
    pub member: MemberId,
    /// Which day.
    pub day: NaiveDate,
    /// Graded answers.
    pub answers: Vec<GradedAnswer>,
    /// Correct answers.
    pub correct: u32,
    /// Questions.
    pub total: u32,
    /// Points earned.
    pub points: i64,
    /// When the scored submission arrived.
    pub submitted_at: DateTime<Utc>,
}

/// What `record_submission` returns: the day's one scored result, and whether
/// this call is the one that scored it. A repeated submission gets the first
/// result back with `first == false` and changes nothing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubmissionOutcome {
    /// The day's scored result.
    pub result: QuizResult,
    /// Whether this call recorded it.
    pub first: bool,
}
