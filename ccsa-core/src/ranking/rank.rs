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
    let keys = value_keys(values, descending);
    radix_rank(&keys, groups, method).unwrap_or_else(|| comparison_rank(&keys, groups, method))
}

/// Each value as a u64 that sorts ascending in the wanted order: -0.0 equals
/// 0.0; NaN sorts after every number (it gets the largest key in use + 1).
/// When every number is an integer below 2^53 in magnitude (points,
/// counts), the keys are the integers themselves, offset: a narrow range
/// that the radix path sorts in few passes.
fn value_keys(values: &[f64], descending: bool) -> Vec<u64> {
    const EXACT: f64 = 9_007_199_254_740_992.0; // 2^53
    if values
        .iter()
        .all(|x| x.is_nan() || (x.fract() == 0.0 && x.abs() < EXACT))
    {
        let key = |x: f64| -> u64 {
            let v = (x as i64).wrapping_add(1 << 53) as u64; // 0 ..= 2^54, order kept
            if descending { (1 << 54) - v } else { v }
        };
        // NaN after everything: 2^54 + 1 is above every key.
        return values
            .iter()
            .map(|&x| if x.is_nan() { (1 << 54) + 1 } else { key(x) })
            .collect();
    }
    let key = |x: f64| -> u64 {
        let x = if x == 0.0 { 0.0 } else { x }; // -0.0 == 0.0
        let b = x.to_bits();
        let asc = if b >> 63 == 1 { !b } else { b | (1 << 63) };
        if descending { !asc } else { asc }
    };
    let mut keys: Vec<u64> = values
        .iter()
        .map(|&x| if x.is_nan() { u64::MAX } else { key(x) })
        .collect();
    if values.iter().any(|x| x.is_nan()) {
        let top = values
            .iter()
            .filter(|x| !x.is_nan())
            .map(|&x| key(x))
            .max()
            .unwrap_or(0);
        let nan_key = top.saturating_add(1);
        for (k, x) in keys.iter_mut().zip(values) {
            if x.is_nan() {
                *k = nan_key;
            }
        }
    }
    keys
}

/// Ranks from (group, key) runs in sorted order: `sorted` holds the
/// original indices in (group, key, index) order.
fn assign_runs(
    sorted: &[u32],
    same_group: impl Fn(u32, u32) -> bool,
    same_key: impl Fn(u32, u32) -> bool,
    method: RankMethod,
    ranks: &mut [u32],
) {
    let (mut pos, mut dense, mut current) = (0u32, 0u32, 0u32);
    for (i, &idx) in sorted.iter().enumerate() {
        let prev = (i > 0).then(|| sorted[i - 1]);
        match prev {
            Some(p) if same_group(p, idx) => {
                pos += 1;
                if !same_key(p, idx) {
                    dense += 1;
                    current = pos;
                }
            }
            _ => {
                pos = 1;
                dense = 1;
                current = 1;
            }
        }
        ranks[idx as usize] = match method {
            RankMethod::Min => current,
            RankMethod::Dense => dense,
            RankMethod::Ordinal => pos,
        };
    }
}

