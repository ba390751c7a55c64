//! Store benchmarks, each beside the baseline a user would write instead,
//! in the same run:
//!
//! 1. graded daily submissions (answer log, ledger, totals, rollups, review
//!    cards) into SQLite through the store vs the same rows written with
//!    hand-written rusqlite prepared statements in batched transactions;
//! 2. the same into PostgreSQL through the store vs `COPY` of the log rows,
//!    and vs the same rows written by hand (`COPY` of the log rows, then one
//!    `UNNEST` upsert per rollup table);
//! 3. leaderboard top-100 page and "my rank" latency at 1,000,000 members;
//! 4. the monthly county report over 100,000 members.
//!
//! Run: `scripts/with-postgres cargo bench --bench store` (PostgreSQL parts
//! are skipped, and say so, without `CCSA_TEST_PG_URL`). Options:
//! `--submissions N` (default 200000), `--board N` (default 1000000),
//! `--only postgres` (part 2 alone). Writes `target/bench-store.md`.

use ccsa::clock::beijing_time;
use ccsa::directory::MemberId;
use ccsa::quiz::{Choices, GradedAnswer, QuestionId, ReviewCard, ReviewChange, SplitMix64};
use ccsa::ranking::{Period, Scope};
use ccsa::registry::{County, OrgId, Roster};
use ccsa::scoring::{DailySubmission, LedgerEntry, LedgerKind};
use ccsa::store::Store;
use chrono::{Duration, NaiveDate};
use std::sync::Arc;
use std::time::Instant;

const BATCH: usize = 1000;

fn arg(name: &str, default: usize) -> usize {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Removes this run's databases (each holds up to a few hundred MB).
fn remove_temp_dbs() {
    let dir = std::env::temp_dir().join("ccsa-bench");
    let mine = format!("-{}.db", std::process::id());
    for e in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
        if e.file_name().to_string_lossy().contains(&mine) {
            let _ = std::fs::remove_file(e.path());
        }
    }
}

fn temp_db(name: &str) -> String {
    let dir = std::env::temp_dir().join("ccsa-bench");
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join(format!("{name}-{}.db", std::process::id()));
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
    path.display().to_string()
}

/// `n` graded submissions: members 1..=m, consecutive days, 5 answers each.
fn submissions(n: usize, orgs: &[OrgId]) -> Vec<DailySubmission> {
    let members = (n / 30).max(1);
    let mut r = SplitMix64::new(42);
    let start = NaiveDate::from_ymd_opt(2020, 3, 1).unwrap();
    (0..n)
        .map(|i| {
            let member = MemberId((i % members) as i64 + 1);
            let org = orgs[member.0 as usize % orgs.len()];
            let day = start + Duration::days((i / members) as i64);
            let at = beijing_time(day, 8, 0) + Duration::seconds((i % members) as i64);
            let answers: Vec<GradedAnswer> = (0..5)
                .map(|k| GradedAnswer {
                    question: QuestionId(1 + r.below(120) as i64),
                    chosen: Choices(1 << r.below(4)),
                    correct: r.below(10) < 7 || k == 0,
                })
                .collect();
            let correct = answers.iter().filter(|a| a.correct).count() as u32;
            let base = i64::from(correct) * 10;
            let bonus = if correct == 5 { 10 } else { 0 };
            let mut ledger = vec![LedgerEntry {
                member,
                org,
                day,
                kind: LedgerKind::DailyQuiz,
                points: base,
                at,
            }];
            if bonus > 0 {
                ledger.push(LedgerEntry {
                    member,
                    org,
                    day,
                    kind: LedgerKind::FullMarksBonus,
                    points: bonus,
                    at,
                });
            }
            let reviews = answers
                .iter()
                .filter(|a| !a.correct)
                .map(|a| {
                    ReviewChange::Upsert(
                        ReviewCard::after_answer(None, a.question, false, day).unwrap(),
                    )
                })
                .collect();
            DailySubmission {
                member,
                org,
                day,
                submitted_at: at,
                answers,
                correct,
                points: base + bonus,
                ledger,
                reviews,
            }
        })
        .collect()
}

