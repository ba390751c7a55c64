//! The storage-trait conformance suite: one set of tests every backend runs.
//!
//! Each case is an `async fn(Arc<dyn Store>)` that panics on failure and
//! starts from an **empty** store. A backend crate runs them all with
//! [`store_conformance!`](crate::store_conformance), giving a factory for
//! fresh stores and a function that blocks on a future:
//!
//! ```text
//! ccsa_core::store_conformance!(
//!     || async { Arc::new(MyStore::open_empty().await) as Arc<dyn Store> },
//!     |f| my_runtime.block_on(f)
//! );
//! ```
//!
//! or call a case directly:
//!
//! ```
//! use ccsa_core::store::{MemoryStore, Store};
//! use std::sync::Arc;
//! let store = Arc::new(MemoryStore::new()) as Arc<dyn Store>;
//! futures::executor::block_on(ccsa_core::conformance::registry_lists_and_retires_orgs(store));
//! ```
//!
//! Concurrency cases issue their calls together (`join_all`); on an SQL
//! backend each call takes its own pooled connection, so the database sees
//! real races. After every case the store's invariants must hold.

use crate::admin::{AdminId, AdminSession, NewAdmin, SessionToken, Username, hash_password};
use crate::binding::{AppUserId, Binding, Lockout};
use crate::clock::{Clock, ManualClock, beijing_time};
use crate::directory::{DepartmentName, MemberId, NewMember};
use crate::identity::{PersonName, Phone};
use crate::quiz::{
    Answer, BankOwner, Choices, DailyDraw, DrawKey, GradedAnswer, NewQuestion, QuestionId,
    ReviewCard, ReviewChange,
};
use crate::ranking::{Period, Scope};
use crate::registry::{CountyId, NewOrg, Org, OrgId, OrgKind, Roster};
use crate::sample;
use crate::scoring::{Campaign, DailySubmission, LedgerEntry, LedgerKind};
use crate::store::Store;
use crate::{Ccsa, ErrorCode};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use futures::future::join_all;
use std::sync::Arc;

/// Every case, by name, for backends that prefer a loop to the macro.
pub const CASES: &[&str] = &[
    "registry_lists_and_retires_orgs",
    "admin_seat_is_compare_and_set",
    "sessions_and_failures",
    "departments_are_scoped_and_deletion_moves_members",
    "members_are_unique_and_scoped",
    "binding_is_unique_both_ways_under_races",
    "question_bank_and_draws",
    "duplicate_submissions_score_once",
    "standings_activity_and_reports",
    "service_end_to_end",
    "bulk_paths_match_single_calls",
    "imports_are_atomic",
    "import_transactions_span_batches",
    "invitations_count_their_uses",
    "law_search_ranks_the_same_everywhere",
    "content_is_scoped_and_dated",
    "question_uploads_follow_their_mode",
    "bank_mixes_shape_the_draw",
    "exams_time_mark_and_analyse",
    "exports_page_through_the_ledger_and_log",
    "audit_log_is_per_org_and_kept",
    "lockouts_hold_under_races",
];

fn day(s: &str) -> NaiveDate {
    s.parse().expect("test date")
}

fn at(d: &str, h: u32) -> DateTime<Utc> {
    beijing_time(day(d), h, 0)
}

async fn sound(store: &Arc<dyn Store>) {
    let r = store.check_invariants().await.expect("check_invariants");
    assert!(
        r.is_sound(),
        "{} invariants violated: {:?}",
        store.backend(),
        r.violations
    );
}

async fn bureaus(store: &Arc<dyn Store>) -> Vec<Org> {
    let mut out = Vec::new();
    for o in Roster::notice_bureaus(day("2020-03-01")) {
        out.push(store.insert_org(o).await.expect("insert bureau"));
    }
    out
}

fn new_member(i: u64, dept: Option<crate::directory::DeptId>) -> NewMember {
    let f = sample::member_form(i, "");
    let mut m = f
        .validate(day("2020-03-24"), &[])
        .expect("sample members are valid");
    m.department = dept;
    m
}

fn new_admin(org: OrgId, username: &str, phc: &str) -> NewAdmin {
    NewAdmin {
        org,
        username: Username::parse(username).expect("valid username"),
        real_name: PersonName::parse("管理员").expect("valid"),
        phone: Phone::parse("13900000000").expect("valid"),
        email: None,
        password_hash: phc.to_string(),
        registered_at: at("2020-03-24", 9),
    }
}

/// Seats an admin for `org` (password hashed with `salt`) and logs in.
async fn admin_ctx(
    store: &Arc<dyn Store>,
    ccsa: &Ccsa,
    org: OrgId,
    username: &str,
    password: &str,
    salt: u8,
) -> crate::admin::AdminContext {
    let seat = store
        .claim_admin_seat(new_admin(
            org,
            username,
            &hash_password(password, [salt; 16]),
        ))
        .await
        .expect("seat the admin");
    ccsa.login(seat.admin.username.as_str(), password)
        .await
        .expect("admin login")
        .1
}

fn tf_question(i: usize, owner: BankOwner) -> NewQuestion {
    let cats = [
        "法律法规",
        "安全常识",
        "应急处置",
        "特殊作业",
        "危化品储存",
        "职业健康",
    ];
    NewQuestion::true_false(
        owner,
        &format!("判断题样例 第{}号：安全生产责任重于泰山。", i + 1),
        i.is_multiple_of(2),
        cats[i % cats.len()],
    )
    .validate()
    .expect("valid question")
}

/// Listing, lookup by name, uniqueness, retirement and re-listing.
pub async fn registry_lists_and_retires_orgs(store: Arc<dyn Store>) {
    let orgs = bureaus(&store).await;
    assert_eq!(orgs.len(), 53);
    assert_eq!(store.orgs().await.unwrap().len(), 53);
    let dup = store
        .insert_org(Roster::notice_bureaus(day("2020-03-01")).remove(3))
        .await
        .unwrap_err();
    assert_eq!(dup.code(), ErrorCode::OrgAlreadyListed);
    let second_bureau = NewOrg::new(
        CountyId(1),
        OrgKind::Bureau,
        "另一个应急管理局",
        None,
        day("2020-03-01"),
    )
    .unwrap();
    assert_eq!(
        store.insert_org(second_bureau).await.unwrap_err().code(),
        ErrorCode::OrgAlreadyListed
    );
    let e1 = NewOrg::new(
        CountyId(1),
        OrgKind::Enterprise,
        "渤海新区化工有限公司",
        Some("91350100M000100Y43"),
        day("2020-03-01"),
    )
    .unwrap();
    let e1 = store.insert_org(e1).await.unwrap();
    assert_eq!(
        e1.credit_code.as_ref().unwrap().as_str(),
        "91350100M000100Y43"
    );
    let same_code = NewOrg::new(
        CountyId(2),
        OrgKind::Enterprise,
        "别的公司",
        Some("91350100M000100Y43"),
        day("2020-03-01"),
    )
    .unwrap();
    assert_eq!(
        store.insert_org(same_code).await.unwrap_err().code(),
        ErrorCode::OrgAlreadyListed
    );
    assert_eq!(
        store
            .org_by_name(" 渤海新区化工有限公司 ")
            .await
            .unwrap()
            .unwrap()
            .id,
        e1.id
    );
    assert!(store.org_by_name("不存在的公司").await.unwrap().is_none());
    assert_eq!(store.org(e1.id).await.unwrap().unwrap(), e1);
    let retired = store.retire_org(e1.id, day("2020-06-01")).await.unwrap();
    assert_eq!(retired.retired_on, Some(day("2020-06-01")));
    assert_eq!(
        store
            .retire_org(e1.id, day("2020-07-01"))
            .await
            .unwrap_err()
            .code(),
        ErrorCode::OrgRetired
    );
    assert_eq!(
        store
            .retire_org(OrgId(987_654), day("2020-07-01"))
            .await
            .unwrap_err()
            .code(),
        ErrorCode::OrgNotFound
    );
    // A retired name can be listed again; lookup then prefers the active org.
    let again = NewOrg::new(
        CountyId(1),
        OrgKind::Enterprise,
        "渤海新区化工有限公司",
        Some("91310000775785552L"),
        day("2020-08-01"),
    )
    .unwrap();
    let again = store.insert_org(again).await.unwrap();
    assert_eq!(
        store
            .org_by_name("渤海新区化工有限公司")
            .await
            .unwrap()
            .unwrap()
            .id,
        again.id
    );
    let contacts = crate::registry::OrgContacts {
        leader: Some(crate::registry::Contact::parse("赵六", "13700137000").unwrap()),
        liaison: None,
    };
    let o = store
        .set_org_contacts(again.id, contacts.clone())
        .await
        .unwrap();
    assert_eq!(o.contacts, contacts);
    assert_eq!(
        store.org(again.id).await.unwrap().unwrap().contacts,
        contacts
    );
    sound(&store).await;
}

/// 200 concurrent claims for one org's seat: exactly one wins.
pub async fn admin_seat_is_compare_and_set(store: Arc<dyn Store>) {
    let orgs = bureaus(&store).await;
    let org = orgs[10].id;
    let phc = hash_password("anquan2020", [3; 16]);
    let calls = (0..200).map(|i| {
        let store = store.clone();
        let a = new_admin(org, &format!("racer{i}"), &phc);
        async move { store.claim_admin_seat(a).await }
    });
    let results = join_all(calls).await;
    let wins: Vec<_> = results.iter().filter_map(|r| r.as_ref().ok()).collect();
    assert_eq!(wins.len(), 1, "exactly one admin seat");
    for r in &results {
        if let Err(e) = r {
            assert_eq!(e.code(), ErrorCode::AdminAlreadyRegistered);
        }
    }
    let seat = store.admin_seat(org).await.unwrap().expect("seat taken");
    assert_eq!(seat.id, wins[0].id);
    assert_eq!(seat.admin.password_hash, phc);
    let by_name = store
        .admin_by_username(&seat.admin.username)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(by_name.id, seat.id);
    // The same login name for another org is taken.
    let other = new_admin(orgs[11].id, seat.admin.username.as_str(), &phc);
    assert_eq!(
        store.claim_admin_seat(other).await.unwrap_err().code(),
        ErrorCode::UsernameTaken
    );
    assert!(store.admin_seat(orgs[11].id).await.unwrap().is_none());
    assert_eq!(
        store
            .claim_admin_seat(new_admin(OrgId(987_654), "ghost", &phc))
            .await
            .unwrap_err()
            .code(),
        ErrorCode::OrgNotFound
    );
    sound(&store).await;
}

/// Sessions are stored by digest and revocable; failures are counted per key.
pub async fn sessions_and_failures(store: Arc<dyn Store>) {
    let orgs = bureaus(&store).await;
    let seat = store
        .claim_admin_seat(new_admin(orgs[0].id, "admin0", "$argon2id$x"))
        .await
        .unwrap();
    let mk = |b: u8| {
        let t = SessionToken::from_random([b; 32]);
        AdminSession {
            digest: t.digest(),
            admin: seat.id,
            org: orgs[0].id,
            issued_at: at("2020-03-24", 9),
            expires_at: at("2020-03-24", 21),
            revoked: false,
        }
    };
    store.put_session(mk(1)).await.unwrap();
    store.put_session(mk(2)).await.unwrap();
    assert_eq!(store.session(&mk(1).digest).await.unwrap(), Some(mk(1)));
    assert!(
        store
            .session(&SessionToken::from_random([9; 32]).digest())
            .await
            .unwrap()
            .is_none()
    );
    assert!(store.revoke_session(&mk(1).digest).await.unwrap());
    assert!(
        !store
            .revoke_session(&SessionToken::from_random([9; 32]).digest())
            .await
            .unwrap()
    );
    assert!(store.session(&mk(1).digest).await.unwrap().unwrap().revoked);
    assert_eq!(store.revoke_sessions_of(seat.id).await.unwrap(), 1);
    assert_eq!(store.revoke_sessions_of(AdminId(987_654)).await.unwrap(), 0);
    assert!(store.session(&mk(2).digest).await.unwrap().unwrap().revoked);

    // Attempts: claimed (counted), released (forgotten), refused when locked.
    let policy = Lockout::default();
    let keys = |k: &[&str]| k.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    for m in 0..3u64 {
        store
            .claim_attempt(
                &keys(&["phone:abc"]),
                m,
                at("2020-03-24", 9) + Duration::minutes(m as i64 * 20),
                policy,
            )
            .await
            .unwrap();
    }
    store
        .claim_attempt(&keys(&["app:xyz"]), 7, at("2020-03-24", 9), policy)
        .await
        .unwrap();
    let f = store
        .failures_since("phone:abc", at("2020-03-24", 9) + Duration::minutes(10))
        .await
        .unwrap();
    assert_eq!(
        f,
        vec![
            at("2020-03-24", 9) + Duration::minutes(20),
            at("2020-03-24", 9) + Duration::minutes(40)
        ]
    );
    assert!(
        store
            .failures_since("phone:none", at("2020-03-24", 0))
            .await
            .unwrap()
            .is_empty()
    );
    // Releasing attempt 1 forgets it under its key only; an unknown
    // attempt releases nothing.
    assert_eq!(
        store
            .release_attempt(&keys(&["phone:abc", "app:xyz"]), 1)
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        store
            .release_attempt(&keys(&["phone:abc"]), 99)
            .await
            .unwrap(),
        0
    );
    let now = at("2020-03-24", 9) + Duration::minutes(50);
    assert_eq!(
        store
            .failures_since("phone:abc", at("2020-03-24", 0))
            .await
            .unwrap()
            .len(),
        2
    );
    // Three more on phone:abc reach 5: the next claim is refused and
    // records nothing, under any of its keys.
    for a in 10..13 {
        store
            .claim_attempt(&keys(&["phone:abc"]), a, now, policy)
            .await
            .unwrap();
    }
    let e = store
        .claim_attempt(&keys(&["app:fresh", "phone:abc"]), 20, now, policy)
        .await
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::LockedUntil);
    // Unlocks when the oldest of the five (09:00) is an hour old.
    assert_eq!(
        e.locked_until_time(),
        Some(at("2020-03-24", 9) + Duration::hours(1))
    );
    assert!(
        store
            .failures_since("app:fresh", at("2020-03-24", 0))
            .await
            .unwrap()
            .is_empty()
    );
    // An hour after the oldest, one entry has aged out: one claim fits.
    let later = at("2020-03-24", 10) + Duration::minutes(1);
    store
        .claim_attempt(&keys(&["phone:abc"]), 21, later, policy)
        .await
        .unwrap();
    assert_eq!(
        store
            .claim_attempt(&keys(&["phone:abc"]), 22, later, policy)
            .await
            .unwrap_err()
            .code(),
        ErrorCode::LockedUntil
    );
    sound(&store).await;
}

