//! The main job: the notice's whole campaign, simulated on embedded SQLite.
//!
//! Loads the roster of the 53 key counties (each with its emergency bureau
//! and generated enterprises), registers every org's first admin (and shows
//! the three refusals), builds departments and members, binds trainees (with
//! failed bindings and a lock-out), runs the daily quiz every day from March
//! to December 2020 with trainees of varied diligence and skill (a scoring
//! policy change on July 1), and prints what the coordination office
//! publishes: the monthly county reports, the top-10 leaderboards overall and
//! per county, and the year-end awards.
//!
//! ```text
//! cargo run --release --example campaign [-- --db URL] [--members N] [--seed S]
//! ```
//! Default database: `sqlite://target/campaign.db` (recreated on every run).
//! Any `--db` must be empty (for PostgreSQL: a fresh database).
//!
//! ID numbers and phones are sealed at rest (see `ccsa_store::vault`) with
//! the key in `CCSA_STORE_KEY` (64 hex digits) if set, else the key in
//! `--key-file PATH` (created with a random key if missing; default
//! `target/campaign.key` for the default database). With neither, the
//! database stores them in plaintext and the run says so.

mod table;

use ccsa::admin::{AdminContext, AdminRegistration};
use ccsa::clock::{ManualClock, beijing_time};
use ccsa::directory::{ImportMode, MemberId, NO_DEPARTMENT, RowOutcome, TEMPLATE_COLUMNS};
use ccsa::exam::{BlueprintRow, MultipleRule, NewExam};
use ccsa::identity::CreditCode;
use ccsa::quiz::{Answer, Choices, Question, QuestionId, SplitMix64};
use ccsa::ranking::{LeaderboardEntry, MonthlyReport, Period, Scope};
use ccsa::registry::{County, NewOrg, Org, OrgId, OrgKind, SecretaryGroup};
use ccsa::scoring::{Campaign, PolicySchedule, ScoringPolicy};
use ccsa::service::BatchAnswers;
use ccsa::{Ccsa, Error, ErrorCode, library, sample};
use chrono::{Datelike, Duration, NaiveDate, Weekday};
use indicatif::{ProgressBar, ProgressStyle};
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Instant;
use table::{Align, render};

/// Members each bureau gets before the enterprises get the rest.
const PER_BUREAU: usize = 6;

struct Args {
    db: String,
    members: usize,
    seed: u64,
    key_file: Option<String>,
    /// Fail store call N and every call after it (`scripts/campaign-faults`).
    fault_from: Option<u64>,
    /// Only check an existing database's invariants.
    verify: bool,
}

/// The fault-injecting wrapper, when `--fault-from` is given (its counts
/// are printed on exit).
static FAULTY: std::sync::OnceLock<Arc<ccsa::store::FaultyStore>> = std::sync::OnceLock::new();

fn parse_args() -> Result<Args, String> {
    let mut a = Args {
        db: "sqlite://target/campaign.db".into(),
        members: 2000,
        seed: 2020,
        key_file: None,
        fault_from: None,
        verify: false,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || it.next().ok_or(format!("{flag} needs a value"));
        match flag.as_str() {
            "--db" => a.db = value()?,
            "--key-file" => a.key_file = Some(value()?),
            "--fault-from" => {
                a.fault_from = Some(
                    value()?
                        .parse()
                        .map_err(|_| "--fault-from takes a call number".to_string())?,
                )
            }
            "--verify" => a.verify = true,
            "--members" => {
                a.members = value()?
                    .parse()
                    .map_err(|_| "--members takes a number".to_string())?
            }
            "--seed" => {
                a.seed = value()?
                    .parse()
                    .map_err(|_| "--seed takes a number".to_string())?
            }
            "-h" | "--help" => {
                println!(
                    "usage: campaign [--db URL] [--members N] [--seed S] [--key-file PATH] [--fault-from N] [--verify]"
                );
                std::process::exit(0);
            }
            other => return Err(format!("unknown argument {other} (try --help)")),
        }
    }
    if a.key_file.is_none() && a.db == "sqlite://target/campaign.db" {
        a.key_file = Some("target/campaign.key".into());
    }
    if a.members < PER_BUREAU * 53 {
        return Err(format!(
            "--members must be at least {} (the 53 bureaus get {PER_BUREAU} members each first)",
            PER_BUREAU * 53
        ));
    }
    Ok(a)
}

