//! PostgreSQL: the path past one machine.
//!
//! Ordinary tables whose constraints enforce the rules (one admin seat per
//! org, one submission per member and day, unique active phones and ID
//! numbers); transactions run at READ COMMITTED, and every atomic contract
//! is an `INSERT ... ON CONFLICT` on such a constraint, so concurrent callers
//! queue on the index entry and the loser sees the winner's row. Bulk
//! writes (the answer log, the ledger, the rollups) bind each column as an
//! array and spread it with `UNNEST`: one statement per table per batch.

use crate::StoreOptions;
use crate::codec::{encode_answers, micros, month_of};
use crate::sql::{Rollups, db};
use ccsa_core::Result;
use ccsa_core::scoring::{DailySubmission, LedgerEntry};
use chrono::NaiveDate;
use sqlx::Row;
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::{Pool, Postgres, Transaction};
use std::collections::HashMap;
use std::collections::HashSet;
use std::str::FromStr;
use std::sync::Mutex;
use std::time::Duration;

/// The PostgreSQL store. Open it with [`crate::open`] or [`PgStore::open`].
pub struct PgStore {
    pool: PgPool,
    counties: Mutex<HashMap<i64, i64>>,
    vault: crate::vault::Vault,
}

impl std::fmt::Debug for PgStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PgStore")
    }
}

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

impl PgStore {
    const BACKEND: &'static str = "postgres";
    const PLACEHOLDERS: crate::sql::Placeholders = crate::sql::Placeholders::Numbered;
    /// Law searches prefer the GIN indexes: a sequential scan would detoast
    /// every row's bigram array, which the planner's estimates do not see.
    const SEARCH_PRELUDE: Option<&'static str> = Some("SET LOCAL enable_seqscan = off");
    /// Bulk member inserts use multi-row statements (ids from the sequence).
    const JSON_BULK: bool = false;
    /// A column test against a list bound as one text array.
    const IN_TEXT_LIST: &'static str = "= ANY($1)";

