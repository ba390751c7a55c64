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
        self.0 = (n as u64 ^ self.0)
            .wrapping_mul(0x9E37_79B9_7F4A_7C15)
            .rotate_left(29);
    }
}

type IdMap<V> = HashMap<MemberId, V, BuildHasherDefault<IdHasher>>;

/// A leaderboard kept in memory: a Fenwick tree over the score range counts
/// members per score, so a point increment and a "my rank" query each cost
/// O(log S) for S possible scores, with no re-sort. Members at the same
/// score are listed by who reached it first.
///
/// Layout, for speed at a million members: member ids below 2^24 map to
/// slots through a direct array (ids are store-assigned and dense), others
/// through a hash map; a slot's score and placement stamp share one `u64`;
/// each score has an append-only bucket of (slot, stamp) entries in the order members reached it. An increment
/// appends to the new bucket and leaves a stale entry behind; stale entries
/// are skipped when reading pages and compacted away when they number twice the
/// members (amortised O(1)).
///
/// Scores are non-negative integers (campaign points); the tree grows by
/// doubling when a score exceeds its range.
///
/// ```
/// use ccsa_core::ranking::LeaderboardIndex;
/// use ccsa_core::directory::MemberId;
///
/// let mut lb = LeaderboardIndex::new();
/// for id in 1..=4 { lb.insert(MemberId(id), 0)?; }
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
    /// member id → slot + 1 (0: absent), for 0 ≤ id < DIRECT_LIMIT.
    direct: Vec<u32>,
    sparse: IdMap<u32>,
    /// Per slot: `score << 32 | stamp`, where `stamp` is the low 32 bits of
    /// the sequence number that placed the member at `score` (0: free slot).
    state: Vec<u64>,
    members: Vec<MemberId>,
    free: Vec<u32>,
    live: usize,
    /// Per score: (slot, stamp) in the order members reached the score.
    buckets: Vec<Vec<(u32, u32)>>,
    /// Per score: whether its bucket may hold stale entries (clean buckets
    /// are read without checking each entry).
    stale: Vec<bool>,
    entries: usize,
    /// Fenwick tree over scores 0..cap (1-based internally).
    tree: Vec<u32>,
    seq: u64,
    /// No live member has a score above this (a high-water mark).
    top: u32,
}

#[inline]
fn score_of(state: u64) -> u32 {
    (state >> 32) as u32
}

const DIRECT_LIMIT: i64 = 1 << 24;

