//! The storage trait (存储接口): what every backend must do, and atomically.
//!
//! [`Store`] is one async, object-safe trait (`Arc<dyn Store>`). Most methods
//! are plain reads and writes; a few carry a rule that needs atomicity and
//! spell out their contract, which every backend must honour under
//! concurrency (the conformance suite, `ccsa_core::conformance`, proves it on
//! each backend with the same tests):
//!
//! - [`Store::claim_admin_seat`]: **compare-and-set**. If the org has no admin
//!   the seat is taken and returned; otherwise `ADMIN_ALREADY_REGISTERED`,
//!   with nothing written. Among N concurrent calls for one org exactly one
//!   succeeds.
//! - [`Store::record_submission`]: **idempotent per (member, day)**. The first
//!   call writes the answers (append-only log), the ledger entries, the
//!   member's running total, the daily/monthly rollups and the review-card
//!   changes in one transaction and returns `first: true`; every later call
//!   for the same member and day writes nothing and returns the stored result
//!   with `first: false`. Totals always equal the ledger sum.
//! - [`Store::issue_draw`]: **put-if-absent per (member, day)**: returns the
//!   draw already issued that day if there is one, so reopening the app shows
//!   the same questions.
//! - [`Store::bind`]: **unique both ways**: a member binds to one app user and
//!   an app user to one member; the loser of a race gets
//!   `MEMBER_ALREADY_BOUND` or `APP_USER_ALREADY_BOUND`.
//! - [`Store::insert_member`] / [`Store::update_member`]: phones and ID numbers
//!   are unique among active members system-wide (`PHONE_TAKEN`,
//!   `ID_NUMBER_TAKEN`).
//! - [`Store::delete_department`]: moves the department's members to "no
//!   department" and deletes it in one step, returning how many moved.
//!
//! Every org-scoped method takes the org and must not touch another org's
//! rows: asking for org A's department 7 when 7 belongs to org B is
//! `DEPARTMENT_NOT_FOUND`, exactly as if it did not exist.
//!
//! Errors are [`crate::Error`]s; backend failures map to `STORAGE` with a note
//! naming the failure kind, never the data.

mod export;
mod faulty;
mod memory;

pub use export::{ExportRange, LedgerRow, SubmissionRow};
pub use faulty::{FaultPlan, FaultPoint, FaultyStore};
pub use memory::MemoryStore;

use crate::Result;
use crate::admin::{AdminId, AdminSeat, AdminSession, NewAdmin, TokenDigest, Username};
use crate::audit::{AuditEntry, NewAuditEntry};
use crate::binding::{AppUserId, Binding, Lockout};
use crate::directory::{
    Department, DepartmentDeletion, DepartmentName, DeptId, ImportOp, Invitation, InvitationId,
    Member, MemberId, NewInvitation, NewMember,
};
use crate::exam::{
    Attempt, AttemptId, AttemptScore, Exam, ExamId, NewAttempt, NewExam, SavedAnswer,
};
use crate::identity::{IdNumber, Phone};
use crate::library::{
    Accident, Article, ArticleId, LawDoc, LawFilter, LawId, LawPage, NewAccident, NewArticle,
    NewLawDoc, NewTopic, SearchTerms, Topic,
};
use crate::quiz::{BankMix, BankOwner, DailyDraw, NewQuestion, Question, QuestionId, ReviewCard};
use crate::ranking::{LeaderboardEntry, OrgActivity, Period, Scope, Standing, rank_standings};
use crate::registry::{NewOrg, Org, OrgContacts, OrgId};
use crate::scoring::{DailySubmission, LedgerEntry, QuizResult, SubmissionOutcome};
use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use std::collections::HashMap;

/// What a member saw recently and must review: the inputs of a daily draw
/// that come from storage.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct QuizHistory {
    /// Questions of draws issued on days ≥ `since` (day drawn).
    pub recent: Vec<(QuestionId, NaiveDate)>,
    /// The member's review cards (any due date).
    pub cards: Vec<ReviewCard>,
}

