//! Records and enums that cross the FFI boundary, with their conversions
//! from core types. Personal data leaves masked: names, phones and ID
//! numbers in records are the masked forms (`李**`, `138****8000`).

use ccsa_core::admin::AdminSeat;
use ccsa_core::binding::Binding;
use ccsa_core::directory::{
    DeptId, ImportMode as CoreImportMode, ImportReport, Invitation, Member, MemberForm, RowOutcome,
};
use ccsa_core::library::{Accident, Article, LawHit, LawResults, Topic};
use ccsa_core::ranking::{LeaderboardEntry, Period as CorePeriod, Scope as CoreScope};
use ccsa_core::registry::{CountyId, OrgId};
use ccsa_core::scoring::{QuizResult, SubmissionOutcome};
use ccsa_core::service::TodaysQuiz;

/// An ID number (身份证号) read by the core's validator. `Debug` shows the
/// masked form only.
#[derive(Clone, PartialEq, Eq, uniffi::Record)]
pub struct IdNumberInfo {
    /// The 18-character form (15-digit numbers upgraded, `x` as `X`).
    pub normalized: String,
    /// For display: `110***********002X`.
    pub masked: String,
    /// Birth date, `YYYY-MM-DD`.
    pub birth_date: String,
    /// 男 or 女.
    pub gender: String,
    /// The two-digit province-level region code (`11`: 北京).
    pub region_code: String,
}

/// A mobile phone number read by the core's validator. `Debug` shows the
/// masked form only.
#[derive(Clone, PartialEq, Eq, uniffi::Record)]
pub struct PhoneInfo {
    /// Eleven digits.
    pub normalized: String,
    /// For display: `138****8000`.
    pub masked: String,
}

impl std::fmt::Debug for IdNumberInfo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("IdNumberInfo")
            .field("masked", &self.masked)
            .field("region_code", &self.region_code)
            .finish_non_exhaustive()
    }
}

impl std::fmt::Debug for PhoneInfo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PhoneInfo")
            .field("masked", &self.masked)
            .finish_non_exhaustive()
    }
}

/// A question of the pool a draw is made from (for [`crate::helpers::audit_draw`]).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct PoolQuestion {
    /// Question id.
    pub id: i64,
    /// Its category (分类).
    pub category: String,
}

/// A question drawn on an earlier day.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct SeenQuestion {
    /// Question id.
    pub question: i64,
    /// The day it was drawn, `YYYY-MM-DD`.
    pub day: String,
}

/// An answer: the question and the letters chosen (`"A"`, `"ABD"`).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct AnswerRecord {
    /// Question id.
    pub question: i64,
    /// Letters, in any order.
    pub letters: String,
}

/// Graded answers.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct GradeRecord {
    /// Correct answers.
    pub correct: u32,
    /// Questions.
    pub total: u32,
    /// Per question, in draw order: (question, correct).
    pub items: Vec<GradedItem>,
}

/// One graded answer.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct GradedItem {
    /// Question id.
    pub question: i64,
    /// Whether it was right.
    pub correct: bool,
}

/// Graded answers as records, in draw order.
pub(crate) fn graded_items(answers: &[ccsa_core::quiz::GradedAnswer]) -> Vec<GradedItem> {
    answers
        .iter()
        .map(|a| GradedItem {
            question: a.question.0,
            correct: a.correct,
        })
        .collect()
}

/// The admin registration form (管理员注册). `Debug` masks the name and
/// phone and hides the password.
#[derive(Clone, PartialEq, Eq, uniffi::Record)]
pub struct AdminRegistrationForm {
    /// 单位名称, exactly as listed.
    pub org_name: String,
    /// 统一社会信用代码 (enterprises).
    pub credit_code: Option<String>,
    /// 真实姓名.
    pub real_name: String,
    /// 手机号.
    pub phone: String,
    /// 邮箱.
    pub email: Option<String>,
    /// 登录名.
    pub username: String,
    /// 密码.
    pub password: String,
}

