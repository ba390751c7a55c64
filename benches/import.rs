//! Member import at scale: a 100,000-row template file read by calamine alone,
//! and imported by ccsa (read, validate every row, write to SQLite in one
//! transaction), in the same run; and the process's peak memory.
//!
//! Run: `cargo bench --bench import` (`-- --rows N` to change the size).
//! Writes `target/bench-import.md`.

use calamine::{DataType, Reader};
use ccsa::admin::AdminRegistration;
use ccsa::clock::ManualClock;
use ccsa::directory::{ImportMode, RowOutcome, TEMPLATE_COLUMNS, TEMPLATE_SHEET};
use ccsa::scoring::Campaign;
use ccsa::{Ccsa, sample};
use std::sync::Arc;
use std::time::Instant;

fn rows_arg() -> usize {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == "--rows")
        .and_then(|i| args.get(i + 1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000)
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

fn file(n: usize) -> Vec<u8> {
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
    wb.save_to_buffer().unwrap()
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    v[v.len() / 2]
}

fn main() {
    let n = rows_arg();
    let bytes = file(n);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let mut read_times = Vec::new();
    let mut import_times = Vec::new();
    for run in 0..3 {
        let t = Instant::now();
        let mut book =
            calamine::open_workbook_auto_from_rs(std::io::Cursor::new(bytes.clone())).unwrap();
        let range = book.worksheet_range(TEMPLATE_SHEET).unwrap();
        let cells: usize = range
            .rows()
            .map(|r| r.iter().filter(|c| !c.is_empty()).count())
            .sum();
        read_times.push(t.elapsed().as_secs_f64());
        assert!(cells > n * 7);

        let dir = std::env::temp_dir().join("ccsa-bench");
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(format!("import-{}-{run}.db", std::process::id()));
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
        }
        let secs = rt.block_on(async {
            let store = ccsa::open(&format!("sqlite://{}", path.display()))
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
            secs
        });
        import_times.push(secs);
    }
    let (read, import) = (median(read_times), median(import_times));
    let md = format!(
        "| work | ccsa | baseline in the same run | ratio | target |\n|---|---|---|---|---|\n\
         | import a {n}-row member template (read, validate every row, write to SQLite) | {import:.2} s ({:.0} rows/s) | calamine reading the same file: {read:.2} s | {:.2}× its time | ≤ 2× |\n\
         | peak memory of the whole benchmark process | {:.0} MB | | | < 300 MB |\n",
        n as f64 / import,
        import / read,
        peak_rss_mb()
    );
    println!("{md}");
    let _ = std::fs::create_dir_all("target");
    std::fs::write("target/bench-import.md", md).unwrap();
}
