//! The SQL implementation of `Store`, written once and instantiated for each
//! backend by [`sql_store!`]. Both schemas use the same table and column
//! names and every statement uses numbered parameters (`$1`, `$2`, ...), which
//! SQLite and PostgreSQL both accept, so the statements are shared; what
//! differs (pools, `BEGIN IMMEDIATE`, migrations, bulk `COPY`) lives in each
//! backend's module.

use ccsa_core::{Error, ErrorCode};

/// Maps a driver error to `STORAGE`, naming only the failure kind.
pub fn db(e: sqlx::Error) -> Error {
    let kind = match &e {
        sqlx::Error::Database(d) => match d.code() {
            Some(code) => format!("database error {code}"),
            None => "database error".to_string(),
        },
        sqlx::Error::PoolTimedOut => "connection pool timed out".to_string(),
        sqlx::Error::PoolClosed => "connection pool closed".to_string(),
        sqlx::Error::Io(_) => "io error".to_string(),
        sqlx::Error::ColumnDecode { .. } | sqlx::Error::Decode(_) => "decode error".to_string(),
        sqlx::Error::Migrate(_) => "migration error".to_string(),
        _ => "driver error".to_string(),
    };
    Error::storage(kind)
}

/// For a unique-constraint violation, the violated constraint's name
/// (PostgreSQL) or the message naming its columns (SQLite), lowercased.
pub fn unique_violation(e: &sqlx::Error) -> Option<String> {
    match e {
        sqlx::Error::Database(d) if d.is_unique_violation() => Some(
            d.constraint()
                .map(str::to_string)
                .unwrap_or_else(|| d.message().to_string())
                .to_lowercase(),
        ),
        _ => None,
    }
}

/// Maps a unique violation with `pick` (constraint text → code), anything else with [`db`].
pub fn on_unique(e: sqlx::Error, pick: impl Fn(&str) -> ErrorCode) -> Error {
    match unique_violation(&e) {
        Some(c) => Error::new(pick(&c)),
        None => db(e),
    }
}

/// Placeholder style of a backend for statements with many parameters.
///
/// PostgreSQL needs numbered `$n`. SQLite accepts them too, but sqlx looks
/// each parameter's name up with `sqlite3_bind_parameter_name`, a linear
/// scan, which makes binding a statement of n numbered parameters O(n²);
/// anonymous `?` parameters have no name and bind in O(n). So bulk
/// statements on SQLite use `?` throughout (never mixed with `$n`).
#[derive(Clone, Copy)]
pub enum Placeholders {
    /// `$1, $2, ...`
    Numbered,
    /// `?, ?, ...`
    Anonymous,
}

impl Placeholders {
    /// The placeholder for parameter `n` (1-based).
    pub fn at(self, n: usize) -> String {
        match self {
            Placeholders::Numbered => format!("${n}"),
            Placeholders::Anonymous => "?".to_string(),
        }
    }

    /// `($1,$2,$3),($4,$5,$6)`: `rows` rows of `cols` columns, from parameter `first`.
    pub fn values(self, rows: usize, cols: usize, first: usize) -> String {
        let mut s = String::with_capacity(rows * cols * 5);
        let mut n = first;
        for r in 0..rows {
            if r > 0 {
                s.push(',');
            }
            s.push('(');
            for c in 0..cols {
                if c > 0 {
                    s.push(',');
                }
                s.push_str(&self.at(n));
                n += 1;
            }
            s.push(')');
        }
        s
    }

    /// `$2,$3,$4`: a list of `count` parameters from `first` (for `IN (...)`).
    pub fn list(self, count: usize, first: usize) -> String {
        (first..first + count)
            .map(|n| self.at(n))
            .collect::<Vec<_>>()
            .join(",")
    }
}

/// Multi-row `INSERT` helpers for the answer log, the ledger and the
/// rollups, used by SQLite (PostgreSQL binds the same rows as arrays).
#[cfg(feature = "sqlite")]
pub mod multi_row {
    use super::{CHUNK, Placeholders, Rollups, db};
    use crate::codec::{encode_answers, micros, month_of};
    use ccsa_core::Result;
    use ccsa_core::scoring::{DailySubmission, LedgerEntry};
    use chrono::NaiveDate;
    use sqlx::{Row, Sqlite, Transaction};
    use std::collections::HashSet;

    /// Inserts log rows, returning the (member, day) keys that were new.
    pub async fn insert_log(
        tx: &mut Transaction<'static, Sqlite>,
        subs: &[&DailySubmission],
        ph: Placeholders,
    ) -> Result<HashSet<(i64, NaiveDate)>> {
        let mut inserted = HashSet::new();
        for chunk in subs.chunks(CHUNK) {
            let sql = format!(
                "INSERT INTO submissions (member, day, month, org, submitted_at, correct, points, answers) VALUES {} \
                 ON CONFLICT (member, day) DO NOTHING RETURNING member, day",
                ph.values(chunk.len(), 8, 1)
            );
            let mut q = sqlx::query(&sql);
            for s in chunk {
                q = q
                    .bind(s.member.0)
                    .bind(s.day)
                    .bind(month_of(s.day))
                    .bind(s.org.0)
                    .bind(micros(s.submitted_at))
                    .bind(i64::from(s.correct))
                    .bind(s.points)
                    .bind(encode_answers(&s.answers));
            }
            for r in q.fetch_all(&mut **tx).await.map_err(db)? {
                inserted.insert((
                    r.try_get("member").map_err(db)?,
                    r.try_get("day").map_err(db)?,
                ));
            }
        }
        Ok(inserted)
    }

    /// Writes one batch's rollups with multi-row upserts of [`CHUNK`] rows.
    pub async fn write_rollups(
        tx: &mut Transaction<'static, Sqlite>,
        r: &Rollups,
        ph: Placeholders,
    ) -> Result<()> {
        for chunk in r.totals.chunks(CHUNK) {
            let sql = format!(
                "INSERT INTO member_totals (member, org, county, points, reached_at) VALUES {} \
                 ON CONFLICT (member) DO UPDATE SET points = member_totals.points + excluded.points, \
                 reached_at = CASE WHEN excluded.points > 0 THEN excluded.reached_at ELSE member_totals.reached_at END",
                ph.values(chunk.len(), 5, 1)
            );
            let mut q = sqlx::query(&sql);
            for (m, org, county, points, at) in chunk {
                q = q.bind(m).bind(org).bind(county).bind(points).bind(at);
            }
            q.execute(&mut **tx).await.map_err(db)?;
        }
        for chunk in r.months.chunks(CHUNK) {
            let sql = format!(
                "INSERT INTO member_months (member, month, org, county, points, days, reached_at) VALUES {} \
                 ON CONFLICT (member, month) DO UPDATE SET points = member_months.points + excluded.points, \
                 days = member_months.days + excluded.days, \
                 reached_at = CASE WHEN excluded.points > 0 THEN excluded.reached_at ELSE member_months.reached_at END",
                ph.values(chunk.len(), 7, 1)
            );
            let mut q = sqlx::query(&sql);
            for (m, month, org, county, points, days, at) in chunk {
                q = q
                    .bind(m)
                    .bind(month)
                    .bind(org)
                    .bind(county)
                    .bind(points)
                    .bind(days)
                    .bind(at);
            }
            q.execute(&mut **tx).await.map_err(db)?;
        }
        for chunk in r.org_days.chunks(CHUNK) {
            let sql = format!(
                "INSERT INTO org_days (org, day, participants, points) VALUES {} \
                 ON CONFLICT (org, day) DO UPDATE SET participants = org_days.participants + excluded.participants, \
                 points = org_days.points + excluded.points",
                ph.values(chunk.len(), 4, 1)
            );
            let mut q = sqlx::query(&sql);
            for (org, day, n, p) in chunk {
                q = q.bind(org).bind(day).bind(n).bind(p);
            }
            q.execute(&mut **tx).await.map_err(db)?;
        }
        for chunk in r.card_upserts.chunks(CHUNK) {
            let sql = format!(
                "INSERT INTO review_cards (member, question, repetitions, interval_days, ease_milli, due) VALUES {} \
                 ON CONFLICT (member, question) DO UPDATE SET repetitions = excluded.repetitions, \
                 interval_days = excluded.interval_days, ease_milli = excluded.ease_milli, due = excluded.due",
                ph.values(chunk.len(), 6, 1)
            );
            let mut q = sqlx::query(&sql);
            for (m, c) in chunk {
                q = q
                    .bind(m)
                    .bind(c.question.0)
                    .bind(i64::from(c.repetitions))
                    .bind(i64::from(c.interval_days))
                    .bind(i64::from(c.ease_milli))
                    .bind(c.due);
            }
            q.execute(&mut **tx).await.map_err(db)?;
        }
        for chunk in r.card_removals.chunks(CHUNK) {
            let sql = format!(
                "DELETE FROM review_cards WHERE (member, question) IN (VALUES {})",
                ph.values(chunk.len(), 2, 1)
            );
            let mut q = sqlx::query(&sql);
            for (m, question) in chunk {
                q = q.bind(m).bind(question);
            }
            q.execute(&mut **tx).await.map_err(db)?;
        }
        Ok(())
    }

    /// Inserts ledger rows.
    pub async fn insert_ledger(
        tx: &mut Transaction<'static, Sqlite>,
        entries: &[&LedgerEntry],
        ph: Placeholders,
    ) -> Result<()> {
        for chunk in entries.chunks(CHUNK) {
            let sql = format!(
                "INSERT INTO ledger (member, org, day, kind, points, at) VALUES {}",
                ph.values(chunk.len(), 6, 1)
            );
            let mut q = sqlx::query(&sql);
            for e in chunk {
                q = q
                    .bind(e.member.0)
                    .bind(e.org.0)
                    .bind(e.day)
                    .bind(e.kind.as_str())
                    .bind(e.points)
                    .bind(micros(e.at));
            }
            q.execute(&mut **tx).await.map_err(db)?;
        }
        Ok(())
    }
}

/// Rows per JSON-array insert (SQLite import path).
pub const JSON_CHUNK: usize = 5000;

/// Rows per multi-row statement in bulk paths (keeps parameters under
/// SQLite's 32,766 and PostgreSQL's 65,535 limits).
pub const CHUNK: usize = 400;

/// The rollup rows one batch of submissions changes, aggregated so each row
/// is written once: what `write_batch` hands to a backend's `write_rollups`.
#[derive(Debug, Default)]
pub struct Rollups {
    /// `member_totals` additions: member, org, county, points, reached_at.
    pub totals: Vec<(i64, i64, i64, i64, i64)>,
    /// `member_months` additions: member, month, org, county, points, days,
    /// reached_at.
    pub months: Vec<(i64, i64, i64, i64, i64, i64, i64)>,
    /// `org_days` additions: org, day, participants, points.
    pub org_days: Vec<(i64, chrono::NaiveDate, i64, i64)>,
    /// Review cards to write (the last change per member and question).
    pub card_upserts: Vec<(i64, ccsa_core::quiz::ReviewCard)>,
    /// Review cards to delete: member, question.
    pub card_removals: Vec<(i64, i64)>,
}

pub const ORG_COLS: &str = "id, county, kind, name, credit_code, leader_name, leader_phone, leader_phone_sealed, liaison_name, liaison_phone, liaison_phone_sealed, listed_on, retired_on";
pub const ADMIN_COLS: &str =
    "id, org, username, real_name, phone, phone_sealed, email, password_hash, registered_at";
pub const MEMBER_INSERT_COLS: &str = "org, department, name, position, gender, id_number, id_number_sealed, phone, phone_sealed, email, education, created_at, created_on";
pub const MEMBER_COLS: &str = "id, org, department, name, position, gender, id_number, id_number_sealed, phone, phone_sealed, email, education, created_at";
pub const INVITATION_COLS: &str =
    "id, digest, org, department, created_by, created_at, expires_at, max_uses, uses, revoked";
pub const LAW_WRITE_COLS: &str = "code_key, title_key, summary_key, effective_on, issued_on, repealed_on, kind, body_key, code, title, issuer, superseded_by, summary, body";
pub const LAW_COLS: &str = "id, code, title, kind, issuer, issued_on, effective_on, repealed_on, superseded_by, summary, body";
pub const ARTICLE_COLS: &str = "id, org, title, body, minutes, tags, published_on";
pub const ACCIDENT_COLS: &str = "id, happened_on, place, title, what_happened, deaths, injured, missing, causes, lessons, source";
pub const EXAM_COLS: &str = "id, org, title, blueprint, minutes, pass_percent, attempts, opens_at, closes_at, departments, multiple_rule";
pub const ATTEMPT_COLS: &str = "id, exam, member, number, started_at, deadline, paper, saves, credit_milli, percent_centi, passed, finished_at";
pub const QUESTION_COLS: &str = "id, owner_org, kind, stem, options, answer, explanation, category, specialties, difficulty, source";

