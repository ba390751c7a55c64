//! Law and standard search at 10,000 documents (法规检索): ccsa's search on
//! MemoryStore, SQLite (FTS5 trigram) and PostgreSQL (pg_trgm), against the
//! query a user would write without a search index — `LIKE '%term%'` over
//! every column on the same SQLite table — in the same run.
//!
//! Run: `cargo bench --bench library` (PostgreSQL rows need
//! `CCSA_TEST_PG_URL`, e.g. under `scripts/with-postgres`). Writes
//! `target/bench-library.md`.

use ccsa::library::{LawFilter, NewLawDoc, SearchTerms, sample_laws};
use ccsa::quiz::SplitMix64;
use ccsa::store::{MemoryStore, Store};
use chrono::NaiveDate;
use std::sync::Arc;
use std::time::Instant;

const DOCS: usize = 10_000;
const REPS: usize = 60;
const QUERIES: [(&str, &str); 7] = [
    ("exact code", "GB 30871-2022"),
    ("part of a code", "18218"),
    ("part of a title", "重大危险源"),
    ("body phrase", "先通风、再检测、后作业"),
    ("two-character term", "动火"),
    ("two terms", "储罐 泄漏"),
    ("a term in 90% of documents", "安全"),
];

/// Words for generated text: plant and management vocabulary that shares
/// no character with the query terms, so how often a query matches is set
/// by the sample sentences mixed in.
const FILLER: [&str; 40] = [
    "设备", "管道", "仪表", "阀门", "电气", "巡回", "记录", "台账", "检验", "维护", "培训", "考核",
    "制度", "规程", "岗位", "班组", "责任", "标准", "要求", "措施", "条件", "单位", "人员", "现场",
    "监测", "数据", "系统", "控制", "操作", "运行", "参数", "温度", "压力", "液位", "流量", "联锁",
    "周期", "文件", "审核", "变更",
];

/// The 27 sample entries plus generated ones (about 1,500 characters of
/// body each): sentences of filler words, with a sentence of the sample
/// documents mixed in now and then, so that a query matches a few percent
/// of the documents, as in a real library; and the word 安全 in nine
/// documents of ten, the stress case of a term nearly everything contains.
fn corpus() -> Vec<NewLawDoc> {
    let samples = sample_laws();
    let sentences: Vec<String> = samples
        .iter()
        .flat_map(|d| d.body.split('。').map(str::to_string).collect::<Vec<_>>())
        .filter(|s| s.chars().count() > 8)
        .chain(std::iter::once(
            "储罐区发生泄漏时应当立即启动应急处置".to_string(),
        ))
        .collect();
    let mut rng = SplitMix64::new(7);
    let mut docs = samples.clone();
    let mut i = 0;
    while docs.len() < DOCS {
        let base = &samples[i % samples.len()];
        let mut body = String::new();
        if !rng.next_u64().is_multiple_of(10) {
            body.push_str("安全管理要求。");
        }
        while body.chars().count() < 1_500 {
            if rng.next_u64() % 100 < 2 {
                body.push_str(&sentences[(rng.next_u64() % sentences.len() as u64) as usize]);
            } else {
                for _ in 0..(6 + rng.next_u64() % 7) {
                    body.push_str(FILLER[(rng.next_u64() % FILLER.len() as u64) as usize]);
                }
            }
            body.push('。');
        }
        docs.push(NewLawDoc {
            code: format!("Q/BENCH {i:05}-{}", 2000 + i % 25),
            title: format!("{}（第{}号汇编）", FILLER[i % FILLER.len()], i),
            summary: format!(
                "{}{}",
                FILLER[(i / 7) % FILLER.len()],
                FILLER[(i / 3) % FILLER.len()]
            ),
            body,
            superseded_by: None,
            repealed_on: None,
            ..base.clone()
        });
        i += 1;
    }
    docs
}

fn stats(mut v: Vec<f64>) -> (f64, f64) {
    v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    (v[v.len() / 2], v[(v.len() * 99 / 100).min(v.len() - 1)])
}

async fn time_store(store: &Arc<dyn Store>, q: &str, day: NaiveDate) -> (f64, f64, usize) {
    let terms = SearchTerms::parse(q).unwrap();
    let filter = LawFilter::default();
    let mut times = Vec::new();
    let mut total = 0;
    for _ in 0..REPS {
        let t = Instant::now();
        let page = store
            .search_laws(&terms, &filter, day, 0, 20)
            .await
            .unwrap();
        times.push(t.elapsed().as_secs_f64() * 1e3);
        total = page.total;
    }
    let (m, p) = stats(times);
    (m, p, total)
}

