//! Encryption at rest (静态加密): a plaintext database converted in place,
//! an interrupted conversion resumed, a key rotation, the wrong keys
//! refused, and — on SQLite — the database and WAL files scanned byte by
//! byte for every raw ID number and phone they ever held. PostgreSQL: the
//! same conversion and rotation, every row of the three tables read back as
//! text and scanned.

mod common;

use ccsa_core::ErrorCode;
use ccsa_core::admin::{NewAdmin, Username};
use ccsa_core::binding::Lockout;
use ccsa_core::directory::{ImportOp, Member, NewMember};
use ccsa_core::identity::{PersonName, Phone};
use ccsa_core::registry::{Contact, OrgContacts, OrgId, Roster};
use ccsa_core::sample;
use ccsa_core::store::Store;
use ccsa_store::{Keyring, StoreOptions};
use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use std::collections::HashSet;
use std::sync::Arc;

const MEMBERS: u64 = 5_000;
const K1: [u8; 32] = [0x11; 32];
const K2: [u8; 32] = [0x22; 32];

fn at() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2020, 3, 24, 1, 0, 0).unwrap()
}

fn with(keyring: Option<Keyring>) -> StoreOptions {
    StoreOptions {
        keyring,
        ..Default::default()
    }
}

fn new_member(i: u64) -> NewMember {
    sample::member_form(i, "")
        .validate(NaiveDate::from_ymd_opt(2020, 3, 24).unwrap(), &[])
        .expect("sample members are valid")
}

/// What the scenario wrote: the org, and every raw value it stored.
struct Written {
    org: OrgId,
    raw: Vec<String>,
    leader: Contact,
    admin_phone: Phone,
}

/// A plaintext store with 5,000 members (10 of them deleted), an admin
/// and an org with contacts.
async fn fill(store: &Arc<dyn Store>) -> Written {
    let day = NaiveDate::from_ymd_opt(2020, 3, 1).unwrap();
    let mut org = None;
    for o in Roster::notice_bureaus(day).into_iter().take(3) {
        org.get_or_insert(store.insert_org(o).await.unwrap().id);
    }
    let org = org.unwrap();
    let leader = Contact::parse("李四", "13912340001").unwrap();
    let liaison = Contact::parse("王五", "13912340002").unwrap();
    store
        .set_org_contacts(
            org,
            OrgContacts {
                leader: Some(leader.clone()),
                liaison: Some(liaison.clone()),
            },
        )
        .await
        .unwrap();
    let admin_phone = Phone::parse("13912340003").unwrap();
    store
        .claim_admin_seat(NewAdmin {
            org,
            username: Username::parse("sealadmin").unwrap(),
            real_name: PersonName::parse("管理员").unwrap(),
            phone: admin_phone.clone(),
            email: None,
            password_hash: "$argon2id$test".into(),
            registered_at: at(),
        })
        .await
        .unwrap();
    let members: Vec<NewMember> = (0..MEMBERS).map(new_member).collect();
    let mut raw: Vec<String> = members
        .iter()
        .flat_map(|m| {
            [
                m.phone.expose().to_string(),
                m.id_number.expose().to_string(),
            ]
        })
        .collect();
    raw.extend(
        ["13912340001", "13912340002", "13912340003"]
            .iter()
            .map(|s| s.to_string()),
    );
    let mut tx = store.begin_import(org, at()).await.unwrap();
    let ids = tx
        .write(members.into_iter().map(ImportOp::Create).collect())
        .await
        .unwrap();
    tx.commit().await.unwrap();
    for id in ids.iter().step_by(500) {
        store.delete_member(org, *id, at()).await.unwrap();
    }
    Written {
        org,
        raw,
        leader,
        admin_phone,
    }
}

/// What the store reads back: members, admin phone, leader contact.
async fn snapshot(store: &Arc<dyn Store>, w: &Written) -> Vec<Member> {
    let org = store.org(w.org).await.unwrap().unwrap();
    assert_eq!(org.contacts.leader.as_ref(), Some(&w.leader));
    let seat = store.admin_seat(w.org).await.unwrap().unwrap();
    assert_eq!(seat.admin.phone, w.admin_phone);
    let members = store.members(w.org).await.unwrap();
    assert_eq!(members.len() as u64, MEMBERS - 10);
    members
}

/// The rules that work on blind indexes still hold.
async fn rules_hold(store: &Arc<dyn Store>, w: &Written, members: &[Member]) {
    let m = &members[17];
    let found = store.member_by_phone(&m.details.phone).await.unwrap();
    assert_eq!(found.as_ref(), Some(m), "lookup by phone");
    let mut dup = new_member(MEMBERS + 1);
    dup.phone = m.details.phone.clone();
    assert_eq!(
        store
            .insert_member(w.org, dup, at())
            .await
            .unwrap_err()
            .code(),
        ErrorCode::PhoneTaken
    );
    let mut dup = new_member(MEMBERS + 2);
    dup.id_number = m.details.id_number.clone();
    assert_eq!(
        store
            .insert_member(w.org, dup, at())
            .await
            .unwrap_err()
            .code(),
        ErrorCode::IdNumberTaken
    );
    let matching = store
        .members_matching(
            std::slice::from_ref(&m.details.phone),
            &[members[3].details.id_number.clone()],
        )
        .await
        .unwrap();
    assert_eq!(matching.len(), 2, "matching by phone and by ID number");
}

