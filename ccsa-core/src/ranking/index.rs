//! An in-memory leaderboard index: O(log S) increments and "my rank".

use crate::directory::MemberId;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// A multiply-shift hasher for integer keys (member ids are not
/// attacker-chosen: the store assigns them).
#[derive(Default, Clone, Copy)]
pub struct IdHasher(u64);

impl Hasher for IdHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = (self.0 ^ u64::from(*b)).wrapping_mul(0x100_0000_01B3);
        }
    }
    fn write_i64(&mut self, n: i64) {
        self.0 = (n as u64 ^ self.0).wrapping_mul(0x9E37_79B9_7F4A_7C15).rotate_left(29);
    }
}

type IdMap<V> = HashMap<MemberId, V, BuildHasherDefault<IdHasher>>;

/// A leaderboard kept in memory: a Fenwick tree over the score range counts
/// members per score, so a point increment and a "my rank" query each cost
/// O(log S) for S distinct possible scores, with no re-sort. Members at the
/// same score are ordered by who reached it first, then by id.
///
/// Scores are non-negative integers (campaign points); the tree grows by
/// doubling when a score exceeds its range.
///
/// ```
/// use ccsa_core::ranking::LeaderboardIndex;
/// use ccsa_core::directory::MemberId;
///
/// let mut lb = LeaderboardIndex::new();
/// for id in 1..=4 { lb.insert(MemberId(id), 0); }
/// lb.add(MemberId(1), 30)?;
/// lb.add(MemberId(2), 50)?;
/// lb.add(MemberId(3), 30)?;
/// assert_eq!(lb.rank(MemberId(2)), Some(1));
/// assert_eq!(lb.rank(MemberId(1)), Some(2)); // tied with 3: "1224"
/// assert_eq!(lb.rank(MemberId(3)), Some(2));
/// assert_eq!(lb.rank(MemberId(4)), Some(4));
/// let top: Vec<_> = lb.page(0, 3).into_iter().map(|e| (e.rank, e.member.0, e.points)).collect();
/// assert_eq!(top, vec![(1, 2, 50), (2, 1, 30), (2, 3, 30)]); // 1 reached 30 before 3
/// # Ok::<(), ccsa_core::Error>(())
/// ```
#[derive(Debug, Clone, Default)]
pub struct LeaderboardIndex {
    slot: IdMap<u32>,
    ids: Vec<MemberId>,
    score: Vec<u32>,
    reached: Vec<u64>,
    /// Position of each slot inside its score bucket.
    pos: Vec<u32>,
    buckets: Vec<Vec<u32>>,
    /// Fenwick tree over scores 0..cap (1-based internally).
    tree: Vec<u32>,
    seq: u64,
}

/// One row of an index page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IndexEntry {
    /// Competition rank.
    pub rank: u32,
    /// Member.
    pub member: MemberId,
    /// Points.
    pub points: u32,
}

impl LeaderboardIndex {
    /// An empty index.
    pub fn new() -> Self {
        let mut s = LeaderboardIndex::default();
        s.grow(1024);
        s
    }

    /// Members in the index.
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    /// Whether the index is empty.
    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    fn cap(&self) -> usize {
        self.buckets.len()
    }

    fn grow(&mut self, min_cap: usize) {
        let mut cap = self.cap().max(1024);
        while cap <= min_cap {
            cap *= 2;
        }
        if cap == self.cap() {
            return;
        }
        self.buckets.resize_with(cap, Vec::new);
        // Rebuild the tree from bucket sizes in O(cap).
        let mut tree = vec![0u32; cap + 1];
        for (s, b) in self.buckets.iter().enumerate() {
            tree[s + 1] += b.len() as u32;
        }
        for i in 1..=cap {
            let j = i + (i & i.wrapping_neg());
            if j <= cap {
                tree[j] += tree[i];
            }
        }
        self.tree = tree;
    }

    #[inline]
    fn tree_add(&mut self, score: u32, delta: i32) {
        let mut i = score as usize + 1;
        let n = self.tree.len();
        while i < n {
            self.tree[i] = self.tree[i].wrapping_add_signed(delta);
            i += i & i.wrapping_neg();
        }
    }

    /// Members with a score ≤ `score`.
    #[inline]
    fn count_le(&self, score: u32) -> u32 {
        let mut i = (score as usize + 1).min(self.tree.len() - 1);
        let mut c = 0;
        while i > 0 {
            c += self.tree[i];
            i &= i - 1;
        }
        c
    }

    /// Adds a member with a starting score (replacing any previous entry).
    pub fn insert(&mut self, member: MemberId, points: u32) {
        if self.slot.contains_key(&member) {
            self.remove(member);
        }
        self.grow(points as usize);
        let s = self.ids.len() as u32;
        self.slot.insert(member, s);
        self.ids.push(member);
        self.score.push(points);
        self.seq += 1;
        self.reached.push(self.seq);
        let b = &mut self.buckets[points as usize];
        self.pos.push(b.len() as u32);
        b.push(s);
        self.tree_add(points, 1);
    }

    fn bucket_remove(&mut self, s: u32) {
        let score = self.score[s as usize] as usize;
        let p = self.pos[s as usize] as usize;
        let b = &mut self.buckets[score];
        b.swap_remove(p);
        if let Some(&moved) = b.get(p) {
            self.pos[moved as usize] = p as u32;
        }
    }

