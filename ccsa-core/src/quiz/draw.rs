//! The daily draw (每日答题抽题): which questions a member gets on a day.
//!
//! # The rule
//!
//! A draw is a pure function of its [`DrawKey`] (member, date, bank revision,
//! campaign seed), the pool of eligible questions, and the member's recent
//! history. Anyone holding those inputs recomputes the same questions, so a
//! draw can be audited; the store also records each issued draw so that
//! reopening the app shows the same set even if the bank changes that day.
//!
//! 1. **Seed.** `s = mix(mix(mix(seed ^ member) ^ day_number) ^ revision)`,
//!    where `mix` is the SplitMix64 finaliser and `day_number` counts days
//!    from 0001-01-01; the stream is SplitMix64 from `s`. `below(n)` maps a
//!    64-bit output to `0..n` by multiply-shift (bias < n / 2^64).
//! 2. **Reviews first.** Up to `max_reviews` questions the member got wrong
//!    and whose spaced-review date has come (see [`ReviewCard`]), in the order
//!    given (due date, then id), if still in the pool.
//! 3. **Fresh questions, spread across categories.** Categories are taken
//!    round-robin in name order starting from `below(categories)`. In each,
//!    up to 4 random picks look for a question not seen in the last
//!    `fresh_days` days and not already drawn today; failing that, a scan from
//!    a random offset finds one; a category with none is skipped. A full round
//!    with no pick ends this step.
//! 4. **When the bank runs short** of unseen questions, the remaining slots
//!    take the least recently seen questions (ties by a seeded hash of the id).
//! 5. **Order.** The final list is shuffled (Fisher-Yates with the same stream).
//!
//! The pool is canonicalised (sorted by category, then id), so the order in
//! which questions were loaded never changes a draw. A pool smaller than the
//! draw size is `BANK_TOO_SMALL`.
//!
//! [`ReviewCard`]: super::ReviewCard

use super::QuestionId;
use crate::directory::MemberId;
use crate::{ErrorCode, Result};
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

/// Draw settings of a campaign (or of one org).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct DrawConfig {
    /// Questions per day (default 5).
    pub per_day: u8,
    /// Days during which a seen question is not drawn again (default 30).
    pub fresh_days: u16,
    /// At most this many review questions per day (default 2).
    pub max_reviews: u8,
}

impl Default for DrawConfig {
    fn default() -> Self {
        DrawConfig {
            per_day: 5,
            fresh_days: 30,
            max_reviews: 2,
        }
    }
}

/// The inputs that make a draw reproducible.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct DrawKey {
    /// Who.
    pub member: MemberId,
    /// Which day (Beijing time).
    pub day: NaiveDate,
    /// The bank revision the draw was made from.
    pub bank_revision: u64,
    /// The campaign's seed.
    pub seed: u64,
}

/// The questions eligible for a draw, canonicalised.
///
/// ```
/// use ccsa_core::quiz::{DrawPool, QuestionId};
/// let a = DrawPool::new([(QuestionId(2), "b"), (QuestionId(1), "a"), (QuestionId(3), "a")]);
/// let b = DrawPool::new([(QuestionId(3), "a"), (QuestionId(1), "a"), (QuestionId(2), "b")]);
/// assert_eq!(a, b); // load order does not matter
/// assert_eq!(a.len(), 3);
/// assert_eq!(a.categories(), 2);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DrawPool {
    /// Ids sorted by (category, id).
    ids: Vec<QuestionId>,
    /// `ids` ranges per category, categories in name order.
    ranges: Vec<(u32, u32)>,
    /// All ids sorted, for membership.
    sorted: Vec<QuestionId>,
}

impl DrawPool {
    /// Builds a pool from (id, category) pairs in any order; duplicate ids
    /// are kept once.
    pub fn new<'a>(questions: impl IntoIterator<Item = (QuestionId, &'a str)>) -> DrawPool {
        let mut v: Vec<(&str, QuestionId)> = questions.into_iter().map(|(id, c)| (c, id)).collect();
        v.sort_unstable();
        v.dedup_by_key(|(_, id)| *id);
        let mut ranges = Vec::new();
        let mut start = 0usize;
        for i in 1..=v.len() {
            if i == v.len() || v[i].0 != v[start].0 {
                ranges.push((start as u32, i as u32));
                start = i;
            }
        }
        let ids: Vec<QuestionId> = v.iter().map(|(_, id)| *id).collect();
        let mut sorted = ids.clone();
        sorted.sort_unstable();
        sorted.dedup();
        DrawPool {
            ids,
            ranges,
            sorted,
        }
    }

    /// Number of questions.
    pub fn len(&self) -> usize {
        self.sorted.len()
    }
    /// Whether the pool is empty.
    pub fn is_empty(&self) -> bool {
        self.sorted.is_empty()
    }
    /// Number of categories.
    pub fn categories(&self) -> usize {
        self.ranges.len()
    }
    /// Whether `id` is in the pool.
    pub fn contains(&self, id: QuestionId) -> bool {
        self.sorted.binary_search(&id).is_ok()
    }
}