impl std::fmt::Debug for AdminRegistrationForm {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The core form's `Debug` is the masked one.
        std::fmt::Debug::fmt(&ccsa_core::admin::AdminRegistration::from(self.clone()), f)
    }
}

impl From<AdminRegistrationForm> for ccsa_core::admin::AdminRegistration {
    fn from(f: AdminRegistrationForm) -> Self {
        ccsa_core::admin::AdminRegistration {
            org_name: f.org_name,
            credit_code: f.credit_code,
            real_name: f.real_name,
            phone: f.phone,
            email: f.email,
            username: f.username,
            password: f.password,
        }
    }
}

/// An org's admin seat, taken by its first registrant.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct AdminSeatRecord {
    /// Admin id.
    pub admin_id: i64,
    /// The org.
    pub org_id: i64,
    /// Login name.
    pub username: String,
    /// Real name, masked.
    pub real_name: String,
}

impl From<AdminSeat> for AdminSeatRecord {
    fn from(s: AdminSeat) -> Self {
        AdminSeatRecord {
            admin_id: s.id.0,
            org_id: s.admin.org.0,
            username: s.admin.username.as_str().to_string(),
            real_name: s.admin.real_name.masked(),
        }
    }
}

/// A logged-in admin session: pass `token` to the admin methods.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct SessionRecord {
    /// The session token (secret: keep it in the platform's secure storage).
    pub token: String,
    /// The admin.
    pub admin_id: i64,
    /// The org the admin manages.
    pub org_id: i64,
}

/// A department (部门).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct DepartmentRecord {
    /// Id.
    pub id: i64,
    /// Name.
    pub name: String,
}

/// The member form (人员信息), as typed by an admin or a trainee. `Debug`
/// masks the name, ID number and phone.
#[derive(Clone, PartialEq, Eq, uniffi::Record)]
pub struct MemberFormRecord {
    /// 用户姓名.
    pub name: String,
    /// 部门名称 (empty: 无部门人员).
    pub department: String,
    /// 职位.
    pub position: String,
    /// 用户性别 (男/女).
    pub gender: String,
    /// 用户身份证号.
    pub id_number: String,
    /// 用户手机号.
    pub phone: String,
    /// 用户邮箱.
    pub email: String,
    /// 学历.
    pub education: String,
}

impl std::fmt::Debug for MemberFormRecord {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(&MemberForm::from(self.clone()), f)
    }
}

impl From<MemberFormRecord> for MemberForm {
    fn from(f: MemberFormRecord) -> Self {
        MemberForm {
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
}

/// A member (人员), personal data masked.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct MemberRecord {
    /// Id.
    pub id: i64,
    /// Org.
    pub org_id: i64,
    /// Department (None: 无部门人员).
    pub department_id: Option<i64>,
    /// Name, masked.
    pub name: String,
    /// 男 or 女.
    pub gender: String,
    /// Position.
    pub position: String,
    /// Phone, masked.
    pub phone: String,
    /// ID number, masked.
    pub id_number: String,
}

impl From<Member> for MemberRecord {
    fn from(m: Member) -> Self {
        MemberRecord {
            id: m.id.0,
            org_id: m.org.0,
            department_id: m.details.department.map(|d| d.0),
            name: m.details.name.masked(),
            gender: m.details.gender.as_zh().to_string(),
            position: m.details.position.clone(),
            phone: m.details.phone.masked(),
            id_number: m.details.id_number.masked(),
        }
    }
}

/// How an import writes (导入方式).
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum ImportMode {
    /// Check only; write nothing.
    DryRun,
    /// Write only if every row is valid.
    AllOrNothing,
    /// Write the valid rows, report the others.
    ValidRows,
}

impl From<ImportMode> for CoreImportMode {
    fn from(m: ImportMode) -> Self {
        match m {
            ImportMode::DryRun => CoreImportMode::DryRun,
            ImportMode::AllOrNothing => CoreImportMode::AllOrNothing,
            ImportMode::ValidRows => CoreImportMode::ValidRows,
        }
    }
}

/// One problem of an import row.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct RowErrorRecord {
    /// Sheet row number.
    pub row: u32,
    /// Column title (用户手机号 …).
    pub column: String,
    /// Stable code.
    pub code: String,
    /// Chinese message.
    pub detail: String,
    /// The earlier row of an in-file duplicate.
    pub other_row: Option<u32>,
}