/// Department CRUD, uniqueness within an org, isolation across orgs, and
/// deletion moving members to 无部门人员.
pub async fn departments_are_scoped_and_deletion_moves_members(store: Arc<dyn Store>) {
    let orgs = bureaus(&store).await;
    let (a, b) = (orgs[0].id, orgs[1].id);
    let name = |s: &str| DepartmentName::parse(s).unwrap();
    let prod = store.create_department(a, name("生产部")).await.unwrap();
    let tech = store.create_department(a, name("技术部")).await.unwrap();
    assert_eq!(
        store
            .create_department(a, name("生产部"))
            .await
            .unwrap_err()
            .code(),
        ErrorCode::DepartmentNameTaken
    );
    let b_prod = store
        .create_department(b, name("生产部"))
        .await
        .expect("same name in another org is fine");
    assert_eq!(
        store
            .rename_department(a, tech.id, name("生产部"))
            .await
            .unwrap_err()
            .code(),
        ErrorCode::DepartmentNameTaken
    );
    let tech = store
        .rename_department(a, tech.id, name("技术质量部"))
        .await
        .unwrap();
    assert_eq!(tech.name.as_str(), "技术质量部");
    // Org A cannot touch org B's department.
    assert_eq!(
        store
            .rename_department(a, b_prod.id, name("x"))
            .await
            .unwrap_err()
            .code(),
        ErrorCode::DepartmentNotFound
    );
    assert_eq!(
        store
            .delete_department(a, b_prod.id)
            .await
            .unwrap_err()
            .code(),
        ErrorCode::DepartmentNotFound
    );
    assert_eq!(
        store
            .create_department(OrgId(987_654), name("x"))
            .await
            .unwrap_err()
            .code(),
        ErrorCode::OrgNotFound
    );
    let names: Vec<String> = store
        .departments(a)
        .await
        .unwrap()
        .iter()
        .map(|d| d.name.as_str().to_string())
        .collect();
    assert_eq!(names.len(), 2);
    assert!(names.contains(&"生产部".to_string()) && names.contains(&"技术质量部".to_string()));

    for i in 0..5 {
        store
            .insert_member(a, new_member(i, Some(prod.id)), at("2020-03-24", 9))
            .await
            .unwrap();
    }
    store
        .insert_member(a, new_member(5, Some(tech.id)), at("2020-03-24", 9))
        .await
        .unwrap();
    let gone = store
        .insert_member(a, new_member(6, Some(prod.id)), at("2020-03-24", 9))
        .await
        .unwrap();
    store
        .delete_member(a, gone.id, at("2020-03-25", 9))
        .await
        .unwrap();
    let del = store.delete_department(a, prod.id).await.unwrap();
    assert_eq!(del.members_moved, 5, "active members moved to 无部门人员");
    assert_eq!(
        store
            .delete_department(a, prod.id)
            .await
            .unwrap_err()
            .code(),
        ErrorCode::DepartmentNotFound
    );
    let members = store.members(a).await.unwrap();
    assert_eq!(
        members
            .iter()
            .filter(|m| m.details.department.is_none())
            .count(),
        5
    );
    assert_eq!(
        members
            .iter()
            .filter(|m| m.details.department == Some(tech.id))
            .count(),
        1
    );
    assert_eq!(store.departments(b).await.unwrap().len(), 1);
    sound(&store).await;
}

/// Members: system-wide uniqueness of phone and ID number, updates, deletes,
/// and isolation between orgs.
pub async fn members_are_unique_and_scoped(store: Arc<dyn Store>) {
    let orgs = bureaus(&store).await;
    let (a, b) = (orgs[0].id, orgs[1].id);
    let b_dept = store
        .create_department(b, DepartmentName::parse("生产部").unwrap())
        .await
        .unwrap();
    let m1 = store
        .insert_member(a, new_member(1, None), at("2020-03-24", 9))
        .await
        .unwrap();
    assert_eq!(m1.org, a);
    // Same phone in another org: taken.
    let mut clash = new_member(2, None);
    clash.phone = m1.details.phone.clone();
    assert_eq!(
        store
            .insert_member(b, clash, at("2020-03-24", 9))
            .await
            .unwrap_err()
            .code(),
        ErrorCode::PhoneTaken
    );
    let mut clash = new_member(2, None);
    clash.id_number = m1.details.id_number.clone();
    assert_eq!(
        store
            .insert_member(b, clash, at("2020-03-24", 9))
            .await
            .unwrap_err()
            .code(),
        ErrorCode::IdNumberTaken
    );
    // A department of another org cannot be used.
    assert_eq!(
        store
            .insert_member(a, new_member(3, Some(b_dept.id)), at("2020-03-24", 9))
            .await
            .unwrap_err()
            .code(),
        ErrorCode::DepartmentNotFound
    );
    assert_eq!(
        store
            .insert_member(OrgId(987_654), new_member(3, None), at("2020-03-24", 9))
            .await
            .unwrap_err()
            .code(),
        ErrorCode::OrgNotFound
    );

    let m2 = store
        .insert_member(b, new_member(2, Some(b_dept.id)), at("2020-03-24", 9))
        .await
        .unwrap();
    assert_eq!(
        store
            .member_by_phone(&m2.details.phone)
            .await
            .unwrap()
            .unwrap()
            .id,
        m2.id
    );
    // Isolation: org A sees nothing of org B's member.
    assert!(store.member(a, m2.id).await.unwrap().is_none());
    assert_eq!(
        store
            .update_member(a, m2.id, new_member(9, None))
            .await
            .unwrap_err()
            .code(),
        ErrorCode::MemberNotFound
    );
    assert_eq!(
        store
            .delete_member(a, m2.id, at("2020-03-25", 9))
            .await
            .unwrap_err()
            .code(),
        ErrorCode::MemberNotFound
    );
    assert_eq!(store.members(a).await.unwrap().len(), 1);

    // Update: change phone; the old phone is free again, the new one is taken.
    let old_phone = m1.details.phone.clone();
    let mut changed = m1.details.clone();
    changed.phone = Phone::parse("19900099999").unwrap();
    let m1u = store
        .update_member(a, m1.id, changed.clone())
        .await
        .unwrap();
    assert_eq!(m1u.details.phone, changed.phone);
    assert!(store.member_by_phone(&old_phone).await.unwrap().is_none());
    let mut takes_old = new_member(4, None);
    takes_old.phone = old_phone.clone();
    let m4 = store
        .insert_member(a, takes_old, at("2020-03-24", 9))
        .await
        .unwrap();
    let mut steal = m4.details.clone();
    steal.phone = changed.phone.clone();
    assert_eq!(
        store
            .update_member(a, m4.id, steal)
            .await
            .unwrap_err()
            .code(),
        ErrorCode::PhoneTaken
    );
    // Updating a member with its own phone and ID is fine.
    store
        .update_member(a, m4.id, m4.details.clone())
        .await
        .unwrap();

    // Delete frees phone and ID number.
    store
        .delete_member(a, m4.id, at("2020-03-25", 9))
        .await
        .unwrap();
    assert!(store.member(a, m4.id).await.unwrap().is_none());
    assert_eq!(
        store
            .delete_member(a, m4.id, at("2020-03-25", 9))
            .await
            .unwrap_err()
            .code(),
        ErrorCode::MemberNotFound
    );
    let mut reuse = new_member(4, None);
    reuse.phone = old_phone;
    store
        .insert_member(b, reuse, at("2020-03-26", 9))
        .await
        .expect("phone and ID free after delete");
    sound(&store).await;
}

/// Two app users binding one member at once: one wins, the other gets
/// `MEMBER_ALREADY_BOUND`; one app user cannot bind twice.
pub async fn binding_is_unique_both_ways_under_races(store: Arc<dyn Store>) {
    let orgs = bureaus(&store).await;
    let a = orgs[0].id;
    let m = store
        .insert_member(a, new_member(1, None), at("2020-03-24", 9))
        .await
        .unwrap();
    let m2 = store
        .insert_member(a, new_member(2, None), at("2020-03-24", 9))
        .await
        .unwrap();
    for round in 0..20 {
        let target = store
            .insert_member(a, new_member(100 + round, None), at("2020-03-24", 9))
            .await
            .unwrap();
        let b = |u: &str| Binding {
            app_user: AppUserId::parse(u).unwrap(),
            member: target.id,
            org: a,
            bound_at: at("2020-03-24", 10),
        };
        let (r1, r2) = futures::join!(
            store.bind(b(&format!("wx-a-{round}"))),
            store.bind(b(&format!("wx-b-{round}")))
        );
        let err = match (r1, r2) {
            (Ok(_), Err(e)) | (Err(e), Ok(_)) => e,
            (a, b) => panic!("round {round}: exactly one binding must win, got {a:?} and {b:?}"),
        };
        assert_eq!(err.code(), ErrorCode::MemberAlreadyBound);
    }
    let bind = |u: &str, member: MemberId| Binding {
        app_user: AppUserId::parse(u).unwrap(),
        member,
        org: a,
        bound_at: at("2020-03-24", 10),
    };
    store.bind(bind("wx-1", m.id)).await.unwrap();
    assert_eq!(
        store.bind(bind("wx-1", m2.id)).await.unwrap_err().code(),
        ErrorCode::AppUserAlreadyBound
    );
    assert_eq!(
        store
            .binding_of(&AppUserId::parse("wx-1").unwrap())
            .await
            .unwrap()
            .unwrap()
            .member,
        m.id
    );
    assert_eq!(
        store
            .bind(bind("wx-9", MemberId(987_654)))
            .await
            .unwrap_err()
            .code(),
        ErrorCode::MemberNotFound
    );
    // Deleting the member removes the binding; the app user can bind again.
    store
        .delete_member(a, m.id, at("2020-03-25", 9))
        .await
        .unwrap();
    assert!(
        store
            .binding_of(&AppUserId::parse("wx-1").unwrap())
            .await
            .unwrap()
            .is_none()
    );
    store.bind(bind("wx-1", m2.id)).await.unwrap();
    sound(&store).await;
}

