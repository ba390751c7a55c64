//! The core validators for data cleaning: one value at a time (raising
//! `ValidationError`) or a whole column (a table of results).

use crate::errors::to_py;
use crate::table::{Column, Table};
use ccsa_core::identity::{IdNumber, PersonName, Phone};
use chrono::NaiveDate;
use pyo3::prelude::*;

fn day(today: Option<&str>) -> PyResult<NaiveDate> {
    match today {
        Some(d) => d.parse().map_err(|_| {
            pyo3::exceptions::PyValueError::new_err(format!("today must be YYYY-MM-DD, not {d:?}"))
        }),
        None => {
            use ccsa_core::clock::Clock;
            Ok(ccsa_core::clock::SystemClock.today())
        }
    }
}

/// parse_id_number(value, today=None) -> str
///
/// Validates a resident ID number (GB 11643: 18 characters with the MOD
/// 11-2 check character; 15-digit numbers are upgraded) and returns it
/// normalised. Birth dates after `today` (YYYY-MM-DD; default: today in
/// Beijing) are refused. Raises `ValidationError` with the code
/// (e.g. "ID_NUMBER_CHECKSUM").
#[pyfunction]
#[pyo3(signature = (value, today=None))]
pub fn parse_id_number(value: &str, today: Option<&str>) -> PyResult<String> {
    IdNumber::parse(value, day(today)?)
        .map(|i| i.expose().to_string())
        .map_err(to_py)
}

/// parse_phone(value) -> str
///
/// Validates a mainland mobile number (+86, spaces, dashes and full-width
/// digits accepted) and returns its 11 digits. Raises `ValidationError`.
#[pyfunction]
pub fn parse_phone(value: &str) -> PyResult<String> {
    Phone::parse(value)
        .map(|p| p.expose().to_string())
        .map_err(to_py)
}

/// normalize_name(value) -> str
///
/// Validates a person's name and returns it normalised (spaces trimmed,
/// the middle dot of minority and foreign names unified). Raises
/// `ValidationError`.
#[pyfunction]
pub fn normalize_name(value: &str) -> PyResult<String> {
    PersonName::parse(value)
        .map(|n| n.expose().to_string())
        .map_err(to_py)
}

/// The column check: `f` gives (normalised, masked) for a valid value.
/// Unless `raw`, the `value` column is masked like the core masks raw text
/// ([`ccsa_core::identity::mask_raw`]) and `normalized` holds the masked form.
fn check(
    values: Vec<Option<String>>,
    raw: bool,
    f: impl Fn(&str) -> ccsa_core::Result<(String, String)>,
) -> Table {
    let mut ok = Vec::with_capacity(values.len());
    let mut code = Vec::with_capacity(values.len());
    let mut normalized = Vec::with_capacity(values.len());
    for v in &values {
        match v.as_deref().map(&f) {
            Some(Ok((exposed, masked))) => {
                ok.push(Some(true));
                code.push(None);
                normalized.push(Some(if raw { exposed } else { masked }));
            }
            Some(Err(e)) => {
                ok.push(Some(false));
                code.push(Some(e.code().as_str().to_string()));
                normalized.push(None);
            }
            None => {
                ok.push(Some(false));
                code.push(Some("VALUE_MISSING".to_string()));
                normalized.push(None);
            }
        }
    }
    let values = if raw {
        values
    } else {
        values
            .into_iter()
            .map(|v| v.map(|s| ccsa_core::identity::mask_raw(&s)))
            .collect()
    };
    Table::new(vec![
        ("value".into(), Column::Str(values)),
        ("ok".into(), Column::Bool(ok)),
        ("code".into(), Column::Str(code)),
        ("normalized".into(), Column::Str(normalized)),
    ])
}

/// check_id_numbers(values, today=None, raw=False) -> Table
///
/// Validates a column of ID numbers (None allowed): a table of `value`,
/// `ok`, `code` (None when ok; "VALUE_MISSING" for None) and `normalized`.
/// `value` and `normalized` are masked (`110***********002X`) unless
/// `raw=True`: the unmasked table is personal data, handle it accordingly.
#[pyfunction]
#[pyo3(signature = (values, today=None, raw=false))]
pub fn check_id_numbers(
    py: Python<'_>,
    values: Vec<Option<String>>,
    today: Option<&str>,
    raw: bool,
) -> PyResult<Table> {
    let d = day(today)?;
    Ok(py.detach(|| {
        check(values, raw, |v| {
            IdNumber::parse(v, d).map(|i| (i.expose().to_string(), i.masked()))
        })
    }))
}

/// check_phones(values, raw=False) -> Table
///
/// Validates a column of phone numbers: a table like `check_id_numbers`,
/// masked (`138****8000`) unless `raw=True`.
#[pyfunction]
#[pyo3(signature = (values, raw=false))]
pub fn check_phones(py: Python<'_>, values: Vec<Option<String>>, raw: bool) -> PyResult<Table> {
    Ok(py.detach(|| {
        check(values, raw, |v| {
            Phone::parse(v).map(|p| (p.expose().to_string(), p.masked()))
        })
    }))
}
