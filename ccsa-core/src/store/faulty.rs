//! A store that fails on purpose: [`FaultyStore`] wraps any [`Store`] and
//! makes chosen calls fail, to prove that a failure at any point leaves no
//! data lost and no points miscounted (see `docs/reliability.md`).
//!
//! Calls are numbered from 0 in the order they reach the wrapper (the calls
//! inside an import transaction included). A [`FaultPlan`] says which
//! numbers fail and how: [`FaultPoint::BeforeCall`] refuses the call (the
//! inner store never sees it, as when the connection is gone), and
//! [`FaultPoint::AfterCall`] lets the inner store finish and then loses the
//! reply (as when the connection drops after `COMMIT`): the caller sees an
//! error although the write happened, and must cope with that too. Either
//! way the error is `STORAGE`, the code every backend uses for a failed
//! database.
//!
//! ```
//! use ccsa_core::store::{FaultPlan, FaultyStore, MemoryStore, Store};
//! use ccsa_core::registry::Roster;
//! use chrono::NaiveDate;
//! use std::sync::Arc;
//!
//! # futures::executor::block_on(async {
//! let store = FaultyStore::new(Arc::new(MemoryStore::new()), FaultPlan::from_call(1));
//! let day = NaiveDate::from_ymd_opt(2020, 3, 1).unwrap();
//! let mut orgs = Roster::notice_bureaus(day).into_iter();
//! assert!(store.insert_org(orgs.next().unwrap()).await.is_ok()); // call 0
//! let e = store.insert_org(orgs.next().unwrap()).await.unwrap_err(); // call 1
//! assert_eq!(e.code(), ccsa_core::ErrorCode::Storage);
//! assert_eq!((store.calls(), store.faults()), (2, 1));
//! assert_eq!(store.inner().orgs().await.unwrap().len(), 1); // nothing half-written
//! # });
//! ```

use super::*;
use crate::Error;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

/// Where an injected fault strikes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FaultPoint {
    /// The call fails before the inner store sees it.
    BeforeCall,
    /// The inner store completes the call; its reply is lost.
    AfterCall,
}

/// Which calls fail: numbers `first..first + count` (`count` may be
/// `u64::MAX`: every call from `first` on), at `point`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FaultPlan {
    /// The first failing call (0-based).
    pub first: u64,
    /// How many calls fail from there.
    pub count: u64,
    /// Before or after the inner call.
    pub point: FaultPoint,
}

impl FaultPlan {
    /// No call fails.
    pub fn none() -> FaultPlan {
        FaultPlan {
            first: u64::MAX,
            count: 0,
            point: FaultPoint::BeforeCall,
        }
    }
    /// Call `n` and every call after it fail before reaching the store (the
    /// store went away for good).
    pub fn from_call(n: u64) -> FaultPlan {
        FaultPlan {
            first: n,
            count: u64::MAX,
            point: FaultPoint::BeforeCall,
        }
    }
    /// Only call `n` fails, at `point` (a transient fault).
    pub fn only_call(n: u64, point: FaultPoint) -> FaultPlan {
        FaultPlan {
            first: n,
            count: 1,
            point,
        }
    }
    fn strikes(&self, n: u64) -> bool {
        n >= self.first && n - self.first < self.count
    }
}

/// A [`Store`] whose calls fail according to a [`FaultPlan`]; everything
/// else is the inner store's.
pub struct FaultyStore {
    inner: Arc<dyn Store>,
    plan: FaultPlan,
    calls: AtomicU64,
    faults: AtomicU64,
    names: parking_lot::Mutex<Vec<&'static str>>,
}

impl std::fmt::Debug for FaultyStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FaultyStore")
            .field("backend", &self.inner.backend())
            .field("plan", &self.plan)
            .field("calls", &self.calls())
            .field("faults", &self.faults())
            .finish()
    }
}

/// What a numbered call does: proceed, or lose its reply.
struct Fault {
    lose_reply: bool,
}

