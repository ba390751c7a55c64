//! `ccsa.rank`: competition ranking of a column, optionally within groups,
//! with the core's tie rules; columns come in without a copy where the
//! caller's array allows it, and the ranks go out as a `ccsa.Ranks` array.

use arrow_array::cast::AsArray;
use arrow_array::ffi::{FFI_ArrowArray, FFI_ArrowSchema, from_ffi};
use arrow_array::types::{Float64Type, Int64Type};
use arrow_array::{Array, ArrayRef, UInt32Array, make_array};
use arrow_schema::DataType;
use ccsa_core::ranking::{RankMethod, rank_values};
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyCapsule, PyDict, PyTuple};
use std::ffi::CString;
use std::sync::Arc;

/// A column read from Python: owned, or borrowed from a NumPy array that
/// `_keep` keeps alive.
enum ColumnIn<'py, T> {
    Owned(Vec<T>),
    Borrowed {
        ptr: *const T,
        len: usize,
        _keep: Bound<'py, PyAny>,
    },
}

impl<T> ColumnIn<'_, T> {
    fn as_slice(&self) -> &[T] {
        match self {
            ColumnIn::Owned(v) => v,
            // SAFETY: the pointer and length come from the array's
            // `__array_interface__` (contiguous, aligned, native order,
            // checked below) and the array is kept alive by `_keep`.
            ColumnIn::Borrowed { ptr, len, .. } => unsafe {
                std::slice::from_raw_parts(*ptr, *len)
            },
        }
    }
}

/// A contiguous 1-D NumPy array of `typestr` (e.g. "<f8"), without a copy.
fn numpy_view<'py, T>(
    obj: &Bound<'py, PyAny>,
    typestr: &str,
) -> PyResult<Option<ColumnIn<'py, T>>> {
    let Ok(iface) = obj.getattr("__array_interface__") else {
        return Ok(None);
    };
    let iface = iface
        .cast_into::<PyDict>()
        .map_err(|_| PyTypeError::new_err("bad __array_interface__"))?;
    let get = |k: &str| iface.get_item(k).ok().flatten();
    let ts: String = get("typestr")
        .map(|t| t.extract())
        .transpose()?
        .unwrap_or_default();
    let shape: Vec<usize> = get("shape")
        .map(|s| s.extract())
        .transpose()?
        .unwrap_or_default();
    let strides_none = get("strides").is_none_or(|s| s.is_none());
    if ts != typestr || shape.len() != 1 || !strides_none {
        return Ok(None); // another dtype or layout: let the caller convert
    }
    let (addr, _readonly): (usize, bool) = get("data")
        .ok_or_else(|| PyTypeError::new_err("no data"))?
        .extract()?;
    if shape[0] > 0 && (addr == 0 || addr % std::mem::align_of::<T>() != 0) {
        return Ok(None);
    }
    Ok(Some(ColumnIn::Borrowed {
        ptr: addr as *const T,
        len: shape[0],
        _keep: obj.clone(),
    }))
}

/// An Arrow array from an object with `__arrow_c_array__` (pyarrow arrays,
/// polars series, NumPy-free sources).
fn arrow_in(obj: &Bound<'_, PyAny>) -> PyResult<Option<ArrayRef>> {
    if !obj.hasattr("__arrow_c_array__")? {
        return Ok(None);
    }
    let pair = obj.call_method0("__arrow_c_array__")?;
    let pair = pair
        .cast::<PyTuple>()
        .map_err(|_| PyTypeError::new_err("__arrow_c_array__ must return a tuple"))?;
    let schema = pair.get_item(0)?;
    let array = pair.get_item(1)?;
    let schema = schema
        .cast::<PyCapsule>()
        .map_err(|_| PyTypeError::new_err("schema capsule expected"))?;
    let array = array
        .cast::<PyCapsule>()
        .map_err(|_| PyTypeError::new_err("array capsule expected"))?;
    // SAFETY: the capsules hold an ArrowSchema and an ArrowArray per the
    // Arrow PyCapsule interface; the array is moved out (its release
    // callback then belongs to us) and the schema only borrowed.
    let data = unsafe {
        let schema = &*(schema.pointer() as *const FFI_ArrowSchema);
        let array = std::ptr::replace(
            array.pointer() as *mut FFI_ArrowArray,
            FFI_ArrowArray::empty(),
        );
        from_ffi(array, schema)
    }
    .map_err(|e| PyValueError::new_err(e.to_string()))?;
    Ok(Some(make_array(data)))
}

