//! `MemoryStore`: the in-process reference implementation of [`Store`].

use super::{ExportRange, ImportTx, InvariantReport, LedgerRow, QuizHistory, Store, SubmissionRow};
use crate::admin::{AdminId, AdminSeat, AdminSession, NewAdmin, TokenDigest, Username};
use crate::audit::{AuditEntry, NewAuditEntry};
use crate::binding::{AppUserId, Binding, Lockout};
use crate::clock::china_offset;
use crate::directory::{
    Department, DepartmentDeletion, DepartmentName, DeptId, Invitation, InvitationId, Member,
    MemberId, NewInvitation, NewMember,
};
use crate::exam::{
    Attempt, AttemptId, AttemptScore, Exam, ExamId, NewAttempt, NewExam, SavedAnswer,
};
use crate::identity::{IdNumber, Phone};
use crate::library::{
    Accident, Article, ArticleId, LawDoc, LawFilter, LawId, LawPage, NewAccident, NewArticle,
    NewLawDoc, NewTopic, SearchTerms, Topic,
};
use crate::quiz::{
    BankMix, BankOwner, DailyDraw, NewQuestion, Question, QuestionId, ReviewCard, ReviewChange,
};
use crate::ranking::{OrgActivity, Period, Scope, Standing};
use crate::registry::{NewOrg, Org, OrgContacts, OrgId, OrgKind};
use crate::scoring::{DailySubmission, LedgerEntry, QuizResult, SubmissionOutcome};
use crate::{ErrorCode, Result};
use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use parking_lot::Mutex;
use std::collections::{BTreeMap, HashMap, HashSet};

mod content;
mod exams;
mod import_tx;
mod laws;

#[derive(Debug, Clone)]
struct MemberRow {
    member: Member,
    deleted_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, Copy)]
struct Total {
    points: i64,
    reached_at: DateTime<Utc>,
}

#[derive(Default)]
struct State {
    next_id: i64,
    orgs: BTreeMap<OrgId, Org>,
    admins: BTreeMap<AdminId, AdminSeat>,
    seat_by_org: HashMap<OrgId, AdminId>,
    admin_by_username: HashMap<String, AdminId>,
    sessions: HashMap<TokenDigest, AdminSession>,
    /// Lock-out entries per key: when, and the attempt that claimed it.
    failures: HashMap<String, Vec<(DateTime<Utc>, u64)>>,
    departments: BTreeMap<DeptId, Department>,
    members: BTreeMap<MemberId, MemberRow>,
    phone_index: HashMap<String, MemberId>,
    id_index: HashMap<String, MemberId>,
    bindings: HashMap<AppUserId, Binding>,
    invitations: HashMap<TokenDigest, Invitation>,
    bound_members: HashSet<MemberId>,
    questions: BTreeMap<QuestionId, Question>,
    bank_revision: u64,
    draws: HashMap<(MemberId, NaiveDate), DailyDraw>,
    submissions: BTreeMap<(MemberId, NaiveDate), DailySubmission>,
    ledger: Vec<LedgerEntry>,
    totals: HashMap<MemberId, Total>,
    cards: HashMap<MemberId, BTreeMap<QuestionId, ReviewCard>>,
    laws: laws::LawShelf,
    content: content::Content,
    mixes: BTreeMap<OrgId, BankMix>,
    exams: exams::ExamBook,
    audit: Vec<AuditEntry>,
}

impl State {
    fn id(&mut self) -> i64 {
        self.next_id += 1;
        self.next_id
    }

    fn active_member(&self, org: OrgId, id: MemberId) -> Option<&MemberRow> {
        self.members
            .get(&id)
            .filter(|r| r.deleted_at.is_none() && r.member.org == org)
    }

    fn check_unique(&self, m: &NewMember, except: Option<MemberId>) -> Result<()> {
        if self
            .phone_index
            .get(m.phone.expose())
            .is_some_and(|id| Some(*id) != except)
        {
            return Err(ErrorCode::PhoneTaken.into());
        }
        if self
            .id_index
            .get(m.id_number.expose())
            .is_some_and(|id| Some(*id) != except)
        {
            return Err(ErrorCode::IdNumberTaken.into());
        }
        Ok(())
    }

    /// Checks the department and uniqueness, then adds the member.
    fn add_member(&mut self, org: OrgId, member: NewMember, at: DateTime<Utc>) -> Result<Member> {
        self.check_department(org, member.department)?;
        self.check_unique(&member, None)?;
        let id = MemberId(self.id());
        self.phone_index
            .insert(member.phone.expose().to_string(), id);
        self.id_index
            .insert(member.id_number.expose().to_string(), id);
        let m = Member {
            id,
            org,
            details: member,
            created_at: at,
        };
        self.members.insert(
            id,
            MemberRow {
                member: m.clone(),
                deleted_at: None,
            },
        );
        Ok(m)
    }

