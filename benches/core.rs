//! Core benchmarks (criterion): daily draws, the leaderboard index, and full
//! ranking, each beside the plain baseline a user would write instead.
//!
//! Run: `cargo bench --bench core` (add `-- --quick` for a short run).

use ccsa::directory::MemberId;
use ccsa::quiz::{DrawConfig, DrawHistory, DrawKey, DrawPool, QuestionId, SplitMix64, draw};
use ccsa::ranking::{LeaderboardIndex, RankMethod, ScoreKey, rank};
use chrono::NaiveDate;
use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;

const MEMBERS: i64 = 1_000_000;
const CATEGORIES: [&str; 8] = [
    "法律法规",
    "安全常识",
    "应急处置",
    "特殊作业",
    "危化品储存",
    "职业健康",
    "工艺安全",
    "设备安全",
];

fn bank(n: i64) -> DrawPool {
    DrawPool::new((1..=n).map(|i| (QuestionId(i), CATEGORIES[(i % 8) as usize])))
}

fn draws(c: &mut Criterion) {
    let pool = bank(600);
    let ids: Vec<QuestionId> = (1..=600).map(QuestionId).collect();
    let day = NaiveDate::from_ymd_opt(2020, 6, 1).unwrap();
    let cfg = DrawConfig::default();
    // a realistic history: 30 days x 5 questions already seen
    let history: Vec<(QuestionId, NaiveDate)> = (0..150)
        .map(|i| {
            (
                QuestionId(1 + (i * 7) % 600),
                day - chrono::Duration::days(1 + i / 5),
            )
        })
        .collect();
    let batch = 10_000i64;
    let mut g = c.benchmark_group("daily_draw");
    g.throughput(Throughput::Elements(batch as u64));
    let mut start = 0i64;
    g.bench_function("ccsa_draw_no_history", |b| {
        b.iter(|| {
            start = (start + batch) % MEMBERS;
            for m in start..start + batch {
                let key = DrawKey {
                    member: MemberId(m),
                    day,
                    bank_revision: 1,
                    seed: 2020,
                };
                black_box(draw(&pool, &key, DrawHistory::default(), &cfg).unwrap());
            }
        })
    });
    g.bench_function("ccsa_draw_30_days_history", |b| {
        b.iter(|| {
            start = (start + batch) % MEMBERS;
            for m in start..start + batch {
                let key = DrawKey {
                    member: MemberId(m),
                    day,
                    bank_revision: 1,
                    seed: 2020,
                };
                black_box(
                    draw(
                        &pool,
                        &key,
                        DrawHistory {
                            recent: &history,
                            due_reviews: &[],
                        },
                        &cfg,
                    )
                    .unwrap(),
                );
            }
        })
    });
    // The floor: a seeded partial Fisher-Yates of the bank, take 5.
    g.bench_function("floor_shuffle_and_take", |b| {
        let mut scratch = ids.clone();
        b.iter(|| {
            start = (start + batch) % MEMBERS;
            for m in start..start + batch {
                let mut r = SplitMix64::new(2020 ^ m as u64);
                for i in 0..5 {
                    let j = i + r.below(scratch.len() - i);
                    scratch.swap(i, j);
                }
                black_box(&scratch[..5]);
            }
        })
    });
    g.finish();
}

fn leaderboard(c: &mut Criterion) {
    let mut lb = LeaderboardIndex::new();
    for m in 0..MEMBERS {
        lb.insert(MemberId(m), 0).unwrap();
    }
    let mut r = SplitMix64::new(7);
    for _ in 0..5_000_000 {
        lb.add(
            MemberId(r.below(MEMBERS as usize) as i64),
            [0, 10, 20, 30, 40, 50, 60][r.below(7)],
        )
        .unwrap();
    }
    let batch = 100_000u64;
    let mut g = c.benchmark_group("leaderboard_index_1m");
    g.throughput(Throughput::Elements(batch));
    let targets: Vec<(MemberId, i64)> = (0..batch)
        .map(|_| {
            (
                MemberId(r.below(MEMBERS as usize) as i64),
                10 * (1 + r.below(6) as i64),
            )
        })
        .collect();
    // Alternate +d and -d over the same targets so the score distribution
    // stays the same however many iterations criterion runs.
    let mut sign = 1i64;
    g.bench_function("increment", |b| {
        b.iter(|| {
            for &(m, d) in &targets {
                black_box(lb.add(m, sign * d).unwrap());
            }
            sign = -sign;
        })
    });
    if sign < 0 {
        for &(m, d) in &targets {
            lb.add(m, -d).unwrap();
        }
    }
    g.bench_function("my_rank", |b| {
        b.iter(|| {
            for &(m, _) in &targets {
                black_box(lb.rank(m));
            }
        })
    });
    g.throughput(Throughput::Elements(1));
    g.bench_function("top_100_page", |b| b.iter(|| black_box(lb.page(0, 100))));
    g.finish();
}

fn full_ranking(c: &mut Criterion) {
    let mut r = SplitMix64::new(11);
    let keys: Vec<ScoreKey> = (0..MEMBERS)
        .map(|id| ScoreKey {
            points: r.below(3000) as i64 * 10,
            reached: r.below(1 << 40) as i64,
            id,
        })
        .collect();
    let mut g = c.benchmark_group("full_ranking_1m");
    g.sample_size(10);
    g.throughput(Throughput::Elements(MEMBERS as u64));
    g.bench_function("ccsa_rank_min", |b| {
        b.iter(|| black_box(rank(&keys, RankMethod::Min)))
    });
    g.bench_function("baseline_sort_unstable", |b| {
        b.iter_batched(
            || {
                keys.iter()
                    .map(|k| (std::cmp::Reverse(k.points), k.reached, k.id))
                    .collect::<Vec<_>>()
            },
            |mut v| {
                v.sort_unstable();
                black_box(v)
            },
            BatchSize::LargeInput,
        )
    });
    g.finish();
}

criterion_group!(benches, draws, leaderboard, full_ranking);
criterion_main!(benches);