fn answers_text(s: &DailySubmission) -> String {
    s.answers
        .iter()
        .map(|a| format!("{}:{}:{}", a.question.0, a.chosen.0, u8::from(a.correct)))
        .collect::<Vec<_>>()
        .join(";")
}

fn month(d: NaiveDate) -> i64 {
    use chrono::Datelike;
    i64::from(d.year()) * 100 + i64::from(d.month())
}

/// The hand-written baseline: rusqlite prepared statements writing the same
/// rows (log, ledger, totals, monthly and daily rollups, review cards), one
/// transaction per batch.
fn raw_rusqlite(
    path: &str,
    subs: &[DailySubmission],
    county: &std::collections::HashMap<OrgId, i64>,
) -> f64 {
    let mut c = rusqlite::Connection::open(path).unwrap();
    c.execute_batch(
        "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA cache_size=-65536;",
    )
    .unwrap();
    c.execute_batch(include_str!(
        "../ccsa-store/migrations/sqlite/0001_schema.sql"
    ))
    .unwrap();
    let t = Instant::now();
    for chunk in subs.chunks(BATCH) {
        let tx = c.transaction().unwrap();
        {
            let mut ins = tx.prepare_cached("INSERT INTO submissions (member, day, month, org, submitted_at, correct, points, answers) VALUES (?,?,?,?,?,?,?,?) ON CONFLICT (member, day) DO NOTHING").unwrap();
            let mut led = tx
                .prepare_cached(
                    "INSERT INTO ledger (member, org, day, kind, points, at) VALUES (?,?,?,?,?,?)",
                )
                .unwrap();
            let mut tot = tx.prepare_cached("INSERT INTO member_totals (member, org, county, points, reached_at) VALUES (?,?,?,?,?) ON CONFLICT (member) DO UPDATE SET points = member_totals.points + excluded.points, reached_at = CASE WHEN excluded.points > 0 THEN excluded.reached_at ELSE member_totals.reached_at END").unwrap();
            let mut mon = tx.prepare_cached("INSERT INTO member_months (member, month, org, county, points, days, reached_at) VALUES (?,?,?,?,?,1,?) ON CONFLICT (member, month) DO UPDATE SET points = member_months.points + excluded.points, days = member_months.days + 1, reached_at = CASE WHEN excluded.points > 0 THEN excluded.reached_at ELSE member_months.reached_at END").unwrap();
            let mut od = tx.prepare_cached("INSERT INTO org_days (org, day, participants, points) VALUES (?,?,1,?) ON CONFLICT (org, day) DO UPDATE SET participants = org_days.participants + 1, points = org_days.points + excluded.points").unwrap();
            let mut card = tx.prepare_cached("INSERT INTO review_cards (member, question, repetitions, interval_days, ease_milli, due) VALUES (?,?,?,?,?,?) ON CONFLICT (member, question) DO UPDATE SET repetitions = excluded.repetitions, interval_days = excluded.interval_days, ease_milli = excluded.ease_milli, due = excluded.due").unwrap();
            for s in chunk {
                let day = s.day.to_string();
                let at = s.submitted_at.timestamp_micros();
                ins.execute(rusqlite::params![
                    s.member.0,
                    day,
                    month(s.day),
                    s.org.0,
                    at,
                    s.correct,
                    s.points,
                    answers_text(s)
                ])
                .unwrap();
                for e in &s.ledger {
                    led.execute(rusqlite::params![
                        e.member.0,
                        e.org.0,
                        day,
                        e.kind.as_str(),
                        e.points,
                        e.at.timestamp_micros()
                    ])
                    .unwrap();
                }
                tot.execute(rusqlite::params![
                    s.member.0,
                    s.org.0,
                    county[&s.org],
                    s.points,
                    at
                ])
                .unwrap();
                mon.execute(rusqlite::params![
                    s.member.0,
                    month(s.day),
                    s.org.0,
                    county[&s.org],
                    s.points,
                    at
                ])
                .unwrap();
                od.execute(rusqlite::params![s.org.0, day, s.points])
                    .unwrap();
                for r in &s.reviews {
                    if let ReviewChange::Upsert(c) = r {
                        card.execute(rusqlite::params![
                            s.member.0,
                            c.question.0,
                            c.repetitions,
                            c.interval_days,
                            c.ease_milli,
                            c.due.to_string()
                        ])
                        .unwrap();
                    }
                }
            }
        }
        tx.commit().unwrap();
    }
    t.elapsed().as_secs_f64()
}