    fn check_department(&self, org: OrgId, dept: Option<DeptId>) -> Result<()> {
        match dept {
            Some(d) if self.departments.get(&d).is_none_or(|x| x.org != org) => {
                Err(ErrorCode::DepartmentNotFound.into())
            }
            _ => Ok(()),
        }
    }

    fn in_scope(&self, m: &Member, scope: Scope) -> bool {
        match scope {
            Scope::All => true,
            Scope::County(c) => self.orgs.get(&m.org).is_some_and(|o| o.county == c),
            Scope::Org(o) => m.org == o,
            Scope::Department(o, d) => m.org == o && m.details.department == d,
        }
    }
}

fn day_of(t: DateTime<Utc>) -> NaiveDate {
    t.with_timezone(&china_offset()).date_naive()
}

/// A thread-safe store held in memory: the reference implementation of
/// [`Store`], used by tests, examples and apps that need no persistence.
///
/// Every method takes one lock for its whole duration, so each call is
/// atomic and the contracts of [`Store`] hold trivially under concurrency.
///
/// ```
/// use ccsa_core::store::{MemoryStore, Store};
/// use ccsa_core::registry::Roster;
///
/// let store = MemoryStore::new();
/// futures::executor::block_on(async {
///     for org in Roster::notice_bureaus("2020-03-01".parse().unwrap()) {
///         store.insert_org(org).await.unwrap();
///     }
///     assert_eq!(store.orgs().await.unwrap().len(), 53);
/// });
/// ```
#[derive(Default)]
pub struct MemoryStore {
    state: Mutex<State>,
}

impl MemoryStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }
}

impl std::fmt::Debug for MemoryStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("MemoryStore")
    }
}

fn range_contains(period: Period, day: NaiveDate) -> bool {
    match period.range() {
        Some((a, b)) => a <= day && day <= b,
        None => true,
    }
}

