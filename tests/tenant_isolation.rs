//! Tenant isolation as a property: random sequences of admin operations by
//! the admins of three orgs — many of them aimed at another org's
//! departments, members, invitations and articles — never read or change
//! another org's data.
//!
//! After every operation by org A's admin, each other org's departments,
//! members (all fields, compared unmasked), invitations, knowledge base and
//! audit log are exactly what they were before; an operation that names another
//! org's object fails with that object's not-found code; a lookup of
//! another org's member by id or phone finds nothing. Runs on MemoryStore
//! (many cases) and SQLite (fewer: each case opens a database).

use ccsa::admin::{AdminContext, AdminRegistration};
use ccsa::clock::ManualClock;
use ccsa::directory::{DeptId, ImportMode, Invitation, InvitationId, Member, MemberId};
use ccsa::library::{Article, ArticleId, NewArticle, Shelf};
use ccsa::scoring::Campaign;
use ccsa::spreadsheet::Reveal;
use ccsa::store::{MemoryStore, Store};
use ccsa::{Ccsa, ErrorCode, sample};
use chrono::{Duration, NaiveDate};
use proptest::prelude::*;
use std::sync::Arc;

const ORGS: [&str; 3] = ["神木市应急管理局", "韩城市应急管理局", "库车市应急管理局"];

/// One admin operation: who acts, what, and on whose object (`target`
/// picks an org, `slot` one of that org's objects).
#[derive(Debug, Clone)]
enum Op {
    CreateDept(u8),
    RenameDept {
        target: usize,
        slot: usize,
    },
    DeleteDept {
        target: usize,
        slot: usize,
    },
    AddMember(u16),
    UpdateMember {
        target: usize,
        slot: usize,
        seed: u16,
    },
    DeleteMember {
        target: usize,
        slot: usize,
    },
    ReadMember {
        target: usize,
        slot: usize,
    },
    FindByPhone {
        target: usize,
        slot: usize,
    },
    Import(u16),
    Invite,
    Revoke {
        target: usize,
        slot: usize,
    },
    Publish,
    Unpublish {
        target: usize,
        slot: usize,
    },
    Export,
}

fn op() -> impl Strategy<Value = Op> {
    let t = || (0usize..3, 0usize..8);
    prop_oneof![
        (0u8..6).prop_map(Op::CreateDept),
        t().prop_map(|(target, slot)| Op::RenameDept { target, slot }),
        t().prop_map(|(target, slot)| Op::DeleteDept { target, slot }),
        (0u16..400).prop_map(Op::AddMember),
        (t(), 0u16..400).prop_map(|((target, slot), seed)| Op::UpdateMember { target, slot, seed }),
        t().prop_map(|(target, slot)| Op::DeleteMember { target, slot }),
        t().prop_map(|(target, slot)| Op::ReadMember { target, slot }),
        t().prop_map(|(target, slot)| Op::FindByPhone { target, slot }),
        (0u16..400).prop_map(Op::Import),
        Just(Op::Invite),
        t().prop_map(|(target, slot)| Op::Revoke { target, slot }),
        Just(Op::Publish),
        t().prop_map(|(target, slot)| Op::Unpublish { target, slot }),
        Just(Op::Export),
    ]
}

/// Everything an org owns that an admin can reach, unmasked.
#[derive(Debug, PartialEq)]
struct Snapshot {
    departments: Vec<(DeptId, String)>,
    members: Vec<(Member, String, String, String)>,
    invitations: Vec<Invitation>,
    articles: Vec<Article>,
    audit: Vec<ccsa::audit::AuditEntry>,
}

struct World {
    ccsa: Ccsa,
    admins: Vec<AdminContext>,
}

impl World {
    async fn new(store: Arc<dyn Store>) -> World {
        let clock = Arc::new(ManualClock::at_rfc3339("2020-03-24T02:00:00Z"));
        let ccsa = Ccsa::new(store, clock, Campaign::notice_2020(3)).unwrap();
        ccsa.list_notice_bureaus().await.unwrap();
        let mut admins = Vec::new();
        for (k, name) in ORGS.iter().enumerate() {
            let reg = AdminRegistration {
                org_name: name.to_string(),
                real_name: "管理员".into(),
                phone: format!("1390000000{k}"),
                username: format!("admin{k}"),
                password: "password2020".into(),
                ..Default::default()
            };
            ccsa.register_admin(&reg).await.unwrap();
            admins.push(ccsa.login(&reg.username, &reg.password).await.unwrap().1);
        }
        World { ccsa, admins }
    }