async fn through_store(store: &Arc<dyn Store>, subs: &[DailySubmission]) -> f64 {
    let t = Instant::now();
    for chunk in subs.chunks(BATCH) {
        let out = store.record_submissions(chunk.to_vec()).await.unwrap();
        assert!(out.iter().all(|o| o.first));
    }
    let secs = t.elapsed().as_secs_f64();
    assert!(store.check_invariants().await.unwrap().is_sound());
    secs
}

async fn orgs_of(store: &Arc<dyn Store>) -> (Vec<OrgId>, std::collections::HashMap<OrgId, i64>) {
    let mut ids = Vec::new();
    let mut county = std::collections::HashMap::new();
    for o in Roster::notice_bureaus(NaiveDate::from_ymd_opt(2020, 3, 1).unwrap()) {
        let org = store.insert_org(o).await.unwrap();
        ids.push(org.id);
        county.insert(org.id, i64::from(org.county.0));
    }
    (ids, county)
}

fn median(mut v: Vec<f64>) -> (f64, f64) {
    v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    (v[v.len() / 2], v[(v.len() * 99 / 100).min(v.len() - 1)])
}

/// Fills members and campaign totals for `n` members with raw SQL (setup only).
fn fill_board_sqlite(
    path: &str,
    n: usize,
    orgs: &[OrgId],
    county: &std::collections::HashMap<OrgId, i64>,
) {
    let mut c = rusqlite::Connection::open(path).unwrap();
    let tx = c.transaction().unwrap();
    {
        let mut m = tx.prepare("INSERT INTO members (id, org, name, position, gender, id_number, phone, created_at, created_on) VALUES (?,?,?,?,?,?,?,?,?)").unwrap();
        let mut t = tx.prepare("INSERT INTO member_totals (member, org, county, points, reached_at) VALUES (?,?,?,?,?)").unwrap();
        let mut r = SplitMix64::new(7);
        for i in 0..n {
            let p = ccsa::sample::person(i as u64);
            let org = orgs[i % orgs.len()];
            m.execute(rusqlite::params![
                i as i64 + 1,
                org.0,
                p.name,
                "",
                p.gender.as_zh(),
                p.id_number,
                p.phone,
                0i64,
                "2020-03-01"
            ])
            .unwrap();
            t.execute(rusqlite::params![
                i as i64 + 1,
                org.0,
                county[&org],
                (r.below(3000) * 10) as i64,
                r.below(1 << 40) as i64
            ])
            .unwrap();
        }
    }
    tx.commit().unwrap();
}

fn black_box_len(n: usize) {
    std::hint::black_box(n);
}

