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

/// Ranks `values` (any totally ordered numbers) within optional groups, the
/// way analysts ask: `descending` puts the largest first; ties follow
/// `method`; ordinal ties are broken by input position. NaN ranks last.
///
/// ```
/// use ccsa_core::ranking::{rank_values, RankMethod};
/// let r = rank_values(&[10.0, 30.0, 30.0, 20.0], Some(&[1, 1, 2, 1]), RankMethod::Min, true);
/// assert_eq!(r, vec![3, 1, 1, 2]); // group 1 ranks 10, 30, 20; group 2 has one row
/// ```
pub fn rank_values(
    values: &[f64],
    groups: Option<&[i64]>,
    method: RankMethod,
    descending: bool,
) -> Vec<u32> {
    let n = values.len();
    // Map each value to a u64 that sorts ascending in the wanted order; NaN last.
    let key = |x: f64| -> u64 {
        if x.is_nan() {
            return u64::MAX;
        }
        let x = if x == 0.0 { 0.0 } else { x }; // -0.0 == 0.0
        let b = x.to_bits();
        let asc = if b >> 63 == 1 { !b } else { b | (1 << 63) };
        if descending {
            (!asc).min(u64::MAX - 1)
        } else {
            asc.min(u64::MAX - 1)
        }
    };
    let mut v: Vec<(i64, u64, u32)> = (0..n)
        .map(|i| (groups.map_or(0, |g| g[i]), key(values[i]), i as u32))
        .collect();
    v.sort_unstable();
    let mut ranks = vec![0u32; n];
    let mut start = 0;
    while start < n {
        let g = v[start].0;
        let mut end = start;
        while end < n && v[end].0 == g {
            end += 1;
        }
        let order: Vec<u32> = v[start..end].iter().map(|t| t.2).collect();
        let keys: Vec<u64> = v[start..end].iter().map(|t| t.1).collect();
        let mut local = vec![0u32; end - start];
        let idx: Vec<u32> = (0..(end - start) as u32).collect();
        assign(&idx, |i| keys[i as usize], method, &mut local);
        for (j, &orig) in order.iter().enumerate() {
            ranks[orig as usize] = local[j];
        }
        start = end;
    }
    ranks
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

        #[test]
        fn values_rank_like_scores(vals in prop::collection::vec(-50i64..50, 0..100), groups in prop::collection::vec(0i64..4, 100)) {
            let f: Vec<f64> = vals.iter().map(|v| *v as f64).collect();
            let g = &groups[..vals.len()];
            let r = rank_values(&f, Some(g), RankMethod::Min, true);
            for i in 0..vals.len() {
                let better = (0..vals.len()).filter(|&j| g[j] == g[i] && vals[j] > vals[i]).count() as u32;
                prop_assert_eq!(r[i], better + 1);
            }
            let asc = rank_values(&f, None, RankMethod::Min, false);
            for i in 0..vals.len() {
                let better = (0..vals.len()).filter(|&j| vals[j] < vals[i]).count() as u32;
                prop_assert_eq!(asc[i], better + 1);
            }
        }
    }

    #[test]
    fn nan_and_negative_zero() {
        let r = rank_values(&[f64::NAN, 1.0, -0.0, 0.0], None, RankMethod::Min, true);
        assert_eq!(r, vec![4, 1, 2, 2]);
        assert_eq!(RankMethod::parse("dense"), Some(RankMethod::Dense));
        assert_eq!(RankMethod::parse("avg"), None);
    }
}
