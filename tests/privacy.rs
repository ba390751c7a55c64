//! PIPL: every output path masks ID numbers and phones by default.
//!
//! One scenario on SQLite (and on PostgreSQL when `CCSA_TEST_PG_URL` is set)
//! puts known ID numbers and phones through every path a person's data
//! takes — admin registration, adding, importing (with refused rows) and
//! inviting members, binding (with a wrong name first), the daily quiz,
//! leaderboards, exports of the ledger and the answer log, reports, awards,
//! the member list and error report spreadsheets — and collects what each
//! returns as `Debug`, `Display` and JSON, the spreadsheets' text, every
//! error, and every log record the crates (sqlx included) emit. The test
//! fails if any raw ID number or phone appears anywhere in that.

use ccsa::admin::AdminRegistration;
use ccsa::clock::{ManualClock, beijing_time};
use ccsa::directory::{ImportMode, InvitationLink};
use ccsa::quiz::{Answer, Choices};
use ccsa::ranking::{Period, Scope};
use ccsa::scoring::Campaign;
use ccsa::spreadsheet::{Reveal, error_report_xlsx, read_member_rows};
use ccsa::store::ExportRange;
use ccsa::{Ccsa, sample};
use chrono::{Duration, NaiveDate};
use std::io::Read;
use std::sync::{Arc, Mutex};

/// Every log record emitted while the scenario runs.
static LOGS: Mutex<Vec<String>> = Mutex::new(Vec::new());

struct Capture;

impl log::Log for Capture {
    fn enabled(&self, _: &log::Metadata<'_>) -> bool {
        true
    }
    fn log(&self, record: &log::Record<'_>) {
        // tracing events (sqlx's) arrive here with their fields formatted
        // into the message.
        LOGS.lock()
            .unwrap()
            .push(format!("{} {}", record.target(), record.args()));
    }
    fn flush(&self) {}
}

/// What the scenario's outputs looked like, as text.
#[derive(Default)]
struct Seen {
    text: String,
    paths: usize,
}

impl Seen {
    fn debug(&mut self, what: &str, v: &impl std::fmt::Debug) {
        self.text.push_str(&format!("\n[{what}] {v:?}"));
        self.paths += 1;
    }
    fn json(&mut self, what: &str, v: &impl serde::Serialize) {
        self.text.push_str(&format!(
            "\n[{what} json] {}",
            serde_json::to_string(v).unwrap()
        ));
        self.paths += 1;
    }
    fn both(&mut self, what: &str, v: &(impl std::fmt::Debug + serde::Serialize)) {
        self.debug(what, v);
        self.json(what, v);
    }
    fn error(&mut self, what: &str, e: &ccsa::Error) {
        self.text.push_str(&format!("\n[{what}] {e} {e:?}"));
        self.json(what, e);
    }
    fn xlsx(&mut self, what: &str, bytes: &[u8]) {
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes.to_vec())).unwrap();
        for i in 0..zip.len() {
            let mut s = String::new();
            let mut f = zip.by_index(i).unwrap();
            let name = f.name().unwrap().to_string();
            if name.ends_with(".xml") {
                f.read_to_string(&mut s).unwrap();
                self.text.push_str(&format!("\n[{what} {name}] {s}"));
            }
        }
        self.paths += 1;
    }
}

