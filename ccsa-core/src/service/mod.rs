//! `Ccsa`: the service facade, one method per use case (online exams in
//! `exams.rs`).

mod exams;

pub use crate::exam::ExamResult;
pub use exams::{ExamSheet, SheetQuestion};

use crate::admin::{
    AdminContext, AdminId, AdminRegistration, AdminSeat, AdminSession, NewAdmin, SESSION_TTL,
    SessionToken, Username, decoy_hash, hash_password, verify_password,
};
use crate::audit::{AUDIT_RETENTION_DAYS, AuditAction, AuditEntry, NewAuditEntry};
use crate::binding::{AppUserId, Binding, LockKey, Lockout};
use crate::clock::Clock;
use crate::directory::{
    CheckedRows, Department, DepartmentDeletion, DepartmentName, DeptId, ImportMode, ImportOp,
    ImportPlanner, ImportReport, ImportRow, Invitation, InvitationId, InvitationKey,
    InvitationToken, Member, MemberForm, MemberId, NewInvitation,
};
use crate::error::{Field, FieldError};
use crate::identity::{PersonName, Phone};
use crate::library::{
    Accident, Article, ArticleId, LawDoc, LawFilter, LawHit, LawId, LawResults, NewAccident,
    NewArticle, NewLawDoc, NewTopic, SearchTerms, Shelf, Topic, calendar_keys,
};
use crate::quiz::{
    Answer, BankMix, BankOwner, DailyDraw, DrawHistory, DrawKey, DrawPool, NewQuestion, Question,
    QuestionId, QuestionUploadReport, QuizQuestion, ReviewCard, ReviewChange, draw, draw_shared,
    grade, parse_aiken, parse_gift, plan_questions, to_gift,
};
use crate::ranking::{
    LeaderboardEntry, MonthlyReport, Period, Scope, YearEndAwards, month_range, rank_standings,
};
use crate::registry::{NewOrg, Org, OrgId, Roster};
use crate::scoring::{
    Campaign, DailySubmission, LedgerEntry, LedgerKind, QuizResult, SubmissionOutcome,
};
use crate::store::{QuizHistory, Store};

/// Rows per import batch (one lookup and one write each).
const IMPORT_BATCH: usize = 2_000;
use crate::{Error, ErrorCode, Result};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use parking_lot::Mutex;
use rand::rngs::StdRng;
use rand::{RngCore, SeedableRng};
use std::collections::HashMap;
use std::sync::Arc;

/// A member's quiz for today: the questions (answers withheld) and, once
/// submitted, the scored result.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct TodaysQuiz {
    /// The day (Beijing time).
    pub day: NaiveDate,
    /// The draw, for audit (its key recomputes the same questions).
    pub draw: DailyDraw,
    /// The questions, in the order to show.
    pub questions: Vec<QuizQuestion>,
    /// The scored result, if the member already submitted today.
    pub result: Option<QuizResult>,
}

/// The ccsa service: rules + a [`Store`] + a [`Clock`] + a [`Campaign`].
///
/// Each method is one use case of the notice, named for it. Admin methods
/// take an [`AdminContext`] (from [`Ccsa::login`] / [`Ccsa::authenticate`])
/// and act on that admin's org only. Trainee methods take the app user id.
///
/// ```
/// use ccsa_core::{admin::AdminRegistration, clock::ManualClock, scoring::Campaign, store::MemoryStore, Ccsa};
/// use std::sync::Arc;
///
/// # futures::executor::block_on(async {
/// let clock = Arc::new(ManualClock::at_rfc3339("2020-03-24T02:00:00Z"));
/// let ccsa = Ccsa::new(Arc::new(MemoryStore::new()), clock, Campaign::notice_2020(2020))?.with_entropy_seed(1);
/// ccsa.list_notice_bureaus().await?;
///
/// let form = AdminRegistration {
///     org_name: "神木市应急管理局".into(), real_name: "王五".into(), phone: "13800138000".into(),
///     username: "shenmu".into(), password: "anquan2020".into(), ..Default::default()
/// };
/// ccsa.register_admin(&form).await?;
/// // The seat is taken: a second registrant is refused with the notice's third reason.
/// let again = AdminRegistration { username: "shenmu2".into(), ..form };
/// assert_eq!(ccsa.register_admin(&again).await.unwrap_err().code().as_str(), "ADMIN_ALREADY_REGISTERED");
/// # Ok::<(), ccsa_core::Error>(()) }).unwrap();
/// ```
pub struct Ccsa {
    store: Arc<dyn Store>,
    clock: Arc<dyn Clock>,
    campaign: Campaign,
    lockout: Lockout,
    entropy: Mutex<StdRng>,
    invitation_key: InvitationKey,
    bank: Mutex<Option<BankCache>>,
}

/// Questions of every bank and the per-org draw pools, for one bank revision.
struct BankCache {
    revision: u64,
    questions: Arc<HashMap<QuestionId, Question>>,
    mixes: Arc<HashMap<OrgId, BankMix>>,
    pools: HashMap<OrgId, DrawSource>,
}

/// Where one org's draws come from, per its [`BankMix`].
#[derive(Clone)]
enum DrawSource {
    /// One pool (pooled, national only, own only).
    One(Arc<DrawPool>),
    /// A share of each day from the own bank, the rest national.
    Share {
        own: Arc<DrawPool>,
        national: Arc<DrawPool>,
        own_percent: u8,
    },
}

/// One member's answers to their draw of a day, as an app collected them
/// (offline quiz sync) or a simulation produced them; see [`Ccsa::submit_batch`].
#[derive(Debug, Clone)]
pub struct BatchAnswers {
    /// The draw that was answered (as returned by [`Ccsa::issue_draws`]).
    pub draw: DailyDraw,
    /// The member's org.
    pub org: OrgId,
    /// The answers.
    pub answers: Vec<Answer>,
    /// When the member answered (on the draw's day, not in the future).
    pub answered_at: DateTime<Utc>,
}

impl std::fmt::Debug for Ccsa {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Ccsa")
            .field("store", &self.store.backend())
            .field("campaign", &self.campaign.name)
            .finish()
    }
}

impl Ccsa {
    /// A service over `store`, reading time from `clock`. Salts and session
    /// tokens come from the operating system's CSPRNG.
    pub fn new(store: Arc<dyn Store>, clock: Arc<dyn Clock>, campaign: Campaign) -> Result<Ccsa> {
        campaign.validate()?;
        Ok(Ccsa {
            store,
            clock,
            campaign,
            lockout: Lockout::default(),
            entropy: Mutex::new(StdRng::from_os_rng()),
            invitation_key: InvitationKey::new(rand::random()),
            bank: Mutex::new(None),
        })
    }

    /// Makes salts and tokens reproducible (tests and simulations only).
    pub fn with_entropy_seed(self, seed: u64) -> Ccsa {
        *self.entropy.lock() = StdRng::seed_from_u64(seed);
        self
    }

    /// Signs invitation tokens with the embedding service's key (default: a
    /// random key per process, so tokens die with it: set a stable one).
    pub fn with_invitation_key(mut self, key: InvitationKey) -> Ccsa {
        self.invitation_key = key;
        self
    }

    /// Uses another lock-out policy.
    pub fn with_lockout(mut self, lockout: Lockout) -> Ccsa {
        self.lockout = lockout;
        self
    }

    /// The store.
    pub fn store(&self) -> &Arc<dyn Store> {
        &self.store
    }

    /// The clock.
    pub fn clock(&self) -> &Arc<dyn Clock> {
        &self.clock
    }

    /// The campaign.
    pub fn campaign(&self) -> &Campaign {
        &self.campaign
    }

    fn today(&self) -> NaiveDate {
        self.clock.today()
    }

    // ---- registry (coordination office) ------------------------------------

    /// Lists an org on the roster.
    pub async fn list_org(&self, org: NewOrg) -> Result<Org> {
        self.store.insert_org(org).await
    }