/// A column as floats (nulls become NaN and rank last).
fn floats<'py>(obj: &Bound<'py, PyAny>) -> PyResult<ColumnIn<'py, f64>> {
    if let Some(v) = numpy_view::<f64>(obj, "<f8")? {
        return Ok(v);
    }
    if let Some(a) = arrow_in(obj)? {
        let a = arrow_cast_f64(&a)?;
        return Ok(ColumnIn::Owned(a));
    }
    let list = if obj.hasattr("tolist")? {
        obj.call_method0("tolist")?
    } else {
        obj.clone()
    };
    Ok(ColumnIn::Owned(list.extract()?))
}

fn arrow_cast_f64(a: &ArrayRef) -> PyResult<Vec<f64>> {
    let nulls = a.nulls().cloned();
    let is_null = |i: usize| nulls.as_ref().is_some_and(|n| n.is_null(i));
    Ok(match a.data_type() {
        DataType::Float64 => {
            let v = a.as_primitive::<Float64Type>();
            (0..v.len())
                .map(|i| if is_null(i) { f64::NAN } else { v.value(i) })
                .collect()
        }
        DataType::Int64 => {
            let v = a.as_primitive::<Int64Type>();
            (0..v.len())
                .map(|i| {
                    if is_null(i) {
                        f64::NAN
                    } else {
                        v.value(i) as f64
                    }
                })
                .collect()
        }
        t => {
            return Err(PyTypeError::new_err(format!(
                "rank takes float64 or int64 columns, not {t}"
            )));
        }
    })
}

/// Group keys as i64.
fn ints<'py>(obj: &Bound<'py, PyAny>) -> PyResult<ColumnIn<'py, i64>> {
    if let Some(v) = numpy_view::<i64>(obj, "<i8")? {
        return Ok(v);
    }
    if let Some(a) = arrow_in(obj)? {
        if a.null_count() > 0 {
            return Err(PyValueError::new_err("group keys must not be null"));
        }
        return match a.data_type() {
            DataType::Int64 => Ok(ColumnIn::Owned(
                a.as_primitive::<Int64Type>().values().to_vec(),
            )),
            t => Err(PyTypeError::new_err(format!(
                "group keys must be int64, not {t}"
            ))),
        };
    }
    let list = if obj.hasattr("tolist")? {
        obj.call_method0("tolist")?
    } else {
        obj.clone()
    };
    Ok(ColumnIn::Owned(list.extract()?))
}

/// Ranks (1-based, `uint32`), as returned by `ccsa.rank`: a sequence that
/// compares equal to a list of the same ranks, with `tolist()`, and that
/// NumPy (`numpy.asarray`), pyarrow (`pyarrow.array`) and polars
/// (`polars.Series`) take without a copy.
#[pyclass(module = "ccsa", frozen, sequence)]
pub struct Ranks {
    ranks: Arc<Vec<u32>>,
}

#[pymethods]
impl Ranks {
    fn __len__(&self) -> usize {
        self.ranks.len()
    }

    fn __getitem__(&self, i: isize) -> PyResult<u32> {
        let n = self.ranks.len() as isize;
        let j = if i < 0 { i + n } else { i };
        if !(0..n).contains(&j) {
            return Err(pyo3::exceptions::PyIndexError::new_err(
                "rank index out of range",
            ));
        }
        Ok(self.ranks[j as usize])
    }

    /// The ranks as a list of ints.
    fn tolist(&self) -> Vec<u32> {
        self.ranks.as_ref().clone()
    }

    fn __eq__(&self, other: &Bound<'_, PyAny>) -> bool {
        if let Ok(o) = other.cast::<Ranks>() {
            return o.get().ranks == self.ranks;
        }
        other.extract::<Vec<u32>>().is_ok_and(|v| v == *self.ranks)
    }