async fn scenario(ccsa: &Ccsa, day: NaiveDate, seen: &mut Seen) -> Vec<String> {
    let mut raw: Vec<String> = Vec::new();
    ccsa.list_notice_bureaus().await.unwrap();
    // the admin's own phone
    let reg = AdminRegistration {
        org_name: "神木市应急管理局".into(),
        real_name: "管理员".into(),
        phone: "13912345678".into(),
        username: "shenmu".into(),
        password: "shenmu2020".into(),
        ..Default::default()
    };
    raw.push(reg.phone.clone());
    seen.debug("registration form", &reg);
    let seat = ccsa.register_admin(&reg).await.unwrap();
    seen.debug("admin seat", &seat);
    let e = ccsa.register_admin(&reg).await.unwrap_err();
    seen.error("second registration", &e);
    let (session, ctx) = ccsa.login("shenmu", "shenmu2020").await.unwrap();
    seen.debug("session", &session);
    seen.debug("admin context", &ctx);
    ccsa.create_department(&ctx, "执法大队").await.unwrap();

    // added one by one, and refused
    let form = sample::member_form(4242, "执法大队");
    raw.extend([form.id_number.clone(), form.phone.clone()]);
    seen.debug("member form", &form);
    let member = ccsa.add_member(&ctx, &form).await.unwrap();
    seen.both("member", &member);
    let e = ccsa.add_member(&ctx, &form).await.unwrap_err();
    seen.error("duplicate member", &e);
    let mut bad = form.clone();
    bad.phone = "1391234567".into(); // one digit short
    raw.push(bad.phone.clone());
    seen.error("bad phone", &ccsa.add_member(&ctx, &bad).await.unwrap_err());
    let mut bad = sample::member_form(4243, "执法大队");
    raw.push(bad.id_number.clone());
    bad.id_number.replace_range(17.., "0"); // wrong check character
    raw.push(bad.id_number.clone());
    seen.error(
        "bad ID number",
        &ccsa.add_member(&ctx, &bad).await.unwrap_err(),
    );

    // imported, with refused rows
    let good = sample::member_form(4244, "执法大队");
    raw.extend([good.id_number.clone(), good.phone.clone()]);
    let mut taken = sample::member_form(4245, "");
    taken.phone = form.phone.clone(); // someone else's phone
    raw.push(taken.id_number.clone());
    let mut csv =
        String::from("用户姓名,部门名称,职位,用户性别,用户身份证号,用户手机号,用户邮箱,学历\n");
    for f in [&good, &taken] {
        csv.push_str(&format!(
            "{},{},{},{},{},{},{},{}\n",
            f.name, f.department, f.position, f.gender, f.id_number, f.phone, f.email, f.education
        ));
    }
    let rows = read_member_rows(csv.as_bytes(), "名单.csv").unwrap();
    seen.both("import rows", &rows);
    let report = ccsa
        .import_file(
            &ctx,
            csv.as_bytes(),
            "名单.csv",
            ImportMode::ValidRows,
            &mut |_, _| {},
        )
        .await
        .unwrap();
    seen.both("import report", &report);
    seen.xlsx(
        "error report",
        &error_report_xlsx(&rows, &report, Reveal::default()).unwrap(),
    );
    let dry = ccsa
        .check_import_file(ctx.org(), csv.as_bytes(), "名单.csv")
        .await
        .unwrap();
    seen.both("dry run", &dry);

    // invited
    let (inv, token) = ccsa
        .create_invitation(&ctx, None, Duration::days(7), 5)
        .await
        .unwrap();
    seen.debug("invitation", &inv);
    let link = InvitationLink("https://ccsa.example/join?t={token}".into());
    let invited = sample::member_form(4246, "");
    raw.extend([invited.id_number.clone(), invited.phone.clone()]);
    let text = link.text(&token);
    let m = ccsa
        .redeem_invitation(&link.token_in(&text).unwrap(), &invited)
        .await
        .unwrap();
    seen.both("invited member", &m);
    seen.both("members", &ccsa.members(&ctx).await.unwrap());
    seen.xlsx(
        "member list",
        &ccsa
            .export_members_xlsx(&ctx, Reveal::default())
            .await
            .unwrap(),
    );

    // binding: a wrong name, an unknown phone, then the right one
    let e = ccsa.bind("wx-1", "不是他", &form.phone).await.unwrap_err();
    seen.error("binding mismatch", &e);
    let e = ccsa.bind("wx-2", "某人", "13700000001").await.unwrap_err();
    raw.push("13700000001".into());
    seen.error("binding unknown phone", &e);
    let binding = ccsa.bind("wx-1", &form.name, &form.phone).await.unwrap();
    seen.both("binding", &binding);
    seen.debug("binding lookup", &ccsa.binding("wx-1").await.unwrap());

    // a quiz day and everything computed from it
    ccsa.add_national_questions(sample::national_bank())
        .await
        .unwrap();
    let quiz = ccsa.todays_quiz("wx-1").await.unwrap();
    seen.both("today's quiz", &quiz);
    let answers: Vec<Answer> = quiz
        .questions
        .iter()
        .map(|q| Answer {
            question: q.id,
            chosen: Choices(1),
        })
        .collect();
    let outcome = ccsa.submit("wx-1", &answers).await.unwrap();
    seen.both("submission", &outcome);
    seen.debug(
        "standing",
        &ccsa
            .my_standing("wx-1", Scope::All, Period::Campaign)
            .await
            .unwrap(),
    );
    let board = ccsa
        .leaderboard(Scope::All, Period::Campaign, 0, 100)
        .await
        .unwrap();
    seen.both("leaderboard", &board);
    let range = ExportRange::days(day - Duration::days(1), day + Duration::days(1));
    let store = ccsa.store();
    seen.both(
        "ledger rows",
        &store.ledger_rows(&range, 100).await.unwrap(),
    );
    seen.both(
        "submission rows",
        &store.submission_rows(&range, 100).await.unwrap(),
    );
    seen.both(
        "monthly report",
        &ccsa.monthly_report(2020, 3).await.unwrap(),
    );
    seen.xlsx(
        "monthly report",
        &ccsa.monthly_report_xlsx(2020, 3).await.unwrap(),
    );
    seen.both("awards", &ccsa.year_end_awards(10).await.unwrap());
    let from = beijing_time(day - Duration::days(1), 0, 0);
    let log = ccsa
        .audit_log(&ctx, from, from + Duration::days(3))
        .await
        .unwrap();
    assert!(log.len() >= 5, "the admin's actions are in the audit log");
    seen.both("audit log", &log);
    raw
}

