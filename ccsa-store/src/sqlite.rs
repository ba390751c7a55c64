//! SQLite: the embedded default.
//!
//! Pool design: **one writer, several readers.** All writes go through a
//! pool of one connection (by default), so in-process writers queue in the
//! pool instead of fighting over SQLite's single write lock; reads use a
//! separate read-only pool that WAL lets run beside the writer. Every write
//! transaction starts with `BEGIN IMMEDIATE`, taking the write lock up front,
//! so a read-then-write transaction never fails with `SQLITE_BUSY` at its
//! first write (which a deferred `BEGIN` does under concurrency); other
//! processes writing the same file wait up to `busy_timeout`.
//! Pragmas: `journal_mode=WAL`, `synchronous=NORMAL` (durable across
//! application crashes; an OS crash may lose the last transactions),
//! `foreign_keys=ON`, `busy_timeout=10s`, a 64 MiB page cache per
//! connection, 256 MiB of memory-mapped I/O, temporary tables in memory.

use crate::StoreOptions;
use ccsa_core::Result;
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use sqlx::{Pool, Sqlite, Transaction};
use std::collections::HashMap;
use std::str::FromStr;
use std::sync::Mutex;
use std::time::Duration;

/// The SQLite store. Open it with [`crate::open`] or [`SqliteStore::open`].
pub struct SqliteStore {
    writer: SqlitePool,
    reader: SqlitePool,
    counties: Mutex<HashMap<i64, i64>>,
    vault: crate::vault::Vault,
}

impl std::fmt::Debug for SqliteStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SqliteStore")
    }
}

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");

impl SqliteStore {
    const BACKEND: &'static str = "sqlite";
    const PLACEHOLDERS: crate::sql::Placeholders = crate::sql::Placeholders::Anonymous;
    /// Nothing to set before law searches.
    const SEARCH_PRELUDE: Option<&'static str> = None;
    /// Bulk member inserts bind their rows as one JSON array.
    const JSON_BULK: bool = true;
    /// A column test against a list bound as one JSON array.
    const IN_TEXT_LIST: &'static str = "IN (SELECT value FROM json_each($1))";