/// The fast path: when the group and key ranges fit one u64 together, a
/// least-significant-digit radix sort (stable, so ties keep input order) of
/// (composite key, index) pairs, 11 bits per pass. `None` otherwise.
fn radix_rank(keys: &[u64], groups: Option<&[i64]>, method: RankMethod) -> Option<Vec<u32>> {
    let n = keys.len();
    if n == 0 {
        return Some(Vec::new());
    }
    if n > u32::MAX as usize {
        return None;
    }
    let bits = |range: u64| 64 - range.leading_zeros();
    let (kmin, kmax) = keys
        .iter()
        .fold((u64::MAX, 0), |(lo, hi), &k| (lo.min(k), hi.max(k)));
    let kbits = bits(kmax - kmin);
    let (gmin, gbits) = match groups {
        Some(g) => {
            let (lo, hi) = g
                .iter()
                .fold((i64::MAX, i64::MIN), |(lo, hi), &x| (lo.min(x), hi.max(x)));
            (lo, bits(hi.wrapping_sub(lo) as u64))
        }
        None => (0, 0),
    };
    if kbits + gbits > 64 {
        return None;
    }
    let composite = |i: usize| -> u64 {
        let g = groups.map_or(0, |g| g[i].wrapping_sub(gmin) as u64);
        let k = keys[i] - kmin;
        if kbits == 64 { k } else { (g << kbits) | k }
    };
    let mut a: Vec<(u64, u32)> = (0..n).map(|i| (composite(i), i as u32)).collect();
    let mut b: Vec<(u64, u32)> = vec![(0, 0); n];
    // As few passes as digits of at most 16 bits allow, the digits equal.
    let total = kbits + gbits;
    let passes = total.div_ceil(16).max(1);
    let digit = total.div_ceil(passes).max(1);
    let mask = (1u64 << digit) - 1;
    let mut shift = 0;
    while shift < total {
        let mut counts = vec![0usize; 1 << digit];
        for &(k, _) in &a {
            counts[((k >> shift) & mask) as usize] += 1;
        }
        let mut sum = 0;
        for c in counts.iter_mut() {
            let here = *c;
            *c = sum;
            sum += here;
        }
        for &(k, i) in &a {
            let d = ((k >> shift) & mask) as usize;
            b[counts[d]] = (k, i);
            counts[d] += 1;
        }
        std::mem::swap(&mut a, &mut b);
        shift += digit;
    }
    // Runs of equal group (high bits) and equal key (all bits), in order.
    let mut ranks = vec![0u32; n];
    let same_group = |x: u64, y: u64| kbits == 64 || (x >> kbits) == (y >> kbits);
    let (mut pos, mut dense, mut current) = (0u32, 0u32, 0u32);
    for j in 0..n {
        let (k, idx) = a[j];
        if j > 0 && same_group(a[j - 1].0, k) {
            pos += 1;
            if a[j - 1].0 != k {
                dense += 1;
                current = pos;
            }
        } else {
            (pos, dense, current) = (1, 1, 1);
        }
        ranks[idx as usize] = match method {
            RankMethod::Min => current,
            RankMethod::Dense => dense,
            RankMethod::Ordinal => pos,
        };
    }
    Some(ranks)
}

/// The general path: a comparison sort of (group, key, index).
fn comparison_rank(keys: &[u64], groups: Option<&[i64]>, method: RankMethod) -> Vec<u32> {
    let n = keys.len();
    let mut v: Vec<(i64, u64, u32)> = (0..n)
        .map(|i| (groups.map_or(0, |g| g[i]), keys[i], i as u32))
        .collect();
    v.sort_unstable();
    let sorted: Vec<u32> = v.iter().map(|t| t.2).collect();
    let mut ranks = vec![0u32; n];
    assign_runs(
        &sorted,
        |x, y| groups.is_none_or(|g| g[x as usize] == g[y as usize]),
        |x, y| keys[x as usize] == keys[y as usize],
        method,
        &mut ranks,
    );
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

    proptest! {
        #[test]
        fn radix_and_comparison_paths_agree(
            vals in prop::collection::vec(prop_oneof![(-1e6f64..1e6), Just(f64::NAN), Just(-0.0), (0i64..5).prop_map(|x| x as f64)], 0..300),
            groups in prop::collection::vec(prop_oneof![0i64..6, Just(i64::MIN), Just(i64::MAX)], 300),
            wide in any::<bool>(),
        ) {
            let g: Vec<i64> = groups[..vals.len()].iter().map(|&x| if wide { x } else { x.clamp(0, 5) }).collect();
            for descending in [true, false] {
                let keys = value_keys(&vals, descending);
                for method in [RankMethod::Min, RankMethod::Dense, RankMethod::Ordinal] {
                    let slow = comparison_rank(&keys, Some(&g), method);
                    prop_assert_eq!(rank_values(&vals, Some(&g), method, descending), slow.clone());
                    if let Some(fast) = radix_rank(&keys, Some(&g), method) {
                        prop_assert_eq!(fast, slow);
                    }
                    prop_assert_eq!(radix_rank(&keys, None, method), Some(comparison_rank(&keys, None, method)));
                }
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
