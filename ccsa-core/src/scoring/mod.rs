//! Scoring (积分): the campaign window, scoring policies with effective
//! dates, the ledger, and the one-scored-submission-per-day rule.
//!
//! Points only ever enter through [`LedgerEntry`] values; totals are derived.
//! A member's first submission of a day is scored; any later one is answered
//! with that first result ([`SubmissionOutcome::first`] is false).

mod campaign;
mod ledger;
mod policy;
mod submission;

pub use campaign::Campaign;
pub use ledger::{LedgerEntry, LedgerKind};
pub use policy::{Award, PolicySchedule, ScoringPolicy};
pub use submission::{DailySubmission, QuizResult, SubmissionOutcome};
