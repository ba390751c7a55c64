//! Ranking a column of numbers within groups ([`rank_values`]): the ranking
//! analysts run over a whole campaign (e.g. every member's points within
//! their county).
//!
//! How it works, for a column of n values in G groups:
//!
//! 1. One pass maps each value to a `u64` key that sorts ascending in the
//!    wanted order (integers as themselves, other numbers by their bits; NaN
//!    after every number).
//! 2. When the groups are small integers (their span is at most about n), a
//!    counting sort moves every row into its group's bucket, rows of a
//!    bucket in input order. Otherwise a comparison sort of
//!    (group, key, index) ranks everything (the general path).
//!    When every key fits 32 bits above the smallest, a row is one `u64`
//!    in its bucket, key above row number, so the scatter writes one
//!    stream and sorting those words sorts by (key, row).
//! 3. Each bucket is sorted on its own: small buckets with the standard
//!    unstable sort, large ones with a least-significant-digit radix sort
//!    of the key bits (stable, so ties stay in input order). Wider keys are
//!    looked up again per bucket and sorted as (key, row) pairs.
//! 4. Runs of equal keys get their ranks.
//!
//! Above [`PARALLEL_MIN`] rows every step is split over the machine's cores
//! with scoped threads (no thread pool, no runtime).

use super::rank::RankMethod;
use std::ops::Range;
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering::Relaxed};

/// Columns shorter than this are ranked on the calling thread.
pub const PARALLEL_MIN: usize = 1 << 17;

/// Buckets longer than this are radix-sorted; shorter ones comparison-sorted.
const RADIX_MIN: usize = 2048;

/// Ranks `values` (any totally ordered numbers) within optional groups, the
/// way analysts ask: `descending` puts the largest first; ties follow
/// `method`; ordinal ties are broken by input position. NaN ranks last.
/// Columns of [`PARALLEL_MIN`] rows or more use every core.
///
/// ```
/// use ccsa_core::ranking::{rank_values, RankMethod};
/// let r = rank_values(&[10.0, 30.0, 30.0, 20.0], Some(&[1, 1, 2, 1]), RankMethod::Min, true);
/// assert_eq!(r, vec![3, 1, 1, 2]); // group 1 ranks 10, 30, 20; group 2 has one row
/// ```
///
/// # Panics
///
/// When `groups` is given with a length other than `values.len()`.
pub fn rank_values(
    values: &[f64],
    groups: Option<&[i64]>,
    method: RankMethod,
    descending: bool,
) -> Vec<u32> {
    let threads = if values.len() >= PARALLEL_MIN {
        std::thread::available_parallelism().map_or(1, |n| n.get().min(16))
    } else {
        1
    };
    rank_values_on(values, groups, method, descending, threads)
}

/// [`rank_values`] on exactly `threads` threads (at least one).
///
/// # Panics
///
/// When `groups` is given with a length other than `values.len()`.
pub fn rank_values_on(
    values: &[f64],
    groups: Option<&[i64]>,
    method: RankMethod,
    descending: bool,
    threads: usize,
) -> Vec<u32> {
    if let Some(g) = groups {
        assert_eq!(g.len(), values.len(), "groups and values differ in length");
    }
    let threads = threads.max(1);
    let keys = KeyMap::of(values, descending, threads);
    match bucket_span(groups, values.len(), threads) {
        Some((gmin, span)) => {
            let plan = Plan {
                values,
                groups,
                keys,
                gmin,
                span,
                threads,
            };
            plan.rank(method)
        }
        None => {
            let k: Vec<u64> = values.iter().map(|&x| keys.key(x)).collect();
            comparison_rank(&k, groups, method)
        }
    }
}

/// Maps values to keys that sort ascending in ranking order.
#[derive(Debug, Clone, Copy)]
struct KeyMap {
    /// Every number is an integer below 2^53 in magnitude (points, counts):
    /// the keys are the integers themselves, offset, a narrow range.
    /// Otherwise the keys are the IEEE bits, sign-adjusted.
    int: bool,
    descending: bool,
    /// NaN's key: right after the last number in ranking order.
    nan: u64,
    /// The smallest and largest key in use.
    lo: u64,
    hi: u64,
}