/// The report of an import (导入结果).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ImportReportRecord {
    /// Whether anything was written.
    pub written: bool,
    /// Rows read.
    pub rows: u32,
    /// New members.
    pub created: u32,
    /// Existing members updated.
    pub updated: u32,
    /// Existing members unchanged.
    pub unchanged: u32,
    /// Rows not imported.
    pub failed: u32,
    /// Every problem, in row order.
    pub errors: Vec<RowErrorRecord>,
}

impl From<ImportReport> for ImportReportRecord {
    fn from(r: ImportReport) -> Self {
        let n = |o| r.count(o) as u32;
        ImportReportRecord {
            written: r.written,
            rows: r.rows.len() as u32,
            created: n(RowOutcome::Created),
            updated: n(RowOutcome::Updated),
            unchanged: n(RowOutcome::Unchanged),
            failed: n(RowOutcome::Failed),
            errors: r
                .errors()
                .map(|e| RowErrorRecord {
                    row: e.row,
                    column: e.column.clone(),
                    code: e.code.as_str().to_string(),
                    detail: e.message.clone(),
                    other_row: e.other_row,
                })
                .collect(),
        }
    }
}

/// A QR-code invitation (二维码邀请).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct InvitationRecord {
    /// Id.
    pub id: i64,
    /// The org the trainee joins.
    pub org_id: i64,
    /// The department the trainee joins, if fixed.
    pub department_id: Option<i64>,
    /// When it stops working (RFC 3339, UTC).
    pub expires_at: String,
    /// How many trainees may use it.
    pub max_uses: u32,
    /// Used so far.
    pub uses: u32,
    /// Revoked by the admin.
    pub revoked: bool,
}

impl From<Invitation> for InvitationRecord {
    fn from(i: Invitation) -> Self {
        InvitationRecord {
            id: i.id.0,
            org_id: i.details.org.0,
            department_id: i.details.department.map(|d| d.0),
            expires_at: i.details.expires_at.to_rfc3339(),
            max_uses: i.details.max_uses,
            uses: i.uses,
            revoked: i.revoked,
        }
    }
}

/// A new invitation with its token and QR code (the token is shown once).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct NewInvitationRecord {
    /// The stored invitation.
    pub invitation: InvitationRecord,
    /// The token.
    pub token: String,
    /// The text the QR code holds (the token in the app's link).
    pub qr_text: String,
    /// The QR code as PNG bytes.
    pub qr_png: Vec<u8>,
}

/// A binding (绑定): which member an app user is.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct BindingRecord {
    /// Member.
    pub member_id: i64,
    /// Org.
    pub org_id: i64,
    /// When (RFC 3339, UTC).
    pub bound_at: String,
}

impl From<Binding> for BindingRecord {
    fn from(b: Binding) -> Self {
        BindingRecord {
            member_id: b.member.0,
            org_id: b.org.0,
            bound_at: b.bound_at.to_rfc3339(),
        }
    }
}

/// A question of today's quiz (每日答题), without its answer.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct QuizQuestionRecord {
    /// Id to answer against.
    pub id: i64,
    /// 单选, 多选 or 判断.
    pub kind: String,
    /// Stem.
    pub stem: String,
    /// Options, lettered A, B, … in this order.
    pub options: Vec<String>,
    /// Category.
    pub category: String,
}

/// A day's scored result.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct QuizResultRecord {
    /// Day, `YYYY-MM-DD`.
    pub day: String,
    /// Correct answers.
    pub correct: u32,
    /// Questions.
    pub total: u32,
    /// Points earned.
    pub points: i64,
    /// Per question, in draw order.
    pub items: Vec<GradedItem>,
}

