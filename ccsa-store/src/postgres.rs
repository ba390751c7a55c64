//! PostgreSQL: the path past one machine.
//!
//! Ordinary tables whose constraints enforce the rules (one admin seat per
//! org, one submission per member and day, unique active phones and ID
//! numbers); transactions run at READ COMMITTED, and every atomic contract
//! is an `INSERT ... ON CONFLICT` on such a constraint, so concurrent callers
//! queue on the index entry and the loser sees the winner's row. Bulk
//! writes stream the answer log and the ledger with `COPY`.

use crate::StoreOptions;
use crate::codec::{encode_answers, micros, month_of};
use crate::sql::db;
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
        Ok(PgStore {
            pool,
            counties: Mutex::new(HashMap::new()),
        })
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

    /// Streams the log rows into a temporary table with `COPY`, then moves
    /// them into `submissions` with one `INSERT ... SELECT ... ON CONFLICT
    /// DO NOTHING RETURNING`, giving the keys that were new.
    async fn insert_log(
        tx: &mut Transaction<'static, Postgres>,
        subs: &[&DailySubmission],
    ) -> Result<HashSet<(i64, NaiveDate)>> {
        let mut inserted = HashSet::new();
        if subs.is_empty() {
            return Ok(inserted);
        }
        sqlx::query(
            "CREATE TEMPORARY TABLE IF NOT EXISTS submissions_in (LIKE submissions INCLUDING DEFAULTS) ON COMMIT DELETE ROWS",
        )
        .execute(&mut **tx)
        .await
        .map_err(db)?;
        let mut text = String::with_capacity(subs.len() * 96);
        for s in subs {
            text.push_str(&format!(
                "{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\n",
                s.member.0,
                s.day,
                month_of(s.day),
                s.org.0,
                micros(s.submitted_at),
                s.correct,
                s.points,
                encode_answers(&s.answers)
            ));
        }
        let mut copy = tx
            .copy_in_raw("COPY submissions_in (member, day, month, org, submitted_at, correct, points, answers) FROM STDIN")
            .await
            .map_err(db)?;
        copy.send(text.as_bytes()).await.map_err(db)?;
        copy.finish().await.map_err(db)?;
        let rows = sqlx::query(
            "INSERT INTO submissions SELECT * FROM submissions_in ON CONFLICT (member, day) DO NOTHING RETURNING member, day",
        )
        .fetch_all(&mut **tx)
        .await
        .map_err(db)?;
        for r in rows {
            inserted.insert((
                r.try_get("member").map_err(db)?,
                r.try_get("day").map_err(db)?,
            ));
        }
        sqlx::query("TRUNCATE submissions_in")
            .execute(&mut **tx)
            .await
            .map_err(db)?;
        Ok(inserted)
    }

    /// Streams ledger rows with `COPY`.
    async fn insert_ledger(
        tx: &mut Transaction<'static, Postgres>,
        entries: &[&LedgerEntry],
    ) -> Result<()> {
        if entries.is_empty() {
            return Ok(());
        }
        let mut text = String::with_capacity(entries.len() * 64);
        for e in entries {
            text.push_str(&format!(
                "{}\t{}\t{}\t{}\t{}\t{}\n",
                e.member.0,
                e.org.0,
                e.day,
                e.kind.as_str(),
                e.points,
                micros(e.at)
            ));
        }
        let mut copy = tx
            .copy_in_raw("COPY ledger (member, org, day, kind, points, at) FROM STDIN")
            .await
            .map_err(db)?;
        copy.send(text.as_bytes()).await.map_err(db)?;
        copy.finish().await.map_err(db)?;
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