    /// Lists the emergency bureau of each of the 53 key counties, as of the
    /// campaign start (or today, if later). Bureaus already listed are kept.
    pub async fn list_notice_bureaus(&self) -> Result<Vec<Org>> {
        let day = self.campaign.start.min(self.today());
        let mut out = Vec::with_capacity(53);
        for org in Roster::notice_bureaus(day) {
            match self.store.insert_org(org.clone()).await {
                Ok(o) => out.push(o),
                Err(e) if e.code() == ErrorCode::OrgAlreadyListed => {
                    if let Some(o) = self.store.org_by_name(&org.name).await? {
                        out.push(o);
                    }
                }
                Err(e) => return Err(e),
            }
        }
        Ok(out)
    }

    /// Retires an org from `on` (stopped production, left the industry).
    pub async fn retire_org(&self, id: OrgId, on: NaiveDate) -> Result<Org> {
        self.store.retire_org(id, on).await
    }

    /// The current roster.
    pub async fn roster(&self) -> Result<Roster> {
        Ok(Roster::new(self.store.orgs().await?))
    }

    // ---- admin accounts ----------------------------------------------------

    fn random<const N: usize>(&self) -> [u8; N] {
        let mut b = [0u8; N];
        self.entropy.lock().fill_bytes(&mut b);
        b
    }

    /// Registers the org's admin (管理员注册). Fails with exactly the notice's
    /// three reasons: `ORG_NOT_LISTED`, `INVALID_INFO` (every field error
    /// listed; a taken login name is reported there as `USERNAME_TAKEN`), and
    /// `ADMIN_ALREADY_REGISTERED`.
    pub async fn register_admin(&self, form: &AdminRegistration) -> Result<AdminSeat> {
        let today = self.today();
        let org = match crate::registry::parse_org_name(&form.org_name) {
            Ok(name) => match self.store.org_by_name(&name).await? {
                Some(o) if o.is_active_on(today) => Some(o),
                _ => return Err(ErrorCode::OrgNotListed.into()),
            },
            Err(_) => None,
        };
        let valid = form.validate()?;
        let org = org.ok_or(ErrorCode::OrgNotListed)?;
        if let Some(code) = &org.credit_code
            && valid.credit_code.as_ref() != Some(code)
        {
            return Err(Error::invalid_info(vec![FieldError::new(
                Field::CreditCode,
                ErrorCode::CreditCodeInvalid,
            )]));
        }
        // Cheap early answer; the compare-and-set below is what guarantees it.
        if self.store.admin_seat(org.id).await?.is_some() {
            return Err(ErrorCode::AdminAlreadyRegistered.into());
        }
        let password_hash = hash_password(valid.password(), self.random::<16>());
        let admin = NewAdmin {
            org: org.id,
            username: valid.username,
            real_name: valid.real_name,
            phone: valid.phone,
            email: valid.email,
            password_hash,
            registered_at: self.clock.now(),
        };
        let seat = self.store.claim_admin_seat(admin).await.map_err(|e| {
            if e.code() == ErrorCode::UsernameTaken {
                Error::invalid_info(vec![FieldError::new(
                    Field::Username,
                    ErrorCode::UsernameTaken,
                )])
            } else {
                e
            }
        })?;
        self.audit(
            seat.admin.org,
            Some(seat.id),
            AuditAction::RegisterAdmin,
            None,
            String::new(),
        )
        .await?;
        Ok(seat)
    }

    /// Appends an audit entry for an admin action (see [`crate::audit`]):
    /// called right after the action, so a failing append reports
    /// `STORAGE` although the action happened.
    async fn audit(
        &self,
        org: OrgId,
        admin: Option<AdminId>,
        action: AuditAction,
        target: Option<i64>,
        detail: String,
    ) -> Result<()> {
        self.store
            .append_audit(NewAuditEntry {
                org,
                admin,
                action,
                target,
                detail,
                at: self.clock.now(),
            })
            .await
            .map(|_| ())
    }

    async fn audit_ctx(
        &self,
        ctx: &AdminContext,
        action: AuditAction,
        target: Option<i64>,
        detail: String,
    ) -> Result<()> {
        self.audit(ctx.org, Some(ctx.admin), action, target, detail)
            .await
    }