/// Question banks, revisions, and the put-if-absent draw.
pub async fn question_bank_and_draws(store: Arc<dyn Store>) {
    let orgs = bureaus(&store).await;
    let r0 = store.bank_revision().await.unwrap();
    let national: Vec<_> = (0..30)
        .map(|i| tf_question(i, BankOwner::National))
        .collect();
    let ids = store.insert_questions(national.clone()).await.unwrap();
    assert_eq!(ids.len(), 30);
    let r1 = store.bank_revision().await.unwrap();
    assert!(r1 > r0);
    let own = store
        .insert_questions(vec![tf_question(99, BankOwner::Org(orgs[0].id))])
        .await
        .unwrap();
    assert!(store.bank_revision().await.unwrap() > r1);
    assert_eq!(
        store
            .questions(Some(BankOwner::National))
            .await
            .unwrap()
            .len(),
        30
    );
    assert_eq!(
        store
            .questions(Some(BankOwner::Org(orgs[0].id)))
            .await
            .unwrap()[0]
            .id,
        own[0]
    );
    assert!(
        store
            .questions(Some(BankOwner::Org(orgs[1].id)))
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(store.questions(None).await.unwrap().len(), 31);
    let got = store
        .questions_by_id(&[ids[3], QuestionId(987_654), ids[0]])
        .await
        .unwrap();
    assert_eq!(
        got.iter().map(|q| q.id).collect::<Vec<_>>(),
        vec![ids[3], ids[0]]
    );
    assert_eq!(got[0].body, national[3]);

    let m = store
        .insert_member(orgs[0].id, new_member(1, None), at("2020-03-24", 9))
        .await
        .unwrap();
    let key = |d: &str| DrawKey {
        member: m.id,
        day: day(d),
        bank_revision: r1,
        seed: 7,
    };
    let first = DailyDraw {
        key: key("2020-03-24"),
        questions: ids[..5].to_vec(),
        reviews: 0,
    };
    let other = DailyDraw {
        key: key("2020-03-24"),
        questions: ids[5..10].to_vec(),
        reviews: 1,
    };
    let (x, y) = futures::join!(
        store.issue_draw(first.clone()),
        store.issue_draw(other.clone())
    );
    let (x, y) = (x.unwrap(), y.unwrap());
    assert_eq!(x, y, "both callers see the one stored draw");
    assert!(x == first || x == other);
    assert_eq!(
        store.draw_of(m.id, day("2020-03-24")).await.unwrap(),
        Some(x.clone())
    );
    assert!(
        store
            .draw_of(m.id, day("2020-03-25"))
            .await
            .unwrap()
            .is_none()
    );
    store
        .issue_draw(DailyDraw {
            key: key("2020-03-25"),
            questions: ids[10..15].to_vec(),
            reviews: 0,
        })
        .await
        .unwrap();
    let h = store.quiz_history(m.id, day("2020-03-25")).await.unwrap();
    assert_eq!(h.recent.len(), 5);
    assert!(h.recent.iter().all(|(_, d)| *d == day("2020-03-25")));
    assert_eq!(
        store
            .quiz_history(m.id, day("2020-03-01"))
            .await
            .unwrap()
            .recent
            .len(),
        10
    );
    assert!(h.cards.is_empty());
    sound(&store).await;
}

fn submission(
    member: MemberId,
    org: OrgId,
    d: &str,
    correct: u32,
    points: i64,
    when: DateTime<Utc>,
    qs: &[QuestionId],
) -> DailySubmission {
    let answers: Vec<GradedAnswer> = qs
        .iter()
        .enumerate()
        .map(|(i, q)| GradedAnswer {
            question: *q,
            chosen: Choices::single(0),
            correct: (i as u32) < correct,
        })
        .collect();
    let mut ledger = Vec::new();
    if points > 0 {
        let base = points.min(i64::from(correct) * 10);
        ledger.push(LedgerEntry {
            member,
            org,
            day: day(d),
            kind: LedgerKind::DailyQuiz,
            points: base,
            at: when,
        });
        if points > base {
            ledger.push(LedgerEntry {
                member,
                org,
                day: day(d),
                kind: LedgerKind::FullMarksBonus,
                points: points - base,
                at: when,
            });
        }
    }
    let reviews = answers
        .iter()
        .filter(|a| !a.correct)
        .map(|a| {
            ReviewChange::Upsert(
                ReviewCard::after_answer(None, a.question, false, day(d))
                    .expect("wrong answers make cards"),
            )
        })
        .collect();
    DailySubmission {
        member,
        org,
        day: day(d),
        submitted_at: when,
        answers,
        correct,
        points,
        ledger,
        reviews,
    }
}

/// Analyst exports: the ledger and the answer log read page by page give
/// every row in range exactly once, in order, whatever the page size.
pub async fn exports_page_through_the_ledger_and_log(store: Arc<dyn Store>) {
    use crate::store::{ExportRange, LedgerRow, SubmissionRow};
    let orgs = bureaus(&store).await;
    let (a, b) = (orgs[0].id, orgs[7].id);
    let qs = store
        .insert_questions(
            (0..5)
                .map(|i| tf_question(i, BankOwner::National))
                .collect(),
        )
        .await
        .unwrap();
    let mut subs = Vec::new();
    for i in 0..5u64 {
        let org = if i < 3 { a } else { b };
        let m = store
            .insert_member(org, new_member(i, None), at("2020-03-02", 9))
            .await
            .unwrap();
        for d in 10..15u32 {
            let correct = (i as u32 + d) % 6; // 0..=5: some days score nothing
            let points = i64::from(correct) * 10 + if correct == 5 { 5 } else { 0 };
            let when = at(&format!("2020-03-{d}"), 9 + i as u32);
            subs.push(submission(
                m.id,
                org,
                &format!("2020-03-{d}"),
                correct,
                points,
                when,
                &qs,
            ));
        }
    }
    // Recorded in two batches and one by one, as a campaign would.
    let (first, rest) = subs.split_at(12);
    store.record_submissions(first.to_vec()).await.unwrap();
    for s in rest {
        store.record_submission(s.clone()).await.unwrap();
    }
    let ledger_all = |range: ExportRange, page: usize| {
        let store = store.clone();
        async move {
            let (mut out, mut after) = (Vec::<LedgerRow>::new(), 0);
            loop {
                let rows = store.ledger_page(&range, after, page).await.unwrap();
                assert!(rows.len() <= page);
                let Some(last) = rows.last() else { break };
                after = last.id;
                out.extend(rows);
            }
            out
        }
    };
    let log_all = |range: ExportRange, page: usize| {
        let store = store.clone();
        async move {
            let (mut out, mut after) = (Vec::<SubmissionRow>::new(), None);
            loop {
                let rows = store.submissions_page(&range, after, page).await.unwrap();
                assert!(rows.len() <= page);
                let Some(last) = rows.last() else { break };
                after = Some(last.key());
                out.extend(rows);
            }
            out
        }
    };
    let ranges = [
        ExportRange::everything(),
        ExportRange::days(day("2020-03-11"), day("2020-03-12")),
        ExportRange::days(day("2020-03-11"), day("2020-03-12")).for_org(b),
        ExportRange::everything().for_org(a),
        ExportRange::days(day("2020-04-01"), day("2020-04-30")),
    ];
    let sort_key = |e: &LedgerEntry| (e.member, e.day, e.kind.as_str(), e.points);
    for range in ranges {
        // The ledger: the non-zero entries in range, ids increasing.
        let mut want: Vec<LedgerEntry> = subs
            .iter()
            .flat_map(|s| s.ledger.iter().cloned())
            .filter(|e| e.points != 0 && range.contains(e.org, e.day))
            .collect();
        want.sort_by_key(sort_key);
        for page in [1, 3, 1000] {
            let got = ledger_all(range, page).await;
            assert!(got.windows(2).all(|w| w[0].id < w[1].id), "{range:?}");
            let mut entries: Vec<LedgerEntry> = got.into_iter().map(|r| r.entry).collect();
            entries.sort_by_key(sort_key);
            assert_eq!(entries, want, "ledger {range:?} in pages of {page}");
        }
        // The answer log: one row per scored submission in range, in
        // (member, day) order, answers included.
        let mut want: Vec<(OrgId, crate::scoring::QuizResult)> = subs
            .iter()
            .filter(|s| range.contains(s.org, s.day))
            .map(|s| (s.org, s.result()))
            .collect();
        want.sort_by_key(|(_, r)| (r.member, r.day));
        for page in [1, 4, 1000] {
            let got: Vec<_> = log_all(range, page)
                .await
                .into_iter()
                .map(|r| (r.org, r.result))
                .collect();
            assert_eq!(got, want, "answer log {range:?} in pages of {page}");
        }
    }
    // The provided whole-range readers give what the page loops gave.
    let all = ExportRange::everything();
    assert_eq!(
        store.ledger_rows(&all, 7).await.unwrap(),
        ledger_all(all, 7).await
    );
    assert_eq!(
        store.submission_rows(&all, 3).await.unwrap(),
        log_all(all, 3).await
    );
    assert!(!ledger_all(all, 7).await.is_empty());
    sound(&store).await;
}

/// 1,000 concurrent duplicate submissions of one member's day: exactly one
/// scores; every caller gets the same result; totals equal the ledger.
pub async fn duplicate_submissions_score_once(store: Arc<dyn Store>) {
    let orgs = bureaus(&store).await;
    let org = orgs[0].id;
    let qs = store
        .insert_questions(
            (0..5)
                .map(|i| tf_question(i, BankOwner::National))
                .collect(),
        )
        .await
        .unwrap();
    let m = store
        .insert_member(org, new_member(1, None), at("2020-03-24", 9))
        .await
        .unwrap();
    let calls = (0..1000).map(|i| {
        let store = store.clone();
        // Each caller sends a different grading; only the first stored counts.
        // At most 4 of 5 correct, so whichever wins leaves a review card.
        let s = submission(
            m.id,
            org,
            "2020-03-24",
            (i % 4) as u32 + 1,
            10 * ((i % 4) + 1),
            at("2020-03-24", 10) + Duration::seconds(i),
            &qs,
        );
        async move { store.record_submission(s).await }
    });
    let results: Vec<_> = join_all(calls)
        .await
        .into_iter()
        .map(|r| r.expect("record_submission"))
        .collect();
    assert_eq!(
        results.iter().filter(|o| o.first).count(),
        1,
        "exactly one scoring"
    );
    let winner = results.iter().find(|o| o.first).unwrap().result.clone();
    assert!(
        results.iter().all(|o| o.result == winner),
        "every caller gets the first result"
    );
    let ledger = store.ledger(m.id).await.unwrap();
    assert_eq!(ledger.iter().map(|e| e.points).sum::<i64>(), winner.points);
    assert_eq!(store.member_points(m.id).await.unwrap(), winner.points);
    assert_eq!(
        store.submission(m.id, day("2020-03-24")).await.unwrap(),
        Some(winner.clone())
    );
    let cards = store
        .quiz_history(m.id, day("2020-03-24"))
        .await
        .unwrap()
        .cards;
    assert_eq!(
        cards.len() as u32,
        5 - winner.correct,
        "review cards of the scored submission only"
    );
    // A perfect day with a bonus, then a zero day: totals follow the ledger.
    let s2 = submission(m.id, org, "2020-03-25", 5, 60, at("2020-03-25", 10), &qs);
    store.record_submission(s2).await.unwrap();
    let s3 = submission(m.id, org, "2020-03-26", 0, 0, at("2020-03-26", 10), &qs);
    let o3 = store.record_submission(s3).await.unwrap();
    assert!(o3.first && o3.result.points == 0);
    let sum: i64 = store
        .ledger(m.id)
        .await
        .unwrap()
        .iter()
        .map(|e| e.points)
        .sum();
    assert_eq!(store.member_points(m.id).await.unwrap(), sum);
    assert_eq!(sum, winner.points + 60);
    assert!(
        store
            .ledger(m.id)
            .await
            .unwrap()
            .iter()
            .any(|e| e.kind == LedgerKind::FullMarksBonus)
    );
    // Review changes: a removal applies.
    let q0 = cards[0].question;
    let mut s4 = submission(m.id, org, "2020-03-27", 5, 50, at("2020-03-27", 10), &qs);
    s4.reviews = vec![ReviewChange::Remove(q0)];
    store.record_submission(s4).await.unwrap();
    let after = store
        .quiz_history(m.id, day("2020-03-27"))
        .await
        .unwrap()
        .cards;
    assert!(!after.iter().any(|c| c.question == q0));
    sound(&store).await;
}

/// Standings by scope and period (ties by who reached the score first),
/// per-org activity, and the monthly report built on them.
pub async fn standings_activity_and_reports(store: Arc<dyn Store>) {
    let orgs = bureaus(&store).await;
    let (a, b, c) = (orgs[0].id, orgs[1].id, orgs[12].id); // counties 1, 2, 13
    let qs = store
        .insert_questions(
            (0..5)
                .map(|i| tf_question(i, BankOwner::National))
                .collect(),
        )
        .await
        .unwrap();
    let dept = store
        .create_department(a, DepartmentName::parse("一车间").unwrap())
        .await
        .unwrap();
    let mut ms = Vec::new();
    for (i, (org, dept)) in [
        (a, Some(dept.id)),
        (a, Some(dept.id)),
        (a, None),
        (b, None),
        (c, None),
        (c, None),
    ]
    .into_iter()
    .enumerate()
    {
        ms.push(
            store
                .insert_member(org, new_member(i as u64, dept), at("2020-03-02", 9))
                .await
                .unwrap(),
        );
    }
    let never = store
        .insert_member(c, new_member(50, None), at("2020-04-15", 9))
        .await
        .unwrap();
    let rec = |i: usize, d: &str, h: u32, correct: u32, points: i64| {
        let s = submission(ms[i].id, ms[i].org, d, correct, points, at(d, h), &qs);
        let store = store.clone();
        async move { store.record_submission(s).await.unwrap() }
    };
    // March: m0 30 (at 10h), m1 30 (at 9h: reached first), m2 50, m3 10, m4 0.
    rec(0, "2020-03-10", 10, 3, 30).await;
    rec(1, "2020-03-10", 9, 3, 30).await;
    rec(2, "2020-03-11", 9, 5, 50).await;
    rec(3, "2020-03-11", 9, 1, 10).await;
    rec(4, "2020-03-12", 9, 0, 0).await;
    // April: m0 +20, m5 40.
    rec(0, "2020-04-01", 9, 2, 20).await;
    rec(5, "2020-04-02", 9, 4, 40).await;

    let march = Period::Month {
        year: 2020,
        month: 3,
    };
    let board = crate::ranking::rank_standings(store.standings(Scope::All, march).await.unwrap());
    let rows: Vec<_> = board
        .iter()
        .map(|e| (e.rank, e.standing.member, e.standing.points))
        .collect();
    assert_eq!(
        rows,
        vec![
            (1, ms[2].id, 50),
            (2, ms[1].id, 30),
            (2, ms[0].id, 30),
            (4, ms[3].id, 10),
            (5, ms[4].id, 0)
        ]
    );
    let campaign = crate::ranking::rank_standings(
        store.standings(Scope::All, Period::Campaign).await.unwrap(),
    );
    // m2 and m0 both have 50; m2 reached it first (03-11 vs 04-01).
    let top: Vec<_> = campaign
        .iter()
        .take(3)
        .map(|e| (e.rank, e.standing.member, e.standing.points))
        .collect();
    assert_eq!(
        top,
        vec![(1, ms[2].id, 50), (1, ms[0].id, 50), (3, ms[5].id, 40)]
    );
    assert_eq!(campaign.len(), 6);
    let day_board = store
        .standings(Scope::All, Period::Day(day("2020-03-11")))
        .await
        .unwrap();
    assert_eq!(day_board.len(), 2);
    let in_dept = store
        .standings(Scope::Department(a, Some(dept.id)), Period::Campaign)
        .await
        .unwrap();
    assert_eq!(in_dept.len(), 2);
    let no_dept = store
        .standings(Scope::Department(a, None), Period::Campaign)
        .await
        .unwrap();
    assert_eq!(
        no_dept.iter().map(|s| s.member).collect::<Vec<_>>(),
        vec![ms[2].id]
    );
    assert_eq!(
        store
            .standings(Scope::Org(b), Period::Campaign)
            .await
            .unwrap()
            .len(),
        1
    );
    assert_eq!(
        store
            .standings(Scope::County(CountyId(13)), Period::Campaign)
            .await
            .unwrap()
            .len(),
        2
    );
    assert!(
        store
            .standings(Scope::County(CountyId(30)), Period::Campaign)
            .await
            .unwrap()
            .is_empty()
    );
    // default pagination and my rank
    let page = store
        .leaderboard_page(Scope::All, march, 1, 2)
        .await
        .unwrap();
    assert_eq!(
        page.iter().map(|e| e.standing.member).collect::<Vec<_>>(),
        vec![ms[1].id, ms[0].id]
    );
    let mine = store
        .standing_of(ms[3].id, Scope::All, march)
        .await
        .unwrap()
        .unwrap();
    assert_eq!((mine.rank, mine.standing.points), (4, 10));
    assert!(
        store
            .standing_of(ms[5].id, Scope::All, march)
            .await
            .unwrap()
            .is_none()
    );

    // Activity: March registered counts everyone created by 03-31 (not `never`).
    let act = store
        .activity(day("2020-03-01"), day("2020-03-31"))
        .await
        .unwrap();
    let get = |o: OrgId| *act.iter().find(|x| x.org == o).unwrap();
    assert_eq!(
        (get(a).registered, get(a).participants, get(a).points),
        (3, 3, 110)
    );
    assert_eq!(
        (get(b).registered, get(b).participants, get(b).points),
        (1, 1, 10)
    );
    assert_eq!(
        (get(c).registered, get(c).participants, get(c).points),
        (2, 1, 0)
    );
    assert_eq!(act.len(), 53);
    let april = store
        .activity(day("2020-04-01"), day("2020-04-30"))
        .await
        .unwrap();
    let c_april = *april.iter().find(|x| x.org == c).unwrap();
    assert_eq!(
        (c_april.registered, c_april.participants, c_april.points),
        (3, 1, 40)
    );
    // A member deleted in April still counts as registered in March, not in May.
    store
        .delete_member(c, never.id, at("2020-04-20", 9))
        .await
        .unwrap();
    let may = store
        .activity(day("2020-05-01"), day("2020-05-31"))
        .await
        .unwrap();
    assert_eq!(may.iter().find(|x| x.org == c).unwrap().registered, 2);
    let roster = Roster::new(store.orgs().await.unwrap());
    let report =
        crate::ranking::MonthlyReport::build(day("2020-03-01"), day("2020-03-31"), &roster, &act);
    assert_eq!(
        report.counties[0].county,
        CountyId(1),
        "county 1: 3/3 participants, avg 36.7"
    );
    assert_eq!(
        report.counties[1].county,
        CountyId(2),
        "county 2: 1/1, avg 10"
    );
    assert_eq!(report.counties[2].county, CountyId(13), "county 13: 1/2");
    assert_eq!(report.total.participants, 5);
    let r = store.check_invariants().await.unwrap();
    assert!(
        r.is_sound() && r.members_checked >= 6 && r.submissions_checked == 7,
        "{r:?}"
    );
}

/// The whole notice through the [`Ccsa`] facade on this store: roster,
/// first-registrant admin, login, departments, members, binding with
/// lock-out, daily quiz with one scoring per day, leaderboard and report.
pub async fn service_end_to_end(store: Arc<dyn Store>) {
    let clock = Arc::new(ManualClock::new(at("2020-03-24", 9)));
    let ccsa = Ccsa::new(store.clone(), clock.clone(), Campaign::notice_2020(2020))
        .unwrap()
        .with_entropy_seed(9);
    ccsa.list_notice_bureaus().await.unwrap();
    assert_eq!(
        ccsa.list_notice_bureaus().await.unwrap().len(),
        53,
        "idempotent"
    );
    let reg = |username: &str| crate::admin::AdminRegistration {
        org_name: "南京市江北新区应急管理局".into(),
        real_name: "钱七".into(),
        phone: "13600136000".into(),
        username: username.into(),
        password: "jiangbei2020".into(),
        ..Default::default()
    };
    // Eight registrants at once: one admin.
    let attempts = join_all((0..8).map(|i| {
        let form = reg(&format!("jiangbei{i}"));
        let ccsa = &ccsa;
        async move { ccsa.register_admin(&form).await }
    }))
    .await;
    assert_eq!(attempts.iter().filter(|r| r.is_ok()).count(), 1);
    assert!(
        attempts
            .iter()
            .filter_map(|r| r.as_ref().err())
            .all(|e| e.code() == ErrorCode::AdminAlreadyRegistered)
    );
    let winner = attempts
        .iter()
        .find_map(|r| r.as_ref().ok())
        .unwrap()
        .admin
        .username
        .as_str()
        .to_string();
    let unlisted = crate::admin::AdminRegistration {
        org_name: "不在名单的公司".into(),
        ..reg("other1")
    };
    assert_eq!(
        ccsa.register_admin(&unlisted).await.unwrap_err().code(),
        ErrorCode::OrgNotListed
    );
    let bad = crate::admin::AdminRegistration {
        org_name: "神木市应急管理局".into(),
        phone: "123".into(),
        password: "x".into(),
        ..reg("shenmu")
    };
    let e = ccsa.register_admin(&bad).await.unwrap_err();
    assert_eq!(e.code(), ErrorCode::InvalidInfo);
    assert_eq!(e.field_errors().len(), 2);
    let taken_name = crate::admin::AdminRegistration {
        org_name: "神木市应急管理局".into(),
        ..reg(&winner)
    };
    let e = ccsa.register_admin(&taken_name).await.unwrap_err();
    assert_eq!(
        (e.code(), e.field_errors()[0].code),
        (ErrorCode::InvalidInfo, ErrorCode::UsernameTaken)
    );

    // Login, with the wrong password first.
    assert_eq!(
        ccsa.login(&winner, "wrong-pass1").await.unwrap_err().code(),
        ErrorCode::LoginFailed
    );
    assert_eq!(
        ccsa.login("nobody", "wrong-pass1")
            .await
            .unwrap_err()
            .code(),
        ErrorCode::LoginFailed
    );
    let (token, ctx) = ccsa.login(&winner, "jiangbei2020").await.unwrap();
    assert_eq!(ccsa.authenticate(&token).await.unwrap(), ctx);
    let dept = ccsa.create_department(&ctx, "生产部").await.unwrap();
    let mut forms = Vec::new();
    for i in 0..12u64 {
        let f = sample::member_form(1000 + i, if i % 2 == 0 { "生产部" } else { "" });
        ccsa.add_member(&ctx, &f).await.unwrap();
        forms.push(f);
    }
    let bad_member = crate::directory::MemberForm {
        phone: "12".into(),
        ..sample::member_form(2000, "不存在的部门")
    };
    let e = ccsa.add_member(&ctx, &bad_member).await.unwrap_err();
    assert_eq!(e.code(), ErrorCode::InvalidInfo);
    assert_eq!(e.field_errors().len(), 2);
    assert!(
        ccsa.find_member_by_phone(&ctx, &forms[3].phone)
            .await
            .unwrap()
            .is_some()
    );
    let moved = ccsa.delete_department(&ctx, dept.id).await.unwrap();
    assert_eq!(moved.members_moved, 6);

    // Binding: before import, mismatch, lock-out, success.
    let e = ccsa
        .bind("wx-stranger", "陌生人", "19999999999")
        .await
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::NoMatchingMember);
    for _ in 0..4 {
        assert_eq!(
            ccsa.bind("wx-guesser", "错误名", &forms[0].phone)
                .await
                .unwrap_err()
                .code(),
            ErrorCode::NoMatchingMember
        );
    }
    // The 5th failure from this app user trips the lock.
    assert_eq!(
        ccsa.bind("wx-guesser", "错误名", &forms[1].phone)
            .await
            .unwrap_err()
            .code(),
        ErrorCode::NoMatchingMember
    );
    let locked = ccsa
        .bind("wx-guesser", &forms[2].name, &forms[2].phone)
        .await
        .unwrap_err();
    assert_eq!(locked.code(), ErrorCode::LockedUntil);
    assert!(locked.locked_until_time().unwrap() > clock.now());
    // The phone of forms[0] had 4 failures: one more from elsewhere locks it too.
    assert_eq!(
        ccsa.bind("wx-other", "又错了", &forms[0].phone)
            .await
            .unwrap_err()
            .code(),
        ErrorCode::NoMatchingMember
    );
    assert_eq!(
        ccsa.bind("wx-owner", &forms[0].name, &forms[0].phone)
            .await
            .unwrap_err()
            .code(),
        ErrorCode::LockedUntil
    );
    clock.advance(Duration::minutes(61));
    ccsa.bind("wx-owner", &forms[0].name, &forms[0].phone)
        .await
        .unwrap();
    for (i, f) in forms.iter().enumerate().skip(1) {
        ccsa.bind(&format!("wx-{i}"), &f.name, &f.phone)
            .await
            .unwrap();
    }
    assert_eq!(
        ccsa.bind("wx-late", &forms[1].name, &forms[1].phone)
            .await
            .unwrap_err()
            .code(),
        ErrorCode::MemberAlreadyBound
    );
    assert_eq!(
        ccsa.bind("wx-1", &forms[2].name, &forms[2].phone)
            .await
            .unwrap_err()
            .code(),
        ErrorCode::AppUserAlreadyBound
    );

    // Quiz before any question: a clear error.
    assert_eq!(
        ccsa.todays_quiz("wx-owner").await.unwrap_err().code(),
        ErrorCode::BankTooSmall
    );
    ccsa.add_national_questions(
        (0..40)
            .map(|i| tf_question(i, BankOwner::National))
            .collect(),
    )
    .await
    .unwrap();
    let quiz = ccsa.todays_quiz("wx-owner").await.unwrap();
    assert_eq!(quiz.questions.len(), 5);
    assert_eq!(
        ccsa.todays_quiz("wx-owner").await.unwrap().draw,
        quiz.draw,
        "reopening shows the same questions"
    );
    let all = store.questions(None).await.unwrap();
    let answers: Vec<Answer> = quiz
        .questions
        .iter()
        .map(|q| Answer {
            question: q.id,
            chosen: all.iter().find(|x| x.id == q.id).unwrap().body.answer,
        })
        .collect();
    let e = ccsa.submit("wx-owner", &answers[..4]).await.unwrap_err();
    assert_eq!(e.code(), ErrorCode::AnswersDontMatchDraw);
    let first = ccsa.submit("wx-owner", &answers).await.unwrap();
    assert!(first.first);
    assert_eq!((first.result.correct, first.result.points), (5, 60));
    let wrong: Vec<Answer> = answers
        .iter()
        .map(|a| Answer {
            question: a.question,
            chosen: Choices(a.chosen.0 ^ 3),
        })
        .collect();
    let again = ccsa.submit("wx-owner", &wrong).await.unwrap();
    assert!(!again.first);
    assert_eq!(again.result, first.result);
    assert_eq!(ccsa.my_points("wx-owner").await.unwrap(), 60);
    // Everyone else answers all wrong today.
    for i in 1..forms.len() {
        let app = format!("wx-{i}");
        let q = ccsa.todays_quiz(&app).await.unwrap();
        let ans: Vec<Answer> = q
            .questions
            .iter()
            .map(|x| Answer {
                question: x.id,
                chosen: Choices(all.iter().find(|y| y.id == x.id).unwrap().body.answer.0 ^ 3),
            })
            .collect();
        let o = ccsa.submit(&app, &ans).await.unwrap();
        assert_eq!(o.result.points, 0);
    }
    // Next day, a wrong answer comes back for review.
    clock.advance(Duration::days(1));
    let q2 = ccsa.todays_quiz("wx-1").await.unwrap();
    assert!(q2.draw.reviews > 0, "yesterday's mistakes are reviewed");
    let board = ccsa
        .leaderboard(Scope::Org(ctx.org()), Period::Campaign, 0, 100)
        .await
        .unwrap();
    assert_eq!(board.len(), 12);
    assert_eq!(board[0].rank, 1);
    assert_eq!(board[1].rank, 2);
    assert!(
        board[1..].iter().all(|e| e.rank == 2),
        "eleven tied at zero share rank 2"
    );
    let mine = ccsa
        .my_standing("wx-owner", Scope::All, Period::Campaign)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(mine.rank, 1);
    let report = ccsa.monthly_report(2020, 3).await.unwrap();
    let jb = report
        .counties
        .iter()
        .find(|c| c.name == "南京市江北新区")
        .unwrap();
    assert_eq!(
        (jb.rank, jb.figures.registered, jb.figures.participants),
        (1, 12, 12)
    );
    let awards = ccsa.year_end_awards(1).await.unwrap();
    assert_eq!(awards.individuals.len(), 1);
    // Logout revokes the token.
    ccsa.logout(&token).await.unwrap();
    assert_eq!(
        ccsa.authenticate(&token).await.unwrap_err().code(),
        ErrorCode::SessionInvalid
    );
    sound(&store).await;
}