async fn board_latency(store: &Arc<dyn Store>, n: usize) -> (f64, f64, f64, f64) {
    let mut pages = Vec::new();
    for k in 0..20 {
        let t = Instant::now();
        let page = store
            .leaderboard_page(Scope::All, Period::Campaign, k % 2 * 100, 100)
            .await
            .unwrap();
        pages.push(t.elapsed().as_secs_f64() * 1e3);
        assert_eq!(page.len(), 100);
    }
    let mut r = SplitMix64::new(3);
    let mut ranks = Vec::new();
    for _ in 0..50 {
        let m = MemberId(1 + r.below(n) as i64);
        let t = Instant::now();
        let e = store
            .standing_of(m, Scope::All, Period::Campaign)
            .await
            .unwrap();
        ranks.push(t.elapsed().as_secs_f64() * 1e3);
        assert!(e.is_some());
    }
    let (p50, p99) = median(pages);
    let (r50, r99) = median(ranks);
    (p50, p99, r50, r99)
}

fn main() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(run());
}

async fn run() {
    let n = arg("--submissions", 200_000);
    let board_n = arg("--board", 1_000_000);
    let mut rows: Vec<String> = Vec::new();
    let pg = std::env::var("CCSA_TEST_PG_URL").ok();

    let pg_only = std::env::args()
        .collect::<Vec<_>>()
        .windows(2)
        .any(|w| w[0] == "--only" && w[1] == "postgres");

    // 1. SQLite submissions
    if !pg_only {
        let path = temp_db("subs");
        let store = ccsa::open(&format!("sqlite://{path}")).await.unwrap();
        let (orgs, county) = orgs_of(&store).await;
        let subs = submissions(n, &orgs);
        let store_s = through_store(&store, &subs).await;
        let raw_s = raw_rusqlite(&temp_db("raw"), &subs, &county);
        rows.push(format!(
        "| {n} graded submissions → SQLite (log, ledger, totals, rollups, review cards), batches of {BATCH} | ccsa store: {:.0}/s | hand-written rusqlite, same rows: {:.0}/s | {:.2}× | ≥ 0.5× |",
        n as f64 / store_s,
        n as f64 / raw_s,
        raw_s / store_s
    ));
    }

    // 2. PostgreSQL submissions
    match &pg {
        Some(url) => {
            let db = create_pg_db(url, "bench_subs").await;
            let store = ccsa::open(&db).await.unwrap();
            let (orgs, county) = orgs_of(&store).await;
            let subs = submissions(n, &orgs);
            let store_s = through_store(&store, &subs).await;
            let copy_s = pg_copy(&create_pg_db(url, "bench_copy").await, &subs).await;
            let hand_s = pg_hand(&create_pg_db(url, "bench_hand").await, &subs, &county).await;
            rows.push(format!(
                "| {n} graded submissions → PostgreSQL, batches of {BATCH} | ccsa store: {:.0}/s | `COPY` of the log rows (submissions + ledger, no rollups): {:.0}/s | {:.2}× | ≥ 0.5× |",
                n as f64 / store_s,
                n as f64 / copy_s,
                copy_s / store_s
            ));
            rows.push(format!(
                "| the same, against the same rows written by hand | ccsa store: {:.0}/s | `COPY` of the log rows, then one `UNNEST` upsert per rollup table, one transaction per batch: {:.0}/s | {:.2}× | — |",
                n as f64 / store_s,
                n as f64 / hand_s,
                hand_s / store_s
            ));
        }
        None => {
            rows.push("| PostgreSQL submissions | skipped: CCSA_TEST_PG_URL not set | | | |".into())
        }
    }

    if pg_only {
        println!("{}", rows.join("\n"));
        remove_temp_dbs();
        return;
    }

    // 3. leaderboard latency at board_n members
    let path = temp_db("board");
    let store = ccsa::open(&format!("sqlite://{path}")).await.unwrap();
    let (orgs, county) = orgs_of(&store).await;
    fill_board_sqlite(&path, board_n, &orgs, &county);
    let (p50, p99, r50, r99) = board_latency(&store, board_n).await;
    rows.push(format!("| SQLite leaderboard, {board_n} members: top-100 page | {p50:.1} ms median, {p99:.1} ms p99 | | | |"));
    rows.push(format!("| SQLite leaderboard, {board_n} members: \"my rank\" | {r50:.1} ms median, {r99:.1} ms p99 | | | |"));
    if let Some(url) = &pg {
        let db = create_pg_db(url, "bench_board").await;
        let store = ccsa::open(&db).await.unwrap();
        let (orgs, county) = orgs_of(&store).await;
        fill_board_pg(&db, board_n, &orgs, &county).await;
        let (p50, p99, r50, r99) = board_latency(&store, board_n).await;
        rows.push(format!("| PostgreSQL leaderboard, {board_n} members: top-100 page | {p50:.1} ms median, {p99:.1} ms p99 | | | |"));
        rows.push(format!("| PostgreSQL leaderboard, {board_n} members: \"my rank\" | {r50:.1} ms median, {r99:.1} ms p99 | | | |"));
    }

    // 4. monthly county report over 100k members x 30 days (rollups)
    let path = temp_db("report");
    let store = ccsa::open(&format!("sqlite://{path}")).await.unwrap();
    let (orgs, county) = orgs_of(&store).await;
    let report_members = 100_000;
    fill_board_sqlite(&path, report_members, &orgs, &county);
    {
        let mut c = rusqlite::Connection::open(&path).unwrap();
        let tx = c.transaction().unwrap();
        {
            // The rollup the store keeps and, for the hand-written baseline,
            // the raw answer log it is kept from: the same month either way.
            let mut mm = tx.prepare("INSERT INTO member_months (member, month, org, county, points, days, reached_at) VALUES (?,202004,?,?,?,?,0)").unwrap();
            let mut log = tx.prepare("INSERT INTO submissions (member, day, month, org, submitted_at, correct, points, answers) VALUES (?,?,202004,?,0,4,40,'')").unwrap();
            let mut r = SplitMix64::new(5);
            for i in 0..report_members {
                if r.below(10) < 7 {
                    let org = orgs[i % orgs.len()];
                    let days = 1 + r.below(30) as i64;
                    mm.execute(rusqlite::params![
                        i as i64 + 1,
                        org.0,
                        county[&org],
                        days * 40,
                        days
                    ])
                    .unwrap();
                    let first = r.below(31 - days as usize) as i64;
                    for d in first..first + days {
                        log.execute(rusqlite::params![
                            i as i64 + 1,
                            format!("2020-04-{:02}", d + 1),
                            org.0
                        ])
                        .unwrap();
                    }
                }
            }
        }
        tx.commit().unwrap();
    }
    let clock = Arc::new(ccsa::clock::ManualClock::at_rfc3339("2020-05-01T00:00:00Z"));
    let svc = ccsa::Ccsa::new(
        store.clone(),
        clock,
        ccsa::scoring::Campaign::notice_2020(1),
    )
    .unwrap();
    let mut times = Vec::new();
    for _ in 0..15 {
        let t = Instant::now();
        let r = svc.monthly_report(2020, 4).await.unwrap();
        times.push(t.elapsed().as_secs_f64() * 1e3);
        assert_eq!(r.counties.len(), County::all().len());
        assert_eq!(r.total.registered as usize, report_members);
    }
    let (m50, m99) = median(times);
    // The baseline: the same report written by hand over the raw answer log.
    let report = svc.monthly_report(2020, 4).await.unwrap();
    let c = rusqlite::Connection::open(&path).unwrap();
    let hand = "SELECT o.county, COUNT(DISTINCT s.member), SUM(s.points) FROM submissions s \
                JOIN orgs o ON o.id = s.org WHERE s.day BETWEEN '2020-04-01' AND '2020-04-30' \
                GROUP BY o.county";
    let registered = "SELECT o.county, COUNT(*) FROM members m JOIN orgs o ON o.id = m.org \
                      WHERE m.deleted_at IS NULL GROUP BY o.county";
    let mut hand_times = Vec::new();
    let mut by_county = std::collections::HashMap::new();
    for _ in 0..5 {
        let t = Instant::now();
        let mut q = c.prepare(hand).unwrap();
        by_county = q
            .query_map([], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    (r.get::<_, i64>(1)?, r.get::<_, i64>(2)?),
                ))
            })
            .unwrap()
            .map(Result::unwrap)
            .collect::<std::collections::HashMap<_, _>>();
        let mut q = c.prepare(registered).unwrap();
        let regs: Vec<(i64, i64)> = q
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        black_box_len(regs.len());
        hand_times.push(t.elapsed().as_secs_f64() * 1e3);
    }
    for line in &report.counties {
        let (p, pts) = by_county
            .get(&i64::from(line.county.0))
            .copied()
            .unwrap_or((0, 0));
        assert_eq!(
            (i64::from(line.figures.participants), line.figures.points),
            (p, pts),
            "report and hand SQL agree"
        );
    }
    let (h50, _) = median(hand_times);
    rows.push(format!("| monthly county report, {report_members} members × 30 days (SQLite) | {m50:.1} ms median, {m99:.1} ms max | the same report in hand-written SQL over the raw answer log: {h50:.1} ms median | {:.1}× faster | ≥ 10× (and < 100 ms) |", h50 / m50));

    let mut md = String::from(
        "| work | ccsa | baseline in the same run | ccsa ÷ baseline throughput | target |\n|---|---|---|---|---|\n",
    );
    for r in &rows {
        md.push_str(r);
        md.push('\n');
    }
    println!("{md}");
    let _ = std::fs::create_dir_all("target");
    std::fs::write("target/bench-store.md", &md).unwrap();
    remove_temp_dbs();
}