fn main() {
    let args = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("campaign: {e}");
            std::process::exit(2);
        }
    };
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    let verify = args.verify;
    let result = rt.block_on(async {
        if verify {
            verify_only(args).await
        } else {
            run(args).await
        }
    });
    if let Some(f) = FAULTY.get() {
        eprintln!(
            "store calls: {}, faults injected: {}",
            f.calls(),
            f.faults()
        );
    }
    if let Err(e) = result {
        eprintln!("campaign failed: [{}] {e}", e.code());
        std::process::exit(1);
    }
}

fn section(title: &str) {
    println!("\n══ {title} ══");
}

fn day(s: &str) -> NaiveDate {
    s.parse().expect("literal date")
}

fn bar(len: u64, what: &str) -> ProgressBar {
    let pb = ProgressBar::new(len);
    pb.set_style(
        ProgressStyle::with_template(
            "  {msg:<10} [{bar:40}] {pos}/{len} {elapsed_precise} eta {eta}",
        )
        .expect("template")
        .progress_chars("=> "),
    );
    pb.set_message(what.to_string());
    pb
}

struct Trainee {
    member: MemberId,
    org: OrgId,
    /// Chance of answering on a weekday while active.
    diligence: f64,
    /// Chance of answering a question right (grows a little over the campaign).
    skill: f64,
    /// First and last day the trainee takes part (late starters, drop-outs).
    active: (NaiveDate, NaiveDate),
}

fn unit(r: &mut SplitMix64) -> f64 {
    (r.next_u64() >> 11) as f64 / (1u64 << 53) as f64
}

fn pct(x: f64) -> String {
    format!("{:.1}%", x * 100.0)
}

/// The store's keyring: `CCSA_STORE_KEY`, else the key file (created with
/// a random key if missing and `create`), else none; and where it came from.
fn keyring(args: &Args, create: bool) -> Result<(Option<ccsa::Keyring>, String), Error> {
    if let Ok(hex) = std::env::var("CCSA_STORE_KEY") {
        return Ok((
            Some(ccsa::Keyring::from_hex(1, &hex)?),
            "CCSA_STORE_KEY".into(),
        ));
    }
    let Some(path) = &args.key_file else {
        return Ok((None, String::new()));
    };
    let hex = match std::fs::read_to_string(path) {
        Ok(hex) => hex,
        Err(_) if !create => return Err(Error::storage("the key file is missing")),
        Err(_) => {
            let key: [u8; 32] = rand::random();
            let hex: String = key.iter().map(|b| format!("{b:02x}")).collect();
            if let Some(dir) = std::path::Path::new(path).parent() {
                let _ = std::fs::create_dir_all(dir);
            }
            write_private(path, &hex).map_err(|_| Error::storage("cannot write the key file"))?;
            hex
        }
    };
    Ok((Some(ccsa::Keyring::from_hex(1, &hex)?), path.clone()))
}

/// Writes a file only its owner can read (0600 on Unix).
fn write_private(path: &str, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    let mut o = std::fs::OpenOptions::new();
    o.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut o, 0o600);
    o.open(path)?.write_all(text.as_bytes())
}

/// `--verify`: the invariants of an existing database (after a faulted
/// run): points equal the ledger sum, one scored submission per member and
/// day, rollups equal a recount from the answer log; one admin per org is
/// the schema's unique key. Exit 1 when any is violated.
async fn verify_only(args: Args) -> Result<(), Error> {
    let (keyring, _) = keyring(&args, false)?;
    let store = ccsa::open_with(
        &args.db,
        &ccsa::StoreOptions {
            keyring,
            ..Default::default()
        },
    )
    .await?;
    let report = store.check_invariants().await?;
    let mut seats = 0;
    for org in store.orgs().await? {
        seats += usize::from(store.admin_seat(org.id).await?.is_some());
    }
    println!(
        "verify: {} members, {} submissions, {seats} admin seats, {} violations",
        report.members_checked,
        report.submissions_checked,
        report.violations.len()
    );
    for v in &report.violations {
        println!("  ✗ {v}");
    }
    if report.is_sound() {
        Ok(())
    } else {
        Err(Error::storage("invariants violated"))
    }
}

