//! The storage conformance suite on `MemoryStore`.

use ccsa_core::store::{MemoryStore, Store};
use std::sync::Arc;

ccsa_core::store_conformance!(
    || async { Arc::new(MemoryStore::new()) as Arc<dyn Store> },
    |f| futures::executor::block_on(f)
);
