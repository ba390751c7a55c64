//! Where an org's daily questions come from (每日答题题库设置): the national
//! bank, the org's own bank, both as one pool, or a fixed share of each.

use super::{DailyDraw, DrawConfig, DrawHistory, DrawKey, DrawPool, draw};
use crate::{Error, ErrorCode, Result};
use serde::{Deserialize, Serialize};

/// An org's choice of banks for its members' daily draws.
///
/// ```
/// use ccsa_core::quiz::BankMix;
/// assert_eq!(BankMix::default(), BankMix::Pooled);
/// assert_eq!(BankMix::Share { own_percent: 40 }.own_count(5), 2);
/// assert!(BankMix::Share { own_percent: 101 }.validate().is_err());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BankMix {
    /// The national bank and the org's own bank as one pool (the default).
    #[default]
    Pooled,
    /// The national bank only.
    NationalOnly,
    /// The org's own bank only.
    OwnOnly,
    /// Of each day's questions, `own_percent` percent (rounded) from the
    /// org's own bank, the rest from the national bank.
    Share {
        /// 0–100.
        own_percent: u8,
    },
}

impl BankMix {
    /// `POLICY_INVALID` for a share above 100%.
    pub fn validate(self) -> Result<BankMix> {
        match self {
            BankMix::Share { own_percent } if own_percent > 100 => {
                Err(Error::new(ErrorCode::PolicyInvalid).with_note("本单位题库占比应为0-100%"))
            }
            m => Ok(m),
        }
    }

    /// How many of `per_day` questions come from the own bank under a share
    /// (half up: 40% of 5 is 2, 50% of 5 is 3).
    pub fn own_count(self, per_day: u8) -> u8 {
        match self {
            BankMix::Share { own_percent } => {
                ((u32::from(per_day) * u32::from(own_percent.min(100)) + 50) / 100) as u8
            }
            BankMix::OwnOnly => per_day,
            BankMix::Pooled | BankMix::NationalOnly => 0,
        }
    }

    /// Stable name for storage: `pooled`, `national_only`, `own_only`, `share`.
    pub fn as_str(self) -> &'static str {
        match self {
            BankMix::Pooled => "pooled",
            BankMix::NationalOnly => "national_only",
            BankMix::OwnOnly => "own_only",
            BankMix::Share { .. } => "share",
        }
    }

    /// The inverse of [`BankMix::as_str`] with the share's percentage.
    pub fn from_parts(name: &str, own_percent: u8) -> Option<BankMix> {
        Some(match name {
            "pooled" => BankMix::Pooled,
            "national_only" => BankMix::NationalOnly,
            "own_only" => BankMix::OwnOnly,
            "share" => BankMix::Share { own_percent },
            _ => return None,
        })
    }
}

/// A draw under [`BankMix::Share`]: the own part from `own` with a stream
/// derived from the key, then the national part from `national`; reviews
/// count against one daily limit. The result carries the original key.
/// (`Pooled`, `NationalOnly` and `OwnOnly` are plain [`draw`]s of one pool.)
pub fn draw_shared(
    own: &DrawPool,
    national: &DrawPool,
    key: &DrawKey,
    history: DrawHistory<'_>,
    config: &DrawConfig,
    own_percent: u8,
) -> Result<DailyDraw> {
    let own_n = BankMix::Share { own_percent }.own_count(config.per_day);
    let part = |pool: &DrawPool, salt: u64, per_day: u8, max_reviews: u8| {
        let k = DrawKey {
            seed: key.seed ^ salt,
            ..*key
        };
        let c = DrawConfig {
            per_day,
            max_reviews,
            ..*config
        };
        draw(pool, &k, history, &c)
    };
    let mut questions = Vec::with_capacity(usize::from(config.per_day));
    let mut reviews = 0;
    if own_n > 0 {
        let a = part(own, 0x6f77_6e00, own_n, config.max_reviews)?;
        questions.extend(a.questions);
        reviews += a.reviews;
    }
    if config.per_day > own_n {
        let b = part(
            national,
            0x6e61_7400,
            config.per_day - own_n,
            config.max_reviews.saturating_sub(reviews),
        )?;
        questions.extend(b.questions);
        reviews += b.reviews;
    }
    Ok(DailyDraw {
        key: *key,
        questions,
        reviews,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::directory::MemberId;
    use crate::quiz::QuestionId;

    #[test]
    fn shares_split_the_day() {
        let own = DrawPool::new((1..=10).map(|i| (QuestionId(i), "本厂")));
        let national = DrawPool::new((100..=200).map(|i| (QuestionId(i), "通用")));
        let key = DrawKey {
            member: MemberId(7),
            day: "2020-05-01".parse().unwrap(),
            bank_revision: 3,
            seed: 9,
        };
        let history = DrawHistory {
            recent: &[],
            due_reviews: &[QuestionId(2), QuestionId(150), QuestionId(151)],
        };
        for (pct, own_expected) in [(0, 0), (20, 1), (40, 2), (50, 3), (100, 5)] {
            let d =
                draw_shared(&own, &national, &key, history, &DrawConfig::default(), pct).unwrap();
            assert_eq!(d.questions.len(), 5);
            assert_eq!(
                d.questions.iter().filter(|q| q.0 <= 10).count(),
                own_expected,
                "{pct}%"
            );
            assert!(d.reviews <= DrawConfig::default().max_reviews);
            assert_eq!(d.key, key);
            let again =
                draw_shared(&own, &national, &key, history, &DrawConfig::default(), pct).unwrap();
            assert_eq!(d, again, "reproducible");
        }
        let tiny = DrawPool::new([(QuestionId(1), "本厂")]);
        assert_eq!(
            draw_shared(&tiny, &national, &key, history, &DrawConfig::default(), 100)
                .unwrap_err()
                .code(),
            ErrorCode::BankTooSmall
        );
        assert_eq!(
            BankMix::from_parts("share", 30),
            Some(BankMix::Share { own_percent: 30 })
        );
        assert_eq!(BankMix::from_parts("x", 0), None);
    }
}