impl Fault {
    fn reply<T>(self, r: Result<T>) -> Result<T> {
        match (self.lose_reply, r) {
            (true, Ok(_)) => Err(injected()),
            (_, r) => r,
        }
    }
}

fn injected() -> Error {
    Error::storage("injected fault")
}

impl FaultyStore {
    /// Wraps `inner`; calls fail as `plan` says.
    pub fn new(inner: Arc<dyn Store>, plan: FaultPlan) -> FaultyStore {
        FaultyStore {
            inner,
            plan,
            calls: AtomicU64::new(0),
            faults: AtomicU64::new(0),
            names: parking_lot::Mutex::new(Vec::new()),
        }
    }
    /// The wrapped store (to check what was written, without faults).
    pub fn inner(&self) -> &Arc<dyn Store> {
        &self.inner
    }
    /// Calls made so far (failed ones included).
    pub fn calls(&self) -> u64 {
        self.calls.load(Ordering::SeqCst)
    }
    /// Faults injected so far.
    pub fn faults(&self) -> u64 {
        self.faults.load(Ordering::SeqCst)
    }

    /// The store methods called so far, in order (e.g. `"member_by_phone"`;
    /// calls inside an import transaction are `"import.write"` and so on):
    /// what a request did, to compare the paths of two requests.
    pub fn call_names(&self) -> Vec<&'static str> {
        self.names.lock().clone()
    }

    /// Numbers a call; `Err` when it fails before the call.
    fn fault(&self, call: &'static str) -> Result<Fault> {
        self.names.lock().push(call);
        let n = self.calls.fetch_add(1, Ordering::SeqCst);
        if !self.plan.strikes(n) {
            return Ok(Fault { lose_reply: false });
        }
        self.faults.fetch_add(1, Ordering::SeqCst);
        match self.plan.point {
            FaultPoint::BeforeCall => Err(injected()),
            FaultPoint::AfterCall => Ok(Fault { lose_reply: true }),
        }
    }
}

/// An import transaction whose calls are numbered and failed like the
/// store's.
struct FaultyImport<'a> {
    tx: Box<dyn ImportTx + 'a>,
    faults: &'a FaultyStore,
}

#[async_trait]
impl ImportTx for FaultyImport<'_> {
    async fn members_matching(
        &mut self,
        phones: &[Phone],
        id_numbers: &[IdNumber],
    ) -> Result<Vec<Member>> {
        let fault = self.faults.fault("import.members_matching")?;
        fault.reply(self.tx.members_matching(phones, id_numbers).await)
    }
    async fn write(&mut self, ops: Vec<ImportOp>) -> Result<Vec<MemberId>> {
        let fault = self.faults.fault("import.write")?;
        fault.reply(self.tx.write(ops).await)
    }
    async fn commit(self: Box<Self>) -> Result<()> {
        let fault = self.faults.fault("import.commit")?;
        fault.reply(self.tx.commit().await)
    }
}