impl From<QuizResult> for QuizResultRecord {
    fn from(r: QuizResult) -> Self {
        QuizResultRecord {
            day: r.day.to_string(),
            correct: r.correct,
            total: r.total,
            points: r.points,
            items: graded_items(&r.answers),
        }
    }
}

/// Today's quiz: the questions, and the result if already answered.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct QuizRecord {
    /// Day, `YYYY-MM-DD` (Beijing time).
    pub day: String,
    /// The questions.
    pub questions: Vec<QuizQuestionRecord>,
    /// The day's result, once submitted.
    pub result: Option<QuizResultRecord>,
}

impl From<TodaysQuiz> for QuizRecord {
    fn from(q: TodaysQuiz) -> Self {
        QuizRecord {
            day: q.day.to_string(),
            questions: q
                .questions
                .into_iter()
                .map(|q| QuizQuestionRecord {
                    id: q.id.0,
                    kind: q.kind.as_zh().to_string(),
                    stem: q.stem,
                    options: q.options,
                    category: q.category,
                })
                .collect(),
            result: q.result.map(Into::into),
        }
    }
}

/// What a submission returns: the day's one scored result, and whether this
/// call scored it (`false`: a repeat, answered with the first result).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct SubmissionRecord {
    /// The day's result.
    pub result: QuizResultRecord,
    /// Whether this call scored it.
    pub first: bool,
}

impl From<SubmissionOutcome> for SubmissionRecord {
    fn from(o: SubmissionOutcome) -> Self {
        SubmissionRecord {
            result: o.result.into(),
            first: o.first,
        }
    }
}

/// Which leaderboard (排行榜范围).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Enum)]
pub enum Scope {
    /// Everyone.
    All,
    /// One county.
    County {
        /// County id (1–53, as in 附件3).
        county: u16,
    },
    /// One org.
    Org {
        /// Org id.
        org: i64,
    },
    /// One department of an org (None: 无部门人员).
    Department {
        /// Org id.
        org: i64,
        /// Department id.
        department: Option<i64>,
    },
}

impl From<Scope> for CoreScope {
    fn from(s: Scope) -> Self {
        match s {
            Scope::All => CoreScope::All,
            Scope::County { county } => CoreScope::County(CountyId(county)),
            Scope::Org { org } => CoreScope::Org(OrgId(org)),
            Scope::Department { org, department } => {
                CoreScope::Department(OrgId(org), department.map(DeptId))
            }
        }
    }
}

/// Which period a leaderboard counts.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Enum)]
pub enum Period {
    /// The whole campaign.
    Campaign,
    /// One month.
    Month {
        /// Year.
        year: i32,
        /// Month, 1–12.
        month: u32,
    },
    /// One day, `YYYY-MM-DD`.
    Day {
        /// The day.
        day: String,
    },
}

impl TryFrom<Period> for CorePeriod {
    type Error = crate::CcsaError;
    fn try_from(p: Period) -> Result<Self, Self::Error> {
        Ok(match p {
            Period::Campaign => CorePeriod::Campaign,
            Period::Month { year, month } => CorePeriod::Month { year, month },
            Period::Day { day } => CorePeriod::Day(crate::helpers::day(&day)?),
        })
    }
}

/// A leaderboard line.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct StandingRecord {
    /// Competition rank ("1224").
    pub rank: u32,
    /// Member.
    pub member_id: i64,
    /// Name, masked.
    pub name: String,
    /// Org.
    pub org_id: i64,
    /// Department.
    pub department_id: Option<i64>,
    /// County.
    pub county: u16,
    /// Points in the period.
    pub points: i64,
}

