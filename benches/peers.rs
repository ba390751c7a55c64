//! Side-by-side comparisons against the tools users would pick instead
//! (issue 8), the Rust half; `benches/peers/run` runs this binary and the
//! Python half and writes `target/bench-peers.md`.
//!
//! - `leaderboard --redis-port P`: 5,000,000 point increments over 1,000,000
//!   members, then 1,000,000 "my rank" queries and 10,000 top-100 pages, on
//!   ccsa's in-process [`LeaderboardIndex`] and on a Redis sorted set
//!   (ZINCRBY / ZREVRANK / ZREVRANGE, pipelined 10,000 commands at a time,
//!   loopback), same operations in the same order.
//! - `draws`: 1,000,000 daily draws on ccsa-core against the floor, a plain
//!   seeded partial shuffle of the bank taking 5 (and, for draws that honour
//!   a 30-day history, the same floor skipping a `HashSet` of the seen ids).
//!
//! Each prints Markdown table rows (`| work | ccsa | peer | ratio | target |`)
//! with medians of `--runs` runs (default 3) and their spread.

use ccsa::directory::MemberId;
use ccsa::quiz::{
    DrawConfig, DrawHistory, DrawKey, DrawPool, DrawScratch, QuestionId, SplitMix64, draw,
};
use ccsa::ranking::LeaderboardIndex;
use chrono::NaiveDate;
use std::collections::HashSet;
use std::hint::black_box;
use std::io::{BufRead, BufReader, BufWriter, Read, Write};
use std::net::TcpStream;
use std::time::Instant;

fn arg(name: &str) -> Option<String> {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1).cloned())
}

fn num(name: &str, default: usize) -> usize {
    arg(name).and_then(|v| v.parse().ok()).unwrap_or(default)
}

/// (median, min, max) of some timings.
fn stats(mut t: Vec<f64>) -> (f64, f64, f64) {
    t.sort_by(f64::total_cmp);
    (t[t.len() / 2], t[0], t[t.len() - 1])
}

fn spread(s: (f64, f64, f64)) -> String {
    format!("{:.3} s ({:.3}–{:.3})", s.0, s.1, s.2)
}

/// The workload both sides run: the same increments, rank queries and pages.
struct Workload {
    members: usize,
    increments: Vec<(u32, u32)>,
    ranks: Vec<u32>,
    pages: usize,
}

impl Workload {
    fn new(members: usize, increments: usize, ranks: usize, pages: usize) -> Workload {
        let mut r = SplitMix64::new(2020);
        Workload {
            members,
            increments: (0..increments)
                .map(|_| (r.below(members) as u32, 10 * (1 + r.below(6) as u32)))
                .collect(),
            ranks: (0..ranks).map(|_| r.below(members) as u32).collect(),
            pages,
        }
    }
}

/// One side's timings: increments, rank queries, pages (seconds), and the
/// top-100 points it ended with.
type Side = (f64, f64, f64, Vec<u64>);

/// The workload on ccsa's index.
fn ccsa_leaderboard(w: &Workload) -> Side {
    let mut lb = LeaderboardIndex::new();
    for m in 0..w.members {
        lb.insert(MemberId(m as i64), 0).expect("fresh member");
    }
    // The batch form, as Redis gets its commands pipelined.
    let changes: Vec<(MemberId, i64)> = w
        .increments
        .iter()
        .map(|&(m, d)| (MemberId(i64::from(m)), i64::from(d)))
        .collect();
    let t = Instant::now();
    for group in changes.chunks(10_000) {
        lb.add_many(group).expect("points stay in range");
    }
    let inc = t.elapsed().as_secs_f64();
    // The batch form again, in the pipeline's chunks (`PIPE` queries per
    // round trip on the Redis side).
    let asked: Vec<MemberId> = w.ranks.iter().map(|&m| MemberId(i64::from(m))).collect();
    let t = Instant::now();
    for chunk in asked.chunks(PIPE) {
        black_box(lb.ranks(chunk));
    }
    let rank = t.elapsed().as_secs_f64();
    let sample = &asked[..asked.len().min(1000)];
    assert_eq!(
        lb.ranks(sample),
        sample.iter().map(|m| lb.rank(*m)).collect::<Vec<_>>()
    );
    let t = Instant::now();
    let mut top = Vec::new();
    for _ in 0..w.pages {
        top = black_box(lb.page(0, 100));
    }
    let pages = t.elapsed().as_secs_f64();
    (
        inc,
        rank,
        pages,
        top.iter().map(|e| u64::from(e.points)).collect(),
    )
}

