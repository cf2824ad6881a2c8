//! The Python class `stream_native.WorkModeReader`: the place step's work mode from the
//! description (`stream/enrich/place/work_mode.py`'s `description_mode_reference`, the
//! reference of native/src/work_mode.rs), read from the str's own storage.
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::string::PyStringData;
use pyo3::types::PyString;

use crate::py_str::storage;
use crate::work_mode;

#[pyclass(frozen, module = "stream_native")]
pub struct WorkModeReader {
    inner: work_mode::WorkModeReader,
}

#[pymethods]
impl WorkModeReader {
    /// `forms`: the cue forms of the reference's scan (`_CUE_FORMS`), `kinds`: each form's
    /// kind of cue (`_KIND`).
    #[new]
    fn new(forms: Vec<String>, kinds: Vec<u8>) -> PyResult<Self> {
        let inner =
            work_mode::WorkModeReader::new(&forms, &kinds).map_err(PyValueError::new_err)?;
        Ok(Self { inner })
    }

    /// `description_mode(text)`: "onsite", "hybrid", "remote" or None. Read from the str's
    /// storage: a description fresh from the normalization steps has no UTF-8 form yet, and
    /// making one cost more than the rest of the place step's reading (see work_mode.rs).
    ///
    /// A lone surrogate reads as U+FFFD (the answer is the reference's on the text with
    /// U+FFFD in its place), where the reference's `encode()`, and `mode_utf8`, raise
    /// UnicodeEncodeError. No real output changes: the place step reads the description
    /// that `normalize_text` made, and a str with a lone surrogate never gets there. The
    /// worker's decoder replaces every lone surrogate by U+FFFD (stream/codecs.py, the only
    /// way one reaches a str from the bytes) and, for a posting built some other way,
    /// `normalize_text` itself raises UnicodeEncodeError on one (its native collapse takes
    /// the UTF-8 form), so the posting fails before any step runs, as it did. Raising here
    /// would instead take a scan of the whole storage for surrogates on every posting.
    fn mode(&self, py: Python<'_>, text: &Bound<'_, PyString>) -> PyResult<Option<&'static str>> {
        let reader = &self.inner;
        let mode = match storage(text)? {
            PyStringData::Ucs1(units) => py.detach(|| reader.mode(units)),
            PyStringData::Ucs2(units) => py.detach(|| reader.mode(units)),
            PyStringData::Ucs4(units) => py.detach(|| reader.mode(units)),
        };
        Ok(mode.map(work_mode::Mode::name))
    }

    /// `mode` through the text's UTF-8 form (which CPython makes and keeps on the str):
    /// the reference of the tests. A lone surrogate raises UnicodeEncodeError, as the
    /// reference's `encode()` does.
    fn mode_utf8(&self, py: Python<'_>, text: &str) -> Option<&'static str> {
        py.detach(|| self.inner.mode_utf8(text))
            .map(work_mode::Mode::name)
    }

    /// `_cue_windows(text.encode())` read from the str's storage (a lone surrogate as
    /// U+FFFD), for the differential tests.
    fn windows(&self, text: &Bound<'_, PyString>) -> PyResult<Vec<(usize, usize, u8)>> {
        let reader = &self.inner;
        Ok(match storage(text)? {
            PyStringData::Ucs1(units) => reader.windows(units),
            PyStringData::Ucs2(units) => reader.windows(units),
            PyStringData::Ucs4(units) => reader.windows(units),
        })
    }

    /// `windows` through the text's UTF-8 form: the reference of the tests.
    fn windows_utf8(&self, text: &str) -> Vec<(usize, usize, u8)> {
        self.inner.windows_utf8(text.as_bytes())
    }
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<WorkModeReader>()
}