impl KeyMap {
    fn of(values: &[f64], descending: bool, threads: usize) -> KeyMap {
        const EXACT: f64 = 9_007_199_254_740_992.0; // 2^53
        // (all integers, any NaN, smallest, largest) over the column.
        let parts = in_chunks(values.len(), threads, |r| {
            let (mut all_int, mut any_nan) = (true, false);
            let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
            for &x in &values[r] {
                if x.is_nan() {
                    any_nan = true;
                    continue;
                }
                all_int &= x.fract() == 0.0 && x.abs() < EXACT;
                lo = lo.min(x);
                hi = hi.max(x);
            }
            (all_int, any_nan, lo, hi)
        });
        let all_int = parts.iter().all(|p| p.0);
        let any_nan = parts.iter().any(|p| p.1);
        let lo = parts.iter().map(|p| p.2).fold(f64::INFINITY, f64::min);
        let hi = parts.iter().map(|p| p.3).fold(f64::NEG_INFINITY, f64::max);
        let mut map = KeyMap {
            int: all_int,
            descending,
            nan: 0,
            lo: 0,
            hi: 0,
        };
        if lo <= hi {
            let (first, last) = if descending { (hi, lo) } else { (lo, hi) };
            map.lo = map.key(first);
            map.hi = map.key(last);
            map.nan = map.hi.saturating_add(1);
            if any_nan {
                map.hi = map.nan;
            }
        }
        map
    }

    #[inline]
    fn key(&self, x: f64) -> u64 {
        if x.is_nan() {
            return self.nan;
        }
        if self.int {
            let v = (x as i64).wrapping_add(1 << 53) as u64; // 0 ..= 2^54, order kept
            if self.descending { (1 << 54) - v } else { v }
        } else {
            let x = if x == 0.0 { 0.0 } else { x }; // -0.0 == 0.0
            let b = x.to_bits();
            let asc = if b >> 63 == 1 { !b } else { b | (1 << 63) };
            if self.descending { !asc } else { asc }
        }
    }

    /// Whether every key fits 32 bits above the smallest.
    fn narrow(&self) -> bool {
        self.hi - self.lo <= u64::from(u32::MAX)
    }
}

/// `(smallest group, number of buckets)` when the groups can be counted
/// into buckets directly: no groups (one bucket), or groups whose span is
/// at most the number of rows plus 2^16.
fn bucket_span(groups: Option<&[i64]>, n: usize, threads: usize) -> Option<(i64, usize)> {
    if n > u32::MAX as usize {
        return None;
    }
    let Some(g) = groups else {
        return Some((0, 1));
    };
    if n == 0 {
        return Some((0, 1));
    }
    let parts = in_chunks(n, threads, |r| {
        g[r].iter()
            .fold((i64::MAX, i64::MIN), |(lo, hi), &x| (lo.min(x), hi.max(x)))
    });
    let lo = parts.iter().map(|p| p.0).min()?;
    let hi = parts.iter().map(|p| p.1).max()?;
    let span = (hi as i128 - lo as i128 + 1) as u128;
    (span <= (n + (1 << 16)) as u128).then_some((lo, span as usize))
}

/// One ranking by buckets.
struct Plan<'a> {
    values: &'a [f64],
    groups: Option<&'a [i64]>,
    keys: KeyMap,
    gmin: i64,
    span: usize,
    threads: usize,
}

