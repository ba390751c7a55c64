//! `ccsa.Table`: a small columnar table (named, typed columns of equal
//! length) that converts to Python rows or columns.

use arrow_array::ffi_stream::FFI_ArrowArrayStream;
use arrow_array::{
    ArrayRef, BooleanArray, Date32Array, Float64Array, Int64Array, RecordBatch,
    RecordBatchIterator, StringArray, TimestampMicrosecondArray,
};
use arrow_schema::{DataType, Field, Schema, TimeUnit};
use chrono::{DateTime, NaiveDate, Utc};
use pyo3::prelude::*;
use pyo3::types::{PyCapsule, PyDict, PyList};
use std::ffi::CString;
use std::sync::Arc;

/// One typed column; `None` is a missing value.
#[derive(Debug, Clone)]
pub enum Column {
    /// Integers.
    Int(Vec<Option<i64>>),
    /// Floats.
    Float(Vec<Option<f64>>),
    /// Text.
    Str(Vec<Option<String>>),
    /// Booleans.
    Bool(Vec<Option<bool>>),
    /// Calendar days (Arrow `date32`, Python `datetime.date`).
    Date(Vec<Option<NaiveDate>>),
    /// Instants (Arrow `timestamp[us, UTC]`, Python `datetime.datetime` in UTC).
    Time(Vec<Option<DateTime<Utc>>>),
}

/// Columns built from rows, one extractor each.
impl Column {
    /// Integers of each row.
    pub fn ints<T>(rows: &[T], f: impl Fn(&T) -> Option<i64>) -> Column {
        Column::Int(rows.iter().map(f).collect())
    }
    /// Floats of each row.
    pub fn floats<T>(rows: &[T], f: impl Fn(&T) -> Option<f64>) -> Column {
        Column::Float(rows.iter().map(f).collect())
    }
    /// Text of each row.
    pub fn strs<T>(rows: &[T], f: impl Fn(&T) -> Option<String>) -> Column {
        Column::Str(rows.iter().map(f).collect())
    }
    /// Booleans of each row.
    pub fn bools<T>(rows: &[T], f: impl Fn(&T) -> Option<bool>) -> Column {
        Column::Bool(rows.iter().map(f).collect())
    }
    /// Days of each row.
    pub fn dates<T>(rows: &[T], f: impl Fn(&T) -> Option<NaiveDate>) -> Column {
        Column::Date(rows.iter().map(f).collect())
    }
    /// Instants of each row.
    pub fn times<T>(rows: &[T], f: impl Fn(&T) -> Option<DateTime<Utc>>) -> Column {
        Column::Time(rows.iter().map(f).collect())
    }
}

impl Column {
    fn len(&self) -> usize {
        match self {
            Column::Int(v) => v.len(),
            Column::Float(v) => v.len(),
            Column::Str(v) => v.len(),
            Column::Bool(v) => v.len(),
            Column::Date(v) => v.len(),
            Column::Time(v) => v.len(),
        }
    }

    fn get<'py>(&self, py: Python<'py>, i: usize) -> PyResult<Bound<'py, PyAny>> {
        Ok(match self {
            Column::Int(v) => v[i].into_pyobject(py)?.into_any(),
            Column::Float(v) => v[i].into_pyobject(py)?.into_any(),
            Column::Str(v) => v[i].as_deref().into_pyobject(py)?.into_any(),
            Column::Bool(v) => v[i].into_pyobject(py)?.to_owned().into_any(),
            Column::Date(v) => v[i].into_pyobject(py)?.into_any(),
            Column::Time(v) => v[i].into_pyobject(py)?.into_any(),
        })
    }

    fn to_arrow(&self) -> (DataType, ArrayRef) {
        match self {
            Column::Int(v) => (DataType::Int64, Arc::new(Int64Array::from(v.clone()))),
            Column::Float(v) => (DataType::Float64, Arc::new(Float64Array::from(v.clone()))),
            Column::Str(v) => (
                DataType::Utf8,
                Arc::new(StringArray::from(
                    v.iter().map(|s| s.as_deref()).collect::<Vec<_>>(),
                )),
            ),
            Column::Bool(v) => (DataType::Boolean, Arc::new(BooleanArray::from(v.clone()))),
            Column::Date(v) => {
                let epoch = NaiveDate::from_ymd_opt(1970, 1, 1).expect("a valid date");
                let days = v
                    .iter()
                    .map(|d| d.map(|d| (d - epoch).num_days() as i32))
                    .collect::<Vec<_>>();
                (DataType::Date32, Arc::new(Date32Array::from(days)))
            }
            Column::Time(v) => {
                let us = v
                    .iter()
                    .map(|t| t.map(|t| t.timestamp_micros()))
                    .collect::<Vec<_>>();
                let a = TimestampMicrosecondArray::from(us).with_timezone("UTC");
                (
                    DataType::Timestamp(TimeUnit::Microsecond, Some("UTC".into())),
                    Arc::new(a),
                )
            }
        }
    }

    fn type_name(&self) -> &'static str {
        match self {
            Column::Int(_) => "int",
            Column::Float(_) => "float",
            Column::Str(_) => "str",
            Column::Bool(_) => "bool",
            Column::Date(_) => "date",
            Column::Time(_) => "datetime",
        }
    }
}

