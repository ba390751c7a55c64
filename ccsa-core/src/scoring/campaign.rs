//! The campaign (线上安全培训活动): its window, seed, draw and scoring rules.

use super::{PolicySchedule, ScoringPolicy};
use crate::quiz::DrawConfig;
use crate::{ErrorCode, Result};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// One training campaign.
///
/// ```
/// use ccsa_core::scoring::Campaign;
/// let c = Campaign::notice_2020(7);
/// assert_eq!(c.start.to_string(), "2020-03-01");
/// assert_eq!(c.end.to_string(), "2020-12-31");
/// assert!(c.contains("2020-12-31".parse().unwrap()));
/// assert!(!c.contains("2021-01-01".parse().unwrap()));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Campaign {
    /// Display name.
    pub name: String,
    /// First day (inclusive).
    pub start: NaiveDate,
    /// Last day (inclusive).
    pub end: NaiveDate,
    /// Seed of every daily draw (published, so draws can be audited).
    pub seed: u64,
    /// Draw settings.
    pub draw: DrawConfig,
    /// Scoring rules over time.
    pub policies: PolicySchedule,
}

impl Campaign {
    /// The notice's campaign: 2020-03-01 to 2020-12-31 (三、培训时间), 5
    /// questions a day, 10 points per correct answer, 10 for full marks, cap 60.
    pub fn notice_2020(seed: u64) -> Campaign {
        let start = NaiveDate::from_ymd_opt(2020, 3, 1).expect("valid date");
        Campaign {
            name: "危险化学品重点县线上安全培训（2020年3月至12月）".into(),
            start,
            end: NaiveDate::from_ymd_opt(2020, 12, 31).expect("valid date"),
            seed,
            draw: DrawConfig::default(),
            policies: PolicySchedule::new(vec![ScoringPolicy {
                effective_from: start,
                points_per_correct: 10,
                full_marks_bonus: 10,
                daily_cap: 60,
            }])
            .expect("one policy is a valid schedule"),
        }
    }

    /// The notice's rules (5 questions a day, 10 points per correct answer,
    /// 10 for full marks, cap 60) over another window, e.g. a later year's
    /// campaign. `POLICY_INVALID` when `start` is after `end`.
    ///
    /// ```
    /// use ccsa_core::scoring::Campaign;
    /// use chrono::NaiveDate;
    /// let d = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
    /// let c = Campaign::notice_rules(d(2026, 1, 1), d(2026, 12, 31), 7).unwrap();
    /// assert!(c.contains(d(2026, 6, 1)) && !c.contains(d(2020, 6, 1)));
    /// assert!(Campaign::notice_rules(d(2026, 2, 1), d(2026, 1, 1), 7).is_err());
    /// ```
    pub fn notice_rules(start: NaiveDate, end: NaiveDate, seed: u64) -> Result<Campaign> {
        let notice = Campaign::notice_2020(seed);
        let c = Campaign {
            name: format!("危险化学品重点县线上安全培训（{start} 至 {end}）"),
            start,
            end,
            policies: PolicySchedule::new(vec![ScoringPolicy {
                effective_from: start,
                ..notice.policies.policies()[0]
            }])?,
            ..notice
        };
        c.validate()?;
        Ok(c)
    }

    /// Checks that the window is ordered, the first policy covers the start,
    /// and the draw asks for at least one question.
    pub fn validate(&self) -> Result<()> {
        let first = self.policies.policies().first().map(|p| p.effective_from);
        if self.start > self.end || first.is_none_or(|f| f > self.start) || self.draw.per_day == 0 {
            return Err(ErrorCode::PolicyInvalid.into());
        }
        Ok(())
    }

    /// Whether `day` is inside the window.
    pub fn contains(&self, day: NaiveDate) -> bool {
        self.start <= day && day <= self.end
    }

    /// The policy in force on `day` (`OUTSIDE_CAMPAIGN` outside the window).
    pub fn policy_at(&self, day: NaiveDate) -> Result<&ScoringPolicy> {
        if !self.contains(day) {
            return Err(ErrorCode::OutsideCampaign.into());
        }
        self.policies
            .at(day)
            .ok_or_else(|| ErrorCode::PolicyInvalid.into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validation() {
        let c = Campaign::notice_2020(1);
        assert!(c.validate().is_ok());
        let mut late = c.clone();
        late.start = "2020-02-01".parse().unwrap();
        assert_eq!(
            late.validate().unwrap_err().code(),
            ErrorCode::PolicyInvalid
        );
        assert_eq!(
            c.policy_at("2021-01-01".parse().unwrap())
                .unwrap_err()
                .code(),
            ErrorCode::OutsideCampaign
        );
        assert_eq!(
            c.policy_at("2020-05-05".parse().unwrap())
                .unwrap()
                .points_per_correct,
            10
        );
    }
}