impl Plan<'_> {
    #[inline]
    fn bucket(&self, i: usize) -> usize {
        self.groups
            .map_or(0, |g| g[i].wrapping_sub(self.gmin) as u64 as usize)
    }

    /// What a row leaves in its bucket: `(key - lo) << 32 | row` when the
    /// keys are narrow (one word sorts the bucket), else the row alone.
    #[inline]
    fn slot(&self, i: usize) -> u64 {
        if self.keys.narrow() {
            ((self.keys.key(self.values[i]) - self.keys.lo) << 32) | i as u64
        } else {
            i as u64
        }
    }

    fn rank(&self, method: RankMethod) -> Vec<u32> {
        let n = self.values.len();
        // Counting sort: per-thread histograms, then per-thread cursors so
        // each bucket holds its rows in input order.
        let mut cursors = in_chunks(n, self.threads, |r| {
            let mut h = vec![0u32; self.span];
            for i in r {
                h[self.bucket(i)] += 1;
            }
            h
        });
        let mut start = vec![0u32; self.span + 1];
        let mut at = 0u32;
        for b in 0..self.span {
            start[b] = at;
            for c in cursors.iter_mut() {
                let count = c[b];
                c[b] = at;
                at += count;
            }
        }
        start[self.span] = at;
        let slots: Vec<AtomicU64> = (0..n).map(|_| AtomicU64::new(0)).collect();
        let scatter = |r: Range<usize>, mut cursor: Vec<u32>| {
            for i in r {
                let b = self.bucket(i);
                let at = cursor[b] as usize;
                cursor[b] += 1;
                // Each slot is written by exactly one thread.
                slots[at].store(self.slot(i), Relaxed);
            }
        };
        let ranges = split(n, self.threads);
        if ranges.len() == 1 {
            scatter(ranges[0].clone(), cursors.pop().unwrap_or_default());
        } else {
            std::thread::scope(|s| {
                for (r, cursor) in ranges.into_iter().zip(cursors) {
                    let scatter = &scatter;
                    s.spawn(move || scatter(r, cursor));
                }
            });
        }
        let mut slots: Vec<u64> = slots.into_iter().map(AtomicU64::into_inner).collect();
        // Buckets split over threads by row count; each sorts its own.
        let ranks: Vec<AtomicU32> = (0..n).map(|_| AtomicU32::new(0)).collect();
        let mut cuts: Vec<usize> = (0..=self.threads)
            .map(|t| start.partition_point(|&s| (s as usize) < n * t / self.threads))
            .collect();
        cuts[0] = 0;
        cuts[self.threads] = self.span;
        cuts.dedup();
        let sort = |b0: usize, b1: usize, mine: &mut [u64]| {
            let base = start[b0] as usize;
            let mut scratch = Vec::new();
            for b in b0..b1 {
                let bucket = &mut mine[start[b] as usize - base..start[b + 1] as usize - base];
                if self.keys.narrow() {
                    rank_narrow(bucket, method, &ranks, &mut scratch);
                } else {
                    let pairs = bucket
                        .iter()
                        .map(|&i| (self.keys.key(self.values[i as usize]), i as u32))
                        .collect();
                    rank_wide(pairs, method, &ranks);
                }
            }
        };
        if cuts.len() == 2 {
            sort(0, self.span, &mut slots);
        } else {
            std::thread::scope(|s| {
                let mut rest: &mut [u64] = &mut slots;
                for w in cuts.windows(2) {
                    let (b0, b1) = (w[0], w[1]);
                    let (mine, tail) = rest.split_at_mut((start[b1] - start[b0]) as usize);
                    rest = tail;
                    let sort = &sort;
                    s.spawn(move || sort(b0, b1, mine));
                }
            });
        }
        ranks.into_iter().map(AtomicU32::into_inner).collect()
    }
}

/// Ranks one bucket of `key << 32 | row` words (rows ascending): the words
/// are unique, so an unstable sort orders ties by row, and a stable radix
/// sort of the key bits alone keeps the rows' order.
fn rank_narrow(
    bucket: &mut [u64],
    method: RankMethod,
    ranks: &[AtomicU32],
    scratch: &mut Vec<u64>,
) {
    if bucket.len() > RADIX_MIN {
        let (lo, hi) = bucket.iter().fold((u64::MAX, 0), |(lo, hi), &k| {
            (lo.min(k >> 32), hi.max(k >> 32))
        });
        radix_sort(
            bucket,
            scratch,
            |&k| (k >> 32) - lo,
            64 - (hi - lo).leading_zeros(),
        );
    } else {
        bucket.sort_unstable();
    }
    assign(bucket.iter().map(|&k| (k >> 32, k as u32)), method, ranks);
}