/// Every 11- and 18-character run of digits (the last may be X) in `bytes`.
fn digit_runs(bytes: &[u8]) -> HashSet<String> {
    let mut out = HashSet::new();
    for len in [11, 18] {
        for w in bytes.windows(len) {
            let ok = w[..len - 1].iter().all(u8::is_ascii_digit)
                && (w[len - 1].is_ascii_digit() || w[len - 1] == b'X');
            if ok {
                out.insert(String::from_utf8_lossy(w).into_owned());
            }
        }
    }
    out
}

/// How many of the raw values occur in the database file and its WAL.
fn raw_in_files(path: &std::path::Path, raw: &[String]) -> usize {
    let mut runs = HashSet::new();
    for suffix in ["", "-wal"] {
        let p = format!("{}{suffix}", path.display());
        if let Ok(bytes) = std::fs::read(&p) {
            runs.extend(digit_runs(&bytes));
        }
    }
    raw.iter().filter(|r| runs.contains(*r)).count()
}

async fn open_err(url: &str, keyring: Option<Keyring>) -> ErrorCode {
    ccsa_store::open_with(url, &with(keyring))
        .await
        .map(drop)
        .unwrap_err()
        .code()
}

/// The key ids of every sealed member value, as stored.
async fn sealed_key_ids_sqlite(path: &std::path::Path) -> HashSet<u32> {
    use sqlx::{Connection, Row};
    let mut c = sqlx::SqliteConnection::connect(&format!("sqlite://{}", path.display()))
        .await
        .unwrap();
    let rows = sqlx::query("SELECT phone_sealed, id_number_sealed FROM members")
        .fetch_all(&mut c)
        .await
        .unwrap();
    let mut ids = HashSet::new();
    for r in rows {
        for col in ["phone_sealed", "id_number_sealed"] {
            let b: Vec<u8> = r.try_get(col).expect("every value sealed");
            ids.insert(ccsa_store::vault::Vault::key_of(&b).unwrap());
        }
    }
    ids
}

#[test]
fn sqlite_database_is_sealed_in_place_resumed_and_rotated() {
    common::run(async {
        let dir = std::env::temp_dir().join("ccsa-tests");
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(format!("sealed-{}.db", std::process::id()));
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
        }
        let url = format!("sqlite://{}", path.display());

        // 1. A plaintext database: the raw values are in its files.
        let store = ccsa_store::open_with(&url, &with(None)).await.unwrap();
        let w = fill(&store).await;
        let before = snapshot(&store, &w).await;
        drop(store);
        let plain = raw_in_files(&path, &w.raw);
        assert!(
            plain > w.raw.len() / 2,
            "the scan finds plaintext when it is there ({plain} of {})",
            w.raw.len()
        );

        // 2. Opened with a keyring: converted in place; nothing raw remains
        // in the file or the WAL; everything reads back the same.
        let store = ccsa_store::open_with(&url, &with(Some(Keyring::new(1, K1))))
            .await
            .unwrap();
        assert_eq!(snapshot(&store, &w).await, before);
        rules_hold(&store, &w, &before).await;
        store
            .claim_attempt(&["phone:abc".to_string()], 1, at(), Lockout::default())
            .await
            .unwrap();
        drop(store);
        assert_eq!(raw_in_files(&path, &w.raw), 0, "no raw value left on disk");
        assert_eq!(sealed_key_ids_sqlite(&path).await, HashSet::from([1]));
        {
            use sqlx::Connection;
            let mut c = sqlx::SqliteConnection::connect(&url).await.unwrap();
            let keys: Vec<String> = sqlx::query_scalar("SELECT key FROM failures")
                .fetch_all(&mut c)
                .await
                .unwrap();
            assert_eq!(keys.len(), 1);
            assert!(!keys[0].contains("phone:"), "lock keys are keyed digests");
        }

        // 3. Wrong keys are refused, and so is no key.
        assert_eq!(open_err(&url, None).await, ErrorCode::StoreKeyInvalid);
        assert_eq!(
            open_err(&url, Some(Keyring::new(1, K2))).await,
            ErrorCode::StoreKeyInvalid
        );
        assert_eq!(
            open_err(&url, Some(Keyring::new(2, K2))).await,
            ErrorCode::StoreKeyInvalid
        );

        // 4. An interrupted conversion (later rows still plaintext, as when
        // the process died after the first batches) resumes at next open.
        {
            use sqlx::Connection;
            let mut c = sqlx::SqliteConnection::connect(&url).await.unwrap();
            for m in before.iter().filter(|m| m.id.0 > 2_500) {
                sqlx::query(
                    "UPDATE members SET phone = $1, phone_sealed = NULL, id_number = $2, id_number_sealed = NULL WHERE id = $3",
                )
                .bind(m.details.phone.expose())
                .bind(m.details.id_number.expose())
                .bind(m.id.0)
                .execute(&mut c)
                .await
                .unwrap();
            }
        }
        let store = ccsa_store::open_with(&url, &with(Some(Keyring::new(1, K1))))
            .await
            .unwrap();
        assert_eq!(snapshot(&store, &w).await, before);
        drop(store);
        assert_eq!(raw_in_files(&path, &w.raw), 0);

        // 5. Rotation: the new key current, the old one retired.
        let rotating = Keyring::new(2, K2).with_retired(1, K1);
        let store = ccsa_store::open_with(&url, &with(Some(rotating)))
            .await
            .unwrap();
        assert_eq!(snapshot(&store, &w).await, before);
        rules_hold(&store, &w, &before).await;
        drop(store);
        assert_eq!(sealed_key_ids_sqlite(&path).await, HashSet::from([2]));
        assert_eq!(
            open_err(&url, Some(Keyring::new(1, K1))).await,
            ErrorCode::StoreKeyInvalid,
            "the old key alone no longer opens it"
        );
        let store = ccsa_store::open_with(&url, &with(Some(Keyring::new(2, K2))))
            .await
            .unwrap();
        assert_eq!(snapshot(&store, &w).await, before);
        drop(store);
        assert_eq!(raw_in_files(&path, &w.raw), 0);
        println!(
            "sealed in place: {} raw values ({plain} found in the plaintext files), 0 after sealing, resuming and rotating",
            w.raw.len()
        );
    });
}