/// The search a user would write by hand: every term `LIKE '%term%'` over
/// code, title, summary and body, newest first.
fn time_like(path: &str, q: &str) -> (f64, f64, usize) {
    let c = rusqlite::Connection::open(path).unwrap();
    let terms = SearchTerms::parse(q).unwrap();
    let conds: Vec<String> = (1..=terms.terms().len())
        .map(|i| {
            format!(
                "(code_key LIKE ?{i} OR title_key LIKE ?{i} OR summary_key LIKE ?{i} OR body_key LIKE ?{i})"
            )
        })
        .collect();
    let where_sql = conds.join(" AND ");
    let list = format!(
        "SELECT id, code, title FROM laws WHERE {where_sql} ORDER BY effective_on DESC, id LIMIT 20"
    );
    let count = format!("SELECT COUNT(*) FROM laws WHERE {where_sql}");
    let params: Vec<String> = terms.terms().iter().map(|t| format!("%{t}%")).collect();
    let mut times = Vec::new();
    let mut total = 0;
    for _ in 0..REPS {
        let t = Instant::now();
        let mut st = c.prepare_cached(&list).unwrap();
        let n = st
            .query_map(rusqlite::params_from_iter(params.iter()), |r| {
                r.get::<_, i64>(0)
            })
            .unwrap()
            .count();
        assert!(n <= 20);
        total = c
            .query_row(&count, rusqlite::params_from_iter(params.iter()), |r| {
                r.get::<_, i64>(0)
            })
            .unwrap() as usize;
        times.push(t.elapsed().as_secs_f64() * 1e3);
    }
    let (m, p) = stats(times);
    (m, p, total)
}

fn main() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let docs = corpus();
    let day: NaiveDate = "2025-01-01".parse().unwrap(); // every document issued
    let dir = std::env::temp_dir().join("ccsa-bench");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(format!("library-{}.db", std::process::id()));
    let path = path.to_str().unwrap().to_string();
    let mut rows = Vec::new();
    let mut pg_url: Option<String> = None;
    rt.block_on(async {
        let mut stores: Vec<(&str, Arc<dyn Store>)> = vec![
            ("MemoryStore", Arc::new(MemoryStore::new())),
            (
                "SQLite (FTS5 trigram)",
                ccsa::open(&format!("sqlite://{path}")).await.unwrap(),
            ),
        ];
        if let Ok(url) = std::env::var("CCSA_TEST_PG_URL") {
            let name = format!("bench_library_{}", std::process::id());
            let db = ccsa::sql::PgStore::create_database(&url, &name).await.unwrap();
            pg_url = Some(db.clone());
            stores.push(("PostgreSQL (pg_trgm)", ccsa::open(&db).await.unwrap()));
        } else {
            rows.push("| PostgreSQL | skipped: CCSA_TEST_PG_URL not set | | | |".to_string());
        }
        for (name, store) in &stores {
            let t = Instant::now();
            for chunk in docs.chunks(1_000) {
                store.insert_laws(chunk.to_vec()).await.unwrap();
            }
            println!("{name}: loaded {} documents in {:.1} s", docs.len(), t.elapsed().as_secs_f64());
        }
        if let Some(db) = &pg_url {
            // Planner statistics after the bulk load (autovacuum would do it later).
            let pool = sqlx::PgPool::connect(db).await.unwrap();
            sqlx::query("ANALYZE laws").execute(&pool).await.unwrap();
        }
        for (label, q) in QUERIES {
            let like = time_like(&path, q);
            for (name, store) in &stores {
                let (m, p, total) = time_store(store, q, day).await;
                assert_eq!(total, like.2, "{name} finds what LIKE finds for {q}");
                rows.push(format!(
                    "| {label} `{q}` ({total} hits) | {name} | {m:.2} ms median, {p:.2} ms p99 | {:.2} ms | {:.2}× |",
                    like.0,
                    m / like.0
                ));
            }
        }
    });
    let md = format!(
        "| query (page of 20 + total) | backend | ccsa search | `LIKE '%term%'` scan on SQLite, same run | ratio |\n|---|---|---|---|---|\n{}\n",
        rows.join("\n")
    );
    println!("{md}");
    let _ = std::fs::create_dir_all("target");
    std::fs::write("target/bench-library.md", md).unwrap();
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{path}{suffix}"));
    }
}