/// Highest score the index holds (16,777,216 points; a campaign's members
/// reach tens of thousands).
pub const MAX_SCORE: u32 = 1 << 24;

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
        self.live
    }

    /// Whether the index is empty.
    pub fn is_empty(&self) -> bool {
        self.live == 0
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
        self.stale.resize(cap, false);
        // Rebuild the tree from live scores in O(cap + slots).
        let mut tree = vec![0u32; cap + 1];
        for &st in self.state.iter().filter(|&&st| st as u32 != 0) {
            tree[score_of(st) as usize + 1] += 1;
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

    /// Moves one member's count from score `from` to score `to`: the two
    /// update paths of the tree meet at a common node, above which the -1
    /// and the +1 cancel, so only the nodes below it are touched (a few for
    /// the small point changes of a quiz day, instead of two full paths).
    #[inline]
    fn tree_move(&mut self, from: u32, to: u32) {
        let n = self.tree.len();
        let (mut i, mut j) = (from as usize + 1, to as usize + 1);
        while i != j && (i < n || j < n) {
            if i < j {
                self.tree[i] = self.tree[i].wrapping_sub(1);
                i += i & i.wrapping_neg();
            } else {
                self.tree[j] = self.tree[j].wrapping_add(1);
                j += j & j.wrapping_neg();
            }
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

    #[inline]
    fn slot_of(&self, member: MemberId) -> Option<u32> {
        if (0..DIRECT_LIMIT).contains(&member.0) {
            match self.direct.get(member.0 as usize) {
                Some(&s) if s != 0 => Some(s - 1),
                _ => None,
            }
        } else {
            self.sparse.get(&member).copied()
        }
    }

    fn set_slot(&mut self, member: MemberId, slot: Option<u32>) {
        if (0..DIRECT_LIMIT).contains(&member.0) {
            let i = member.0 as usize;
            if i >= self.direct.len() {
                self.direct.resize((i + 1).next_power_of_two(), 0);
            }
            self.direct[i] = slot.map_or(0, |s| s + 1);
        } else {
            match slot {
                Some(s) => {
                    self.sparse.insert(member, s);
                }
                None => {
                    self.sparse.remove(&member);
                }
            }
        }
    }

    #[inline]
    fn place(&mut self, slot: u32, score: u32) {
        // Stamps are 32-bit and never 0; a stale entry could only look live
        // again after 2^32 placements without a compaction, and compaction
        // runs every ~2 × members placements.
        self.seq += 1;
        let mut stamp = self.seq as u32;
        if stamp == 0 {
            self.seq += 1;
            stamp = 1;
        }
        self.state[slot as usize] = (u64::from(score) << 32) | u64::from(stamp);
        self.top = self.top.max(score);
        self.buckets[score as usize].push((slot, stamp));
        self.entries += 1;
        if self.entries > 3 * self.live + 4096 {
            self.compact();
        }
    }

    #[inline]
    fn is_live(&self, score: usize, (slot, stamp): (u32, u32)) -> bool {
        self.state[slot as usize] == ((score as u64) << 32) | u64::from(stamp)
    }

    /// Drops stale bucket entries.
    fn compact(&mut self) {
        let state = &self.state;
        let mut n = 0;
        self.stale.fill(false);
        for (score, b) in self.buckets.iter_mut().enumerate() {
            let want = (score as u64) << 32;
            b.retain(|&(slot, stamp)| state[slot as usize] == want | u64::from(stamp));
            n += b.len();
        }
        self.entries = n;
    }

    /// Adds a member with a starting score (replacing any previous entry).
    /// A score above [`MAX_SCORE`] is refused with `POLICY_INVALID` (the tree
    /// spans the score range, so it must stay bounded).
    pub fn insert(&mut self, member: MemberId, points: u32) -> crate::Result<()> {
        if points > MAX_SCORE {
            return Err(crate::ErrorCode::PolicyInvalid.into());
        }
        self.remove(member);
        self.grow(points as usize);
        let slot = match self.free.pop() {
            Some(s) => {
                self.members[s as usize] = member;
                s
            }
            None => {
                self.state.push(0);
                self.members.push(member);
                self.state.len() as u32 - 1
            }
        };
        self.set_slot(member, Some(slot));
        self.live += 1;
        self.tree_add(points, 1);
        self.place(slot, points);
        Ok(())
    }

    /// Removes a member; returns whether it was there.
    pub fn remove(&mut self, member: MemberId) -> bool {
        let Some(slot) = self.slot_of(member) else {
            return false;
        };
        self.set_slot(member, None);
        let score = score_of(self.state[slot as usize]);
        self.tree_add(score, -1);
        self.state[slot as usize] = 0;
        self.stale[score as usize] = true;
        self.free.push(slot);
        self.live -= 1;
        true
    }

    /// Adds `delta` points to a member (inserting it at 0 first if absent)
    /// and returns the new score. A change that would make the score negative
    /// or exceed [`MAX_SCORE`] is refused with `POLICY_INVALID` and changes nothing.
    #[inline]
    pub fn add(&mut self, member: MemberId, delta: i64) -> crate::Result<u32> {
        let slot = self.slot_of(member);
        let old = slot.map_or(0, |s| score_of(self.state[s as usize]));
        let new = i64::from(old) + delta;
        if !(0..=i64::from(MAX_SCORE)).contains(&new) {
            return Err(crate::ErrorCode::PolicyInvalid.into());
        }
        let new = new as u32;
        let Some(slot) = slot else {
            self.insert(member, new)?;
            return Ok(new);
        };
        if delta == 0 {
            return Ok(old);
        }
        self.grow(new as usize);
        self.tree_move(old, new);
        // A member leaving a small bucket takes its entry along, so the
        // sparse buckets at the top, which every page reads first, hold no
        // stale entries (large buckets wait for the next compaction).
        let live_entry = (slot, self.state[slot as usize] as u32);
        let b = &mut self.buckets[old as usize];
        let at = if b.len() <= 64 {
            b.iter().rposition(|&e| e == live_entry)
        } else {
            None
        };
        match at {
            Some(i) => {
                b.remove(i);
                self.entries -= 1;
            }
            None => self.stale[old as usize] = true,
        }
        self.place(slot, new);
        Ok(new)
    }

    /// A member's points.
    pub fn points(&self, member: MemberId) -> Option<u32> {
        self.slot_of(member)
            .map(|s| score_of(self.state[s as usize]))
    }

    /// A member's competition rank (1 = best): 1 + members with more points.
    #[inline]
    pub fn rank(&self, member: MemberId) -> Option<u32> {
        let s = self.slot_of(member)?;
        let score = score_of(self.state[s as usize]);
        Some(self.live as u32 - self.count_le(score) + 1)
    }

    /// Competition ranks of many members at once, in order (`None` for a
    /// member not in the index): the same answers as [`rank`](Self::rank)
    /// asked one by one, for a pipelined client or an export of a whole
    /// org's ranks.
    ///
    /// A large batch first tabulates how many members have each score or
    /// less (one pass over the scores up to the top), so each member then
    /// costs two loads instead of a walk up the tree; members are looked up
    /// in groups, their slots before their scores, so that the memory
    /// loads of a group overlap.
    ///
    /// ```
    /// use ccsa_core::directory::MemberId;
    /// use ccsa_core::ranking::LeaderboardIndex;
    /// let mut lb = LeaderboardIndex::new();
    /// lb.add_many(&[(MemberId(1), 30), (MemberId(2), 50), (MemberId(3), 30)]).unwrap();
    /// let asked = [MemberId(3), MemberId(9), MemberId(2)];
    /// assert_eq!(lb.ranks(&asked), vec![Some(2), None, Some(1)]);
    /// ```
    pub fn ranks(&self, members: &[MemberId]) -> Vec<Option<u32>> {
        const GROUP: usize = 64;
        let live = self.live as u32;
        let top = self.top as usize;
        // Members with a score ≤ s, for every s up to the top, when the
        // batch repays the table (each entry costs about one tree walk).
        let table: Vec<u32> = if members.len() >= top / 4 {
            let mut t = Vec::with_capacity(top + 1);
            let mut below = 0u32;
            for score in 0..=top {
                let le = self.count_le(score as u32);
                debug_assert!(le >= below);
                below = le;
                t.push(le);
            }
            t
        } else {
            Vec::new()
        };
        let le = |score: u32| match table.get(score as usize) {
            Some(&c) => c,
            None if !table.is_empty() => live, // above the top: nobody higher
            None => self.count_le(score),
        };
        let mut out = Vec::with_capacity(members.len());
        let mut slots = [None; GROUP];
        for group in members.chunks(GROUP) {
            for (slot, &m) in slots.iter_mut().zip(group) {
                *slot = self.slot_of(m);
            }
            for slot in &slots[..group.len()] {
                out.push(slot.map(|s| live - le(score_of(self.state[s as usize])) + 1));
            }
        }
        out
    }

    /// Rows `offset..offset+limit` in leaderboard order.
    ///
    /// Scores are walked from the top; a page near the top reads only the
    /// buckets it shows (ranks come from the live members counted on the
    /// way), and whole buckets above a deeper `offset` are skipped by their
    /// live count from the tree.
    pub fn page(&self, offset: usize, limit: usize) -> Vec<IndexEntry> {
        let mut out = Vec::with_capacity(limit.min(self.len()));
        // Live members with more points than the current score.
        let mut above = 0usize;
        let mut score = self.top as usize + 1;
        while score > 0 && out.len() < limit {
            score -= 1;
            let b = &self.buckets[score];
            if b.is_empty() {
                continue;
            }
            if above < offset {
                let n = self.live_at(score as u32) as usize;
                if above + n <= offset {
                    above += n;
                    continue;
                }
            }
            let rank = above as u32 + 1;
            let stale = self.stale[score];
            let mut live = b.iter().filter(|&&e| !stale || self.is_live(score, e));
            let skipped = live.by_ref().take(offset.saturating_sub(above)).count();
            let before = out.len();
            let room = limit - before;
            out.extend(live.take(room).map(|&(slot, _)| IndexEntry {
                rank,
                member: self.members[slot as usize],
                points: score as u32,
            }));
            // Unless the page is full, the bucket was read to its end.
            above += skipped + (out.len() - before);
        }
        out
    }

    /// Live members with exactly `score` points.
    fn live_at(&self, score: u32) -> u32 {
        self.count_le(score)
            - if score == 0 {
                0
            } else {
                self.count_le(score - 1)
            }
    }

    /// Applies point changes in order, exactly as [`LeaderboardIndex::add`]
    /// called for each, but faster for large indexes: each group of changes
    /// first reads its members' slots and scores, independent loads whose
    /// cache misses the processor overlaps, then applies them from cache.
    /// Stops at the first refused change, returning its position and error;
    /// the changes before it stay applied.
    ///
    /// ```
    /// use ccsa_core::directory::MemberId;
    /// use ccsa_core::ranking::LeaderboardIndex;
    /// let mut lb = LeaderboardIndex::new();
    /// lb.add_many(&[(MemberId(1), 30), (MemberId(2), 50), (MemberId(1), 40)]).unwrap();
    /// assert_eq!((lb.points(MemberId(1)), lb.rank(MemberId(1))), (Some(70), Some(1)));
    /// let (at, e) = lb.add_many(&[(MemberId(2), 10), (MemberId(2), -100)]).unwrap_err();
    /// assert_eq!((at, e.code().as_str()), (1, "POLICY_INVALID"));
    /// assert_eq!(lb.points(MemberId(2)), Some(60)); // the first change stayed
    /// ```
    pub fn add_many(&mut self, changes: &[(MemberId, i64)]) -> Result<(), (usize, crate::Error)> {
        const GROUP: usize = 32;
        let mut warm = [0u64; GROUP];
        for (k, group) in changes.chunks(GROUP).enumerate() {
            for (w, &(m, _)) in warm.iter_mut().zip(group) {
                *w = self.slot_of(m).map_or(0, |s| self.state[s as usize]);
            }
            std::hint::black_box(&warm);
            for (j, &(m, d)) in group.iter().enumerate() {
                self.add(m, d).map_err(|e| (k * GROUP + j, e))?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// Moving a count along the meeting paths leaves the same tree as
        /// a -1 and a +1 along both full paths.
        #[test]
        fn tree_move_is_two_updates(scores in prop::collection::vec(0u32..5000, 1..60), from in 0usize..60, to in 0u32..5000) {
            let mut lb = LeaderboardIndex::new();
            for (i, sc) in scores.iter().enumerate() {
                lb.insert(MemberId(i as i64), *sc).unwrap();
            }
            lb.grow(to as usize);
            let from = scores[from % scores.len()];
            let mut two = lb.tree.clone();
            let n = two.len();
            for (score, d) in [(from, -1i32), (to, 1)] {
                let mut i = score as usize + 1;
                while i < n {
                    two[i] = two[i].wrapping_add_signed(d);
                    i += i & i.wrapping_neg();
                }
            }
            lb.tree_move(from, to);
            prop_assert_eq!(lb.tree, two);
        }

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
            // Newcomers reuse the freed slots; stale entries must stay stale.
            for r in &removals {
                lb.add(MemberId(r + 1000), 5).unwrap();
                seq += 1;
                let e = model.entry(r + 1000).or_insert((0, seq));
                e.0 += 5;
                e.1 = seq;
            }
            prop_assert_eq!(lb.len(), model.len());
            // members at equal points are listed in the order they reached them
            let page_all = lb.page(0, model.len());
            for w in page_all.windows(2) {
                if w[0].points == w[1].points {
                    prop_assert!(model[&w[0].member.0].1 < model[&w[1].member.0].1);
                }
            }
            for (m, (p, _)) in &model {
                let better = model.values().filter(|(q, _)| q > p).count() as u32;
                prop_assert_eq!(lb.rank(MemberId(*m)), Some(better + 1));
                prop_assert_eq!(lb.points(MemberId(*m)), Some(*p as u32));
            }
            // the batch form answers as the single one, also for members
            // not in the index (removed, never added, sparse ids), with and
            // without its score table (a short batch skips it)
            let asked: Vec<MemberId> = (-3..1100).chain([1 << 40]).map(MemberId).collect();
            let one: Vec<Option<u32>> = asked.iter().map(|m| lb.rank(*m)).collect();
            prop_assert_eq!(lb.ranks(&asked), one.clone());
            let reps = lb.top as usize / 4 / asked.len() + 1;
            let many: Vec<MemberId> = asked.iter().cycle().take(asked.len() * reps).copied().collect();
            prop_assert!(many.len() >= lb.top as usize / 4, "the table path is taken");
            let expected: Vec<Option<u32>> = one.iter().cycle().take(many.len()).copied().collect();
            prop_assert_eq!(lb.ranks(&many), expected);
            for (m, r) in asked.iter().zip(&one).step_by(97) {
                prop_assert_eq!(lb.ranks(&[*m]), vec![*r]);
            }
            let page = lb.page(0, model.len());
            let ranks: Vec<u32> = page.iter().map(|e| e.rank).collect();
            prop_assert!(ranks.windows(2).all(|w| w[0] <= w[1]));
            let pts: Vec<u32> = page.iter().map(|e| e.points).collect();
            prop_assert!(pts.windows(2).all(|w| w[0] >= w[1]));
            // pages concatenate, at any cut
            for cut in [1, 7, 23] {
                let mut joined = lb.page(0, cut);
                joined.extend(lb.page(cut, model.len()));
                prop_assert_eq!(&joined, &page);
            }
            // the batch form is the same index
            let mut batch = LeaderboardIndex::new();
            let changes: Vec<(MemberId, i64)> = ops.iter().map(|(m, d)| (MemberId(*m), *d)).collect();
            batch.add_many(&changes).unwrap();
            for r in &removals {
                batch.remove(MemberId(*r));
            }
            let newcomers: Vec<(MemberId, i64)> = removals.iter().map(|r| (MemberId(r + 1000), 5)).collect();
            batch.add_many(&newcomers).unwrap();
            prop_assert_eq!(batch.page(0, model.len()), page);
        }
    }

    #[test]
    fn sparse_ids_and_compaction() {
        let mut lb = LeaderboardIndex::new();
        let big = MemberId(1 << 40);
        lb.add(big, 10).unwrap();
        lb.add(MemberId(-3), 20).unwrap();
        for i in 0..20_000 {
            lb.add(MemberId(i % 100), 1).unwrap();
        }
        assert!(
            lb.entries <= 2 * lb.live + 4096 + 1,
            "stale entries are compacted"
        );
        assert_eq!(lb.len(), 102);
        assert_eq!(lb.points(big), Some(10));
        assert_eq!(lb.page(0, 1)[0].points, 200);
        assert!(lb.remove(big));
        assert!(!lb.remove(big));
        assert_eq!(lb.rank(MemberId(-3)), Some(101));
        lb.insert(MemberId(5), 1000).unwrap();
        assert!(lb.insert(MemberId(6), MAX_SCORE + 1).is_err());
        assert!(lb.add(MemberId(5), i64::from(MAX_SCORE)).is_err());
        assert_eq!(lb.rank(MemberId(5)), Some(1));
        assert_eq!(lb.len(), 101);
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
