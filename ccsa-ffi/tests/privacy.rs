//! PIPL on the FFI side: every record an app receives — and the `Debug` of
//! every record and form, in case an app logs one — shows ID numbers and
//! phones masked; errors never carry them.

use ccsa_core::sample;
use ccsa_ffi::helpers::{parse_id_number, parse_phone};
use ccsa_ffi::records::{AdminRegistrationForm, ImportMode, MemberFormRecord, Period, Scope};
use ccsa_ffi::{EngineOptions, open_engine};

fn form(seed: u64, department: &str) -> MemberFormRecord {
    let f = sample::member_form(seed, department);
    MemberFormRecord {
        name: f.name,
        department: f.department,
        position: f.position,
        gender: f.gender,
        id_number: f.id_number,
        phone: f.phone,
        email: f.email,
        education: f.education,
    }
}

#[test]
fn records_and_errors_mask_personal_data() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let (seen, raw) = rt.block_on(async {
        let mut seen = String::new();
        let mut raw: Vec<String> = Vec::new();
        let engine = open_engine(
            "sqlite::memory:".into(),
            EngineOptions {
                seed: 7,
                campaign_start: None,
                campaign_end: None,
                invitation_key: Some(vec![7; 32]),
                invitation_link: None,
                fixed_time: Some("2020-03-24T01:00:00Z".into()),
                store_key: Some(vec![9; 32]),
                store_key_id: 1,
                retired_store_key: None,
            },
        )
        .await
        .unwrap();
        engine.list_notice_bureaus().await.unwrap();
        let reg = AdminRegistrationForm {
            org_name: "神木市应急管理局".into(),
            credit_code: None,
            real_name: "管理员".into(),
            phone: "13912345678".into(),
            email: None,
            username: "shenmu".into(),
            password: "shenmu2020".into(),
        };
        raw.push(reg.phone.clone());
        raw.push(reg.password.clone());
        seen += &format!("{reg:?}");
        seen += &format!("{:?}", engine.register_admin(reg.clone()).await.unwrap());
        seen += &format!("{:?}", engine.register_admin(reg).await.unwrap_err());
        let session = engine
            .login("shenmu".into(), "shenmu2020".into())
            .await
            .unwrap();
        let token = session.token.clone();
        engine
            .create_department(token.clone(), "执法大队".into())
            .await
            .unwrap();
        let f = form(4242, "执法大队");
        raw.extend([f.id_number.clone(), f.phone.clone()]);
        seen += &format!("{f:?}");
        seen += &format!(
            "{:?}",
            engine.add_member(token.clone(), f.clone()).await.unwrap()
        );
        let e = engine
            .add_member(token.clone(), f.clone())
            .await
            .unwrap_err();
        seen += &format!("{e:?} {e}");
        let mut bad = form(4243, "");
        bad.phone = "1391234567".into();
        raw.extend([bad.phone.clone(), bad.id_number.clone()]);
        let e = engine.add_member(token.clone(), bad).await.unwrap_err();
        seen += &format!("{e:?} {e}");
        // an import with a row that reuses a phone
        let good = form(4244, "");
        let mut taken = form(4245, "");
        taken.phone = f.phone.clone();
        raw.extend([
            good.id_number.clone(),
            good.phone.clone(),
            taken.id_number.clone(),
        ]);
        let mut csv =
            String::from("用户姓名,部门名称,职位,用户性别,用户身份证号,用户手机号,用户邮箱,学历\n");
        for r in [&good, &taken] {
            csv.push_str(&format!(
                "{},{},{},{},{},{},{},{}\n",
                r.name,
                r.department,
                r.position,
                r.gender,
                r.id_number,
                r.phone,
                r.email,
                r.education
            ));
        }
        let report = engine
            .import_members(
                token.clone(),
                csv.into_bytes(),
                "名单.csv".into(),
                ImportMode::ValidRows,
            )
            .await
            .unwrap();
        seen += &format!("{report:?}");
        seen += &format!("{:?}", engine.members(token.clone()).await.unwrap());
        // binding: wrong name, unknown phone, then right
        let e = engine
            .bind("wx-1".into(), "不是他".into(), f.phone.clone())
            .await
            .unwrap_err();
        seen += &format!("{e:?} {e}");
        raw.push("13700000001".into());
        let e = engine
            .bind("wx-2".into(), "某人".into(), "13700000001".into())
            .await
            .unwrap_err();
        seen += &format!("{e:?} {e}");
        let b = engine
            .bind("wx-1".into(), f.name.clone(), f.phone.clone())
            .await
            .unwrap();
        seen += &format!("{b:?}");
        engine.load_sample_content().await.unwrap();
        seen += &format!("{:?}", engine.todays_quiz("wx-1".into()).await.unwrap());
        seen += &format!(
            "{:?}",
            engine
                .leaderboard(Scope::All, Period::Campaign, 0, 100)
                .await
                .unwrap()
        );
        // the validators return the normalised value on purpose; their Debug
        // does not
        seen += &format!("{:?}", parse_phone(f.phone.clone()).unwrap());
        seen += &format!(
            "{:?}",
            parse_id_number(f.id_number.clone(), "2020-03-24".into()).unwrap()
        );
        (seen, raw)
    });
    assert!(seen.len() > 2000, "the walk saw little: {seen}");
    for r in &raw {
        assert!(
            !seen.contains(r.as_str()),
            "raw value in FFI output near: {}",
            &seen[seen.find(r.as_str()).unwrap().saturating_sub(120)..]
                .chars()
                .take(200)
                .collect::<String>()
        );
    }
}