    /// The admin's own org's audit log (操作日志) for `from <= at < to`,
    /// oldest first.
    pub async fn audit_log(
        &self,
        ctx: &AdminContext,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<AuditEntry>> {
        self.store.audit_log(ctx.org, from, to).await
    }

    /// Deletes audit entries older than [`AUDIT_RETENTION_DAYS`] (never
    /// younger ones); how many.
    pub async fn prune_audit_log(&self) -> Result<u64> {
        let before = self.clock.now() - Duration::days(AUDIT_RETENTION_DAYS);
        self.store.prune_audit(before).await
    }

    /// Claims one attempt under `keys` (counted as a failure until
    /// released; see `Store::claim_attempt`): `LOCKED_UNTIL` when any key
    /// is locked. Returns the attempt id for [`Ccsa::release`].
    async fn claim(&self, keys: &[LockKey]) -> Result<(Vec<String>, u64)> {
        let keys: Vec<String> = keys.iter().map(LockKey::storage_key).collect();
        let attempt = u64::from_le_bytes(self.random::<8>());
        self.store
            .claim_attempt(&keys, attempt, self.clock.now(), self.lockout)
            .await?;
        Ok((keys, attempt))
    }

    /// The claimed attempt succeeded: it no longer counts as a failure.
    async fn release(&self, (keys, attempt): &(Vec<String>, u64)) -> Result<()> {
        self.store.release_attempt(keys, *attempt).await.map(drop)
    }

    /// Logs an admin in: returns a fresh session token and the admin's
    /// context. Unknown login names and wrong passwords are the same
    /// `LOGIN_FAILED` and take the same time (a decoy hash is verified);
    /// 5 failures per login name per hour lock it (`LOCKED_UNTIL`).
    pub async fn login(
        &self,
        username: &str,
        password: &str,
    ) -> Result<(SessionToken, AdminContext)> {
        let claim = self
            .claim(&[LockKey::Login(username.trim().to_ascii_lowercase())])
            .await?;
        let seat = match Username::parse(username) {
            Ok(u) => self.store.admin_by_username(&u).await?,
            Err(_) => None,
        };
        let phc = seat
            .as_ref()
            .map_or(decoy_hash(), |s| s.admin.password_hash.as_str());
        let ok = verify_password(phc, password) && seat.is_some();
        let Some(seat) = seat.filter(|_| ok) else {
            // The claimed attempt stays recorded: it is the failure.
            return Err(ErrorCode::LoginFailed.into());
        };
        self.release(&claim).await?;
        let org = self
            .store
            .org(seat.admin.org)
            .await?
            .ok_or(ErrorCode::OrgNotFound)?;
        if !org.is_active_on(self.today()) {
            return Err(ErrorCode::OrgRetired.into());
        }
        let token = SessionToken::from_random(self.random::<32>());
        let now = self.clock.now();
        self.store
            .put_session(AdminSession {
                digest: token.digest(),
                admin: seat.id,
                org: seat.admin.org,
                issued_at: now,
                expires_at: now + SESSION_TTL,
                revoked: false,
            })
            .await?;
        let ctx = AdminContext {
            admin: seat.id,
            org: seat.admin.org,
        };
        self.audit_ctx(&ctx, AuditAction::Login, None, String::new())
            .await?;
        Ok((token, ctx))
    }

    /// Checks a session token: `SESSION_INVALID` if unknown, expired or revoked.
    pub async fn authenticate(&self, token: &SessionToken) -> Result<AdminContext> {
        match self.store.session(&token.digest()).await? {
            Some(s) if s.is_valid_at(self.clock.now()) => Ok(AdminContext {
                admin: s.admin,
                org: s.org,
            }),
            _ => Err(ErrorCode::SessionInvalid.into()),
        }
    }

    /// Revokes a session token.
    pub async fn logout(&self, token: &SessionToken) -> Result<()> {
        let session = self.store.session(&token.digest()).await?;
        let revoked = self.store.revoke_session(&token.digest()).await?;
        if let (Some(s), true) = (session, revoked) {
            self.audit(
                s.org,
                Some(s.admin),
                AuditAction::Logout,
                None,
                String::new(),
            )
            .await?;
        }
        Ok(())
    }

    // ---- directory --------------------------------------------------------------

    /// Creates a department (部门管理 → 新增).
    pub async fn create_department(&self, ctx: &AdminContext, name: &str) -> Result<Department> {
        let name = DepartmentName::parse(name)
            .map_err(|e| Error::invalid_info(vec![FieldError::new(Field::Department, e.code())]))?;
        let d = self.store.create_department(ctx.org, name).await?;
        self.audit_ctx(
            ctx,
            AuditAction::CreateDepartment,
            Some(d.id.0),
            d.name.as_str().to_string(),
        )
        .await?;
        Ok(d)
    }

    /// Renames a department (部门管理 → 修改).
    pub async fn rename_department(
        &self,
        ctx: &AdminContext,
        id: DeptId,
        name: &str,
    ) -> Result<Department> {
        let name = DepartmentName::parse(name)
            .map_err(|e| Error::invalid_info(vec![FieldError::new(Field::Department, e.code())]))?;
        let d = self.store.rename_department(ctx.org, id, name).await?;
        self.audit_ctx(
            ctx,
            AuditAction::RenameDepartment,
            Some(d.id.0),
            d.name.as_str().to_string(),
        )
        .await?;
        Ok(d)
    }

    /// Deletes a department; its members become 无部门人员, and the result
    /// says how many.
    pub async fn delete_department(
        &self,
        ctx: &AdminContext,
        id: DeptId,
    ) -> Result<DepartmentDeletion> {
        let d = self.store.delete_department(ctx.org, id).await?;
        self.audit_ctx(
            ctx,
            AuditAction::DeleteDepartment,
            Some(id.0),
            format!("{} 人转为无部门人员", d.members_moved),
        )
        .await?;
        Ok(d)
    }

    /// The org's departments.
    pub async fn departments(&self, ctx: &AdminContext) -> Result<Vec<Department>> {
        self.store.departments(ctx.org).await
    }

    /// Adds one member (微信用户维护 → 添加). `INVALID_INFO` lists every wrong field.
    pub async fn add_member(&self, ctx: &AdminContext, form: &MemberForm) -> Result<Member> {
        let depts = self.store.departments(ctx.org).await?;
        let m = form.validate_or_error(self.today(), &depts)?;
        let m = self
            .store
            .insert_member(ctx.org, m, self.clock.now())
            .await?;
        self.audit_ctx(ctx, AuditAction::AddMember, Some(m.id.0), String::new())
            .await?;
        Ok(m)
    }

    /// Replaces a member's details, including moving department.
    pub async fn update_member(
        &self,
        ctx: &AdminContext,
        id: MemberId,
        form: &MemberForm,
    ) -> Result<Member> {
        let depts = self.store.departments(ctx.org).await?;
        let m = form.validate_or_error(self.today(), &depts)?;
        let m = self.store.update_member(ctx.org, id, m).await?;
        self.audit_ctx(ctx, AuditAction::UpdateMember, Some(m.id.0), String::new())
            .await?;
        Ok(m)
    }

    /// Deletes a member of the admin's org.
    pub async fn delete_member(&self, ctx: &AdminContext, id: MemberId) -> Result<()> {
        self.store
            .delete_member(ctx.org, id, self.clock.now())
            .await?;
        self.audit_ctx(ctx, AuditAction::DeleteMember, Some(id.0), String::new())
            .await
    }

    /// One member of the admin's org.
    pub async fn member(&self, ctx: &AdminContext, id: MemberId) -> Result<Member> {
        self.store
            .member(ctx.org, id)
            .await?
            .ok_or_else(|| ErrorCode::MemberNotFound.into())
    }

    /// Finds a member of the admin's org by phone (搜索用户手机号码); members
    /// of other orgs are invisible.
    pub async fn find_member_by_phone(
        &self,
        ctx: &AdminContext,
        phone: &str,
    ) -> Result<Option<Member>> {
        let phone = Phone::parse(phone)?;
        Ok(self
            .store
            .member_by_phone(&phone)
            .await?
            .filter(|m| m.org == ctx.org))
    }

    /// Imports members from template rows (使用导入模板新增用户): every row is
    /// checked with the add form's validator plus duplicates within the file
    /// and phones or ID numbers used by anyone else; rows whose ID number
    /// matches a member of this org update that member. `mode` decides what
    /// is written (see [`ImportMode`]); writes happen in one transaction.
    /// `progress` is called with (rows checked, rows written).
    pub async fn import_rows(
        &self,
        ctx: &AdminContext,
        rows: Vec<ImportRow>,
        mode: ImportMode,
        progress: &mut (dyn FnMut(usize, usize) + Send),
    ) -> Result<ImportReport> {
        let mut batches = Vec::new();
        let mut rows = rows.into_iter().peekable();
        while rows.peek().is_some() {
            batches.push(Ok(rows.by_ref().take(IMPORT_BATCH).collect()));
        }
        let report = self
            .import_batches(ctx.org, mode, futures::stream::iter(batches), progress)
            .await?;
        self.audit_import(ctx, mode, &report).await?;
        Ok(report)
    }

    /// The audit entry of an import that could write (not a dry run):
    /// counts per outcome.
    async fn audit_import(
        &self,
        ctx: &AdminContext,
        mode: ImportMode,
        report: &ImportReport,
    ) -> Result<()> {
        if mode == ImportMode::DryRun {
            return Ok(());
        }
        let detail = format!(
            "新增 {}，更新 {}，未变 {}，失败 {}",
            report.count(crate::directory::RowOutcome::Created),
            report.count(crate::directory::RowOutcome::Updated),
            report.count(crate::directory::RowOutcome::Unchanged),
            report.count(crate::directory::RowOutcome::Failed),
        );
        self.audit_ctx(ctx, AuditAction::ImportMembers, None, detail)
            .await
    }

    /// The import engine: batches of rows go through an [`ImportPlanner`]
    /// and, unless it is a dry run, one store import transaction, as they
    /// arrive; committed at the end if the mode allows (see
    /// [`ImportPlanner::should_commit`]), rolled back otherwise.
    async fn import_batches(
        &self,
        org: OrgId,
        mode: ImportMode,
        mut batches: impl futures::Stream<Item = Result<Vec<ImportRow>>> + Unpin,
        progress: &mut (dyn FnMut(usize, usize) + Send),
    ) -> Result<ImportReport> {
        let departments = self.store.departments(org).await?;
        let mut planner = ImportPlanner::new(mode, self.today(), org, &departments);
        let mut tx = match mode {
            ImportMode::DryRun => None,
            _ => Some(self.store.begin_import(org, self.clock.now()).await?),
        };
        // Checks the next batch (in-file rules only; no store access).
        async fn next_checked(
            batches: &mut (impl futures::Stream<Item = Result<Vec<ImportRow>>> + Unpin),
            planner: &mut ImportPlanner<'_>,
        ) -> Option<Result<(usize, CheckedRows)>> {
            use futures::StreamExt;
            let batch = batches.next().await?;
            Some(batch.map(|b| (b.len(), planner.check(b))))
        }
        let (mut read, mut written) = (0, 0);
        let mut upcoming = next_checked(&mut batches, &mut planner).await;
        while let Some(item) = upcoming.take() {
            let (rows, checked) = item?;
            read += rows;
            let mut ops = Vec::new();
            if !checked.is_empty() {
                let (phones, ids) = (checked.phones(), checked.id_numbers());
                let existing = match tx.as_mut() {
                    Some(tx) => tx.members_matching(&phones, &ids).await?,
                    None => self.store.members_matching(&phones, &ids).await?,
                };
                ops = planner.decide(checked, &existing);
            }
            // The store writes this batch on its connection while this task
            // checks the next one.
            let (lines, ops): (Vec<usize>, Vec<ImportOp>) = ops.into_iter().unzip();
            let members = match tx.as_mut() {
                Some(tx) if !ops.is_empty() => {
                    let (members, next) = futures::future::join(
                        tx.write(ops),
                        next_checked(&mut batches, &mut planner),
                    )
                    .await;
                    upcoming = next;
                    members?
                }
                _ => {
                    upcoming = next_checked(&mut batches, &mut planner).await;
                    Vec::new()
                }
            };
            written += members.len();
            for (line, member) in lines.into_iter().zip(members) {
                planner.written(line, member);
            }
            progress(read, written);
        }
        if planner.rows_checked() == 0 {
            return Err(ErrorCode::SheetEmpty.into());
        }
        let commit = planner.should_commit();
        if let (Some(tx), true) = (tx, commit) {
            tx.commit().await?;
        }
        Ok(planner.finish(commit))
    }

    /// The import template for the admin's org (导入模板): the notice's
    /// columns, text-formatted ID and phone columns, and drop-downs filled
    /// with the org's current departments. Returns `.xlsx` bytes.
    #[cfg(feature = "spreadsheet")]
    pub async fn import_template(&self, ctx: &AdminContext) -> Result<Vec<u8>> {
        let departments = self.store.departments(ctx.org).await?;
        let names: Vec<&str> = departments.iter().map(|d| d.name.as_str()).collect();
        crate::spreadsheet::template_xlsx(&names)
    }

    /// Imports a member file (`.xlsx`, `.xls`, `.ods`, or UTF-8 `.csv`,
    /// judged by `file_name`) with the rules of [`Ccsa::import_rows`], as a
    /// pipeline: a reader thread streams the file in batches
    /// ([`crate::spreadsheet::stream_member_rows`]) while this task checks
    /// each batch and the store writes the one before, all in one store
    /// transaction. `progress` is called after each batch with (rows read,
    /// rows written). On SQLite the import holds the write lock from the
    /// first batch to the commit (other writers wait, readers do not).
    #[cfg(feature = "spreadsheet")]
    pub async fn import_file(
        &self,
        ctx: &AdminContext,
        bytes: &[u8],
        file_name: &str,
        mode: ImportMode,
        progress: &mut (dyn FnMut(usize, usize) + Send),
    ) -> Result<ImportReport> {
        let report = self
            .import_file_into(ctx.org, bytes, file_name, mode, progress)
            .await?;
        self.audit_import(ctx, mode, &report).await?;
        Ok(report)
    }

    /// A dry run of [`Ccsa::import_file`] for `org` without an admin
    /// session: the per-row report of what an import would do, nothing
    /// written. For the trusted side (analysts cleaning a roster before an
    /// admin imports it); apps reach imports only through an admin's
    /// [`AdminContext`]. Fails with `ORG_NOT_FOUND` or `ORG_RETIRED`.
    #[cfg(feature = "spreadsheet")]
    pub async fn check_import_file(
        &self,
        org: OrgId,
        bytes: &[u8],
        file_name: &str,
    ) -> Result<ImportReport> {
        let o = self.store.org(org).await?.ok_or(ErrorCode::OrgNotFound)?;
        if o.retired_on.is_some() {
            return Err(ErrorCode::OrgRetired.into());
        }
        self.import_file_into(org, bytes, file_name, ImportMode::DryRun, &mut |_, _| {})
            .await
    }

    #[cfg(feature = "spreadsheet")]
    async fn import_file_into(
        &self,
        org: OrgId,
        bytes: &[u8],
        file_name: &str,
        mode: ImportMode,
        progress: &mut (dyn FnMut(usize, usize) + Send),
    ) -> Result<ImportReport> {
        // Read on a thread of its own while this task checks and writes.
        let (tx, rx) = futures::channel::mpsc::channel::<Result<Vec<ImportRow>>>(2);
        let (bytes, file_name) = (bytes.to_vec(), file_name.to_string());
        std::thread::Builder::new()
            .name("ccsa-import-reader".into())
            .spawn(move || {
                use futures::SinkExt;
                let mut tx = tx;
                let read = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                    crate::spreadsheet::stream_member_rows(
                        &bytes,
                        &file_name,
                        IMPORT_BATCH,
                        &mut |batch| futures::executor::block_on(tx.send(Ok(batch))).is_ok(),
                    )
                }))
                // A reader that panicked must not look like a file that ended.
                .unwrap_or_else(|_| {
                    Err(Error::new(ErrorCode::FileUnreadable).with_note("读取文件时出错"))
                });
                if let Err(e) = read {
                    let _ = futures::executor::block_on(tx.send(Err(e)));
                }
            })
            .map_err(|_| Error::storage("could not start the import reader thread"))?;
        self.import_batches(org, mode, rx, progress).await
    }

    /// Creates a QR-code invitation (二维码邀请) to the admin's org,
    /// optionally fixing the department, valid for `valid_for` and `max_uses`
    /// trainees. Returns the stored invitation and the token to put in the
    /// QR code (shown once: only its hash is stored).
    pub async fn create_invitation(
        &self,
        ctx: &AdminContext,
        department: Option<DeptId>,
        valid_for: Duration,
        max_uses: u32,
    ) -> Result<(Invitation, InvitationToken)> {
        if max_uses == 0 || valid_for <= Duration::zero() {
            return Err(Error::new(ErrorCode::TextInvalid)
                .with_note("max_uses and validity must be positive"));
        }
        let token = InvitationToken::issue(self.random::<12>(), &self.invitation_key);
        let now = self.clock.now();
        let inv = self
            .store
            .insert_invitation(NewInvitation {
                digest: token.digest(),
                org: ctx.org,
                department,
                created_by: ctx.admin,
                created_at: now,
                expires_at: now + valid_for,
                max_uses,
            })
            .await?;
        self.audit_ctx(
            ctx,
            AuditAction::CreateInvitation,
            Some(inv.id.0),
            format!("最多 {} 人", inv.details.max_uses),
        )
        .await?;
        Ok((inv, token))
    }

    /// The QR code of an invitation as PNG bytes (`scale` pixels per module)
    /// and as SVG, with the token placed into `link`.
    #[cfg(feature = "qr")]
    pub fn invitation_qr(
        &self,
        token: &InvitationToken,
        link: &crate::directory::InvitationLink,
        scale: u32,
    ) -> Result<(Vec<u8>, String)> {
        let text = link.text(token);
        Ok((crate::qr::qr_png(&text, scale)?, crate::qr::qr_svg(&text)?))
    }

    /// The admin's invitations, newest first.
    pub async fn invitations(&self, ctx: &AdminContext) -> Result<Vec<Invitation>> {
        self.store.invitations(ctx.org).await
    }

    /// Revokes one of the admin's invitations.
    pub async fn revoke_invitation(
        &self,
        ctx: &AdminContext,
        id: InvitationId,
    ) -> Result<Invitation> {
        let inv = self.store.revoke_invitation(ctx.org, id).await?;
        self.audit_ctx(
            ctx,
            AuditAction::RevokeInvitation,
            Some(id.0),
            String::new(),
        )
        .await?;
        Ok(inv)
    }

    /// What a scanned token invites to (for the form the trainee fills in):
    /// `INVITATION_MALFORMED`, `INVITATION_FORGED`, `INVITATION_NOT_FOUND`,
    /// `INVITATION_REVOKED`, `INVITATION_EXPIRED`, `INVITATION_USED_UP`.
    pub async fn inspect_invitation(&self, token: &str) -> Result<Invitation> {
        let token = InvitationToken::parse(token, &self.invitation_key)?;
        let inv = self
            .store
            .invitation(&token.digest())
            .await?
            .ok_or(ErrorCode::InvitationNotFound)?;
        inv.check(self.clock.now())?;
        Ok(inv)
    }

    /// A trainee who scanned the code submits their details; with the same
    /// validation as every other path, the member is created (ready to bind)
    /// and the use counted, atomically. If the invitation fixes a
    /// department, the form's department is ignored.
    pub async fn redeem_invitation(&self, token: &str, form: &MemberForm) -> Result<Member> {
        let inv = self.inspect_invitation(token).await?;
        let departments = self.store.departments(inv.details.org).await?;
        let mut form = form.clone();
        if let Some(d) = inv.details.department {
            form.department = departments
                .iter()
                .find(|x| x.id == d)
                .map(|x| x.name.as_str().to_string())
                .unwrap_or_default();
        }
        let member = form.validate_or_error(self.today(), &departments)?;
        self.store
            .redeem_invitation(&inv.details.digest, member, self.clock.now())
            .await
    }

    /// The org's members.
    pub async fn members(&self, ctx: &AdminContext) -> Result<Vec<Member>> {
        self.store.members(ctx.org).await
    }

    /// The org's member list as a spreadsheet (人员名单导出): the import
    /// template's columns, so that a [`Reveal::Full`] export can be edited
    /// and imported again; masked unless asked for in full.
    ///
    /// [`Reveal::Full`]: crate::spreadsheet::Reveal::Full
    #[cfg(feature = "spreadsheet")]
    pub async fn export_members_xlsx(
        &self,
        ctx: &AdminContext,
        reveal: crate::spreadsheet::Reveal,
    ) -> Result<Vec<u8>> {
        let members = self.store.members(ctx.org).await?;
        let departments = self.store.departments(ctx.org).await?;
        let bytes = crate::spreadsheet::members_xlsx(&members, &departments, reveal)?;
        let how = match reveal {
            crate::spreadsheet::Reveal::Masked => "脱敏",
            crate::spreadsheet::Reveal::Full => "完整（含身份证号、手机号）",
        };
        self.audit_ctx(
            ctx,
            AuditAction::ExportMembers,
            None,
            format!("{} 人，{how}", members.len()),
        )
        .await?;
        Ok(bytes)
    }

    // ---- binding ----------------------------------------------------------------

    /// Binds an app user to the member with this phone, if the name matches
    /// (我的 → 登录 → 立即绑定). See [`crate::binding`] for the outcomes.
    pub async fn bind(&self, app_user: &str, name: &str, phone: &str) -> Result<Binding> {
        let app_user = AppUserId::parse(app_user)?;
        let name = PersonName::parse(name)?;
        let phone = Phone::parse(phone)?;
        let claim = self
            .claim(&[
                LockKey::AppUser(app_user.as_str().to_string()),
                LockKey::Phone(phone.expose().to_string()),
            ])
            .await?;
        if self.store.binding_of(&app_user).await?.is_some() {
            self.release(&claim).await?;
            return Err(ErrorCode::AppUserAlreadyBound.into());
        }
        // An unknown phone and a known phone with another name take the same
        // steps and give the same code: binding does not reveal who is on
        // file. The claimed attempt stays recorded as the failure.
        let member = self.store.member_by_phone(&phone).await?;
        let Some(member) = member.filter(|m| m.details.name.matches(&name)) else {
            return Err(ErrorCode::NoMatchingMember.into());
        };
        self.release(&claim).await?;
        self.store
            .bind(Binding {
                app_user,
                member: member.id,
                org: member.org,
                bound_at: self.clock.now(),
            })
            .await
    }

    async fn bound(&self, app_user: &str) -> Result<Binding> {
        let app_user = AppUserId::parse(app_user)?;
        self.store
            .binding_of(&app_user)
            .await?
            .ok_or_else(|| ErrorCode::NotBound.into())
    }

    /// The binding of an app user, if any.
    pub async fn binding(&self, app_user: &str) -> Result<Option<Binding>> {
        self.store.binding_of(&AppUserId::parse(app_user)?).await
    }

    // ---- question bank and daily quiz ----------------------------------------------

    async fn insert_validated(&self, questions: Vec<NewQuestion>) -> Result<Vec<QuestionId>> {
        let mut valid = Vec::with_capacity(questions.len());
        for (i, q) in questions.into_iter().enumerate() {
            valid.push(
                q.validate()
                    .map_err(|e| e.with_note(format!("第{}题", i + 1)))?,
            );
        }
        self.store.insert_questions(valid).await
    }

    /// Adds documents to the law and standard database (法规标准库; the
    /// coordination office's content), all or none.
    pub async fn add_laws(&self, docs: Vec<NewLawDoc>) -> Result<Vec<LawDoc>> {
        self.store.insert_laws(docs).await
    }

    /// Replaces a document of the law and standard database (e.g. to record
    /// that a newer edition supersedes it).
    pub async fn update_law(&self, id: LawId, doc: NewLawDoc) -> Result<LawDoc> {
        self.store.update_law(id, doc).await
    }

    /// Searches the law and standard database (法规检索): every term of
    /// `query` must match (see [`SearchTerms`]); status is judged on today's
    /// date (Beijing); `page` is 0-based, `per_page` at most 100.
    pub async fn search_laws(
        &self,
        query: &str,
        filter: &LawFilter,
        page: usize,
        per_page: usize,
    ) -> Result<LawResults> {
        let terms = SearchTerms::parse(query)?;
        let day = self.today();
        let per_page = per_page.clamp(1, 100);
        let found = self
            .store
            .search_laws(&terms, filter, day, page.saturating_mul(per_page), per_page)
            .await?;
        Ok(LawResults {
            total: found.total,
            hits: found
                .matches
                .into_iter()
                .map(|(doc, score)| LawHit::new(doc, score, &terms, day))
                .collect(),
        })
    }

    /// One document of the law and standard database (`LAW_NOT_FOUND`).
    pub async fn law(&self, id: LawId) -> Result<LawDoc> {
        self.store
            .law(id)
            .await?
            .ok_or(ErrorCode::LawNotFound.into())
    }

    /// Publishes safety-five-minutes articles (安全五分钟; the coordination
    /// office's content, for everyone).
    pub async fn add_safety_articles(&self, articles: Vec<NewArticle>) -> Result<Vec<Article>> {
        let articles = articles
            .into_iter()
            .map(|a| NewArticle {
                shelf: Shelf::SafetyFiveMinutes,
                ..a
            })
            .collect();
        self.store.insert_articles(articles).await
    }

    /// Publishes an article to the admin's own knowledge base (企业自主知识库):
    /// only the org's members (and its admin) can read it.
    pub async fn publish_knowledge(
        &self,
        ctx: &AdminContext,
        article: NewArticle,
    ) -> Result<Article> {
        let article = NewArticle {
            shelf: Shelf::KnowledgeBase(ctx.org),
            ..article
        };
        let mut out = self.store.insert_articles(vec![article]).await?;
        let a = out
            .pop()
            .ok_or_else(|| Error::storage("article not stored"))?;
        self.audit_ctx(
            ctx,
            AuditAction::PublishKnowledge,
            Some(a.id.0),
            String::new(),
        )
        .await?;
        Ok(a)
    }

    /// Removes an article of the admin's knowledge base (`ARTICLE_NOT_FOUND`
    /// for anything else).
    pub async fn remove_knowledge(&self, ctx: &AdminContext, id: ArticleId) -> Result<()> {
        self.store.delete_article(ctx.org, id).await?;
        self.audit_ctx(ctx, AuditAction::RemoveKnowledge, Some(id.0), String::new())
            .await
    }

    /// The articles an app user may read, newest first: safety five minutes,
    /// plus their org's knowledge base once they are bound.
    pub async fn reading_list(
        &self,
        app_user: &str,
        page: usize,
        per_page: usize,
    ) -> Result<Vec<Article>> {
        let org = self.binding(app_user).await?.map(|b| b.org);
        let per_page = per_page.clamp(1, 100);
        self.store
            .articles_visible(org, page.saturating_mul(per_page), per_page)
            .await
    }

    /// One article for an app user (`ARTICLE_NOT_FOUND` when it does not
    /// exist or belongs to another org's knowledge base).
    pub async fn read_article(&self, app_user: &str, id: ArticleId) -> Result<Article> {
        let org = self.binding(app_user).await?.map(|b| b.org);
        match self.store.article(id).await? {
            Some(a) if a.article.shelf.visible_to(org) => Ok(a),
            _ => Err(ErrorCode::ArticleNotFound.into()),
        }
    }

    /// The admin's knowledge base, newest first (the articles of the org
    /// only, not the national ones).
    pub async fn knowledge_base(&self, ctx: &AdminContext) -> Result<Vec<Article>> {
        let mut all = Vec::new();
        loop {
            let page = self
                .store
                .articles_visible(Some(ctx.org), all.len(), 500)
                .await?;
            let n = page.len();
            all.extend(page);
            if n < 500 {
                break;
            }
        }
        all.retain(|a| a.article.shelf == Shelf::KnowledgeBase(ctx.org));
        Ok(all)
    }

    /// Publishes a featured topic (精选专题) of national content.
    pub async fn add_topic(&self, topic: NewTopic) -> Result<Topic> {
        self.store.insert_topic(topic).await
    }

    /// Every featured topic, in order.
    pub async fn topics(&self) -> Result<Vec<Topic>> {
        self.store.topics().await
    }

    /// Adds history-today accident records (历史上的今天).
    pub async fn add_accidents(&self, records: Vec<NewAccident>) -> Result<Vec<Accident>> {
        self.store.insert_accidents(records).await
    }

    /// History today (历史上的今天) by the clock, in Beijing time: the
    /// records of today's month and day, newest first.
    pub async fn history_today(&self) -> Result<Vec<Accident>> {
        self.history_today_at(crate::clock::china_offset()).await
    }

    /// History today in the caller's time zone: 00:30 on 13 August in
    /// Beijing is still 12 August in UTC.
    pub async fn history_today_at(&self, offset: chrono::FixedOffset) -> Result<Vec<Accident>> {
        let day = self.clock.now().with_timezone(&offset).date_naive();
        self.store.accidents_on(&calendar_keys(day)).await
    }

    /// Sets where the admin's org's daily questions come from (每日答题题库
    /// 设置): both banks pooled (default), the national bank, its own bank,
    /// or a share of each. Applies from the next draw (today's stays).
    pub async fn set_bank_mix(&self, ctx: &AdminContext, mix: BankMix) -> Result<()> {
        self.store.set_bank_mix(ctx.org, mix).await?;
        self.audit_ctx(ctx, AuditAction::SetBankMix, None, format!("{mix:?}"))
            .await
    }

    /// The admin's org's bank mix.
    pub async fn bank_mix(&self, ctx: &AdminContext) -> Result<BankMix> {
        Ok(self
            .store
            .bank_mixes()
            .await?
            .into_iter()
            .find(|(o, _)| *o == ctx.org)
            .map_or(BankMix::Pooled, |(_, m)| m))
    }

    /// Uploads questions to the national bank (题库上传, coordination office).
    ///
    /// Reads a question file — the Excel template (`.xlsx`, `.xls`, `.ods`,
    /// `.csv`), Moodle GIFT (`.gift`, or `.txt` with `{…}` answer blocks)
    /// or Aiken (`.txt`, `.aiken`) — checks every question (format, answer,
    /// duplicates within the file and against the bank) and writes per
    /// `mode`, in one store call. The report names each refused question's
    /// line or row, code and reason.
    pub async fn upload_national_questions(
        &self,
        bytes: &[u8],
        file_name: &str,
        default_category: &str,
        mode: ImportMode,
    ) -> Result<QuestionUploadReport> {
        self.upload_questions_to(
            BankOwner::National,
            bytes,
            file_name,
            default_category,
            mode,
        )
        .await
    }

    /// Uploads questions to the admin's own bank (企业自主题库); as
    /// [`Ccsa::upload_national_questions`], checked against that bank only.
    pub async fn upload_org_questions(
        &self,
        ctx: &AdminContext,
        bytes: &[u8],
        file_name: &str,
        default_category: &str,
        mode: ImportMode,
    ) -> Result<QuestionUploadReport> {
        let report = self
            .upload_questions_to(
                BankOwner::Org(ctx.org),
                bytes,
                file_name,
                default_category,
                mode,
            )
            .await?;
        if mode != ImportMode::DryRun {
            let detail = format!(
                "接受 {}，拒绝 {}",
                report.accepted(),
                report.refused().count()
            );
            self.audit_ctx(ctx, AuditAction::UploadQuestions, None, detail)
                .await?;
        }
        Ok(report)
    }

    /// The upload into one bank (private: callers name a bank only through
    /// the national or the admin-scoped method, so no admin reaches another
    /// org's bank).
    async fn upload_questions_to(
        &self,
        owner: BankOwner,
        bytes: &[u8],
        file_name: &str,
        default_category: &str,
        mode: ImportMode,
    ) -> Result<QuestionUploadReport> {
        let lower = file_name.to_ascii_lowercase();
        let text = || {
            std::str::from_utf8(bytes).map_err(|_| {
                Error::new(ErrorCode::FileUnreadable).with_note("题库文本文件须为 UTF-8 编码")
            })
        };
        let rows = if lower.ends_with(".gift") {
            parse_gift(text()?)
        } else if lower.ends_with(".aiken") {
            parse_aiken(text()?)
        } else if lower.ends_with(".txt") {
            let t = text()?;
            if t.contains('{') {
                parse_gift(t)
            } else {
                parse_aiken(t)
            }
        } else {
            #[cfg(feature = "spreadsheet")]
            {
                crate::spreadsheet::read_question_rows(bytes, file_name)?
            }
            #[cfg(not(feature = "spreadsheet"))]
            {
                return Err(Error::new(ErrorCode::FileUnreadable)
                    .with_note("spreadsheet feature is off: upload GIFT or Aiken text"));
            }
        };
        if rows.is_empty() {
            return Err(Error::new(ErrorCode::SheetEmpty).with_note("文件中没有题目"));
        }
        let existing = self.store.questions(Some(owner)).await?;
        let (mut report, writes) = plan_questions(&rows, owner, default_category, &existing, mode);
        if !writes.is_empty() {
            let (lines, questions): (Vec<usize>, Vec<NewQuestion>) = writes.into_iter().unzip();
            let ids = self.store.insert_questions(questions).await?;
            for (line, id) in lines.into_iter().zip(ids) {
                report.lines[line].question = Some(id);
            }
        }
        Ok(report)
    }

    /// The national bank as GIFT text (the admin's own bank:
    /// [`Ccsa::export_org_questions_gift`]).
    pub async fn export_national_questions_gift(&self) -> Result<String> {
        Ok(to_gift(&self.bank_content(BankOwner::National).await?))
    }

    /// The admin's own bank as GIFT text.
    pub async fn export_org_questions_gift(&self, ctx: &AdminContext) -> Result<String> {
        Ok(to_gift(&self.bank_content(BankOwner::Org(ctx.org)).await?))
    }

    /// The national bank as the Excel question template (`.xlsx` bytes).
    #[cfg(feature = "spreadsheet")]
    pub async fn export_national_questions_xlsx(&self) -> Result<Vec<u8>> {
        crate::spreadsheet::questions_xlsx(&self.bank_content(BankOwner::National).await?)
    }

    /// The admin's own bank as the Excel question template.
    #[cfg(feature = "spreadsheet")]
    pub async fn export_org_questions_xlsx(&self, ctx: &AdminContext) -> Result<Vec<u8>> {
        crate::spreadsheet::questions_xlsx(&self.bank_content(BankOwner::Org(ctx.org)).await?)
    }

    async fn bank_content(&self, owner: BankOwner) -> Result<Vec<NewQuestion>> {
        Ok(self
            .store
            .questions(Some(owner))
            .await?
            .into_iter()
            .map(|q| q.body)
            .collect())
    }

    /// Adds questions to the national bank (coordination office).
    pub async fn add_national_questions(
        &self,
        questions: Vec<NewQuestion>,
    ) -> Result<Vec<QuestionId>> {
        let qs = questions
            .into_iter()
            .map(|q| NewQuestion {
                owner: BankOwner::National,
                ..q
            })
            .collect();
        self.insert_validated(qs).await
    }

    /// Adds questions to the admin's org bank (企业自主题库).
    pub async fn add_org_questions(
        &self,
        ctx: &AdminContext,
        questions: Vec<NewQuestion>,
    ) -> Result<Vec<QuestionId>> {
        let qs = questions
            .into_iter()
            .map(|q| NewQuestion {
                owner: BankOwner::Org(ctx.org),
                ..q
            })
            .collect();
        let ids = self.insert_validated(qs).await?;
        self.audit_ctx(
            ctx,
            AuditAction::UploadQuestions,
            None,
            format!("接受 {}", ids.len()),
        )
        .await?;
        Ok(ids)
    }

    /// The whole bank by id, cached per bank revision.
    async fn bank(&self) -> Result<(u64, Arc<HashMap<QuestionId, Question>>)> {
        let rev = self.store.bank_revision().await?;
        if let Some(c) = self.bank.lock().as_ref()
            && c.revision == rev
        {
            return Ok((rev, c.questions.clone()));
        }
        let questions: Arc<HashMap<QuestionId, Question>> = Arc::new(
            self.store
                .questions(None)
                .await?
                .into_iter()
                .map(|q| (q.id, q))
                .collect(),
        );
        let mixes = Arc::new(self.store.bank_mixes().await?.into_iter().collect());
        *self.bank.lock() = Some(BankCache {
            revision: rev,
            questions: questions.clone(),
            mixes,
            pools: HashMap::new(),
        });
        Ok((rev, questions))
    }

    /// Where an org's members' draws come from.
    async fn source_for(&self, org: OrgId) -> Result<(u64, DrawSource)> {
        let (rev, questions) = self.bank().await?;
        Ok((rev, self.source_in(rev, &questions, org)))
    }

    /// [`Ccsa::source_for`] for a bank already fetched (no store call).
    fn source_in(
        &self,
        rev: u64,
        questions: &HashMap<QuestionId, Question>,
        org: OrgId,
    ) -> DrawSource {
        let cached = self
            .bank
            .lock()
            .as_ref()
            .filter(|c| c.revision == rev)
            .map(|c| {
                (
                    c.pools.get(&org).cloned(),
                    c.mixes.get(&org).copied().unwrap_or_default(),
                )
            });
        let (hit, mix) = cached.unwrap_or((None, BankMix::Pooled));
        if let Some(p) = hit {
            return p;
        }
        let pool = |keep: &dyn Fn(BankOwner) -> bool| {
            Arc::new(DrawPool::new(
                questions
                    .values()
                    .filter(|q| keep(q.body.owner))
                    .map(|q| (q.id, q.body.category.as_str())),
            ))
        };
        let national = |o: BankOwner| o == BankOwner::National;
        let own = |o: BankOwner| o == BankOwner::Org(org);
        let source = match mix {
            BankMix::Pooled => DrawSource::One(pool(&|o| national(o) || own(o))),
            BankMix::NationalOnly => DrawSource::One(pool(&national)),
            BankMix::OwnOnly => DrawSource::One(pool(&own)),
            BankMix::Share { own_percent } => DrawSource::Share {
                own: pool(&own),
                national: pool(&national),
                own_percent,
            },
        };
        if let Some(c) = self.bank.lock().as_mut().filter(|c| c.revision == rev) {
            c.pools.insert(org, source.clone());
        }
        source
    }

    fn fresh_since(&self, day: NaiveDate) -> NaiveDate {
        day - Duration::days(i64::from(self.campaign.draw.fresh_days))
    }

    fn draw_from(
        &self,
        member: MemberId,
        day: NaiveDate,
        rev: u64,
        source: &DrawSource,
        history: &QuizHistory,
    ) -> Result<DailyDraw> {
        let mut due: Vec<&ReviewCard> = history.cards.iter().filter(|c| c.is_due(day)).collect();
        due.sort_by_key(|c| (c.due, c.question));
        let due: Vec<QuestionId> = due.into_iter().map(|c| c.question).collect();
        let key = DrawKey {
            member,
            day,
            bank_revision: rev,
            seed: self.campaign.seed,
        };
        let history = DrawHistory {
            recent: &history.recent,
            due_reviews: &due,
        };
        match source {
            DrawSource::One(pool) => draw(pool, &key, history, &self.campaign.draw),
            DrawSource::Share {
                own,
                national,
                own_percent,
            } => draw_shared(
                own,
                national,
                &key,
                history,
                &self.campaign.draw,
                *own_percent,
            ),
        }
    }

    /// Computes (without storing) the draw a member would get on `day` from
    /// the current bank and their stored history: the audit recomputation.
    pub async fn compute_draw(
        &self,
        member: MemberId,
        org: OrgId,
        day: NaiveDate,
    ) -> Result<DailyDraw> {
        let history = self
            .store
            .quiz_history(member, self.fresh_since(day))
            .await?;
        let (rev, source) = self.source_for(org).await?;
        self.draw_from(member, day, rev, &source, &history)
    }

    async fn issue_todays_draw(&self, b: &Binding, day: NaiveDate) -> Result<DailyDraw> {
        if let Some(d) = self.store.draw_of(b.member, day).await? {
            return Ok(d);
        }
        let d = self.compute_draw(b.member, b.org, day).await?;
        self.store.issue_draw(d).await
    }

    /// Today's quiz (每日答题) for a bound app user: the same questions every
    /// time it is opened that day, plus the result once submitted.
    pub async fn todays_quiz(&self, app_user: &str) -> Result<TodaysQuiz> {
        let b = self.bound(app_user).await?;
        let day = self.today();
        self.campaign.policy_at(day)?;
        let draw = self.issue_todays_draw(&b, day).await?;
        let (_, bank) = self.bank().await?;
        let questions = draw
            .questions
            .iter()
            .filter_map(|id| bank.get(id).map(Question::to_quiz))
            .collect();
        let result = self.store.submission(b.member, day).await?;
        Ok(TodaysQuiz {
            day,
            draw,
            questions,
            result,
        })
    }

    /// Grades answers to a draw and builds what the store records: ledger
    /// entries under the policy in force that day, and review-card changes.
    #[allow(clippy::too_many_arguments)]
    fn score(
        &self,
        member: MemberId,
        org: OrgId,
        at: DateTime<Utc>,
        draw: &DailyDraw,
        bank: &HashMap<QuestionId, Question>,
        answers: &[Answer],
        cards: &[ReviewCard],
    ) -> Result<DailySubmission> {
        let day = draw.key.day;
        let policy = *self.campaign.policy_at(day)?;
        let graded = grade(
            &draw.questions,
            |q| bank.get(&q).map(|q| q.body.answer),
            answers,
        )?;
        let award = policy.award(graded.correct, graded.total());
        let entry = |kind, points: u32| LedgerEntry {
            member,
            org,
            day,
            kind,
            points: i64::from(points),
            at,
        };
        let ledger: Vec<LedgerEntry> = [
            entry(LedgerKind::DailyQuiz, award.base),
            entry(LedgerKind::FullMarksBonus, award.bonus),
        ]
        .into_iter()
        .filter(|e| e.points != 0)
        .collect();
        let reviews = graded
            .answers
            .iter()
            .filter_map(|a| {
                let card = cards.iter().find(|c| c.question == a.question).copied();
                match (
                    card,
                    ReviewCard::after_answer(card, a.question, a.correct, day),
                ) {
                    (_, Some(c)) => Some(ReviewChange::Upsert(c)),
                    (Some(_), None) => Some(ReviewChange::Remove(a.question)),
                    (None, None) => None,
                }
            })
            .collect();
        Ok(DailySubmission {
            member,
            org,
            day,
            submitted_at: at,
            correct: graded.correct,
            points: i64::from(award.total()),
            answers: graded.answers,
            ledger,
            reviews,
        })
    }

    /// Submits today's answers. The first submission of the day is graded
    /// and scored under the policy in force that day; any later one returns
    /// that first result with `first: false` and scores nothing.
    pub async fn submit(&self, app_user: &str, answers: &[Answer]) -> Result<SubmissionOutcome> {
        let b = self.bound(app_user).await?;
        let day = self.today();
        self.campaign.policy_at(day)?;
        if let Some(result) = self.store.submission(b.member, day).await? {
            return Ok(SubmissionOutcome {
                result,
                first: false,
            });
        }
        let draw = self.issue_todays_draw(&b, day).await?;
        let (_, bank) = self.bank().await?;
        let cards = self.store.quiz_history(b.member, day).await?.cards;
        let submission = self.score(
            b.member,
            b.org,
            self.clock.now(),
            &draw,
            &bank,
            answers,
            &cards,
        )?;
        self.store.record_submission(submission).await
    }

    /// Issues the day's draws for many members at once (put-if-absent each,
    /// like [`Ccsa::todays_quiz`]): one history query, draws computed in
    /// memory, one write. For apps syncing offline quizzes and for simulations.
    pub async fn issue_draws(
        &self,
        day: NaiveDate,
        members: &[(MemberId, OrgId)],
    ) -> Result<Vec<DailyDraw>> {
        self.campaign.policy_at(day)?;
        let ids: Vec<MemberId> = members.iter().map(|(m, _)| *m).collect();
        let histories = self
            .store
            .quiz_histories(&ids, self.fresh_since(day))
            .await?;
        let (rev, questions) = self.bank().await?;
        let empty = QuizHistory::default();
        let mut draws = Vec::with_capacity(members.len());
        for &(m, org) in members {
            let source = self.source_in(rev, &questions, org);
            draws.push(self.draw_from(
                m,
                day,
                rev,
                &source,
                histories.get(&m).unwrap_or(&empty),
            )?);
        }
        self.store.issue_draws(draws).await
    }

    /// Submits many members' answers for one day in one store transaction.
    /// Each item must answer the draw issued to that member that day
    /// (`ANSWERS_DONT_MATCH_DRAW` otherwise) at a time on that day and not in
    /// the future (`ANSWER_TIME_INVALID`). Returns one result per item, in
    /// order; the same one-scoring-per-day rule as [`Ccsa::submit`] applies.
    pub async fn submit_batch(
        &self,
        day: NaiveDate,
        items: Vec<BatchAnswers>,
    ) -> Result<Vec<Result<SubmissionOutcome>>> {
        self.campaign.policy_at(day)?;
        let now = self.clock.now();
        let offset = self.clock.offset();
        let ids: Vec<MemberId> = items.iter().map(|i| i.draw.key.member).collect();
        let histories = self.store.quiz_histories(&ids, day).await?;
        let (_, bank) = self.bank().await?;
        let empty = QuizHistory::default();
        let mut results: Vec<Option<Result<SubmissionOutcome>>> = Vec::with_capacity(items.len());
        let mut valid = Vec::with_capacity(items.len());
        let mut slots = Vec::with_capacity(items.len());
        for (i, item) in items.iter().enumerate() {
            let h = histories.get(&item.draw.key.member).unwrap_or(&empty);
            let mut issued: Vec<QuestionId> = h
                .recent
                .iter()
                .filter(|(_, d)| *d == day)
                .map(|(q, _)| *q)
                .collect();
            let mut claimed = item.draw.questions.clone();
            issued.sort_unstable();
            claimed.sort_unstable();
            let checked = if item.draw.key.day != day || issued.is_empty() || issued != claimed {
                Err(Error::new(ErrorCode::AnswersDontMatchDraw))
            } else if item.answered_at > now
                || item.answered_at.with_timezone(&offset).date_naive() != day
            {
                Err(Error::new(ErrorCode::AnswerTimeInvalid))
            } else {
                self.score(
                    item.draw.key.member,
                    item.org,
                    item.answered_at,
                    &item.draw,
                    &bank,
                    &item.answers,
                    &h.cards,
                )
            };
            match checked {
                Ok(sub) => {
                    valid.push(sub);
                    slots.push(i);
                    results.push(None);
                }
                Err(e) => results.push(Some(Err(e))),
            }
        }
        let outcomes = self.store.record_submissions(valid).await?;
        for (i, o) in slots.into_iter().zip(outcomes) {
            results[i] = Some(Ok(o));
        }
        Ok(results
            .into_iter()
            .map(|r| r.expect("every item has a result"))
            .collect())
    }

    // ---- points, leaderboards, reports ----------------------------------------------

    /// A bound app user's points.
    pub async fn my_points(&self, app_user: &str) -> Result<i64> {
        let b = self.bound(app_user).await?;
        self.store.member_points(b.member).await
    }

    /// A bound app user's ranked entry in a leaderboard.
    pub async fn my_standing(
        &self,
        app_user: &str,
        scope: Scope,
        period: Period,
    ) -> Result<Option<LeaderboardEntry>> {
        let b = self.bound(app_user).await?;
        self.store.standing_of(b.member, scope, period).await
    }

    /// One page of a leaderboard (排行榜).
    pub async fn leaderboard(
        &self,
        scope: Scope,
        period: Period,
        offset: usize,
        limit: usize,
    ) -> Result<Vec<LeaderboardEntry>> {
        self.store
            .leaderboard_page(scope, period, offset, limit)
            .await
    }

    /// The monthly county report (月度通报) for a month.
    pub async fn monthly_report(&self, year: i32, month: u32) -> Result<MonthlyReport> {
        let (from, to) = month_range(year, month).ok_or(ErrorCode::OutsideCampaign)?;
        let roster = self.roster().await?;
        let activity = self.store.activity(from, to).await?;
        Ok(MonthlyReport::build(from, to, &roster, &activity))
    }

    /// The monthly county report as a spreadsheet (月度通报, see
    /// [`crate::spreadsheet::monthly_report_xlsx`]).
    #[cfg(feature = "spreadsheet")]
    pub async fn monthly_report_xlsx(&self, year: i32, month: u32) -> Result<Vec<u8>> {
        crate::spreadsheet::monthly_report_xlsx(&self.monthly_report(year, month).await?)
    }

    /// The year-end awards (年底表彰): individuals ranked ≤ `top_n` (ties
    /// included) and bureaus and enterprises by participation, then average score.
    pub async fn year_end_awards(&self, top_n: u32) -> Result<YearEndAwards> {
        self.awards_between(top_n, self.campaign.start, self.campaign.end)
            .await
    }

    /// [`Ccsa::year_end_awards`] with org participation counted over
    /// `from..=to` (individuals are ranked by all their points).
    pub async fn awards_between(
        &self,
        top_n: u32,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<YearEndAwards> {
        let board = rank_standings(self.store.standings(Scope::All, Period::Campaign).await?);
        let roster = self.roster().await?;
        let activity = self.store.activity(from, to).await?;
        Ok(YearEndAwards::build(top_n, board, &roster, &activity, to))
    }
}