fn check(url: &str) {
    static CAPTURE: Capture = Capture;
    let _ = log::set_logger(&CAPTURE);
    log::set_max_level(log::LevelFilter::Trace);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let (seen, raw) = rt.block_on(async {
        // Sealed at rest, as a deployment runs it.
        let options = ccsa::StoreOptions {
            keyring: Some(ccsa::Keyring::new(1, [0x42; 32])),
            ..Default::default()
        };
        let store = ccsa::open_with(url, &options).await.unwrap();
        let start = NaiveDate::from_ymd_opt(2020, 3, 24).unwrap();
        let clock = Arc::new(ManualClock::new(beijing_time(start, 9, 0)));
        let ccsa = Ccsa::new(store, clock, Campaign::notice_2020(7)).unwrap();
        let mut seen = Seen::default();
        let raw = scenario(&ccsa, start, &mut seen).await;
        (seen, raw)
    });
    let logs = std::mem::take(&mut *LOGS.lock().unwrap()).join("\n");
    // sqlx logs every statement: the log check is not vacuous
    assert!(
        logs.contains("INSERT INTO members"),
        "no statement logs were captured"
    );
    assert!(seen.paths >= 30, "only {} output paths walked", seen.paths);
    println!(
        "{url_kind}: {} output paths, {} KB of output, {} log records, {} raw values looked for",
        seen.paths,
        seen.text.len() / 1024,
        logs.lines().count(),
        raw.len(),
        url_kind = url.split(':').next().unwrap_or("?"),
    );
    for r in &raw {
        assert!(r.chars().count() >= 10, "{r} is a real value");
        if let Some(at) = seen.text.find(r.as_str()) {
            let from = seen.text[..at].rfind("\n[").unwrap_or(0);
            panic!(
                "a raw value appears in {}",
                &seen.text[from..(at + 40).min(seen.text.len())]
            );
        }
        assert!(
            !logs.contains(r.as_str()),
            "a raw value appears in the logs"
        );
    }
}

/// SQLite, then PostgreSQL when `scripts/test` has started one (it sets
/// `CCSA_TEST_PG_URL`); one test so that the captured logs are each run's.
#[test]
fn outputs_mask_personal_data() {
    let dir = std::env::temp_dir().join("ccsa-privacy");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(format!("privacy-{}.db", std::process::id()));
    for s in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{s}", path.display()));
    }
    check(&format!("sqlite://{}", path.display()));
    match std::env::var("CCSA_TEST_PG_URL") {
        Ok(url) => {
            let rt = tokio::runtime::Runtime::new().unwrap();
            let db = rt
                .block_on(ccsa::sql::PgStore::create_database(
                    &url,
                    &format!("ccsa_privacy_{}", std::process::id()),
                ))
                .unwrap();
            drop(rt);
            check(&db);
        }
        Err(_) => eprintln!("CCSA_TEST_PG_URL not set: the PostgreSQL walk is skipped"),
    }
}
