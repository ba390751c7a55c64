//! # ccsa-py — Python bindings for analysts
//!
//! The native module `ccsa._ccsa` behind the `ccsa` Python package
//! (`python/ccsa`): competition ranking of columns (`ccsa.rank`), the
//! validators of `ccsa-core` for data cleaning, the error classes with their
//! stable codes, and read access to a campaign store as tables. The GIL is
//! released during every store call.

use pyo3::prelude::*;

mod errors;
mod ranking;
mod store;
mod table;
mod validate;

pub use errors::to_py;

/// The native module.
#[pymodule]
fn _ccsa(m: &Bound<'_, PyModule>) -> PyResult<()> {
    errors::register(m)?;
    m.add_function(wrap_pyfunction!(ranking::rank, m)?)?;
    m.add_function(wrap_pyfunction!(validate::parse_id_number, m)?)?;
    m.add_function(wrap_pyfunction!(validate::parse_phone, m)?)?;
    m.add_function(wrap_pyfunction!(validate::normalize_name, m)?)?;
    m.add_function(wrap_pyfunction!(validate::check_id_numbers, m)?)?;
    m.add_function(wrap_pyfunction!(validate::check_phones, m)?)?;
    m.add_class::<table::Table>()?;
    m.add_class::<ranking::Ranks>()?;
    m.add_class::<store::Store>()?;
    Ok(())
}