/// What the member saw recently and what is due for review.
#[derive(Debug, Clone, Copy, Default)]
pub struct DrawHistory<'a> {
    /// Questions drawn on earlier days with the day they were drawn (any order;
    /// entries older than `fresh_days` are ignored).
    pub recent: &'a [(QuestionId, NaiveDate)],
    /// Review questions due on or before the draw day, due date then id.
    pub due_reviews: &'a [QuestionId],
}

/// One member's questions for one day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DailyDraw {
    /// The inputs.
    pub key: DrawKey,
    /// The questions, in the order shown.
    pub questions: Vec<QuestionId>,
    /// How many of them are reviews of earlier mistakes.
    pub reviews: u8,
}

/// The ids seen within the freshness window: an open-addressing table
/// (linear probing, load ≤ 1/2) whose slots carry the epoch of the draw that
/// wrote them, so a reused table needs no clearing between draws.
#[derive(Debug, Default)]
struct SeenSet {
    table: Vec<(i64, u32)>,
    mask: usize,
    epoch: u32,
    /// Whether this draw's set has any id (an empty history never probes).
    any: bool,
}

impl SeenSet {
    /// Starts a new draw's set sized for at most `upper` ids.
    fn reset(&mut self, upper: usize) {
        self.any = false;
        if upper == 0 {
            return;
        }
        let cap = (2 * upper).next_power_of_two().max(8);
        if cap > self.table.len() || self.epoch == u32::MAX {
            self.table = vec![(0, 0); cap.max(self.table.len())];
            self.mask = self.table.len() - 1;
            self.epoch = 0;
        }
        self.epoch += 1;
    }

    #[inline]
    fn insert(&mut self, q: QuestionId) {
        self.any = true;
        let mut i = Self::slot(q.0) & self.mask;
        loop {
            let (id, epoch) = self.table[i];
            if epoch != self.epoch {
                self.table[i] = (q.0, self.epoch);
                return;
            }
            if id == q.0 {
                return;
            }
            i = (i + 1) & self.mask;
        }
    }

    #[inline]
    fn slot(id: i64) -> usize {
        (id as u64)
            .wrapping_mul(0x9E37_79B9_7F4A_7C15)
            .rotate_left(20) as usize
    }

    #[inline]
    fn contains(&self, q: QuestionId) -> bool {
        if !self.any {
            return false;
        }
        let mut i = Self::slot(q.0) & self.mask;
        loop {
            let (id, epoch) = self.table[i];
            if epoch != self.epoch {
                return false;
            }
            if id == q.0 {
                return true;
            }
            i = (i + 1) & self.mask;
        }
    }
}

/// Reusable buffers for drawing many members' questions in a row (audits,
/// simulations, bulk issuing): the same rule as [`draw`], with no allocation
/// per draw once the buffers have grown.
///
/// ```
/// use ccsa_core::quiz::{draw, DrawConfig, DrawHistory, DrawKey, DrawPool, DrawScratch, QuestionId};
/// use ccsa_core::directory::MemberId;
/// use chrono::NaiveDate;
///
/// let pool = DrawPool::new((1..=60).map(|i| (QuestionId(i), ["法律法规", "应急处置"][i as usize % 2])));
/// let mut scratch = DrawScratch::default();
/// for m in 1..=3 {
///     let key = DrawKey { member: MemberId(m), day: NaiveDate::from_ymd_opt(2020, 3, 24).unwrap(), bank_revision: 1, seed: 2020 };
///     let (questions, reviews) = scratch.draw(&pool, &key, DrawHistory::default(), &DrawConfig::default())?;
///     let owned = draw(&pool, &key, DrawHistory::default(), &DrawConfig::default())?;
///     assert_eq!((questions, reviews), (&owned.questions[..], owned.reviews));
/// }
/// # Ok::<(), ccsa_core::Error>(())
/// ```
#[derive(Debug, Default)]
pub struct DrawScratch {
    chosen: Vec<QuestionId>,
    seen: SeenSet,
}