/// Implements `ccsa_core::store::Store` for `$store` over database `$db`.
///
/// `$store` must provide `async fn tx(&self) -> Result<Transaction<'static, $db>>`
/// (a write transaction), `fn reader(&self) -> &Pool<$db>`, `fn writer(&self)
/// -> &Pool<$db>`, `const BACKEND: &'static str` and
/// `fn vault(&self) -> &Vault` (the store's sealing keys), `AFTER_SEALING`
/// (statements that clear old plaintext copies after rows were sealed),
/// `const PLACEHOLDERS: Placeholders`, the bulk writers `insert_log`,
/// `insert_ledger` and `write_rollups` (multi-row statements on SQLite,
/// arrays through `UNNEST` on PostgreSQL), the list binding
/// `bind_texts` with its test `IN_TEXT_LIST` (a JSON array on SQLite, a
/// `text[]` on PostgreSQL), `const JSON_BULK: bool` (member imports insert
/// JSON arrays of rows rather than multi-row `VALUES`), `SEARCH_PRELUDE`
/// (a statement run before law searches), and the SQL spellings
/// `STRING_AGG` (`group_concat` / `string_agg`), `DAY_TEXT` and `DUE_TEXT`
/// (the `day` and `due` columns as `YYYY-MM-DD` text), and `LOCK_KEY`
/// (a statement locking one lock-out key for the transaction, or `None`
/// where write transactions are serialised anyway).
macro_rules! sql_store {
    ($store:ty, $db:ty) => {
    mod sql_impl {
        use super::*;
        use $crate::codec::*;
        use $crate::sql::*;
        use $crate::vault::{key_error, Indexed, Sealed, SealedTable, Vault, BATCH, SEALED_TABLES};
        use async_trait::async_trait;
        use ccsa_core::admin::{AdminId, AdminSeat, AdminSession, NewAdmin, TokenDigest, Username};
        use ccsa_core::audit::{AuditAction, AuditEntry, NewAuditEntry};
        use ccsa_core::binding::{AppUserId, Binding, Lockout};
        use ccsa_core::directory::{Department, ImportOp, Invitation, InvitationId, NewInvitation, DepartmentDeletion, DepartmentName, DeptId, Member, MemberId, NewMember};
        use ccsa_core::exam::{Attempt, AttemptId, AttemptScore, Exam, ExamId, NewAttempt, NewExam, SavedAnswer};
        use ccsa_core::identity::{CreditCode, Email, IdNumber, Phone, PersonName};
        use ccsa_core::library::{
            bigram_tokens, is_bigram_term, search_key, Accident, AccidentId, Article, ArticleId, DocKind, DocStatus, NewAccident, NewArticle,
            NewTopic, Shelf, Topic, TopicId, TopicItem, LawDoc, LawFilter, LawId, LawPage, NewLawDoc, SearchTerms, WEIGHT_BODY, WEIGHT_CODE,
            WEIGHT_SUMMARY, WEIGHT_TITLE,
        };
        use ccsa_core::quiz::{BankMix, BankOwner, Choices, DailyDraw, DrawKey, NewQuestion, Question, QuestionId, QuestionKind, ReviewCard, ReviewChange};
        use ccsa_core::ranking::{LeaderboardEntry, OrgActivity, Period, Scope, Standing};
        use ccsa_core::registry::{CountyId, NewOrg, Org, OrgContacts, OrgId};
        use ccsa_core::scoring::{DailySubmission, LedgerEntry, LedgerKind, QuizResult, SubmissionOutcome};
        use ccsa_core::store::{ExportRange, ImportTx, InvariantReport, LedgerRow, QuizHistory, Store, SubmissionRow};
        use ccsa_core::{ErrorCode, Result};
        use chrono::{DateTime, Datelike, NaiveDate, Utc};
        use sqlx::Row;
        use std::collections::{BTreeMap, HashMap, HashSet};

        type DbRow = <$db as sqlx::Database>::Row;

        fn org_from_row(v: &Vault, r: &DbRow) -> Result<Org> {
            let g = |e: sqlx::Error| db(e);
            let phone = |col: &str, sealed: &str, which: Sealed| -> Result<Option<String>> {
                let s: Option<Vec<u8>> = r.try_get(sealed).map_err(g)?;
                v.reveal_opt(which, s.as_deref(), r.try_get(col).map_err(g)?)
            };
            Ok(Org {
                id: OrgId(r.try_get("id").map_err(g)?),
                county: CountyId(r.try_get::<i64, _>("county").map_err(g)? as u16),
                kind: parse_kind(&r.try_get::<String, _>("kind").map_err(g)?)?,
                name: r.try_get("name").map_err(g)?,
                credit_code: r
                    .try_get::<Option<String>, _>("credit_code")
                    .map_err(g)?
                    .map(|c| CreditCode::parse(&c).map_err(|_| corrupt("credit code")))
                    .transpose()?,
                contacts: OrgContacts {
                    leader: contact(r.try_get("leader_name").map_err(g)?, phone("leader_phone", "leader_phone_sealed", Sealed::LeaderPhone)?)?,
                    liaison: contact(r.try_get("liaison_name").map_err(g)?, phone("liaison_phone", "liaison_phone_sealed", Sealed::LiaisonPhone)?)?,
                },
                listed_on: r.try_get("listed_on").map_err(g)?,
                retired_on: r.try_get("retired_on").map_err(g)?,
            })
        }

        fn admin_from_row(v: &Vault, r: &DbRow) -> Result<AdminSeat> {
            let g = |e: sqlx::Error| db(e);
            let sealed: Option<Vec<u8>> = r.try_get("phone_sealed").map_err(g)?;
            let phone = v.reveal(Sealed::AdminPhone, sealed.as_deref(), r.try_get("phone").map_err(g)?)?;
            Ok(AdminSeat {
                id: AdminId(r.try_get("id").map_err(g)?),
                admin: NewAdmin {
                    org: OrgId(r.try_get("org").map_err(g)?),
                    username: Username::parse(&r.try_get::<String, _>("username").map_err(g)?).map_err(|_| corrupt("username"))?,
                    real_name: PersonName::parse(&r.try_get::<String, _>("real_name").map_err(g)?).map_err(|_| corrupt("admin name"))?,
                    phone: Phone::parse(&phone).map_err(|_| corrupt("admin phone"))?,
                    email: r
                        .try_get::<Option<String>, _>("email")
                        .map_err(g)?
                        .map(|e| Email::parse(&e).map_err(|_| corrupt("admin email")))
                        .transpose()?,
                    password_hash: r.try_get("password_hash").map_err(g)?,
                    registered_at: from_micros(r.try_get("registered_at").map_err(g)?)?,
                },
            })
        }

        fn member_from_row(v: &Vault, r: &DbRow) -> Result<Member> {
            let g = |e: sqlx::Error| db(e);
            let sealed_id: Option<Vec<u8>> = r.try_get("id_number_sealed").map_err(g)?;
            let sealed_phone: Option<Vec<u8>> = r.try_get("phone_sealed").map_err(g)?;
            MemberColumns {
                id: r.try_get("id").map_err(g)?,
                org: r.try_get("org").map_err(g)?,
                department: r.try_get("department").map_err(g)?,
                name: r.try_get("name").map_err(g)?,
                position: r.try_get("position").map_err(g)?,
                gender: r.try_get("gender").map_err(g)?,
                id_number: v.reveal(Sealed::MemberIdNumber, sealed_id.as_deref(), r.try_get("id_number").map_err(g)?)?,
                phone: v.reveal(Sealed::MemberPhone, sealed_phone.as_deref(), r.try_get("phone").map_err(g)?)?,
                email: r.try_get("email").map_err(g)?,
                education: r.try_get("education").map_err(g)?,
                created_at: r.try_get("created_at").map_err(g)?,
            }
            .into_member()
        }

        fn invitation_from_row(r: &DbRow) -> Result<Invitation> {
            let g = |e: sqlx::Error| db(e);
            let digest: Vec<u8> = r.try_get("digest").map_err(g)?;
            Ok(Invitation {
                id: InvitationId(r.try_get("id").map_err(g)?),
                details: NewInvitation {
                    digest: TokenDigest(digest.try_into().map_err(|_| corrupt("invitation digest"))?),
                    org: OrgId(r.try_get("org").map_err(g)?),
                    department: r.try_get::<Option<i64>, _>("department").map_err(g)?.map(DeptId),
                    created_by: AdminId(r.try_get("created_by").map_err(g)?),
                    created_at: from_micros(r.try_get("created_at").map_err(g)?)?,
                    expires_at: from_micros(r.try_get("expires_at").map_err(g)?)?,
                    max_uses: r.try_get::<i64, _>("max_uses").map_err(g)? as u32,
                },
                uses: r.try_get::<i64, _>("uses").map_err(g)? as u32,
                revoked: r.try_get("revoked").map_err(g)?,
            })
        }

        fn question_from_row(r: &DbRow) -> Result<Question> {
            let g = |e: sqlx::Error| db(e);
            let options: String = r.try_get("options").map_err(g)?;
            let specialties: String = r.try_get("specialties").map_err(g)?;
            Ok(Question {
                id: QuestionId(r.try_get("id").map_err(g)?),
                body: NewQuestion {
                    owner: match r.try_get::<Option<i64>, _>("owner_org").map_err(g)? {
                        Some(o) => BankOwner::Org(OrgId(o)),
                        None => BankOwner::National,
                    },
                    kind: QuestionKind::parse(&r.try_get::<String, _>("kind").map_err(g)?).map_err(|_| corrupt("question kind"))?,
                    stem: r.try_get("stem").map_err(g)?,
                    options: serde_json::from_str(&options).map_err(|_| corrupt("question options"))?,
                    answer: Choices(r.try_get::<i64, _>("answer").map_err(g)? as u8),
                    explanation: r.try_get("explanation").map_err(g)?,
                    category: r.try_get("category").map_err(g)?,
                    specialties: serde_json::from_str(&specialties).map_err(|_| corrupt("question specialties"))?,
                    difficulty: r.try_get::<i64, _>("difficulty").map_err(g)? as u8,
                    source: r.try_get("source").map_err(g)?,
                },
            })
        }

        fn law_from_row(r: &DbRow) -> Result<LawDoc> {
            let g = |e: sqlx::Error| db(e);
            Ok(LawDoc {
                id: LawId(r.try_get("id").map_err(g)?),
                doc: NewLawDoc {
                    code: r.try_get("code").map_err(g)?,
                    title: r.try_get("title").map_err(g)?,
                    kind: DocKind::parse(&r.try_get::<String, _>("kind").map_err(g)?).ok_or_else(|| corrupt("law kind"))?,
                    issuer: r.try_get("issuer").map_err(g)?,
                    issued_on: r.try_get("issued_on").map_err(g)?,
                    effective_on: r.try_get("effective_on").map_err(g)?,
                    repealed_on: r.try_get("repealed_on").map_err(g)?,
                    superseded_by: r.try_get("superseded_by").map_err(g)?,
                    summary: r.try_get("summary").map_err(g)?,
                    body: r.try_get("body").map_err(g)?,
                },
            })
        }

        fn article_from_row(r: &DbRow) -> Result<Article> {
            let g = |e: sqlx::Error| db(e);
            let tags: String = r.try_get("tags").map_err(g)?;
            Ok(Article {
                id: ArticleId(r.try_get("id").map_err(g)?),
                article: NewArticle {
                    shelf: match r.try_get::<Option<i64>, _>("org").map_err(g)? {
                        Some(o) => Shelf::KnowledgeBase(OrgId(o)),
                        None => Shelf::SafetyFiveMinutes,
                    },
                    title: r.try_get("title").map_err(g)?,
                    body: r.try_get("body").map_err(g)?,
                    minutes: u8::try_from(r.try_get::<i64, _>("minutes").map_err(g)?).map_err(|_| corrupt("article minutes"))?,
                    tags: serde_json::from_str(&tags).map_err(|_| corrupt("article tags"))?,
                    published_on: r.try_get("published_on").map_err(g)?,
                },
            })
        }

        fn topic_from_row(r: &DbRow) -> Result<Topic> {
            let g = |e: sqlx::Error| db(e);
            let items: String = r.try_get("items").map_err(g)?;
            Ok(Topic {
                id: TopicId(r.try_get("id").map_err(g)?),
                topic: NewTopic {
                    title: r.try_get("title").map_err(g)?,
                    cover: r.try_get("cover").map_err(g)?,
                    items: serde_json::from_str(&items).map_err(|_| corrupt("topic items"))?,
                    position: i32::try_from(r.try_get::<i64, _>("position").map_err(g)?).map_err(|_| corrupt("topic position"))?,
                },
            })
        }

        fn accident_from_row(r: &DbRow) -> Result<Accident> {
            let g = |e: sqlx::Error| db(e);
            let n = |k: &str| -> Result<u32> { u32::try_from(r.try_get::<i64, _>(k).map_err(db)?).map_err(|_| corrupt("accident count")) };
            Ok(Accident {
                id: AccidentId(r.try_get("id").map_err(g)?),
                record: NewAccident {
                    date: r.try_get("happened_on").map_err(g)?,
                    place: r.try_get("place").map_err(g)?,
                    title: r.try_get("title").map_err(g)?,
                    what_happened: r.try_get("what_happened").map_err(g)?,
                    deaths: n("deaths")?,
                    injured: n("injured")?,
                    missing: n("missing")?,
                    causes: r.try_get("causes").map_err(g)?,
                    lessons: r.try_get("lessons").map_err(g)?,
                    source: r.try_get("source").map_err(g)?,
                },
            })
        }

        fn exam_from_row(r: &DbRow) -> Result<Exam> {
            let g = |e: sqlx::Error| db(e);
            let json = |k: &str| -> Result<String> { r.try_get::<String, _>(k).map_err(db) };
            Ok(Exam {
                id: ExamId(r.try_get("id").map_err(g)?),
                exam: NewExam {
                    org: OrgId(r.try_get("org").map_err(g)?),
                    title: r.try_get("title").map_err(g)?,
                    blueprint: serde_json::from_str(&json("blueprint")?).map_err(|_| corrupt("exam blueprint"))?,
                    minutes: u16::try_from(r.try_get::<i64, _>("minutes").map_err(g)?).map_err(|_| corrupt("exam minutes"))?,
                    pass_percent: u8::try_from(r.try_get::<i64, _>("pass_percent").map_err(g)?).map_err(|_| corrupt("exam pass mark"))?,
                    attempts: u8::try_from(r.try_get::<i64, _>("attempts").map_err(g)?).map_err(|_| corrupt("exam attempts"))?,
                    opens_at: from_micros(r.try_get("opens_at").map_err(g)?)?,
                    closes_at: from_micros(r.try_get("closes_at").map_err(g)?)?,
                    departments: serde_json::from_str(&json("departments")?).map_err(|_| corrupt("exam departments"))?,
                    multiple_rule: serde_json::from_str(&json("multiple_rule")?).map_err(|_| corrupt("exam rule"))?,
                },
            })
        }

        fn attempt_from_row(r: &DbRow, answers: Vec<SavedAnswer>) -> Result<Attempt> {
            let g = |e: sqlx::Error| db(e);
            let paper: String = r.try_get("paper").map_err(g)?;
            let finished: Option<i64> = r.try_get("finished_at").map_err(g)?;
            let score = match finished {
                None => None,
                Some(f) => Some(AttemptScore {
                    credit_milli: u32::try_from(r.try_get::<Option<i64>, _>("credit_milli").map_err(g)?.unwrap_or(0)).map_err(|_| corrupt("attempt credit"))?,
                    percent_centi: u32::try_from(r.try_get::<Option<i64>, _>("percent_centi").map_err(g)?.unwrap_or(0)).map_err(|_| corrupt("attempt score"))?,
                    passed: r.try_get::<Option<bool>, _>("passed").map_err(g)?.unwrap_or(false),
                    finished_at: from_micros(f)?,
                }),
            };
            Ok(Attempt {
                id: AttemptId(r.try_get("id").map_err(g)?),
                attempt: NewAttempt {
                    exam: ExamId(r.try_get("exam").map_err(g)?),
                    member: MemberId(r.try_get("member").map_err(g)?),
                    number: u8::try_from(r.try_get::<i64, _>("number").map_err(g)?).map_err(|_| corrupt("attempt number"))?,
                    started_at: from_micros(r.try_get("started_at").map_err(g)?)?,
                    deadline: from_micros(r.try_get("deadline").map_err(g)?)?,
                    paper: serde_json::from_str(&paper).map_err(|_| corrupt("attempt paper"))?,
                },
                answers,
                saves: u32::try_from(r.try_get::<i64, _>("saves").map_err(g)?).map_err(|_| corrupt("attempt saves"))?,
                score,
            })
        }

        fn exam_conflict(_: &str) -> ErrorCode {
            ErrorCode::ExamAttemptTaken
        }

        fn law_conflict(_: &str) -> ErrorCode {
            ErrorCode::LawCodeTaken
        }

        /// A value bound to the search statement.
        enum LawArg {
            Text(String),
            Date(NaiveDate),
            Int(i64),
        }

        /// The search statement (see `Store::search_laws`): candidates from
        /// the trigram and bigram indexes, one score column per term over
        /// the key columns, filters, order; the page's display columns are
        /// read for its rows only.
        fn law_search_sql(terms: &SearchTerms, filter: &LawFilter, day: NaiveDate, page: Option<(usize, usize)>) -> (String, Vec<LawArg>) {
            let sqlite = <$store>::BACKEND == "sqlite";
            let pos = if sqlite { "instr" } else { "strpos" };
            let mut args: Vec<LawArg> = Vec::new();
            let arg = |a: LawArg, args: &mut Vec<LawArg>| {
                args.push(a);
                format!("${}", args.len())
            };
            let quote = |t: &str| format!("\"{}\"", t.replace('"', "\"\""));
            let mut wheres: Vec<String> = Vec::new();
            let mut scores: Vec<String> = Vec::new();
            if sqlite {
                let long: Vec<String> = terms.terms().iter().filter(|t| t.chars().count() >= 3).map(|t| quote(t)).collect();
                if !long.is_empty() {
                    let m = arg(LawArg::Text(long.join(" AND ")), &mut args);
                    wheres.push(format!("id IN (SELECT rowid FROM laws_fts WHERE laws_fts MATCH {m})"));
                }
                let pairs: Vec<String> = terms.terms().iter().filter(|t| is_bigram_term(t)).map(|t| quote(t)).collect();
                if !pairs.is_empty() {
                    let m = arg(LawArg::Text(pairs.join(" AND ")), &mut args);
                    wheres.push(format!("id IN (SELECT rowid FROM laws_bigrams WHERE laws_bigrams MATCH {m})"));
                }
            }
            for (i, t) in terms.terms().iter().enumerate() {
                let p = arg(LawArg::Text(t.clone()), &mut args);
                if !sqlite && t.chars().count() >= 3 {
                    let like = t.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
                    let l = arg(LawArg::Text(format!("%{like}%")), &mut args);
                    wheres.push(format!("(code_key LIKE {l} OR title_key LIKE {l} OR summary_key LIKE {l} OR body_key LIKE {l})"));
                } else if !sqlite && is_bigram_term(t) {
                    wheres.push(format!("bigrams @> ARRAY[{p}]"));
                }
                // An indexed term is known to be somewhere in the document:
                // if not in the short fields, it is in the body (not rescanned).
                let indexed = t.chars().count() >= 3 || is_bigram_term(t);
                let body = if indexed { format!("ELSE {WEIGHT_BODY}") } else { format!("WHEN {pos}(body_key, {p}) > 0 THEN {WEIGHT_BODY} ELSE 0") };
                scores.push(format!(
                    "CASE WHEN {pos}(code_key, {p}) > 0 THEN {WEIGHT_CODE} WHEN {pos}(title_key, {p}) > 0 THEN {WEIGHT_TITLE} \
                     WHEN {pos}(summary_key, {p}) > 0 THEN {WEIGHT_SUMMARY} {body} END AS s{i}"
                ));
            }
            if !filter.kinds.is_empty() {
                let list: Vec<String> = filter.kinds.iter().map(|k| arg(LawArg::Text(k.as_zh().to_string()), &mut args)).collect();
                wheres.push(format!("kind IN ({})", list.join(", ")));
            }
            let d = arg(LawArg::Date(day), &mut args);
            wheres.push(format!("issued_on <= {d}"));
            if let Some(status) = filter.status {
                wheres.push(match status {
                    DocStatus::Repealed => format!("repealed_on <= {d}"),
                    DocStatus::Upcoming => format!("effective_on > {d} AND (repealed_on IS NULL OR repealed_on > {d})"),
                    DocStatus::InForce => format!("effective_on <= {d} AND (repealed_on IS NULL OR repealed_on > {d})"),
                });
            }
            let where_sql = if wheres.is_empty() { "1 = 1".to_string() } else { wheres.join(" AND ") };
            let all_match: Vec<String> = (0..terms.terms().len()).map(|i| format!("s{i} > 0")).collect();
            let sum: Vec<String> = (0..terms.terms().len()).map(|i| format!("s{i}")).collect();
            let inner = format!("SELECT id, effective_on, {} FROM laws WHERE {where_sql}", scores.join(", "));
            let sql = match page {
                None => format!("SELECT COUNT(*) AS total FROM ({inner}) t WHERE {}", all_match.join(" AND ")),
                Some((offset, limit)) => {
                    let l = arg(LawArg::Int(limit as i64), &mut args);
                    let o = arg(LawArg::Int(offset as i64), &mut args);
                    let cols: Vec<String> = LAW_COLS.split(", ").map(|c| format!("laws.{c}")).collect();
                    format!(
                        "SELECT {}, r.score, r.total FROM (\
                           SELECT id, effective_on, CAST({} AS BIGINT) AS score, COUNT(*) OVER () AS total FROM ({inner}) t \
                           WHERE {} ORDER BY score DESC, effective_on DESC, id LIMIT {l} OFFSET {o}\
                         ) r JOIN laws ON laws.id = r.id ORDER BY r.score DESC, r.effective_on DESC, r.id",
                        cols.join(", "),
                        sum.join(" + "),
                        all_match.join(" AND ")
                    )
                }
            };
            (sql, args)
        }

        fn bind_law_args<'q>(
            mut q: sqlx::query::Query<'q, $db, <$db as sqlx::Database>::Arguments<'q>>,
            args: Vec<LawArg>,
        ) -> sqlx::query::Query<'q, $db, <$db as sqlx::Database>::Arguments<'q>> {
            for a in args {
                q = match a {
                    LawArg::Text(t) => q.bind(t),
                    LawArg::Date(d) => q.bind(d),
                    LawArg::Int(i) => q.bind(i),
                };
            }
            q
        }

        fn kind_name(k: QuestionKind) -> &'static str {
            match k {
                QuestionKind::Single => "single",
                QuestionKind::Multiple => "multiple",
                QuestionKind::TrueFalse => "true_false",
            }
        }

        /// Days outside 0001-01-01..=9999-12-31 neither bind on PostgreSQL nor
        /// compare as text on SQLite; ranges are clamped to them.
        const FIRST_DAY: NaiveDate = NaiveDate::from_ymd_opt(1, 1, 1).unwrap();
        const LAST_DAY: NaiveDate = NaiveDate::from_ymd_opt(9999, 12, 31).unwrap();

        fn ledger_from_row(r: &DbRow) -> Result<LedgerRow> {
            Ok(LedgerRow {
                id: r.try_get("id").map_err(db)?,
                entry: LedgerEntry {
                    member: MemberId(r.try_get("member").map_err(db)?),
                    org: OrgId(r.try_get("org").map_err(db)?),
                    day: r.try_get("day").map_err(db)?,
                    kind: LedgerKind::from_str_opt(&r.try_get::<String, _>("kind").map_err(db)?)
                        .ok_or_else(|| corrupt("ledger kind"))?,
                    points: r.try_get("points").map_err(db)?,
                    at: from_micros(r.try_get("at").map_err(db)?)?,
                },
            })
        }

        fn result_from_row(r: &DbRow) -> Result<QuizResult> {
            let g = |e: sqlx::Error| db(e);
            let answers = decode_answers(&r.try_get::<String, _>("answers").map_err(g)?)?;
            Ok(QuizResult {
                member: MemberId(r.try_get("member").map_err(g)?),
                day: r.try_get("day").map_err(g)?,
                total: answers.len() as u32,
                answers,
                correct: r.try_get::<i64, _>("correct").map_err(g)? as u32,
                points: r.try_get("points").map_err(g)?,
                submitted_at: from_micros(r.try_get("submitted_at").map_err(g)?)?,
            })
        }

        /// Binds the 13 values of `MEMBER_INSERT_COLS` for one member.
        fn bind_member<'q>(
            q: sqlx::query::Query<'q, $db, <$db as sqlx::Database>::Arguments<'q>>,
            v: &Vault,
            org: OrgId,
            m: &NewMember,
            at: DateTime<Utc>,
        ) -> sqlx::query::Query<'q, $db, <$db as sqlx::Database>::Arguments<'q>> {
            q.bind(org.0)
                .bind(m.department.map(|d| d.0))
                .bind(m.name.expose().to_string())
                .bind(m.position.clone())
                .bind(m.gender.as_zh())
                .bind(v.index(Indexed::IdNumber, m.id_number.expose()))
                .bind(v.seal(Sealed::MemberIdNumber, m.id_number.expose()))
                .bind(v.index(Indexed::Phone, m.phone.expose()))
                .bind(v.seal(Sealed::MemberPhone, m.phone.expose()))
                .bind(m.email.as_ref().map(|e| e.as_str().to_string()))
                .bind(m.education.map(|e| e.as_zh()))
                .bind(micros(at))
                .bind(day_of(at))
        }

        /// Which member uniqueness rule a violation broke.
        fn member_conflict(constraint: &str) -> ErrorCode {
            if constraint.contains("phone") { ErrorCode::PhoneTaken } else { ErrorCode::IdNumberTaken }
        }

        fn day_of(t: DateTime<Utc>) -> NaiveDate {
            t.with_timezone(&ccsa_core::clock::china_offset()).date_naive()
        }

        /// The standings source and scope filter for a period, starting at parameter `$first`.
        fn standings_sql(scope: Scope, period: Period, first: usize) -> (String, usize) {
            let (points, reached, from, key) = match period {
                Period::Campaign => ("t.points", "t.reached_at", "member_totals t", String::new()),
                Period::Month { .. } => ("t.points", "t.reached_at", "member_months t", format!(" AND t.month = ${first}")),
                Period::Day(_) => ("t.points", "t.submitted_at", "submissions t", format!(" AND t.day = ${first}")),
            };
            let mut n = first + usize::from(!key.is_empty());
            let scope_sql = match scope {
                Scope::All => String::new(),
                Scope::County(_) => {
                    n += 1;
                    format!(" AND o.county = ${}", n - 1)
                }
                Scope::Org(_) => {
                    n += 1;
                    format!(" AND m.org = ${}", n - 1)
                }
                Scope::Department(_, Some(_)) => {
                    n += 2;
                    format!(" AND m.org = ${} AND m.department = ${}", n - 2, n - 1)
                }
                Scope::Department(_, None) => {
                    n += 1;
                    format!(" AND m.org = ${} AND m.department IS NULL", n - 1)
                }
            };
            (
                format!(
                    "SELECT t.member AS member, {points} AS points, {reached} AS reached_at, m.name AS name, m.org AS org, \
                     m.department AS department, o.county AS county \
                     FROM {from} JOIN members m ON m.id = t.member AND m.deleted_at IS NULL JOIN orgs o ON o.id = m.org \
                     WHERE 1 = 1{key}{scope_sql}"
                ),
                n,
            )
        }

        fn bind_standings<'q>(
            mut q: sqlx::query::Query<'q, $db, <$db as sqlx::Database>::Arguments<'q>>,
            scope: Scope,
            period: Period,
        ) -> sqlx::query::Query<'q, $db, <$db as sqlx::Database>::Arguments<'q>> {
            match period {
                Period::Campaign => {}
                Period::Month { year, month } => q = q.bind(i64::from(year) * 100 + i64::from(month)),
                Period::Day(d) => q = q.bind(d),
            }
            match scope {
                Scope::All => q,
                Scope::County(c) => q.bind(i64::from(c.0)),
                Scope::Org(o) => q.bind(o.0),
                Scope::Department(o, Some(d)) => q.bind(o.0).bind(d.0),
                Scope::Department(o, None) => q.bind(o.0),
            }
        }

        fn standing_from_row(r: &DbRow) -> Result<Standing> {
            let g = |e: sqlx::Error| db(e);
            Ok(Standing {
                member: MemberId(r.try_get("member").map_err(g)?),
                name: PersonName::parse(&r.try_get::<String, _>("name").map_err(g)?).map_err(|_| corrupt("member name"))?,
                org: OrgId(r.try_get("org").map_err(g)?),
                department: r.try_get::<Option<i64>, _>("department").map_err(g)?.map(DeptId),
                county: CountyId(r.try_get::<i64, _>("county").map_err(g)? as u16),
                points: r.try_get("points").map_err(g)?,
                reached_at: from_micros(r.try_get("reached_at").map_err(g)?)?,
            })
        }

        /// Active members whose phone or ID number is in the lists, on one
        /// connection (a pool connection or an open transaction): one query
        /// per column, the values bound as one list (`json_each` on SQLite,
        /// `= ANY` on PostgreSQL).
        async fn members_matching_on(
            v: &Vault,
            conn: &mut <$db as sqlx::Database>::Connection,
            phones: &[Phone],
            id_numbers: &[IdNumber],
        ) -> Result<Vec<Member>> {
            let mut found: BTreeMap<i64, Member> = BTreeMap::new();
            for (column, values) in [
                ("phone", phones.iter().map(|p| v.index(Indexed::Phone, p.expose())).collect::<Vec<_>>()),
                ("id_number", id_numbers.iter().map(|i| v.index(Indexed::IdNumber, i.expose())).collect::<Vec<_>>()),
            ] {
                if values.is_empty() {
                    continue;
                }
                let sql = format!("SELECT {MEMBER_COLS} FROM members WHERE deleted_at IS NULL AND {column} {}", <$store>::IN_TEXT_LIST);
                for r in <$store>::bind_texts(sqlx::query(&sql), values).fetch_all(&mut *conn).await.map_err(db)? {
                    let m = member_from_row(v, &r)?;
                    found.insert(m.id.0, m);
                }
            }
            Ok(found.into_values().collect())
        }

        /// An import transaction on this backend (see `ImportTx`).
        struct SqlImport {
            tx: sqlx::Transaction<'static, $db>,
            vault: Vault,
            org: OrgId,
            at: DateTime<Utc>,
            departments: HashSet<i64>,
            /// The next member id, once read (SQLite bulk path).
            next_id: Option<i64>,
        }

        impl SqlImport {
            /// Inserts new members; returns their ids in order.
            async fn insert_members(&mut self, creates: &[&NewMember]) -> Result<Vec<i64>> {
                if <$store>::JSON_BULK {
                    // SQLite: one statement per chunk, the rows as one JSON
                    // array; ids assigned here (the write lock is held, so
                    // `MAX(id)` cannot move under us).
                    let mut next = match self.next_id {
                        Some(n) => n,
                        None => {
                            let max: i64 = sqlx::query_scalar("SELECT COALESCE(MAX(id), 0) FROM members")
                                .fetch_one(&mut *self.tx)
                                .await
                                .map_err(db)?;
                            max + 1
                        }
                    };
                    let mut ids = Vec::with_capacity(creates.len());
                    let v = &self.vault;
                    let hex = |b: Option<Vec<u8>>| b.map(|b| hex_of(&b));
                    for chunk in creates.chunks(JSON_CHUNK) {
                        let rows: Vec<_> = chunk
                            .iter()
                            .map(|m| {
                                (
                                    m.department.map(|d| d.0),
                                    m.name.expose(),
                                    m.position.as_str(),
                                    m.gender.as_zh(),
                                    v.index(Indexed::IdNumber, m.id_number.expose()),
                                    v.index(Indexed::Phone, m.phone.expose()),
                                    m.email.as_ref().map(|e| e.as_str()),
                                    m.education.map(|e| e.as_zh()),
                                    hex(v.seal(Sealed::MemberIdNumber, m.id_number.expose())),
                                    hex(v.seal(Sealed::MemberPhone, m.phone.expose())),
                                )
                            })
                            .collect();
                        let json = serde_json::to_string(&rows).map_err(|_| corrupt("import rows"))?;
                        sqlx::query(
                            "INSERT INTO members (id, org, department, name, position, gender, id_number, phone, email, education, id_number_sealed, phone_sealed, created_at, created_on) \
                             SELECT $1 + key, $2, value ->> 0, value ->> 1, value ->> 2, value ->> 3, value ->> 4, value ->> 5, value ->> 6, value ->> 7, \
                             unhex(value ->> 8), unhex(value ->> 9), $3, $4 \
                             FROM json_each($5)",
                        )
                        .bind(next)
                        .bind(self.org.0)
                        .bind(micros(self.at))
                        .bind(day_of(self.at))
                        .bind(json)
                        .execute(&mut *self.tx)
                        .await
                        .map_err(|e| on_unique(e, member_conflict))?;
                        ids.extend(next..next + chunk.len() as i64);
                        next += chunk.len() as i64;
                    }
                    self.next_id = Some(next);
                    return Ok(ids);
                }
                // PostgreSQL: multi-row statements; ids come back keyed by phone.
                let mut ids = Vec::with_capacity(creates.len());
                for chunk in creates.chunks(CHUNK) {
                    let sql = format!(
                        "INSERT INTO members ({MEMBER_INSERT_COLS}) VALUES {} RETURNING id, phone",
                        <$store>::PLACEHOLDERS.values(chunk.len(), 13, 1)
                    );
                    let mut q = sqlx::query(&sql);
                    for m in chunk {
                        q = bind_member(q, &self.vault, self.org, m, self.at);
                    }
                    let rows = q.fetch_all(&mut *self.tx).await.map_err(|e| on_unique(e, member_conflict))?;
                    let mut by_phone: HashMap<String, i64> = HashMap::with_capacity(rows.len());
                    for r in rows {
                        by_phone.insert(r.try_get("phone").map_err(db)?, r.try_get("id").map_err(db)?);
                    }
                    for m in chunk {
                        let key = self.vault.index(Indexed::Phone, m.phone.expose());
                        ids.push(*by_phone.get(&key).ok_or_else(|| corrupt("import ids"))?);
                    }
                }
                Ok(ids)
            }
        }

        #[async_trait]
        impl ImportTx for SqlImport {
            async fn members_matching(&mut self, phones: &[Phone], id_numbers: &[IdNumber]) -> Result<Vec<Member>> {
                members_matching_on(&self.vault, &mut self.tx, phones, id_numbers).await
            }

            async fn write(&mut self, ops: Vec<ImportOp>) -> Result<Vec<MemberId>> {
                for op in &ops {
                    let (ImportOp::Create(m) | ImportOp::Update(_, m)) = op;
                    if m.department.is_some_and(|d| !self.departments.contains(&d.0)) {
                        return Err(ErrorCode::DepartmentNotFound.into());
                    }
                }
                let mut ids: Vec<Option<MemberId>> = vec![None; ops.len()];
                // Updates first (they may free a phone a new row takes), one by one.
                for (i, op) in ops.iter().enumerate() {
                    let ImportOp::Update(id, m) = op else { continue };
                    <$store>::update_member_row(&self.vault, &mut self.tx, self.org, *id, m).await?;
                    ids[i] = Some(*id);
                }
                let (slots, creates): (Vec<usize>, Vec<&NewMember>) = ops
                    .iter()
                    .enumerate()
                    .filter_map(|(i, op)| match op {
                        ImportOp::Create(m) => Some((i, m)),
                        ImportOp::Update(..) => None,
                    })
                    .unzip();
                if !creates.is_empty() {
                    let new_ids = self.insert_members(&creates).await?;
                    for (i, id) in slots.into_iter().zip(new_ids) {
                        ids[i] = Some(MemberId(id));
                    }
                }
                Ok(ids.into_iter().map(|i| i.expect("every op wrote a member")).collect())
            }

            async fn commit(self: Box<Self>) -> Result<()> {
                self.tx.commit().await.map_err(db)
            }
        }

        impl $store {
            /// Inserts a document (`id` None) or replaces one, with its
            /// bigram tokens (a column on PostgreSQL, the `laws_bigrams`
            /// FTS5 table on SQLite).
            async fn write_law(tx: &mut sqlx::Transaction<'static, $db>, id: Option<LawId>, d: &NewLawDoc) -> Result<LawId> {
                let sqlite = <$store>::BACKEND == "sqlite";
                let (title, summary, body) = (search_key(&d.title), search_key(&d.summary), search_key(&d.body));
                let grams = bigram_tokens(&[&d.code_key(), &title, &summary, &body]);
                let mut cols: Vec<&str> = LAW_WRITE_COLS.split(", ").collect();
                if !sqlite {
                    cols.push("bigrams");
                }
                let sql = match id {
                    None => format!("INSERT INTO laws ({}) VALUES {} RETURNING id", cols.join(", "), Placeholders::Numbered.values(1, cols.len(), 1)),
                    Some(_) => {
                        let sets: Vec<String> = cols.iter().enumerate().map(|(i, c)| format!("{c} = ${}", i + 1)).collect();
                        format!("UPDATE laws SET {} WHERE id = ${} RETURNING id", sets.join(", "), cols.len() + 1)
                    }
                };
                let mut q = sqlx::query(&sql)
                    .bind(d.code_key())
                    .bind(title)
                    .bind(summary)
                    .bind(d.effective_on)
                    .bind(d.issued_on)
                    .bind(d.repealed_on)
                    .bind(d.kind.as_zh())
                    .bind(body)
                    .bind(d.code.clone())
                    .bind(d.title.clone())
                    .bind(d.issuer.clone())
                    .bind(d.superseded_by.clone())
                    .bind(d.summary.clone())
                    .bind(d.body.clone());
                if !sqlite {
                    q = <$store>::bind_texts(q, grams.clone());
                }
                if let Some(id) = id {
                    q = q.bind(id.0);
                }
                let row = q.fetch_optional(&mut **tx).await.map_err(|e| on_unique(e, law_conflict))?.ok_or(ErrorCode::LawNotFound)?;
                let id = LawId(row.try_get("id").map_err(db)?);
                if sqlite {
                    sqlx::query("DELETE FROM laws_bigrams WHERE rowid = $1").bind(id.0).execute(&mut **tx).await.map_err(db)?;
                    sqlx::query("INSERT INTO laws_bigrams (rowid, grams) VALUES ($1, $2)")
                        .bind(id.0)
                        .bind(grams.join(" "))
                        .execute(&mut **tx)
                        .await
                        .map_err(db)?;
                }
                Ok(id)
            }

            /// The answers of attempts, by attempt, each in the order first saved.
            async fn attempt_answers(pool: &sqlx::Pool<$db>, ids: &[i64]) -> Result<HashMap<i64, Vec<SavedAnswer>>> {
                let mut out: HashMap<i64, Vec<SavedAnswer>> = HashMap::new();
                for chunk in ids.chunks(500) {
                    if chunk.is_empty() {
                        continue;
                    }
                    let list: Vec<String> = (1..=chunk.len()).map(|i| format!("${i}")).collect();
                    let sql = format!("SELECT attempt, question, chosen, at FROM attempt_answers WHERE attempt IN ({}) ORDER BY attempt, seq", list.join(", "));
                    let mut q = sqlx::query(&sql);
                    for id in chunk {
                        q = q.bind(*id);
                    }
                    for r in q.fetch_all(pool).await.map_err(db)? {
                        let chosen = u8::try_from(r.try_get::<i64, _>("chosen").map_err(db)?).map_err(|_| corrupt("answer choices"))?;
                        out.entry(r.try_get("attempt").map_err(db)?).or_default().push(SavedAnswer {
                            question: QuestionId(r.try_get("question").map_err(db)?),
                            chosen: Choices(chosen),
                            at: from_micros(r.try_get("at").map_err(db)?)?,
                        });
                    }
                }
                Ok(out)
            }

            /// Inserts one member row (unique phone and ID number among active members).
            async fn insert_member_row(v: &Vault, tx: &mut sqlx::Transaction<'static, $db>, org: OrgId, m: &NewMember, at: DateTime<Utc>) -> Result<i64> {
                let sql = format!("INSERT INTO members ({MEMBER_INSERT_COLS}) VALUES {} RETURNING id", <$store>::PLACEHOLDERS.values(1, 13, 1));
                let row = bind_member(sqlx::query(&sql), v, org, m, at).fetch_one(&mut **tx).await.map_err(|e| on_unique(e, member_conflict))?;
                row.try_get("id").map_err(db)
            }

            /// Replaces an active member's details (`MEMBER_NOT_FOUND` outside the org).
            async fn update_member_row(v: &Vault, tx: &mut sqlx::Transaction<'static, $db>, org: OrgId, id: MemberId, m: &NewMember) -> Result<()> {
                let r = sqlx::query(
                    "UPDATE members SET department = $1, name = $2, position = $3, gender = $4, id_number = $5, phone = $6, \
                     email = $7, education = $8, id_number_sealed = $9, phone_sealed = $10 WHERE id = $11 AND org = $12 AND deleted_at IS NULL",
                )
                .bind(m.department.map(|d| d.0))
                .bind(m.name.expose())
                .bind(&m.position)
                .bind(m.gender.as_zh())
                .bind(v.index(Indexed::IdNumber, m.id_number.expose()))
                .bind(v.index(Indexed::Phone, m.phone.expose()))
                .bind(m.email.as_ref().map(|e| e.as_str().to_string()))
                .bind(m.education.map(|e| e.as_zh()))
                .bind(v.seal(Sealed::MemberIdNumber, m.id_number.expose()))
                .bind(v.seal(Sealed::MemberPhone, m.phone.expose()))
                .bind(id.0)
                .bind(org.0)
                .execute(&mut **tx)
                .await
                .map_err(|e| on_unique(e, member_conflict))?;
                if r.rows_affected() == 0 {
                    return Err(ErrorCode::MemberNotFound.into());
                }
                Ok(())
            }

            async fn county_of(&self, tx: &mut sqlx::Transaction<'static, $db>, org: OrgId) -> Result<i64> {
                if let Some(c) = self.counties.lock().expect("county cache").get(&org.0) {
                    return Ok(*c);
                }
                let c: i64 = sqlx::query_scalar("SELECT county FROM orgs WHERE id = $1")
                    .bind(org.0)
                    .fetch_optional(&mut **tx)
                    .await
                    .map_err(db)?
                    .ok_or(ErrorCode::OrgNotFound)?;
                self.counties.lock().expect("county cache").insert(org.0, c);
                Ok(c)
            }

            async fn department_in_org(tx: &mut sqlx::Transaction<'static, $db>, org: OrgId, dept: Option<DeptId>) -> Result<()> {
                if let Some(d) = dept {
                    let found: Option<i64> = sqlx::query_scalar("SELECT id FROM departments WHERE id = $1 AND org = $2")
                        .bind(d.0)
                        .bind(org.0)
                        .fetch_optional(&mut **tx)
                        .await
                        .map_err(db)?;
                    if found.is_none() {
                        return Err(ErrorCode::DepartmentNotFound.into());
                    }
                }
                Ok(())
            }

            async fn write_batch(&self, subs: Vec<DailySubmission>) -> Result<Vec<SubmissionOutcome>> {
                let mut tx = self.tx().await?;
                // Keep the first submission of each (member, day) in the batch.
                let mut first_index: HashMap<(i64, NaiveDate), usize> = HashMap::new();
                let mut unique: Vec<usize> = Vec::new();
                for (i, s) in subs.iter().enumerate() {
                    if let std::collections::hash_map::Entry::Vacant(e) = first_index.entry((s.member.0, s.day)) {
                        e.insert(i);
                        unique.push(i);
                    }
                }
                // 1. the answer log, deduplicated by the primary key (backend bulk path)
                let firsts: Vec<&DailySubmission> = unique.iter().map(|&i| &subs[i]).collect();
                let inserted = <$store>::insert_log(&mut tx, &firsts).await?;
                let new: Vec<&DailySubmission> = firsts.into_iter().filter(|s| inserted.contains(&(s.member.0, s.day))).collect();
                // 2. ledger (backend bulk path)
                let entries: Vec<&LedgerEntry> = new.iter().flat_map(|s| s.ledger.iter()).filter(|e| e.points != 0).collect();
                <$store>::insert_ledger(&mut tx, &entries).await?;
                // 3. rollups, aggregated per key so each row is touched once
                /// One rollup row's change: points, days, first submission,
                /// and the latest submission that added points.
                struct Agg {
                    org: i64,
                    points: i64,
                    days: i64,
                    first: i64,
                    positive: Option<i64>,
                }
                impl Agg {
                    fn new(org: i64, at: i64) -> Agg {
                        Agg { org, points: 0, days: 0, first: at, positive: None }
                    }
                    fn add(&mut self, points: i64, at: i64) {
                        self.points += points;
                        self.days += 1;
                        self.first = self.first.min(at);
                        if points > 0 {
                            self.positive = Some(self.positive.map_or(at, |p| p.max(at)));
                        }
                    }
                }
                let mut totals: BTreeMap<i64, Agg> = BTreeMap::new();
                let mut months: BTreeMap<(i64, i64), Agg> = BTreeMap::new();
                let mut org_days: BTreeMap<(i64, NaiveDate), (i64, i64)> = BTreeMap::new();
                for s in &new {
                    let at = micros(s.submitted_at);
                    // totals follow the ledger; monthly rollups follow the log
                    let ledger_points: i64 = s.ledger.iter().map(|e| e.points).sum();
                    totals.entry(s.member.0).or_insert_with(|| Agg::new(s.org.0, at)).add(ledger_points, at);
                    months.entry((s.member.0, month_of(s.day))).or_insert_with(|| Agg::new(s.org.0, at)).add(s.points, at);
                    let d = org_days.entry((s.org.0, s.day)).or_insert((0, 0));
                    d.0 += 1;
                    d.1 += s.points;
                }
                let mut county: HashMap<i64, i64> = HashMap::new();
                for a in totals.values() {
                    if let std::collections::hash_map::Entry::Vacant(e) = county.entry(a.org) {
                        e.insert(self.county_of(&mut tx, OrgId(a.org)).await?);
                    }
                }
                // 4. review cards: the last change per (member, question) wins
                let mut cards: BTreeMap<(i64, i64), Option<ReviewCard>> = BTreeMap::new();
                for s in &new {
                    for c in &s.reviews {
                        match c {
                            ReviewChange::Upsert(card) => cards.insert((s.member.0, card.question.0), Some(*card)),
                            ReviewChange::Remove(q) => cards.insert((s.member.0, q.0), None),
                        };
                    }
                }
                let rollups = Rollups {
                    totals: totals.iter().map(|(m, a)| (*m, a.org, county[&a.org], a.points, a.positive.unwrap_or(a.first))).collect(),
                    months: months
                        .iter()
                        .map(|((m, month), a)| (*m, *month, a.org, county[&a.org], a.points, a.days, a.positive.unwrap_or(a.first)))
                        .collect(),
                    org_days: org_days.iter().map(|((org, day), (n, p))| (*org, *day, *n, *p)).collect(),
                    card_upserts: cards.iter().filter_map(|((m, _), c)| c.map(|c| (*m, c))).collect(),
                    card_removals: cards.iter().filter(|(_, c)| c.is_none()).map(|(k, _)| *k).collect(),
                };
                <$store>::write_rollups(&mut tx, &rollups).await?;
                // 5. outcomes; submissions stored before this batch are read back
                let mut stored: HashMap<(i64, NaiveDate), QuizResult> = HashMap::new();
                for &i in &unique {
                    let s = &subs[i];
                    if !inserted.contains(&(s.member.0, s.day)) {
                        let r = sqlx::query("SELECT member, day, submitted_at, correct, points, answers FROM submissions WHERE member = $1 AND day = $2")
                            .bind(s.member.0)
                            .bind(s.day)
                            .fetch_one(&mut *tx)
                            .await
                            .map_err(db)?;
                        stored.insert((s.member.0, s.day), result_from_row(&r)?);
                    }
                }
                tx.commit().await.map_err(db)?;
                Ok(subs
                    .iter()
                    .enumerate()
                    .map(|(i, s)| {
                        let key = (s.member.0, s.day);
                        let fi = first_index[&key];
                        match stored.get(&key) {
                            Some(r) => SubmissionOutcome { result: r.clone(), first: false },
                            None => SubmissionOutcome { result: subs[fi].result(), first: fi == i },
                        }
                    })
                    .collect())
            }
        }

        impl $store {
            /// Brings the database under the vault's current key (see
            /// `crate::vault`): checks that the keyring holds the key the
            /// database is under, seals plaintext rows and re-seals rows
            /// under a retired key, [`BATCH`] rows per transaction.
            pub(crate) async fn prepare_vault(&self) -> Result<()> {
                let v = self.vault().clone();
                let row = sqlx::query("SELECT key_id, key_check FROM vault WHERE id = 1").fetch_optional(self.writer()).await.map_err(db)?;
                let on_file: Option<(u32, Vec<u8>)> = match row {
                    Some(r) => Some((r.try_get::<i64, _>("key_id").map_err(db)? as u32, r.try_get("key_check").map_err(db)?)),
                    None => None,
                };
                let Some((current, check)) = v.current() else {
                    return match on_file {
                        Some(_) => Err(key_error("this database is sealed: open it with its keyring")),
                        None => Ok(()),
                    };
                };
                let rotating = match &on_file {
                    None => {
                        let mut tx = self.tx().await?;
                        // Another process opening the same plaintext database
                        // may win this insert: then its key must be ours.
                        let won = sqlx::query("INSERT INTO vault (id, key_id, key_check) VALUES (1, $1, $2) ON CONFLICT (id) DO NOTHING")
                            .bind(i64::from(current))
                            .bind(check.clone())
                            .execute(&mut *tx)
                            .await
                            .map_err(db)?
                            .rows_affected()
                            == 1;
                        if !won {
                            let r = sqlx::query("SELECT key_id, key_check FROM vault WHERE id = 1").fetch_one(&mut *tx).await.map_err(db)?;
                            let (id, c): (i64, Vec<u8>) = (r.try_get("key_id").map_err(db)?, r.try_get("key_check").map_err(db)?);
                            if id != i64::from(current) || !v.holds(current, &c) {
                                return Err(key_error("another process sealed this database under another key"));
                            }
                        }
                        // Lock-out keys are indexed from now on: old counts restart.
                        sqlx::query("DELETE FROM failures").execute(&mut *tx).await.map_err(db)?;
                        tx.commit().await.map_err(db)?;
                        false
                    }
                    Some((id, c)) if v.holds(*id, c) => *id != current,
                    Some((id, _)) => {
                        return Err(key_error(&format!(
                            "the database is sealed under key {id}, which the keyring does not hold (or holds a different key under that id)"
                        )))
                    }
                };
                let mut converted = 0;
                for t in &SEALED_TABLES {
                    converted += self.reseal_table(t, current, rotating).await?;
                }
                if converted > 0 {
                    // Old plaintext copies: both backends rewrite what held
                    // them (SQLite the file and its WAL, PostgreSQL the
                    // tables without their dead tuples), on one connection.
                    let mut conn = self.writer().acquire().await.map_err(db)?;
                    for stmt in <$store>::AFTER_SEALING {
                        sqlx::query(stmt).execute(&mut *conn).await.map_err(db)?;
                    }
                }
                if rotating {
                    let mut tx = self.tx().await?;
                    sqlx::query("UPDATE vault SET key_id = $1, key_check = $2 WHERE id = 1")
                        .bind(i64::from(current))
                        .bind(check)
                        .execute(&mut *tx)
                        .await
                        .map_err(db)?;
                    sqlx::query("DELETE FROM failures").execute(&mut *tx).await.map_err(db)?;
                    tx.commit().await.map_err(db)?;
                }
                Ok(())
            }

            /// Seals the rows of one table that are plaintext (or, when
            /// `rotating`, under another key than `current`); how many.
            async fn reseal_table(&self, t: &SealedTable, current: u32, rotating: bool) -> Result<u64> {
                let v = self.vault().clone();
                let table = t.table;
                let cols = t.columns.iter().map(|(c, sealed, ..)| format!("{c}, {sealed}")).collect::<Vec<_>>().join(", ");
                let filter = if rotating {
                    "1 = 1".to_string()
                } else {
                    t.columns.iter().map(|(c, sealed, ..)| format!("({c} IS NOT NULL AND {sealed} IS NULL)")).collect::<Vec<_>>().join(" OR ")
                };
                let select = format!("SELECT id, {cols} FROM {table} WHERE id > $1 AND ({filter}) ORDER BY id LIMIT $2");
                let sets = t
                    .columns
                    .iter()
                    .enumerate()
                    .map(|(i, (c, sealed, ..))| format!("{c} = ${}, {sealed} = ${}", 2 * i + 1, 2 * i + 2))
                    .collect::<Vec<_>>()
                    .join(", ");
                let last = 2 * t.columns.len() + 1;
                let update = format!("UPDATE {table} SET {sets} WHERE id = ${last}");
                let (mut after, mut n) = (0i64, 0u64);
                loop {
                    let mut tx = self.tx().await?;
                    let rows = sqlx::query(&select).bind(after).bind(BATCH as i64).fetch_all(&mut *tx).await.map_err(db)?;
                    if rows.is_empty() {
                        return Ok(n);
                    }
                    for r in &rows {
                        after = r.try_get("id").map_err(db)?;
                        let mut q = sqlx::query(&update);
                        let mut stale = false;
                        for (c, sealed, which, kind) in t.columns {
                            let text: Option<String> = r.try_get(*c).map_err(db)?;
                            let bytes: Option<Vec<u8>> = r.try_get(*sealed).map_err(db)?;
                            let value = v.reveal_opt(*which, bytes.as_deref(), text)?;
                            stale |= match &bytes {
                                None => value.is_some(),
                                Some(b) => Vault::key_of(b) != Some(current),
                            };
                            q = q
                                .bind(value.as_deref().map(|x| v.index(*kind, x)))
                                .bind(value.as_deref().and_then(|x| v.seal(*which, x)));
                        }
                        if stale {
                            q.bind(after).execute(&mut *tx).await.map_err(db)?;
                            n += 1;
                        }
                    }
                    tx.commit().await.map_err(db)?;
                }
            }
        }

        #[async_trait]
        impl Store for $store {
            fn backend(&self) -> &'static str {
                <$store>::BACKEND
            }

            async fn insert_org(&self, new: NewOrg) -> Result<Org> {
                let [ln, lp, qn, qp] = contact_columns(&new.contacts);
                let v = self.vault();
                let (lps, qps) = (
                    lp.as_deref().and_then(|p| v.seal(Sealed::LeaderPhone, p)),
                    qp.as_deref().and_then(|p| v.seal(Sealed::LiaisonPhone, p)),
                );
                let (lp, qp) = (lp.map(|p| v.index(Indexed::Phone, &p)), qp.map(|p| v.index(Indexed::Phone, &p)));
                let sql = format!(
                    "INSERT INTO orgs (county, kind, name, credit_code, leader_name, leader_phone, liaison_name, liaison_phone, listed_on, leader_phone_sealed, liaison_phone_sealed) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING {ORG_COLS}"
                );
                let row = sqlx::query(&sql)
                    .bind(i64::from(new.county.0))
                    .bind(kind_str(new.kind))
                    .bind(&new.name)
                    .bind(new.credit_code.as_ref().map(|c| c.as_str().to_string()))
                    .bind(ln)
                    .bind(lp)
                    .bind(qn)
                    .bind(qp)
                    .bind(new.listed_on)
                    .bind(lps)
                    .bind(qps)
                    .fetch_one(self.writer())
                    .await
                    .map_err(|e| on_unique(e, |_| ErrorCode::OrgAlreadyListed))?;
                org_from_row(self.vault(), &row)
            }

            async fn org(&self, id: OrgId) -> Result<Option<Org>> {
                let sql = format!("SELECT {ORG_COLS} FROM orgs WHERE id = $1");
                let row = sqlx::query(&sql).bind(id.0).fetch_optional(self.reader()).await.map_err(db)?;
                row.as_ref().map(|r| org_from_row(self.vault(), r)).transpose()
            }

            async fn orgs(&self) -> Result<Vec<Org>> {
                let sql = format!("SELECT {ORG_COLS} FROM orgs ORDER BY id");
                sqlx::query(&sql).fetch_all(self.reader()).await.map_err(db)?.iter().map(|r| org_from_row(self.vault(), r)).collect()
            }

            async fn org_by_name(&self, name: &str) -> Result<Option<Org>> {
                let Ok(name) = ccsa_core::registry::parse_org_name(name) else { return Ok(None) };
                let sql = format!(
                    "SELECT {ORG_COLS} FROM orgs WHERE name = $1 ORDER BY CASE WHEN retired_on IS NULL THEN 0 ELSE 1 END, retired_on DESC LIMIT 1"
                );
                let row = sqlx::query(&sql).bind(name).fetch_optional(self.reader()).await.map_err(db)?;
                row.as_ref().map(|r| org_from_row(self.vault(), r)).transpose()
            }

            async fn retire_org(&self, id: OrgId, on: NaiveDate) -> Result<Org> {
                let mut tx = self.tx().await?;
                let sql = format!("SELECT {ORG_COLS} FROM orgs WHERE id = $1");
                let row = sqlx::query(&sql).bind(id.0).fetch_optional(&mut *tx).await.map_err(db)?.ok_or(ErrorCode::OrgNotFound)?;
                let mut org = org_from_row(self.vault(), &row)?;
                if org.retired_on.is_some() {
                    return Err(ErrorCode::OrgRetired.into());
                }
                sqlx::query("UPDATE orgs SET retired_on = $1 WHERE id = $2").bind(on).bind(id.0).execute(&mut *tx).await.map_err(db)?;
                tx.commit().await.map_err(db)?;
                org.retired_on = Some(on);
                Ok(org)
            }

            async fn set_org_contacts(&self, id: OrgId, contacts: OrgContacts) -> Result<Org> {
                let [ln, lp, qn, qp] = contact_columns(&contacts);
                let v = self.vault();
                let (lps, qps) = (
                    lp.as_deref().and_then(|p| v.seal(Sealed::LeaderPhone, p)),
                    qp.as_deref().and_then(|p| v.seal(Sealed::LiaisonPhone, p)),
                );
                let (lp, qp) = (lp.map(|p| v.index(Indexed::Phone, &p)), qp.map(|p| v.index(Indexed::Phone, &p)));
                let sql = format!(
                    "UPDATE orgs SET leader_name = $1, leader_phone = $2, liaison_name = $3, liaison_phone = $4, \
                     leader_phone_sealed = $5, liaison_phone_sealed = $6 WHERE id = $7 RETURNING {ORG_COLS}"
                );
                let row = sqlx::query(&sql)
                    .bind(ln)
                    .bind(lp)
                    .bind(qn)
                    .bind(qp)
                    .bind(lps)
                    .bind(qps)
                    .bind(id.0)
                    .fetch_optional(self.writer())
                    .await
                    .map_err(db)?
                    .ok_or(ErrorCode::OrgNotFound)?;
                org_from_row(self.vault(), &row)
            }

            async fn claim_admin_seat(&self, admin: NewAdmin) -> Result<AdminSeat> {
                let mut tx = self.tx().await?;
                let org: Option<i64> = sqlx::query_scalar("SELECT id FROM orgs WHERE id = $1").bind(admin.org.0).fetch_optional(&mut *tx).await.map_err(db)?;
                if org.is_none() {
                    return Err(ErrorCode::OrgNotFound.into());
                }
                let id: Option<i64> = sqlx::query_scalar(
                    "INSERT INTO admins (org, username, real_name, phone, email, password_hash, registered_at, phone_sealed) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (org) DO NOTHING RETURNING id",
                )
                .bind(admin.org.0)
                .bind(admin.username.as_str())
                .bind(admin.real_name.expose())
                .bind(self.vault().index(Indexed::Phone, admin.phone.expose()))
                .bind(admin.email.as_ref().map(|e| e.as_str().to_string()))
                .bind(&admin.password_hash)
                .bind(micros(admin.registered_at))
                .bind(self.vault().seal(Sealed::AdminPhone, admin.phone.expose()))
                .fetch_optional(&mut *tx)
                .await
                .map_err(|e| on_unique(e, |_| ErrorCode::UsernameTaken))?;
                let Some(id) = id else { return Err(ErrorCode::AdminAlreadyRegistered.into()) };
                tx.commit().await.map_err(db)?;
                Ok(AdminSeat { id: AdminId(id), admin })
            }

            async fn admin_seat(&self, org: OrgId) -> Result<Option<AdminSeat>> {
                let sql = format!("SELECT {ADMIN_COLS} FROM admins WHERE org = $1");
                let row = sqlx::query(&sql).bind(org.0).fetch_optional(self.reader()).await.map_err(db)?;
                row.as_ref().map(|r| admin_from_row(self.vault(), r)).transpose()
            }

            async fn admin_by_username(&self, username: &Username) -> Result<Option<AdminSeat>> {
                let sql = format!("SELECT {ADMIN_COLS} FROM admins WHERE username = $1");
                let row = sqlx::query(&sql).bind(username.as_str()).fetch_optional(self.reader()).await.map_err(db)?;
                row.as_ref().map(|r| admin_from_row(self.vault(), r)).transpose()
            }

            async fn put_session(&self, s: AdminSession) -> Result<()> {
                sqlx::query("INSERT INTO sessions (digest, admin, org, issued_at, expires_at, revoked) VALUES ($1, $2, $3, $4, $5, $6)")
                    .bind(s.digest.0.to_vec())
                    .bind(s.admin.0)
                    .bind(s.org.0)
                    .bind(micros(s.issued_at))
                    .bind(micros(s.expires_at))
                    .bind(s.revoked)
                    .execute(self.writer())
                    .await
                    .map_err(db)?;
                Ok(())
            }

            async fn session(&self, digest: &TokenDigest) -> Result<Option<AdminSession>> {
                let row = sqlx::query("SELECT digest, admin, org, issued_at, expires_at, revoked FROM sessions WHERE digest = $1")
                    .bind(digest.0.to_vec())
                    .fetch_optional(self.reader())
                    .await
                    .map_err(db)?;
                let Some(r) = row else { return Ok(None) };
                Ok(Some(AdminSession {
                    digest: *digest,
                    admin: AdminId(r.try_get("admin").map_err(db)?),
                    org: OrgId(r.try_get("org").map_err(db)?),
                    issued_at: from_micros(r.try_get("issued_at").map_err(db)?)?,
                    expires_at: from_micros(r.try_get("expires_at").map_err(db)?)?,
                    revoked: r.try_get("revoked").map_err(db)?,
                }))
            }

            async fn revoke_session(&self, digest: &TokenDigest) -> Result<bool> {
                let r = sqlx::query("UPDATE sessions SET revoked = $1 WHERE digest = $2")
                    .bind(true)
                    .bind(digest.0.to_vec())
                    .execute(self.writer())
                    .await
                    .map_err(db)?;
                Ok(r.rows_affected() > 0)
            }

            async fn revoke_sessions_of(&self, admin: AdminId) -> Result<u32> {
                let r = sqlx::query("UPDATE sessions SET revoked = $1 WHERE admin = $2 AND revoked = $3")
                    .bind(true)
                    .bind(admin.0)
                    .bind(false)
                    .execute(self.writer())
                    .await
                    .map_err(db)?;
                Ok(r.rows_affected() as u32)
            }

            async fn append_audit(&self, entry: NewAuditEntry) -> Result<AuditEntry> {
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO audit_log (org, admin, action, target, detail, at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
                )
                .bind(entry.org.0)
                .bind(entry.admin.map(|a| a.0))
                .bind(entry.action.as_str())
                .bind(entry.target)
                .bind(&entry.detail)
                .bind(micros(entry.at))
                .fetch_one(self.writer())
                .await
                .map_err(db)?;
                Ok(AuditEntry { id, entry })
            }

            async fn audit_entries(
                &self,
                org: OrgId,
                from: DateTime<Utc>,
                to: DateTime<Utc>,
                after: i64,
                limit: usize,
            ) -> Result<Vec<AuditEntry>> {
                let rows = sqlx::query(
                    "SELECT id, org, admin, action, target, detail, at FROM audit_log \
                     WHERE org = $1 AND id > $2 AND at >= $3 AND at < $4 ORDER BY id LIMIT $5",
                )
                .bind(org.0)
                .bind(after)
                .bind(micros(from))
                .bind(micros(to))
                .bind(limit.min(10_000) as i64)
                .fetch_all(self.reader())
                .await
                .map_err(db)?;
                rows.iter()
                    .map(|r| {
                        let action: String = r.try_get("action").map_err(db)?;
                        Ok(AuditEntry {
                            id: r.try_get("id").map_err(db)?,
                            entry: NewAuditEntry {
                                org: OrgId(r.try_get("org").map_err(db)?),
                                admin: r.try_get::<Option<i64>, _>("admin").map_err(db)?.map(AdminId),
                                action: AuditAction::parse(&action).ok_or_else(|| corrupt("audit action"))?,
                                target: r.try_get("target").map_err(db)?,
                                detail: r.try_get("detail").map_err(db)?,
                                at: from_micros(r.try_get("at").map_err(db)?)?,
                            },
                        })
                    })
                    .collect()
            }

            async fn prune_audit(&self, before: DateTime<Utc>) -> Result<u64> {
                let r = sqlx::query("DELETE FROM audit_log WHERE at < $1")
                    .bind(micros(before))
                    .execute(self.writer())
                    .await
                    .map_err(db)?;
                Ok(r.rows_affected())
            }

            async fn claim_attempt(&self, keys: &[String], attempt: u64, at: DateTime<Utc>, policy: Lockout) -> Result<()> {
                let mut tx = self.tx().await?;
                // SQLite: BEGIN IMMEDIATE already serialises writers.
                // PostgreSQL: one advisory lock per key, in key order.
                let mut sorted: Vec<String> = keys.iter().map(|k| self.vault().index(Indexed::LockKey, k)).collect();
                sorted.sort();
                sorted.dedup();
                if let Some(lock) = <$store>::LOCK_KEY {
                    for k in &sorted {
                        sqlx::query(lock).bind(k.as_str()).execute(&mut *tx).await.map_err(db)?;
                    }
                }
                let since = policy.window_start(at);
                let mut until: Option<DateTime<Utc>> = None;
                for k in &sorted {
                    // Entries older than the window no longer count: drop them.
                    sqlx::query("DELETE FROM failures WHERE key = $1 AND at <= $2")
                        .bind(k.as_str())
                        .bind(micros(since))
                        .execute(&mut *tx)
                        .await
                        .map_err(db)?;
                    let times: Vec<i64> = sqlx::query_scalar("SELECT at FROM failures WHERE key = $1 AND at > $2")
                        .bind(k.as_str())
                        .bind(micros(since))
                        .fetch_all(&mut *tx)
                        .await
                        .map_err(db)?;
                    let times = times.into_iter().map(from_micros).collect::<Result<Vec<_>>>()?;
                    if let Some(u) = policy.locked_until(&times, at) {
                        until = Some(until.map_or(u, |x| x.max(u)));
                    }
                }
                if let Some(u) = until {
                    return Err(ccsa_core::Error::locked_until(u));
                }
                for k in &sorted {
                    sqlx::query("INSERT INTO failures (key, at, attempt) VALUES ($1, $2, $3)")
                        .bind(k.as_str())
                        .bind(micros(at))
                        .bind(attempt as i64)
                        .execute(&mut *tx)
                        .await
                        .map_err(db)?;
                }
                tx.commit().await.map_err(db)
            }

            async fn release_attempt(&self, keys: &[String], attempt: u64) -> Result<u64> {
                let mut n = 0;
                for k in keys {
                    n += sqlx::query("DELETE FROM failures WHERE key = $1 AND attempt = $2")
                        .bind(self.vault().index(Indexed::LockKey, k))
                        .bind(attempt as i64)
                        .execute(self.writer())
                        .await
                        .map_err(db)?
                        .rows_affected();
                }
                Ok(n)
            }

            async fn failures_since(&self, key: &str, since: DateTime<Utc>) -> Result<Vec<DateTime<Utc>>> {
                let rows: Vec<i64> = sqlx::query_scalar("SELECT at FROM failures WHERE key = $1 AND at > $2 ORDER BY at")
                    .bind(self.vault().index(Indexed::LockKey, key))
                    .bind(micros(since))
                    .fetch_all(self.reader())
                    .await
                    .map_err(db)?;
                rows.into_iter().map(from_micros).collect()
            }

            async fn create_department(&self, org: OrgId, name: DepartmentName) -> Result<Department> {
                let mut tx = self.tx().await?;
                let found: Option<i64> = sqlx::query_scalar("SELECT id FROM orgs WHERE id = $1").bind(org.0).fetch_optional(&mut *tx).await.map_err(db)?;
                if found.is_none() {
                    return Err(ErrorCode::OrgNotFound.into());
                }
                let id: i64 = sqlx::query_scalar("INSERT INTO departments (org, name) VALUES ($1, $2) RETURNING id")
                    .bind(org.0)
                    .bind(name.as_str())
                    .fetch_one(&mut *tx)
                    .await
                    .map_err(|e| on_unique(e, |_| ErrorCode::DepartmentNameTaken))?;
                tx.commit().await.map_err(db)?;
                Ok(Department { id: DeptId(id), org, name })
            }

            async fn rename_department(&self, org: OrgId, id: DeptId, name: DepartmentName) -> Result<Department> {
                let r = sqlx::query("UPDATE departments SET name = $1 WHERE id = $2 AND org = $3")
                    .bind(name.as_str())
                    .bind(id.0)
                    .bind(org.0)
                    .execute(self.writer())
                    .await
                    .map_err(|e| on_unique(e, |_| ErrorCode::DepartmentNameTaken))?;
                if r.rows_affected() == 0 {
                    return Err(ErrorCode::DepartmentNotFound.into());
                }
                Ok(Department { id, org, name })
            }

            async fn delete_department(&self, org: OrgId, id: DeptId) -> Result<DepartmentDeletion> {
                let mut tx = self.tx().await?;
                <$store>::department_in_org(&mut tx, org, Some(id)).await?;
                let moved: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM members WHERE department = $1 AND deleted_at IS NULL")
                    .bind(id.0)
                    .fetch_one(&mut *tx)
                    .await
                    .map_err(db)?;
                sqlx::query("UPDATE members SET department = NULL WHERE department = $1").bind(id.0).execute(&mut *tx).await.map_err(db)?;
                sqlx::query("DELETE FROM departments WHERE id = $1").bind(id.0).execute(&mut *tx).await.map_err(db)?;
                tx.commit().await.map_err(db)?;
                Ok(DepartmentDeletion { department: id, members_moved: moved as u32 })
            }

            async fn departments(&self, org: OrgId) -> Result<Vec<Department>> {
                let rows = sqlx::query("SELECT id, name FROM departments WHERE org = $1").bind(org.0).fetch_all(self.reader()).await.map_err(db)?;
                let mut out = rows
                    .iter()
                    .map(|r| {
                        Ok(Department {
                            id: DeptId(r.try_get("id").map_err(db)?),
                            org,
                            name: DepartmentName::parse(&r.try_get::<String, _>("name").map_err(db)?).map_err(|_| corrupt("department name"))?,
                        })
                    })
                    .collect::<Result<Vec<_>>>()?;
                out.sort_by(|a, b| a.name.cmp(&b.name));
                Ok(out)
            }

            async fn insert_member(&self, org: OrgId, m: NewMember, at: DateTime<Utc>) -> Result<Member> {
                let mut tx = self.tx().await?;
                let found: Option<i64> = sqlx::query_scalar("SELECT id FROM orgs WHERE id = $1").bind(org.0).fetch_optional(&mut *tx).await.map_err(db)?;
                if found.is_none() {
                    return Err(ErrorCode::OrgNotFound.into());
                }
                <$store>::department_in_org(&mut tx, org, m.department).await?;
                let id = <$store>::insert_member_row(self.vault(), &mut tx, org, &m, at).await?;
                tx.commit().await.map_err(db)?;
                Ok(Member { id: MemberId(id), org, details: m, created_at: DateTime::from_timestamp_micros(micros(at)).unwrap_or(at) })
            }

            async fn update_member(&self, org: OrgId, id: MemberId, m: NewMember) -> Result<Member> {
                let mut tx = self.tx().await?;
                let sql = format!("SELECT {MEMBER_COLS} FROM members WHERE id = $1 AND org = $2 AND deleted_at IS NULL");
                let row = sqlx::query(&sql).bind(id.0).bind(org.0).fetch_optional(&mut *tx).await.map_err(db)?.ok_or(ErrorCode::MemberNotFound)?;
                let old = member_from_row(self.vault(), &row)?;
                <$store>::department_in_org(&mut tx, org, m.department).await?;
                <$store>::update_member_row(self.vault(), &mut tx, org, id, &m).await?;
                tx.commit().await.map_err(db)?;
                Ok(Member { details: m, ..old })
            }

            async fn delete_member(&self, org: OrgId, id: MemberId, at: DateTime<Utc>) -> Result<()> {
                let mut tx = self.tx().await?;
                let r = sqlx::query("UPDATE members SET deleted_at = $1, deleted_on = $2 WHERE id = $3 AND org = $4 AND deleted_at IS NULL")
                    .bind(micros(at))
                    .bind(day_of(at))
                    .bind(id.0)
                    .bind(org.0)
                    .execute(&mut *tx)
                    .await
                    .map_err(db)?;
                if r.rows_affected() == 0 {
                    return Err(ErrorCode::MemberNotFound.into());
                }
                sqlx::query("DELETE FROM bindings WHERE member = $1").bind(id.0).execute(&mut *tx).await.map_err(db)?;
                tx.commit().await.map_err(db)?;
                Ok(())
            }

            async fn member(&self, org: OrgId, id: MemberId) -> Result<Option<Member>> {
                let sql = format!("SELECT {MEMBER_COLS} FROM members WHERE id = $1 AND org = $2 AND deleted_at IS NULL");
                let row = sqlx::query(&sql).bind(id.0).bind(org.0).fetch_optional(self.reader()).await.map_err(db)?;
                row.as_ref().map(|r| member_from_row(self.vault(), r)).transpose()
            }

            async fn member_by_phone(&self, phone: &Phone) -> Result<Option<Member>> {
                let sql = format!("SELECT {MEMBER_COLS} FROM members WHERE phone = $1 AND deleted_at IS NULL");
                let row = sqlx::query(&sql).bind(self.vault().index(Indexed::Phone, phone.expose())).fetch_optional(self.reader()).await.map_err(db)?;
                row.as_ref().map(|r| member_from_row(self.vault(), r)).transpose()
            }

            async fn members(&self, org: OrgId) -> Result<Vec<Member>> {
                let sql = format!("SELECT {MEMBER_COLS} FROM members WHERE org = $1 AND deleted_at IS NULL ORDER BY id");
                sqlx::query(&sql).bind(org.0).fetch_all(self.reader()).await.map_err(db)?.iter().map(|r| member_from_row(self.vault(), r)).collect()
            }

            async fn members_matching(&self, phones: &[Phone], id_numbers: &[IdNumber]) -> Result<Vec<Member>> {
                let mut conn = self.reader().acquire().await.map_err(db)?;
                members_matching_on(self.vault(), &mut conn, phones, id_numbers).await
            }

            async fn begin_import(&self, org: OrgId, at: DateTime<Utc>) -> Result<Box<dyn ImportTx + '_>> {
                let mut tx = self.tx().await?;
                let found: Option<i64> = sqlx::query_scalar("SELECT id FROM orgs WHERE id = $1").bind(org.0).fetch_optional(&mut *tx).await.map_err(db)?;
                if found.is_none() {
                    return Err(ErrorCode::OrgNotFound.into());
                }
                let departments: HashSet<i64> = sqlx::query_scalar::<_, i64>("SELECT id FROM departments WHERE org = $1")
                    .bind(org.0)
                    .fetch_all(&mut *tx)
                    .await
                    .map_err(db)?
                    .into_iter()
                    .collect();
                Ok(Box::new(SqlImport { tx, vault: self.vault().clone(), org, at, departments, next_id: None }))
            }

            async fn insert_invitation(&self, inv: NewInvitation) -> Result<Invitation> {
                let mut tx = self.tx().await?;
                let found: Option<i64> = sqlx::query_scalar("SELECT id FROM orgs WHERE id = $1").bind(inv.org.0).fetch_optional(&mut *tx).await.map_err(db)?;
                if found.is_none() {
                    return Err(ErrorCode::OrgNotFound.into());
                }
                <$store>::department_in_org(&mut tx, inv.org, inv.department).await?;
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO invitations (digest, org, department, created_by, created_at, expires_at, max_uses) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
                )
                .bind(inv.digest.0.to_vec())
                .bind(inv.org.0)
                .bind(inv.department.map(|d| d.0))
                .bind(inv.created_by.0)
                .bind(micros(inv.created_at))
                .bind(micros(inv.expires_at))
                .bind(i64::from(inv.max_uses))
                .fetch_one(&mut *tx)
                .await
                .map_err(db)?;
                tx.commit().await.map_err(db)?;
                Ok(Invitation { id: InvitationId(id), details: inv, uses: 0, revoked: false })
            }

            async fn invitations(&self, org: OrgId) -> Result<Vec<Invitation>> {
                let sql = format!("SELECT {INVITATION_COLS} FROM invitations WHERE org = $1 ORDER BY id DESC");
                sqlx::query(&sql).bind(org.0).fetch_all(self.reader()).await.map_err(db)?.iter().map(invitation_from_row).collect()
            }

            async fn invitation(&self, digest: &TokenDigest) -> Result<Option<Invitation>> {
                let sql = format!("SELECT {INVITATION_COLS} FROM invitations WHERE digest = $1");
                let row = sqlx::query(&sql).bind(digest.0.to_vec()).fetch_optional(self.reader()).await.map_err(db)?;
                row.as_ref().map(invitation_from_row).transpose()
            }

            async fn revoke_invitation(&self, org: OrgId, id: InvitationId) -> Result<Invitation> {
                let sql = format!("UPDATE invitations SET revoked = $1 WHERE id = $2 AND org = $3 RETURNING {INVITATION_COLS}");
                let row = sqlx::query(&sql)
                    .bind(true)
                    .bind(id.0)
                    .bind(org.0)
                    .fetch_optional(self.writer())
                    .await
                    .map_err(db)?
                    .ok_or(ErrorCode::InvitationNotFound)?;
                invitation_from_row(&row)
            }

            async fn redeem_invitation(&self, digest: &TokenDigest, m: NewMember, at: DateTime<Utc>) -> Result<Member> {
                let mut tx = self.tx().await?;
                // Count the use first: the row lock (PostgreSQL) or the write
                // lock (SQLite) serialises concurrent redemptions.
                let used = sqlx::query("UPDATE invitations SET uses = uses + 1 WHERE digest = $1 AND revoked = $2 AND expires_at > $3 AND uses < max_uses")
                    .bind(digest.0.to_vec())
                    .bind(false)
                    .bind(micros(at))
                    .execute(&mut *tx)
                    .await
                    .map_err(db)?;
                let sql = format!("SELECT {INVITATION_COLS} FROM invitations WHERE digest = $1");
                let row = sqlx::query(&sql).bind(digest.0.to_vec()).fetch_optional(&mut *tx).await.map_err(db)?.ok_or(ErrorCode::InvitationNotFound)?;
                let inv = invitation_from_row(&row)?;
                if used.rows_affected() == 0 {
                    inv.check(at)?;
                    return Err(ErrorCode::InvitationUsedUp.into());
                }
                let org = inv.details.org;
                <$store>::department_in_org(&mut tx, org, m.department).await?;
                let id = <$store>::insert_member_row(self.vault(), &mut tx, org, &m, at).await?;
                tx.commit().await.map_err(db)?;
                Ok(Member { id: MemberId(id), org, details: m, created_at: DateTime::from_timestamp_micros(micros(at)).unwrap_or(at) })
            }

            async fn bind(&self, b: Binding) -> Result<Binding> {
                let mut tx = self.tx().await?;
                let found: Option<i64> = sqlx::query_scalar("SELECT id FROM members WHERE id = $1 AND org = $2 AND deleted_at IS NULL")
                    .bind(b.member.0)
                    .bind(b.org.0)
                    .fetch_optional(&mut *tx)
                    .await
                    .map_err(db)?;
                if found.is_none() {
                    return Err(ErrorCode::MemberNotFound.into());
                }
                sqlx::query("INSERT INTO bindings (app_user, member, org, bound_at) VALUES ($1, $2, $3, $4)")
                    .bind(b.app_user.as_str())
                    .bind(b.member.0)
                    .bind(b.org.0)
                    .bind(micros(b.bound_at))
                    .execute(&mut *tx)
                    .await
                    .map_err(|e| on_unique(e, |c| if c.contains("member") { ErrorCode::MemberAlreadyBound } else { ErrorCode::AppUserAlreadyBound }))?;
                tx.commit().await.map_err(db)?;
                Ok(b)
            }

            async fn binding_of(&self, app_user: &AppUserId) -> Result<Option<Binding>> {
                let row = sqlx::query("SELECT member, org, bound_at FROM bindings WHERE app_user = $1")
                    .bind(app_user.as_str())
                    .fetch_optional(self.reader())
                    .await
                    .map_err(db)?;
                let Some(r) = row else { return Ok(None) };
                Ok(Some(Binding {
                    app_user: app_user.clone(),
                    member: MemberId(r.try_get("member").map_err(db)?),
                    org: OrgId(r.try_get("org").map_err(db)?),
                    bound_at: from_micros(r.try_get("bound_at").map_err(db)?)?,
                }))
            }

            async fn insert_questions(&self, questions: Vec<NewQuestion>) -> Result<Vec<QuestionId>> {
                if questions.is_empty() {
                    return Ok(Vec::new());
                }
                let mut tx = self.tx().await?;
                let mut ids = Vec::with_capacity(questions.len());
                for q in &questions {
                    let id: i64 = sqlx::query_scalar(
                        "INSERT INTO questions (owner_org, kind, stem, options, answer, explanation, category, specialties, difficulty, source) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
                    )
                    .bind(match q.owner {
                        BankOwner::National => None,
                        BankOwner::Org(o) => Some(o.0),
                    })
                    .bind(kind_name(q.kind))
                    .bind(&q.stem)
                    .bind(serde_json::to_string(&q.options).map_err(|_| corrupt("question options"))?)
                    .bind(i64::from(q.answer.0))
                    .bind(&q.explanation)
                    .bind(&q.category)
                    .bind(serde_json::to_string(&q.specialties).map_err(|_| corrupt("question specialties"))?)
                    .bind(i64::from(q.difficulty))
                    .bind(q.source.clone())
                    .fetch_one(&mut *tx)
                    .await
                    .map_err(db)?;
                    ids.push(QuestionId(id));
                }
                sqlx::query("UPDATE bank SET revision = revision + 1 WHERE id = 1").execute(&mut *tx).await.map_err(db)?;
                tx.commit().await.map_err(db)?;
                Ok(ids)
            }

            async fn questions(&self, owner: Option<BankOwner>) -> Result<Vec<Question>> {
                let rows = match owner {
                    None => sqlx::query(&format!("SELECT {QUESTION_COLS} FROM questions ORDER BY id")).fetch_all(self.reader()).await,
                    Some(BankOwner::National) => {
                        sqlx::query(&format!("SELECT {QUESTION_COLS} FROM questions WHERE owner_org IS NULL ORDER BY id")).fetch_all(self.reader()).await
                    }
                    Some(BankOwner::Org(o)) => sqlx::query(&format!("SELECT {QUESTION_COLS} FROM questions WHERE owner_org = $1 ORDER BY id"))
                        .bind(o.0)
                        .fetch_all(self.reader())
                        .await,
                }
                .map_err(db)?;
                rows.iter().map(question_from_row).collect()
            }

            async fn questions_by_id(&self, ids: &[QuestionId]) -> Result<Vec<Question>> {
                if ids.is_empty() {
                    return Ok(Vec::new());
                }
                let mut found: HashMap<i64, Question> = HashMap::new();
                for chunk in ids.chunks(CHUNK) {
                    let sql = format!("SELECT {QUESTION_COLS} FROM questions WHERE id IN ({})", <$store>::PLACEHOLDERS.list(chunk.len(), 1));
                    let mut q = sqlx::query(&sql);
                    for id in chunk {
                        q = q.bind(id.0);
                    }
                    for r in q.fetch_all(self.reader()).await.map_err(db)? {
                        let q = question_from_row(&r)?;
                        found.insert(q.id.0, q);
                    }
                }
                Ok(ids.iter().filter_map(|id| found.get(&id.0).cloned()).collect())
            }

            async fn bank_revision(&self) -> Result<u64> {
                let r: i64 = sqlx::query_scalar("SELECT revision FROM bank WHERE id = 1").fetch_one(self.reader()).await.map_err(db)?;
                Ok(r as u64)
            }

            async fn set_bank_mix(&self, org: OrgId, mix: BankMix) -> Result<()> {
                let mix = mix.validate()?;
                let mut tx = self.tx().await?;
                let found: Option<i64> = sqlx::query_scalar("SELECT id FROM orgs WHERE id = $1").bind(org.0).fetch_optional(&mut *tx).await.map_err(db)?;
                if found.is_none() {
                    return Err(ErrorCode::OrgNotFound.into());
                }
                sqlx::query("DELETE FROM bank_mixes WHERE org = $1").bind(org.0).execute(&mut *tx).await.map_err(db)?;
                if mix != BankMix::Pooled {
                    let pct = match mix {
                        BankMix::Share { own_percent } => i64::from(own_percent),
                        _ => 0,
                    };
                    sqlx::query("INSERT INTO bank_mixes (org, mode, own_percent) VALUES ($1, $2, $3)")
                        .bind(org.0)
                        .bind(mix.as_str())
                        .bind(pct)
                        .execute(&mut *tx)
                        .await
                        .map_err(db)?;
                }
                sqlx::query("UPDATE bank SET revision = revision + 1 WHERE id = 1").execute(&mut *tx).await.map_err(db)?;
                tx.commit().await.map_err(db)
            }

            async fn bank_mixes(&self) -> Result<Vec<(OrgId, BankMix)>> {
                let rows = sqlx::query("SELECT org, mode, own_percent FROM bank_mixes ORDER BY org").fetch_all(self.reader()).await.map_err(db)?;
                rows.iter()
                    .map(|r| {
                        let mode: String = r.try_get("mode").map_err(db)?;
                        let pct = u8::try_from(r.try_get::<i64, _>("own_percent").map_err(db)?).map_err(|_| corrupt("bank mix"))?;
                        let mix = BankMix::from_parts(&mode, pct).ok_or_else(|| corrupt("bank mix"))?;
                        Ok((OrgId(r.try_get("org").map_err(db)?), mix))
                    })
                    .collect()
            }

            async fn issue_draw(&self, d: DailyDraw) -> Result<DailyDraw> {
                let mut tx = self.tx().await?;
                sqlx::query(
                    "INSERT INTO draws (member, day, bank_revision, seed, questions, reviews) VALUES ($1, $2, $3, $4, $5, $6) \
                     ON CONFLICT (member, day) DO NOTHING",
                )
                .bind(d.key.member.0)
                .bind(d.key.day)
                .bind(d.key.bank_revision as i64)
                .bind(d.key.seed as i64)
                .bind(encode_ids(&d.questions))
                .bind(i64::from(d.reviews))
                .execute(&mut *tx)
                .await
                .map_err(db)?;
                let stored = Self::read_draw(&mut *tx, d.key.member, d.key.day).await?.ok_or_else(|| corrupt("draw"))?;
                tx.commit().await.map_err(db)?;
                Ok(stored)
            }

            async fn draw_of(&self, member: MemberId, day: NaiveDate) -> Result<Option<DailyDraw>> {
                let mut conn = self.reader().acquire().await.map_err(db)?;
                Self::read_draw(&mut *conn, member, day).await
            }

            async fn quiz_history(&self, member: MemberId, since: NaiveDate) -> Result<QuizHistory> {
                let rows = sqlx::query("SELECT day, questions FROM draws WHERE member = $1 AND day >= $2")
                    .bind(member.0)
                    .bind(since)
                    .fetch_all(self.reader())
                    .await
                    .map_err(db)?;
                let mut recent = Vec::new();
                for r in &rows {
                    let day: NaiveDate = r.try_get("day").map_err(db)?;
                    for q in decode_ids(&r.try_get::<String, _>("questions").map_err(db)?)? {
                        recent.push((q, day));
                    }
                }
                recent.sort_unstable_by_key(|(q, d)| (*d, *q));
                let rows = sqlx::query("SELECT question, repetitions, interval_days, ease_milli, due FROM review_cards WHERE member = $1 ORDER BY question")
                    .bind(member.0)
                    .fetch_all(self.reader())
                    .await
                    .map_err(db)?;
                let cards = rows
                    .iter()
                    .map(|r| {
                        Ok(ReviewCard {
                            question: QuestionId(r.try_get("question").map_err(db)?),
                            repetitions: r.try_get::<i64, _>("repetitions").map_err(db)? as u8,
                            interval_days: r.try_get::<i64, _>("interval_days").map_err(db)? as u16,
                            ease_milli: r.try_get::<i64, _>("ease_milli").map_err(db)? as u16,
                            due: r.try_get("due").map_err(db)?,
                        })
                    })
                    .collect::<Result<Vec<_>>>()?;
                Ok(QuizHistory { recent, cards })
            }

            async fn quiz_histories(&self, members: &[MemberId], since: NaiveDate) -> Result<HashMap<MemberId, QuizHistory>> {
                // One aggregated row per member (not one per draw or card): the
                // driver's per-row cost dominates bulk reads.
                let ph = <$store>::PLACEHOLDERS;
                let agg = <$store>::STRING_AGG;
                let day_text = <$store>::DAY_TEXT;
                let mut out: HashMap<MemberId, QuizHistory> = HashMap::with_capacity(members.len());
                for chunk in members.chunks(CHUNK) {
                    let sql = format!(
                        "SELECT member, {agg}({day_text} || ':' || questions, ';') AS h FROM draws \
                         WHERE day >= {} AND member IN ({}) GROUP BY member",
                        ph.at(1),
                        ph.list(chunk.len(), 2)
                    );
                    let mut q = sqlx::query(&sql).bind(since);
                    for m in chunk {
                        q = q.bind(m.0);
                    }
                    for r in q.fetch_all(self.reader()).await.map_err(db)? {
                        let m = MemberId(r.try_get("member").map_err(db)?);
                        let h = out.entry(m).or_default();
                        for part in r.try_get::<String, _>("h").map_err(db)?.split(';') {
                            let (d, ids) = part.split_once(':').ok_or_else(|| corrupt("draw history"))?;
                            let day: NaiveDate = d.parse().map_err(|_| corrupt("draw history"))?;
                            for qid in decode_ids(ids)? {
                                h.recent.push((qid, day));
                            }
                        }
                    }
                    let sql = format!(
                        "SELECT member, {agg}(question || ',' || repetitions || ',' || interval_days || ',' || ease_milli || ',' || {due_text}, ';') AS c \
                         FROM review_cards WHERE member IN ({}) GROUP BY member",
                        ph.list(chunk.len(), 1),
                        due_text = <$store>::DUE_TEXT,
                    );
                    let mut q = sqlx::query(&sql);
                    for m in chunk {
                        q = q.bind(m.0);
                    }
                    for r in q.fetch_all(self.reader()).await.map_err(db)? {
                        let m = MemberId(r.try_get("member").map_err(db)?);
                        let h = out.entry(m).or_default();
                        for part in r.try_get::<String, _>("c").map_err(db)?.split(';') {
                            h.cards.push(decode_card(part)?);
                        }
                        h.cards.sort_unstable_by_key(|c| c.question);
                    }
                }
                for h in out.values_mut() {
                    h.recent.sort_unstable_by_key(|(q, d)| (*d, *q));
                }
                Ok(out)
            }

            async fn issue_draws(&self, draws: Vec<DailyDraw>) -> Result<Vec<DailyDraw>> {
                if draws.is_empty() {
                    return Ok(Vec::new());
                }
                let mut tx = self.tx().await?;
                let mut inserted: HashSet<(i64, NaiveDate)> = HashSet::new();
                let mut seen: HashSet<(i64, NaiveDate)> = HashSet::new();
                let firsts: Vec<&DailyDraw> = draws.iter().filter(|d| seen.insert((d.key.member.0, d.key.day))).collect();
                for chunk in firsts.chunks(CHUNK) {
                    let sql = format!(
                        "INSERT INTO draws (member, day, bank_revision, seed, questions, reviews) VALUES {} \
                         ON CONFLICT (member, day) DO NOTHING RETURNING member, day",
                        <$store>::PLACEHOLDERS.values(chunk.len(), 6, 1)
                    );
                    let mut q = sqlx::query(&sql);
                    for d in chunk {
                        q = q
                            .bind(d.key.member.0)
                            .bind(d.key.day)
                            .bind(d.key.bank_revision as i64)
                            .bind(d.key.seed as i64)
                            .bind(encode_ids(&d.questions))
                            .bind(i64::from(d.reviews));
                    }
                    for r in q.fetch_all(&mut *tx).await.map_err(db)? {
                        inserted.insert((r.try_get("member").map_err(db)?, r.try_get("day").map_err(db)?));
                    }
                }
                let mut stored: HashMap<(i64, NaiveDate), DailyDraw> = HashMap::new();
                for d in &firsts {
                    let k = (d.key.member.0, d.key.day);
                    if inserted.contains(&k) {
                        stored.insert(k, (*d).clone());
                    } else {
                        let existing = Self::read_draw(&mut *tx, d.key.member, d.key.day).await?.ok_or_else(|| corrupt("draw"))?;
                        stored.insert(k, existing);
                    }
                }
                tx.commit().await.map_err(db)?;
                Ok(draws.iter().map(|d| stored[&(d.key.member.0, d.key.day)].clone()).collect())
            }

            async fn record_submission(&self, s: DailySubmission) -> Result<SubmissionOutcome> {
                let mut out = self.write_batch(vec![s]).await?;
                Ok(out.remove(0))
            }

            async fn record_submissions(&self, subs: Vec<DailySubmission>) -> Result<Vec<SubmissionOutcome>> {
                if subs.is_empty() {
                    return Ok(Vec::new());
                }
                self.write_batch(subs).await
            }

            async fn submission(&self, member: MemberId, day: NaiveDate) -> Result<Option<QuizResult>> {
                let row = sqlx::query("SELECT member, day, submitted_at, correct, points, answers FROM submissions WHERE member = $1 AND day = $2")
                    .bind(member.0)
                    .bind(day)
                    .fetch_optional(self.reader())
                    .await
                    .map_err(db)?;
                row.as_ref().map(result_from_row).transpose()
            }

            async fn ledger(&self, member: MemberId) -> Result<Vec<LedgerEntry>> {
                let rows = sqlx::query("SELECT id, member, org, day, kind, points, at FROM ledger WHERE member = $1 ORDER BY id")
                    .bind(member.0)
                    .fetch_all(self.reader())
                    .await
                    .map_err(db)?;
                rows.iter().map(|r| ledger_from_row(r).map(|l| l.entry)).collect()
            }

            async fn ledger_page(&self, range: &ExportRange, after: i64, limit: usize) -> Result<Vec<LedgerRow>> {
                let rows = sqlx::query(
                    "SELECT id, member, org, day, kind, points, at FROM ledger \
                     WHERE id > $1 AND day >= $2 AND day <= $3 AND ($4 IS NULL OR org = $4) \
                     ORDER BY id LIMIT $5",
                )
                .bind(after)
                .bind(range.from.max(FIRST_DAY))
                .bind(range.to.min(LAST_DAY))
                .bind(range.org.map(|o| o.0))
                .bind(limit.min(1_000_000) as i64)
                .fetch_all(self.reader())
                .await
                .map_err(db)?;
                rows.iter().map(ledger_from_row).collect()
            }

            async fn submissions_page(
                &self,
                range: &ExportRange,
                after: Option<(MemberId, NaiveDate)>,
                limit: usize,
            ) -> Result<Vec<SubmissionRow>> {
                // The primary key (member, day) orders the pages; a row value
                // comparison lets both planners seek to the page start.
                let (m, d) = after.unwrap_or((MemberId(i64::MIN), FIRST_DAY));
                let rows = sqlx::query(
                    "SELECT member, org, day, submitted_at, correct, points, answers FROM submissions \
                     WHERE (member, day) > ($1, $2) AND day >= $3 AND day <= $4 AND ($5 IS NULL OR org = $5) \
                     ORDER BY member, day LIMIT $6",
                )
                .bind(m.0)
                .bind(d.clamp(FIRST_DAY, LAST_DAY))
                .bind(range.from.max(FIRST_DAY))
                .bind(range.to.min(LAST_DAY))
                .bind(range.org.map(|o| o.0))
                .bind(limit.min(1_000_000) as i64)
                .fetch_all(self.reader())
                .await
                .map_err(db)?;
                rows.iter()
                    .map(|r| {
                        Ok(SubmissionRow {
                            org: OrgId(r.try_get("org").map_err(db)?),
                            result: result_from_row(r)?,
                        })
                    })
                    .collect()
            }

            async fn member_points(&self, member: MemberId) -> Result<i64> {
                let p: Option<i64> = sqlx::query_scalar("SELECT points FROM member_totals WHERE member = $1")
                    .bind(member.0)
                    .fetch_optional(self.reader())
                    .await
                    .map_err(db)?;
                Ok(p.unwrap_or(0))
            }

            async fn standings(&self, scope: Scope, period: Period) -> Result<Vec<Standing>> {
                let (sql, _) = standings_sql(scope, period, 1);
                let sql = format!("{sql} ORDER BY t.member");
                let rows = bind_standings(sqlx::query(&sql), scope, period).fetch_all(self.reader()).await.map_err(db)?;
                rows.iter().map(standing_from_row).collect()
            }

            async fn leaderboard_page(&self, scope: Scope, period: Period, offset: usize, limit: usize) -> Result<Vec<LeaderboardEntry>> {
                let (sql, n) = standings_sql(scope, period, 1);
                let sql = format!("{sql} ORDER BY points DESC, reached_at, member LIMIT ${n} OFFSET ${}", n + 1);
                let rows = bind_standings(sqlx::query(&sql), scope, period)
                    .bind(limit.min(10_000) as i64)
                    .bind(offset as i64)
                    .fetch_all(self.reader())
                    .await
                    .map_err(db)?;
                let standings = rows.iter().map(standing_from_row).collect::<Result<Vec<_>>>()?;
                let mut ranks: HashMap<i64, u32> = HashMap::new();
                let mut out = Vec::with_capacity(standings.len());
                for s in standings {
                    let rank = match ranks.get(&s.points) {
                        Some(r) => *r,
                        None => {
                            let r = self.count_above(scope, period, s.points).await? + 1;
                            ranks.insert(s.points, r);
                            r
                        }
                    };
                    out.push(LeaderboardEntry { rank, standing: s });
                }
                Ok(out)
            }

            async fn standing_of(&self, member: MemberId, scope: Scope, period: Period) -> Result<Option<LeaderboardEntry>> {
                let (sql, n) = standings_sql(scope, period, 1);
                let sql = format!("{sql} AND t.member = ${n}");
                let row = bind_standings(sqlx::query(&sql), scope, period).bind(member.0).fetch_optional(self.reader()).await.map_err(db)?;
                let Some(row) = row else { return Ok(None) };
                let standing = standing_from_row(&row)?;
                let rank = self.count_above(scope, period, standing.points).await? + 1;
                Ok(Some(LeaderboardEntry { rank, standing }))
            }

            async fn activity(&self, from: NaiveDate, to: NaiveDate) -> Result<Vec<OrgActivity>> {
                let mut by_org: BTreeMap<i64, OrgActivity> = BTreeMap::new();
                let ids: Vec<i64> = sqlx::query_scalar("SELECT id FROM orgs ORDER BY id").fetch_all(self.reader()).await.map_err(db)?;
                for id in ids {
                    by_org.insert(id, OrgActivity { org: OrgId(id), registered: 0, participants: 0, points: 0 });
                }
                let rows = sqlx::query(
                    "SELECT org, COUNT(*) AS n FROM members WHERE created_on <= $1 AND (deleted_on IS NULL OR deleted_on > $2) GROUP BY org",
                )
                .bind(to)
                .bind(to)
                .fetch_all(self.reader())
                .await
                .map_err(db)?;
                for r in rows {
                    let org: i64 = r.try_get("org").map_err(db)?;
                    if let Some(a) = by_org.get_mut(&org) {
                        a.registered = r.try_get::<i64, _>("n").map_err(db)? as u32;
                    }
                }
                let whole_months = from.day() == 1 && to.succ_opt().is_some_and(|n| n.day() == 1) && from <= to;
                let one_month = whole_months && month_of(from) == month_of(to);
                let rows = if one_month {
                    // a member has one row per month: no DISTINCT needed
                    sqlx::query("SELECT org, COUNT(*) AS n, CAST(SUM(points) AS BIGINT) AS p FROM member_months WHERE month = $1 GROUP BY org")
                        .bind(month_of(from))
                        .fetch_all(self.reader())
                        .await
                } else if whole_months {
                    sqlx::query(
                        "SELECT org, COUNT(DISTINCT member) AS n, CAST(SUM(points) AS BIGINT) AS p FROM member_months \
                         WHERE month >= $1 AND month <= $2 GROUP BY org",
                    )
                    .bind(month_of(from))
                    .bind(month_of(to))
                    .fetch_all(self.reader())
                    .await
                } else {
                    sqlx::query(
                        "SELECT org, COUNT(DISTINCT member) AS n, CAST(SUM(points) AS BIGINT) AS p FROM submissions \
                         WHERE day >= $1 AND day <= $2 GROUP BY org",
                    )
                    .bind(from)
                    .bind(to)
                    .fetch_all(self.reader())
                    .await
                }
                .map_err(db)?;
                for r in rows {
                    let org: i64 = r.try_get("org").map_err(db)?;
                    if let Some(a) = by_org.get_mut(&org) {
                        a.participants = r.try_get::<i64, _>("n").map_err(db)? as u32;
                        a.points = r.try_get("p").map_err(db)?;
                    }
                }
                Ok(by_org.into_values().collect())
            }

            async fn insert_laws(&self, docs: Vec<NewLawDoc>) -> Result<Vec<LawDoc>> {
                for d in &docs {
                    d.validate()?;
                }
                let mut tx = self.tx().await?;
                let mut out = Vec::with_capacity(docs.len());
                for doc in docs {
                    let id = <$store>::write_law(&mut tx, None, &doc).await?;
                    out.push(LawDoc { id, doc });
                }
                tx.commit().await.map_err(db)?;
                Ok(out)
            }

            async fn update_law(&self, id: LawId, doc: NewLawDoc) -> Result<LawDoc> {
                doc.validate()?;
                let mut tx = self.tx().await?;
                <$store>::write_law(&mut tx, Some(id), &doc).await?;
                tx.commit().await.map_err(db)?;
                Ok(LawDoc { id, doc })
            }

            async fn law(&self, id: LawId) -> Result<Option<LawDoc>> {
                let sql = format!("SELECT {LAW_COLS} FROM laws WHERE id = $1");
                let row = sqlx::query(&sql).bind(id.0).fetch_optional(self.reader()).await.map_err(db)?;
                row.as_ref().map(law_from_row).transpose()
            }

            async fn search_laws(&self, terms: &SearchTerms, filter: &LawFilter, day: NaiveDate, offset: usize, limit: usize) -> Result<LawPage> {
                let mut tx = self.reader().begin().await.map_err(db)?;
                if let Some(prelude) = <$store>::SEARCH_PRELUDE {
                    sqlx::query(prelude).execute(&mut *tx).await.map_err(db)?;
                }
                let (sql, args) = law_search_sql(terms, filter, day, Some((offset, limit)));
                // Not a cached prepared statement: PostgreSQL then plans with
                // the actual patterns (a generic plan cannot see them).
                let rows = bind_law_args(sqlx::query(&sql), args).persistent(false).fetch_all(&mut *tx).await.map_err(db)?;
                let mut matches = Vec::with_capacity(rows.len());
                let mut total = None;
                for r in &rows {
                    total = Some(r.try_get::<i64, _>("total").map_err(db)? as usize);
                    matches.push((law_from_row(r)?, r.try_get::<i64, _>("score").map_err(db)? as u32));
                }
                let total = match total {
                    Some(t) => t,
                    None if offset == 0 => 0,
                    None => {
                        let (sql, args) = law_search_sql(terms, filter, day, None);
                        let n: i64 = bind_law_args(sqlx::query(&sql), args)
                            .persistent(false)
                            .fetch_one(&mut *tx)
                            .await
                            .map_err(db)?
                            .try_get("total")
                            .map_err(db)?;
                        n as usize
                    }
                };
                tx.commit().await.map_err(db)?;
                Ok(LawPage { total, matches })
            }

            async fn insert_articles(&self, articles: Vec<NewArticle>) -> Result<Vec<Article>> {
                for a in &articles {
                    a.validate()?;
                }
                let mut tx = self.tx().await?;
                let mut out = Vec::with_capacity(articles.len());
                for article in articles {
                    if let Some(org) = article.shelf.org() {
                        let found: Option<i64> = sqlx::query_scalar("SELECT id FROM orgs WHERE id = $1").bind(org.0).fetch_optional(&mut *tx).await.map_err(db)?;
                        if found.is_none() {
                            return Err(ErrorCode::OrgNotFound.into());
                        }
                    }
                    let id: i64 = sqlx::query_scalar(
                        "INSERT INTO articles (org, title, body, minutes, tags, published_on) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
                    )
                    .bind(article.shelf.org().map(|o| o.0))
                    .bind(article.title.clone())
                    .bind(article.body.clone())
                    .bind(i64::from(article.minutes))
                    .bind(serde_json::to_string(&article.tags).map_err(|_| corrupt("article tags"))?)
                    .bind(article.published_on)
                    .fetch_one(&mut *tx)
                    .await
                    .map_err(db)?;
                    out.push(Article { id: ArticleId(id), article });
                }
                tx.commit().await.map_err(db)?;
                Ok(out)
            }

            async fn article(&self, id: ArticleId) -> Result<Option<Article>> {
                let row = sqlx::query(&format!("SELECT {ARTICLE_COLS} FROM articles WHERE id = $1"))
                    .bind(id.0)
                    .fetch_optional(self.reader())
                    .await
                    .map_err(db)?;
                row.as_ref().map(article_from_row).transpose()
            }

            async fn articles_visible(&self, org: Option<OrgId>, offset: usize, limit: usize) -> Result<Vec<Article>> {
                let sql = format!(
                    "SELECT {ARTICLE_COLS} FROM articles WHERE org IS NULL OR org = $1 ORDER BY published_on DESC, id DESC LIMIT $2 OFFSET $3"
                );
                sqlx::query(&sql)
                    .bind(org.map(|o| o.0))
                    .bind(limit as i64)
                    .bind(offset as i64)
                    .fetch_all(self.reader())
                    .await
                    .map_err(db)?
                    .iter()
                    .map(article_from_row)
                    .collect()
            }

            async fn delete_article(&self, org: OrgId, id: ArticleId) -> Result<()> {
                let done = sqlx::query("DELETE FROM articles WHERE id = $1 AND org = $2")
                    .bind(id.0)
                    .bind(org.0)
                    .execute(self.writer())
                    .await
                    .map_err(db)?;
                if done.rows_affected() == 0 {
                    return Err(ErrorCode::ArticleNotFound.into());
                }
                Ok(())
            }

            async fn insert_topic(&self, topic: NewTopic) -> Result<Topic> {
                topic.validate()?;
                let mut tx = self.tx().await?;
                for item in &topic.items {
                    let found: bool = match item {
                        TopicItem::Article(a) => sqlx::query_scalar::<_, i64>("SELECT id FROM articles WHERE id = $1 AND org IS NULL")
                            .bind(a.0)
                            .fetch_optional(&mut *tx)
                            .await
                            .map_err(db)?
                            .is_some(),
                        TopicItem::Law(l) => sqlx::query_scalar::<_, i64>("SELECT id FROM laws WHERE id = $1")
                            .bind(l.0)
                            .fetch_optional(&mut *tx)
                            .await
                            .map_err(db)?
                            .is_some(),
                        TopicItem::Questions(qs) => {
                            let mut all = true;
                            for q in qs {
                                all &= sqlx::query_scalar::<_, i64>("SELECT id FROM questions WHERE id = $1 AND owner_org IS NULL")
                                    .bind(q.0)
                                    .fetch_optional(&mut *tx)
                                    .await
                                    .map_err(db)?
                                    .is_some();
                            }
                            all
                        }
                    };
                    if !found {
                        return Err(ccsa_core::Error::new(ErrorCode::TopicInvalid).with_note("引用的文章、法规或题目不存在或不是公共内容"));
                    }
                }
                let id: i64 = sqlx::query_scalar("INSERT INTO topics (title, cover, items, position) VALUES ($1, $2, $3, $4) RETURNING id")
                    .bind(topic.title.clone())
                    .bind(topic.cover.clone())
                    .bind(serde_json::to_string(&topic.items).map_err(|_| corrupt("topic items"))?)
                    .bind(i64::from(topic.position))
                    .fetch_one(&mut *tx)
                    .await
                    .map_err(db)?;
                tx.commit().await.map_err(db)?;
                Ok(Topic { id: TopicId(id), topic })
            }

            async fn topics(&self) -> Result<Vec<Topic>> {
                sqlx::query("SELECT id, title, cover, items, position FROM topics ORDER BY position, id")
                    .fetch_all(self.reader())
                    .await
                    .map_err(db)?
                    .iter()
                    .map(topic_from_row)
                    .collect()
            }

            async fn insert_exam(&self, exam: NewExam) -> Result<Exam> {
                exam.validate()?;
                let mut tx = self.tx().await?;
                let found: Option<i64> = sqlx::query_scalar("SELECT id FROM orgs WHERE id = $1").bind(exam.org.0).fetch_optional(&mut *tx).await.map_err(db)?;
                if found.is_none() {
                    return Err(ErrorCode::OrgNotFound.into());
                }
                let j = |v: serde_json::Result<String>| v.map_err(|_| corrupt("exam json"));
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO exams (org, title, blueprint, minutes, pass_percent, attempts, opens_at, closes_at, departments, multiple_rule) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
                )
                .bind(exam.org.0)
                .bind(exam.title.clone())
                .bind(j(serde_json::to_string(&exam.blueprint))?)
                .bind(i64::from(exam.minutes))
                .bind(i64::from(exam.pass_percent))
                .bind(i64::from(exam.attempts))
                .bind(micros(exam.opens_at))
                .bind(micros(exam.closes_at))
                .bind(j(serde_json::to_string(&exam.departments))?)
                .bind(j(serde_json::to_string(&exam.multiple_rule))?)
                .fetch_one(&mut *tx)
                .await
                .map_err(db)?;
                tx.commit().await.map_err(db)?;
                Ok(Exam { id: ExamId(id), exam })
            }

            async fn exam(&self, id: ExamId) -> Result<Option<Exam>> {
                let row = sqlx::query(&format!("SELECT {EXAM_COLS} FROM exams WHERE id = $1")).bind(id.0).fetch_optional(self.reader()).await.map_err(db)?;
                row.as_ref().map(exam_from_row).transpose()
            }

            async fn exams(&self, org: OrgId) -> Result<Vec<Exam>> {
                sqlx::query(&format!("SELECT {EXAM_COLS} FROM exams WHERE org = $1 ORDER BY opens_at, id"))
                    .bind(org.0)
                    .fetch_all(self.reader())
                    .await
                    .map_err(db)?
                    .iter()
                    .map(exam_from_row)
                    .collect()
            }

            async fn insert_attempt(&self, a: NewAttempt) -> Result<Attempt> {
                let mut tx = self.tx().await?;
                let found: Option<i64> = sqlx::query_scalar("SELECT id FROM exams WHERE id = $1").bind(a.exam.0).fetch_optional(&mut *tx).await.map_err(db)?;
                if found.is_none() {
                    return Err(ErrorCode::ExamNotFound.into());
                }
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO attempts (exam, member, number, started_at, deadline, paper) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
                )
                .bind(a.exam.0)
                .bind(a.member.0)
                .bind(i64::from(a.number))
                .bind(micros(a.started_at))
                .bind(micros(a.deadline))
                .bind(serde_json::to_string(&a.paper).map_err(|_| corrupt("attempt paper"))?)
                .fetch_one(&mut *tx)
                .await
                .map_err(|e| on_unique(e, exam_conflict))?;
                tx.commit().await.map_err(db)?;
                Ok(Attempt { id: AttemptId(id), attempt: a, answers: Vec::new(), saves: 0, score: None })
            }

            async fn attempt(&self, id: AttemptId) -> Result<Option<Attempt>> {
                let row = sqlx::query(&format!("SELECT {ATTEMPT_COLS} FROM attempts WHERE id = $1")).bind(id.0).fetch_optional(self.reader()).await.map_err(db)?;
                let Some(row) = row else { return Ok(None) };
                let mut answers = <$store>::attempt_answers(self.reader(), &[id.0]).await?;
                attempt_from_row(&row, answers.remove(&id.0).unwrap_or_default()).map(Some)
            }

            async fn attempts(&self, exam: ExamId, member: Option<MemberId>) -> Result<Vec<Attempt>> {
                let rows = sqlx::query(&format!(
                    "SELECT {ATTEMPT_COLS} FROM attempts WHERE exam = $1 AND ($2 IS NULL OR member = $2) ORDER BY member, number"
                ))
                .bind(exam.0)
                .bind(member.map(|m| m.0))
                .fetch_all(self.reader())
                .await
                .map_err(db)?;
                let ids: Vec<i64> = rows.iter().map(|r| r.try_get::<i64, _>("id").map_err(db)).collect::<Result<_>>()?;
                let mut answers = <$store>::attempt_answers(self.reader(), &ids).await?;
                rows.iter()
                    .zip(&ids)
                    .map(|(r, id)| attempt_from_row(r, answers.remove(id).unwrap_or_default()))
                    .collect()
            }

            async fn save_answer(&self, attempt: AttemptId, answer: SavedAnswer) -> Result<()> {
                let mut tx = self.tx().await?;
                // Counting the save locks the attempt's row: a concurrent
                // hand-in waits, then sees the new version.
                let saves: Option<i64> = sqlx::query_scalar("UPDATE attempts SET saves = saves + 1 WHERE id = $1 AND finished_at IS NULL RETURNING saves")
                    .bind(attempt.0)
                    .fetch_optional(&mut *tx)
                    .await
                    .map_err(db)?;
                let Some(saves) = saves else {
                    let exists: Option<i64> = sqlx::query_scalar("SELECT id FROM attempts WHERE id = $1").bind(attempt.0).fetch_optional(&mut *tx).await.map_err(db)?;
                    return Err(if exists.is_some() { ErrorCode::ExamFinished } else { ErrorCode::ExamNotFound }.into());
                };
                sqlx::query(
                    "INSERT INTO attempt_answers (attempt, question, chosen, at, seq) VALUES ($1, $2, $3, $4, $5) \
                     ON CONFLICT (attempt, question) DO UPDATE SET chosen = excluded.chosen, at = excluded.at",
                )
                .bind(attempt.0)
                .bind(answer.question.0)
                .bind(i64::from(answer.chosen.0))
                .bind(micros(answer.at))
                .bind(saves)
                .execute(&mut *tx)
                .await
                .map_err(db)?;
                tx.commit().await.map_err(db)
            }

            async fn finish_attempt(&self, attempt: AttemptId, saves: u32, score: AttemptScore) -> Result<Attempt> {
                let done = sqlx::query(
                    "UPDATE attempts SET credit_milli = $1, percent_centi = $2, passed = $3, finished_at = $4 \
                     WHERE id = $5 AND finished_at IS NULL AND saves = $6",
                )
                .bind(i64::from(score.credit_milli))
                .bind(i64::from(score.percent_centi))
                .bind(score.passed)
                .bind(micros(score.finished_at))
                .bind(attempt.0)
                .bind(i64::from(saves))
                .execute(self.writer())
                .await
                .map_err(db)?;
                let current = self.attempt(attempt).await?.ok_or(ErrorCode::ExamNotFound)?;
                if done.rows_affected() == 1 {
                    return Ok(current);
                }
                Err(if current.score.is_some() { ErrorCode::ExamFinished } else { ErrorCode::ExamAttemptTaken }.into())
            }

            async fn insert_accidents(&self, records: Vec<NewAccident>) -> Result<Vec<Accident>> {
                for r in &records {
                    r.validate()?;
                }
                let mut tx = self.tx().await?;
                let mut out = Vec::with_capacity(records.len());
                for record in records {
                    let id: i64 = sqlx::query_scalar(
                        "INSERT INTO accidents (happened_on, month, day, place, title, what_happened, deaths, injured, missing, causes, lessons, source) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id",
                    )
                    .bind(record.date)
                    .bind(i64::from(record.date.month()))
                    .bind(i64::from(record.date.day()))
                    .bind(record.place.clone())
                    .bind(record.title.clone())
                    .bind(record.what_happened.clone())
                    .bind(i64::from(record.deaths))
                    .bind(i64::from(record.injured))
                    .bind(i64::from(record.missing))
                    .bind(record.causes.clone())
                    .bind(record.lessons.clone())
                    .bind(record.source.clone())
                    .fetch_one(&mut *tx)
                    .await
                    .map_err(db)?;
                    out.push(Accident { id: AccidentId(id), record });
                }
                tx.commit().await.map_err(db)?;
                Ok(out)
            }

            async fn accidents_on(&self, keys: &[(u32, u32)]) -> Result<Vec<Accident>> {
                if keys.is_empty() {
                    return Ok(Vec::new());
                }
                let conds: Vec<String> = (0..keys.len()).map(|i| format!("(month = ${} AND day = ${})", 2 * i + 1, 2 * i + 2)).collect();
                let sql = format!("SELECT {ACCIDENT_COLS} FROM accidents WHERE {} ORDER BY happened_on DESC, id", conds.join(" OR "));
                let mut q = sqlx::query(&sql);
                for (m, d) in keys {
                    q = q.bind(i64::from(*m)).bind(i64::from(*d));
                }
                q.fetch_all(self.reader()).await.map_err(db)?.iter().map(accident_from_row).collect()
            }

            async fn check_invariants(&self) -> Result<InvariantReport> {
                let mut report = InvariantReport::default();
                let pool = self.reader();
                report.members_checked = sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM member_totals").fetch_one(pool).await.map_err(db)? as u64;
                report.submissions_checked = sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM submissions").fetch_one(pool).await.map_err(db)? as u64;
                let checks: [(&str, &str); 6] = [
                    (
                        "total differs from ledger sum",
                        "SELECT t.member AS a, t.points AS b FROM member_totals t LEFT JOIN \
                         (SELECT member, CAST(SUM(points) AS BIGINT) AS s FROM ledger GROUP BY member) l ON l.member = t.member \
                         WHERE t.points <> COALESCE(l.s, 0) LIMIT 20",
                    ),
                    (
                        "ledger without total",
                        "SELECT l.member AS a, l.s AS b FROM (SELECT member, CAST(SUM(points) AS BIGINT) AS s FROM ledger GROUP BY member) l \
                         LEFT JOIN member_totals t ON t.member = l.member WHERE t.member IS NULL AND l.s <> 0 LIMIT 20",
                    ),
                    (
                        "submission points differ from its ledger entries",
                        "SELECT s.member AS a, s.month AS b FROM submissions s LEFT JOIN \
                         (SELECT member, day, CAST(SUM(points) AS BIGINT) AS p FROM ledger WHERE kind IN ('daily_quiz', 'full_marks_bonus') GROUP BY member, day) l \
                         ON l.member = s.member AND l.day = s.day WHERE s.points <> COALESCE(l.p, 0) LIMIT 20",
                    ),
                    (
                        "monthly rollup differs from a recount",
                        "SELECT m.member AS a, m.month AS b FROM member_months m LEFT JOIN \
                         (SELECT member, month, CAST(SUM(points) AS BIGINT) AS p, COUNT(*) AS d FROM submissions GROUP BY member, month) r \
                         ON r.member = m.member AND r.month = m.month WHERE r.member IS NULL OR m.points <> r.p OR m.days <> r.d LIMIT 20",
                    ),
                    (
                        "submissions missing from the monthly rollup",
                        "SELECT r.member AS a, r.month AS b FROM (SELECT DISTINCT member, month FROM submissions) r \
                         LEFT JOIN member_months m ON m.member = r.member AND m.month = r.month WHERE m.member IS NULL LIMIT 20",
                    ),
                    (
                        "daily org rollup differs from a recount",
                        "SELECT o.org AS a, o.participants AS b FROM org_days o LEFT JOIN \
                         (SELECT org, day, COUNT(*) AS n, CAST(SUM(points) AS BIGINT) AS p FROM submissions GROUP BY org, day) r \
                         ON r.org = o.org AND r.day = o.day WHERE r.org IS NULL OR o.participants <> r.n OR o.points <> r.p LIMIT 20",
                    ),
                ];
                for (what, sql) in checks {
                    for r in sqlx::query(sql).fetch_all(pool).await.map_err(db)? {
                        let a: i64 = r.try_get("a").map_err(db)?;
                        let b: i64 = r.try_get("b").map_err(db)?;
                        report.violations.push(format!("{what}: {a} ({b})"));
                    }
                }
                let missing: i64 = sqlx::query_scalar(
                    "SELECT COUNT(*) FROM (SELECT DISTINCT org, day FROM submissions) r LEFT JOIN org_days o ON o.org = r.org AND o.day = r.day WHERE o.org IS NULL",
                )
                .fetch_one(pool)
                .await
                .map_err(db)?;
                if missing > 0 {
                    report.violations.push(format!("submissions missing from the daily org rollup: {missing} (org, day) pairs"));
                }
                Ok(report)
            }
        }

        impl $store {
            async fn read_draw<'e, E>(conn: E, member: MemberId, day: NaiveDate) -> Result<Option<DailyDraw>>
            where
                E: sqlx::Executor<'e, Database = $db>,
            {
                let row = sqlx::query("SELECT bank_revision, seed, questions, reviews FROM draws WHERE member = $1 AND day = $2")
                    .bind(member.0)
                    .bind(day)
                    .fetch_optional(conn)
                    .await
                    .map_err(db)?;
                let Some(r) = row else { return Ok(None) };
                Ok(Some(DailyDraw {
                    key: DrawKey {
                        member,
                        day,
                        bank_revision: r.try_get::<i64, _>("bank_revision").map_err(db)? as u64,
                        seed: r.try_get::<i64, _>("seed").map_err(db)? as u64,
                    },
                    questions: decode_ids(&r.try_get::<String, _>("questions").map_err(db)?)?,
                    reviews: r.try_get::<i64, _>("reviews").map_err(db)? as u8,
                }))
            }

            /// Members in the scope with more points than `points` in the period.
            async fn count_above(&self, scope: Scope, period: Period, points: i64) -> Result<u32> {
                // Everyone, whole campaign or one month: count on the rank index
                // alone, then take out deleted members (few) with a second count.
                let fast = match (scope, period) {
                    (Scope::All, Period::Campaign) => Some((
                        "SELECT COUNT(*) FROM member_totals WHERE points > $1",
                        "SELECT COUNT(*) FROM member_totals WHERE points > $1 AND member IN (SELECT id FROM members WHERE deleted_at IS NOT NULL)",
                        None,
                    )),
                    (Scope::All, Period::Month { year, month }) => Some((
                        "SELECT COUNT(*) FROM member_months WHERE points > $1 AND month = $2",
                        "SELECT COUNT(*) FROM member_months WHERE points > $1 AND month = $2 AND member IN (SELECT id FROM members WHERE deleted_at IS NOT NULL)",
                        Some(i64::from(year) * 100 + i64::from(month)),
                    )),
                    _ => None,
                };
                if let Some((all, deleted, month)) = fast {
                    let mut total = 0i64;
                    for (sql, sign) in [(all, 1), (deleted, -1)] {
                        let mut q = sqlx::query_scalar::<_, i64>(sql).bind(points);
                        if let Some(m) = month {
                            q = q.bind(m);
                        }
                        total += sign * q.fetch_one(self.reader()).await.map_err(db)?;
                    }
                    return Ok(total.max(0) as u32);
                }
                let (inner, n) = standings_sql(scope, period, 1);
                let sql = format!("SELECT COUNT(*) FROM ({inner}) x WHERE x.points > ${n}");
                let c: i64 = bind_standings(sqlx::query(&sql), scope, period)
                    .bind(points)
                    .try_map(|r: DbRow| r.try_get::<i64, _>(0))
                    .fetch_one(self.reader())
                    .await
                    .map_err(db)?;
                Ok(c as u32)
            }
        }
    }
    };
}
pub(crate) use sql_store;