/// One import's write transaction, from [`Store::begin_import`].
///
/// Batches go through [`write`](Self::write) as the file is read; lookups
/// through [`members_matching`](Self::members_matching) see the batches
/// written so far. An error from any method leaves the transaction unusable
/// (drop it: everything rolls back).
#[async_trait]
pub trait ImportTx: Send {
    /// Active members, in any org, whose phone or ID number is in the
    /// lists, as this transaction sees them.
    async fn members_matching(
        &mut self,
        phones: &[Phone],
        id_numbers: &[IdNumber],
    ) -> Result<Vec<Member>>;
    /// Applies one batch: updates first (they may free a phone a new row
    /// takes), then creates. Returns the member id of each op, in order.
    /// `MEMBER_NOT_FOUND` for an update outside the org,
    /// `DEPARTMENT_NOT_FOUND`, `PHONE_TAKEN`, `ID_NUMBER_TAKEN`.
    async fn write(&mut self, ops: Vec<ImportOp>) -> Result<Vec<MemberId>>;
    /// Makes every batch durable and visible at once.
    async fn commit(self: Box<Self>) -> Result<()>;
}

/// Result of [`Store::check_invariants`]: what was checked and what is wrong.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct InvariantReport {
    /// Members whose totals were compared with their ledger.
    pub members_checked: u64,
    /// Submissions recounted into rollups.
    pub submissions_checked: u64,
    /// Human-readable violations (ids only, no personal data); empty when sound.
    pub violations: Vec<String>,
}

impl InvariantReport {
    /// Whether no invariant is violated.
    pub fn is_sound(&self) -> bool {
        self.violations.is_empty()
    }
}

/// The storage trait. See the module docs for the atomic contracts.
#[async_trait]
pub trait Store: Send + Sync {
    /// Backend name for diagnostics (`"memory"`, `"sqlite"`, `"postgres"`).
    fn backend(&self) -> &'static str;

    // ---- registry -------------------------------------------------------

    /// Lists an org. `ORG_ALREADY_LISTED` if an active org has the same name
    /// or credit code, or the county already has an active bureau.
    async fn insert_org(&self, org: NewOrg) -> Result<Org>;
    /// One org.
    async fn org(&self, id: OrgId) -> Result<Option<Org>>;
    /// All orgs, listed and retired, by id.
    async fn orgs(&self) -> Result<Vec<Org>>;
    /// The org with this (normalised) name: the active one if any, else the
    /// most recently retired.
    async fn org_by_name(&self, name: &str) -> Result<Option<Org>>;
    /// Retires an org from `on` (`ORG_NOT_FOUND`, `ORG_RETIRED` if already).
    async fn retire_org(&self, id: OrgId, on: NaiveDate) -> Result<Org>;
    /// Replaces an org's reported leader and liaison.
    async fn set_org_contacts(&self, id: OrgId, contacts: OrgContacts) -> Result<Org>;

    // ---- admin seat and sessions -----------------------------------------

    /// Compare-and-set on the org's admin seat (see module docs).
    /// `ORG_NOT_FOUND`, `ADMIN_ALREADY_REGISTERED` (checked first), `USERNAME_TAKEN`.
    async fn claim_admin_seat(&self, admin: NewAdmin) -> Result<AdminSeat>;
    /// The org's admin, if registered.
    async fn admin_seat(&self, org: OrgId) -> Result<Option<AdminSeat>>;
    /// The admin with this login name.
    async fn admin_by_username(&self, username: &Username) -> Result<Option<AdminSeat>>;
    /// Stores a new session.
    async fn put_session(&self, session: AdminSession) -> Result<()>;
    /// A session by token digest.
    async fn session(&self, digest: &TokenDigest) -> Result<Option<AdminSession>>;
    /// Revokes one session; whether it existed.
    async fn revoke_session(&self, digest: &TokenDigest) -> Result<bool>;
    /// Revokes every session of an admin; how many.
    async fn revoke_sessions_of(&self, admin: AdminId) -> Result<u32>;

    // ---- audit log ----------------------------------------------------------