#[async_trait]
impl Store for FaultyStore {
    fn backend(&self) -> &'static str {
        self.inner.backend()
    }

    async fn insert_org(&self, org: NewOrg) -> Result<Org> {
        let fault = self.fault("insert_org")?;
        fault.reply(self.inner.insert_org(org).await)
    }

    async fn org(&self, id: OrgId) -> Result<Option<Org>> {
        let fault = self.fault("org")?;
        fault.reply(self.inner.org(id).await)
    }

    async fn orgs(&self) -> Result<Vec<Org>> {
        let fault = self.fault("orgs")?;
        fault.reply(self.inner.orgs().await)
    }

    async fn org_by_name(&self, name: &str) -> Result<Option<Org>> {
        let fault = self.fault("org_by_name")?;
        fault.reply(self.inner.org_by_name(name).await)
    }

    async fn retire_org(&self, id: OrgId, on: NaiveDate) -> Result<Org> {
        let fault = self.fault("retire_org")?;
        fault.reply(self.inner.retire_org(id, on).await)
    }

    async fn set_org_contacts(&self, id: OrgId, contacts: OrgContacts) -> Result<Org> {
        let fault = self.fault("set_org_contacts")?;
        fault.reply(self.inner.set_org_contacts(id, contacts).await)
    }

    async fn claim_admin_seat(&self, admin: NewAdmin) -> Result<AdminSeat> {
        let fault = self.fault("claim_admin_seat")?;
        fault.reply(self.inner.claim_admin_seat(admin).await)
    }

    async fn admin_seat(&self, org: OrgId) -> Result<Option<AdminSeat>> {
        let fault = self.fault("admin_seat")?;
        fault.reply(self.inner.admin_seat(org).await)
    }

    async fn admin_by_username(&self, username: &Username) -> Result<Option<AdminSeat>> {
        let fault = self.fault("admin_by_username")?;
        fault.reply(self.inner.admin_by_username(username).await)
    }

    async fn put_session(&self, session: AdminSession) -> Result<()> {
        let fault = self.fault("put_session")?;
        fault.reply(self.inner.put_session(session).await)
    }

    async fn session(&self, digest: &TokenDigest) -> Result<Option<AdminSession>> {
        let fault = self.fault("session")?;
        fault.reply(self.inner.session(digest).await)
    }

    async fn revoke_session(&self, digest: &TokenDigest) -> Result<bool> {
        let fault = self.fault("revoke_session")?;
        fault.reply(self.inner.revoke_session(digest).await)
    }

    async fn revoke_sessions_of(&self, admin: AdminId) -> Result<u32> {
        let fault = self.fault("revoke_sessions_of")?;
        fault.reply(self.inner.revoke_sessions_of(admin).await)
    }

    async fn append_audit(&self, entry: NewAuditEntry) -> Result<AuditEntry> {
        let fault = self.fault("append_audit")?;
        fault.reply(self.inner.append_audit(entry).await)
    }

    async fn audit_entries(
        &self,
        org: OrgId,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        after: i64,
        limit: usize,
    ) -> Result<Vec<AuditEntry>> {
        let fault = self.fault("audit_entries")?;
        fault.reply(self.inner.audit_entries(org, from, to, after, limit).await)
    }

    async fn prune_audit(&self, before: DateTime<Utc>) -> Result<u64> {
        let fault = self.fault("prune_audit")?;
        fault.reply(self.inner.prune_audit(before).await)
    }

    async fn claim_attempt(
        &self,
        keys: &[String],
        attempt: u64,
        at: DateTime<Utc>,
        policy: Lockout,
    ) -> Result<()> {
        let fault = self.fault("claim_attempt")?;
        fault.reply(self.inner.claim_attempt(keys, attempt, at, policy).await)
    }

    async fn release_attempt(&self, keys: &[String], attempt: u64) -> Result<u64> {
        let fault = self.fault("release_attempt")?;
        fault.reply(self.inner.release_attempt(keys, attempt).await)
    }

    async fn failures_since(&self, key: &str, since: DateTime<Utc>) -> Result<Vec<DateTime<Utc>>> {
        let fault = self.fault("failures_since")?;
        fault.reply(self.inner.failures_since(key, since).await)
    }

    async fn create_department(&self, org: OrgId, name: DepartmentName) -> Result<Department> {
        let fault = self.fault("create_department")?;
        fault.reply(self.inner.create_department(org, name).await)
    }

    async fn rename_department(
        &self,
        org: OrgId,
        id: DeptId,
        name: DepartmentName,
    ) -> Result<Department> {
        let fault = self.fault("rename_department")?;
        fault.reply(self.inner.rename_department(org, id, name).await)
    }

    async fn delete_department(&self, org: OrgId, id: DeptId) -> Result<DepartmentDeletion> {
        let fault = self.fault("delete_department")?;
        fault.reply(self.inner.delete_department(org, id).await)
    }

    async fn departments(&self, org: OrgId) -> Result<Vec<Department>> {
        let fault = self.fault("departments")?;
        fault.reply(self.inner.departments(org).await)
    }

    async fn insert_member(
        &self,
        org: OrgId,
        member: NewMember,
        at: DateTime<Utc>,
    ) -> Result<Member> {
        let fault = self.fault("insert_member")?;
        fault.reply(self.inner.insert_member(org, member, at).await)
    }

    async fn update_member(&self, org: OrgId, id: MemberId, member: NewMember) -> Result<Member> {
        let fault = self.fault("update_member")?;
        fault.reply(self.inner.update_member(org, id, member).await)
    }

    async fn delete_member(&self, org: OrgId, id: MemberId, at: DateTime<Utc>) -> Result<()> {
        let fault = self.fault("delete_member")?;
        fault.reply(self.inner.delete_member(org, id, at).await)
    }

    async fn member(&self, org: OrgId, id: MemberId) -> Result<Option<Member>> {
        let fault = self.fault("member")?;
        fault.reply(self.inner.member(org, id).await)
    }

    async fn member_by_phone(&self, phone: &Phone) -> Result<Option<Member>> {
        let fault = self.fault("member_by_phone")?;
        fault.reply(self.inner.member_by_phone(phone).await)
    }

    async fn members(&self, org: OrgId) -> Result<Vec<Member>> {
        let fault = self.fault("members")?;
        fault.reply(self.inner.members(org).await)
    }

    async fn members_matching(
        &self,
        phones: &[Phone],
        id_numbers: &[IdNumber],
    ) -> Result<Vec<Member>> {
        let fault = self.fault("members_matching")?;
        fault.reply(self.inner.members_matching(phones, id_numbers).await)
    }

    async fn begin_import(&self, org: OrgId, at: DateTime<Utc>) -> Result<Box<dyn ImportTx + '_>> {
        let fault = self.fault("begin_import")?;
        let tx = fault.reply(self.inner.begin_import(org, at).await)?;
        Ok(Box::new(FaultyImport { tx, faults: self }))
    }

    async fn insert_invitation(&self, invitation: NewInvitation) -> Result<Invitation> {
        let fault = self.fault("insert_invitation")?;
        fault.reply(self.inner.insert_invitation(invitation).await)
    }

    async fn invitations(&self, org: OrgId) -> Result<Vec<Invitation>> {
        let fault = self.fault("invitations")?;
        fault.reply(self.inner.invitations(org).await)
    }

    async fn invitation(&self, digest: &TokenDigest) -> Result<Option<Invitation>> {
        let fault = self.fault("invitation")?;
        fault.reply(self.inner.invitation(digest).await)
    }

    async fn revoke_invitation(&self, org: OrgId, id: InvitationId) -> Result<Invitation> {
        let fault = self.fault("revoke_invitation")?;
        fault.reply(self.inner.revoke_invitation(org, id).await)
    }

    async fn redeem_invitation(
        &self,
        digest: &TokenDigest,
        member: NewMember,
        at: DateTime<Utc>,
    ) -> Result<Member> {
        let fault = self.fault("redeem_invitation")?;
        fault.reply(self.inner.redeem_invitation(digest, member, at).await)
    }

    async fn bind(&self, binding: Binding) -> Result<Binding> {
        let fault = self.fault("bind")?;
        fault.reply(self.inner.bind(binding).await)
    }

    async fn binding_of(&self, app_user: &AppUserId) -> Result<Option<Binding>> {
        let fault = self.fault("binding_of")?;
        fault.reply(self.inner.binding_of(app_user).await)
    }

    async fn insert_questions(&self, questions: Vec<NewQuestion>) -> Result<Vec<QuestionId>> {
        let fault = self.fault("insert_questions")?;
        fault.reply(self.inner.insert_questions(questions).await)
    }

    async fn questions(&self, owner: Option<BankOwner>) -> Result<Vec<Question>> {
        let fault = self.fault("questions")?;
        fault.reply(self.inner.questions(owner).await)
    }

    async fn questions_by_id(&self, ids: &[QuestionId]) -> Result<Vec<Question>> {
        let fault = self.fault("questions_by_id")?;
        fault.reply(self.inner.questions_by_id(ids).await)
    }

    async fn bank_revision(&self) -> Result<u64> {
        let fault = self.fault("bank_revision")?;
        fault.reply(self.inner.bank_revision().await)
    }

    async fn set_bank_mix(&self, org: OrgId, mix: BankMix) -> Result<()> {
        let fault = self.fault("set_bank_mix")?;
        fault.reply(self.inner.set_bank_mix(org, mix).await)
    }

    async fn bank_mixes(&self) -> Result<Vec<(OrgId, BankMix)>> {
        let fault = self.fault("bank_mixes")?;
        fault.reply(self.inner.bank_mixes().await)
    }

    async fn issue_draw(&self, draw: DailyDraw) -> Result<DailyDraw> {
        let fault = self.fault("issue_draw")?;
        fault.reply(self.inner.issue_draw(draw).await)
    }

    async fn draw_of(&self, member: MemberId, day: NaiveDate) -> Result<Option<DailyDraw>> {
        let fault = self.fault("draw_of")?;
        fault.reply(self.inner.draw_of(member, day).await)
    }

    async fn quiz_history(&self, member: MemberId, since: NaiveDate) -> Result<QuizHistory> {
        let fault = self.fault("quiz_history")?;
        fault.reply(self.inner.quiz_history(member, since).await)
    }

    async fn record_submission(&self, submission: DailySubmission) -> Result<SubmissionOutcome> {
        let fault = self.fault("record_submission")?;
        fault.reply(self.inner.record_submission(submission).await)
    }

    async fn submission(&self, member: MemberId, day: NaiveDate) -> Result<Option<QuizResult>> {
        let fault = self.fault("submission")?;
        fault.reply(self.inner.submission(member, day).await)
    }

    async fn ledger(&self, member: MemberId) -> Result<Vec<LedgerEntry>> {
        let fault = self.fault("ledger")?;
        fault.reply(self.inner.ledger(member).await)
    }

    async fn ledger_page(
        &self,
        range: &ExportRange,
        after: i64,
        limit: usize,
    ) -> Result<Vec<LedgerRow>> {
        let fault = self.fault("ledger_page")?;
        fault.reply(self.inner.ledger_page(range, after, limit).await)
    }

    async fn submissions_page(
        &self,
        range: &ExportRange,
        after: Option<(MemberId, NaiveDate)>,
        limit: usize,
    ) -> Result<Vec<SubmissionRow>> {
        let fault = self.fault("submissions_page")?;
        fault.reply(self.inner.submissions_page(range, after, limit).await)
    }

    async fn member_points(&self, member: MemberId) -> Result<i64> {
        let fault = self.fault("member_points")?;
        fault.reply(self.inner.member_points(member).await)
    }

    async fn standings(&self, scope: Scope, period: Period) -> Result<Vec<Standing>> {
        let fault = self.fault("standings")?;
        fault.reply(self.inner.standings(scope, period).await)
    }

    async fn activity(&self, from: NaiveDate, to: NaiveDate) -> Result<Vec<OrgActivity>> {
        let fault = self.fault("activity")?;
        fault.reply(self.inner.activity(from, to).await)
    }

    async fn check_invariants(&self) -> Result<InvariantReport> {
        let fault = self.fault("check_invariants")?;
        fault.reply(self.inner.check_invariants().await)
    }

    async fn insert_laws(&self, docs: Vec<NewLawDoc>) -> Result<Vec<LawDoc>> {
        let fault = self.fault("insert_laws")?;
        fault.reply(self.inner.insert_laws(docs).await)
    }

    async fn update_law(&self, id: LawId, doc: NewLawDoc) -> Result<LawDoc> {
        let fault = self.fault("update_law")?;
        fault.reply(self.inner.update_law(id, doc).await)
    }

    async fn law(&self, id: LawId) -> Result<Option<LawDoc>> {
        let fault = self.fault("law")?;
        fault.reply(self.inner.law(id).await)
    }

    async fn search_laws(
        &self,
        terms: &SearchTerms,
        filter: &LawFilter,
        day: NaiveDate,
        offset: usize,
        limit: usize,
    ) -> Result<LawPage> {
        let fault = self.fault("search_laws")?;
        fault.reply(
            self.inner
                .search_laws(terms, filter, day, offset, limit)
                .await,
        )
    }

    async fn insert_articles(&self, articles: Vec<NewArticle>) -> Result<Vec<Article>> {
        let fault = self.fault("insert_articles")?;
        fault.reply(self.inner.insert_articles(articles).await)
    }

    async fn article(&self, id: ArticleId) -> Result<Option<Article>> {
        let fault = self.fault("article")?;
        fault.reply(self.inner.article(id).await)
    }

    async fn articles_visible(
        &self,
        org: Option<OrgId>,
        offset: usize,
        limit: usize,
    ) -> Result<Vec<Article>> {
        let fault = self.fault("articles_visible")?;
        fault.reply(self.inner.articles_visible(org, offset, limit).await)
    }

    async fn delete_article(&self, org: OrgId, id: ArticleId) -> Result<()> {
        let fault = self.fault("delete_article")?;
        fault.reply(self.inner.delete_article(org, id).await)
    }

    async fn insert_topic(&self, topic: NewTopic) -> Result<Topic> {
        let fault = self.fault("insert_topic")?;
        fault.reply(self.inner.insert_topic(topic).await)
    }

    async fn topics(&self) -> Result<Vec<Topic>> {
        let fault = self.fault("topics")?;
        fault.reply(self.inner.topics().await)
    }

    async fn insert_exam(&self, exam: NewExam) -> Result<Exam> {
        let fault = self.fault("insert_exam")?;
        fault.reply(self.inner.insert_exam(exam).await)
    }

    async fn exam(&self, id: ExamId) -> Result<Option<Exam>> {
        let fault = self.fault("exam")?;
        fault.reply(self.inner.exam(id).await)
    }

    async fn exams(&self, org: OrgId) -> Result<Vec<Exam>> {
        let fault = self.fault("exams")?;
        fault.reply(self.inner.exams(org).await)
    }

    async fn insert_attempt(&self, attempt: NewAttempt) -> Result<Attempt> {
        let fault = self.fault("insert_attempt")?;
        fault.reply(self.inner.insert_attempt(attempt).await)
    }

    async fn attempt(&self, id: AttemptId) -> Result<Option<Attempt>> {
        let fault = self.fault("attempt")?;
        fault.reply(self.inner.attempt(id).await)
    }

    async fn attempts(&self, exam: ExamId, member: Option<MemberId>) -> Result<Vec<Attempt>> {
        let fault = self.fault("attempts")?;
        fault.reply(self.inner.attempts(exam, member).await)
    }

    async fn save_answer(&self, attempt: AttemptId, answer: SavedAnswer) -> Result<()> {
        let fault = self.fault("save_answer")?;
        fault.reply(self.inner.save_answer(attempt, answer).await)
    }

    async fn finish_attempt(
        &self,
        attempt: AttemptId,
        saves: u32,
        score: AttemptScore,
    ) -> Result<Attempt> {
        let fault = self.fault("finish_attempt")?;
        fault.reply(self.inner.finish_attempt(attempt, saves, score).await)
    }

    async fn insert_accidents(&self, records: Vec<NewAccident>) -> Result<Vec<Accident>> {
        let fault = self.fault("insert_accidents")?;
        fault.reply(self.inner.insert_accidents(records).await)
    }

    async fn accidents_on(&self, keys: &[(u32, u32)]) -> Result<Vec<Accident>> {
        let fault = self.fault("accidents_on")?;
        fault.reply(self.inner.accidents_on(keys).await)
    }
}