/// The bulk paths (`record_submissions`, `quiz_histories`, `issue_draws`,
/// `Ccsa::issue_draws`, `Ccsa::submit_batch`) keep the single-call contracts.
pub async fn bulk_paths_match_single_calls(store: Arc<dyn Store>) {
    let orgs = bureaus(&store).await;
    let (a, b) = (orgs[0].id, orgs[20].id);
    let qs = store
        .insert_questions(
            (0..40)
                .map(|i| tf_question(i, BankOwner::National))
                .collect(),
        )
        .await
        .unwrap();
    let mut ms = Vec::new();
    for i in 0..6u64 {
        let org = if i < 4 { a } else { b };
        ms.push(
            store
                .insert_member(org, new_member(i, None), at("2020-03-02", 9))
                .await
                .unwrap(),
        );
    }
    // A batch with an in-batch duplicate and a submission stored before it.
    let pre = submission(
        ms[0].id,
        a,
        "2020-03-10",
        2,
        20,
        at("2020-03-10", 8),
        &qs[..5],
    );
    store.record_submission(pre.clone()).await.unwrap();
    let batch = vec![
        submission(
            ms[0].id,
            a,
            "2020-03-10",
            5,
            60,
            at("2020-03-10", 9),
            &qs[..5],
        ), // already stored
        submission(
            ms[1].id,
            a,
            "2020-03-10",
            3,
            30,
            at("2020-03-10", 9),
            &qs[..5],
        ),
        submission(
            ms[1].id,
            a,
            "2020-03-10",
            5,
            60,
            at("2020-03-10", 10),
            &qs[..5],
        ), // duplicate in batch
        submission(
            ms[1].id,
            a,
            "2020-03-11",
            4,
            40,
            at("2020-03-11", 9),
            &qs[..5],
        ),
        submission(
            ms[4].id,
            b,
            "2020-03-10",
            0,
            0,
            at("2020-03-10", 9),
            &qs[..5],
        ),
    ];
    let out = store.record_submissions(batch).await.unwrap();
    assert_eq!(
        out.iter().map(|o| o.first).collect::<Vec<_>>(),
        vec![false, true, false, true, true]
    );
    assert_eq!(out[0].result, pre.result());
    assert_eq!(out[2].result, out[1].result);
    assert_eq!(store.member_points(ms[1].id).await.unwrap(), 70);
    assert_eq!(store.member_points(ms[0].id).await.unwrap(), 20);
    assert!(
        store
            .record_submissions(Vec::new())
            .await
            .unwrap()
            .is_empty()
    );
    let act = store
        .activity(day("2020-03-01"), day("2020-03-31"))
        .await
        .unwrap();
    let get = |o: OrgId| *act.iter().find(|x| x.org == o).unwrap();
    assert_eq!((get(a).participants, get(a).points), (2, 90));
    assert_eq!((get(b).participants, get(b).points), (1, 0));
    let partial = store
        .activity(day("2020-03-11"), day("2020-03-20"))
        .await
        .unwrap();
    assert_eq!(partial.iter().find(|x| x.org == a).unwrap().points, 40);

    // Bulk draws and histories equal the single calls.
    let key = |m: MemberId, d: &str| DrawKey {
        member: m,
        day: day(d),
        bank_revision: 1,
        seed: 3,
    };
    let d1 = DailyDraw {
        key: key(ms[2].id, "2020-03-12"),
        questions: qs[..5].to_vec(),
        reviews: 0,
    };
    store.issue_draw(d1.clone()).await.unwrap();
    let d1_again = DailyDraw {
        questions: qs[5..10].to_vec(),
        ..d1.clone()
    };
    let d2 = DailyDraw {
        key: key(ms[3].id, "2020-03-12"),
        questions: qs[10..15].to_vec(),
        reviews: 0,
    };
    let stored = store.issue_draws(vec![d1_again, d2.clone()]).await.unwrap();
    assert_eq!(stored, vec![d1.clone(), d2.clone()]);
    let ids: Vec<MemberId> = ms.iter().map(|m| m.id).collect();
    let many = store.quiz_histories(&ids, day("2020-03-01")).await.unwrap();
    for m in &ids {
        let one = store.quiz_history(*m, day("2020-03-01")).await.unwrap();
        assert_eq!(many.get(m).cloned().unwrap_or_default(), one, "member {m}");
    }

    // Through the facade: issue, answer, submit in one batch.
    let clock = Arc::new(ManualClock::new(at("2020-03-20", 23)));
    let ccsa = Ccsa::new(store.clone(), clock.clone(), Campaign::notice_2020(5)).unwrap();
    let d = day("2020-03-20");
    let who: Vec<(MemberId, OrgId)> = ms.iter().map(|m| (m.id, m.org)).collect();
    let draws = ccsa.issue_draws(d, &who).await.unwrap();
    assert_eq!(draws.len(), 6);
    assert_eq!(
        ccsa.issue_draws(d, &who).await.unwrap(),
        draws,
        "put-if-absent"
    );
    let all = store.questions(None).await.unwrap();
    let right = |q: QuestionId| all.iter().find(|x| x.id == q).unwrap().body.answer;
    let items: Vec<crate::service::BatchAnswers> = draws
        .iter()
        .zip(&ms)
        .enumerate()
        .map(|(i, (dr, m))| crate::service::BatchAnswers {
            draw: dr.clone(),
            org: m.org,
            answers: dr
                .questions
                .iter()
                .map(|q| Answer {
                    question: *q,
                    chosen: right(*q),
                })
                .collect(),
            answered_at: match i {
                4 => at("2020-03-21", 9), // tomorrow: refused
                _ => at("2020-03-20", 8 + i as u32),
            },
        })
        .collect();
    let mut forged = items[5].clone();
    forged.draw.questions = qs[30..35].to_vec();
    forged.answers = forged
        .draw
        .questions
        .iter()
        .map(|q| Answer {
            question: *q,
            chosen: right(*q),
        })
        .collect();
    let mut items = items;
    items[5] = forged;
    let results = ccsa.submit_batch(d, items).await.unwrap();
    assert!(
        results[..4]
            .iter()
            .all(|r| r.as_ref().is_ok_and(|o| o.first && o.result.points == 60))
    );
    assert_eq!(
        results[4].as_ref().unwrap_err().code(),
        ErrorCode::AnswerTimeInvalid
    );
    assert_eq!(
        results[5].as_ref().unwrap_err().code(),
        ErrorCode::AnswersDontMatchDraw
    );
    assert_eq!(
        ccsa.submit_batch(day("2021-01-02"), vec![])
            .await
            .unwrap_err()
            .code(),
        ErrorCode::OutsideCampaign
    );
    sound(&store).await;
}

/// Imports: one transaction (a conflict anywhere writes nothing), updates
/// by ID number, and the facade's modes.
pub async fn imports_are_atomic(store: Arc<dyn Store>) {
    use crate::directory::{Cell, ImportMode, ImportOp, ImportRow, RowOutcome};
    let orgs = bureaus(&store).await;
    let (a, b) = (orgs[0].id, orgs[1].id);
    let other = store
        .insert_member(b, new_member(50, None), at("2020-03-20", 9))
        .await
        .unwrap();
    // The third op collides with org B's member: nothing is written.
    let mut clash = new_member(3, None);
    clash.phone = other.details.phone.clone();
    let ops = vec![
        ImportOp::Create(new_member(1, None)),
        ImportOp::Create(new_member(2, None)),
        ImportOp::Create(clash),
    ];
    assert_eq!(
        store
            .apply_import(a, ops, at("2020-03-24", 9))
            .await
            .unwrap_err()
            .code(),
        ErrorCode::PhoneTaken
    );
    assert!(
        store.members(a).await.unwrap().is_empty(),
        "a refused import leaves the store as it was"
    );
    let ids = store
        .apply_import(
            a,
            vec![
                ImportOp::Create(new_member(1, None)),
                ImportOp::Create(new_member(2, None)),
            ],
            at("2020-03-24", 9),
        )
        .await
        .unwrap();
    assert_eq!(ids.len(), 2);
    let matching = store
        .members_matching(
            std::slice::from_ref(&other.details.phone),
            &[new_member(2, None).id_number],
        )
        .await
        .unwrap();
    assert_eq!(matching.len(), 2);
    // Through the facade: dry run, then valid rows.
    let clock = Arc::new(ManualClock::new(at("2020-03-25", 9)));
    let ccsa = Ccsa::new(store.clone(), clock, Campaign::notice_2020(1))
        .unwrap()
        .with_entropy_seed(3);
    let ctx = admin_ctx(&store, &ccsa, a, "importer", "import2020", 1).await;
    ccsa.create_department(&ctx, "生产部").await.unwrap();
    let row = |n: u32, i: u64, dept: &str| ImportRow::from_form(n, &sample::member_form(i, dept));
    let rows = vec![
        row(2, 1, "生产部"),
        row(3, 2, ""),
        row(4, 60, "生产部"),
        ImportRow {
            phone: Cell::Text("12".into()),
            ..row(5, 61, "")
        },
    ];
    let mut calls = Vec::new();
    let dry = ccsa
        .import_rows(&ctx, rows.clone(), ImportMode::DryRun, &mut |r, w| {
            calls.push((r, w))
        })
        .await
        .unwrap();
    assert!(!dry.written);
    assert_eq!(
        dry.rows.iter().map(|r| r.outcome).collect::<Vec<_>>(),
        vec![
            RowOutcome::Updated,
            RowOutcome::Unchanged,
            RowOutcome::Created,
            RowOutcome::Failed
        ]
    );
    assert_eq!(store.members(a).await.unwrap().len(), 2);
    let aon = ccsa
        .import_rows(&ctx, rows.clone(), ImportMode::AllOrNothing, &mut |_, _| {})
        .await
        .unwrap();
    assert!(!aon.written);
    let valid = ccsa
        .import_rows(&ctx, rows.clone(), ImportMode::ValidRows, &mut |r, w| {
            calls.push((r, w))
        })
        .await
        .unwrap();
    assert!(valid.written);
    assert_eq!(valid.count(RowOutcome::Created), 1);
    assert_eq!(valid.count(RowOutcome::Updated), 1);
    let members = store.members(a).await.unwrap();
    assert_eq!(members.len(), 3);
    assert!(
        members.iter().any(|m| m.details.department.is_some()),
        "the update moved member 1 into 生产部"
    );
    assert_eq!(calls.last(), Some(&(4, 2)));
    let blank = vec![ImportRow {
        row: 9,
        ..Default::default()
    }];
    assert_eq!(
        ccsa.import_rows(&ctx, blank.clone(), ImportMode::DryRun, &mut |_, _| {})
            .await
            .unwrap_err()
            .code(),
        ErrorCode::SheetEmpty
    );
    sound(&store).await;
}