    /// Appends an entry; ids increase in append order.
    async fn append_audit(&self, entry: NewAuditEntry) -> Result<AuditEntry>;
    /// One org's entries with `from <= at < to` and id above `after`, by
    /// id, at most `limit` (≤ 10,000).
    async fn audit_entries(
        &self,
        org: OrgId,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        after: i64,
        limit: usize,
    ) -> Result<Vec<AuditEntry>>;
    /// Every entry of one org with `from <= at < to`, oldest first, read
    /// through [`Store::audit_entries`] in pages of 1,000.
    async fn audit_log(
        &self,
        org: OrgId,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<AuditEntry>> {
        let mut out: Vec<AuditEntry> = Vec::new();
        loop {
            let after = out.last().map_or(0, |e| e.id);
            let page = self.audit_entries(org, from, to, after, 1_000).await?;
            let Some(last) = page.last().map(|e| e.id) else {
                return Ok(out);
            };
            debug_assert!(last > after);
            out.extend(page);
        }
    }
    /// Deletes every org's entries with `at < before`; how many.
    async fn prune_audit(&self, before: DateTime<Utc>) -> Result<u64>;

    // ---- lock-outs --------------------------------------------------------

    /// Claims one attempt under every key at once (binding counts the app
    /// user and the phone; login the login name; keys are
    /// `LockKey::storage_key`s).
    ///
    /// Contract, atomic per key: if any key already has
    /// `policy.max_failures` entries after `policy.window_start(at)`, the
    /// claim is refused with `LOCKED_UNTIL` carrying the latest unlock time
    /// over the keys ([`Lockout::locked_until`]) and nothing is recorded;
    /// otherwise one entry tagged `attempt` is recorded under each key. An
    /// entry counts as a failure until [`Store::release_attempt`] removes it,
    /// so an attempt is counted *before* its outcome is known: of any number
    /// of concurrent claims on a key, at most `max_failures` are granted
    /// within a window, however they interleave.
    async fn claim_attempt(
        &self,
        keys: &[String],
        attempt: u64,
        at: DateTime<Utc>,
        policy: Lockout,
    ) -> Result<()>;
    /// Removes the entries of attempt `attempt` under `keys` (it succeeded,
    /// so it is not a failure); how many were removed.
    async fn release_attempt(&self, keys: &[String], attempt: u64) -> Result<u64>;
    /// Failure times under a key after `since` (claimed attempts not
    /// released), oldest first.
    async fn failures_since(&self, key: &str, since: DateTime<Utc>) -> Result<Vec<DateTime<Utc>>>;

    // ---- departments ------------------------------------------------------

    /// Creates a department (`DEPARTMENT_NAME_TAKEN`, `ORG_NOT_FOUND`).
    async fn create_department(&self, org: OrgId, name: DepartmentName) -> Result<Department>;
    /// Renames one (`DEPARTMENT_NOT_FOUND`, `DEPARTMENT_NAME_TAKEN`).
    async fn rename_department(
        &self,
        org: OrgId,
        id: DeptId,
        name: DepartmentName,
    ) -> Result<Department>;
    /// Deletes one, moving its members to no department (atomic).
    async fn delete_department(&self, org: OrgId, id: DeptId) -> Result<DepartmentDeletion>;
    /// An org's departments, by name.
    async fn departments(&self, org: OrgId) -> Result<Vec<Department>>;

    // ---- members ------------------------------------------------------------

    /// Adds a member (`PHONE_TAKEN`, `ID_NUMBER_TAKEN`, `DEPARTMENT_NOT_FOUND`).
    async fn insert_member(
        &self,
        org: OrgId,
        member: NewMember,
        at: DateTime<Utc>,
    ) -> Result<Member>;
    /// Replaces a member's details (`MEMBER_NOT_FOUND` and the insert errors).
    async fn update_member(&self, org: OrgId, id: MemberId, member: NewMember) -> Result<Member>;
    /// Deletes a member (their binding goes too; ledger and answers are kept).
    async fn delete_member(&self, org: OrgId, id: MemberId, at: DateTime<Utc>) -> Result<()>;
    /// One active member of the org.
    async fn member(&self, org: OrgId, id: MemberId) -> Result<Option<Member>>;
    /// The active member with this phone, in any org (for binding).
    async fn member_by_phone(&self, phone: &Phone) -> Result<Option<Member>>;
    /// The org's active members, by id.
    async fn members(&self, org: OrgId) -> Result<Vec<Member>>;

    /// Active members, in any org, whose phone or ID number is in the lists
    /// (one query; used to check an import file against everyone).
    async fn members_matching(
        &self,
        phones: &[Phone],
        id_numbers: &[IdNumber],
    ) -> Result<Vec<Member>>;
    /// Opens an import into one org: **one write transaction** that batches
    /// of writes go through ([`ImportTx`]). Nothing is visible to others
    /// before [`ImportTx::commit`]; dropping the transaction without
    /// committing (an error, a refused all-or-nothing import, a cancelled
    /// future) leaves the store as it was. `ORG_NOT_FOUND` for an unknown
    /// org. `at` stamps the created members.
    async fn begin_import(&self, org: OrgId, at: DateTime<Utc>) -> Result<Box<dyn ImportTx + '_>>;

    /// Applies an import's writes to one org in **one transaction**: all of
    /// them, or none (the error of the first that failed) — an interrupted
    /// or refused import leaves the store as it was. Returns the member id
    /// of each op, in order. ([`Store::begin_import`], one
    /// [`ImportTx::write`], [`ImportTx::commit`].)
    async fn apply_import(
        &self,
        org: OrgId,
        ops: Vec<ImportOp>,
        at: DateTime<Utc>,
    ) -> Result<Vec<MemberId>> {
        let mut tx = self.begin_import(org, at).await?;
        let ids = tx.write(ops).await?;
        tx.commit().await?;
        Ok(ids)
    }

    // ---- QR-code invitations ----------------------------------------------------

    /// Stores an invitation.
    async fn insert_invitation(&self, invitation: NewInvitation) -> Result<Invitation>;
    /// An org's invitations, newest first.
    async fn invitations(&self, org: OrgId) -> Result<Vec<Invitation>>;
    /// The invitation with this token digest.
    async fn invitation(&self, digest: &TokenDigest) -> Result<Option<Invitation>>;
    /// Revokes one of the org's invitations (`INVITATION_NOT_FOUND` for
    /// another org's or an unknown id).
    async fn revoke_invitation(&self, org: OrgId, id: InvitationId) -> Result<Invitation>;
    /// **Atomic redemption**: checks the invitation at `at` (revoked, expired,
    /// used up), adds the member to its org and counts the use, all or
    /// nothing; concurrent redemptions never exceed `max_uses`.
    async fn redeem_invitation(
        &self,
        digest: &TokenDigest,
        member: NewMember,
        at: DateTime<Utc>,
    ) -> Result<Member>;

    // ---- binding --------------------------------------------------------------

    /// Binds (unique both ways, see module docs; `MEMBER_NOT_FOUND` if the
    /// member is gone).
    async fn bind(&self, binding: Binding) -> Result<Binding>;
    /// The binding of an app user.
    async fn binding_of(&self, app_user: &AppUserId) -> Result<Option<Binding>>;

    // ---- question bank ------------------------------------------------------------

    /// Adds questions (already validated) in one step and bumps the bank
    /// revision once; returns their ids in order.
    async fn insert_questions(&self, questions: Vec<NewQuestion>) -> Result<Vec<QuestionId>>;
    /// Questions of one bank, or of every bank (`None`), by id.
    async fn questions(&self, owner: Option<BankOwner>) -> Result<Vec<Question>>;
    /// Questions by id (missing ids are skipped).
    async fn questions_by_id(&self, ids: &[QuestionId]) -> Result<Vec<Question>>;
    /// The bank revision (increases with every change to any bank, and
    /// with every change of an org's [`BankMix`]).
    async fn bank_revision(&self) -> Result<u64>;
    /// Sets where an org's daily questions come from and bumps the bank
    /// revision (`ORG_NOT_FOUND`).
    async fn set_bank_mix(&self, org: OrgId, mix: BankMix) -> Result<()>;
    /// Every org whose mix is not the default [`BankMix::Pooled`].
    async fn bank_mixes(&self) -> Result<Vec<(OrgId, BankMix)>>;

    // ---- daily quiz -------------------------------------------------------------

    /// Put-if-absent of a day's draw (see module docs).
    async fn issue_draw(&self, draw: DailyDraw) -> Result<DailyDraw>;
    /// The draw issued to a member on a day.
    async fn draw_of(&self, member: MemberId, day: NaiveDate) -> Result<Option<DailyDraw>>;
    /// Inputs of the next draw: draws since `since`, and review cards.
    async fn quiz_history(&self, member: MemberId, since: NaiveDate) -> Result<QuizHistory>;
    /// [`Store::quiz_history`] for many members at once (members with no
    /// history map to an empty one). SQL backends answer with one query.
    async fn quiz_histories(
        &self,
        members: &[MemberId],
        since: NaiveDate,
    ) -> Result<HashMap<MemberId, QuizHistory>> {
        let mut out = HashMap::with_capacity(members.len());
        for &m in members {
            out.insert(m, self.quiz_history(m, since).await?);
        }
        Ok(out)
    }
    /// [`Store::issue_draw`] for many draws (put-if-absent each), returning
    /// the stored draw for each input in order.
    async fn issue_draws(&self, draws: Vec<DailyDraw>) -> Result<Vec<DailyDraw>> {
        let mut out = Vec::with_capacity(draws.len());
        for d in draws {
            out.push(self.issue_draw(d).await?);
        }
        Ok(out)
    }
    /// Idempotent per (member, day) recording of a scored submission (see module docs).
    async fn record_submission(&self, submission: DailySubmission) -> Result<SubmissionOutcome>;
    /// The scored result of a member's day.
    async fn submission(&self, member: MemberId, day: NaiveDate) -> Result<Option<QuizResult>>;
    /// Records many submissions with the same per-(member, day) contract as
    /// [`Store::record_submission`], returning one outcome per input in
    /// order. A submission repeated within the batch is scored once. SQL
    /// backends write the whole batch in one transaction with multi-row
    /// statements (bulk ingestion, simulations); the default loops.
    async fn record_submissions(
        &self,
        submissions: Vec<DailySubmission>,
    ) -> Result<Vec<SubmissionOutcome>> {
        let mut out = Vec::with_capacity(submissions.len());
        for s in submissions {
            out.push(self.record_submission(s).await?);
        }
        Ok(out)
    }

    // ---- points, leaderboards, reports --------------------------------------------

    /// A member's ledger entries, oldest first.
    async fn ledger(&self, member: MemberId) -> Result<Vec<LedgerEntry>>;
    /// Up to `limit` ledger entries in `range` with ids above `after`
    /// (start with 0), in id order: page through the ledger by passing the
    /// last id back.
    async fn ledger_page(
        &self,
        range: &ExportRange,
        after: i64,
        limit: usize,
    ) -> Result<Vec<LedgerRow>>;
    /// Up to `limit` scored submissions in `range` after `(member, day)`
    /// (start with `None`), in `(member, day)` order: page through the
    /// answer log by passing the last [`SubmissionRow::key`] back.
    async fn submissions_page(
        &self,
        range: &ExportRange,
        after: Option<(MemberId, NaiveDate)>,
        limit: usize,
    ) -> Result<Vec<SubmissionRow>>;
    /// Every ledger entry in `range`, read through [`Store::ledger_page`]
    /// in pages of `page` rows.
    async fn ledger_rows(&self, range: &ExportRange, page: usize) -> Result<Vec<LedgerRow>> {
        let (mut out, mut after) = (Vec::new(), 0);
        loop {
            let rows = self.ledger_page(range, after, page.max(1)).await?;
            let Some(last) = rows.last() else { break };
            after = last.id;
            out.extend(rows);
        }
        Ok(out)
    }
    /// Every scored submission in `range`, read through
    /// [`Store::submissions_page`] in pages of `page` rows.
    async fn submission_rows(
        &self,
        range: &ExportRange,
        page: usize,
    ) -> Result<Vec<SubmissionRow>> {
        let (mut out, mut after) = (Vec::new(), None);
        loop {
            let rows = self.submissions_page(range, after, page.max(1)).await?;
            let Some(last) = rows.last() else { break };
            after = Some(last.key());
            out.extend(rows);
        }
        Ok(out)
    }
    /// A member's running total (0 if none).
    async fn member_points(&self, member: MemberId) -> Result<i64>;
    /// Unranked standings of active members in a scope who answered at least
    /// once in the period.
    async fn standings(&self, scope: Scope, period: Period) -> Result<Vec<Standing>>;
    /// Per-org activity over `[from, to]` (Beijing days), for every org.
    async fn activity(&self, from: NaiveDate, to: NaiveDate) -> Result<Vec<OrgActivity>>;
    /// Checks the stored invariants: every total equals its ledger sum; at
    /// most one submission per member and day; rollups equal a recount.
    async fn check_invariants(&self) -> Result<InvariantReport>;

    // ---- law and standard database ---------------------------------------------

    /// Adds documents, all or none: `LAW_INVALID` (see
    /// [`NewLawDoc::validate`]), `LAW_CODE_TAKEN` when a code (spaces and
    /// case ignored) is already stored or repeated in the batch.
    async fn insert_laws(&self, docs: Vec<NewLawDoc>) -> Result<Vec<LawDoc>>;
    /// Replaces a document (`LAW_NOT_FOUND`, `LAW_CODE_TAKEN`, `LAW_INVALID`).
    async fn update_law(&self, id: LawId, doc: NewLawDoc) -> Result<LawDoc>;
    /// One document.
    async fn law(&self, id: LawId) -> Result<Option<LawDoc>>;
    /// **Search contract**: the documents for which every term matches
    /// (see [`SearchTerms`]) and `filter` accepts on `day` (documents issued
    /// after `day` never match), ordered by
    /// score, then effective date (newest first), then id; `offset`/`limit`
    /// select the page, `total` counts all matches. Every backend returns
    /// exactly the same pages.
    async fn search_laws(
        &self,
        terms: &SearchTerms,
        filter: &LawFilter,
        day: NaiveDate,
        offset: usize,
        limit: usize,
    ) -> Result<LawPage>;

    // ---- articles, featured topics, history today ------------------------------

    /// Publishes articles, all or none (`ARTICLE_INVALID`; `ORG_NOT_FOUND`
    /// for a knowledge base of an unknown org).
    async fn insert_articles(&self, articles: Vec<NewArticle>) -> Result<Vec<Article>>;
    /// One article, whatever its shelf (callers check visibility).
    async fn article(&self, id: ArticleId) -> Result<Option<Article>>;
    /// The articles a reader of `org` may see — safety five minutes and, with
    /// an org, that org's knowledge base — newest first (publication date,
    /// then id), one page.
    async fn articles_visible(
        &self,
        org: Option<OrgId>,
        offset: usize,
        limit: usize,
    ) -> Result<Vec<Article>>;
    /// Removes one of the org's knowledge-base articles
    /// (`ARTICLE_NOT_FOUND` for another org's or a national article).
    async fn delete_article(&self, org: OrgId, id: ArticleId) -> Result<()>;
    /// Publishes a featured topic; every item must exist and be national
    /// content (safety-five-minutes articles, laws, national-bank
    /// questions), else `TOPIC_INVALID`.
    async fn insert_topic(&self, topic: NewTopic) -> Result<Topic>;
    /// Every featured topic, by position then id.
    async fn topics(&self) -> Result<Vec<Topic>>;
    // ---- online exams ----------------------------------------------------------

    /// Creates an exam (`EXAM_INVALID`, `ORG_NOT_FOUND`).
    async fn insert_exam(&self, exam: NewExam) -> Result<Exam>;
    /// One exam.
    async fn exam(&self, id: ExamId) -> Result<Option<Exam>>;
    /// An org's exams, by opening time then id.
    async fn exams(&self, org: OrgId) -> Result<Vec<Exam>>;
    /// **Unique per (exam, member, number)**: records a started attempt;
    /// of concurrent starts with the same number exactly one succeeds, the
    /// others get `EXAM_ATTEMPT_TAKEN`.
    async fn insert_attempt(&self, attempt: NewAttempt) -> Result<Attempt>;
    /// One attempt with its answers.
    async fn attempt(&self, id: AttemptId) -> Result<Option<Attempt>>;
    /// An exam's attempts (one member's, or everyone's), by member then number.
    async fn attempts(&self, exam: ExamId, member: Option<MemberId>) -> Result<Vec<Attempt>>;
    /// Saves (or replaces) the answer to one question of an unfinished
    /// attempt and counts the save (`EXAM_FINISHED` once finished,
    /// `EXAM_NOT_FOUND` for an unknown attempt). Deadlines are the caller's.
    async fn save_answer(&self, attempt: AttemptId, answer: SavedAnswer) -> Result<()>;
    /// **Compare-and-set**: records the score of an attempt that is
    /// unfinished and still has `saves` saves (the version it was marked
    /// against) and returns it; `EXAM_FINISHED` when it was already finished,
    /// `EXAM_ATTEMPT_TAKEN` when an answer was saved in between (mark again).
    async fn finish_attempt(
        &self,
        attempt: AttemptId,
        saves: u32,
        score: AttemptScore,
    ) -> Result<Attempt>;

    /// Adds accident records, all or none (`ACCIDENT_INVALID`).
    async fn insert_accidents(&self, records: Vec<NewAccident>) -> Result<Vec<Accident>>;
    /// The records whose (month, day) is one of `keys`, newest first.
    async fn accidents_on(&self, keys: &[(u32, u32)]) -> Result<Vec<Accident>>;

    /// One page of a ranked leaderboard. The default ranks
    /// [`Store::standings`] in memory; SQL backends may answer from an index.
    async fn leaderboard_page(
        &self,
        scope: Scope,
        period: Period,
        offset: usize,
        limit: usize,
    ) -> Result<Vec<LeaderboardEntry>> {
        let ranked = rank_standings(self.standings(scope, period).await?);
        Ok(ranked.into_iter().skip(offset).take(limit).collect())
    }

    /// A member's ranked entry in a leaderboard (None if they have not answered in the period).
    async fn standing_of(
        &self,
        member: MemberId,
        scope: Scope,
        period: Period,
    ) -> Result<Option<LeaderboardEntry>> {
        let ranked = rank_standings(self.standings(scope, period).await?);
        Ok(ranked.into_iter().find(|e| e.standing.member == member))
    }
}
