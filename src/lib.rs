pub use ccsa_core::*;
