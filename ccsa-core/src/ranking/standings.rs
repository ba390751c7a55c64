//! Leaderboards (排行榜): scopes, periods, and ranked entries.

use super::rank::{RankMethod, ScoreKey, assign, leaderboard_order};
use crate::directory::{DeptId, MemberId};
use crate::identity::PersonName;
use crate::registry::{CountyId, OrgId};
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// Who is compared (排行范围).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    /// Everyone in the campaign (全部).
    All,
    /// One key county (县).
    County(CountyId),
    /// One org (单位).
    Org(OrgId),
    /// One department of an org; `None` is the org's 无部门人员.
    Department(OrgId, Option<DeptId>),
}

/// Over what time points count (排行周期).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Period {
    /// One day (Beijing time).
    Day(NaiveDate),
    /// One calendar month.
    Month {
        /// Year.
        year: i32,
        /// Month 1-12.
        month: u32,
    },
    /// The whole campaign (all points).
    Campaign,
}

impl Period {
    /// The month containing `day`.
    pub fn month_of(day: NaiveDate) -> Period {
        Period::Month {
            year: day.year(),
            month: day.month(),
        }
    }

    /// The first and last day covered (`None` for the whole campaign, or an
    /// invalid month).
    pub fn range(&self) -> Option<(NaiveDate, NaiveDate)> {
        match *self {
            Period::Day(d) => Some((d, d)),
            Period::Month { year, month } => month_range(year, month),
            Period::Campaign => None,
        }
    }
}

/// First and last day of a month.
pub fn month_range(year: i32, month: u32) -> Option<(NaiveDate, NaiveDate)> {
    let first = NaiveDate::from_ymd_opt(year, month, 1)?;
    let next = if month == 12 {
        NaiveDate::from_ymd_opt(year + 1, 1, 1)?
    } else {
        NaiveDate::from_ymd_opt(year, month + 1, 1)?
    };
    Some((first, next.pred_opt()?))
}

/// A member's score in a scope and period, before ranking.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Standing {
    /// Member.
    pub member: MemberId,
    /// Name (masked in output).
    pub name: PersonName,
    /// Org.
    pub org: OrgId,
    /// Department (None: 无部门人员).
    pub department: Option<DeptId>,
    /// County.
    pub county: CountyId,
    /// Points in the period.
    pub points: i64,
    /// When the member reached that score.
    pub reached_at: DateTime<Utc>,
}

impl Standing {
    /// The sort key: points, then who reached them first, then id.
    pub fn key(&self) -> ScoreKey {
        ScoreKey {
            points: self.points,
            reached: self.reached_at.timestamp_micros(),
            id: self.member.0,
        }
    }
}

/// One ranked row of a leaderboard.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LeaderboardEntry {
    /// Competition rank ("1224").
    pub rank: u32,
    /// The standing.
    #[serde(flatten)]
    pub standing: Standing,
}

/// Ranks standings in leaderboard order (competition ranks, ties listed by
/// who reached the score first, then member id).
///
/// ```
/// use ccsa_core::ranking::{rank_standings, Standing};
/// # use ccsa_core::{directory::MemberId, identity::PersonName, registry::{CountyId, OrgId}};
/// # use chrono::{DateTime, Utc};
/// let s = |id, points, t: i64| Standing { member: MemberId(id), name: PersonName::parse("张三").unwrap(), org: OrgId(1),
///     department: None, county: CountyId(1), points, reached_at: DateTime::<Utc>::from_timestamp(t, 0).unwrap() };
/// let board = rank_standings(vec![s(1, 50, 9), s(2, 80, 5), s(3, 50, 3)]);
/// let rows: Vec<_> = board.iter().map(|e| (e.rank, e.standing.member.0)).collect();
/// assert_eq!(rows, vec![(1, 2), (2, 3), (2, 1)]);
/// ```
pub fn rank_standings(standings: Vec<Standing>) -> Vec<LeaderboardEntry> {
    let keys: Vec<ScoreKey> = standings.iter().map(Standing::key).collect();
    let order = leaderboard_order(&keys);
    let mut ranks = vec![0u32; keys.len()];
    assign(
        &order,
        |i| keys[i as usize].points,
        RankMethod::Min,
        &mut ranks,
    );
    let mut slots: Vec<Option<Standing>> = standings.into_iter().map(Some).collect();
    order
        .iter()
        .map(|&i| LeaderboardEntry {
            rank: ranks[i as usize],
            standing: slots[i as usize].take().expect("each index once"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn month_ranges() {
        let (a, b) = month_range(2020, 2).unwrap();
        assert_eq!(
            (a.to_string(), b.to_string()),
            ("2020-02-01".into(), "2020-02-29".into())
        );
        let (_, b) = month_range(2020, 12).unwrap();
        assert_eq!(b.to_string(), "2020-12-31");
        assert!(month_range(2020, 13).is_none());
        assert_eq!(
            Period::month_of("2020-07-15".parse().unwrap()),
            Period::Month {
                year: 2020,
                month: 7
            }
        );
        assert_eq!(Period::Campaign.range(), None);
    }
}