    fn __repr__(&self) -> String {
        let head: Vec<String> = self.ranks.iter().take(10).map(u32::to_string).collect();
        let more = if self.ranks.len() > 10 { ", …" } else { "" };
        format!(
            "Ranks([{}{more}], len={})",
            head.join(", "),
            self.ranks.len()
        )
    }

    /// The NumPy array interface (read-only `uint32`, no copy).
    #[getter]
    fn __array_interface__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        d.set_item("shape", (self.ranks.len(),))?;
        d.set_item("typestr", "<u4")?;
        d.set_item("data", (self.ranks.as_ptr() as usize, true))?;
        d.set_item("version", 3)?;
        Ok(d)
    }

    /// The Arrow PyCapsule interface for one array (`uint32`).
    #[pyo3(signature = (requested_schema=None))]
    fn __arrow_c_array__<'py>(
        &self,
        py: Python<'py>,
        requested_schema: Option<Bound<'py, PyAny>>,
    ) -> PyResult<(Bound<'py, PyCapsule>, Bound<'py, PyCapsule>)> {
        let _ = requested_schema;
        let array = UInt32Array::from(self.ranks.as_ref().clone());
        let data = array.into_data();
        let schema = FFI_ArrowSchema::try_from(data.data_type())
            .map_err(|e| PyValueError::new_err(e.to_string()))?;
        let array = FFI_ArrowArray::new(&data);
        Ok((
            PyCapsule::new(
                py,
                schema,
                Some(CString::new("arrow_schema").expect("no NUL")),
            )?,
            PyCapsule::new(
                py,
                array,
                Some(CString::new("arrow_array").expect("no NUL")),
            )?,
        ))
    }
}

/// rank(values, by=None, method="min", descending=True) -> Ranks
///
/// Ranks `values` (numbers; NaN and nulls rank last), highest first unless
/// `descending=False`, within the groups given by `by` (integer group keys,
/// same length) or over the whole column. `method`: "min" (competition
/// ranking, "1224", the campaign's leaderboards), "dense" ("1223") or
/// "ordinal" ("1234", ties in input order). Ranks start at 1.
///
/// Columns can be lists, NumPy arrays (float64 values and int64 keys are
/// read without a copy), or anything with the Arrow PyCapsule interface
/// (pyarrow arrays, polars series). The GIL is released while ranking.
#[pyfunction]
#[pyo3(signature = (values, by=None, method="min", descending=true))]
pub fn rank(
    py: Python<'_>,
    values: &Bound<'_, PyAny>,
    by: Option<&Bound<'_, PyAny>>,
    method: &str,
    descending: bool,
) -> PyResult<Ranks> {
    let method = RankMethod::parse(method).ok_or_else(|| {
        PyValueError::new_err(format!(
            "method must be \"min\", \"dense\" or \"ordinal\", not {method:?}"
        ))
    })?;
    let values = floats(values)?;
    let groups = by.map(ints).transpose()?;
    let (v, g) = (values.as_slice(), groups.as_ref().map(ColumnIn::as_slice));
    if let Some(g) = g
        && g.len() != v.len()
    {
        return Err(PyValueError::new_err(format!(
            "by has {} keys for {} values",
            g.len(),
            v.len()
        )));
    }
    // The slices stay valid: their owners live until the end of this call.
    struct Send<T>(T);
    unsafe impl<T> std::marker::Send for Send<T> {}
    let input = Send((v.as_ptr(), v.len(), g.map(|g| (g.as_ptr(), g.len()))));
    let ranks = py.detach(move || {
        let input = input;
        let (vp, vn, gp) = input.0;
        // SAFETY: see above; no Python code runs while detached.
        let v = unsafe { std::slice::from_raw_parts(vp, vn) };
        let g = gp.map(|(p, n)| unsafe { std::slice::from_raw_parts(p, n) });
        rank_values(v, g, method, descending)
    });
    Ok(Ranks {
        ranks: Arc::new(ranks),
    })
}
