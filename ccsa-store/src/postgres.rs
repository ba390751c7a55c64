//! PostgreSQL: the path past one machine.
//!
//! Ordinary tables whose constraints enforce the rules (one admin seat per
//! org, one submission per member and day, unique active phones and ID
//! numbers); transactions run at READ COMMITTED, and every atomic contract
//! is an `INSERT ... ON CONFLICT` on such a constraint, so concurrent callers
//! queue on the index entry and the loser sees the winner's row.

use crate::StoreOptions;
use ccsa_core::Result;
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::{Pool, Postgres, Transaction};
use std::collections::HashMap;
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
    const STRING_AGG: &'static str = "string_agg";
    const DAY_TEXT: &'static str = "to_char(day, 'YYYY-MM-DD')";
    const DUE_TEXT: &'static str = "to_char(due, 'YYYY-MM-DD')";

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