async fn create_pg_db(url: &str, name: &str) -> String {
    let name = format!("{name}_{}", std::process::id());
    ccsa::sql::PgStore::create_database(url, &name)
        .await
        .unwrap()
}

/// Appends one submission's `COPY` text lines: its log row to `s`, its
/// ledger rows to `l`.
fn copy_lines(x: &DailySubmission, s: &mut String, l: &mut String) {
    s.push_str(&format!(
        "{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\n",
        x.member.0,
        x.day,
        month(x.day),
        x.org.0,
        x.submitted_at.timestamp_micros(),
        x.correct,
        x.points,
        answers_text(x)
    ));
    for e in &x.ledger {
        l.push_str(&format!(
            "{}\t{}\t{}\t{}\t{}\t{}\n",
            e.member.0,
            e.org.0,
            e.day,
            e.kind.as_str(),
            e.points,
            e.at.timestamp_micros()
        ));
    }
}

/// Runs one `COPY ... FROM STDIN` statement with `text` (tab-separated rows).
async fn copy_text(c: &mut sqlx::PgConnection, statement: &str, text: &str) {
    let mut cp = c.copy_in_raw(statement).await.unwrap();
    cp.send(text.as_bytes()).await.unwrap();
    cp.finish().await.unwrap();
}

/// `COPY` of a batch's log rows and ledger rows (text built by `copy_lines`).
async fn copy_log(tx: &mut sqlx::PgConnection, s: &str, l: &str) {
    copy_text(tx, "COPY submissions (member, day, month, org, submitted_at, correct, points, answers) FROM STDIN", s).await;
    copy_text(
        tx,
        "COPY ledger (member, org, day, kind, points, at) FROM STDIN",
        l,
    )
    .await;
}