async fn run(args: Args) -> Result<(), Error> {
    let started = Instant::now();
    if let Some(path) = args
        .db
        .strip_prefix("sqlite://")
        .filter(|p| *p == "target/campaign.db")
    {
        std::fs::create_dir_all("target").map_err(|_| Error::storage("cannot create target/"))?;
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{path}{suffix}"));
        }
    }
    let (keyring, key_source) = keyring(&args, true)?;
    let mut store = ccsa::open_with(
        &args.db,
        &ccsa::StoreOptions {
            keyring,
            ..Default::default()
        },
    )
    .await?;
    if let Some(n) = args.fault_from {
        let faulty = Arc::new(ccsa::store::FaultyStore::new(
            store,
            ccsa::store::FaultPlan::from_call(n),
        ));
        let _ = FAULTY.set(faulty.clone());
        store = faulty;
    }
    if !store.orgs().await?.is_empty() {
        return Err(Error::storage(
            "the database is not empty: give a fresh --db",
        ));
    }
    let clock = Arc::new(ManualClock::new(beijing_time(day("2020-03-01"), 8, 0)));
    let policy = |from: &str, bonus, cap| ScoringPolicy {
        effective_from: day(from),
        points_per_correct: 10,
        full_marks_bonus: bonus,
        daily_cap: cap,
    };
    let campaign = Campaign {
        policies: PolicySchedule::new(vec![
            policy("2020-03-01", 10, 60),
            policy("2020-07-01", 20, 70),
        ])?,
        ..Campaign::notice_2020(args.seed)
    };
    let ccsa = Arc::new(
        Ccsa::new(store.clone(), clock.clone(), campaign.clone())?.with_entropy_seed(args.seed),
    );
    let mut rng = SplitMix64::new(args.seed);
    println!(
        "ccsa campaign simulation · store {} · {} members · seed {}",
        store.backend(),
        args.members,
        args.seed
    );
    if key_source.is_empty() {
        println!("注意：未提供密钥，身份证号、手机号以明文存储（仅供测试）");
    } else {
        println!(
            "身份证号、手机号加密存储（XChaCha20-Poly1305 + HMAC 盲索引），密钥来自 {key_source}"
        );
    }
    println!(
        "{}（{} 至 {}）",
        campaign.name, campaign.start, campaign.end
    );
    println!(
        "积分规则：每题10分，全对奖励10分，日上限60分；自2020-07-01起全对奖励20分，日上限70分。"
    );

    // ── 1. Roster ────────────────────────────────────────────────────────
    section("一、重点县名单（附件3）");
    let t = Instant::now();
    let bureaus = ccsa.list_notice_bureaus().await?;
    let suffixes = [
        "恒达化工有限公司",
        "华泰石化有限公司",
        "金源精细化工有限公司",
    ];
    let mut enterprises: Vec<Org> = Vec::new();
    for c in County::all() {
        for (k, suffix) in suffixes.iter().enumerate() {
            let mut body = format!("91{:06}", 110_000 + u32::from(c.id.0) * 100 + k as u32);
            for _ in 0..9 {
                body.push(b"0123456789ABCDEFGHJKLMNPQRTUWXY"[rng.below(31)] as char);
            }
            let code = CreditCode::with_check_char(&body)?;
            let org = NewOrg::new(
                c.id,
                OrgKind::Enterprise,
                &format!("{}{suffix}", c.name),
                Some(code.as_str()),
                campaign.start,
            )?;
            enterprises.push(ccsa.list_org(org).await?);
        }
    }
    let rows: Vec<Vec<String>> = (1..=County::GROUPS)
        .map(|g| {
            let counties: Vec<&County> = County::in_group(SecretaryGroup(g)).collect();
            vec![
                format!("第{g}组"),
                counties.len().to_string(),
                counties.len().to_string(),
                (counties.len() * suffixes.len()).to_string(),
                counties
                    .iter()
                    .map(|c| c.name)
                    .take(3)
                    .collect::<Vec<_>>()
                    .join("、")
                    + if counties.len() > 3 { "…" } else { "" },
            ]
        })
        .collect();
    print!(
        "{}",
        render(
            &["秘书组", "重点县", "应急管理局", "企业", "重点县（前3个）"],
            &[
                Align::Left,
                Align::Right,
                Align::Right,
                Align::Right,
                Align::Left
            ],
            &rows
        )
    );
    println!(
        "合计：{} 个重点县，{} 个应急管理局，{} 家企业（{:.1}s）",
        County::all().len(),
        bureaus.len(),
        enterprises.len(),
        t.elapsed().as_secs_f64()
    );

    // ── 2. Admins ───────────────────────────────────────────────────────
    section("二、管理员注册（第一位注册用户为管理员）");
    let t = Instant::now();
    let orgs: Vec<Org> = bureaus.iter().chain(enterprises.iter()).cloned().collect();
    let mut tasks = Vec::new();
    for (i, org) in orgs.iter().enumerate() {
        let ccsa = ccsa.clone();
        let form = AdminRegistration {
            org_name: org.name.clone(),
            credit_code: org.credit_code.as_ref().map(|c| c.as_str().to_string()),
            real_name: sample::person(9_000_000 + i as u64).name,
            phone: format!("137{:08}", i),
            email: None,
            username: format!("admin{:04}", i),
            password: format!("anquan{:04}x", i),
        };
        tasks.push(tokio::spawn(async move {
            ccsa.register_admin(&form).await?;
            let (_, ctx) = ccsa.login(&form.username, &form.password).await?;
            Ok::<AdminContext, Error>(ctx)
        }));
    }
    let pb = bar(tasks.len() as u64, "注册登录");
    let mut admins: HashMap<OrgId, AdminContext> = HashMap::new();
    for task in tasks {
        let ctx = task.await.map_err(|_| Error::storage("task failed"))??;
        admins.insert(ctx.org(), ctx);
        pb.inc(1);
    }
    pb.finish_and_clear();
    println!(
        "{} 个单位的管理员注册成功并登录（argon2id 口令哈希，{:.1}s）",
        admins.len(),
        t.elapsed().as_secs_f64()
    );
    let late = AdminRegistration {
        org_name: bureaus[10].name.clone(),
        real_name: "迟到者".into(),
        phone: "13500000001".into(),
        username: "latecomer".into(),
        password: "latecomer2020".into(),
        ..Default::default()
    };
    let e = ccsa.register_admin(&late).await.unwrap_err();
    println!("· 第二位注册者（{}）：{} — {}", late.org_name, e.code(), e);
    let unlisted = AdminRegistration {
        org_name: "某某不在名单化工有限公司".into(),
        ..late.clone()
    };
    let e = ccsa.register_admin(&unlisted).await.unwrap_err();
    println!("· 未列入名单的单位：{} — {}", e.code(), e);
    let invalid = AdminRegistration {
        org_name: enterprises[5].name.clone(),
        credit_code: Some("123".into()),
        real_name: "张3".into(),
        phone: "1380013800".into(),
        username: "x".into(),
        password: "short".into(),
        email: None,
    };
    let e = ccsa.register_admin(&invalid).await.unwrap_err();
    println!("· 信息填写不正确：{} — {}", e.code(), e);

    // ── 3. Departments and members ──────────────────────────────────────
    section("三、部门与人员");
    let t = Instant::now();
    let bureau_depts = ["危化品监管科", "执法大队", "办公室"];
    let enterprise_depts = ["生产部", "技术部", "安全环保部", "一车间", "二车间"];
    for org in &orgs {
        let ctx = &admins[&org.id];
        let names: &[&str] = if org.kind == OrgKind::Bureau {
            &bureau_depts
        } else {
            &enterprise_depts
        };
        for n in names {
            ccsa.create_department(ctx, n).await?;
        }
    }
    let per_bureau = PER_BUREAU;
    let for_enterprises = args
        .members
        .checked_sub(per_bureau * bureaus.len())
        .ok_or_else(|| Error::storage("too few --members for the bureaus"))?;
    let pb = bar(args.members as u64, "添加人员");
    let mut roster: Vec<(OrgId, sample::SamplePerson, MemberId)> = Vec::with_capacity(args.members);
    let mut person = 0u64;
    for (oi, org) in orgs.iter().enumerate() {
        let ctx = &admins[&org.id];
        let (count, depts): (usize, &[&str]) = if org.kind == OrgKind::Bureau {
            (per_bureau, &bureau_depts)
        } else {
            let k = oi - bureaus.len();
            (
                for_enterprises / enterprises.len()
                    + usize::from(k < for_enterprises % enterprises.len()),
                &enterprise_depts,
            )
        };
        for j in 0..count {
            let form = sample::member_form(person, depts[j % depts.len()]);
            let m = ccsa.add_member(ctx, &form).await?;
            roster.push((org.id, sample::person(person), m.id));
            person += 1;
            pb.inc(1);
        }
    }
    pb.finish_and_clear();
    let demo = &enterprises[0];
    let demo_ctx = &admins[&demo.id];
    // The demo enterprise imports a roster file with the template's columns
    // (saved as CSV here), two rows of it wrong.
    let first_imported = person;
    let mut csv = format!("{}\r\n", TEMPLATE_COLUMNS.join(","));
    for k in 0..42u64 {
        let dept = ["生产部", "技术部", "安全环保部", "一车间", "二车间"][(k % 5) as usize];
        let f = sample::member_form(person, dept);
        let (dept, phone) = match k {
            17 => ("三车间", f.phone.clone()),       // no such department
            29 => (dept, f.phone[..10].to_string()), // a digit short
            _ => (dept, f.phone.clone()),
        };
        csv.push_str(&format!(
            "{},{},{},{},{},{},{},{},{}\r\n",
            k + 1,
            f.name,
            dept,
            f.position,
            f.gender,
            f.id_number,
            phone,
            f.email,
            f.education
        ));
        person += 1;
    }
    let report = ccsa
        .import_file(
            demo_ctx,
            csv.as_bytes(),
            "人员导入模板.csv",
            ImportMode::ValidRows,
            &mut |_, _| {},
        )
        .await?;
    for (k, row) in report.rows.iter().enumerate() {
        if let Some(m) = row.member {
            roster.push((demo.id, sample::person(first_imported + k as u64), m));
        }
    }
    println!(
        "· {} 批量导入 {} 行：新增 {} 人，{} 行未导入：",
        demo.name,
        report.rows.len(),
        report.count(RowOutcome::Created),
        report.count(RowOutcome::Failed)
    );
    for e in report.errors() {
        println!("  第{}行【{}】{} — {}", e.row, e.column, e.code, e.message);
    }

    let second_workshop = ccsa
        .departments(demo_ctx)
        .await?
        .into_iter()
        .find(|d| d.name.as_str() == "二车间")
        .expect("created above");
    let deletion = ccsa.delete_department(demo_ctx, second_workshop.id).await?;
    println!(
        "{} 个部门，{} 名人员（{:.1}s）。{} 删除“二车间”：{} 人成为“{}”。",
        orgs.len() * 3 + enterprises.len() * 2,
        roster.len(),
        t.elapsed().as_secs_f64(),
        demo.name,
        deletion.members_moved,
        NO_DEPARTMENT
    );
    let dup = sample::member_form(0, "生产部");
    let e = ccsa.add_member(demo_ctx, &dup).await.unwrap_err();
    println!("· 重复添加已在其他单位的人员：{} — {}", e.code(), e);

    // ── 4. Binding ──────────────────────────────────────────────────────
    section("四、学员绑定（真实姓名 + 手机号）");
    let t = Instant::now();
    let e = ccsa
        .bind("wx-stranger", "陌生人", "13912345678")
        .await
        .unwrap_err();
    println!("· 管理员未导入即绑定：{} — {}", e.code(), e);
    let (_, p0, _) = &roster[0];
    let e = ccsa
        .bind("wx-typo", &format!("{}某", p0.name), &p0.phone)
        .await
        .unwrap_err();
    println!(
        "· 姓名与管理员录入不一致：{}（与未导入同一答复，不泄露该手机号是否已录入）",
        e.code()
    );
    for k in 0..4 {
        let _ = ccsa
            .bind("wx-prober", "试探者", &roster[1 + k].1.phone)
            .await;
    }
    let e = ccsa
        .bind("wx-prober", "试探者", &roster[5].1.phone)
        .await
        .unwrap_err();
    println!("· 同一微信用户第5次失败：{}", e.code());
    let e = ccsa
        .bind("wx-prober", &roster[6].1.name, &roster[6].1.phone)
        .await
        .unwrap_err();
    println!("· 之后即使信息正确也被锁定：{} — {}", e.code(), e);
    let pb = bar(roster.len() as u64, "绑定");
    let mut trainees: Vec<Trainee> = Vec::new();
    let org_push: HashMap<OrgId, f64> = orgs
        .iter()
        .map(|o| (o.id, 0.55 + 0.6 * unit(&mut rng)))
        .collect();
    for (i, (org, p, member)) in roster.iter().enumerate() {
        pb.inc(1);
        if i == 6 || unit(&mut rng) < 0.08 {
            continue; // never binds (or was locked out)
        }
        ccsa.bind(&format!("wx-{}", member.0), &p.name, &p.phone)
            .await?;
        let base = 0.12 + 0.83 * unit(&mut rng).powf(0.6);
        let start = campaign.start + Duration::days((unit(&mut rng).powi(3) * 120.0) as i64);
        let stop = if unit(&mut rng) < 0.3 {
            start + Duration::days(20 + rng.below(200) as i64)
        } else {
            campaign.end
        };
        trainees.push(Trainee {
            member: *member,
            org: *org,
            diligence: (base * org_push[org]).min(0.98),
            skill: 0.45 + 0.5 * unit(&mut rng),
            active: (start, stop),
        });
    }
    pb.finish_and_clear();
    let e = ccsa
        .bind("wx-someone-else", &roster[2].1.name, &roster[2].1.phone)
        .await
        .unwrap_err();
    println!(
        "{} 名学员绑定成功（{:.1}s）。· 已被他人绑定：{} — {}",
        trainees.len(),
        t.elapsed().as_secs_f64(),
        e.code(),
        e
    );

    // ── 4b. Learning content ─────────────────────────────────────────────
    section("学习资料（法规标准库、安全五分钟、历史上的今天、精选专题、企业知识库）");
    let laws = ccsa.add_laws(library::sample_laws()).await?;
    let articles = ccsa.add_safety_articles(library::sample_articles()).await?;
    let accidents = ccsa.add_accidents(library::sample_accidents()).await?;
    let demo_org = orgs
        .iter()
        .map(|o| o.id)
        .find(|id| admins.contains_key(id))
        .expect("an admin");
    let demo_admin = &admins[&demo_org];
    let kb = ccsa
        .publish_knowledge(
            demo_admin,
            library::NewArticle {
                shelf: library::Shelf::SafetyFiveMinutes, // the facade files it under the org
                title: "本厂储罐区巡检路线".into(),
                body: "从中控室出发，依次检查储罐液位计、呼吸阀、防火堤排水阀和可燃气体报警器。"
                    .into(),
                minutes: 3,
                tags: vec!["巡检".into()],
                published_on: day("2020-03-20"),
            },
        )
        .await?;
    let topic = ccsa
        .add_topic(library::sample_topic(&laws, &articles))
        .await?;
    println!(
        "法规标准 {} 部，安全五分钟 {} 篇，事故案例 {} 个，精选专题「{}」{} 项；{} 的企业知识库新增「{}」（仅本单位可见）。",
        laws.len(),
        articles.len(),
        accidents.len(),
        topic.topic.title,
        topic.topic.items.len(),
        orgs.iter()
            .find(|o| o.id == demo_org)
            .map_or("", |o| o.name.as_str()),
        kb.article.title
    );
    let found = ccsa
        .search_laws("动火", &library::LawFilter::default(), 0, 5)
        .await?;
    println!("检索「动火」：共 {} 条", found.total);
    for h in &found.hits {
        println!(
            "  {} {}（{}，{}）",
            h.code,
            h.title,
            h.kind.as_zh(),
            h.status.as_zh()
        );
    }
    clock.set(beijing_time(day("2020-03-21"), 9, 0));
    for a in ccsa.history_today().await? {
        println!(
            "历史上的今天（3月21日）：{} {}，{}。",
            a.record.date,
            a.record.title,
            a.record.casualties_zh()
        );
    }

    // ── 5. Daily quiz, every day of the campaign ──────────────────────────
    section("五、每日答题（2020-03-01 至 2020-12-31）");
    let t = Instant::now();
    let bank = sample::national_bank();
    let n_questions = bank.len();
    let n_categories = bank
        .iter()
        .map(|q| q.category.as_str())
        .collect::<std::collections::HashSet<_>>()
        .len();
    ccsa.add_national_questions(bank).await?;
    let questions: HashMap<QuestionId, Question> = store
        .questions(None)
        .await?
        .into_iter()
        .map(|q| (q.id, q))
        .collect();
    println!(
        "全国题库：{n_questions} 道题（{n_categories} 个分类）；每人每天 5 题，30 天内不重复（题库允许时），错题按间隔复习。"
    );
    let days = (campaign.end - campaign.start).num_days() as u64 + 1;
    let pb = bar(days, "答题");
    let mut submissions = 0usize;
    let mut d = campaign.start;
    while d <= campaign.end {
        clock.set(beijing_time(d, 23, 59));
        let weekend = matches!(d.weekday(), Weekday::Sat | Weekday::Sun);
        let growth = (d - campaign.start).num_days() as f64 * 0.0004;
        let mut today: Vec<&Trainee> = Vec::new();
        for tr in &trainees {
            let active = tr.active.0 <= d && d <= tr.active.1;
            if active && unit(&mut rng) < tr.diligence * if weekend { 0.7 } else { 1.0 } {
                today.push(tr);
            }
        }
        let pairs: Vec<(MemberId, OrgId)> = today.iter().map(|t| (t.member, t.org)).collect();
        let draws = ccsa.issue_draws(d, &pairs).await?;
        let mut items = Vec::with_capacity(draws.len());
        for (tr, draw) in today.iter().zip(draws) {
            let skill = (tr.skill + growth).min(0.99);
            let answers = draw
                .questions
                .iter()
                .map(|q| {
                    let key = questions[q].body.answer;
                    let n = questions[q].body.options.len() as u8;
                    let chosen = if unit(&mut rng) < skill {
                        key
                    } else {
                        let first = key.0.trailing_zeros() as u8;
                        Choices::single((first + 1 + rng.below(usize::from(n) - 1) as u8) % n)
                    };
                    Answer {
                        question: *q,
                        chosen,
                    }
                })
                .collect();
            let answered_at = beijing_time(d, 7, 0) + Duration::minutes(rng.below(15 * 60) as i64);
            items.push(BatchAnswers {
                draw,
                org: tr.org,
                answers,
                answered_at,
            });
        }
        for r in ccsa.submit_batch(d, items).await? {
            r?;
            submissions += 1;
        }
        pb.set_message(d.format("%m-%d").to_string());
        pb.inc(1);
        d = d.succ_opt().expect("2020 has a next day");
    }
    pb.finish_and_clear();
    println!(
        "{} 天，{} 人次答题（{:.1}s，{:.0} 次/秒，含抽题、判分、记账、汇总）",
        days,
        submissions,
        t.elapsed().as_secs_f64(),
        submissions as f64 / t.elapsed().as_secs_f64()
    );

    // ── 5b. An online exam ───────────────────────────────────────────────
    section("在线考试（企业自建考试，年底结业考试）");
    let t = Instant::now();
    let exam_org = demo.id; // 40 of its members came in by the import above
    let mut categories: Vec<&str> = questions
        .values()
        .map(|q| q.body.category.as_str())
        .collect();
    categories.sort_unstable();
    categories.dedup();
    clock.set(beijing_time(day("2020-12-14"), 9, 0));
    let exam = ccsa
        .create_exam(
            &admins[&exam_org],
            NewExam {
                org: exam_org,
                title: "2020年度危险化学品安全知识结业考试".into(),
                blueprint: categories
                    .iter()
                    .take(4)
                    .map(|c| BlueprintRow {
                        category: c.to_string(),
                        difficulty: None,
                        count: 5,
                    })
                    .collect(),
                minutes: 60,
                pass_percent: 60,
                attempts: 2,
                opens_at: beijing_time(day("2020-12-14"), 8, 0),
                closes_at: beijing_time(day("2020-12-21"), 18, 0),
                departments: vec![],
                multiple_rule: MultipleRule::AllOrNothing,
            },
        )
        .await?;
    let mut sat = 0;
    for tr in trainees.iter().filter(|tr| tr.org == exam_org) {
        let app_user = format!("wx-{}", tr.member.0);
        // Weaker trainees take the second attempt when the first fails.
        for _ in 0..2 {
            let sheet = ccsa.start_exam(&app_user, exam.id).await?;
            for q in &sheet.questions {
                let body = &questions[&q.question].body;
                let right: Vec<usize> = (0..body.options.len())
                    .filter(|&i| body.answer.contains(i as u8))
                    .collect();
                // The sheet shuffles the options: find the right ones by text.
                let shown = |i: usize| q.options.iter().position(|o| *o == body.options[i]);
                let letters: String = if unit(&mut rng) < tr.skill {
                    right
                        .iter()
                        .filter_map(|&i| shown(i))
                        .map(|p| (b'A' + p as u8) as char)
                        .collect()
                } else {
                    let wrong =
                        (0..q.options.len()).find(|p| !right.iter().any(|&i| shown(i) == Some(*p)));
                    wrong
                        .map(|p| ((b'A' + p as u8) as char).to_string())
                        .unwrap_or_default()
                };
                if !letters.is_empty() {
                    ccsa.save_exam_answer(&app_user, sheet.attempt, q.question, &letters)
                        .await?;
                }
            }
            clock.advance(Duration::minutes(3));
            let done = ccsa.finish_exam(&app_user, sheet.attempt).await?;
            sat += 1;
            if done.score.is_some_and(|s| s.passed) {
                break;
            }
        }
    }
    let results = ccsa.exam_results(&admins[&exam_org], exam.id).await?;
    let passed = results.iter().filter(|r| r.passed).count();
    let mean = results
        .iter()
        .map(|r| f64::from(r.best_percent_centi))
        .sum::<f64>()
        / results.len().max(1) as f64
        / 100.0;
    println!(
        "{}：{} 名学员参加，{} 次作答，{} 人及格，最好成绩平均 {:.1} 分（{:.1}s）",
        names_of(&orgs, exam_org),
        results.len(),
        sat,
        passed,
        mean,
        t.elapsed().as_secs_f64()
    );
    let mut items = ccsa.exam_item_analysis(&admins[&exam_org], exam.id).await?;
    items.sort_by(|a, b| a.facility.total_cmp(&b.facility));
    for it in items.iter().take(3) {
        println!(
            "· 较难题：{}（难度系数 P={:.2}，区分度 D={}）",
            questions[&it.question]
                .body
                .stem
                .chars()
                .take(24)
                .collect::<String>(),
            it.facility,
            it.discrimination.map_or("—".into(), |d| format!("{d:.2}"))
        );
    }

    // ── 6. What the office publishes ──────────────────────────────────────
    section("六、月度通报（以县为单位）");
    for month in 3..=12 {
        let r = ccsa.monthly_report(2020, month).await?;
        print_month(&r);
    }

    section("七、积分排行榜（全程）");
    let top = ccsa
        .leaderboard(Scope::All, Period::Campaign, 0, 10)
        .await?;
    let names: HashMap<OrgId, String> = orgs.iter().map(|o| (o.id, o.name.clone())).collect();
    print!("{}", board(&top, &names));
    println!();
    for c in County::all() {
        let top = ccsa
            .leaderboard(Scope::County(c.id), Period::Campaign, 0, 10)
            .await?;
        println!("【{}】（第{}组）", c.name, c.group.0);
        print!("{}", board(&top, &names));
    }

    section("八、年底表彰");
    let awards = ccsa.year_end_awards(20).await?;
    println!("积分排名前20的个人：");
    print!("{}", board(&awards.individuals, &names));
    for (title, list) in [
        ("积极组织培训的应急管理部门（前10）", &awards.bureaus),
        ("积极组织培训的企业（前10）", &awards.enterprises),
    ] {
        println!("\n{title}：");
        let rows: Vec<Vec<String>> = list
            .iter()
            .take(10)
            .map(|l| {
                vec![
                    l.rank.to_string(),
                    l.name.clone(),
                    l.figures.registered.to_string(),
                    l.figures.participants.to_string(),
                    pct(l.figures.rate()),
                    format!("{:.0}", l.figures.average()),
                ]
            })
            .collect();
        print!(
            "{}",
            render(
                &["名次", "单位", "登记人数", "参加人数", "参加率", "人均积分"],
                &[
                    Align::Right,
                    Align::Left,
                    Align::Right,
                    Align::Right,
                    Align::Right,
                    Align::Right
                ],
                &rows
            )
        );
    }

    section("九、核对");
    let report = store.check_invariants().await?;
    println!(
        "积分与明细账一致、每人每天仅计分一次、汇总表与答题记录重算一致：{}（核对 {} 名学员、{} 条答题记录）",
        if report.is_sound() {
            "全部通过"
        } else {
            "发现问题"
        },
        report.members_checked,
        report.submissions_checked
    );
    for v in &report.violations {
        println!("  ✗ {v}");
    }
    println!("总耗时 {:.1}s", started.elapsed().as_secs_f64());
    if !report.is_sound() {
        return Err(Error::new(ErrorCode::Storage).with_note("invariants violated"));
    }
    Ok(())
}

