//! Cross-crate: the same month of campaign, run through the `ccsa` facade on
//! MemoryStore, SQLite and (when `CCSA_TEST_PG_URL` is set, as in
//! `scripts/test`) PostgreSQL, gives the same points, ranks and report.

use ccsa::admin::AdminRegistration;
use ccsa::clock::{ManualClock, beijing_time};
use ccsa::directory::{MemberForm, MemberId};
use ccsa::quiz::{Answer, Choices, Question, QuestionId, SplitMix64};
use ccsa::ranking::{Period, Scope};
use ccsa::scoring::Campaign;
use ccsa::service::BatchAnswers;
use ccsa::store::{MemoryStore, Store};
use ccsa::{Ccsa, sample};
use chrono::{Duration, NaiveDate};
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

/// Phone → (campaign points, campaign rank), and the March report's county lines.
type Outcome = (BTreeMap<String, (i64, u32)>, Vec<(u16, u32, u32, i64)>);

async fn run(store: Arc<dyn Store>) -> Outcome {
    let start = NaiveDate::from_ymd_opt(2020, 3, 1).unwrap();
    let clock = Arc::new(ManualClock::new(beijing_time(start, 8, 0)));
    let ccsa = Ccsa::new(store.clone(), clock.clone(), Campaign::notice_2020(11))
        .unwrap()
        .with_entropy_seed(11);
    ccsa.list_notice_bureaus().await.unwrap();
    let mut forms: Vec<(MemberForm, MemberId, ccsa::registry::OrgId)> = Vec::new();
    for (k, org_name) in ["神木市应急管理局", "韩城市应急管理局", "库车市应急管理局"]
        .iter()
        .enumerate()
    {
        let reg = AdminRegistration {
            org_name: org_name.to_string(),
            real_name: "管理员".into(),
            phone: format!("1370000000{k}"),
            username: format!("admin{k}"),
            password: "password2020".into(),
            ..Default::default()
        };
        ccsa.register_admin(&reg).await.unwrap();
        let (_, ctx) = ccsa.login(&reg.username, &reg.password).await.unwrap();
        ccsa.create_department(&ctx, "执法大队").await.unwrap();
        for i in 0..12u64 {
            let f =
                sample::member_form(k as u64 * 100 + i, if i % 3 == 0 { "" } else { "执法大队" });
            let m = ccsa.add_member(&ctx, &f).await.unwrap();
            ccsa.bind(&format!("wx-{k}-{i}"), &f.name, &f.phone)
                .await
                .unwrap();
            forms.push((f, m.id, ctx.org()));
        }
    }
    ccsa.add_national_questions(sample::national_bank())
        .await
        .unwrap();
    let bank: HashMap<QuestionId, Question> = store
        .questions(None)
        .await
        .unwrap()
        .into_iter()
        .map(|q| (q.id, q))
        .collect();
    let mut rng = SplitMix64::new(5);
    for day in 0..31 {
        let d = start + Duration::days(day);
        clock.set(beijing_time(d, 23, 0));
        let who: Vec<usize> = (0..forms.len()).filter(|_| rng.below(10) < 7).collect();
        let pairs: Vec<_> = who.iter().map(|&i| (forms[i].1, forms[i].2)).collect();
        let draws = ccsa.issue_draws(d, &pairs).await.unwrap();
        let items = who
            .iter()
            .zip(draws)
            .map(|(&i, draw)| {
                let answers = draw
                    .questions
                    .iter()
                    .map(|q| {
                        let key = bank[q].body.answer;
                        Answer {
                            question: *q,
                            chosen: if rng.below(10) < 7 { key } else { Choices(0) },
                        }
                    })
                    .collect();
                BatchAnswers {
                    draw,
                    org: forms[i].2,
                    answers,
                    answered_at: beijing_time(d, 9, 0) + Duration::minutes(i as i64),
                }
            })
            .collect();
        for r in ccsa.submit_batch(d, items).await.unwrap() {
            assert!(r.unwrap().first);
        }
    }
    let board = ccsa
        .leaderboard(Scope::All, Period::Campaign, 0, 1000)
        .await
        .unwrap();
    let by_member: HashMap<MemberId, &str> = forms
        .iter()
        .map(|(f, id, _)| (*id, f.phone.as_str()))
        .collect();
    let points = board
        .iter()
        .map(|e| {
            (
                by_member[&e.standing.member].to_string(),
                (e.standing.points, e.rank),
            )
        })
        .collect();
    let report = ccsa.monthly_report(2020, 3).await.unwrap();
    let lines = report
        .counties
        .iter()
        .map(|c| {
            (
                c.county.0,
                c.figures.registered,
                c.figures.participants,
                c.figures.points,
            )
        })
        .collect();
    assert!(store.check_invariants().await.unwrap().is_sound());
    (points, lines)
}

fn block<T>(f: impl std::future::Future<Output = T>) -> T {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
        .block_on(f)
}

#[test]
fn memory_sqlite_and_postgres_agree() {
    let memory = block(run(Arc::new(MemoryStore::new())));
    assert!(!memory.0.is_empty());
    assert!(
        memory.1.iter().filter(|l| l.2 > 0).count() == 3,
        "three counties took part"
    );
    let sqlite = block(async { run(ccsa::open("sqlite::memory:").await.unwrap()).await });
    assert_eq!(
        sqlite, memory,
        "SQLite gives the same points, ranks and report as MemoryStore"
    );
    if let Ok(url) = std::env::var("CCSA_TEST_PG_URL") {
        let pg = block(async {
            let name = format!("ccsa_same_{}", std::process::id());
            let db = ccsa::sql::PgStore::create_database(&url, &name)
                .await
                .unwrap();
            run(ccsa::open(&db).await.unwrap()).await
        });
        assert_eq!(
            pg, memory,
            "PostgreSQL gives the same points, ranks and report as MemoryStore"
        );
    }
}
