//! Competition ranking (排名) with the campaign's tie rules.

use serde::{Deserialize, Serialize};

/// How tied scores are numbered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RankMethod {
    /// Standard competition ranking, "1224": ties share the best rank and
    /// the next rank skips. The campaign's leaderboards use this.
    #[default]
    Min,
    /// Dense ranking, "1223".
    Dense,
    /// Ordinal ranking, "1234": ties numbered in tie-break order.
    Ordinal,
}

impl RankMethod {
    /// Parses `"min"`, `"dense"` or `"ordinal"`.
    pub fn parse(s: &str) -> Option<RankMethod> {
        match s {
            "min" => Some(RankMethod::Min),
            "dense" => Some(RankMethod::Dense),
            "ordinal" => Some(RankMethod::Ordinal),
            _ => None,
        }
    }
}

/// What a leaderboard sorts by: points (higher first), then who reached
/// that score first (earlier first), then member id (lower first). Only
/// `points` decides whether two entries tie; the rest orders them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ScoreKey {
    /// Points.
    pub points: i64,
    /// When the score was reached, as a sortable number (e.g. Unix microseconds).
    pub reached: i64,
    /// Member id, the last tie-break.
    pub id: i64,
}

impl ScoreKey {
    /// Points (descending) and reached (ascending) packed into one `u128`
    /// that sorts ascending in leaderboard order; the id breaks what is left.
    #[inline]
    fn packed(&self) -> u128 {
        let p = !((self.points as u64) ^ (1 << 63)); // sign-flipped, then inverted: descending
        let r = (self.reached as u64) ^ (1 << 63); // sign-flipped: ascending
        (u128::from(p) << 64) | u128::from(r)
    }
}

/// Positions of `keys` in leaderboard order (best first).
pub fn leaderboard_order(keys: &[ScoreKey]) -> Vec<u32> {
    // Sort (packed points+reached, id, index) triples: one u128 comparison
    // decides almost every pair, so this costs about a plain sort of the keys.
    let mut v: Vec<(u128, i64, u32)> = keys
        .iter()
        .enumerate()
        .map(|(i, k)| (k.packed(), k.id, i as u32))
        .collect();
    v.sort_unstable();
    v.into_iter().map(|(_, _, i)| i).collect()
}

/// Ranks of `keys` (aligned with the input), 1 = best.
///
/// ```
/// use ccsa_core::ranking::{rank, RankMethod, ScoreKey};
/// let k = |points, reached, id| ScoreKey { points, reached, id };
/// let keys = [k(90, 5, 1), k(100, 9, 2), k(90, 1, 3), k(80, 0, 4)];
/// assert_eq!(rank(&keys, RankMethod::Min), vec![2, 1, 2, 4]);
/// assert_eq!(rank(&keys, RankMethod::Dense), vec![2, 1, 2, 3]);
/// // member 3 reached 90 first, so it is listed (and ordinal-ranked) ahead of member 1:
/// assert_eq!(rank(&keys, RankMethod::Ordinal), vec![3, 1, 2, 4]);
/// ```
pub fn rank(keys: &[ScoreKey], method: RankMethod) -> Vec<u32> {
    let order = leaderboard_order(keys);
    let mut ranks = vec![0u32; keys.len()];
    assign(&order, |i| keys[i as usize].points, method, &mut ranks);
    ranks
}

/// Writes ranks for `order` (indices best-first) into `ranks`, treating
/// equal `score(i)` as ties.
pub(crate) fn assign<S: PartialEq>(
    order: &[u32],
    score: impl Fn(u32) -> S,
    method: RankMethod,
    ranks: &mut [u32],
) {
    let mut prev: Option<S> = None;
    let mut current = 0u32;
    let mut dense = 0u32;
    for (pos, &i) in order.iter().enumerate() {
        let s = score(i);
        let tie = prev.as_ref() == Some(&s);
        if !tie {
            current = pos as u32 + 1;
            dense += 1;
        }
        ranks[i as usize] = match method {
            RankMethod::Min => current,
            RankMethod::Dense => dense,
            RankMethod::Ordinal => pos as u32 + 1,
        };
        prev = Some(s);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn arb_keys() -> impl Strategy<Value = Vec<ScoreKey>> {
        prop::collection::vec((0i64..20, -5i64..5, 0i64..1000), 0..200).prop_map(|v| {
            let mut seen = std::collections::HashSet::new();
            v.into_iter()
                .filter(|(_, _, id)| seen.insert(*id))
                .map(|(points, reached, id)| ScoreKey {
                    points,
                    reached,
                    id,
                })
                .collect()
        })
    }

    proptest! {
        #[test]
        fn consistent_with_a_sort(keys in arb_keys()) {
            let ranks = rank(&keys, RankMethod::Min);
            for (i, a) in keys.iter().enumerate() {
                // competition rank = 1 + number of strictly better scores
                let better = keys.iter().filter(|b| b.points > a.points).count() as u32;
                prop_assert_eq!(ranks[i], better + 1);
                for (j, b) in keys.iter().enumerate() {
                    if a.points == b.points { prop_assert_eq!(ranks[i], ranks[j]); }
                }
            }
            let dense = rank(&keys, RankMethod::Dense);
            for (i, a) in keys.iter().enumerate() {
                let distinct_better: std::collections::HashSet<_> = keys.iter().filter(|b| b.points > a.points).map(|b| b.points).collect();
                prop_assert_eq!(dense[i], distinct_better.len() as u32 + 1);
            }
            let ord = rank(&keys, RankMethod::Ordinal);
            let mut sorted = ord.clone();
            sorted.sort_unstable();
            prop_assert_eq!(sorted, (1..=keys.len() as u32).collect::<Vec<_>>());
            // ordinal follows points desc, reached asc, id asc
            let mut expect: Vec<_> = keys.iter().enumerate().collect();
            expect.sort_by_key(|(_, k)| (-k.points, k.reached, k.id));
            for (pos, (i, _)) in expect.iter().enumerate() {
                prop_assert_eq!(ord[*i], pos as u32 + 1);
            }
        }

        #[test]
        fn independent_of_input_order(keys in arb_keys(), seed in any::<u64>()) {
            let ranks = rank(&keys, RankMethod::Min);
            let mut perm: Vec<usize> = (0..keys.len()).collect();
            let mut r = crate::quiz::SplitMix64::new(seed);
            for i in (1..perm.len()).rev() { let j = r.below(i + 1); perm.swap(i, j); }
            let shuffled: Vec<_> = perm.iter().map(|&i| keys[i]).collect();
            let r2 = rank(&shuffled, RankMethod::Ordinal);
            let r1 = rank(&keys, RankMethod::Ordinal);
            for (pos, &i) in perm.iter().enumerate() {
                prop_assert_eq!(r2[pos], r1[i]);
                prop_assert_eq!(rank(&shuffled, RankMethod::Min)[pos], ranks[i]);
            }
        }
    }
}