/// An import transaction across batches: lookups see earlier batches,
/// updates free phones for later creates, nothing is visible or kept until
/// commit, a failed write or a dropped transaction keeps nothing; through
/// the facade, a file larger than one batch is still all-or-nothing.
pub async fn import_transactions_span_batches(store: Arc<dyn Store>) {
    use crate::directory::{Cell, DepartmentName, ImportMode, ImportOp, ImportRow, RowOutcome};
    let orgs = bureaus(&store).await;
    let (a, b) = (orgs[0].id, orgs[1].id);
    let when = at("2020-03-24", 9);
    assert_eq!(
        store
            .begin_import(OrgId(9_999_999), when)
            .await
            .err()
            .map(|e| e.code()),
        Some(ErrorCode::OrgNotFound)
    );
    let b_member = store
        .insert_member(b, new_member(90, None), when)
        .await
        .unwrap();
    let b_dept = store
        .create_department(b, DepartmentName::parse("B部").unwrap())
        .await
        .unwrap();
    let (m1, m2) = (new_member(1, None), new_member(2, None));
    let mut m1_moved = m1.clone();
    m1_moved.phone = new_member(3, None).phone;
    let mut m4 = new_member(4, None);
    m4.phone = m1.phone.clone();

    for keep in [false, true] {
        let mut tx = store.begin_import(a, when).await.unwrap();
        let first = tx
            .write(vec![
                ImportOp::Create(m1.clone()),
                ImportOp::Create(m2.clone()),
            ])
            .await
            .unwrap();
        assert_eq!(first.len(), 2);
        assert_ne!(first[0], first[1]);
        let seen = tx
            .members_matching(std::slice::from_ref(&m1.phone), &[])
            .await
            .unwrap();
        assert_eq!(seen.len(), 1, "the transaction sees its own earlier batch");
        assert_eq!((seen[0].id, seen[0].org), (first[0], a));
        // Batch two: the update frees m1's phone, the create takes it.
        let second = tx
            .write(vec![
                ImportOp::Create(m4.clone()),
                ImportOp::Update(first[0], m1_moved.clone()),
            ])
            .await
            .unwrap();
        assert_eq!(second[1], first[0]);
        let holder = tx
            .members_matching(std::slice::from_ref(&m1.phone), &[])
            .await
            .unwrap();
        assert_eq!(holder.len(), 1);
        assert_eq!(holder[0].id, second[0]);
        if keep {
            tx.commit().await.unwrap();
        } else {
            drop(tx);
        }
        let members = store.members(a).await.unwrap();
        if keep {
            assert_eq!(members.len(), 3);
            let moved = members.iter().find(|m| m.id == first[0]).unwrap();
            assert_eq!(moved.details.phone, m1_moved.phone);
            assert_eq!(moved.created_at, when);
        } else {
            assert!(members.is_empty(), "a dropped import keeps nothing");
        }
    }

    // Refused writes: each error code, and the failed transaction keeps nothing.
    let mut taken = new_member(5, None);
    taken.phone = b_member.details.phone.clone();
    let mut same_id = new_member(91, None);
    same_id.id_number = b_member.details.id_number.clone();
    same_id.gender = b_member.details.gender;
    let mut other_dept = new_member(6, None);
    other_dept.department = Some(b_dept.id);
    for (op, code) in [
        (ImportOp::Create(taken), ErrorCode::PhoneTaken),
        (ImportOp::Create(same_id), ErrorCode::IdNumberTaken),
        (ImportOp::Create(other_dept), ErrorCode::DepartmentNotFound),
        (
            ImportOp::Update(b_member.id, new_member(7, None)),
            ErrorCode::MemberNotFound,
        ),
    ] {
        let mut tx = store.begin_import(a, when).await.unwrap();
        tx.write(vec![ImportOp::Create(new_member(8, None))])
            .await
            .unwrap();
        assert_eq!(tx.write(vec![op]).await.unwrap_err().code(), code);
        drop(tx);
        assert_eq!(store.members(a).await.unwrap().len(), 3);
    }

    // Through the facade: 2,500 rows (two batches) whose last row fails.
    let clock = Arc::new(ManualClock::new(at("2020-03-25", 9)));
    let ccsa = Ccsa::new(store.clone(), clock, Campaign::notice_2020(1))
        .unwrap()
        .with_entropy_seed(5);
    let ctx = admin_ctx(&store, &ccsa, a, "batcher", "batch2020", 2).await;
    let mut rows: Vec<ImportRow> = (0..2_500u64)
        .map(|i| ImportRow::from_form(i as u32 + 2, &sample::member_form(1_000 + i, "")))
        .collect();
    rows.last_mut().unwrap().phone = Cell::Text("1380013800".into());
    let mut calls = Vec::new();
    let aon = ccsa
        .import_rows(&ctx, rows.clone(), ImportMode::AllOrNothing, &mut |r, w| {
            calls.push((r, w))
        })
        .await
        .unwrap();
    assert!(!aon.written);
    assert_eq!(aon.count(RowOutcome::Created), 2_499);
    assert!(aon.rows.iter().all(|r| r.member.is_none()));
    assert_eq!(calls.len(), 2, "progress after each batch");
    assert_eq!(calls[1].0, 2_500);
    assert_eq!(
        store.members(a).await.unwrap().len(),
        3,
        "the first batch was rolled back with the second"
    );
    let valid = ccsa
        .import_rows(&ctx, rows, ImportMode::ValidRows, &mut |_, _| {})
        .await
        .unwrap();
    assert!(valid.written);
    assert_eq!(valid.count(RowOutcome::Created), 2_499);
    assert_eq!(valid.count(RowOutcome::Failed), 1);
    let members = store.members(a).await.unwrap();
    assert_eq!(members.len(), 3 + 2_499);
    for line in valid
        .rows
        .iter()
        .filter(|r| r.outcome == RowOutcome::Created)
    {
        let id = line.member.expect("created rows carry their member id");
        assert!(members.iter().any(|m| m.id == id));
    }
    sound(&store).await;
}

/// The law and standard database: the fixed relevance cases (exact code,
/// partial code, partial title, body phrase, two-character term, filters,
/// width and case folding, pages), insert and update errors, and a
/// brute-force cross-check on generated documents.
pub async fn law_search_ranks_the_same_everywhere(store: Arc<dyn Store>) {
    use crate::library::{DocKind, DocStatus, LawFilter, SearchTerms, sample_laws};
    let stored = store.insert_laws(sample_laws()).await.unwrap();
    assert_eq!(stored.len(), 27);
    let any = LawFilter::default();
    let d2024 = day("2024-01-01");
    let codes = |page: &crate::library::LawPage| -> Vec<String> {
        page.matches
            .iter()
            .map(|(d, _)| d.doc.code.clone())
            .collect()
    };
    let search = |q: &'static str, filter: LawFilter, on: NaiveDate| {
        let store = store.clone();
        async move {
            store
                .search_laws(&SearchTerms::parse(q).unwrap(), &filter, on, 0, 50)
                .await
                .unwrap()
        }
    };
    // Exact code: both terms in the code.
    let p = search("GB 30871-2022", any.clone(), d2024).await;
    assert_eq!(codes(&p), ["GB 30871-2022"]);
    assert_eq!(p.matches[0].1, 16);
    // Part of a code: two editions, the newer first.
    let p = search("30871", any.clone(), d2024).await;
    assert_eq!(codes(&p), ["GB 30871-2022", "GB 30871-2014"]);
    // Part of a title: title matches (4) before body matches (1).
    let p = search("重大危险源", any.clone(), d2024).await;
    assert_eq!(
        codes(&p),
        [
            "GB 18218-2018",
            "国家安全监管总局令第40号",
            "GB 18218-2009",
            "主席令第88号",
            "安监总管三〔2017〕121号",
            "国务院令第591号"
        ]
    );
    assert_eq!(
        p.matches.iter().map(|m| m.1).collect::<Vec<_>>(),
        [4, 4, 4, 1, 1, 1]
    );
    // A phrase of the body.
    let p = search("先通风、再检测、后作业", any.clone(), d2024).await;
    assert_eq!(codes(&p), ["GB 30871-2022"]);
    // A two-character term (below the trigram length).
    let p = search("动火", any.clone(), d2024).await;
    assert_eq!(codes(&p), ["GB 30871-2022", "GB 30871-2014"]);
    assert_eq!(p.matches[0].1, 2);
    // Filters: kind and status on the day.
    let repealed = LawFilter {
        kinds: vec![DocKind::NationalStandard],
        status: Some(DocStatus::Repealed),
    };
    let p = search("危险化学品", repealed, d2024).await;
    assert_eq!(codes(&p), ["GB 18218-2009"]);
    let upcoming = LawFilter {
        kinds: vec![],
        status: Some(DocStatus::Upcoming),
    };
    let p = search("特殊作业", upcoming.clone(), day("2022-05-01")).await;
    assert_eq!(codes(&p), ["GB 30871-2022"]);
    assert_eq!(search("特殊作业", upcoming, d2024).await.total, 0);
    // Before GB 30871-2022 was issued, only the 2014 edition exists.
    let p = search("特殊作业", any.clone(), day("2020-03-21")).await;
    assert_eq!(codes(&p), ["GB 30871-2014"]);
    // Full-width and upper case fold.
    let p = search("ＧＢ/Ｔ　３３０００", any.clone(), d2024).await;
    assert_eq!(codes(&p), ["GB/T 33000-2016"]);
    // Pages are slices of the whole order; total counts everything.
    let all = search("危险化学品", any.clone(), d2024).await;
    assert!(all.total >= 10, "{}", all.total);
    let terms = SearchTerms::parse("危险化学品").unwrap();
    let page = store.search_laws(&terms, &any, d2024, 2, 3).await.unwrap();
    assert_eq!(page.total, all.total);
    assert_eq!(page.matches, all.matches[2..5].to_vec());
    assert_eq!(search("不存在的词语", any.clone(), d2024).await.total, 0);

    // Errors: a code taken (spaces and case ignored) writes nothing.
    let mut dup = sample_laws().remove(16);
    assert_eq!(dup.code, "GB 30871-2022");
    dup.code = "gb30871-2022".into();
    let mut fresh = sample_laws().remove(0);
    fresh.code = "测试令第1号".into();
    assert_eq!(
        store
            .insert_laws(vec![fresh.clone(), dup])
            .await
            .unwrap_err()
            .code(),
        ErrorCode::LawCodeTaken
    );
    assert_eq!(
        store
            .insert_laws(vec![fresh.clone(), fresh.clone()])
            .await
            .unwrap_err()
            .code(),
        ErrorCode::LawCodeTaken
    );
    let mut invalid = fresh.clone();
    invalid.title = " ".into();
    assert_eq!(
        store.insert_laws(vec![invalid]).await.unwrap_err().code(),
        ErrorCode::LawInvalid
    );
    assert_eq!(search("测试令", any.clone(), d2024).await.total, 0);
    // Update: a repeal shows in the status filter; unknown ids are refused.
    let target = stored
        .iter()
        .find(|d| d.doc.code == "GB 6944-2012")
        .unwrap();
    let mut repealed_doc = target.doc.clone();
    repealed_doc.repealed_on = Some(day("2023-01-01"));
    let updated = store.update_law(target.id, repealed_doc).await.unwrap();
    assert_eq!(updated.doc.status_on(d2024), DocStatus::Repealed);
    assert_eq!(store.law(target.id).await.unwrap(), Some(updated));
    let only_repealed = LawFilter {
        kinds: vec![],
        status: Some(DocStatus::Repealed),
    };
    assert!(
        codes(&search("危险货物", only_repealed, d2024).await)
            .contains(&"GB 6944-2012".to_string())
    );
    assert_eq!(
        store
            .update_law(crate::library::LawId(9_999_999), fresh.clone())
            .await
            .unwrap_err()
            .code(),
        ErrorCode::LawNotFound
    );
    let mut clash = fresh.clone();
    clash.code = "GB 18218-2018".into();
    assert_eq!(
        store.update_law(target.id, clash).await.unwrap_err().code(),
        ErrorCode::LawCodeTaken
    );

    // Brute force on generated documents: the backend's page equals sorting
    // every document by the scoring rule.
    let words = [
        "动火",
        "受限空间",
        "储罐",
        "泄漏",
        "应急",
        "演练",
        "静电",
        "防爆",
        "氯气",
        "液氨",
        "硝化",
        "重大危险源",
        "巡检",
        "Hazop",
        "LNG",
        "检修",
        "盲板",
        "有毒",
        "可燃",
        "报警",
    ];
    let mut rng = crate::quiz::SplitMix64::new(42);
    let mut pick = |n: usize| -> String {
        (0..n)
            .map(|_| words[(rng.next_u64() % words.len() as u64) as usize])
            .collect::<Vec<_>>()
            .join("，")
    };
    let generated: Vec<crate::library::NewLawDoc> = (0..300)
        .map(|i| crate::library::NewLawDoc {
            code: format!("Q/CCSA {i:04}-2020"),
            title: format!("{}管理规定", pick(2)),
            kind: DocKind::ALL[i % DocKind::ALL.len()],
            issuer: "测试发布机关".into(),
            issued_on: day("2020-01-01") + Duration::days((i % 100) as i64),
            effective_on: day("2020-06-01") + Duration::days((i % 17) as i64),
            repealed_on: (i % 5 == 0).then(|| day("2023-01-01")),
            superseded_by: None,
            summary: pick(3),
            body: pick(12),
        })
        .collect();
    let mut all_docs = store.insert_laws(generated).await.unwrap();
    for d in &stored {
        all_docs.push(store.law(d.id).await.unwrap().unwrap());
    }
    for q in [
        "动火",
        "储罐 泄漏",
        "hazop",
        "lng 应急",
        "重大危险源",
        "ccsa 00",
        "防",
        "盲板 检修 有毒",
        "管理规定",
        "2020",
    ] {
        let terms = SearchTerms::parse(q).unwrap();
        for filter in [
            LawFilter::default(),
            LawFilter {
                kinds: vec![DocKind::NationalStandard, DocKind::Law],
                status: Some(DocStatus::InForce),
            },
        ] {
            let mut expected: Vec<(i64, u32, NaiveDate)> = all_docs
                .iter()
                .filter(|d| filter.accepts(&d.doc, d2024))
                .filter_map(|d| Some((d.id.0, d.doc.score(&terms)?, d.doc.effective_on)))
                .collect();
            expected.sort_by(|a, b| b.1.cmp(&a.1).then(b.2.cmp(&a.2)).then(a.0.cmp(&b.0)));
            let got = store
                .search_laws(&terms, &filter, d2024, 0, 1_000)
                .await
                .unwrap();
            assert_eq!(got.total, expected.len(), "{q}");
            assert_eq!(
                got.matches
                    .iter()
                    .map(|(d, s)| (d.id.0, *s, d.doc.effective_on))
                    .collect::<Vec<_>>(),
                expected,
                "{q}"
            );
        }
    }
}

