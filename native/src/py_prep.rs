//! Python bindings of `prep`: `collapse_whitespace`, `join_words` and `MoneyGate`.
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;

use crate::prep;

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
    fn may_have_money(&self, py: Python<'_>, text: &str) -> bool {
        py.detach(|| self.inner.may_have_money(text))
    }

    /// The only stretches of `text` where money can be: see prep.rs.
    fn money_windows(
        &self,
        py: Python<'_>,
        text: &str,
        reach: usize,
        gap: usize,
        max_digits: usize,
    ) -> Vec<(usize, usize)> {
        py.detach(|| self.inner.money_windows(text, reach, gap, max_digits))
    }
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(collapse_whitespace, m)?)?;
    m.add_function(wrap_pyfunction!(join_words, m)?)?;
    m.add_class::<MoneyGate>()?;
    Ok(())
}