/// A minimal pipelining RESP client: commands are buffered and replies read
/// back in order; replies are parsed only as far as needed.
struct Redis {
    w: BufWriter<TcpStream>,
    r: BufReader<TcpStream>,
    pending: usize,
    line: String,
}

impl Redis {
    fn connect(port: u16) -> Redis {
        let s = TcpStream::connect(("127.0.0.1", port)).expect("redis on loopback");
        s.set_nodelay(true).ok();
        Redis {
            w: BufWriter::with_capacity(1 << 20, s.try_clone().expect("clone socket")),
            r: BufReader::with_capacity(1 << 20, s),
            pending: 0,
            line: String::new(),
        }
    }

    fn send(&mut self, parts: &[&[u8]]) {
        write!(self.w, "*{}\r\n", parts.len()).unwrap();
        for p in parts {
            write!(self.w, "${}\r\n", p.len()).unwrap();
            self.w.write_all(p).unwrap();
            self.w.write_all(b"\r\n").unwrap();
        }
        self.pending += 1;
    }

    /// Reads one reply; bulk strings are returned, other values as text.
    fn reply(&mut self, out: &mut Vec<String>) {
        self.line.clear();
        self.r.read_line(&mut self.line).unwrap();
        let (kind, rest) = self.line.split_at(1);
        let rest = rest.trim_end().to_string();
        match kind {
            "+" | ":" => out.push(rest),
            "-" => panic!("redis error: {rest}"),
            "$" => {
                let n: i64 = rest.parse().unwrap();
                if n >= 0 {
                    let mut b = vec![0u8; n as usize + 2];
                    self.r.read_exact(&mut b).unwrap();
                    out.push(String::from_utf8_lossy(&b[..n as usize]).into_owned());
                }
            }
            "*" => {
                let n: i64 = rest.parse().unwrap();
                for _ in 0..n.max(0) {
                    self.reply(out);
                }
            }
            k => panic!("unexpected reply type {k:?}"),
        }
    }

    /// Sends what is buffered and reads every pending reply.
    fn flush(&mut self, out: &mut Vec<String>) {
        self.w.flush().unwrap();
        while self.pending > 0 {
            self.reply(out);
            self.pending -= 1;
        }
    }
}

/// Commands per pipelined round trip to Redis (and queries per batch on
/// the ccsa side of the "my rank" comparison).
const PIPE: usize = 10_000;

/// The same workload on a Redis sorted set.
fn redis_leaderboard(port: u16, w: &Workload) -> Side {
    let mut c = Redis::connect(port);
    let mut sink = Vec::new();
    c.send(&[b"DEL", b"board"]);
    c.flush(&mut sink);
    // Every member starts at 0, as in the index.
    for chunk in (0..w.members).collect::<Vec<_>>().chunks(PIPE) {
        for &m in chunk {
            c.send(&[b"ZADD", b"board", b"0", m.to_string().as_bytes()]);
        }
        c.flush(&mut sink);
        sink.clear();
    }
    let t = Instant::now();
    for chunk in w.increments.chunks(PIPE) {
        for &(m, d) in chunk {
            c.send(&[
                b"ZINCRBY",
                b"board",
                d.to_string().as_bytes(),
                m.to_string().as_bytes(),
            ]);
        }
        c.flush(&mut sink);
        sink.clear();
    }
    let inc = t.elapsed().as_secs_f64();
    let t = Instant::now();
    for chunk in w.ranks.chunks(PIPE) {
        for &m in chunk {
            c.send(&[b"ZREVRANK", b"board", m.to_string().as_bytes()]);
        }
        c.flush(&mut sink);
        sink.clear();
    }
    let rank = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let mut last = Vec::new();
    for chunk in (0..w.pages).collect::<Vec<_>>().chunks(1_000) {
        for _ in chunk {
            c.send(&[b"ZREVRANGE", b"board", b"0", b"99", b"WITHSCORES"]);
        }
        sink.clear();
        c.flush(&mut sink);
        last = sink[sink.len() - 200..].to_vec();
    }
    let pages = t.elapsed().as_secs_f64();
    let top = last
        .chunks(2)
        .map(|p| p[1].parse::<f64>().expect("a score") as u64)
        .collect();
    (inc, rank, pages, top)
}

