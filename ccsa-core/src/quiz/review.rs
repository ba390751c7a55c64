//! Spaced review of mistakes (错题复习), an SM-2-style schedule.

use super::QuestionId;
use chrono::{Duration, NaiveDate};
use serde::{Deserialize, Serialize};

/// A question a member got wrong, scheduled to come back.
///
/// The schedule (a simplified SM-2, documented so it can be audited):
/// - **Wrong answer** (first time or during review): `repetitions = 0`,
///   `interval = 1` day, ease −0.20 (floor 1.30), due tomorrow.
/// - **Right answer to a review**: `repetitions += 1`; interval becomes 3
///   days after the first success, then `ceil(interval × ease)` (8 days at the
///   starting ease 2.5, 4 at the floor 1.3); after the third consecutive
///   success the card **graduates** (is removed). Ease is kept on success
///   (SM-2 with quality 4 leaves it unchanged).
/// - **Right answer to a question with no card**: nothing to schedule.
///
/// Ease is kept in thousandths (2500 = 2.5) so that it is exact everywhere.
///
/// ```
/// use ccsa_core::quiz::{QuestionId, ReviewCard};
/// let day = chrono::NaiveDate::from_ymd_opt(2020, 3, 1).unwrap();
/// let c = ReviewCard::after_answer(None, QuestionId(9), false, day).unwrap();
/// assert_eq!(c.due, day.succ_opt().unwrap());
/// let c = ReviewCard::after_answer(Some(c), QuestionId(9), true, c.due).unwrap();
/// assert_eq!(c.interval_days, 3);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewCard {
    /// The question.
    pub question: QuestionId,
    /// Consecutive correct reviews.
    pub repetitions: u8,
    /// Current interval in days.
    pub interval_days: u16,
    /// Ease factor in thousandths.
    pub ease_milli: u16,
    /// When it is next due.
    pub due: NaiveDate,
}

/// Correct reviews in a row after which a card graduates.
pub const GRADUATE_AFTER: u8 = 3;

impl ReviewCard {
    /// The card after answering `question` on `day` (None: no card).
    pub fn after_answer(
        card: Option<ReviewCard>,
        question: QuestionId,
        correct: bool,
        day: NaiveDate,
    ) -> Option<ReviewCard> {
        match (card, correct) {
            (None, true) => None,
            (card, false) => {
                let ease = card.map_or(2500, |c| c.ease_milli.saturating_sub(200).max(1300));
                Some(ReviewCard {
                    question,
                    repetitions: 0,
                    interval_days: 1,
                    ease_milli: ease,
                    due: day + Duration::days(1),
                })
            }
            (Some(c), true) => {
                let reps = c.repetitions + 1;
                if reps >= GRADUATE_AFTER {
                    return None;
                }
                let interval: u16 = if reps == 1 {
                    3
                } else {
                    (u32::from(c.interval_days) * u32::from(c.ease_milli))
                        .div_ceil(1000)
                        .min(365) as u16
                };
                Some(ReviewCard {
                    repetitions: reps,
                    interval_days: interval,
                    due: day + Duration::days(i64::from(interval)),
                    ..c
                })
            }
        }
    }

    /// Whether the card is due on `day`.
    pub fn is_due(&self, day: NaiveDate) -> bool {
        self.due <= day
    }
}

/// A change to one member's review cards, applied with a submission.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ReviewChange {
    /// Create or replace the card.
    Upsert(ReviewCard),
    /// Remove the card (graduated).
    Remove(QuestionId),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schedule() {
        let d: NaiveDate = "2020-03-01".parse().unwrap();
        let q = QuestionId(1);
        assert_eq!(ReviewCard::after_answer(None, q, true, d), None);
        let c1 = ReviewCard::after_answer(None, q, false, d).unwrap();
        assert_eq!(
            (c1.repetitions, c1.interval_days, c1.ease_milli),
            (0, 1, 2500)
        );
        let c2 = ReviewCard::after_answer(Some(c1), q, false, c1.due).unwrap();
        assert_eq!(c2.ease_milli, 2300);
        let c3 = ReviewCard::after_answer(Some(c2), q, true, c2.due).unwrap();
        assert_eq!(
            (c3.repetitions, c3.interval_days, c3.due),
            (1, 3, c2.due + Duration::days(3))
        );
        let c4 = ReviewCard::after_answer(Some(c3), q, true, c3.due).unwrap();
        assert_eq!((c4.repetitions, c4.interval_days), (2, 7));
        assert_eq!(
            ReviewCard::after_answer(Some(c4), q, true, c4.due),
            None,
            "graduates"
        );
        let mut c = c1;
        for _ in 0..10 {
            c = ReviewCard::after_answer(Some(c), q, false, c.due).unwrap();
        }
        assert_eq!(c.ease_milli, 1300, "ease floor");
        assert!(c.is_due(c.due) && !c.is_due(c.due - Duration::days(1)));
    }
}
