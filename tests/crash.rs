//! Crashes: the answer ingestion killed with SIGKILL at random moments.
//!
//! A child process (this test binary again, running `crash_child`) opens a
//! SQLite campaign file and ingests day after day of batched submissions
//! for 40 members, printing `ACK member day points` after each batch whose
//! call returned success. The parent kills it with SIGKILL after a seeded
//! random delay, 50 times on 50 copies of the same prepared file, then
//! reopens each file and checks: `PRAGMA integrity_check` says ok, the
//! invariants hold (points equal the ledger sum, one submission per member
//! and day, rollups equal a recount), and every acknowledged submission is
//! stored with the points the child was told.

use ccsa::admin::AdminRegistration;
use ccsa::clock::{ManualClock, beijing_time};
use ccsa::directory::MemberId;
use ccsa::quiz::{Answer, Choices, SplitMix64};
use ccsa::registry::OrgId;
use ccsa::scoring::Campaign;
use ccsa::service::BatchAnswers;
use ccsa::sql::SqliteStore;
use ccsa::store::Store;
use ccsa::{Ccsa, StoreOptions, sample};
use chrono::{Duration, NaiveDate};
use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;

const RUNS: u64 = 50;
const MEMBERS: u64 = 40;

fn start() -> NaiveDate {
    NaiveDate::from_ymd_opt(2020, 3, 2).unwrap()
}

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

/// The prepared campaign: an org, its admin, 40 bound members, the bank.
async fn prepare(path: &Path) {
    let store = ccsa::open(&format!("sqlite://{}", path.display()))
        .await
        .unwrap();
    let clock = Arc::new(ManualClock::new(beijing_time(start(), 8, 0)));
    let ccsa = Ccsa::new(store, clock, Campaign::notice_2020(13)).unwrap();
    ccsa.list_notice_bureaus().await.unwrap();
    let reg = AdminRegistration {
        org_name: "神木市应急管理局".into(),
        real_name: "管理员".into(),
        phone: "13900000000".into(),
        username: "crash".into(),
        password: "password2020".into(),
        ..Default::default()
    };
    ccsa.register_admin(&reg).await.unwrap();
    let (_, ctx) = ccsa.login("crash", "password2020").await.unwrap();
    for i in 0..MEMBERS {
        ccsa.add_member(&ctx, &sample::member_form(7000 + i, ""))
            .await
            .unwrap();
    }
    ccsa.add_national_questions(sample::national_bank())
        .await
        .unwrap();
}

/// The child: ingest until killed.
async fn ingest(path: &Path) {
    let store = ccsa::open(&format!("sqlite://{}", path.display()))
        .await
        .unwrap();
    let clock = Arc::new(ManualClock::new(beijing_time(start(), 8, 0)));
    let ccsa = Ccsa::new(store.clone(), clock.clone(), Campaign::notice_2020(13)).unwrap();
    let org: OrgId = store
        .org_by_name("神木市应急管理局")
        .await
        .unwrap()
        .unwrap()
        .id;
    let members: Vec<MemberId> = store
        .members(org)
        .await
        .unwrap()
        .iter()
        .map(|m| m.id)
        .collect();
    let out = std::io::stdout();
    println!("READY {}", members.len());
    for day in 0..250 {
        let d = start() + Duration::days(day);
        clock.set(beijing_time(d, 21, 0));
        // two batches a day, half the members each
        for half in members.chunks(members.len() / 2) {
            let pairs: Vec<(MemberId, OrgId)> = half.iter().map(|m| (*m, org)).collect();
            let draws = ccsa.issue_draws(d, &pairs).await.unwrap();
            let items = draws
                .into_iter()
                .enumerate()
                .map(|(k, draw)| BatchAnswers {
                    answers: draw
                        .questions
                        .iter()
                        .enumerate()
                        .map(|(j, q)| Answer {
                            question: *q,
                            chosen: Choices(1 << ((j + k + day as usize) % 4)),
                        })
                        .collect(),
                    draw,
                    org,
                    answered_at: beijing_time(d, 20, k as u32 % 60),
                })
                .collect();
            let results = ccsa.submit_batch(d, items).await.unwrap();
            let mut lock = out.lock();
            for (m, r) in half.iter().zip(results) {
                let r = r.unwrap();
                writeln!(lock, "ACK {} {} {}", m.0, d, r.result.points).unwrap();
            }
            lock.flush().unwrap();
        }
    }
    println!("DONE");
}

