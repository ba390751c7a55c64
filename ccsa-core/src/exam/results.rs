//! Exam results (考试成绩): each member's finished attempts, best score and
//! whether any attempt passed.

use super::Attempt;
use crate::directory::MemberId;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// One member's results of an exam.
///
/// ```
/// use ccsa_core::exam::ExamResult;
/// // No finished attempt, no result line.
/// assert!(ExamResult::collect(&[]).is_empty());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExamResult {
    /// Who.
    pub member: MemberId,
    /// Finished attempts, in order: (number, score in hundredths of a percent, passed).
    pub attempts: Vec<(u8, u32, bool)>,
    /// The best score (hundredths of a percent).
    pub best_percent_centi: u32,
    /// Whether any attempt passed.
    pub passed: bool,
}

impl ExamResult {
    /// One line per member with at least one finished attempt, by member
    /// id; unfinished attempts are left out.
    pub fn collect(attempts: &[Attempt]) -> Vec<ExamResult> {
        let mut by_member: BTreeMap<MemberId, Vec<(u8, u32, bool)>> = BTreeMap::new();
        for a in attempts {
            if let Some(s) = &a.score {
                by_member.entry(a.attempt.member).or_default().push((
                    a.attempt.number,
                    s.percent_centi,
                    s.passed,
                ));
            }
        }
        by_member
            .into_iter()
            .map(|(member, mut attempts)| {
                attempts.sort_unstable();
                ExamResult {
                    member,
                    best_percent_centi: attempts.iter().map(|a| a.1).max().unwrap_or(0),
                    passed: attempts.iter().any(|a| a.2),
                    attempts,
                }
            })
            .collect()
    }
}