/// Ranks one bucket of `(key, row)` pairs whose keys span more than 32 bits.
fn rank_wide(mut pairs: Vec<(u64, u32)>, method: RankMethod, ranks: &[AtomicU32]) {
    if pairs.len() > RADIX_MIN {
        let lo = pairs.iter().map(|p| p.0).min().unwrap_or(0);
        let hi = pairs.iter().map(|p| p.0).max().unwrap_or(0);
        let mut scratch = Vec::new();
        radix_sort(
            &mut pairs,
            &mut scratch,
            |p| p.0 - lo,
            64 - (hi - lo).leading_zeros(),
        );
    } else {
        pairs.sort_unstable();
    }
    assign(pairs.into_iter(), method, ranks);
}

/// Ranks for `(key, row)` in sorted order within one group.
fn assign(sorted: impl Iterator<Item = (u64, u32)>, method: RankMethod, ranks: &[AtomicU32]) {
    let (mut pos, mut dense, mut current) = (0u32, 0u32, 0u32);
    let mut prev = None;
    for (key, row) in sorted {
        pos += 1;
        if prev != Some(key) {
            dense += 1;
            current = pos;
            prev = Some(key);
        }
        let rank = match method {
            RankMethod::Min => current,
            RankMethod::Dense => dense,
            RankMethod::Ordinal => pos,
        };
        ranks[row as usize].store(rank, Relaxed);
    }
}

/// Stable least-significant-digit radix sort of `v` by the low `bits` bits
/// of `key`, in as few passes as digits of at most 16 bits allow.
fn radix_sort<T: Copy + Default>(
    v: &mut [T],
    scratch: &mut Vec<T>,
    key: impl Fn(&T) -> u64,
    bits: u32,
) {
    if bits == 0 {
        return;
    }
    let passes = bits.div_ceil(16);
    let digit = bits.div_ceil(passes);
    let mask = (1u64 << digit) - 1;
    scratch.clear();
    scratch.resize(v.len(), T::default());
    let mut counts = vec![0usize; 1 << digit];
    let (mut src, mut dst): (&mut [T], &mut [T]) = (v, scratch);
    let mut shift = 0;
    let mut in_scratch = false;
    while shift < bits {
        counts.fill(0);
        for x in src.iter() {
            counts[((key(x) >> shift) & mask) as usize] += 1;
        }
        let mut sum = 0;
        for c in counts.iter_mut() {
            (*c, sum) = (sum, sum + *c);
        }
        for x in src.iter() {
            let d = ((key(x) >> shift) & mask) as usize;
            dst[counts[d]] = *x;
            counts[d] += 1;
        }
        std::mem::swap(&mut src, &mut dst);
        in_scratch = !in_scratch;
        shift += digit;
    }
    if in_scratch {
        // `src` is the scratch buffer holding the result; `dst` is `v`.
        dst.copy_from_slice(src);
    }
}

/// `n` rows split into at most `threads` contiguous ranges (one range when
/// `n` is 0).
fn split(n: usize, threads: usize) -> Vec<Range<usize>> {
    let t = threads.clamp(1, n.max(1));
    (0..t).map(|k| n * k / t..n * (k + 1) / t).collect()
}

/// `f` over each of [`split`]`(n, threads)`, on scoped threads when there
/// is more than one range.
fn in_chunks<T: Send>(n: usize, threads: usize, f: impl Fn(Range<usize>) -> T + Sync) -> Vec<T> {
    let ranges = split(n, threads);
    if ranges.len() == 1 {
        return ranges.into_iter().map(f).collect();
    }
    let f = &f;
    std::thread::scope(|s| {
        let handles: Vec<_> = ranges.into_iter().map(|r| s.spawn(move || f(r))).collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("a ranking thread panicked"))
            .collect()
    })
}

