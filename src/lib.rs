#![doc = include_str!("../README.md")]
#![deny(missing_docs)]

pub use ccsa_core::*;

/// The SQL backends (`ccsa-store`): [`open`] a store by URL.
pub use ccsa_store as sql;
pub use ccsa_store::{Keyring, StoreOptions, open, open_with};
