//! A Python str's own storage (PEP 393: one unit per Python character, 1, 2 or 4 bytes),
//! which the scans read instead of a UTF-8 copy (chars.rs's `Unit`).
use pyo3::prelude::*;
use pyo3::types::string::PyStringData;
use pyo3::types::PyString;

/// The str's storage, to be read while `text` is borrowed.
pub(crate) fn storage<'a>(text: &'a Bound<'_, PyString>) -> PyResult<PyStringData<'a>> {
    // SAFETY: the data is read while `text` (an immutable str) is borrowed, on the CPython
    // targets the project builds for (pyo3's tested layout, x86_64; not the limited API).
    // tests/unit/test_salary_gate.py, test_native_work_mode.py, test_native_scan.py and
    // the terms tests cover the three kinds and lone surrogates.
    unsafe { text.data() }
}