#[inline]
fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// SplitMix64: small, fast, fully specified (so draws are auditable).
#[derive(Debug, Clone)]
pub struct SplitMix64(u64);

impl SplitMix64 {
    /// A stream from a state.
    pub fn new(state: u64) -> Self {
        SplitMix64(state)
    }
    /// Next 64 bits.
    #[inline]
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform-ish in `0..n` by multiply-shift (`n > 0`).
    #[inline]
    pub fn below(&mut self, n: usize) -> usize {
        ((u128::from(self.next_u64()) * n as u128) >> 64) as usize
    }
}

impl DrawKey {
    /// The stream this key defines (step 1 of the rule).
    pub fn stream(&self) -> SplitMix64 {
        let day = self.day.num_days_from_ce() as u64;
        SplitMix64::new(mix(
            mix(mix(self.seed ^ self.member.0 as u64) ^ day) ^ self.bank_revision
        ))
    }
}

/// Draws one member's questions for one day (see the module docs for the rule).
///
/// ```
/// use ccsa_core::quiz::{draw, DrawConfig, DrawHistory, DrawKey, DrawPool, QuestionId};
/// use ccsa_core::directory::MemberId;
/// use chrono::NaiveDate;
///
/// let cats = ["法律法规", "安全常识", "应急处置"];
/// let pool = DrawPool::new((1..=60).map(|i| (QuestionId(i), cats[i as usize % 3])));
/// let key = DrawKey { member: MemberId(7), day: NaiveDate::from_ymd_opt(2020, 3, 24).unwrap(), bank_revision: 1, seed: 2020 };
/// let d = draw(&pool, &key, DrawHistory::default(), &DrawConfig::default())?;
/// assert_eq!(d.questions.len(), 5);
/// assert_eq!(d, draw(&pool, &key, DrawHistory::default(), &DrawConfig::default())?); // reproducible
/// # Ok::<(), ccsa_core::Error>(())
/// ```
pub fn draw(
    pool: &DrawPool,
    key: &DrawKey,
    history: DrawHistory<'_>,
    config: &DrawConfig,
) -> Result<DailyDraw> {
    let mut scratch = DrawScratch {
        chosen: Vec::with_capacity(usize::from(config.per_day)),
        seen: SeenSet::default(),
    };
    let reviews = scratch.draw(pool, key, history, config)?.1;
    Ok(DailyDraw {
        key: *key,
        questions: scratch.chosen,
        reviews,
    })
}

