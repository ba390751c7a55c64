//! Test helpers: fresh stores for each conformance case.
#![allow(dead_code)]

use ccsa_core::store::Store;
use ccsa_store::StoreOptions;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

static COUNTER: AtomicU64 = AtomicU64::new(0);

fn unique_name(prefix: &str) -> String {
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    format!("{prefix}_{}_{n}_{nanos}", std::process::id())
}

/// A multi-threaded runtime, as services embedding the store use.
pub fn run<F: std::future::Future<Output = ()>>(f: F) {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(4)
        .enable_all()
        .build()
        .expect("tokio runtime")
        .block_on(f)
}

/// A fresh SQLite file in the temp directory.
pub async fn sqlite_file(options: StoreOptions) -> Arc<dyn Store> {
    let dir = std::env::temp_dir().join("ccsa-tests");
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join(format!("{}.db", unique_name("t")));
    ccsa_store::open_with(&format!("sqlite://{}", path.display()), &options)
        .await
        .expect("open sqlite")
}

/// The PostgreSQL server URL for tests. Fails loudly when absent: the
/// PostgreSQL suite never passes silently.
pub fn pg_url() -> String {
    std::env::var("CCSA_TEST_PG_URL").unwrap_or_else(|_| {
        panic!(
            "CCSA_TEST_PG_URL is not set. These tests need a PostgreSQL server: run ./scripts/test \
             (it starts a throwaway cluster), or start one yourself and export \
             CCSA_TEST_PG_URL=postgres://postgres@127.0.0.1:PORT/postgres"
        )
    })
}

/// A fresh database on the test server.
#[cfg(feature = "postgres")]
pub async fn pg_fresh() -> Arc<dyn Store> {
    ccsa_store::open(&pg_fresh_url().await)
        .await
        .expect("open postgres store")
}

/// The URL of a fresh database on the test server.
#[cfg(feature = "postgres")]
pub async fn pg_fresh_url() -> String {
    ccsa_store::PgStore::create_database(&pg_url(), &unique_name("ccsa"))
        .await
        .expect("create a test database on the PostgreSQL test server")
}

/// A fresh database on the test server, sealed with [`test_keyring`].
#[cfg(feature = "postgres")]
pub async fn pg_fresh_sealed() -> Arc<dyn Store> {
    let options = StoreOptions {
        keyring: Some(test_keyring()),
        ..Default::default()
    };
    ccsa_store::open_with(&pg_fresh_url().await, &options)
        .await
        .expect("open postgres store")
}

/// A fixed test keyring (key id 1).
pub fn test_keyring() -> ccsa_store::Keyring {
    ccsa_store::Keyring::new(1, [0x5a; 32])
}
