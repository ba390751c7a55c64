//! # ccsa-store — SQLite and PostgreSQL behind `ccsa_core::store::Store`
//!
//! [`open`] picks the backend from the URL and returns the store behind the
//! core's trait, with its migrations run:
//!
//! | URL | backend | feature |
//! |---|---|---|
//! | `sqlite://campaign.db`, `sqlite:campaign.db` | [`SqliteStore`], a file (created if missing) | `sqlite` (default) |
//! | `sqlite::memory:` | [`SqliteStore`], in memory | `sqlite` |
//! | `postgres://user@host:5432/db` | [`PgStore`] | `postgres` |
//!
//! Both backends share one implementation of every statement (`sql.rs`);
//! each has its own migrations (`migrations/sqlite`, `migrations/postgres`)
//! and connection policy. Both pass the conformance suite of `ccsa-core`
//! unchanged. The schema is described in `docs/schema.md`.
//!
//! ```
//! # #[cfg(feature = "sqlite")]
//! # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
//! let store = ccsa_store::open("sqlite::memory:").await?;
//! assert_eq!(store.backend(), "sqlite");
//! assert!(store.orgs().await?.is_empty());
//! # Ok::<(), ccsa_core::Error>(()) }).unwrap();
//! ```
#![deny(missing_docs)]

mod codec;
#[cfg(feature = "postgres")]
mod postgres;
mod sql;
#[cfg(feature = "sqlite")]
mod sqlite;
pub mod vault;

#[cfg(feature = "postgres")]
pub use postgres::PgStore;
#[cfg(feature = "sqlite")]
pub use sqlite::SqliteStore;
pub use vault::Keyring;

use ccsa_core::store::Store;
use ccsa_core::{Error, Result};
use std::sync::Arc;

/// Connection settings.
#[derive(Debug, Clone)]
pub struct StoreOptions {
    /// Writer connections to a SQLite file (default 1: one writer).
    pub sqlite_writers: u32,
    /// Read-only connections to a SQLite file (default 4).
    pub sqlite_readers: u32,
    /// PostgreSQL pool size (default 16).
    pub pg_connections: u32,
    /// The keys that seal ID numbers and phones at rest (see [`vault`]).
    /// `None` (the default) stores them as given — for tests and
    /// development only; a database once sealed refuses to open without
    /// its keyring (`STORE_KEY_INVALID`).
    pub keyring: Option<Keyring>,
}

impl Default for StoreOptions {
    fn default() -> Self {
        StoreOptions {
            sqlite_writers: 1,
            sqlite_readers: 4,
            pg_connections: 16,
            keyring: None,
        }
    }
}

/// Opens the store named by `url` with default options.
pub async fn open(url: &str) -> Result<Arc<dyn Store>> {
    open_with(url, &StoreOptions::default()).await
}

/// Opens the store named by `url`.
pub async fn open_with(url: &str, options: &StoreOptions) -> Result<Arc<dyn Store>> {
    if url.starts_with("sqlite:") {
        #[cfg(feature = "sqlite")]
        return Ok(Arc::new(SqliteStore::open(url, options).await?));
        #[cfg(not(feature = "sqlite"))]
        return Err(Error::storage("built without the sqlite feature"));
    }
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        #[cfg(feature = "postgres")]
        return Ok(Arc::new(PgStore::open(url, options).await?));
        #[cfg(not(feature = "postgres"))]
        return Err(Error::storage("built without the postgres feature"));
    }
    let _ = options;
    Err(Error::storage(
        "unsupported store URL (use sqlite:// or postgres://)",
    ))
}