/// Runs only as the child (`CCSA_CRASH_CHILD` names the file).
#[test]
fn crash_child() {
    if let Ok(path) = std::env::var("CCSA_CRASH_CHILD") {
        rt().block_on(ingest(Path::new(&path)));
    }
}

fn copy_db(from: &Path, to: &Path) {
    for s in ["", "-wal", "-shm"] {
        let src = PathBuf::from(format!("{}{s}", from.display()));
        let dst = PathBuf::from(format!("{}{s}", to.display()));
        let _ = std::fs::remove_file(&dst);
        if src.exists() {
            std::fs::copy(&src, &dst).unwrap();
        }
    }
}

#[test]
fn killed_ingestion_loses_nothing_acknowledged() {
    if std::env::var("CCSA_CRASH_CHILD").is_ok() {
        return; // the child runs `crash_child` only
    }
    let dir = std::env::temp_dir().join(format!("ccsa-crash-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let template = dir.join("template.db");
    let rt = rt();
    rt.block_on(prepare(&template));
    let mut rng = SplitMix64::new(2020);
    let (mut acked_total, mut mid_run) = (0usize, 0usize);
    for run in 0..RUNS {
        let db = dir.join(format!("run-{run}.db"));
        copy_db(&template, &db);
        let mut child = Command::new(std::env::current_exe().unwrap())
            .args(["--exact", "crash_child", "--nocapture", "--test-threads=1"])
            .env("CCSA_CRASH_CHILD", &db)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        // wait until the child is ingesting, then kill it at a random moment
        let reader = std::thread::spawn(move || {
            std::io::BufReader::new(stdout)
                .lines()
                .map_while(Result::ok)
                .collect::<Vec<String>>()
        });
        let delay = 150 + rng.below(1500) as u64;
        std::thread::sleep(std::time::Duration::from_millis(delay));
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
        let lines = reader.join().unwrap();
        assert!(
            !lines.iter().any(|l| l == "DONE"),
            "run {run}: the child finished before the kill"
        );
        let acks: Vec<(i64, NaiveDate, i64)> = lines
            .iter()
            .filter_map(|l| l.strip_prefix("ACK "))
            .map(|l| {
                let mut p = l.split(' ');
                (
                    p.next().unwrap().parse().unwrap(),
                    p.next().unwrap().parse().unwrap(),
                    p.next().unwrap().parse().unwrap(),
                )
            })
            .collect();
        if !acks.is_empty() {
            mid_run += 1;
        }
        acked_total += acks.len();
        rt.block_on(async {
            let url = format!("sqlite://{}", db.display());
            let sqlite = SqliteStore::open(&url, &StoreOptions::default())
                .await
                .unwrap();
            sqlite
                .integrity_check()
                .await
                .unwrap_or_else(|e| panic!("run {run}: integrity_check: {e}"));
            let report = sqlite.check_invariants().await.unwrap();
            assert!(
                report.is_sound(),
                "run {run} (killed at {delay} ms): {:?}",
                report.violations
            );
            for (m, d, points) in &acks {
                let stored = sqlite.submission(MemberId(*m), *d).await.unwrap();
                assert_eq!(
                    stored.map(|r| r.points),
                    Some(*points),
                    "run {run}: acknowledged submission of member {m} on {d}"
                );
            }
            sqlite.close().await;
        });
        for s in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{s}", db.display()));
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
    assert!(
        mid_run >= RUNS as usize / 2,
        "only {mid_run} of {RUNS} kills landed after the first acknowledgement"
    );
    println!(
        "{RUNS} kills, {mid_run} mid-ingestion, {acked_total} acknowledged submissions checked, 0 lost, integrity ok"
    );
}
