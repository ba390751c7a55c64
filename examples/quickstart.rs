//! A tour of one county's first day: roster, first-registrant admin,
//! department, members, binding, the daily quiz and the leaderboard.
//!
//! Run: `cargo run --release --example quickstart`

use ccsa::admin::AdminRegistration;
use ccsa::clock::ManualClock;
use ccsa::quiz::{Answer, BankOwner, NewQuestion};
use ccsa::ranking::{Period, Scope};
use ccsa::scoring::Campaign;
use ccsa::store::MemoryStore;
use ccsa::{Ccsa, sample};
use std::sync::Arc;

fn main() -> Result<(), ccsa::Error> {
    futures::executor::block_on(run())
}

async fn run() -> Result<(), ccsa::Error> {
    let clock = Arc::new(ManualClock::at_rfc3339("2020-03-24T01:00:00Z"));
    let ccsa = Ccsa::new(
        Arc::new(MemoryStore::new()),
        clock,
        Campaign::notice_2020(2020),
    )?;
    let bureaus = ccsa.list_notice_bureaus().await?;
    println!("名单：{} 个重点县应急管理局", bureaus.len());

    let form = AdminRegistration {
        org_name: "泉州市泉港区应急管理局".into(),
        real_name: "吴十".into(),
        phone: "13100131000".into(),
        username: "quangang".into(),
        password: "quangang2020".into(),
        ..Default::default()
    };
    let seat = ccsa.register_admin(&form).await?;
    println!(
        "管理员注册成功：{}（{}）",
        seat.admin.username.as_str(),
        seat.admin.real_name
    );
    let second = AdminRegistration {
        username: "quangang2".into(),
        ..form.clone()
    };
    let err = ccsa.register_admin(&second).await.unwrap_err();
    println!("第二位注册者：{} {}", err.code(), err);

    let (_token, admin) = ccsa.login("quangang", "quangang2020").await?;
    ccsa.create_department(&admin, "危化品监管科").await?;
    let mut trainees = Vec::new();
    for i in 0..20 {
        let f = sample::member_form(i, if i % 2 == 0 { "危化品监管科" } else { "" });
        let m = ccsa.add_member(&admin, &f).await?;
        println!(
            "添加人员 {} {} {}",
            m.details.name, m.details.phone, m.details.id_number
        );
        ccsa.bind(&format!("wx-{i}"), &f.name, &f.phone).await?;
        trainees.push(format!("wx-{i}"));
    }

    let qs: Vec<NewQuestion> = (0..40)
        .map(|i| {
            NewQuestion::true_false(
                BankOwner::National,
                &format!("安全知识判断题样例（{}）", i + 1),
                i % 3 != 0,
                ["法律法规", "安全常识", "应急处置", "特殊作业"][i % 4],
            )
        })
        .collect();
    let ids = ccsa.add_national_questions(qs).await?;
    let bank = ccsa.store().questions_by_id(&ids).await?;
    for (n, app) in trainees.iter().enumerate() {
        let quiz = ccsa.todays_quiz(app).await?;
        let answers: Vec<Answer> = quiz
            .questions
            .iter()
            .enumerate()
            .map(|(k, q)| {
                let key = bank
                    .iter()
                    .find(|b| b.id == q.id)
                    .expect("drawn from the bank")
                    .body
                    .answer;
                // trainee n gets the first n % 6 answers right
                Answer {
                    question: q.id,
                    chosen: if k < n % 6 {
                        key
                    } else {
                        ccsa::quiz::Choices(key.0 ^ 3)
                    },
                }
            })
            .collect();
        ccsa.submit(app, &answers).await?;
    }
    println!("\n今日排行（前5）：");
    for e in ccsa
        .leaderboard(Scope::Org(admin.org()), Period::Campaign, 0, 5)
        .await?
    {
        println!(
            "  第{}名 {} {}分",
            e.rank, e.standing.name, e.standing.points
        );
    }
    Ok(())
}
