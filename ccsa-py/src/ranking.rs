//! `ccsa.rank`: competition ranking of a column, optionally within groups,
//! with the core's tie rules.

use ccsa_core::ranking::{RankMethod, rank_values};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;

/// A column as floats: a list or tuple, or anything with `tolist()` (NumPy
/// arrays, pandas and polars series).
fn floats(obj: &Bound<'_, PyAny>) -> PyResult<Vec<f64>> {
    if obj.hasattr("tolist")? {
        return obj.call_method0("tolist")?.extract();
    }
    obj.extract()
}

fn ints(obj: &Bound<'_, PyAny>) -> PyResult<Vec<i64>> {
    if obj.hasattr("tolist")? {
        return obj.call_method0("tolist")?.extract();
    }
    obj.extract()
}

/// rank(values, by=None, method="min", descending=True) -> list[int]
///
/// Ranks `values` (numbers; NaN ranks last), highest first unless
/// `descending=False`, within the groups given by `by` (integer group keys,
/// same length) or over the whole column. `method`: "min" (competition
/// ranking, "1224", the campaign's leaderboards), "dense" ("1223") or
/// "ordinal" ("1234", ties in input order). Ranks start at 1.
#[pyfunction]
#[pyo3(signature = (values, by=None, method="min", descending=true))]
pub fn rank(
    py: Python<'_>,
    values: &Bound<'_, PyAny>,
    by: Option<&Bound<'_, PyAny>>,
    method: &str,
    descending: bool,
) -> PyResult<Vec<u32>> {
    let method = RankMethod::parse(method).ok_or_else(|| {
        PyValueError::new_err(format!(
            "method must be \"min\", \"dense\" or \"ordinal\", not {method:?}"
        ))
    })?;
    let values = floats(values)?;
    let groups = by.map(ints).transpose()?;
    if let Some(g) = &groups
        && g.len() != values.len()
    {
        return Err(PyValueError::new_err(format!(
            "by has {} keys for {} values",
            g.len(),
            values.len()
        )));
    }
    Ok(py.detach(|| rank_values(&values, groups.as_deref(), method, descending)))
}