fn names_of(orgs: &[Org], id: OrgId) -> &str {
    orgs.iter()
        .find(|o| o.id == id)
        .map_or("", |o| o.name.as_str())
}

fn print_month(r: &MonthlyReport) {
    println!(
        "\n{} 年 {} 月（{} 至 {}）",
        r.from.year(),
        r.from.month(),
        r.from,
        r.to
    );
    let rows: Vec<Vec<String>> = r
        .counties
        .iter()
        .map(|c| {
            vec![
                c.rank.to_string(),
                c.name.to_string(),
                c.group.0.to_string(),
                c.figures.registered.to_string(),
                c.figures.participants.to_string(),
                pct(c.figures.rate()),
                format!("{:.1}", c.figures.average()),
            ]
        })
        .collect();
    print!(
        "{}",
        render(
            &[
                "名次",
                "重点县",
                "组",
                "登记人数",
                "参加人数",
                "参加率",
                "人均积分"
            ],
            &[
                Align::Right,
                Align::Left,
                Align::Right,
                Align::Right,
                Align::Right,
                Align::Right,
                Align::Right
            ],
            &rows
        )
    );
    println!(
        "合计：登记 {} 人，参加 {} 人，参加率 {}，人均积分 {:.1}",
        r.total.registered,
        r.total.participants,
        pct(r.total.rate()),
        r.total.average()
    );
}

fn board(entries: &[LeaderboardEntry], names: &HashMap<OrgId, String>) -> String {
    let rows: Vec<Vec<String>> = entries
        .iter()
        .map(|e| {
            vec![
                e.rank.to_string(),
                e.standing.name.to_string(),
                names.get(&e.standing.org).cloned().unwrap_or_default(),
                e.standing.points.to_string(),
            ]
        })
        .collect();
    render(
        &["名次", "姓名", "单位", "积分"],
        &[Align::Right, Align::Left, Align::Left, Align::Right],
        &rows,
    )
}