#[async_trait]
impl Store for MemoryStore {
    fn backend(&self) -> &'static str {
        "memory"
    }

    async fn insert_org(&self, new: NewOrg) -> Result<Org> {
        let mut s = self.state.lock();
        let clash = s.orgs.values().filter(|o| o.retired_on.is_none()).any(|o| {
            o.name == new.name
                || (new.credit_code.is_some() && o.credit_code == new.credit_code)
                || (new.kind == OrgKind::Bureau
                    && o.kind == OrgKind::Bureau
                    && o.county == new.county)
        });
        if clash {
            return Err(ErrorCode::OrgAlreadyListed.into());
        }
        let id = OrgId(s.id());
        let org = Org::from_new(id, new);
        s.orgs.insert(id, org.clone());
        Ok(org)
    }

    async fn org(&self, id: OrgId) -> Result<Option<Org>> {
        Ok(self.state.lock().orgs.get(&id).cloned())
    }

    async fn orgs(&self) -> Result<Vec<Org>> {
        Ok(self.state.lock().orgs.values().cloned().collect())
    }

    async fn org_by_name(&self, name: &str) -> Result<Option<Org>> {
        let Ok(name) = crate::registry::parse_org_name(name) else {
            return Ok(None);
        };
        let s = self.state.lock();
        let mut matches: Vec<&Org> = s.orgs.values().filter(|o| o.name == name).collect();
        matches.sort_by_key(|o| (o.retired_on.is_none(), o.retired_on));
        Ok(matches.last().map(|o| (*o).clone()))
    }

    async fn retire_org(&self, id: OrgId, on: NaiveDate) -> Result<Org> {
        let mut s = self.state.lock();
        let org = s.orgs.get_mut(&id).ok_or(ErrorCode::OrgNotFound)?;
        if org.retired_on.is_some() {
            return Err(ErrorCode::OrgRetired.into());
        }
        org.retired_on = Some(on);
        Ok(org.clone())
    }

    async fn set_org_contacts(&self, id: OrgId, contacts: OrgContacts) -> Result<Org> {
        let mut s = self.state.lock();
        let org = s.orgs.get_mut(&id).ok_or(ErrorCode::OrgNotFound)?;
        org.contacts = contacts;
        Ok(org.clone())
    }

    async fn claim_admin_seat(&self, admin: NewAdmin) -> Result<AdminSeat> {
        let mut s = self.state.lock();
        if !s.orgs.contains_key(&admin.org) {
            return Err(ErrorCode::OrgNotFound.into());
        }
        if s.seat_by_org.contains_key(&admin.org) {
            return Err(ErrorCode::AdminAlreadyRegistered.into());
        }
        if s.admin_by_username.contains_key(admin.username.as_str()) {
            return Err(ErrorCode::UsernameTaken.into());
        }
        let id = AdminId(s.id());
        s.seat_by_org.insert(admin.org, id);
        s.admin_by_username
            .insert(admin.username.as_str().to_string(), id);
        let seat = AdminSeat { id, admin };
        s.admins.insert(id, seat.clone());
        Ok(seat)
    }

    async fn admin_seat(&self, org: OrgId) -> Result<Option<AdminSeat>> {
        let s = self.state.lock();
        Ok(s.seat_by_org
            .get(&org)
            .and_then(|id| s.admins.get(id))
            .cloned())
    }

    async fn admin_by_username(&self, username: &Username) -> Result<Option<AdminSeat>> {
        let s = self.state.lock();
        Ok(s.admin_by_username
            .get(username.as_str())
            .and_then(|id| s.admins.get(id))
            .cloned())
    }

    async fn put_session(&self, session: AdminSession) -> Result<()> {
        self.state.lock().sessions.insert(session.digest, session);
        Ok(())
    }

    async fn session(&self, digest: &TokenDigest) -> Result<Option<AdminSession>> {
        Ok(self.state.lock().sessions.get(digest).cloned())
    }

    async fn revoke_session(&self, digest: &TokenDigest) -> Result<bool> {
        let mut s = self.state.lock();
        Ok(match s.sessions.get_mut(digest) {
            Some(x) => {
                x.revoked = true;
                true
            }
            None => false,
        })
    }

    async fn revoke_sessions_of(&self, admin: AdminId) -> Result<u32> {
        let mut s = self.state.lock();
        let mut n = 0;
        for x in s
            .sessions
            .values_mut()
            .filter(|x| x.admin == admin && !x.revoked)
        {
            x.revoked = true;
            n += 1;
        }
        Ok(n)
    }

    async fn append_audit(&self, entry: NewAuditEntry) -> Result<AuditEntry> {
        let mut s = self.state.lock();
        let e = AuditEntry { id: s.id(), entry };
        s.audit.push(e.clone());
        Ok(e)
    }

    async fn audit_entries(
        &self,
        org: OrgId,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        after: i64,
        limit: usize,
    ) -> Result<Vec<AuditEntry>> {
        let s = self.state.lock();
        Ok(s.audit
            .iter()
            .filter(|e| e.id > after && e.entry.org == org && e.entry.at >= from && e.entry.at < to)
            .take(limit.min(10_000))
            .cloned()
            .collect())
    }

    async fn prune_audit(&self, before: DateTime<Utc>) -> Result<u64> {
        let mut s = self.state.lock();
        let n = s.audit.len();
        s.audit.retain(|e| e.entry.at >= before);
        Ok((n - s.audit.len()) as u64)
    }

    async fn claim_attempt(
        &self,
        keys: &[String],
        attempt: u64,
        at: DateTime<Utc>,
        policy: Lockout,
    ) -> Result<()> {
        let mut s = self.state.lock();
        let since = policy.window_start(at);
        let mut until: Option<DateTime<Utc>> = None;
        for k in keys {
            // Entries older than the window no longer count: drop them.
            if let Some(v) = s.failures.get_mut(k) {
                v.retain(|(t, _)| *t > since);
            }
            let times: Vec<_> = s
                .failures
                .get(k)
                .map(|v| v.iter().map(|(t, _)| *t).collect())
                .unwrap_or_default();
            if let Some(u) = policy.locked_until(&times, at) {
                until = Some(until.map_or(u, |x| x.max(u)));
            }
        }
        if let Some(u) = until {
            return Err(crate::Error::locked_until(u));
        }
        for k in keys {
            s.failures.entry(k.clone()).or_default().push((at, attempt));
        }
        Ok(())
    }

    async fn release_attempt(&self, keys: &[String], attempt: u64) -> Result<u64> {
        let mut s = self.state.lock();
        let mut n = 0;
        for k in keys {
            if let Some(v) = s.failures.get_mut(k) {
                let before = v.len();
                v.retain(|(_, a)| *a != attempt);
                n += (before - v.len()) as u64;
            }
        }
        Ok(n)
    }

    async fn failures_since(&self, key: &str, since: DateTime<Utc>) -> Result<Vec<DateTime<Utc>>> {
        let s = self.state.lock();
        Ok(s.failures
            .get(key)
            .map(|v| {
                let mut t: Vec<_> = v.iter().map(|(t, _)| *t).filter(|t| *t > since).collect();
                t.sort_unstable();
                t
            })
            .unwrap_or_default())
    }

    async fn create_department(&self, org: OrgId, name: DepartmentName) -> Result<Department> {
        let mut s = self.state.lock();
        if !s.orgs.contains_key(&org) {
            return Err(ErrorCode::OrgNotFound.into());
        }
        if s.departments
            .values()
            .any(|d| d.org == org && d.name == name)
        {
            return Err(ErrorCode::DepartmentNameTaken.into());
        }
        let id = DeptId(s.id());
        let d = Department { id, org, name };
        s.departments.insert(id, d.clone());
        Ok(d)
    }

    async fn rename_department(
        &self,
        org: OrgId,
        id: DeptId,
        name: DepartmentName,
    ) -> Result<Department> {
        let mut s = self.state.lock();
        if s.departments.get(&id).is_none_or(|d| d.org != org) {
            return Err(ErrorCode::DepartmentNotFound.into());
        }
        if s.departments
            .values()
            .any(|d| d.org == org && d.name == name && d.id != id)
        {
            return Err(ErrorCode::DepartmentNameTaken.into());
        }
        let d = s.departments.get_mut(&id).expect("checked above");
        d.name = name;
        Ok(d.clone())
    }

    async fn delete_department(&self, org: OrgId, id: DeptId) -> Result<DepartmentDeletion> {
        let mut s = self.state.lock();
        if s.departments.get(&id).is_none_or(|d| d.org != org) {
            return Err(ErrorCode::DepartmentNotFound.into());
        }
        s.departments.remove(&id);
        let mut moved = 0;
        for row in s
            .members
            .values_mut()
            .filter(|r| r.member.details.department == Some(id))
        {
            row.member.details.department = None;
            if row.deleted_at.is_none() {
                moved += 1;
            }
        }
        Ok(DepartmentDeletion {
            department: id,
            members_moved: moved,
        })
    }

    async fn departments(&self, org: OrgId) -> Result<Vec<Department>> {
        let s = self.state.lock();
        let mut v: Vec<Department> = s
            .departments
            .values()
            .filter(|d| d.org == org)
            .cloned()
            .collect();
        v.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(v)
    }

    async fn insert_member(
        &self,
        org: OrgId,
        member: NewMember,
        at: DateTime<Utc>,
    ) -> Result<Member> {
        let mut s = self.state.lock();
        if !s.orgs.contains_key(&org) {
            return Err(ErrorCode::OrgNotFound.into());
        }
        let m = s.add_member(org, member, at)?;
        Ok(m)
    }

    async fn update_member(&self, org: OrgId, id: MemberId, member: NewMember) -> Result<Member> {
        let mut s = self.state.lock();
        let old = s
            .active_member(org, id)
            .ok_or(ErrorCode::MemberNotFound)?
            .member
            .details
            .clone();
        s.check_department(org, member.department)?;
        s.check_unique(&member, Some(id))?;
        s.phone_index.remove(old.phone.expose());
        s.id_index.remove(old.id_number.expose());
        s.phone_index.insert(member.phone.expose().to_string(), id);
        s.id_index.insert(member.id_number.expose().to_string(), id);
        let row = s.members.get_mut(&id).expect("checked above");
        row.member.details = member;
        Ok(row.member.clone())
    }

    async fn delete_member(&self, org: OrgId, id: MemberId, at: DateTime<Utc>) -> Result<()> {
        let mut s = self.state.lock();
        let details = s
            .active_member(org, id)
            .ok_or(ErrorCode::MemberNotFound)?
            .member
            .details
            .clone();
        s.phone_index.remove(details.phone.expose());
        s.id_index.remove(details.id_number.expose());
        s.members.get_mut(&id).expect("checked above").deleted_at = Some(at);
        s.bindings.retain(|_, b| b.member != id);
        s.bound_members.remove(&id);
        Ok(())
    }

    async fn member(&self, org: OrgId, id: MemberId) -> Result<Option<Member>> {
        Ok(self
            .state
            .lock()
            .active_member(org, id)
            .map(|r| r.member.clone()))
    }

    async fn member_by_phone(&self, phone: &Phone) -> Result<Option<Member>> {
        let s = self.state.lock();
        Ok(s.phone_index
            .get(phone.expose())
            .and_then(|id| s.members.get(id))
            .map(|r| r.member.clone()))
    }

    async fn members(&self, org: OrgId) -> Result<Vec<Member>> {
        let s = self.state.lock();
        Ok(s.members
            .values()
            .filter(|r| r.deleted_at.is_none() && r.member.org == org)
            .map(|r| r.member.clone())
            .collect())
    }

    async fn members_matching(
        &self,
        phones: &[Phone],
        id_numbers: &[IdNumber],
    ) -> Result<Vec<Member>> {
        let s = self.state.lock();
        let mut ids: Vec<MemberId> = phones
            .iter()
            .filter_map(|p| s.phone_index.get(p.expose()))
            .chain(id_numbers.iter().filter_map(|i| s.id_index.get(i.expose())))
            .copied()
            .collect();
        ids.sort_unstable();
        ids.dedup();
        Ok(ids
            .iter()
            .filter_map(|id| s.members.get(id))
            .map(|r| r.member.clone())
            .collect())
    }

    async fn begin_import(&self, org: OrgId, at: DateTime<Utc>) -> Result<Box<dyn ImportTx + '_>> {
        if !self.state.lock().orgs.contains_key(&org) {
            return Err(ErrorCode::OrgNotFound.into());
        }
        Ok(Box::new(import_tx::MemoryImport::new(self, org, at)))
    }

    async fn insert_invitation(&self, invitation: NewInvitation) -> Result<Invitation> {
        let mut s = self.state.lock();
        if !s.orgs.contains_key(&invitation.org) {
            return Err(ErrorCode::OrgNotFound.into());
        }
        s.check_department(invitation.org, invitation.department)?;
        let id = InvitationId(s.id());
        let inv = Invitation {
            id,
            details: invitation,
            uses: 0,
            revoked: false,
        };
        s.invitations.insert(inv.details.digest, inv.clone());
        Ok(inv)
    }

    async fn invitations(&self, org: OrgId) -> Result<Vec<Invitation>> {
        let s = self.state.lock();
        let mut v: Vec<Invitation> = s
            .invitations
            .values()
            .filter(|i| i.details.org == org)
            .cloned()
            .collect();
        v.sort_by_key(|i| std::cmp::Reverse(i.id));
        Ok(v)
    }

    async fn invitation(&self, digest: &TokenDigest) -> Result<Option<Invitation>> {
        Ok(self.state.lock().invitations.get(digest).cloned())
    }

    async fn revoke_invitation(&self, org: OrgId, id: InvitationId) -> Result<Invitation> {
        let mut s = self.state.lock();
        let inv = s
            .invitations
            .values_mut()
            .find(|i| i.id == id && i.details.org == org)
            .ok_or(ErrorCode::InvitationNotFound)?;
        inv.revoked = true;
        Ok(inv.clone())
    }

    async fn redeem_invitation(
        &self,
        digest: &TokenDigest,
        member: NewMember,
        at: DateTime<Utc>,
    ) -> Result<Member> {
        let mut s = self.state.lock();
        let inv = s
            .invitations
            .get(digest)
            .cloned()
            .ok_or(ErrorCode::InvitationNotFound)?;
        inv.check(at)?;
        let org = inv.details.org;
        let m = s.add_member(org, member, at)?;
        s.invitations.get_mut(digest).expect("read above").uses += 1;
        Ok(m)
    }

    async fn bind(&self, binding: Binding) -> Result<Binding> {
        let mut s = self.state.lock();
        if s.active_member(binding.org, binding.member).is_none() {
            return Err(ErrorCode::MemberNotFound.into());
        }
        if s.bindings.contains_key(&binding.app_user) {
            return Err(ErrorCode::AppUserAlreadyBound.into());
        }
        if s.bound_members.contains(&binding.member) {
            return Err(ErrorCode::MemberAlreadyBound.into());
        }
        s.bound_members.insert(binding.member);
        s.bindings.insert(binding.app_user.clone(), binding.clone());
        Ok(binding)
    }

    async fn binding_of(&self, app_user: &AppUserId) -> Result<Option<Binding>> {
        Ok(self.state.lock().bindings.get(app_user).cloned())
    }

    async fn insert_questions(&self, questions: Vec<NewQuestion>) -> Result<Vec<QuestionId>> {
        let mut s = self.state.lock();
        let mut ids = Vec::with_capacity(questions.len());
        for q in questions {
            let id = QuestionId(s.id());
            s.questions.insert(id, Question { id, body: q });
            ids.push(id);
        }
        if !ids.is_empty() {
            s.bank_revision += 1;
        }
        Ok(ids)
    }

    async fn questions(&self, owner: Option<BankOwner>) -> Result<Vec<Question>> {
        let s = self.state.lock();
        Ok(s.questions
            .values()
            .filter(|q| owner.is_none_or(|o| q.body.owner == o))
            .cloned()
            .collect())
    }

    async fn questions_by_id(&self, ids: &[QuestionId]) -> Result<Vec<Question>> {
        let s = self.state.lock();
        Ok(ids
            .iter()
            .filter_map(|id| s.questions.get(id).cloned())
            .collect())
    }

    async fn bank_revision(&self) -> Result<u64> {
        Ok(self.state.lock().bank_revision)
    }

    async fn set_bank_mix(&self, org: OrgId, mix: BankMix) -> Result<()> {
        let mix = mix.validate()?;
        let mut s = self.state.lock();
        if !s.orgs.contains_key(&org) {
            return Err(ErrorCode::OrgNotFound.into());
        }
        if mix == BankMix::Pooled {
            s.mixes.remove(&org);
        } else {
            s.mixes.insert(org, mix);
        }
        s.bank_revision += 1;
        Ok(())
    }

    async fn bank_mixes(&self) -> Result<Vec<(OrgId, BankMix)>> {
        Ok(self
            .state
            .lock()
            .mixes
            .iter()
            .map(|(o, m)| (*o, *m))
            .collect())
    }

    async fn issue_draw(&self, draw: DailyDraw) -> Result<DailyDraw> {
        let mut s = self.state.lock();
        Ok(s.draws
            .entry((draw.key.member, draw.key.day))
            .or_insert(draw)
            .clone())
    }

    async fn draw_of(&self, member: MemberId, day: NaiveDate) -> Result<Option<DailyDraw>> {
        Ok(self.state.lock().draws.get(&(member, day)).cloned())
    }

    async fn quiz_history(&self, member: MemberId, since: NaiveDate) -> Result<QuizHistory> {
        let s = self.state.lock();
        let mut recent: Vec<(QuestionId, NaiveDate)> = s
            .draws
            .iter()
            .filter(|((m, d), _)| *m == member && *d >= since)
            .flat_map(|((_, d), draw)| draw.questions.iter().map(move |q| (*q, *d)))
            .collect();
        recent.sort_unstable_by_key(|(q, d)| (*d, *q));
        let cards = s
            .cards
            .get(&member)
            .map(|c| c.values().copied().collect())
            .unwrap_or_default();
        Ok(QuizHistory { recent, cards })
    }

    async fn record_submission(&self, sub: DailySubmission) -> Result<SubmissionOutcome> {
        let mut s = self.state.lock();
        if let Some(existing) = s.submissions.get(&(sub.member, sub.day)) {
            return Ok(SubmissionOutcome {
                result: existing.result(),
                first: false,
            });
        }
        if !s.members.contains_key(&sub.member) {
            return Err(ErrorCode::MemberNotFound.into());
        }
        let entry_sum: i64 = sub.ledger.iter().map(|e| e.points).sum();
        let total = s.totals.entry(sub.member).or_insert(Total {
            points: 0,
            reached_at: sub.submitted_at,
        });
        total.points += entry_sum;
        if entry_sum > 0 {
            total.reached_at = sub.submitted_at;
        }
        s.ledger
            .extend(sub.ledger.iter().filter(|e| e.points != 0).cloned());
        let cards = s.cards.entry(sub.member).or_default();
        for change in &sub.reviews {
            match change {
                ReviewChange::Upsert(c) => {
                    cards.insert(c.question, *c);
                }
                ReviewChange::Remove(q) => {
                    cards.remove(q);
                }
            }
        }
        let result = sub.result();
        s.submissions.insert((sub.member, sub.day), sub);
        Ok(SubmissionOutcome {
            result,
            first: true,
        })
    }

    async fn submission(&self, member: MemberId, day: NaiveDate) -> Result<Option<QuizResult>> {
        Ok(self
            .state
            .lock()
            .submissions
            .get(&(member, day))
            .map(DailySubmission::result))
    }

    async fn ledger(&self, member: MemberId) -> Result<Vec<LedgerEntry>> {
        Ok(self
            .state
            .lock()
            .ledger
            .iter()
            .filter(|e| e.member == member)
            .cloned()
            .collect())
    }

    async fn ledger_page(
        &self,
        range: &ExportRange,
        after: i64,
        limit: usize,
    ) -> Result<Vec<LedgerRow>> {
        // Ids are positions in the append-only ledger, from 1.
        let s = self.state.lock();
        let skip = usize::try_from(after.max(0)).unwrap_or(usize::MAX);
        Ok(s.ledger
            .iter()
            .enumerate()
            .skip(skip)
            .filter(|(_, e)| range.contains(e.org, e.day))
            .take(limit)
            .map(|(i, e)| LedgerRow {
                id: i as i64 + 1,
                entry: e.clone(),
            })
            .collect())
    }

    async fn submissions_page(
        &self,
        range: &ExportRange,
        after: Option<(MemberId, NaiveDate)>,
        limit: usize,
    ) -> Result<Vec<SubmissionRow>> {
        use std::ops::Bound;
        let s = self.state.lock();
        let lower = after.map_or(Bound::Unbounded, Bound::Excluded);
        Ok(s.submissions
            .range((lower, Bound::Unbounded))
            .map(|(_, sub)| sub)
            .filter(|sub| range.contains(sub.org, sub.day))
            .take(limit)
            .map(|sub| SubmissionRow {
                org: sub.org,
                result: sub.result(),
            })
            .collect())
    }

    async fn member_points(&self, member: MemberId) -> Result<i64> {
        Ok(self
            .state
            .lock()
            .totals
            .get(&member)
            .map_or(0, |t| t.points))
    }

    async fn standings(&self, scope: Scope, period: Period) -> Result<Vec<Standing>> {
        let s = self.state.lock();
        // (points, reached_at of last positive day, first submission)
        let mut acc: HashMap<MemberId, (i64, Option<DateTime<Utc>>, DateTime<Utc>)> =
            HashMap::new();
        match period {
            Period::Campaign => {
                for (m, t) in &s.totals {
                    acc.insert(*m, (t.points, Some(t.reached_at), t.reached_at));
                }
            }
            _ => {
                for ((m, day), sub) in &s.submissions {
                    if !range_contains(period, *day) {
                        continue;
                    }
                    let e = acc.entry(*m).or_insert((0, None, sub.submitted_at));
                    e.0 += sub.points;
                    if sub.points > 0 {
                        e.1 = Some(e.1.map_or(sub.submitted_at, |r| r.max(sub.submitted_at)));
                    }
                    e.2 = e.2.min(sub.submitted_at);
                }
            }
        }
        let mut out = Vec::with_capacity(acc.len());
        for (m, (points, reached, first)) in acc {
            let Some(row) = s.members.get(&m).filter(|r| r.deleted_at.is_none()) else {
                continue;
            };
            if !s.in_scope(&row.member, scope) {
                continue;
            }
            let Some(org) = s.orgs.get(&row.member.org) else {
                continue;
            };
            out.push(Standing {
                member: m,
                name: row.member.details.name.clone(),
                org: org.id,
                department: row.member.details.department,
                county: org.county,
                points,
                reached_at: reached.unwrap_or(first),
            });
        }
        out.sort_by_key(|x| x.member);
        Ok(out)
    }

    async fn activity(&self, from: NaiveDate, to: NaiveDate) -> Result<Vec<OrgActivity>> {
        let s = self.state.lock();
        let mut by_org: BTreeMap<OrgId, OrgActivity> = s
            .orgs
            .keys()
            .map(|&org| {
                (
                    org,
                    OrgActivity {
                        org,
                        registered: 0,
                        participants: 0,
                        points: 0,
                    },
                )
            })
            .collect();
        for row in s.members.values() {
            let created = day_of(row.member.created_at);
            let alive_at_end = row.deleted_at.is_none_or(|d| day_of(d) > to);
            if created <= to
                && alive_at_end
                && let Some(a) = by_org.get_mut(&row.member.org)
            {
                a.registered += 1;
            }
        }
        let mut seen: HashSet<MemberId> = HashSet::new();
        for ((m, day), sub) in &s.submissions {
            if *day < from || *day > to {
                continue;
            }
            if let Some(a) = by_org.get_mut(&sub.org) {
                a.points += sub.points;
                if seen.insert(*m) {
                    a.participants += 1;
                }
            }
        }
        Ok(by_org.into_values().collect())
    }

    async fn insert_laws(&self, docs: Vec<NewLawDoc>) -> Result<Vec<LawDoc>> {
        let mut s = self.state.lock();
        let mut next = s.next_id;
        let out = s.laws.insert(docs, || {
            next += 1;
            next
        })?;
        s.next_id = next;
        Ok(out)
    }

    async fn update_law(&self, id: LawId, doc: NewLawDoc) -> Result<LawDoc> {
        self.state.lock().laws.update(id, doc)
    }

    async fn law(&self, id: LawId) -> Result<Option<LawDoc>> {
        Ok(self.state.lock().laws.get(id))
    }

    async fn search_laws(
        &self,
        terms: &SearchTerms,
        filter: &LawFilter,
        day: NaiveDate,
        offset: usize,
        limit: usize,
    ) -> Result<LawPage> {
        Ok(self
            .state
            .lock()
            .laws
            .search(terms, filter, day, offset, limit))
    }

    async fn insert_articles(&self, articles: Vec<NewArticle>) -> Result<Vec<Article>> {
        let mut guard = self.state.lock();
        let s = &mut *guard;
        let mut next = s.next_id;
        let orgs = &s.orgs;
        let out = s.content.insert_articles(
            articles,
            |o| orgs.contains_key(&o),
            || {
                next += 1;
                next
            },
        )?;
        s.next_id = next;
        Ok(out)
    }

    async fn article(&self, id: ArticleId) -> Result<Option<Article>> {
        Ok(self.state.lock().content.article(id))
    }

    async fn articles_visible(
        &self,
        org: Option<OrgId>,
        offset: usize,
        limit: usize,
    ) -> Result<Vec<Article>> {
        Ok(self.state.lock().content.visible(org, offset, limit))
    }

    async fn delete_article(&self, org: OrgId, id: ArticleId) -> Result<()> {
        self.state.lock().content.delete_article(org, id)
    }

    async fn insert_topic(&self, topic: NewTopic) -> Result<Topic> {
        let mut guard = self.state.lock();
        let s = &mut *guard;
        let id = s.id();
        let laws = &s.laws;
        s.content
            .insert_topic(topic, |l| laws.get(l).is_some(), &s.questions, id)
    }

    async fn topics(&self) -> Result<Vec<Topic>> {
        Ok(self.state.lock().content.topics())
    }

    async fn insert_exam(&self, exam: NewExam) -> Result<Exam> {
        let mut s = self.state.lock();
        if !s.orgs.contains_key(&exam.org) {
            return Err(ErrorCode::OrgNotFound.into());
        }
        let id = s.id();
        s.exams.insert_exam(exam, id)
    }

    async fn exam(&self, id: ExamId) -> Result<Option<Exam>> {
        Ok(self.state.lock().exams.exam(id))
    }

    async fn exams(&self, org: OrgId) -> Result<Vec<Exam>> {
        Ok(self.state.lock().exams.exams(org))
    }

    async fn insert_attempt(&self, attempt: NewAttempt) -> Result<Attempt> {
        let mut s = self.state.lock();
        let id = s.id();
        s.exams.insert_attempt(attempt, id)
    }

    async fn attempt(&self, id: AttemptId) -> Result<Option<Attempt>> {
        Ok(self.state.lock().exams.attempt(id))
    }

    async fn attempts(&self, exam: ExamId, member: Option<MemberId>) -> Result<Vec<Attempt>> {
        Ok(self.state.lock().exams.attempts(exam, member))
    }

    async fn save_answer(&self, attempt: AttemptId, answer: SavedAnswer) -> Result<()> {
        self.state.lock().exams.save_answer(attempt, answer)
    }

    async fn finish_attempt(
        &self,
        attempt: AttemptId,
        saves: u32,
        score: AttemptScore,
    ) -> Result<Attempt> {
        self.state.lock().exams.finish(attempt, saves, score)
    }

    async fn insert_accidents(&self, records: Vec<NewAccident>) -> Result<Vec<Accident>> {
        let mut guard = self.state.lock();
        let s = &mut *guard;
        let mut next = s.next_id;
        let out = s.content.insert_accidents(records, || {
            next += 1;
            next
        })?;
        s.next_id = next;
        Ok(out)
    }

    async fn accidents_on(&self, keys: &[(u32, u32)]) -> Result<Vec<Accident>> {
        Ok(self.state.lock().content.accidents_on(keys))
    }

    async fn check_invariants(&self) -> Result<InvariantReport> {
        let s = self.state.lock();
        let mut report = InvariantReport::default();
        let mut sums: HashMap<MemberId, i64> = HashMap::new();
        for e in &s.ledger {
            *sums.entry(e.member).or_default() += e.points;
        }
        let members: HashSet<MemberId> = sums.keys().chain(s.totals.keys()).copied().collect();
        for m in members {
            report.members_checked += 1;
            let total = s.totals.get(&m).map_or(0, |t| t.points);
            let sum = sums.get(&m).copied().unwrap_or(0);
            if total != sum {
                report
                    .violations
                    .push(format!("member {m}: total {total} != ledger sum {sum}"));
            }
        }
        for ((m, day), sub) in &s.submissions {
            report.submissions_checked += 1;
            let ledger_points: i64 = sub.ledger.iter().map(|e| e.points).sum();
            if ledger_points != sub.points || sub.member != *m || sub.day != *day {
                report.violations.push(format!(
                    "submission {m}/{day}: points {} != ledger {ledger_points}",
                    sub.points
                ));
            }
        }
        let mut seats: HashMap<OrgId, u32> = HashMap::new();
        for a in s.admins.values() {
            *seats.entry(a.admin.org).or_default() += 1;
        }
        for (org, n) in seats.into_iter().filter(|(_, n)| *n > 1) {
            report
                .violations
                .push(format!("org {org}: {n} admin seats"));
        }
        Ok(report)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::registry::Roster;
    use proptest::prelude::*;
    use std::sync::Arc;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(24))]
        /// Many OS threads racing for one org's seat: exactly one admin.
        #[test]
        fn first_registrant_wins_across_threads(threads in 2usize..24, org_index in 0usize..53) {
            let store = Arc::new(MemoryStore::new());
            let orgs: Vec<Org> = futures::executor::block_on(async {
                let mut v = Vec::new();
                for o in Roster::notice_bureaus("2020-03-01".parse().unwrap()) {
                    v.push(store.insert_org(o).await.unwrap());
                }
                v
            });
            let org = orgs[org_index].id;
            let barrier = Arc::new(std::sync::Barrier::new(threads));
            let handles: Vec<_> = (0..threads)
                .map(|i| {
                    let store = store.clone();
                    let barrier = barrier.clone();
                    std::thread::spawn(move || {
                        let admin = NewAdmin {
                            org,
                            username: Username::parse(&format!("user{i}")).unwrap(),
                            real_name: crate::identity::PersonName::parse("管理员").unwrap(),
                            phone: Phone::parse("13900000000").unwrap(),
                            email: None,
                            password_hash: String::new(),
                            registered_at: DateTime::UNIX_EPOCH,
                        };
                        barrier.wait();
                        futures::executor::block_on(store.claim_admin_seat(admin))
                    })
                })
                .collect();
            let results: Vec<_> = handles.into_iter().map(|h| h.join().unwrap()).collect();
            prop_assert_eq!(results.iter().filter(|r| r.is_ok()).count(), 1);
            for r in results.iter().filter_map(|r| r.as_ref().err()) {
                prop_assert_eq!(r.code(), ErrorCode::AdminAlreadyRegistered);
            }
            let report = futures::executor::block_on(store.check_invariants()).unwrap();
            prop_assert!(report.is_sound());
        }
    }
}