    /// Binds a list of strings as one `text[]` (see `IN_TEXT_LIST`).
    fn bind_texts<'q>(
        q: sqlx::query::Query<'q, Postgres, sqlx::postgres::PgArguments>,
        values: Vec<String>,
    ) -> sqlx::query::Query<'q, Postgres, sqlx::postgres::PgArguments> {
        q.bind(values)
    }
    /// Serialises lock-out claims per key until the transaction ends.
    const LOCK_KEY: Option<&'static str> =
        Some("SELECT pg_advisory_xact_lock(hashtextextended($1, 7243))");
    /// After sealing rows in place: rewrite the tables, so the dead tuples
    /// that held plaintext leave the data files (WAL segments and backups
    /// taken before remain the operator's to retire).
    const AFTER_SEALING: &'static [&'static str] = &[
        "VACUUM FULL members",
        "VACUUM FULL admins",
        "VACUUM FULL orgs",
    ];
    const STRING_AGG: &'static str = "string_agg";
    const DAY_TEXT: &'static str = "to_char(day, 'YYYY-MM-DD')";
    const DUE_TEXT: &'static str = "to_char(due, 'YYYY-MM-DD')";

    /// Creates database `name` (dropped first if it exists) on the server
    /// of `server_url` and returns its URL: fresh databases for tests,
    /// benchmarks and simulations. `name` must be a plain identifier.
    pub async fn create_database(server_url: &str, name: &str) -> Result<String> {
        use sqlx::Connection;
        if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            return Err(ccsa_core::Error::storage(
                "database name must be [A-Za-z0-9_]+",
            ));
        }
        let mut c = sqlx::PgConnection::connect(server_url)
            .await
            .map_err(crate::sql::db)?;
        for sql in [
            format!("DROP DATABASE IF EXISTS {name}"),
            format!("CREATE DATABASE {name}"),
        ] {
            sqlx::query(&sql)
                .execute(&mut c)
                .await
                .map_err(crate::sql::db)?;
        }
        c.close().await.ok();
        let base = server_url.rsplit_once('/').map_or(server_url, |(b, _)| b);
        Ok(format!("{base}/{name}"))
    }

    /// Connects to `url` (`postgres://user@host:port/db`) and runs the migrations.
    pub async fn open(url: &str, options: &StoreOptions) -> Result<PgStore> {
        let opts = PgConnectOptions::from_str(url)
            .map_err(|_| ccsa_core::Error::storage("invalid PostgreSQL URL"))?;
        let pool = PgPoolOptions::new()
            .max_connections(options.pg_connections.max(1))
            .acquire_timeout(Duration::from_secs(60))
            .connect_with(opts)
            .await
            .map_err(crate::sql::db)?;
        MIGRATOR
            .run(&pool)
            .await
            .map_err(|_| ccsa_core::Error::storage("migration error"))?;
        let store = PgStore {
            pool,
            counties: Mutex::new(HashMap::new()),
            vault: crate::vault::Vault::new(options.keyring.as_ref()),
        };
        store.prepare_vault().await?;
        Ok(store)
    }

    fn vault(&self) -> &crate::vault::Vault {
        &self.vault
    }

    async fn tx(&self) -> Result<Transaction<'static, Postgres>> {
        self.pool.begin().await.map_err(crate::sql::db)
    }

    fn reader(&self) -> &Pool<Postgres> {
        &self.pool
    }

    fn writer(&self) -> &Pool<Postgres> {
        &self.pool
    }

    /// Inserts log rows in one statement, each column bound as an array and
    /// spread by `UNNEST`, giving the (member, day) keys that were new.
    async fn insert_log(
        tx: &mut Transaction<'static, Postgres>,
        subs: &[&DailySubmission],
    ) -> Result<HashSet<(i64, NaiveDate)>> {
        let mut inserted = HashSet::with_capacity(subs.len());
        if subs.is_empty() {
            return Ok(inserted);
        }
        let col = |f: fn(&DailySubmission) -> i64| subs.iter().map(|s| f(s)).collect::<Vec<i64>>();
        let rows = sqlx::query(
            "INSERT INTO submissions (member, day, month, org, submitted_at, correct, points, answers) \
             SELECT * FROM UNNEST($1::bigint[], $2::date[], $3::bigint[], $4::bigint[], $5::bigint[], $6::bigint[], $7::bigint[], $8::text[]) \
             ON CONFLICT (member, day) DO NOTHING RETURNING member, day",
        )
        .bind(col(|s| s.member.0))
        .bind(subs.iter().map(|s| s.day).collect::<Vec<NaiveDate>>())
        .bind(col(|s| month_of(s.day)))
        .bind(col(|s| s.org.0))
        .bind(col(|s| micros(s.submitted_at)))
        .bind(col(|s| i64::from(s.correct)))
        .bind(col(|s| s.points))
        .bind(subs.iter().map(|s| encode_answers(&s.answers)).collect::<Vec<String>>())
        .fetch_all(&mut **tx)
        .await
        .map_err(db)?;
        for r in rows {
            inserted.insert((
                r.try_get("member").map_err(db)?,
                r.try_get("day").map_err(db)?,
            ));
        }
        Ok(inserted)
    }

    /// Inserts ledger rows in one statement (arrays through `UNNEST`).
    async fn insert_ledger(
        tx: &mut Transaction<'static, Postgres>,
        entries: &[&LedgerEntry],
    ) -> Result<()> {
        if entries.is_empty() {
            return Ok(());
        }
        let col = |f: fn(&LedgerEntry) -> i64| entries.iter().map(|e| f(e)).collect::<Vec<i64>>();
        sqlx::query(
            "INSERT INTO ledger (member, org, day, kind, points, at) \
             SELECT * FROM UNNEST($1::bigint[], $2::bigint[], $3::date[], $4::text[], $5::bigint[], $6::bigint[])",
        )
        .bind(col(|e| e.member.0))
        .bind(col(|e| e.org.0))
        .bind(entries.iter().map(|e| e.day).collect::<Vec<NaiveDate>>())
        .bind(entries.iter().map(|e| e.kind.as_str()).collect::<Vec<&str>>())
        .bind(col(|e| e.points))
        .bind(col(|e| micros(e.at)))
        .execute(&mut **tx)
        .await
        .map_err(db)?;
        Ok(())
    }

    /// Writes one batch's rollups: one upsert per table, its rows bound as
    /// arrays through `UNNEST` (one prepared statement whatever the batch
    /// size, instead of a multi-row `VALUES` list per chunk).
    async fn write_rollups(tx: &mut Transaction<'static, Postgres>, r: &Rollups) -> Result<()> {
        if !r.totals.is_empty() {
            let t = &r.totals;
            sqlx::query(
                "INSERT INTO member_totals (member, org, county, points, reached_at) \
                 SELECT * FROM UNNEST($1::bigint[], $2::bigint[], $3::bigint[], $4::bigint[], $5::bigint[]) \
                 ON CONFLICT (member) DO UPDATE SET points = member_totals.points + excluded.points, \
                 reached_at = CASE WHEN excluded.points > 0 THEN excluded.reached_at ELSE member_totals.reached_at END",
            )
            .bind(t.iter().map(|x| x.0).collect::<Vec<i64>>())
            .bind(t.iter().map(|x| x.1).collect::<Vec<i64>>())
            .bind(t.iter().map(|x| x.2).collect::<Vec<i64>>())
            .bind(t.iter().map(|x| x.3).collect::<Vec<i64>>())
            .bind(t.iter().map(|x| x.4).collect::<Vec<i64>>())
            .execute(&mut **tx)
            .await
            .map_err(db)?;
        }
        if !r.months.is_empty() {
            let m = &r.months;
            sqlx::query(
                "INSERT INTO member_months (member, month, org, county, points, days, reached_at) \
                 SELECT * FROM UNNEST($1::bigint[], $2::bigint[], $3::bigint[], $4::bigint[], $5::bigint[], $6::bigint[], $7::bigint[]) \
                 ON CONFLICT (member, month) DO UPDATE SET points = member_months.points + excluded.points, \
                 days = member_months.days + excluded.days, \
                 reached_at = CASE WHEN excluded.points > 0 THEN excluded.reached_at ELSE member_months.reached_at END",
            )
            .bind(m.iter().map(|x| x.0).collect::<Vec<i64>>())
            .bind(m.iter().map(|x| x.1).collect::<Vec<i64>>())
            .bind(m.iter().map(|x| x.2).collect::<Vec<i64>>())
            .bind(m.iter().map(|x| x.3).collect::<Vec<i64>>())
            .bind(m.iter().map(|x| x.4).collect::<Vec<i64>>())
            .bind(m.iter().map(|x| x.5).collect::<Vec<i64>>())
            .bind(m.iter().map(|x| x.6).collect::<Vec<i64>>())
            .execute(&mut **tx)
            .await
            .map_err(db)?;
        }
        if !r.org_days.is_empty() {
            let d = &r.org_days;
            sqlx::query(
                "INSERT INTO org_days (org, day, participants, points) \
                 SELECT * FROM UNNEST($1::bigint[], $2::date[], $3::bigint[], $4::bigint[]) \
                 ON CONFLICT (org, day) DO UPDATE SET participants = org_days.participants + excluded.participants, \
                 points = org_days.points + excluded.points",
            )
            .bind(d.iter().map(|x| x.0).collect::<Vec<i64>>())
            .bind(d.iter().map(|x| x.1).collect::<Vec<NaiveDate>>())
            .bind(d.iter().map(|x| x.2).collect::<Vec<i64>>())
            .bind(d.iter().map(|x| x.3).collect::<Vec<i64>>())
            .execute(&mut **tx)
            .await
            .map_err(db)?;
        }
        if !r.card_upserts.is_empty() {
            let c = &r.card_upserts;
            sqlx::query(
                "INSERT INTO review_cards (member, question, repetitions, interval_days, ease_milli, due) \
                 SELECT * FROM UNNEST($1::bigint[], $2::bigint[], $3::bigint[], $4::bigint[], $5::bigint[], $6::date[]) \
                 ON CONFLICT (member, question) DO UPDATE SET repetitions = excluded.repetitions, \
                 interval_days = excluded.interval_days, ease_milli = excluded.ease_milli, due = excluded.due",
            )
            .bind(c.iter().map(|x| x.0).collect::<Vec<i64>>())
            .bind(c.iter().map(|x| x.1.question.0).collect::<Vec<i64>>())
            .bind(c.iter().map(|x| i64::from(x.1.repetitions)).collect::<Vec<i64>>())
            .bind(c.iter().map(|x| i64::from(x.1.interval_days)).collect::<Vec<i64>>())
            .bind(c.iter().map(|x| i64::from(x.1.ease_milli)).collect::<Vec<i64>>())
            .bind(c.iter().map(|x| x.1.due).collect::<Vec<NaiveDate>>())
            .execute(&mut **tx)
            .await
            .map_err(db)?;
        }
        if !r.card_removals.is_empty() {
            let c = &r.card_removals;
            sqlx::query(
                "DELETE FROM review_cards WHERE (member, question) IN \
                 (SELECT * FROM UNNEST($1::bigint[], $2::bigint[]))",
            )
            .bind(c.iter().map(|x| x.0).collect::<Vec<i64>>())
            .bind(c.iter().map(|x| x.1).collect::<Vec<i64>>())
            .execute(&mut **tx)
            .await
            .map_err(db)?;
        }
        Ok(())
    }

    /// The connection pool (for tools that need raw access, e.g. benchmarks).
    pub fn pool(&self) -> &PgPool {
        &self.pool
    }

    /// Closes the pool.
    pub async fn close(&self) {
        self.pool.close().await;
    }
}

crate::sql::sql_store!(PgStore, Postgres);
