//! The points ledger (积分明细): every point change is an entry.

use crate::directory::MemberId;
use crate::registry::OrgId;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// Why points changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LedgerKind {
    /// Points for correct answers of a daily quiz.
    DailyQuiz,
    /// The full-marks bonus of a daily quiz.
    FullMarksBonus,
    /// A correction by the coordination office.
    Adjustment,
}

impl LedgerKind {
    /// Stable name (`"daily_quiz"` ...), as stored by SQL backends.
    pub const fn as_str(self) -> &'static str {
        match self {
            LedgerKind::DailyQuiz => "daily_quiz",
            LedgerKind::FullMarksBonus => "full_marks_bonus",
            LedgerKind::Adjustment => "adjustment",
        }
    }
    /// Parses [`LedgerKind::as_str`].
    pub fn from_str_opt(s: &str) -> Option<LedgerKind> {
        match s {
            "daily_quiz" => Some(LedgerKind::DailyQuiz),
            "full_marks_bonus" => Some(LedgerKind::FullMarksBonus),
            "adjustment" => Some(LedgerKind::Adjustment),
            _ => None,
        }
    }
}

/// One point change. A member's total is, by definition, the sum of their
/// entries; stores keep a running total in the same transaction and the
/// conformance suite checks the two agree.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LedgerEntry {
    /// Whose points.
    pub member: MemberId,
    /// The member's org at the time.
    pub org: OrgId,
    /// The campaign day it counts for.
    pub day: NaiveDate,
    /// Why.
    pub kind: LedgerKind,
    /// How many (positive or negative).
    pub points: i64,
    /// When it was recorded.
    pub at: DateTime<Utc>,
}