/// Articles, featured topics and history today: knowledge bases are
/// visible to their org only, lists are newest first, topics take only
/// national content, accident records come by month and day in the
/// caller's time zone (leap-day records on 28 February of common years).
pub async fn content_is_scoped_and_dated(store: Arc<dyn Store>) {
    use crate::library::{
        NewArticle, NewTopic, Shelf, TopicItem, calendar_keys, sample_accidents, sample_articles,
        sample_laws,
    };
    let orgs = bureaus(&store).await;
    let (a, b) = (orgs[0].id, orgs[1].id);
    let national = store.insert_articles(sample_articles()).await.unwrap();
    assert_eq!(national.len(), 10);
    let kb = |org, title: &str, day: &str| NewArticle {
        shelf: Shelf::KnowledgeBase(org),
        title: title.into(),
        body: "本单位储罐区巡检路线与注意事项。".into(),
        minutes: 3,
        tags: vec!["巡检".into()],
        published_on: self::day(day),
    };
    let a_articles = store
        .insert_articles(vec![
            kb(a, "A厂巡检要点", "2020-07-01"),
            kb(a, "A厂应急电话", "2020-03-01"),
        ])
        .await
        .unwrap();
    let b_article = store
        .insert_articles(vec![kb(b, "B厂巡检要点", "2020-07-02")])
        .await
        .unwrap()
        .remove(0);
    // All or none: an unknown org writes nothing.
    assert_eq!(
        store
            .insert_articles(vec![
                kb(a, "不应写入", "2020-07-03"),
                kb(OrgId(9_999_999), "x", "2020-07-03")
            ])
            .await
            .unwrap_err()
            .code(),
        ErrorCode::OrgNotFound
    );
    let mut invalid = kb(a, "x", "2020-07-03");
    invalid.minutes = 0;
    assert_eq!(
        store
            .insert_articles(vec![invalid])
            .await
            .unwrap_err()
            .code(),
        ErrorCode::ArticleInvalid
    );
    let public = store.articles_visible(None, 0, 100).await.unwrap();
    assert_eq!(public.len(), 10);
    assert!(
        public
            .windows(2)
            .all(|w| w[0].article.published_on >= w[1].article.published_on)
    );
    let for_a = store.articles_visible(Some(a), 0, 100).await.unwrap();
    assert_eq!(for_a.len(), 12);
    assert_eq!(for_a[0].article.title, "A厂巡检要点", "newest first");
    assert!(
        for_a.iter().all(|x| x.id != b_article.id),
        "B's knowledge base stays in B"
    );
    let page = store.articles_visible(Some(a), 3, 4).await.unwrap();
    assert_eq!(page, for_a[3..7].to_vec());
    assert_eq!(
        store.article(b_article.id).await.unwrap(),
        Some(b_article.clone())
    );
    for (org, id) in [(b, a_articles[0].id), (a, national[0].id)] {
        assert_eq!(
            store.delete_article(org, id).await.unwrap_err().code(),
            ErrorCode::ArticleNotFound
        );
    }
    store.delete_article(a, a_articles[1].id).await.unwrap();
    assert_eq!(store.article(a_articles[1].id).await.unwrap(), None);

    // Featured topics take national content only.
    let laws = store.insert_laws(sample_laws()).await.unwrap();
    let qs = store
        .insert_questions(
            (0..3)
                .map(|i| tf_question(i, BankOwner::National))
                .collect(),
        )
        .await
        .unwrap();
    let own_q = store
        .insert_questions(vec![tf_question(9, BankOwner::Org(a))])
        .await
        .unwrap();
    let topic = |items: Vec<TopicItem>, position| NewTopic {
        title: "受限空间作业".into(),
        cover: "先通风、再检测、后作业。".into(),
        items,
        position,
    };
    let t2 = store
        .insert_topic(topic(vec![TopicItem::Law(laws[16].id)], 2))
        .await
        .unwrap();
    let t1 = store
        .insert_topic(topic(
            vec![
                TopicItem::Article(national[1].id),
                TopicItem::Law(laws[16].id),
                TopicItem::Questions(qs.clone()),
            ],
            1,
        ))
        .await
        .unwrap();
    assert_eq!(store.topics().await.unwrap(), vec![t1.clone(), t2]);
    for bad in [
        vec![TopicItem::Article(a_articles[0].id)],
        vec![TopicItem::Questions(own_q.clone())],
        vec![TopicItem::Law(crate::library::LawId(9_999_999))],
        vec![],
    ] {
        assert_eq!(
            store.insert_topic(topic(bad, 3)).await.unwrap_err().code(),
            ErrorCode::TopicInvalid
        );
    }
    assert_eq!(store.topics().await.unwrap().len(), 2);

    // History today.
    let records = store.insert_accidents(sample_accidents()).await.unwrap();
    assert_eq!(records.len(), 16);
    let mut leap = sample_accidents().remove(0);
    leap.date = day("2016-02-29");
    leap.title = "闰日测试记录".into();
    let mut invalid = leap.clone();
    invalid.source = " ".into();
    assert_eq!(
        store
            .insert_accidents(vec![leap.clone(), invalid])
            .await
            .unwrap_err()
            .code(),
        ErrorCode::AccidentInvalid
    );
    let mut older = sample_accidents().remove(1);
    older.date = day("2009-03-21");
    older.title = "较早的同日测试记录".into();
    store.insert_accidents(vec![leap, older]).await.unwrap();
    let on_321 = store.accidents_on(&[(3, 21)]).await.unwrap();
    assert_eq!(on_321.len(), 2);
    assert_eq!(on_321[0].record.date, day("2019-03-21"), "newest first");
    // 28 February 2021 (a common year) shows the leap-day record too; 2020 does not.
    let feb28 = store
        .accidents_on(&calendar_keys(day("2021-02-28")))
        .await
        .unwrap();
    assert_eq!(
        feb28.iter().map(|r| r.record.date).collect::<Vec<_>>(),
        [day("2016-02-29"), day("2012-02-28")]
    );
    assert_eq!(
        store
            .accidents_on(&calendar_keys(day("2020-02-28")))
            .await
            .unwrap()
            .len(),
        1
    );

    // Through the facade: time zones and who reads what.
    let clock = Arc::new(ManualClock::new("2020-08-12T16:30:00Z".parse().unwrap()));
    let ccsa = Ccsa::new(store.clone(), clock, Campaign::notice_2020(1))
        .unwrap()
        .with_entropy_seed(9);
    assert!(
        ccsa.history_today().await.unwrap().is_empty(),
        "already 13 August in Beijing"
    );
    let utc = ccsa
        .history_today_at(chrono::FixedOffset::east_opt(0).unwrap())
        .await
        .unwrap();
    assert_eq!(utc.len(), 1);
    assert_eq!(utc[0].record.deaths, 165);
    let form = sample::member_form(77, "");
    store
        .insert_member(
            a,
            form.validate(day("2020-08-12"), &[]).unwrap(),
            at("2020-08-12", 9),
        )
        .await
        .unwrap();
    ccsa.bind("wx-reader-a", &form.name, &form.phone)
        .await
        .unwrap();
    assert_eq!(
        ccsa.reading_list("wx-reader-a", 0, 50).await.unwrap().len(),
        11
    );
    assert_eq!(
        ccsa.reading_list("wx-stranger", 0, 50).await.unwrap().len(),
        10
    );
    assert_eq!(
        ccsa.read_article("wx-reader-a", a_articles[0].id)
            .await
            .unwrap()
            .id,
        a_articles[0].id
    );
    for (user, id) in [
        ("wx-reader-a", b_article.id),
        ("wx-stranger", a_articles[0].id),
    ] {
        assert_eq!(
            ccsa.read_article(user, id).await.unwrap_err().code(),
            ErrorCode::ArticleNotFound
        );
    }
}

/// Question-bank upload through the facade: GIFT and Aiken files in the
/// three modes, duplicates against the bank, org banks kept apart, and the
/// GIFT export reading back as the stored questions.
pub async fn question_uploads_follow_their_mode(store: Arc<dyn Store>) {
    use crate::directory::ImportMode;
    use crate::quiz::{BankOwner, QuestionKind, parse_gift};
    let orgs = bureaus(&store).await;
    let clock = Arc::new(ManualClock::new(at("2020-03-24", 9)));
    let ccsa = Ccsa::new(store.clone(), clock, Campaign::notice_2020(1))
        .unwrap()
        .with_entropy_seed(11);
    let gift = "$CATEGORY: 特殊作业\n\
        受限空间作业应坚持先通风、再检测、后作业。{T}\n\n\
        动火分析与动火作业间隔一般不超过：{=30分钟 ~2小时 ~4小时 ####GB 30871}\n\n\
        燃烧三要素包括：{~%33.3%可燃物 ~%33.3%助燃物 ~%33.4%点火源 ~%-100%催化剂}\n\n\
        氢气的爆炸下限约为 {=4%}\n\n\
        动火分析与动火作业间隔一般不超过：{=30分钟 ~1小时}\n";
    let upload = |mode| {
        let ccsa = &ccsa;
        async move {
            ccsa.upload_national_questions(gift.as_bytes(), "特殊作业.gift", "通用", mode)
                .await
                .unwrap()
        }
    };
    let dry = upload(ImportMode::DryRun).await;
    assert!(!dry.written);
    assert_eq!(dry.accepted(), 3);
    let refused: Vec<(u32, ErrorCode)> = dry
        .refused()
        .map(|l| (l.line, l.error.as_ref().unwrap().code))
        .collect();
    assert_eq!(
        refused,
        [
            (8, ErrorCode::GiftUnsupported),
            (10, ErrorCode::QuestionDuplicate)
        ]
    );
    assert!(
        dry.lines[3]
            .error
            .as_ref()
            .unwrap()
            .message
            .contains("short answer")
    );
    assert!(
        store
            .questions(Some(BankOwner::National))
            .await
            .unwrap()
            .is_empty()
    );
    let aon = upload(ImportMode::AllOrNothing).await;
    assert!(!aon.written);
    assert!(
        store
            .questions(Some(BankOwner::National))
            .await
            .unwrap()
            .is_empty()
    );
    let valid = upload(ImportMode::ValidRows).await;
    assert!(valid.written);
    let stored = store.questions(Some(BankOwner::National)).await.unwrap();
    assert_eq!(stored.len(), 3);
    assert!(valid.lines[..3].iter().all(|l| l.question.is_some()));
    let multi = stored
        .iter()
        .find(|q| q.body.kind == QuestionKind::Multiple)
        .unwrap();
    assert_eq!(multi.body.answer.letters(), "ABC");
    assert_eq!(multi.body.category, "特殊作业");
    // Uploading again: everything is already in the bank.
    let again = upload(ImportMode::ValidRows).await;
    assert!(!again.written);
    assert_eq!(
        again
            .lines
            .iter()
            .filter(|l| l
                .error
                .as_ref()
                .is_some_and(|e| e.message.contains("题库中已有")))
            .count(),
        4,
        "the three stored questions and the repeat of one of them"
    );
    // An org's own bank: Aiken, the default category, kept from others.
    let ctx = admin_ctx(&store, &ccsa, orgs[0].id, "bank_admin", "bank2020", 3).await;
    let aiken = "本厂液氯储罐的紧急切断阀位于：\nA. 罐区东侧\nB. 罐区西侧\nANSWER: A\n";
    let own = ccsa
        .upload_org_questions(
            &ctx,
            aiken.as_bytes(),
            "本厂.txt",
            "本厂规程",
            ImportMode::ValidRows,
        )
        .await
        .unwrap();
    assert_eq!(own.accepted(), 1);
    let org_bank = store
        .questions(Some(BankOwner::Org(orgs[0].id)))
        .await
        .unwrap();
    assert_eq!(org_bank.len(), 1);
    assert_eq!(org_bank[0].body.category, "本厂规程");
    assert!(
        store
            .questions(Some(BankOwner::Org(orgs[1].id)))
            .await
            .unwrap()
            .is_empty()
    );
    let org_gift = ccsa.export_org_questions_gift(&ctx).await.unwrap();
    assert!(org_gift.contains("紧急切断阀") && !org_gift.contains("受限空间"));
    // The national export reads back as the stored questions.
    let exported = ccsa.export_national_questions_gift().await.unwrap();
    let back: Vec<_> = parse_gift(&exported)
        .iter()
        .map(|r| r.to_question(BankOwner::National, "通用").unwrap())
        .collect();
    assert_eq!(back, stored.into_iter().map(|q| q.body).collect::<Vec<_>>());
    assert_eq!(
        ccsa.upload_national_questions(&[0xff, 0xfe], "x.gift", "通用", ImportMode::DryRun)
            .await
            .unwrap_err()
            .code(),
        ErrorCode::FileUnreadable
    );
}

/// Per-org bank mixes: pooled by default, national only, own only, a share
/// of each day; each change bumps the bank revision; other orgs keep theirs.
pub async fn bank_mixes_shape_the_draw(store: Arc<dyn Store>) {
    use crate::directory::MemberId;
    use crate::quiz::BankMix;
    let orgs = bureaus(&store).await;
    let (a, b) = (orgs[0].id, orgs[1].id);
    store
        .insert_questions(
            (0..12)
                .map(|i| tf_question(i, BankOwner::National))
                .collect(),
        )
        .await
        .unwrap();
    let own: Vec<QuestionId> = store
        .insert_questions(
            (20..26)
                .map(|i| tf_question(i, BankOwner::Org(a)))
                .collect(),
        )
        .await
        .unwrap();
    let clock = Arc::new(ManualClock::new(at("2020-03-24", 9)));
    let ccsa = Ccsa::new(store.clone(), clock, Campaign::notice_2020(1))
        .unwrap()
        .with_entropy_seed(13);
    let ctx = admin_ctx(&store, &ccsa, a, "mix_admin", "mix2020", 4).await;
    assert_eq!(ccsa.bank_mix(&ctx).await.unwrap(), BankMix::Pooled);
    let own_in = |qs: &[QuestionId]| qs.iter().filter(|q| own.contains(q)).count();
    let draws = |org| {
        let ccsa = &ccsa;
        async move {
            let mut v = Vec::new();
            for m in 1..=20 {
                v.push(
                    ccsa.compute_draw(MemberId(m), org, day("2020-03-24"))
                        .await
                        .unwrap(),
                );
            }
            v
        }
    };
    let pooled = draws(a).await;
    assert!(
        pooled.iter().any(|d| own_in(&d.questions) > 0),
        "pooled draws reach the own bank"
    );
    let rev = store.bank_revision().await.unwrap();
    ccsa.set_bank_mix(&ctx, BankMix::OwnOnly).await.unwrap();
    assert!(store.bank_revision().await.unwrap() > rev);
    assert!(draws(a).await.iter().all(|d| own_in(&d.questions) == 5));
    ccsa.set_bank_mix(&ctx, BankMix::NationalOnly)
        .await
        .unwrap();
    assert!(draws(a).await.iter().all(|d| own_in(&d.questions) == 0));
    ccsa.set_bank_mix(&ctx, BankMix::Share { own_percent: 40 })
        .await
        .unwrap();
    assert_eq!(
        ccsa.bank_mix(&ctx).await.unwrap(),
        BankMix::Share { own_percent: 40 }
    );
    for d in draws(a).await {
        assert_eq!(own_in(&d.questions), 2);
        assert_eq!(d.questions.len(), 5);
    }
    assert_eq!(
        ccsa.set_bank_mix(&ctx, BankMix::Share { own_percent: 101 })
            .await
            .unwrap_err()
            .code(),
        ErrorCode::PolicyInvalid
    );
    // Org B is untouched, and has no own bank to draw from alone.
    assert!(draws(b).await.iter().all(|d| own_in(&d.questions) == 0));
    store.set_bank_mix(b, BankMix::OwnOnly).await.unwrap();
    assert_eq!(
        ccsa.compute_draw(MemberId(1), b, day("2020-03-24"))
            .await
            .unwrap_err()
            .code(),
        ErrorCode::BankTooSmall
    );
    let mut mixes = store.bank_mixes().await.unwrap();
    mixes.sort_by_key(|(o, _)| *o);
    assert_eq!(
        mixes,
        [
            (a, BankMix::Share { own_percent: 40 }),
            (b, BankMix::OwnOnly)
        ]
    );
    store.set_bank_mix(b, BankMix::Pooled).await.unwrap();
    assert_eq!(store.bank_mixes().await.unwrap().len(), 1);
    assert_eq!(
        store
            .set_bank_mix(OrgId(9_999_999), BankMix::OwnOnly)
            .await
            .unwrap_err()
            .code(),
        ErrorCode::OrgNotFound
    );
}