    /// Removes a member; returns whether it was there.
    pub fn remove(&mut self, member: MemberId) -> bool {
        let Some(s) = self.slot.remove(&member) else { return false };
        self.bucket_remove(s);
        self.tree_add(self.score[s as usize], -1);
        // Move the last slot into `s`.
        let last = self.ids.len() as u32 - 1;
        if s != last {
            let last_member = self.ids[last as usize];
            let last_score = self.score[last as usize] as usize;
            let lp = self.pos[last as usize] as usize;
            self.buckets[last_score][lp] = s;
            self.ids.swap(s as usize, last as usize);
            self.score.swap(s as usize, last as usize);
            self.reached.swap(s as usize, last as usize);
            self.pos.swap(s as usize, last as usize);
            self.slot.insert(last_member, s);
        }
        self.ids.pop();
        self.score.pop();
        self.reached.pop();
        self.pos.pop();
        true
    }

    /// Adds `delta` points to a member (inserting it at 0 first if absent)
    /// and returns the new score. A change that would make the score negative
    /// is refused with `POLICY_INVALID` and changes nothing.
    #[inline]
    pub fn add(&mut self, member: MemberId, delta: i64) -> crate::Result<u32> {
        let old = self.points(member).unwrap_or(0);
        let new = i64::from(old) + delta;
        if !(0..=i64::from(u32::MAX / 2)).contains(&new) {
            return Err(crate::ErrorCode::PolicyInvalid.into());
        }
        let new = new as u32;
        let s = match self.slot.get(&member) {
            Some(&s) => s,
            None => {
                self.insert(member, 0);
                self.ids.len() as u32 - 1
            }
        };
        if delta == 0 {
            return Ok(old);
        }
        self.grow(new as usize);
        self.bucket_remove(s);
        self.tree_add(old, -1);
        self.tree_add(new, 1);
        self.score[s as usize] = new;
        self.seq += 1;
        self.reached[s as usize] = self.seq;
        let b = &mut self.buckets[new as usize];
        self.pos[s as usize] = b.len() as u32;
        b.push(s);
        Ok(new)
    }

    /// A member's points.
    pub fn points(&self, member: MemberId) -> Option<u32> {
        self.slot.get(&member).map(|&s| self.score[s as usize])
    }

    /// A member's competition rank (1 = best): 1 + members with more points.
    #[inline]
    pub fn rank(&self, member: MemberId) -> Option<u32> {
        let &s = self.slot.get(&member)?;
        let score = self.score[s as usize];
        Some(self.ids.len() as u32 - self.count_le(score) + 1)
    }

    /// Rows `offset..offset+limit` in leaderboard order.
    pub fn page(&self, offset: usize, limit: usize) -> Vec<IndexEntry> {
        let mut out = Vec::with_capacity(limit.min(self.len()));
        let mut skipped = 0usize;
        let mut above = 0u32;
        let mut score = self.cap();
        while score > 0 && out.len() < limit {
            score -= 1;
            let b = &self.buckets[score];
            if b.is_empty() {
                continue;
            }
            let n = b.len();
            if skipped + n <= offset {
                skipped += n;
                above += n as u32;
                continue;
            }
            let mut members: Vec<u32> = b.clone();
            members.sort_unstable_by_key(|&s| (self.reached[s as usize], self.ids[s as usize]));
            let from = offset.saturating_sub(skipped);
            for &s in members.iter().skip(from) {
                if out.len() >= limit {
                    break;
                }
                out.push(IndexEntry { rank: above + 1, member: self.ids[s as usize], points: score as u32 });
            }
            skipped += n;
            above += n as u32;
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn matches_a_full_sort(ops in prop::collection::vec((0i64..50, 0i64..3000), 1..400), removals in prop::collection::vec(0i64..50, 0..10)) {
            let mut lb = LeaderboardIndex::new();
            let mut model: std::collections::HashMap<i64, (i64, u64)> = Default::default();
            let mut seq = 0u64;
            for (m, d) in &ops {
                lb.add(MemberId(*m), *d).unwrap();
                seq += 1;
                let e = model.entry(*m).or_insert((0, seq));
                e.0 += d;
                if *d != 0 { e.1 = seq; }
            }
            for r in &removals {
                prop_assert_eq!(lb.remove(MemberId(*r)), model.remove(r).is_some());
            }
            prop_assert_eq!(lb.len(), model.len());
            for (m, (p, _)) in &model {
                let better = model.values().filter(|(q, _)| q > p).count() as u32;
                prop_assert_eq!(lb.rank(MemberId(*m)), Some(better + 1));
                prop_assert_eq!(lb.points(MemberId(*m)), Some(*p as u32));
            }
            let page = lb.page(0, model.len());
            let ranks: Vec<u32> = page.iter().map(|e| e.rank).collect();
            prop_assert!(ranks.windows(2).all(|w| w[0] <= w[1]));
            let pts: Vec<u32> = page.iter().map(|e| e.points).collect();
            prop_assert!(pts.windows(2).all(|w| w[0] >= w[1]));
            // pages concatenate
            let mut joined = lb.page(0, 7);
            joined.extend(lb.page(7, model.len()));
            prop_assert_eq!(joined, page);
        }
    }

    #[test]
    fn negative_scores_are_refused() {
        let mut lb = LeaderboardIndex::new();
        lb.add(MemberId(1), 5).unwrap();
        assert!(lb.add(MemberId(1), -6).is_err());
        assert_eq!(lb.points(MemberId(1)), Some(5));
        assert_eq!(lb.rank(MemberId(9)), None);
        lb.add(MemberId(1), 100_000).unwrap();
        assert_eq!(lb.rank(MemberId(1)), Some(1));
    }
}
