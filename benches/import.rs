//! Member import at scale: a 100,000-row template file read by calamine alone,
//! imported by ccsa (read, validate every row, write to SQLite in one
//! transaction), and read by calamine and written by rusqlite with no checks
//! (the standard tools' floor), in the same run, each in a process of its
//! own so that each one's peak memory is its own.
//!
//! Run: `cargo bench --bench import` (`-- --rows N` to change the size).
//! Writes `target/bench-import.md`.

use calamine::{DataType, Reader};
use ccsa::admin::AdminRegistration;
use ccsa::clock::ManualClock;
use ccsa::directory::{ImportMode, RowOutcome, TEMPLATE_COLUMNS, TEMPLATE_SHEET};
use ccsa::scoring::Campaign;
use ccsa::{Ccsa, sample};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use std::time::Instant;

const RUNS: usize = 3;

fn arg(name: &str) -> Option<String> {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .cloned()
}

fn peak_rss_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok())
        })
        .map_or(f64::NAN, |kb| kb / 1024.0)
}

/// The template file with `n` sample members (rust_xlsxwriter, text cells).
fn write_file(n: usize, path: &Path) {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet().set_name(TEMPLATE_SHEET).unwrap();
    for (c, t) in TEMPLATE_COLUMNS.iter().enumerate() {
        ws.write_string(0, c as u16, *t).unwrap();
    }
    let depts = ["生产部", "技术部", "一车间", "二车间", ""];
    for i in 0..n {
        let f = sample::member_form(i as u64, depts[i % depts.len()]);
        let r = i as u32 + 1;
        let cells = [
            (i + 1).to_string(),
            f.name,
            f.department,
            f.position,
            f.gender,
            f.id_number,
            f.phone,
            f.email,
            f.education,
        ];
        for (c, v) in cells.iter().enumerate() {
            if !v.is_empty() {
                ws.write_string(r, c as u16, v).unwrap();
            }
        }
    }
    wb.save(path).unwrap();
}

/// Removes a database file and its WAL and shared-memory files.
fn remove_db(db: &Path) {
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", db.display()));
    }
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    v[v.len() / 2]
}

/// Child: calamine reads the sheet into its table and touches every cell.
fn read_with_calamine(path: &Path, n: usize) -> Vec<f64> {
    let bytes = std::fs::read(path).unwrap();
    (0..RUNS)
        .map(|_| {
            let t = Instant::now();
            let mut book =
                calamine::open_workbook_auto_from_rs(std::io::Cursor::new(bytes.as_slice()))
                    .unwrap();
            let range = book.worksheet_range(TEMPLATE_SHEET).unwrap();
            let cells: usize = range
                .rows()
                .map(|r| r.iter().filter(|c| !c.is_empty()).count())
                .sum();
            assert!(cells > n * 7);
            t.elapsed().as_secs_f64()
        })
        .collect()
}