/// The general path (and the reference the tests hold the fast path to):
/// a comparison sort of (group, key, index).
fn comparison_rank(keys: &[u64], groups: Option<&[i64]>, method: RankMethod) -> Vec<u32> {
    let n = keys.len();
    let mut v: Vec<(i64, u64, u32)> = (0..n)
        .map(|i| (groups.map_or(0, |g| g[i]), keys[i], i as u32))
        .collect();
    v.sort_unstable();
    let ranks: Vec<AtomicU32> = (0..n).map(|_| AtomicU32::new(0)).collect();
    let mut at = 0;
    while at < n {
        let end = at + v[at..].partition_point(|t| t.0 == v[at].0);
        assign(v[at..end].iter().map(|t| (t.1, t.2)), method, &ranks);
        at = end;
    }
    ranks.into_iter().map(AtomicU32::into_inner).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn reference(
        values: &[f64],
        groups: Option<&[i64]>,
        method: RankMethod,
        desc: bool,
    ) -> Vec<u32> {
        let keys = KeyMap::of(values, desc, 1);
        let k: Vec<u64> = values.iter().map(|&x| keys.key(x)).collect();
        comparison_rank(&k, groups, method)
    }

    proptest! {
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

        #[test]
        fn buckets_threads_and_comparison_agree(
            vals in prop::collection::vec(prop_oneof![(-1e6f64..1e6), Just(f64::NAN), Just(-0.0), Just(f64::INFINITY), (0i64..5).prop_map(|x| x as f64)], 0..300),
            groups in prop::collection::vec(prop_oneof![0i64..6, Just(i64::MIN), Just(i64::MAX)], 300),
            wide in any::<bool>(),
            threads in 1usize..4,
        ) {
            let g: Vec<i64> = groups[..vals.len()].iter().map(|&x| if wide { x } else { x.clamp(0, 5) }).collect();
            for descending in [true, false] {
                for method in [RankMethod::Min, RankMethod::Dense, RankMethod::Ordinal] {
                    prop_assert_eq!(
                        rank_values_on(&vals, Some(&g), method, descending, threads),
                        reference(&vals, Some(&g), method, descending)
                    );
                    prop_assert_eq!(
                        rank_values_on(&vals, None, method, descending, threads),
                        reference(&vals, None, method, descending)
                    );
                }
            }
        }

        #[test]
        fn large_buckets_take_the_radix_path(
            seed in any::<u64>(),
            spread in prop_oneof![Just(3i64), Just(1 << 20), Just(i64::MAX / 4)],
            fractional in any::<bool>(),
        ) {
            // 3 groups of ~3,000 rows: each bucket is over RADIX_MIN.
            let mut r = crate::quiz::SplitMix64::new(seed);
            let n = 9_000;
            let vals: Vec<f64> = (0..n).map(|_| {
                let v = (r.next_u64() % spread as u64) as f64;
                if fractional { v / 7.0 } else { v }
            }).collect();
            let g: Vec<i64> = (0..n).map(|_| r.below(3) as i64 + 100).collect();
            for method in [RankMethod::Min, RankMethod::Ordinal] {
                prop_assert_eq!(
                    rank_values_on(&vals, Some(&g), method, true, 2),
                    reference(&vals, Some(&g), method, true)
                );
            }
        }
    }

    #[test]
    fn nan_and_negative_zero() {
        let r = rank_values(&[f64::NAN, 1.0, -0.0, 0.0], None, RankMethod::Min, true);
        assert_eq!(r, vec![4, 1, 2, 2]);
        let r = rank_values(&[f64::NAN, 1.5, f64::NAN], None, RankMethod::Dense, false);
        assert_eq!(r, vec![2, 1, 2]);
        assert_eq!(
            rank_values(&[f64::NAN; 3], None, RankMethod::Min, true),
            vec![1, 1, 1]
        );
        assert_eq!(RankMethod::parse("dense"), Some(RankMethod::Dense));
        assert_eq!(RankMethod::parse("avg"), None);
    }

    #[test]
    fn sparse_groups_use_the_general_path() {
        assert_eq!(bucket_span(Some(&[0, i64::MAX]), 2, 1), None);
        assert_eq!(bucket_span(Some(&[-3, 4]), 2, 1), Some((-3, 8)));
        let r = rank_values(
            &[1.0, 2.0, 3.0],
            Some(&[0, i64::MAX, 0]),
            RankMethod::Min,
            true,
        );
        assert_eq!(r, vec![2, 1, 1]);
    }
}