    /// Binds a list of strings as one JSON array (see `IN_TEXT_LIST`).
    fn bind_texts<'q>(
        q: sqlx::query::Query<'q, Sqlite, sqlx::sqlite::SqliteArguments<'q>>,
        values: Vec<String>,
    ) -> sqlx::query::Query<'q, Sqlite, sqlx::sqlite::SqliteArguments<'q>> {
        q.bind(serde_json::to_string(&values).expect("strings serialise"))
    }
    /// Write transactions are serialised (`BEGIN IMMEDIATE`, one writer):
    /// lock-out claims need no lock of their own.
    const LOCK_KEY: Option<&'static str> = None;
    /// After sealing rows in place: SQLite leaves replaced cells' bytes in
    /// the slack of rebuilt pages (even with `secure_delete`, as the
    /// encryption test found), so the file is rewritten (`VACUUM`, its
    /// temporary copy on disk rather than in memory) and the WAL emptied.
    const AFTER_SEALING: &'static [&'static str] = &[
        "PRAGMA temp_store = FILE",
        "VACUUM",
        "PRAGMA temp_store = MEMORY",
        "PRAGMA wal_checkpoint(TRUNCATE)",
    ];
    const STRING_AGG: &'static str = "group_concat";
    const DAY_TEXT: &'static str = "day";
    const DUE_TEXT: &'static str = "due";

    /// Opens (creating if missing) the database at `url` (`sqlite://path.db`,
    /// `sqlite:path.db` or `sqlite::memory:`) and runs the migrations.
    pub async fn open(url: &str, options: &StoreOptions) -> Result<SqliteStore> {
        let memory = url.contains(":memory:") || url.contains("mode=memory");
        let base = SqliteConnectOptions::from_str(url)
            .map_err(|_| ccsa_core::Error::storage("invalid SQLite URL"))?
            .create_if_missing(true)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10))
            .synchronous(SqliteSynchronous::Normal)
            // 64 MiB page cache and memory-mapped reads: bulk reads and
            // rollup upserts stay out of read(2) calls.
            .pragma("cache_size", "-65536")
            .pragma("mmap_size", "268435456")
            .pragma("temp_store", "memory");
        let (writer, reader) = if memory {
            // An in-memory database lives in one connection: share it.
            let pool = SqlitePoolOptions::new()
                .max_connections(1)
                .min_connections(1)
                .idle_timeout(None)
                .max_lifetime(None)
                .connect_with(base)
                .await
                .map_err(crate::sql::db)?;
            (pool.clone(), pool)
        } else {
            let writer = SqlitePoolOptions::new()
                .max_connections(options.sqlite_writers.max(1))
                .acquire_timeout(Duration::from_secs(60))
                .connect_with(base.clone().journal_mode(SqliteJournalMode::Wal))
                .await
                .map_err(crate::sql::db)?;
            MIGRATOR
                .run(&writer)
                .await
                .map_err(|_| ccsa_core::Error::storage("migration error"))?;
            let reader = SqlitePoolOptions::new()
                .max_connections(options.sqlite_readers.max(1))
                .acquire_timeout(Duration::from_secs(60))
                .connect_with(base.read_only(true))
                .await
                .map_err(crate::sql::db)?;
            (writer, reader)
        };
        if memory {
            MIGRATOR
                .run(&writer)
                .await
                .map_err(|_| ccsa_core::Error::storage("migration error"))?;
        }
        let store = SqliteStore {
            writer,
            reader,
            counties: Mutex::new(HashMap::new()),
            vault: crate::vault::Vault::new(options.keyring.as_ref()),
        };
        store.prepare_vault().await?;
        Ok(store)
    }

    fn vault(&self) -> &crate::vault::Vault {
        &self.vault
    }

    async fn tx(&self) -> Result<Transaction<'static, Sqlite>> {
        self.writer
            .begin_with("BEGIN IMMEDIATE")
            .await
            .map_err(crate::sql::db)
    }

    fn reader(&self) -> &Pool<Sqlite> {
        &self.reader
    }

    fn writer(&self) -> &Pool<Sqlite> {
        &self.writer
    }

    async fn insert_log(
        tx: &mut Transaction<'static, Sqlite>,
        subs: &[&ccsa_core::scoring::DailySubmission],
    ) -> Result<std::collections::HashSet<(i64, chrono::NaiveDate)>> {
        crate::sql::multi_row::insert_log(tx, subs, Self::PLACEHOLDERS).await
    }

    async fn insert_ledger(
        tx: &mut Transaction<'static, Sqlite>,
        entries: &[&ccsa_core::scoring::LedgerEntry],
    ) -> Result<()> {
        crate::sql::multi_row::insert_ledger(tx, entries, Self::PLACEHOLDERS).await
    }

    async fn write_rollups(
        tx: &mut Transaction<'static, Sqlite>,
        r: &crate::sql::Rollups,
    ) -> Result<()> {
        crate::sql::multi_row::write_rollups(tx, r, Self::PLACEHOLDERS).await
    }

    /// `PRAGMA integrity_check`: `Ok(())` when SQLite reports `ok`.
    pub async fn integrity_check(&self) -> Result<()> {
        let r: String = sqlx::query_scalar("PRAGMA integrity_check")
            .fetch_one(&self.reader)
            .await
            .map_err(crate::sql::db)?;
        if r == "ok" {
            Ok(())
        } else {
            Err(ccsa_core::Error::storage("integrity check failed"))
        }
    }

    /// Closes both pools (checkpointing the WAL).
    pub async fn close(&self) {
        self.reader.close().await;
        self.writer.close().await;
    }
}

crate::sql::sql_store!(SqliteStore, Sqlite);
