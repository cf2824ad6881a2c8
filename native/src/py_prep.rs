//! Python bindings of `prep`: `collapse_whitespace`, `join_words` and `MoneyGate` (read
//! from a str's storage by `money`); and of `normalize`: `finish_text`.
use std::os::raw::{c_int, c_void};

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::string::PyStringData;
use pyo3::types::PyString;

use crate::py_str::storage;
use crate::{normalize, prep};

/// `stream.enrich.text.collapse_whitespace`, compiled.
#[pyfunction]
fn collapse_whitespace(py: Python<'_>, text: &str) -> String {
    py.detach(|| prep::collapse_whitespace(text))
}

/// `" ".join(text.split())`, compiled (the content digest's per-field normalization).
#[pyfunction]
fn join_words(py: Python<'_>, text: &str) -> String {
    py.detach(|| prep::join_words(text))
}

/// `collapse_whitespace(text).strip()` where NFKC would leave `text` as it is and it has
/// no "\r"; None otherwise (see normalize.rs). Read from and written to the strings' own
/// storage: no UTF-8 encoding of the text, no decoding of the result.
#[pyfunction]
fn finish_text<'py>(
    py: Python<'py>,
    text: &Bound<'py, PyString>,
) -> PyResult<Option<Bound<'py, PyString>>> {
    match storage(text)? {
        PyStringData::Ucs1(units) => new_string(py, 1, py.detach(|| normalize::finish(units))),
        PyStringData::Ucs2(units) => new_string(py, 2, py.detach(|| normalize::finish(units))),
        PyStringData::Ucs4(units) => new_string(py, 4, py.detach(|| normalize::finish(units))),
    }
}

/// A str from code units of one storage kind (1, 2 or 4 bytes); CPython picks the
/// narrowest kind that holds them, as every str must be stored.
fn new_string<'py, T>(
    py: Python<'py>,
    kind: c_int,
    units: Option<Vec<T>>,
) -> PyResult<Option<Bound<'py, PyString>>> {
    let Some(units) = units else {
        return Ok(None);
    };
    // SAFETY: `units` holds `units.len()` values of `kind` bytes each, alive for the call,
    // which copies them into the new object.
    let string = unsafe {
        let ptr = pyo3::ffi::PyUnicode_FromKindAndData(
            kind,
            units.as_ptr().cast::<c_void>(),
            units.len() as pyo3::ffi::Py_ssize_t,
        );
        Bound::from_owned_ptr_or_err(py, ptr)?
    };
    Ok(Some(string.cast_into::<PyString>()?))
}

/// The salary step's gate, built from the currency markers of salary/currency.py.
#[pyclass(frozen, module = "stream_native")]
pub struct MoneyGate {
    inner: prep::MoneyGate,
}

#[pymethods]
impl MoneyGate {
    #[new]
    fn new(
        markers: Vec<String>,
        before: Vec<String>,
        multipliers: Vec<String>,
    ) -> PyResult<MoneyGate> {
        let inner =
            prep::MoneyGate::new(&markers, &before, &multipliers).map_err(PyValueError::new_err)?;
        Ok(MoneyGate { inner })
    }

    /// False: `find_pay(text, money_only=True)` finds nothing, for sure.
    fn may_have_money(&self, py: Python<'_>, text: &Bound<'_, PyString>) -> PyResult<bool> {
        Ok(match storage(text)? {
            PyStringData::Ucs1(units) => py.detach(|| self.inner.may_have_money(units)),
            PyStringData::Ucs2(units) => py.detach(|| self.inner.may_have_money(units)),
            PyStringData::Ucs4(units) => py.detach(|| self.inner.may_have_money(units)),
        })
    }

    /// The only stretches of `text` where money can be: see money.rs. Read from the str's
    /// storage: a description fresh from the normalization steps has no UTF-8 form yet,
    /// and making one cost more than the gate itself.
    fn money_windows(
        &self,
        py: Python<'_>,
        text: &Bound<'_, PyString>,
        reach: usize,
        gap: usize,
        max_digits: usize,
    ) -> PyResult<Vec<(usize, usize)>> {
        let gate = &self.inner;
        Ok(match storage(text)? {
            PyStringData::Ucs1(units) => {
                py.detach(|| gate.money_windows(units, reach, gap, max_digits))
            }
            PyStringData::Ucs2(units) => {
                py.detach(|| gate.money_windows(units, reach, gap, max_digits))
            }
            PyStringData::Ucs4(units) => {
                py.detach(|| gate.money_windows(units, reach, gap, max_digits))
            }
        })
    }

    /// `may_have_money` through the text's UTF-8 form: the reference of the tests.
    fn may_have_money_utf8(&self, py: Python<'_>, text: &str) -> bool {
        py.detach(|| self.inner.may_have_money_utf8(text))
    }

    /// `money_windows` through the text's UTF-8 form: the reference of the tests.
    fn money_windows_utf8(
        &self,
        py: Python<'_>,
        text: &str,
        reach: usize,
        gap: usize,
        max_digits: usize,
    ) -> Vec<(usize, usize)> {
        py.detach(|| self.inner.money_windows_utf8(text, reach, gap, max_digits))
    }
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(collapse_whitespace, m)?)?;
    m.add_function(wrap_pyfunction!(join_words, m)?)?;
    m.add_function(wrap_pyfunction!(finish_text, m)?)?;
    m.add_class::<MoneyGate>()?;
    Ok(())
}