impl From<LeaderboardEntry> for StandingRecord {
    fn from(e: LeaderboardEntry) -> Self {
        StandingRecord {
            rank: e.rank,
            member_id: e.standing.member.0,
            name: e.standing.name.masked(),
            org_id: e.standing.org.0,
            department_id: e.standing.department.map(|d| d.0),
            county: e.standing.county.0,
            points: e.standing.points,
        }
    }
}

/// A record of 历史上的今天.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct AccidentRecord {
    /// Date, `YYYY-MM-DD`.
    pub date: String,
    /// Place.
    pub place: String,
    /// Title.
    pub title: String,
    /// What happened.
    pub what_happened: String,
    /// Deaths.
    pub deaths: u32,
    /// Injured.
    pub injured: u32,
    /// Causes.
    pub causes: String,
    /// Lessons.
    pub lessons: String,
    /// Source.
    pub source: String,
}

impl From<Accident> for AccidentRecord {
    fn from(a: Accident) -> Self {
        let r = a.record;
        AccidentRecord {
            date: r.date.to_string(),
            place: r.place,
            title: r.title,
            what_happened: r.what_happened,
            deaths: r.deaths,
            injured: r.injured,
            causes: r.causes,
            lessons: r.lessons,
            source: r.source,
        }
    }
}

/// A safety-five-minutes (安全五分钟) or knowledge-base article.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ArticleRecord {
    /// Id.
    pub id: i64,
    /// Title.
    pub title: String,
    /// Body.
    pub body: String,
    /// Reading minutes.
    pub minutes: u8,
    /// Tags.
    pub tags: Vec<String>,
    /// Published on, `YYYY-MM-DD`.
    pub published_on: String,
}

impl From<Article> for ArticleRecord {
    fn from(a: Article) -> Self {
        ArticleRecord {
            id: a.id.0,
            title: a.article.title,
            body: a.article.body,
            minutes: a.article.minutes,
            tags: a.article.tags,
            published_on: a.article.published_on.to_string(),
        }
    }
}

/// A featured topic (精选专题).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct TopicRecord {
    /// Id.
    pub id: i64,
    /// Title.
    pub title: String,
    /// Cover image reference.
    pub cover: String,
    /// Items (articles, laws, question sets).
    pub items: u32,
}

impl From<Topic> for TopicRecord {
    fn from(t: Topic) -> Self {
        TopicRecord {
            id: t.id.0,
            title: t.topic.title,
            cover: t.topic.cover,
            items: t.topic.items.len() as u32,
        }
    }
}

/// A law or standard found by a search (法规标准库).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct LawHitRecord {
    /// Id.
    pub id: i64,
    /// Code (文号/标准号).
    pub code: String,
    /// Title.
    pub title: String,
    /// 法律, 行政法规, 国家标准 …
    pub kind: String,
    /// Issuer.
    pub issuer: String,
    /// Effective date, `YYYY-MM-DD`.
    pub effective_on: String,
    /// 现行有效, 已废止 … on the search day.
    pub status: String,
}

/// One page of a law search.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct LawResultsRecord {
    /// Matches in all.
    pub total: u64,
    /// This page, best first.
    pub hits: Vec<LawHitRecord>,
}

impl From<LawResults> for LawResultsRecord {
    fn from(r: LawResults) -> Self {
        LawResultsRecord {
            total: r.total as u64,
            hits: r
                .hits
                .into_iter()
                .map(|h: LawHit| LawHitRecord {
                    id: h.id.0,
                    code: h.code,
                    title: h.title,
                    kind: h.kind.as_zh().to_string(),
                    issuer: h.issuer,
                    effective_on: h.effective_on.to_string(),
                    status: h.status.as_zh().to_string(),
                })
                .collect(),
        }
    }
}

/// What [`crate::Engine::load_sample_content`] added.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct SampleCounts {
    /// National bank questions.
    pub questions: u32,
    /// Laws and standards.
    pub laws: u32,
    /// Safety-five-minutes articles.
    pub articles: u32,
    /// History-today records.
    pub accidents: u32,
    /// Featured topics.
    pub topics: u32,
}
