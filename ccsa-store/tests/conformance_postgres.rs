//! The storage conformance suite on PostgreSQL (needs CCSA_TEST_PG_URL; see common.rs).

mod common;

ccsa_core::store_conformance!(common::pg_fresh, common::run);
