//! Ranking and reports (排行榜、月度通报、年底表彰).
//!
//! - [`rank`] / [`rank_values`]: competition ranking ("1224") and its
//!   dense/ordinal variants, ties ordered by who reached the score first.
//! - [`LeaderboardIndex`]: an in-memory index with O(log S) increments and rank queries.
//! - [`Scope`] × [`Period`] leaderboards over [`Standing`]s.
//! - [`MonthlyReport`] per county and [`YearEndAwards`].

mod column;
mod index;
mod rank;
mod report;
mod standings;

pub use column::{PARALLEL_MIN, rank_values, rank_values_on};
pub use index::{IdHasher, IndexEntry, LeaderboardIndex, MAX_SCORE};
pub use rank::{RankMethod, ScoreKey, leaderboard_order, rank};
pub use report::{CountyLine, MonthlyReport, OrgActivity, OrgLine, Participation, YearEndAwards};
pub use standings::{LeaderboardEntry, Period, Scope, Standing, month_range, rank_standings};