fn leaderboard(port: u16, runs: usize) {
    let w = Workload::new(
        num("--members", 1_000_000),
        num("--increments", 5_000_000),
        num("--ranks", 1_000_000),
        num("--pages", 10_000),
    );
    let (mut ours, mut theirs) = (Vec::new(), Vec::new());
    for _ in 0..runs {
        ours.push(ccsa_leaderboard(&w));
        theirs.push(redis_leaderboard(port, &w));
    }
    // Same operations, same result: the top 100 scores agree (tie order
    // differs by design: Redis breaks ties by member name, ccsa by who
    // reached the score first).
    assert_eq!(ours[0].3, theirs[0].3, "top-100 scores differ");
    type Part = (&'static str, usize, fn(&Side) -> f64);
    let parts: [Part; 3] = [
        ("point increments", w.increments.len(), |r| r.0),
        ("\"my rank\" queries", w.ranks.len(), |r| r.1),
        ("top-100 pages", w.pages, |r| r.2),
    ];
    for (what, n, f) in parts {
        let a = stats(ours.iter().map(f).collect());
        let b = stats(theirs.iter().map(f).collect());
        println!(
            "| {n} {what} over {} members | {} ({:.2} M/s) | Redis sorted set, pipelined: {} ({:.2} M/s) | {:.0}× its throughput | ≥ 100× |",
            w.members,
            spread(a),
            n as f64 / a.0 / 1e6,
            spread(b),
            n as f64 / b.0 / 1e6,
            b.0 / a.0
        );
    }
}

fn draws(runs: usize) {
    let n = num("--draws", 1_000_000);
    const CATEGORIES: [&str; 8] = [
        "法律法规",
        "安全常识",
        "应急处置",
        "特殊作业",
        "危化品储存",
        "职业健康",
        "消防",
        "事故案例",
    ];
    let pool = DrawPool::new((1..=600i64).map(|i| (QuestionId(i), CATEGORIES[(i % 8) as usize])));
    let ids: Vec<QuestionId> = (1..=600).map(QuestionId).collect();
    let day = NaiveDate::from_ymd_opt(2020, 6, 1).expect("a date");
    let cfg = DrawConfig::default();
    let history: Vec<(QuestionId, NaiveDate)> = (0..150)
        .map(|i| {
            (
                QuestionId(1 + (i * 7) % 600),
                day - chrono::Duration::days(1 + i / 5),
            )
        })
        .collect();
    let key_of = |m: i64| DrawKey {
        member: MemberId(m),
        day,
        bank_revision: 1,
        seed: 2020,
    };
    let hist = |with_history: bool| {
        if with_history {
            DrawHistory {
                recent: &history,
                due_reviews: &[],
            }
        } else {
            DrawHistory::default()
        }
    };
    // `draw`: an owned `DailyDraw` per call (one allocation each).
    let owned = |with_history: bool| {
        let t = Instant::now();
        for m in 0..n as i64 {
            black_box(draw(&pool, &key_of(m), hist(with_history), &cfg).expect("a draw"));
        }
        t.elapsed().as_secs_f64()
    };
    // `DrawScratch::draw`: the same draws into reused buffers, like the floor.
    let scratch = |with_history: bool| {
        let mut s = DrawScratch::default();
        let t = Instant::now();
        for m in 0..n as i64 {
            black_box(
                s.draw(&pool, &key_of(m), hist(with_history), &cfg)
                    .expect("a draw"),
            );
        }
        t.elapsed().as_secs_f64()
    };
    // The floor: a seeded partial shuffle of the bank taking 5, no history,
    // no categories, buffers reused.
    let floor = || {
        let mut scratch = ids.clone();
        let t = Instant::now();
        for m in 0..n as u64 {
            let mut r = SplitMix64::new(2020 ^ m);
            for i in 0..5 {
                let j = i + r.below(scratch.len() - i);
                scratch.swap(i, j);
            }
            black_box(&scratch[..5]);
        }
        t.elapsed().as_secs_f64()
    };
    // The floor honouring the same 30-day history, written plainly: a
    // `HashSet` of the ids seen in the window, then the partial shuffle
    // skipping them.
    let cutoff = day - chrono::Duration::days(i64::from(cfg.fresh_days));
    let floor_history = || {
        let mut scratch = ids.clone();
        let t = Instant::now();
        for m in 0..n as u64 {
            let seen: HashSet<QuestionId> = history
                .iter()
                .filter(|(_, d)| *d > cutoff && *d < day)
                .map(|(q, _)| *q)
                .collect();
            let mut r = SplitMix64::new(2020 ^ m);
            let (mut taken, mut i) = (0, 0);
            while taken < 5 {
                let j = i + r.below(scratch.len() - i);
                scratch.swap(i, j);
                if !seen.contains(&scratch[i]) {
                    scratch.swap(taken, i);
                    taken += 1;
                }
                i += 1;
            }
            black_box(&scratch[..5]);
        }
        t.elapsed().as_secs_f64()
    };
    let f = stats((0..runs).map(|_| floor()).collect());
    let fh = stats((0..runs).map(|_| floor_history()).collect());
    let row = |what: &str, a: (f64, f64, f64), peer: &str, p: (f64, f64, f64)| {
        println!(
            "| {n} daily draws, 600-question bank, {what} | {} | {peer}: {} | {:.1}× the peer's time | ≤ 3× |",
            spread(a),
            spread(p),
            a.0 / p.0
        );
    };
    let a = stats((0..runs).map(|_| scratch(false)).collect());
    row(
        "no history, `DrawScratch` (buffers reused)",
        a,
        "plain seeded shuffle-and-take (the floor)",
        f,
    );
    let a = stats((0..runs).map(|_| owned(false)).collect());
    row(
        "no history, `draw` (an owned result per draw)",
        a,
        "the floor",
        f,
    );
    let a = stats((0..runs).map(|_| scratch(true)).collect());
    row(
        "30 days of history (150 seen), `DrawScratch`",
        a,
        "the floor skipping a `HashSet` of the seen",
        fh,
    );
    // What the audited rule's seed costs alone (three chained finalisers
    // over seed, member, day number and bank revision), for the notes.
    let seed_only = || {
        let t = Instant::now();
        for m in 0..n as i64 {
            black_box(key_of(black_box(m)).stream().next_u64());
        }
        t.elapsed().as_secs_f64()
    };
    let sd = stats((0..runs).map(|_| seed_only()).collect());
    // The published rule's arithmetic with nothing else: the seed, one
    // output for the first category, five picks, four shuffle swaps.
    let rule_arithmetic = || {
        let mut scratch = ids.clone();
        let t = Instant::now();
        for m in 0..n as i64 {
            let mut r = key_of(black_box(m)).stream();
            black_box(r.below(8));
            for i in 0..5 {
                let j = i + r.below(scratch.len() - i);
                scratch.swap(i, j);
            }
            for i in (1..5).rev() {
                let j = r.below(i + 1);
                scratch.swap(i, j);
            }
            black_box(&scratch[..5]);
        }
        t.elapsed().as_secs_f64()
    };
    let ra = stats((0..runs).map(|_| rule_arithmetic()).collect());
    println!(
        "| (the rule's arithmetic alone: that seed, 10 stream outputs, the swaps) | {} | the floor: {} | {:.1}× | — |",
        spread(ra),
        spread(f),
        ra.0 / f.0
    );
    println!(
        "| (of each draw above: the audited seed alone, `DrawKey::stream`) | {} | the floor: {} | {:.1}× | — |",
        spread(sd),
        spread(f),
        sd.0 / f.0
    );
    println!(
        "| (the same, against the floor without history) | {} | the floor: {} | {:.1}× | — |",
        spread(a),
        spread(f),
        a.0 / f.0
    );
}

fn main() {
    let runs = num("--runs", 3);
    match std::env::args().nth(1).as_deref() {
        Some("leaderboard") => {
            let port: u16 = arg("--redis-port")
                .and_then(|p| p.parse().ok())
                .expect("--redis-port PORT");
            leaderboard(port, runs);
        }
        Some("draws") => draws(runs),
        // `cargo bench` runs every bench with `--bench`: nothing to do
        // without a subcommand (the comparisons need benches/peers/run).
        _ => eprintln!("usage: peers (leaderboard --redis-port P | draws) [--runs N]"),
    }
}