/// COPY of the log rows (submissions and ledger) into a fresh schema.
async fn pg_copy(db: &str, subs: &[DailySubmission]) -> f64 {
    let store = ccsa::open(db).await.unwrap(); // creates the schema
    drop(store);
    use sqlx::Connection;
    let mut c = sqlx::PgConnection::connect(db).await.unwrap();
    let t = Instant::now();
    for chunk in subs.chunks(BATCH) {
        let mut s = String::new();
        let mut l = String::new();
        for x in chunk {
            copy_lines(x, &mut s, &mut l);
        }
        let mut tx = c.begin().await.unwrap();
        copy_log(&mut tx, &s, &l).await;
        tx.commit().await.unwrap();
    }
    t.elapsed().as_secs_f64()
}

/// The same rows as the store writes, by hand with the fastest tools
/// PostgreSQL offers, one transaction per batch: `COPY` of the log and the
/// ledger, then one `UNNEST` upsert per rollup table (totals, months, org
/// days, review cards), each aggregated per key first (an upsert cannot
/// touch a row twice).
async fn pg_hand(
    db: &str,
    subs: &[DailySubmission],
    county: &std::collections::HashMap<OrgId, i64>,
) -> f64 {
    use std::collections::BTreeMap;
    let store = ccsa::open(db).await.unwrap(); // creates the schema
    drop(store);
    use sqlx::Connection;
    let mut c = sqlx::PgConnection::connect(db).await.unwrap();
    let t = Instant::now();
    for chunk in subs.chunks(BATCH) {
        let (mut s, mut l) = (String::new(), String::new());
        let mut totals: BTreeMap<i64, (i64, i64, i64, i64)> = BTreeMap::new();
        // (org, county, points, days, reached_at) per (member, month)
        type MonthRow = (i64, i64, i64, i64, i64);
        let mut months: BTreeMap<(i64, i64), MonthRow> = BTreeMap::new();
        let mut org_days: BTreeMap<(i64, NaiveDate), (i64, i64)> = BTreeMap::new();
        let mut cards: BTreeMap<(i64, i64), ReviewCard> = BTreeMap::new();
        for x in chunk {
            let at = x.submitted_at.timestamp_micros();
            copy_lines(x, &mut s, &mut l);
            let cty = county[&x.org];
            let tot = totals.entry(x.member.0).or_insert((x.org.0, cty, 0, at));
            tot.2 += x.points;
            tot.3 = at;
            let mon = months
                .entry((x.member.0, month(x.day)))
                .or_insert((x.org.0, cty, 0, 0, at));
            mon.2 += x.points;
            mon.3 += 1;
            mon.4 = at;
            let od = org_days.entry((x.org.0, x.day)).or_insert((0, 0));
            od.0 += 1;
            od.1 += x.points;
            for r in &x.reviews {
                if let ReviewChange::Upsert(card) = r {
                    cards.insert((x.member.0, card.question.0), *card);
                }
            }
        }
        let mut tx = c.begin().await.unwrap();
        copy_log(&mut tx, &s, &l).await;
        fn col(v: Vec<i64>) -> Vec<i64> {
            v // names the element type for `collect`
        }
        sqlx::query("INSERT INTO member_totals (member, org, county, points, reached_at) SELECT * FROM UNNEST($1::bigint[], $2::bigint[], $3::bigint[], $4::bigint[], $5::bigint[]) ON CONFLICT (member) DO UPDATE SET points = member_totals.points + excluded.points, reached_at = CASE WHEN excluded.points > 0 THEN excluded.reached_at ELSE member_totals.reached_at END")
            .bind(col(totals.keys().copied().collect()))
            .bind(col(totals.values().map(|v| v.0).collect()))
            .bind(col(totals.values().map(|v| v.1).collect()))
            .bind(col(totals.values().map(|v| v.2).collect()))
            .bind(col(totals.values().map(|v| v.3).collect()))
            .execute(&mut *tx)
            .await
            .unwrap();
        sqlx::query("INSERT INTO member_months (member, month, org, county, points, days, reached_at) SELECT * FROM UNNEST($1::bigint[], $2::bigint[], $3::bigint[], $4::bigint[], $5::bigint[], $6::bigint[], $7::bigint[]) ON CONFLICT (member, month) DO UPDATE SET points = member_months.points + excluded.points, days = member_months.days + excluded.days, reached_at = CASE WHEN excluded.points > 0 THEN excluded.reached_at ELSE member_months.reached_at END")
            .bind(col(months.keys().map(|k| k.0).collect()))
            .bind(col(months.keys().map(|k| k.1).collect()))
            .bind(col(months.values().map(|v| v.0).collect()))
            .bind(col(months.values().map(|v| v.1).collect()))
            .bind(col(months.values().map(|v| v.2).collect()))
            .bind(col(months.values().map(|v| v.3).collect()))
            .bind(col(months.values().map(|v| v.4).collect()))
            .execute(&mut *tx)
            .await
            .unwrap();
        sqlx::query("INSERT INTO org_days (org, day, participants, points) SELECT * FROM UNNEST($1::bigint[], $2::date[], $3::bigint[], $4::bigint[]) ON CONFLICT (org, day) DO UPDATE SET participants = org_days.participants + excluded.participants, points = org_days.points + excluded.points")
            .bind(col(org_days.keys().map(|k| k.0).collect()))
            .bind(org_days.keys().map(|k| k.1).collect::<Vec<NaiveDate>>())
            .bind(col(org_days.values().map(|v| v.0).collect()))
            .bind(col(org_days.values().map(|v| v.1).collect()))
            .execute(&mut *tx)
            .await
            .unwrap();
        sqlx::query("INSERT INTO review_cards (member, question, repetitions, interval_days, ease_milli, due) SELECT * FROM UNNEST($1::bigint[], $2::bigint[], $3::bigint[], $4::bigint[], $5::bigint[], $6::date[]) ON CONFLICT (member, question) DO UPDATE SET repetitions = excluded.repetitions, interval_days = excluded.interval_days, ease_milli = excluded.ease_milli, due = excluded.due")
            .bind(col(cards.keys().map(|k| k.0).collect()))
            .bind(col(cards.keys().map(|k| k.1).collect()))
            .bind(col(cards.values().map(|c| i64::from(c.repetitions)).collect()))
            .bind(col(cards.values().map(|c| i64::from(c.interval_days)).collect()))
            .bind(col(cards.values().map(|c| i64::from(c.ease_milli)).collect()))
            .bind(cards.values().map(|c| c.due).collect::<Vec<NaiveDate>>())
            .execute(&mut *tx)
            .await
            .unwrap();
        tx.commit().await.unwrap();
    }
    t.elapsed().as_secs_f64()
}