/// Online exams end to end: creation errors, the open window, departments,
/// resumed and concurrent starts, answers against the clock, partial credit,
/// attempts, results and item analysis against hand-computed values.
pub async fn exams_time_mark_and_analyse(store: Arc<dyn Store>) {
    use crate::directory::DepartmentName;
    use crate::exam::{BlueprintRow, MultipleRule, NewExam};
    use crate::quiz::{Choices, NewQuestion, QuestionKind};
    let orgs = bureaus(&store).await;
    let (a, b) = (orgs[0].id, orgs[1].id);
    let single = |stem: &str, answer: &str| NewQuestion {
        owner: BankOwner::National,
        kind: QuestionKind::Single,
        stem: stem.into(),
        options: vec!["甲".into(), "乙".into(), "丙".into(), "丁".into()],
        answer: Choices::parse(answer).unwrap(),
        explanation: String::new(),
        category: "单选练习".into(),
        specialties: vec![],
        difficulty: 2,
        source: None,
    };
    let multi = NewQuestion {
        kind: QuestionKind::Multiple,
        stem: "燃烧三要素是？".into(),
        options: vec![
            "可燃物".into(),
            "助燃物".into(),
            "点火源".into(),
            "催化剂".into(),
        ],
        answer: Choices::parse("ABC").unwrap(),
        category: "多选练习".into(),
        ..single("", "A")
    };
    let ids = store
        .insert_questions(vec![single("单选一", "B"), single("单选二", "D"), multi])
        .await
        .unwrap();
    let (s1, s2, mq) = (ids[0], ids[1], ids[2]);
    let bank = store.questions(None).await.unwrap();
    let clock = Arc::new(ManualClock::new("2020-05-31T12:00:00Z".parse().unwrap()));
    let ccsa = Ccsa::new(store.clone(), clock.clone(), Campaign::notice_2020(1))
        .unwrap()
        .with_entropy_seed(17);
    let ctx = admin_ctx(&store, &ccsa, a, "exam_admin", "exam2020", 5).await;
    let prod = store
        .create_department(a, DepartmentName::parse("生产部").unwrap())
        .await
        .unwrap();
    let other_dept = store
        .create_department(a, DepartmentName::parse("后勤部").unwrap())
        .await
        .unwrap();
    let b_dept = store
        .create_department(b, DepartmentName::parse("B部").unwrap())
        .await
        .unwrap();
    let mut users = Vec::new();
    for (i, dept) in [
        (1u64, prod.id),
        (2, prod.id),
        (3, prod.id),
        (4, prod.id),
        (5, other_dept.id),
    ] {
        let form = sample::member_form(300 + i, "");
        let mut m = form.validate(day("2020-05-31"), &[]).unwrap();
        m.department = Some(dept);
        let member = store
            .insert_member(a, m, at("2020-05-31", 9))
            .await
            .unwrap();
        let user = format!("wx-exam-{i}");
        ccsa.bind(&user, &form.name, &form.phone).await.unwrap();
        users.push((user, member.id));
    }
    let exam = NewExam {
        org: b, // overridden by the admin's org
        title: "六月危化品安全考试".into(),
        blueprint: vec![
            BlueprintRow {
                category: "单选练习".into(),
                difficulty: None,
                count: 2,
            },
            BlueprintRow {
                category: "多选练习".into(),
                difficulty: Some(2),
                count: 1,
            },
        ],
        minutes: 30,
        pass_percent: 60,
        attempts: 2,
        opens_at: "2020-06-01T00:00:00Z".parse().unwrap(),
        closes_at: "2020-06-30T00:00:00Z".parse().unwrap(),
        departments: vec![prod.id],
        multiple_rule: MultipleRule::Partial,
    };
    // Creation errors.
    let mut too_big = exam.clone();
    too_big.blueprint[1].count = 2;
    assert_eq!(
        ccsa.create_exam(&ctx, too_big).await.unwrap_err().code(),
        ErrorCode::BankTooSmall
    );
    let mut foreign = exam.clone();
    foreign.departments = vec![b_dept.id];
    assert_eq!(
        ccsa.create_exam(&ctx, foreign).await.unwrap_err().code(),
        ErrorCode::DepartmentNotFound
    );
    let mut invalid = exam.clone();
    invalid.attempts = 0;
    assert_eq!(
        ccsa.create_exam(&ctx, invalid).await.unwrap_err().code(),
        ErrorCode::ExamInvalid
    );
    let exam = ccsa.create_exam(&ctx, exam).await.unwrap();
    assert_eq!(exam.exam.org, a);
    assert_eq!(ccsa.org_exams(&ctx).await.unwrap(), vec![exam.clone()]);
    assert_eq!(ccsa.my_exams(&users[0].0).await.unwrap().len(), 1);
    assert!(ccsa.my_exams(&users[4].0).await.unwrap().is_empty());
    // Before the window, outside the departments, unbound.
    let code = |r: Result<crate::service::ExamSheet, crate::Error>| r.unwrap_err().code();
    assert_eq!(
        code(ccsa.start_exam(&users[0].0, exam.id).await),
        ErrorCode::ExamNotOpen
    );
    clock.set("2020-06-01T01:00:00Z".parse().unwrap());
    assert_eq!(
        code(ccsa.start_exam(&users[4].0, exam.id).await),
        ErrorCode::ExamNotAllowed
    );
    assert_eq!(
        code(ccsa.start_exam("wx-nobody", exam.id).await),
        ErrorCode::NotBound
    );
    // Concurrent starts make one attempt; a second start resumes it.
    let starts = join_all((0..5).map(|_| ccsa.start_exam(&users[0].0, exam.id))).await;
    let sheet = starts[0].as_ref().unwrap().clone();
    assert!(
        starts
            .iter()
            .all(|s| s.as_ref().unwrap().attempt == sheet.attempt)
    );
    assert_eq!(
        store
            .attempts(exam.id, Some(users[0].1))
            .await
            .unwrap()
            .len(),
        1
    );
    assert_eq!(sheet.questions.len(), 3);
    assert_eq!(
        sheet.deadline,
        "2020-06-01T01:30:00Z".parse::<DateTime<Utc>>().unwrap()
    );
    // Letters as shown for a set of the question's own options.
    let shown = |sheet: &crate::service::ExamSheet, q: QuestionId, own: &str| -> String {
        let sq = sheet.questions.iter().find(|x| x.question == q).unwrap();
        let orig = bank.iter().find(|x| x.id == q).unwrap();
        let own = Choices::parse(own).unwrap();
        sq.options
            .iter()
            .enumerate()
            .filter(|(_, text)| {
                orig.body
                    .options
                    .iter()
                    .position(|o| o == *text)
                    .is_some_and(|k| own.contains(k as u8))
            })
            .map(|(i, _)| (b'A' + i as u8) as char)
            .collect()
    };
    let save = |user: usize, sheet: &crate::service::ExamSheet, q: QuestionId, own: &str| {
        let letters = shown(sheet, q, own);
        let ccsa = &ccsa;
        let user = users[user].0.clone();
        let attempt = sheet.attempt;
        async move { ccsa.save_exam_answer(&user, attempt, q, &letters).await }
    };
    // Member 1: single 1 right, single 2 wrong (changed from right), multiple 2 of 3.
    save(0, &sheet, s1, "B").await.unwrap();
    save(0, &sheet, s2, "D").await.unwrap();
    clock.advance(Duration::minutes(5));
    save(0, &sheet, s2, "A").await.unwrap();
    save(0, &sheet, mq, "AB").await.unwrap();
    assert_eq!(
        ccsa.save_exam_answer(&users[0].0, sheet.attempt, s1, "F")
            .await
            .unwrap_err()
            .code(),
        ErrorCode::ExamAnswerInvalid
    );
    assert_eq!(
        ccsa.save_exam_answer(&users[0].0, sheet.attempt, QuestionId(9_999_999), "A")
            .await
            .unwrap_err()
            .code(),
        ErrorCode::ExamAnswerInvalid
    );
    assert_eq!(
        ccsa.save_exam_answer(&users[1].0, sheet.attempt, s1, "A")
            .await
            .unwrap_err()
            .code(),
        ErrorCode::ExamNotFound,
        "another member's attempt"
    );
    let resumed = ccsa.start_exam(&users[0].0, exam.id).await.unwrap();
    assert_eq!(resumed.saved.len(), 3);
    clock.advance(Duration::minutes(26)); // 01:31, past the deadline
    assert_eq!(
        save(0, &sheet, s1, "A").await.unwrap_err().code(),
        ErrorCode::ExamTimeUp
    );
    let first = ccsa.finish_exam(&users[0].0, sheet.attempt).await.unwrap();
    let score = first.score.unwrap();
    assert_eq!(
        (score.credit_milli, score.percent_centi, score.passed),
        (1667, 5557, false)
    );
    assert_eq!(score.finished_at, sheet.deadline);
    assert_eq!(
        ccsa.finish_exam(&users[0].0, sheet.attempt)
            .await
            .unwrap_err()
            .code(),
        ErrorCode::ExamFinished
    );
    // Second attempt: all right; then no attempts left.
    let second = ccsa.start_exam(&users[0].0, exam.id).await.unwrap();
    assert_eq!(second.number, 2);
    for (q, own) in [(s1, "B"), (s2, "D"), (mq, "ABC")] {
        save(0, &second, q, own).await.unwrap();
    }
    let done = ccsa.finish_exam(&users[0].0, second.attempt).await.unwrap();
    assert_eq!(done.score.unwrap().percent_centi, 10_000);
    assert_eq!(
        code(ccsa.start_exam(&users[0].0, exam.id).await),
        ErrorCode::ExamNoAttemptsLeft
    );
    // Member 2 all right, member 3 all wrong, member 4 answers nothing.
    let sheets: Vec<_> = [1usize, 2, 3]
        .iter()
        .map(|u| ccsa.start_exam(&users[*u].0, exam.id))
        .collect();
    let sheets: Vec<_> = join_all(sheets)
        .await
        .into_iter()
        .map(|s| s.unwrap())
        .collect();
    for (q, own) in [(s1, "B"), (s2, "D"), (mq, "ABC")] {
        save(1, &sheets[0], q, own).await.unwrap();
    }
    for (q, own) in [(s1, "A"), (s2, "A"), (mq, "AD")] {
        save(2, &sheets[1], q, own).await.unwrap();
    }
    for (i, s) in sheets.iter().enumerate() {
        ccsa.finish_exam(&users[i + 1].0, s.attempt).await.unwrap();
    }
    clock.set("2020-06-30T00:00:00Z".parse().unwrap());
    assert_eq!(
        code(ccsa.start_exam(&users[1].0, exam.id).await),
        ErrorCode::ExamClosed
    );
    // Results.
    let results = ccsa.exam_results(&ctx, exam.id).await.unwrap();
    let of = |m: MemberId| results.iter().find(|r| r.member == m).unwrap();
    assert_eq!(
        of(users[0].1).attempts,
        vec![(1, 5557, false), (2, 10_000, true)]
    );
    assert!(of(users[0].1).passed && of(users[0].1).best_percent_centi == 10_000);
    assert_eq!(of(users[1].1).best_percent_centi, 10_000);
    assert_eq!(
        (of(users[2].1).best_percent_centi, of(users[2].1).passed),
        (0, false)
    );
    assert_eq!(of(users[3].1).best_percent_centi, 0);
    // Item analysis over first attempts: m1 (1, 0, 0.667), m2 (1, 1, 1),
    // m3 (0, 0, 0), m4 (0, 0, 0). N = 4, k = 1: upper m2, lower m4 (ties
    // by member id).
    let stats = ccsa.exam_item_analysis(&ctx, exam.id).await.unwrap();
    let st = |q: QuestionId| stats.iter().find(|s| s.question == q).unwrap();
    assert_eq!(st(s1).facility, 0.5);
    assert_eq!(st(s2).facility, 0.25);
    assert!((st(mq).facility - 1.667 / 4.0).abs() < 1e-9);
    assert!(
        stats
            .iter()
            .all(|s| s.examinees == 4 && s.discrimination == Some(1.0))
    );
    // Another org's admin sees nothing of it.
    let ctx_b = admin_ctx(&store, &ccsa, b, "exam_admin_b", "exam2020", 6).await;
    assert_eq!(
        ccsa.exam_results(&ctx_b, exam.id).await.unwrap_err().code(),
        ErrorCode::ExamNotFound
    );
}