    async fn snapshot(&self, k: usize) -> Snapshot {
        let ctx = &self.admins[k];
        let c = &self.ccsa;
        Snapshot {
            departments: c
                .departments(ctx)
                .await
                .unwrap()
                .into_iter()
                .map(|d| (d.id, d.name.as_str().to_string()))
                .collect(),
            members: c
                .members(ctx)
                .await
                .unwrap()
                .into_iter()
                .map(|m| {
                    let d = &m.details;
                    let raw = (
                        d.name.expose().to_string(),
                        d.id_number.expose().to_string(),
                        d.phone.expose().to_string(),
                    );
                    (m, raw.0, raw.1, raw.2)
                })
                .collect(),
            invitations: c.invitations(ctx).await.unwrap(),
            articles: c.knowledge_base(ctx).await.unwrap(),
            audit: c
                .audit_log(
                    ctx,
                    chrono::DateTime::UNIX_EPOCH,
                    chrono::DateTime::UNIX_EPOCH + Duration::days(365 * 100),
                )
                .await
                .unwrap(),
        }
    }

    fn pick<T: Copy>(list: &[T], slot: usize) -> Option<T> {
        (!list.is_empty()).then(|| list[slot % list.len()])
    }

    /// Runs `op` as org `actor`'s admin and checks it against the others.
    async fn step(&self, actor: usize, op: &Op) -> Result<(), TestCaseError> {
        let before: Vec<Snapshot> =
            futures::future::join_all((0..3).map(|k| self.snapshot(k))).await;
        let ctx = &self.admins[actor];
        let c = &self.ccsa;
        let depts = |k: usize| {
            before[k]
                .departments
                .iter()
                .map(|d| d.0)
                .collect::<Vec<_>>()
        };
        let members = |k: usize| {
            before[k]
                .members
                .iter()
                .map(|m| m.0.id)
                .collect::<Vec<MemberId>>()
        };
        let invitations = |k: usize| {
            before[k]
                .invitations
                .iter()
                .map(|i| i.id)
                .collect::<Vec<InvitationId>>()
        };
        let articles = |k: usize| {
            before[k]
                .articles
                .iter()
                .map(|a| a.id)
                .collect::<Vec<ArticleId>>()
        };
        // What a foreign target must answer: the object's not-found code.
        let foreign = |target: usize, r: Result<(), ccsa::Error>, code: ErrorCode| {
            if target != actor {
                match r {
                    Err(e) => {
                        prop_assert_eq!(e.code(), code, "{:?} on org {}'s object", op, target)
                    }
                    Ok(()) => {
                        prop_assert!(false, "{:?} by org {} reached org {}", op, actor, target)
                    }
                }
            }
            Ok(())
        };
        let seed = |s: u16| u64::from(s) * 3 + actor as u64 * 100_000;
        match *op {
            Op::CreateDept(n) => {
                let _ = c.create_department(ctx, &format!("部门{n}")).await;
            }
            Op::RenameDept { target, slot } => {
                if let Some(d) = Self::pick(&depts(target), slot) {
                    let r = c
                        .rename_department(ctx, d, &format!("改名{slot}"))
                        .await
                        .map(|_| ());
                    foreign(target, r, ErrorCode::DepartmentNotFound)?;
                }
            }
            Op::DeleteDept { target, slot } => {
                if let Some(d) = Self::pick(&depts(target), slot) {
                    let r = c.delete_department(ctx, d).await.map(|_| ());
                    foreign(target, r, ErrorCode::DepartmentNotFound)?;
                }
            }
            Op::AddMember(s) => {
                let _ = c.add_member(ctx, &sample::member_form(seed(s), "")).await;
            }
            Op::UpdateMember {
                target,
                slot,
                seed: s,
            } => {
                if let Some(m) = Self::pick(&members(target), slot) {
                    let r = c
                        .update_member(ctx, m, &sample::member_form(seed(s), ""))
                        .await
                        .map(|_| ());
                    foreign(target, r, ErrorCode::MemberNotFound)?;
                }
            }
            Op::DeleteMember { target, slot } => {
                if let Some(m) = Self::pick(&members(target), slot) {
                    let r = c.delete_member(ctx, m).await;
                    foreign(target, r, ErrorCode::MemberNotFound)?;
                }
            }
            Op::ReadMember { target, slot } => {
                if let Some(m) = Self::pick(&members(target), slot) {
                    let r = c.member(ctx, m).await.map(|_| ());
                    foreign(target, r, ErrorCode::MemberNotFound)?;
                }
            }
            Op::FindByPhone { target, slot } => {
                if !before[target].members.is_empty() {
                    let m = &before[target].members[slot % before[target].members.len()];
                    let found = c.find_member_by_phone(ctx, &m.3).await;
                    if target != actor {
                        prop_assert!(
                            !matches!(found, Ok(Some(_))),
                            "org {} found org {}'s member by phone",
                            actor,
                            target
                        );
                    }
                }
            }
            Op::Import(s) => {
                let rows: Vec<ccsa::directory::ImportRow> = (0..3)
                    .map(|i| {
                        let f = sample::member_form(seed(s) + i, "");
                        ccsa::directory::ImportRow::from_form(i as u32 + 2, &f)
                    })
                    .collect();
                let _ = c
                    .import_rows(ctx, rows, ImportMode::ValidRows, &mut |_, _| {})
                    .await;
            }
            Op::Invite => {
                c.create_invitation(ctx, None, Duration::days(3), 5)
                    .await
                    .unwrap();
            }
            Op::Revoke { target, slot } => {
                if let Some(i) = Self::pick(&invitations(target), slot) {
                    let r = c.revoke_invitation(ctx, i).await.map(|_| ());
                    foreign(target, r, ErrorCode::InvitationNotFound)?;
                }
            }
            Op::Publish => {
                let a = NewArticle {
                    shelf: Shelf::SafetyFiveMinutes, // the service puts it on the admin's shelf
                    title: format!("本单位制度{actor}"),
                    body: "动火作业必须办理作业票。".into(),
                    minutes: 5,
                    tags: vec![],
                    published_on: NaiveDate::from_ymd_opt(2020, 3, 24).unwrap(),
                };
                c.publish_knowledge(ctx, a).await.unwrap();
            }
            Op::Unpublish { target, slot } => {
                if let Some(a) = Self::pick(&articles(target), slot) {
                    let r = c.remove_knowledge(ctx, a).await;
                    foreign(target, r, ErrorCode::ArticleNotFound)?;
                }
            }
            Op::Export => {
                let bytes = c.export_members_xlsx(ctx, Reveal::Full).await.unwrap();
                // the export holds this org's phones and no one else's
                let text = xlsx_text(&bytes);
                for (k, snap) in before.iter().enumerate() {
                    for m in &snap.members {
                        prop_assert_eq!(
                            text.contains(&m.3),
                            k == actor,
                            "org {} export and org {}'s phone",
                            actor,
                            k
                        );
                    }
                }
            }
        }
        for k in (0..3).filter(|k| *k != actor) {
            let after = self.snapshot(k).await;
            prop_assert_eq!(
                &after,
                &before[k],
                "org {}'s data changed after {:?} by org {}",
                k,
                op,
                actor
            );
        }
        Ok(())
    }
}

fn xlsx_text(bytes: &[u8]) -> String {
    use std::io::Read;
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes.to_vec())).unwrap();
    let mut s = String::new();
    for i in 0..zip.len() {
        zip.by_index(i).unwrap().read_to_string(&mut s).unwrap();
    }
    s
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

fn run(backend: &str, ops: &[(usize, Op)]) -> Result<(), TestCaseError> {
    runtime().block_on(async {
        let store: Arc<dyn Store> = match backend {
            "memory" => Arc::new(MemoryStore::new()),
            url => ccsa::open(url).await.unwrap(),
        };
        let world = World::new(store).await;
        for (actor, op) in ops {
            world.step(*actor, op).await?;
        }
        Ok(())
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]
    #[test]
    fn admins_stay_in_their_org_on_memory(ops in prop::collection::vec((0usize..3, op()), 1..40)) {
        run("memory", &ops)?;
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]
    #[test]
    fn admins_stay_in_their_org_on_sqlite(ops in prop::collection::vec((0usize..3, op()), 1..30)) {
        run("sqlite::memory:", &ops)?;
    }
}