async fn fill_board_pg(
    db: &str,
    n: usize,
    orgs: &[OrgId],
    county: &std::collections::HashMap<OrgId, i64>,
) {
    use sqlx::Connection;
    let mut c = sqlx::PgConnection::connect(db).await.unwrap();
    let mut r = SplitMix64::new(7);
    for start in (0..n).step_by(100_000) {
        let mut m = String::new();
        let mut t = String::new();
        for i in start..(start + 100_000).min(n) {
            let p = ccsa::sample::person(i as u64);
            let org = orgs[i % orgs.len()];
            m.push_str(&format!(
                "{}\t{}\t{}\t\t{}\t{}\t{}\t0\t2020-03-01\n",
                i + 1,
                org.0,
                p.name,
                p.gender.as_zh(),
                p.id_number,
                p.phone
            ));
            t.push_str(&format!(
                "{}\t{}\t{}\t{}\t{}\n",
                i + 1,
                org.0,
                county[&org],
                r.below(3000) * 10,
                r.below(1 << 40)
            ));
        }
        copy_text(&mut c, "COPY members (id, org, name, position, gender, id_number, phone, created_at, created_on) FROM STDIN", &m).await;
        copy_text(
            &mut c,
            "COPY member_totals (member, org, county, points, reached_at) FROM STDIN",
            &t,
        )
        .await;
    }
    sqlx::query("ANALYZE").execute(&mut c).await.unwrap();
}
