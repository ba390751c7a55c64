//! Scoring policies (积分规则) with effective dates.

use crate::{ErrorCode, Result};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// How a day's quiz turns into points, from `effective_from` on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScoringPolicy {
    /// First day this policy applies (Beijing time).
    pub effective_from: NaiveDate,
    /// Points per correct answer.
    pub points_per_correct: u32,
    /// Extra points when every answer is right.
    pub full_marks_bonus: u32,
    /// Most points one day's quiz can earn.
    pub daily_cap: u32,
}

/// Points earned by one submission, split as the ledger records them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Award {
    /// For correct answers (after the cap).
    pub base: u32,
    /// The full-marks bonus (after the cap).
    pub bonus: u32,
}

impl Award {
    /// base + bonus.
    pub fn total(&self) -> u32 {
        self.base + self.bonus
    }
}

impl ScoringPolicy {
    /// Points for `correct` right answers out of `total`; the cap applies to
    /// the base first, then to the bonus.
    ///
    /// ```
    /// use ccsa_core::scoring::ScoringPolicy;
    /// let p = ScoringPolicy { effective_from: "2020-03-01".parse().unwrap(), points_per_correct: 2, full_marks_bonus: 5, daily_cap: 12 };
    /// assert_eq!(p.award(3, 5).total(), 6);
    /// assert_eq!(p.award(5, 5).total(), 12); // 10 + 5, capped at 12
    /// ```
    pub fn award(&self, correct: u32, total: u32) -> Award {
        let base = correct
            .saturating_mul(self.points_per_correct)
            .min(self.daily_cap);
        let bonus = if total > 0 && correct == total {
            self.full_marks_bonus.min(self.daily_cap - base)
        } else {
            0
        };
        Award { base, bonus }
    }
}

/// The policies of a campaign, ordered by effective date, so rules can change
/// mid-campaign without rewriting history: each day is scored by the policy
/// in force that day, and past ledger entries are never recomputed.
///
/// ```
/// use ccsa_core::scoring::{PolicySchedule, ScoringPolicy};
/// let p = |d: &str, ppc| ScoringPolicy { effective_from: d.parse().unwrap(), points_per_correct: ppc, full_marks_bonus: 0, daily_cap: 100 };
/// let s = PolicySchedule::new(vec![p("2020-07-01", 2), p("2020-03-01", 1)])?;
/// assert_eq!(s.at("2020-06-30".parse().unwrap()).unwrap().points_per_correct, 1);
/// assert_eq!(s.at("2020-07-01".parse().unwrap()).unwrap().points_per_correct, 2);
/// assert!(s.at("2020-02-01".parse().unwrap()).is_none());
/// # Ok::<(), ccsa_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "Vec<ScoringPolicy>", into = "Vec<ScoringPolicy>")]
pub struct PolicySchedule(Vec<ScoringPolicy>);

impl PolicySchedule {
    /// Sorts and checks the policies: at least one, distinct dates, positive caps.
    pub fn new(mut policies: Vec<ScoringPolicy>) -> Result<PolicySchedule> {
        policies.sort_by_key(|p| p.effective_from);
        let dup = policies
            .windows(2)
            .any(|w| w[0].effective_from == w[1].effective_from);
        if policies.is_empty() || dup || policies.iter().any(|p| p.daily_cap == 0) {
            return Err(ErrorCode::PolicyInvalid.into());
        }
        Ok(PolicySchedule(policies))
    }

    /// The policy in force on `day`.
    pub fn at(&self, day: NaiveDate) -> Option<&ScoringPolicy> {
        self.0.iter().rev().find(|p| p.effective_from <= day)
    }

    /// All policies, oldest first.
    pub fn policies(&self) -> &[ScoringPolicy] {
        &self.0
    }
}

impl TryFrom<Vec<ScoringPolicy>> for PolicySchedule {
    type Error = crate::Error;
    fn try_from(v: Vec<ScoringPolicy>) -> Result<Self> {
        PolicySchedule::new(v)
    }
}

impl From<PolicySchedule> for Vec<ScoringPolicy> {
    fn from(s: PolicySchedule) -> Self {
        s.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn caps_and_schedule_errors() {
        let p = ScoringPolicy {
            effective_from: "2020-03-01".parse().unwrap(),
            points_per_correct: 3,
            full_marks_bonus: 4,
            daily_cap: 10,
        };
        assert_eq!(p.award(5, 5), Award { base: 10, bonus: 0 });
        assert_eq!(p.award(0, 5), Award { base: 0, bonus: 0 });
        assert_eq!(p.award(0, 0), Award { base: 0, bonus: 0 });
        let huge = ScoringPolicy {
            points_per_correct: u32::MAX,
            ..p
        };
        assert_eq!(huge.award(5, 5).base, 10, "no overflow: capped");
        assert_eq!(
            PolicySchedule::new(vec![]).unwrap_err().code(),
            ErrorCode::PolicyInvalid
        );
        assert_eq!(
            PolicySchedule::new(vec![p, p]).unwrap_err().code(),
            ErrorCode::PolicyInvalid
        );
        assert_eq!(
            PolicySchedule::new(vec![ScoringPolicy { daily_cap: 0, ..p }])
                .unwrap_err()
                .code(),
            ErrorCode::PolicyInvalid
        );
    }
}
