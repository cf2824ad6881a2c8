//! The Python class `stream_native.WorkModeReader`: the place step's work mode from the
//! description (`stream/enrich/place/work_mode.py`'s `description_mode_reference`, the
//! reference of native/src/work_mode.rs).
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::PyString;

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

    /// `description_mode(text)`: "onsite", "hybrid", "remote" or None. A text that is no
    /// valid UTF-8 (a lone surrogate) raises UnicodeEncodeError, as the reference's
    /// `encode()` does.
    fn mode(&self, py: Python<'_>, text: &Bound<'_, PyString>) -> PyResult<Option<&'static str>> {
        let text = text.to_str()?;
        Ok(py
            .detach(|| self.inner.mode(text))
            .map(work_mode::Mode::name))
    }

    /// `_cue_windows(text.encode())`, for the differential tests.
    fn windows(&self, text: &Bound<'_, PyString>) -> PyResult<Vec<(usize, usize, u8)>> {
        Ok(self.inner.windows(text.to_str()?.as_bytes()))
    }
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<WorkModeReader>()
}
