//! The storage conformance suite on PostgreSQL (needs CCSA_TEST_PG_URL; see common.rs).

mod common;

ccsa_core::store_conformance!(common::pg_fresh, common::run);

/// And sealed (encryption at rest).
mod sealed {
    use super::common;
    ccsa_core::store_conformance!(common::pg_fresh_sealed, common::run);
}
