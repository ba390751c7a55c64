//! # ccsa-ffi: ccsa for Kotlin and Swift apps (UniFFI)
//!
//! Native apps link this library to run the same rules on the device as on
//! the server. It is a thin layer: every rule lives in `ccsa-core`; this
//! crate turns core types into FFI records and core errors into one small
//! error type.
//!
//! - [`error`]: [`CcsaError`], one variant per area, each with the stable
//!   `code` and the Chinese `detail` (Kotlin: `CcsaException.Validation`, …).
//! - [`helpers`]: pure functions: ID number, phone and name parsing and
//!   masking, the invitation token inside a scanned QR text, the daily draw
//!   recomputed for audit, grading.
//! - [`engine`]: [`Engine`], opened on a store URL (an app-local SQLite
//!   file, or `sqlite::memory:`), with the trainee flows ([`trainee`]) and
//!   the admin flows ([`admin`]). Its methods are `suspend` functions in
//!   Kotlin and `async` in Swift, run on a tokio runtime.
//! - [`records`]: the records and enums that cross the boundary.
//!
//! Generate bindings with `ccsa-ffi/scripts/generate` (Kotlin, Swift and
//! Python into `target/bindings/`).

uniffi::setup_scaffolding!();

pub mod admin;
pub mod engine;
pub mod error;
pub mod helpers;
pub mod records;
pub mod trainee;

pub use engine::{Engine, EngineOptions, RetiredKey, open_engine};
pub use error::CcsaError;