#[cfg(feature = "postgres")]
#[test]
fn postgres_database_is_sealed_in_place_and_rotated() {
    common::run(async {
        let url = common::pg_fresh_url().await;
        let store = ccsa_store::open_with(&url, &with(None)).await.unwrap();
        let w = fill(&store).await;
        let before = snapshot(&store, &w).await;
        drop(store);

        // Every row of the three tables, as text.
        let raw_in_rows = |url: String, raw: Vec<String>| async move {
            use sqlx::Connection;
            let mut c = sqlx::PgConnection::connect(&url).await.unwrap();
            let mut text = String::new();
            for t in ["members", "admins", "orgs", "failures"] {
                let rows: Vec<String> = sqlx::query_scalar(&format!("SELECT t::text FROM {t} t"))
                    .fetch_all(&mut c)
                    .await
                    .unwrap();
                text.push_str(&rows.join("\n"));
            }
            let runs = digit_runs(text.as_bytes());
            raw.iter().filter(|r| runs.contains(*r)).count()
        };
        let plain = raw_in_rows(url.clone(), w.raw.clone()).await;
        assert_eq!(
            plain,
            w.raw.len(),
            "every raw value is in the plaintext rows"
        );

        let store = ccsa_store::open_with(&url, &with(Some(Keyring::new(1, K1))))
            .await
            .unwrap();
        assert_eq!(snapshot(&store, &w).await, before);
        rules_hold(&store, &w, &before).await;
        drop(store);
        assert_eq!(raw_in_rows(url.clone(), w.raw.clone()).await, 0);
        assert_eq!(open_err(&url, None).await, ErrorCode::StoreKeyInvalid);
        assert_eq!(
            open_err(&url, Some(Keyring::new(1, K2))).await,
            ErrorCode::StoreKeyInvalid
        );

        let store =
            ccsa_store::open_with(&url, &with(Some(Keyring::new(2, K2).with_retired(1, K1))))
                .await
                .unwrap();
        assert_eq!(snapshot(&store, &w).await, before);
        rules_hold(&store, &w, &before).await;
        drop(store);
        assert_eq!(
            open_err(&url, Some(Keyring::new(1, K1))).await,
            ErrorCode::StoreKeyInvalid
        );
        let store = ccsa_store::open_with(&url, &with(Some(Keyring::new(2, K2))))
            .await
            .unwrap();
        assert_eq!(snapshot(&store, &w).await, before);
        println!(
            "postgres sealed in place: {} raw values in the plaintext rows, 0 after sealing and rotating",
            w.raw.len()
        );

        // Two processes opening one plaintext database at once with
        // different keys: one seals it, the other is refused; with the same
        // key both open.
        for same in [false, true] {
            let url = common::pg_fresh_url().await;
            let plain = ccsa_store::open_with(&url, &with(None)).await.unwrap();
            fill(&plain).await;
            drop(plain);
            let (first, second) = (
                with(Some(Keyring::new(1, K1))),
                with(Some(Keyring::new(1, if same { K1 } else { K2 }))),
            );
            let (a, b) = futures::join!(
                ccsa_store::open_with(&url, &first),
                ccsa_store::open_with(&url, &second),
            );
            let codes: Vec<_> = [&a, &b]
                .iter()
                .map(|r| r.as_ref().err().map(|e| e.code()))
                .collect();
            if same {
                assert_eq!(codes, vec![None, None]);
            } else {
                assert_eq!(codes.iter().filter(|c| c.is_some()).count(), 1, "{codes:?}");
                assert!(codes.contains(&Some(ErrorCode::StoreKeyInvalid)));
            }
        }
    });
}
