//! `ccsa.CcsaError` and one subclass per area, each instance carrying
//! `.code` (the stable code) and `.message` (the Chinese message).

use ccsa_core::{Error, ErrorArea, ErrorCode};
use pyo3::create_exception;
use pyo3::exceptions::PyException;
use pyo3::prelude::*;

create_exception!(
    _ccsa,
    CcsaError,
    PyException,
    "Base class of every ccsa error: `.code` (stable, e.g. \"PHONE_INVALID\") and `.message` (Chinese)."
);
create_exception!(
    _ccsa,
    ValidationError,
    CcsaError,
    "A value failed a validator (ID number, phone, name, text)."
);
create_exception!(
    _ccsa,
    RegistrationError,
    CcsaError,
    "Org registry, admin seat and login errors."
);
create_exception!(
    _ccsa,
    DirectoryError,
    CcsaError,
    "Departments, members and invitations."
);
create_exception!(
    _ccsa,
    MemberImportError,
    CcsaError,
    "Member and question file imports."
);
create_exception!(
    _ccsa,
    BindingError,
    CcsaError,
    "Binding an app user to a member."
);
create_exception!(
    _ccsa,
    QuizError,
    CcsaError,
    "Question banks, daily quiz, scoring."
);
create_exception!(
    _ccsa,
    ContentError,
    CcsaError,
    "Laws, articles, topics, history today."
);
create_exception!(_ccsa, ExamError, CcsaError, "Online exams.");
create_exception!(
    _ccsa,
    StoreError,
    CcsaError,
    "The storage backend failed; nothing was changed."
);

/// The class an error code raises: one per [`ErrorArea`].
fn class_of(py: Python<'_>, code: ErrorCode) -> Bound<'_, pyo3::types::PyType> {
    match code.area() {
        ErrorArea::Validation => py.get_type::<ValidationError>(),
        ErrorArea::Registration => py.get_type::<RegistrationError>(),
        ErrorArea::Directory => py.get_type::<DirectoryError>(),
        ErrorArea::Import => py.get_type::<MemberImportError>(),
        ErrorArea::Binding => py.get_type::<BindingError>(),
        ErrorArea::Quiz => py.get_type::<QuizError>(),
        ErrorArea::Content => py.get_type::<ContentError>(),
        ErrorArea::Exam => py.get_type::<ExamError>(),
        ErrorArea::Storage => py.get_type::<StoreError>(),
    }
}

/// A core error as the Python exception of its area, with `.code` and
/// `.message` set.
pub fn to_py(e: Error) -> PyErr {
    Python::attach(|py| {
        let cls = class_of(py, e.code());
        let message = e.to_string();
        let err = PyErr::from_type(cls, (message.clone(),));
        let value = err.value(py);
        let _ = value.setattr("code", e.code().as_str());
        let _ = value.setattr("message", message);
        err
    })
}

/// Adds the classes to the module.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    m.add("CcsaError", py.get_type::<CcsaError>())?;
    m.add("ValidationError", py.get_type::<ValidationError>())?;
    m.add("RegistrationError", py.get_type::<RegistrationError>())?;
    m.add("DirectoryError", py.get_type::<DirectoryError>())?;
    m.add("MemberImportError", py.get_type::<MemberImportError>())?;
    m.add("BindingError", py.get_type::<BindingError>())?;
    m.add("QuizError", py.get_type::<QuizError>())?;
    m.add("ContentError", py.get_type::<ContentError>())?;
    m.add("ExamError", py.get_type::<ExamError>())?;
    m.add("StoreError", py.get_type::<StoreError>())?;
    Ok(())
}