/// QR-code invitations: every error code, scoping to the org, and
/// concurrent redemptions that never exceed the maximum uses.
pub async fn invitations_count_their_uses(store: Arc<dyn Store>) {
    use crate::directory::{InvitationKey, MemberForm};
    let orgs = bureaus(&store).await;
    let clock = Arc::new(ManualClock::new(at("2020-03-24", 9)));
    let key = InvitationKey::new([42; 32]);
    let ccsa = Ccsa::new(store.clone(), clock.clone(), Campaign::notice_2020(1))
        .unwrap()
        .with_entropy_seed(5)
        .with_invitation_key(key.clone());
    let mut ctxs = Vec::new();
    for (i, org) in [orgs[0].id, orgs[1].id].into_iter().enumerate() {
        let seat = store
            .claim_admin_seat(new_admin(
                org,
                &format!("inviter{i}"),
                &hash_password("invite2020", [2; 16]),
            ))
            .await
            .unwrap();
        ctxs.push(
            ccsa.login(seat.admin.username.as_str(), "invite2020")
                .await
                .unwrap()
                .1,
        );
    }
    let dept = ccsa.create_department(&ctxs[0], "一车间").await.unwrap();
    let (inv, token) = ccsa
        .create_invitation(&ctxs[0], Some(dept.id), Duration::days(7), 3)
        .await
        .unwrap();
    assert_eq!(inv.uses, 0);
    assert_eq!(ccsa.invitations(&ctxs[0]).await.unwrap().len(), 1);
    assert!(
        ccsa.invitations(&ctxs[1]).await.unwrap().is_empty(),
        "org B does not see org A's invitations"
    );
    let seen = ccsa.inspect_invitation(token.expose()).await.unwrap();
    assert_eq!(
        (seen.details.org, seen.details.department),
        (orgs[0].id, Some(dept.id))
    );
    // Five trainees redeem at once; three get in.
    let attempts = join_all((0..5u64).map(|i| {
        let ccsa = &ccsa;
        let t = token.expose().to_string();
        async move {
            ccsa.redeem_invitation(&t, &sample::member_form(300 + i, ""))
                .await
        }
    }))
    .await;
    assert_eq!(attempts.iter().filter(|r| r.is_ok()).count(), 3);
    assert!(
        attempts
            .iter()
            .filter_map(|r| r.as_ref().err())
            .all(|e| e.code() == ErrorCode::InvitationUsedUp)
    );
    let created: Vec<_> = attempts.iter().filter_map(|r| r.as_ref().ok()).collect();
    assert!(
        created
            .iter()
            .all(|m| m.org == orgs[0].id && m.details.department == Some(dept.id)),
        "the invitation fixes the department"
    );
    assert_eq!(ccsa.invitations(&ctxs[0]).await.unwrap()[0].uses, 3);
    // Invalid details are the form's errors and use nothing up.
    let (inv2, t2) = ccsa
        .create_invitation(&ctxs[0], None, Duration::days(1), 1)
        .await
        .unwrap();
    let bad = MemberForm {
        phone: "123".into(),
        ..sample::member_form(400, "")
    };
    assert_eq!(
        ccsa.redeem_invitation(t2.expose(), &bad)
            .await
            .unwrap_err()
            .code(),
        ErrorCode::InvalidInfo
    );
    let taken = MemberForm {
        phone: created[0].details.phone.expose().to_string(),
        ..sample::member_form(401, "")
    };
    assert_eq!(
        ccsa.redeem_invitation(t2.expose(), &taken)
            .await
            .unwrap_err()
            .code(),
        ErrorCode::PhoneTaken
    );
    assert_eq!(
        store.invitation(&t2.digest()).await.unwrap().unwrap().uses,
        0,
        "a failed redemption counts no use"
    );
    // Revocation is scoped to the org.
    assert_eq!(
        ccsa.revoke_invitation(&ctxs[1], inv2.id)
            .await
            .unwrap_err()
            .code(),
        ErrorCode::InvitationNotFound
    );
    ccsa.revoke_invitation(&ctxs[0], inv2.id).await.unwrap();
    assert_eq!(
        ccsa.redeem_invitation(t2.expose(), &sample::member_form(402, ""))
            .await
            .unwrap_err()
            .code(),
        ErrorCode::InvitationRevoked
    );
    // Expiry, forgery, tampering, malformed, unknown.
    let (_, t3) = ccsa
        .create_invitation(&ctxs[1], None, Duration::hours(1), 10)
        .await
        .unwrap();
    clock.advance(Duration::hours(2));
    assert_eq!(
        ccsa.inspect_invitation(t3.expose())
            .await
            .unwrap_err()
            .code(),
        ErrorCode::InvitationExpired
    );
    let mut tampered: Vec<char> = t3.expose().chars().collect();
    tampered[3] = if tampered[3] == 'x' { 'y' } else { 'x' };
    let tampered: String = tampered.into_iter().collect();
    assert_eq!(
        ccsa.inspect_invitation(&tampered).await.unwrap_err().code(),
        ErrorCode::InvitationForged
    );
    assert_eq!(
        ccsa.inspect_invitation("not-a-token")
            .await
            .unwrap_err()
            .code(),
        ErrorCode::InvitationMalformed
    );
    let unknown = crate::directory::InvitationToken::issue([77; 12], &key);
    assert_eq!(
        ccsa.inspect_invitation(unknown.expose())
            .await
            .unwrap_err()
            .code(),
        ErrorCode::InvitationNotFound
    );
    let foreign = crate::directory::InvitationToken::issue([77; 12], &InvitationKey::new([1; 32]));
    assert_eq!(
        ccsa.inspect_invitation(foreign.expose())
            .await
            .unwrap_err()
            .code(),
        ErrorCode::InvitationForged
    );
    assert_eq!(
        ccsa.create_invitation(&ctxs[0], None, Duration::days(1), 0)
            .await
            .unwrap_err()
            .code(),
        ErrorCode::TextInvalid
    );
    sound(&store).await;
}

/// The audit log: appends in order, pages per org and time range, prunes
/// by age only; the service records each admin action once, under the
/// admin's own org, without personal data, and keeps six months.
pub async fn audit_log_is_per_org_and_kept(store: Arc<dyn Store>) {
    use crate::audit::{AUDIT_RETENTION_DAYS, AuditAction, NewAuditEntry};
    let orgs = bureaus(&store).await;
    // the store contract
    let entry = |org: OrgId, k: i64, at: DateTime<Utc>| NewAuditEntry {
        org,
        admin: None,
        action: AuditAction::ALL[k as usize % AuditAction::ALL.len()],
        target: Some(k),
        detail: format!("第{k}条"),
        at,
    };
    let t0 = at("2020-03-01", 9);
    let mut ids = Vec::new();
    for k in 0..30 {
        let org = orgs[(k % 2) as usize].id;
        let e = store
            .append_audit(entry(org, k, t0 + Duration::days(k)))
            .await
            .unwrap();
        assert_eq!(e.entry, entry(org, k, t0 + Duration::days(k)));
        ids.push(e.id);
    }
    assert!(ids.windows(2).all(|w| w[0] < w[1]), "ids increase");
    let far = t0 + Duration::days(1000);
    let all0 = store
        .audit_entries(orgs[0].id, t0, far, 0, 100)
        .await
        .unwrap();
    assert_eq!(all0.len(), 15);
    assert!(all0.iter().all(|e| e.entry.org == orgs[0].id));
    // pages by id, a time window
    let page = store
        .audit_entries(orgs[0].id, t0, far, all0[4].id, 3)
        .await
        .unwrap();
    assert_eq!(page, all0[5..8].to_vec());
    let window = store
        .audit_entries(
            orgs[1].id,
            t0 + Duration::days(5),
            t0 + Duration::days(11),
            0,
            100,
        )
        .await
        .unwrap();
    let days: Vec<i64> = window.iter().map(|e| e.entry.target.unwrap()).collect();
    assert_eq!(days, vec![5, 7, 9]);
    // pruning removes only the older entries, of every org
    assert_eq!(
        store.prune_audit(t0 + Duration::days(10)).await.unwrap(),
        10
    );
    for o in &orgs[..2] {
        let left = store.audit_entries(o.id, t0, far, 0, 100).await.unwrap();
        assert_eq!(left.len(), 10);
    }

    // the service
    let clock = Arc::new(ManualClock::new(at("2020-03-24", 9)));
    let ccsa = Ccsa::new(store.clone(), clock.clone(), Campaign::notice_2020(2020))
        .unwrap()
        .with_entropy_seed(3);
    let a = admin_ctx(&store, &ccsa, orgs[2].id, "auditor2", "password2020", 2).await;
    let b = admin_ctx(&store, &ccsa, orgs[3].id, "auditor3", "password2020", 3).await;
    let d = ccsa.create_department(&a, "执法大队").await.unwrap();
    let form = crate::sample::member_form(31, "执法大队");
    let m = ccsa.add_member(&a, &form).await.unwrap();
    ccsa.update_member(&a, m.id, &crate::sample::member_form(32, ""))
        .await
        .unwrap();
    assert!(
        ccsa.delete_member(&b, m.id).await.is_err(),
        "not b's member"
    );
    ccsa.delete_member(&a, m.id).await.unwrap();
    ccsa.delete_department(&a, d.id).await.unwrap();
    let (inv, _) = ccsa
        .create_invitation(&a, None, Duration::days(1), 3)
        .await
        .unwrap();
    ccsa.revoke_invitation(&a, inv.id).await.unwrap();
    ccsa.create_department(&b, "应急科").await.unwrap();
    let now = clock.now();
    let log_a = ccsa
        .audit_log(&a, t0, now + Duration::seconds(1))
        .await
        .unwrap();
    let actions: Vec<AuditAction> = log_a.iter().map(|e| e.entry.action).collect();
    assert_eq!(
        actions,
        vec![
            AuditAction::Login,
            AuditAction::CreateDepartment,
            AuditAction::AddMember,
            AuditAction::UpdateMember,
            AuditAction::DeleteMember,
            AuditAction::DeleteDepartment,
            AuditAction::CreateInvitation,
            AuditAction::RevokeInvitation,
        ],
        "one entry per action, the refused one not recorded"
    );
    assert!(
        log_a
            .iter()
            .all(|e| e.entry.org == orgs[2].id && e.entry.admin == Some(a.admin()))
    );
    assert_eq!(log_a[2].entry.target, Some(m.id.0));
    let text = format!("{log_a:?}");
    for raw in [&form.name, &form.id_number, &form.phone] {
        assert!(
            !text.contains(raw.as_str()),
            "the audit log holds personal data"
        );
    }
    let log_b = ccsa
        .audit_log(&b, t0, now + Duration::seconds(1))
        .await
        .unwrap();
    assert_eq!(
        log_b.iter().map(|e| e.entry.action).collect::<Vec<_>>(),
        vec![AuditAction::Login, AuditAction::CreateDepartment],
        "each admin sees their own org only"
    );
    // six months on, nothing of this is pruned; a day later it is
    clock.set(now + Duration::days(AUDIT_RETENTION_DAYS) - Duration::hours(1));
    ccsa.prune_audit_log().await.unwrap();
    assert_eq!(
        ccsa.audit_log(&a, t0, far).await.unwrap().len(),
        log_a.len()
    );
    clock.set(now + Duration::days(AUDIT_RETENTION_DAYS + 1));
    ccsa.prune_audit_log().await.unwrap();
    assert!(ccsa.audit_log(&a, t0, far).await.unwrap().is_empty());
}

/// Lock-outs under races (锁定): 24 binding attempts naming one phone with a
/// wrong name, issued at once from 24 app users, are judged 5 times
/// (`NO_MATCHING_MEMBER`) and refused 19 times (`LOCKED_UNTIL`), and so are
/// 12 wrong passwords for one login name at once; the owner then still
/// waits out the lock. An unknown phone and a known phone with a wrong
/// name answer alike: the same error (code and message) after the same
/// store calls in the same order.
pub async fn lockouts_hold_under_races(store: Arc<dyn Store>) {
    use crate::store::{FaultPlan, FaultyStore};
    let clock = Arc::new(ManualClock::new(at("2020-03-24", 9)));
    let ccsa = Ccsa::new(store.clone(), clock.clone(), Campaign::notice_2020(2020))
        .unwrap()
        .with_entropy_seed(5);
    let orgs = bureaus(&store).await;
    let ctx = admin_ctx(&store, &ccsa, orgs[0].id, "lockadmin", "lock-pass1", 5).await;
    let forms: Vec<_> = (0..3u64)
        .map(|i| sample::member_form(7000 + i, ""))
        .collect();
    for f in &forms {
        ccsa.add_member(&ctx, f).await.unwrap();
    }

    let guesses = join_all((0..24).map(|i| {
        let ccsa = &ccsa;
        let phone = forms[0].phone.clone();
        async move { ccsa.bind(&format!("wx-race-{i}"), "错误名", &phone).await }
    }))
    .await;
    fn count<T>(rs: &[crate::Result<T>], code: ErrorCode) -> usize {
        rs.iter()
            .filter(|r| matches!(r, Err(e) if e.code() == code))
            .count()
    }
    assert_eq!(
        (
            count(&guesses, ErrorCode::NoMatchingMember),
            count(&guesses, ErrorCode::LockedUntil)
        ),
        (5, 19),
        "{}: five judged guesses per phone per hour, however they race",
        store.backend()
    );
    let e = ccsa
        .bind("wx-owner", &forms[0].name, &forms[0].phone)
        .await
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::LockedUntil);
    assert_eq!(
        e.locked_until_time(),
        Some(at("2020-03-24", 10)),
        "the race's failures all count from 09:00"
    );

    let logins = join_all((0..12).map(|_| {
        let ccsa = &ccsa;
        async move { ccsa.login("lockadmin", "wrong-pass1").await.map(drop) }
    }))
    .await;
    // admin_ctx's login succeeded and was released: it does not count.
    assert_eq!(
        (
            count(&logins, ErrorCode::LoginFailed),
            count(&logins, ErrorCode::LockedUntil)
        ),
        (5, 7),
        "{}: five judged passwords per login name per hour",
        store.backend()
    );
    assert_eq!(
        ccsa.login("lockadmin", "lock-pass1")
            .await
            .unwrap_err()
            .code(),
        ErrorCode::LockedUntil
    );
    clock.advance(Duration::minutes(61));
    ccsa.login("lockadmin", "lock-pass1").await.unwrap();
    ccsa.bind("wx-owner", &forms[0].name, &forms[0].phone)
        .await
        .unwrap();
    // Successful binds release their attempts.
    for (i, f) in forms.iter().enumerate().skip(1) {
        ccsa.bind(&format!("wx-ok-{i}"), &f.name, &f.phone)
            .await
            .unwrap();
    }

    // Unknown phone vs known phone with a wrong name: same answer, same path.
    let traced = |seed: u64| {
        let faulty = Arc::new(FaultyStore::new(store.clone(), FaultPlan::none()));
        let ccsa = Ccsa::new(faulty.clone(), clock.clone(), Campaign::notice_2020(2020))
            .unwrap()
            .with_entropy_seed(seed);
        (faulty, ccsa)
    };
    let known = sample::member_form(7100, "");
    ccsa.add_member(&ctx, &known).await.unwrap();
    let (t1, c1) = traced(1);
    let e1 = c1
        .bind("wx-probe-1", "错误名", &known.phone)
        .await
        .unwrap_err();
    let (t2, c2) = traced(2);
    let e2 = c2
        .bind("wx-probe-2", "错误名", "19912345678")
        .await
        .unwrap_err();
    assert_eq!(e1.code(), ErrorCode::NoMatchingMember);
    assert_eq!(e1.to_string(), e2.to_string(), "same code and message");
    assert_eq!(t1.call_names(), t2.call_names(), "same store calls");
    assert_eq!(
        t1.call_names(),
        vec!["claim_attempt", "binding_of", "member_by_phone"]
    );
    sound(&store).await;
}

/// Generates one `#[test]` per conformance case for a backend.
///
/// `$make` is a closure returning a future of a fresh, empty
/// `Arc<dyn Store>`; `$run` blocks on a future (e.g.
/// `futures::executor::block_on`, or a tokio runtime's `block_on`).
#[macro_export]
macro_rules! store_conformance {
    ($make:expr, $run:expr) => {
        $crate::store_conformance!(@cases $make, $run;
            registry_lists_and_retires_orgs,
            admin_seat_is_compare_and_set,
            sessions_and_failures,
            departments_are_scoped_and_deletion_moves_members,
            members_are_unique_and_scoped,
            binding_is_unique_both_ways_under_races,
            question_bank_and_draws,
            duplicate_submissions_score_once,
            standings_activity_and_reports,
            service_end_to_end,
            bulk_paths_match_single_calls,
            imports_are_atomic,
            import_transactions_span_batches,
            invitations_count_their_uses,
            law_search_ranks_the_same_everywhere,
            content_is_scoped_and_dated,
            question_uploads_follow_their_mode,
            bank_mixes_shape_the_draw,
            exams_time_mark_and_analyse,
            exports_page_through_the_ledger_and_log,
            audit_log_is_per_org_and_kept,
            lockouts_hold_under_races
        );
    };
    (@cases $make:expr, $run:expr; $($case:ident),* $(,)?) => {
        $(
            #[test]
            fn $case() {
                let run = $run;
                let make = $make;
                run(async move {
                    let store = make().await;
                    $crate::conformance::$case(store).await;
                });
            }
        )*
    };
}