/// A table of named columns, all of one length.
///
/// `len(t)`, `t.columns`, `t.column(name)`, `t.to_pylist()` (rows as
/// dicts) and `t.to_pydict()` (columns as lists) need no third-party
/// package.
#[pyclass(module = "ccsa", frozen)]
#[derive(Debug, Clone)]
pub struct Table {
    columns: Vec<(String, Column)>,
}

impl Table {
    /// A table from columns of equal length.
    pub fn new(columns: Vec<(String, Column)>) -> Table {
        debug_assert!(columns.windows(2).all(|w| w[0].1.len() == w[1].1.len()));
        Table { columns }
    }

    /// The columns, for building a wider table.
    pub fn into_columns(self) -> Vec<(String, Column)> {
        self.columns
    }

    fn rows(&self) -> usize {
        self.columns.first().map_or(0, |c| c.1.len())
    }

    /// The table as one Arrow record batch.
    fn to_record_batch(&self) -> PyResult<RecordBatch> {
        let (fields, arrays): (Vec<Field>, Vec<ArrayRef>) = self
            .columns
            .iter()
            .map(|(name, c)| {
                let (t, a) = c.to_arrow();
                (Field::new(name, t, true), a)
            })
            .unzip();
        RecordBatch::try_new(Arc::new(Schema::new(fields)), arrays)
            .map_err(|e| pyo3::exceptions::PyValueError::new_err(e.to_string()))
    }
}

#[pymethods]
impl Table {
    /// The column names, in order.
    #[getter]
    fn columns(&self) -> Vec<String> {
        self.columns.iter().map(|(n, _)| n.clone()).collect()
    }

    /// The column types ("int", "float", "str", "bool", "date",
    /// "datetime"), by name.
    #[getter]
    fn schema(&self) -> Vec<(String, String)> {
        self.columns
            .iter()
            .map(|(n, c)| (n.clone(), c.type_name().to_string()))
            .collect()
    }

    fn __len__(&self) -> usize {
        self.rows()
    }

    fn __repr__(&self) -> String {
        format!("Table({} rows: {})", self.rows(), self.columns().join(", "))
    }

    /// One column as a list (KeyError for an unknown name).
    fn column<'py>(&self, py: Python<'py>, name: &str) -> PyResult<Bound<'py, PyList>> {
        let (_, c) = self
            .columns
            .iter()
            .find(|(n, _)| n == name)
            .ok_or_else(|| pyo3::exceptions::PyKeyError::new_err(name.to_string()))?;
        let items = (0..c.len())
            .map(|i| c.get(py, i))
            .collect::<PyResult<Vec<_>>>()?;
        PyList::new(py, items)
    }

    /// The rows as a list of dicts.
    fn to_pylist<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        let rows = (0..self.rows())
            .map(|i| {
                let d = PyDict::new(py);
                for (n, c) in &self.columns {
                    d.set_item(n, c.get(py, i)?)?;
                }
                Ok(d)
            })
            .collect::<PyResult<Vec<_>>>()?;
        PyList::new(py, rows)
    }

    /// The Arrow PyCapsule interface: a stream of one record batch, so
    /// `pyarrow.table(t)`, `polars.DataFrame(t)` and pandas (through
    /// pyarrow) read the table without a row-by-row copy. A requested
    /// schema is not applied (the table's own is used).
    #[pyo3(signature = (requested_schema=None))]
    fn __arrow_c_stream__<'py>(
        &self,
        py: Python<'py>,
        requested_schema: Option<Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyCapsule>> {
        let _ = requested_schema;
        let batch = self.to_record_batch()?;
        let schema = batch.schema();
        let reader = RecordBatchIterator::new(vec![Ok(batch)], schema);
        let stream = FFI_ArrowArrayStream::new(Box::new(reader));
        let name = CString::new("arrow_array_stream").expect("no NUL");
        PyCapsule::new(py, stream, Some(name))
    }

    /// The columns as a dict of lists.
    fn to_pydict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        for (n, _) in &self.columns {
            d.set_item(n, self.column(py, n)?)?;
        }
        Ok(d)
    }
}