impl DrawScratch {
    /// Draws one member's questions for one day into these buffers: the
    /// questions in the order shown and how many are reviews. Same rule and
    /// same result as [`draw`].
    pub fn draw(
        &mut self,
        pool: &DrawPool,
        key: &DrawKey,
        history: DrawHistory<'_>,
        config: &DrawConfig,
    ) -> Result<(&[QuestionId], u8)> {
        let n = usize::from(config.per_day);
        if n == 0 || pool.len() < n {
            return Err(ErrorCode::BankTooSmall.into());
        }
        let mut rng = key.stream();
        // A local vector (moved back at the end) keeps its length in a
        // register across the picks.
        let mut chosen = std::mem::take(&mut self.chosen);
        chosen.clear();

        // Questions seen within the freshness window (excluding today).
        let seen = &mut self.seen;
        seen.reset(history.recent.len());
        if !history.recent.is_empty() {
            let cutoff = key.day - chrono::Duration::days(i64::from(config.fresh_days));
            for (q, d) in history.recent {
                if *d > cutoff && *d < key.day {
                    seen.insert(*q);
                }
            }
        }
        let seen = &*seen;
        let is_seen = |q: QuestionId| seen.contains(q);

        // 2. reviews
        let mut reviews = 0u8;
        for &q in history.due_reviews {
            if reviews >= config.max_reviews || chosen.len() >= n {
                break;
            }
            if pool.contains(q) && !chosen.contains(&q) {
                chosen.push(q);
                reviews += 1;
            }
        }

        // 3. fresh, round-robin over categories
        let ncat = pool.ranges.len();
        if chosen.len() < n && ncat > 0 {
            // `cat` walks the categories from `start`, wrapping; `turn` counts
            // the categories visited in this round (no division on this path).
            let mut cat = rng.below(ncat);
            let mut turn = 0usize;
            let mut progress = false;
            while chosen.len() < n {
                let (lo, hi) = pool.ranges[cat];
                let (lo, hi) = (lo as usize, hi as usize);
                let len = hi - lo;
                let mut picked = None;
                for _ in 0..4 {
                    let q = pool.ids[lo + rng.below(len)];
                    if !is_seen(q) && !chosen.contains(&q) {
                        picked = Some(q);
                        break;
                    }
                }
                if picked.is_none() {
                    let off = rng.below(len);
                    picked = (0..len)
                        .map(|i| pool.ids[lo + (off + i) % len])
                        .find(|q| !is_seen(*q) && !chosen.contains(q));
                }
                if let Some(q) = picked {
                    chosen.push(q);
                    progress = true;
                }
                cat += 1;
                if cat == ncat {
                    cat = 0;
                }
                turn += 1;
                if turn == ncat {
                    if !progress {
                        break;
                    }
                    progress = false;
                    turn = 0;
                }
            }
        }

        // 4. bank short of unseen questions: least recently seen first
        if chosen.len() < n {
            let tiebreak = rng.next_u64();
            let mut last: std::collections::HashMap<QuestionId, NaiveDate> =
                std::collections::HashMap::new();
            for &(q, d) in history.recent.iter().filter(|(_, d)| *d < key.day) {
                let e = last.entry(q).or_insert(d);
                *e = (*e).max(d);
            }
            let last_seen = |q: QuestionId| last.get(&q).copied();
            let mut rest: Vec<(Option<NaiveDate>, u64, QuestionId)> = pool
                .sorted
                .iter()
                .copied()
                .filter(|q| !chosen.contains(q))
                .map(|q| (last_seen(q), mix(tiebreak ^ q.0 as u64), q))
                .collect();
            rest.sort_unstable();
            chosen.extend(rest.into_iter().take(n - chosen.len()).map(|(_, _, q)| q));
        }
        if chosen.len() < n {
            self.chosen = chosen;
            return Err(ErrorCode::BankTooSmall.into());
        }

        // 5. shuffle
        for i in (1..chosen.len()).rev() {
            let j = rng.below(i + 1);
            chosen.swap(i, j);
        }
        self.chosen = chosen;
        Ok((&self.chosen[..], reviews))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::{HashMap, HashSet};

    const CATS: [&str; 6] = [
        "法律法规",
        "安全常识",
        "应急处置",
        "特殊作业",
        "危化品储存",
        "职业健康",
    ];

    fn pool(n: i64) -> DrawPool {
        DrawPool::new((1..=n).map(|i| (QuestionId(i), CATS[(i as usize * 7) % CATS.len()])))
    }
    fn key(member: i64, day: NaiveDate) -> DrawKey {
        DrawKey {
            member: MemberId(member),
            day,
            bank_revision: 3,
            seed: 42,
        }
    }
    const PINNED: u64 = 9_080_225_391_927_245_595;

    fn d0() -> NaiveDate {
        "2020-03-01".parse().unwrap()
    }

    /// Draws are audited against the rule as published: a change to the
    /// code must not change any draw. The digest pins 2,000 draws (with and
    /// without history and reviews) made by the rule as first released.
    #[test]
    fn draws_stay_what_they_were() {
        let p = pool(300);
        let mut digest = 0u64;
        for m in 0..1000i64 {
            let day = d0() + chrono::Duration::days(m % 40);
            let recent: Vec<(QuestionId, NaiveDate)> = (0..(m % 60))
                .map(|i| {
                    (
                        QuestionId(1 + (i * 11 + m) % 300),
                        day - chrono::Duration::days(1 + i / 5),
                    )
                })
                .collect();
            let due = [QuestionId(1 + m % 300), QuestionId(1 + (m * 7) % 300)];
            for (recent, due) in [(&recent[..], &due[..]), (&[][..], &[][..])] {
                let d = draw(
                    &p,
                    &key(m, day),
                    DrawHistory {
                        recent,
                        due_reviews: due,
                    },
                    &DrawConfig::default(),
                )
                .unwrap();
                for q in &d.questions {
                    digest = mix(digest ^ q.0 as u64);
                }
                digest = mix(digest ^ u64::from(d.reviews));
            }
        }
        assert_eq!(digest, PINNED);
    }

    #[test]
    fn too_small_bank_is_an_error() {
        let e = draw(
            &pool(4),
            &key(1, d0()),
            DrawHistory::default(),
            &DrawConfig::default(),
        )
        .unwrap_err();
        assert_eq!(e.code(), ErrorCode::BankTooSmall);
        let e = draw(
            &DrawPool::default(),
            &key(1, d0()),
            DrawHistory::default(),
            &DrawConfig::default(),
        )
        .unwrap_err();
        assert_eq!(e.code(), ErrorCode::BankTooSmall);
    }

    #[test]
    fn spreads_across_categories() {
        let p = pool(600);
        let d = draw(
            &p,
            &key(1, d0()),
            DrawHistory::default(),
            &DrawConfig::default(),
        )
        .unwrap();
        let cat_of: HashMap<i64, &str> = (1..=600)
            .map(|i| (i, CATS[(i as usize * 7) % CATS.len()]))
            .collect();
        let cats: HashSet<_> = d.questions.iter().map(|q| cat_of[&q.0]).collect();
        assert_eq!(cats.len(), 5, "5 questions from 5 different categories");
    }

    #[test]
    fn reviews_come_first_and_are_capped() {
        let p = pool(100);
        let due = [
            QuestionId(10),
            QuestionId(11),
            QuestionId(12),
            QuestionId(999),
        ];
        let d = draw(
            &p,
            &key(1, d0()),
            DrawHistory {
                recent: &[],
                due_reviews: &due,
            },
            &DrawConfig::default(),
        )
        .unwrap();
        assert_eq!(d.reviews, 2);
        assert!(d.questions.contains(&QuestionId(10)) && d.questions.contains(&QuestionId(11)));
        assert!(!d.questions.contains(&QuestionId(12)));
    }

    #[test]
    fn thirty_days_of_draws_never_repeat_while_the_bank_allows() {
        // 6 categories x 30 = 180 questions; 30 days x 5 = 150 draws.
        let p = pool(180);
        let cfg = DrawConfig::default();
        let mut history: Vec<(QuestionId, NaiveDate)> = Vec::new();
        for day in 0..30 {
            let date = d0() + chrono::Duration::days(day);
            let d = draw(
                &p,
                &key(5, date),
                DrawHistory {
                    recent: &history,
                    due_reviews: &[],
                },
                &cfg,
            )
            .unwrap();
            for q in &d.questions {
                assert!(
                    !history.iter().any(|(h, _)| h == q),
                    "day {day}: {q} repeated"
                );
                history.push((*q, date));
            }
        }
    }

    #[test]
    fn short_bank_falls_back_to_least_recently_seen() {
        let p = pool(7);
        let cfg = DrawConfig::default();
        let day1 = d0();
        let day2 = d0() + chrono::Duration::days(1);
        let first = draw(&p, &key(1, day1), DrawHistory::default(), &cfg).unwrap();
        let hist: Vec<_> = first.questions.iter().map(|q| (*q, day1)).collect();
        let second = draw(
            &p,
            &key(1, day2),
            DrawHistory {
                recent: &hist,
                due_reviews: &[],
            },
            &cfg,
        )
        .unwrap();
        let unseen: Vec<_> = (1..=7)
            .map(QuestionId)
            .filter(|q| !first.questions.contains(q))
            .collect();
        for q in &unseen {
            assert!(
                second.questions.contains(q),
                "both unseen questions come first"
            );
        }
        assert_eq!(second.questions.len(), 5);
    }

    fn arb_bank() -> impl Strategy<Value = Vec<(i64, usize)>> {
        prop::collection::hash_set(1i64..10_000, 5..200)
            .prop_flat_map(|ids| {
                let ids: Vec<i64> = ids.into_iter().collect();
                let n = ids.len();
                (Just(ids), prop::collection::vec(0usize..6, n))
            })
            .prop_map(|(ids, cats)| ids.into_iter().zip(cats).collect())
    }

    proptest! {
        #[test]
        fn deterministic_no_duplicates_and_order_free(bank in arb_bank(), member in 1i64..1_000_000, day_off in 0i64..300, perm_seed in any::<u64>()) {
            let day = d0() + chrono::Duration::days(day_off);
            let cfg = DrawConfig::default();
            let p = DrawPool::new(bank.iter().map(|(i, c)| (QuestionId(*i), CATS[*c])));
            let a = draw(&p, &key(member, day), DrawHistory::default(), &cfg).unwrap();
            let b = draw(&p, &key(member, day), DrawHistory::default(), &cfg).unwrap();
            prop_assert_eq!(&a, &b);
            let uniq: HashSet<_> = a.questions.iter().collect();
            prop_assert_eq!(uniq.len(), a.questions.len());
            prop_assert!(a.questions.iter().all(|q| p.contains(*q)));
            // a permutation of the bank gives the same draw
            let mut shuffled = bank.clone();
            let mut r = SplitMix64::new(perm_seed);
            for i in (1..shuffled.len()).rev() { let j = r.below(i + 1); shuffled.swap(i, j); }
            let p2 = DrawPool::new(shuffled.iter().map(|(i, c)| (QuestionId(*i), CATS[*c])));
            prop_assert_eq!(draw(&p2, &key(member, day), DrawHistory::default(), &cfg).unwrap(), a);
        }

        #[test]
        fn respects_the_fresh_window(bank in arb_bank(), member in 1i64..1000) {
            let p = DrawPool::new(bank.iter().map(|(i, c)| (QuestionId(*i), CATS[*c])));
            let cfg = DrawConfig::default();
            let day = d0() + chrono::Duration::days(40);
            // mark half the bank as seen yesterday
            let recent: Vec<_> = bank.iter().step_by(2).map(|(i, _)| (QuestionId(*i), day - chrono::Duration::days(1))).collect();
            let unseen = bank.len() - recent.len();
            let d = draw(&p, &key(member, day), DrawHistory { recent: &recent, due_reviews: &[] }, &cfg).unwrap();
            let seen_drawn = d.questions.iter().filter(|q| recent.iter().any(|(r, _)| r == *q)).count();
            prop_assert_eq!(seen_drawn, 5usize.saturating_sub(unseen));
            // seen 31 days ago no longer counts
            let old: Vec<_> = recent.iter().map(|(q, _)| (*q, day - chrono::Duration::days(31))).collect();
            let d2 = draw(&p, &key(member, day), DrawHistory { recent: &old, due_reviews: &[] }, &cfg).unwrap();
            prop_assert_eq!(d2, draw(&p, &key(member, day), DrawHistory::default(), &cfg).unwrap());
        }
    }

    /// One scratch reused over draws with histories of every size (and
    /// across an epoch wrap) gives what a fresh scratch gives.
    #[test]
    fn reused_scratch_draws_like_a_fresh_one() {
        let p = pool(300);
        let cfg = DrawConfig::default();
        let mut reused = DrawScratch::default();
        for m in 0..400i64 {
            if m == 200 {
                reused.seen.epoch = u32::MAX - 1;
            }
            let day = d0() + chrono::Duration::days(m % 40);
            let recent: Vec<(QuestionId, NaiveDate)> = (0..((m * 37) % 250))
                .map(|i| {
                    (
                        QuestionId(1 + (i * 13 + m) % 300),
                        day - chrono::Duration::days(i % 35),
                    )
                })
                .collect();
            let h = DrawHistory {
                recent: &recent,
                due_reviews: &[],
            };
            let (q, r) = reused.draw(&p, &key(m, day), h, &cfg).unwrap();
            let mut fresh = DrawScratch::default();
            let (fq, fr) = fresh.draw(&p, &key(m, day), h, &cfg).unwrap();
            assert_eq!((q, r), (fq, fr), "member {m}");
            for x in q {
                assert!(
                    !recent
                        .iter()
                        .any(|(s, d)| s == x && *d < day && *d > day - chrono::Duration::days(30)),
                    "member {m}: {x} was seen"
                );
            }
        }
    }

    #[test]
    fn fair_over_many_members() {
        // Every question of a 60-question bank is drawn roughly equally often.
        let p = pool(60);
        let mut counts = HashMap::new();
        for m in 0..12_000 {
            for q in draw(
                &p,
                &key(m, d0()),
                DrawHistory::default(),
                &DrawConfig::default(),
            )
            .unwrap()
            .questions
            {
                *counts.entry(q).or_insert(0u32) += 1;
            }
        }
        assert_eq!(counts.len(), 60);
        let (min, max) = (
            *counts.values().min().unwrap(),
            *counts.values().max().unwrap(),
        );
        // expectation 1000 each; categories are equal-sized (10 each)
        assert!(min > 850 && max < 1150, "min {min} max {max}");
    }
}
