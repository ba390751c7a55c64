//! The storage conformance suite on SQLite files (WAL, one writer, four readers).

mod common;

ccsa_core::store_conformance!(
    || common::sqlite_file(ccsa_store::StoreOptions::default()),
    common::run
);

/// The same suite with 16 writer connections, so races reach SQLite's own
/// locking (`BEGIN IMMEDIATE` + `busy_timeout`) instead of the pool queue.
mod sixteen_writers {
    use super::common;
    ccsa_core::store_conformance!(
        || common::sqlite_file(ccsa_store::StoreOptions {
            sqlite_writers: 16,
            ..Default::default()
        }),
        common::run
    );
}

/// And in memory.
mod in_memory {
    use super::common;
    ccsa_core::store_conformance!(
        || async { ccsa_store::open("sqlite::memory:").await.expect("open") },
        common::run
    );
}

/// And sealed (encryption at rest): every ID number and phone stored
/// through the vault, lookups and uniqueness on blind indexes.
mod sealed {
    use super::common;
    ccsa_core::store_conformance!(
        || common::sqlite_file(ccsa_store::StoreOptions {
            keyring: Some(common::test_keyring()),
            ..Default::default()
        }),
        common::run
    );
}