/// Child: the floor of the same work with the standard tools and no
/// checks at all: calamine reads the sheet into its table, and every data
/// row is written with rusqlite (one prepared statement, one transaction)
/// into a fresh database with ccsa's schema and the same pragmas as the
/// store, departments looked up by name in a `HashMap`. What a
/// hand-written Rust importer costs before it validates anything.
fn floor_calamine_rusqlite(path: &Path, n: usize) -> Vec<f64> {
    let bytes = std::fs::read(path).unwrap();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    (0..RUNS)
        .map(|run| {
            let dir = std::env::temp_dir().join("ccsa-bench");
            std::fs::create_dir_all(&dir).unwrap();
            let db = dir.join(format!("floor-{}-{run}.db", std::process::id()));
            remove_db(&db);
            // Set-up, untimed: the schema and one org.
            let org = rt.block_on(async {
                let store = ccsa::open(&format!("sqlite://{}", db.display())).await.unwrap();
                let bureau = ccsa::registry::Roster::notice_bureaus(
                    chrono::NaiveDate::from_ymd_opt(2020, 3, 1).unwrap(),
                )
                .into_iter()
                .next()
                .unwrap();
                store.insert_org(bureau).await.unwrap().id.0
            });
            let mut c = rusqlite::Connection::open(&db).unwrap();
            c.execute_batch(
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA cache_size=-65536; PRAGMA foreign_keys=ON;",
            )
            .unwrap();
            let mut depts = std::collections::HashMap::new();
            for d in ["生产部", "技术部", "一车间", "二车间"] {
                c.execute("INSERT INTO departments (org, name) VALUES (?, ?)", rusqlite::params![org, d])
                    .unwrap();
                depts.insert(d.to_string(), c.last_insert_rowid());
            }
            let t = Instant::now();
            let mut book =
                calamine::open_workbook_auto_from_rs(std::io::Cursor::new(bytes.as_slice()))
                    .unwrap();
            let range = book.worksheet_range(TEMPLATE_SHEET).unwrap();
            let tx = c.transaction().unwrap();
            let mut written = 0;
            {
                let mut ins = tx
                    .prepare(
                        "INSERT INTO members (org, department, name, position, gender, id_number, phone, email, education, created_at, created_on) \
                         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    )
                    .unwrap();
                for row in range.rows().skip(1) {
                    let text = |i: usize| row.get(i).and_then(|c| c.as_string()).unwrap_or_default();
                    let dept = depts.get(&text(2)).copied();
                    let opt = |s: String| (!s.is_empty()).then_some(s);
                    ins.execute(rusqlite::params![
                        org,
                        dept,
                        text(1),
                        text(3),
                        text(4),
                        text(5),
                        text(6),
                        opt(text(7)),
                        opt(text(8)),
                        1_585_015_200_000_000i64,
                        "2020-03-24"
                    ])
                    .unwrap();
                    written += 1;
                }
            }
            tx.commit().unwrap();
            let secs = t.elapsed().as_secs_f64();
            assert_eq!(written, n);
            drop(c);
            remove_db(&db);
            secs
        })
        .collect()
}

/// Child: ccsa checks (dry run) and then imports the file into a fresh
/// SQLite database, `RUNS` times; returns the import times and prints the
/// dry-run times on a `DRYRUN` line.
/// With `seal_after`, the plaintext database is then opened with a
/// keyring (sealed in place) and that time printed on a `SEAL` line: in a
/// child of its own, so that the plain import's peak memory stays its own.
fn import_with_ccsa(path: &Path, n: usize, sealed: bool, seal_after: bool) -> Vec<f64> {
    let mut dry_runs = Vec::new();
    let mut seal_runs = Vec::new();
    let bytes = std::fs::read(path).unwrap();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let times = (0..RUNS)
        .map(|run| {
            let dir = std::env::temp_dir().join("ccsa-bench");
            std::fs::create_dir_all(&dir).unwrap();
            let db = dir.join(format!("import-{}-{run}.db", std::process::id()));
            remove_db(&db);
            rt.block_on(async {
                // Sealed: ID numbers and phones encrypted at rest, looked up
                // and kept unique by blind index (ccsa_store::vault).
                let options = ccsa::StoreOptions {
                    keyring: sealed.then(|| ccsa::Keyring::new(1, [0x42; 32])),
                    ..Default::default()
                };
                let store = ccsa::open_with(&format!("sqlite://{}", db.display()), &options)
                    .await
                    .unwrap();
                let clock = Arc::new(ManualClock::at_rfc3339("2020-03-24T02:00:00Z"));
                let ccsa = Ccsa::new(store, clock, Campaign::notice_2020(1)).unwrap();
                ccsa.list_notice_bureaus().await.unwrap();
                let form = AdminRegistration {
                    org_name: "泰州市泰兴市应急管理局".into(),
                    real_name: "管理员".into(),
                    phone: "13900000000".into(),
                    username: "importer".into(),
                    password: "import2020".into(),
                    ..Default::default()
                };
                ccsa.register_admin(&form).await.unwrap();
                let (_, ctx) = ccsa.login("importer", "import2020").await.unwrap();
                for d in ["生产部", "技术部", "一车间", "二车间"] {
                    ccsa.create_department(&ctx, d).await.unwrap();
                }
                // The dry run first (read and validate every row against the
                // org's departments and members; nothing written), on the
                // same fresh database the import then writes to.
                let t = Instant::now();
                let dry = ccsa
                    .import_file(
                        &ctx,
                        &bytes,
                        "members.xlsx",
                        ImportMode::DryRun,
                        &mut |_, _| {},
                    )
                    .await
                    .unwrap();
                dry_runs.push(t.elapsed().as_secs_f64());
                assert_eq!(dry.count(RowOutcome::Created), n);
                let t = Instant::now();
                let report = ccsa
                    .import_file(
                        &ctx,
                        &bytes,
                        "members.xlsx",
                        ImportMode::ValidRows,
                        &mut |_, _| {},
                    )
                    .await
                    .unwrap();
                let secs = t.elapsed().as_secs_f64();
                assert_eq!(report.count(RowOutcome::Created), n);
                assert!(ccsa.store().check_invariants().await.unwrap().is_sound());
                drop(ccsa);
                if seal_after {
                    // The plaintext database just written, opened with a
                    // keyring: sealed in place (ccsa_store::vault).
                    let options = ccsa::StoreOptions {
                        keyring: Some(ccsa::Keyring::new(1, [0x42; 32])),
                        ..Default::default()
                    };
                    let t = Instant::now();
                    let store = ccsa::open_with(&format!("sqlite://{}", db.display()), &options)
                        .await
                        .unwrap();
                    seal_runs.push(t.elapsed().as_secs_f64());
                    assert!(store.check_invariants().await.unwrap().is_sound());
                }
                remove_db(&db);
                secs
            })
        })
        .collect::<Vec<f64>>();
    let dry: Vec<String> = dry_runs.iter().map(|t| format!("{t:.4}")).collect();
    println!("DRYRUN {}", dry.join(" "));
    if !seal_runs.is_empty() {
        let seal: Vec<String> = seal_runs.iter().map(|t| format!("{t:.4}")).collect();
        println!("SEAL {}", seal.join(" "));
    }
    times
}

/// Runs this binary as a child doing one side; returns (times, peak MB).
fn child(side: &str, path: &Path, n: usize) -> (Vec<f64>, f64, Vec<f64>, Vec<f64>) {
    let out = Command::new(std::env::current_exe().unwrap())
        .args(["--child", side, "--file"])
        .arg(path)
        .args(["--rows", &n.to_string()])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    let line = text.lines().find(|l| l.starts_with("RESULT ")).unwrap();
    let nums: Vec<f64> = line[7..]
        .split_whitespace()
        .map(|x| x.parse().unwrap())
        .collect();
    let (peak, times) = nums.split_last().unwrap();
    let line = |prefix: &str| -> Vec<f64> {
        text.lines()
            .find_map(|l| l.strip_prefix(prefix))
            .map(|l| l.split_whitespace().map(|x| x.parse().unwrap()).collect())
            .unwrap_or_default()
    };
    (times.to_vec(), *peak, line("DRYRUN "), line("SEAL "))
}

fn main() {
    let n: usize = arg("--rows")
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    if let (Some(side), Some(file)) = (arg("--child"), arg("--file")) {
        let path = PathBuf::from(file);
        let times = match side.as_str() {
            "calamine" => read_with_calamine(&path, n),
            "floor" => floor_calamine_rusqlite(&path, n),
            "ccsa-sealed" => import_with_ccsa(&path, n, true, false),
            "ccsa-seal-in-place" => import_with_ccsa(&path, n, false, true),
            _ => import_with_ccsa(&path, n, false, false),
        };
        let times: Vec<String> = times.iter().map(|t| format!("{t:.4}")).collect();
        println!("RESULT {} {:.1}", times.join(" "), peak_rss_mb());
        return;
    }
    let _ = std::fs::create_dir_all("target");
    let path = PathBuf::from(format!("target/bench-import-{n}.xlsx"));
    write_file(n, &path);
    let size_mb = std::fs::metadata(&path).unwrap().len() as f64 / 1e6;
    let (read, read_peak, _, _) = child("calamine", &path, n);
    let (import, import_peak, dry, _) = child("ccsa", &path, n);
    let (floor, _, _, _) = child("floor", &path, n);
    let (_, _, _, seal) = child("ccsa-seal-in-place", &path, n);
    let (sealed, sealed_peak, sealed_dry, _) = child("ccsa-sealed", &path, n);
    println!(
        "calamine: {read:?} s, peak {read_peak} MB; ccsa: {import:?} s (dry runs {dry:?} s), peak {import_peak} MB; \
         sealed: {sealed:?} s (dry runs {sealed_dry:?} s), peak {sealed_peak} MB; sealing in place: {seal:?} s"
    );
    println!("calamine + rusqlite, no checks: {floor:?} s");
    let (read, import, dry, floor) = (median(read), median(import), median(dry), median(floor));
    let (sealed, sealed_dry, seal) = (median(sealed), median(sealed_dry), median(seal));
    let md = format!(
        "| work | ccsa | baseline in the same run | ratio | target |\n|---|---|---|---|---|\n\
         | import a {n}-row member template ({size_mb:.1} MB; read, validate every row, write to SQLite; median of {RUNS}) | {import:.2} s ({:.0} rows/s) | calamine reading the same file into its table: {read:.2} s | {:.2}× its time | ≤ 2× |\n\
         | the same file, dry run (read and validate every row; nothing written) | {dry:.2} s | calamine: {read:.2} s | {:.2}× its time | — |\n\
         | the same import | {import:.2} s | the standard tools' floor, no checks: calamine reads the table, rusqlite writes every row: {floor:.2} s | {:.2}× its time | — |\n\
         | the same import, ID numbers and phones sealed at rest (XChaCha20-Poly1305 + HMAC blind index) | {sealed:.2} s (dry run {sealed_dry:.2} s) | the plaintext import above: {import:.2} s | {:.2}× its time | — |\n\
         | sealing that plaintext database in place ({n} members; opened with a keyring, VACUUM included) | {seal:.2} s | — | — | — |\n\
         | peak memory of the process (file bytes held; {RUNS} runs) | {import_peak:.0} MB | calamine's process: {read_peak:.0} MB | {:.2}× | < 300 MB |\n",
        n as f64 / import,
        import / read,
        dry / read,
        import / floor,
        sealed / import,
        import_peak / read_peak,
    );
    println!("{md}");
    std::fs::write("target/bench-import.md", md).unwrap();
    // For benches/peers/run: the file and the medians, machine-readable.
    std::fs::write(
        "target/bench-import.tsv",
        format!(
            "file\t{}\nccsa_import_s\t{import}\nccsa_dry_run_s\t{dry}\nccsa_import_sealed_s\t{sealed}\ncalamine_rust_s\t{read}\nfloor_s\t{floor}\n",
            path.display()
        ),
    )
    .unwrap();
}
