//! The Python class `stream_native.TermsScanner`: the terms step's keyword scan
//! (`stream/enrich/terms/scan.py`'s `scan`, which stays the reference), returning the
//! same dict of hits grouped by field.
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyString, PyTuple};

use crate::terms::{ascii_bytes, TermsAutomaton};

#[pyclass(frozen, module = "stream_native")]
pub struct TermsScanner {
    automaton: TermsAutomaton,
    /// Per pattern: (field index, keyword, how many bytes the pattern has before the
    /// keyword: 1 for the word-start patterns).
    values: Vec<(usize, Py<PyString>, usize)>,
    fields: Vec<Py<PyString>>,
}

#[pymethods]
impl TermsScanner {
    /// `patterns`: the reference's byte patterns; `values`: per pattern (field, keyword
    /// in lower case, skip), as `scan._VALUES`.
    #[new]
    fn new(
        py: Python<'_>,
        patterns: Vec<Vec<u8>>,
        values: Vec<(String, String, usize)>,
    ) -> PyResult<Self> {
        if patterns.len() != values.len() {
            return Err(PyValueError::new_err("patterns and values differ in length"));
        }
        let automaton = TermsAutomaton::new(&patterns).map_err(PyValueError::new_err)?;
        let mut names: Vec<String> = Vec::new();
        let mut rows = Vec::with_capacity(values.len());
        for (field, word, skip) in values {
            if skip > 1 {
                return Err(PyValueError::new_err("skip must be 0 or 1"));
            }
            let index = match names.iter().position(|n| *n == field) {
                Some(i) => i,
                None => {
                    names.push(field);
                    names.len() - 1
                }
            };
            rows.push((index, PyString::intern(py, &word).unbind(), skip));
        }
        let fields = names
            .iter()
            .map(|n| PyString::intern(py, n).unbind())
            .collect();
        Ok(Self {
            automaton,
            values: rows,
            fields,
        })
    }

    /// `scan.scan(text)`: field -> [(start, end, keyword)] in text order. A text Python
    /// cannot give as UTF-8 (lone surrogates) is handed over as its `encoded` bytes.
    #[pyo3(signature = (text, encoded = None))]
    fn scan<'py>(
        &self,
        py: Python<'py>,
        text: &Bound<'py, PyString>,
        encoded: Option<&[u8]>,
    ) -> PyResult<Bound<'py, PyDict>> {
        let bytes = match encoded {
            Some(e) => {
                let mut b = Vec::with_capacity(e.len() + 1);
                b.push(b'\n');
                b.extend_from_slice(e);
                b
            }
            None => match text.to_str() {
                Ok(s) => ascii_bytes(s),
                Err(_) => {
                    let e = text.call_method1("encode", ("ascii", "replace"))?;
                    let mut b = vec![b'\n'];
                    b.extend_from_slice(e.extract::<&[u8]>()?);
                    b
                }
            },
        };
        let hits = py.detach(|| self.automaton.hits(&bytes));
        let out = PyDict::new(py);
        if bytes.len() <= 1 {
            return Ok(out);
        }
        let mut lists: Vec<Option<Bound<'py, PyList>>> = vec![None; self.fields.len()];
        for (pattern, start, end) in hits {
            let (field, word, skip) = &self.values[pattern];
            let hit = PyTuple::new(
                py,
                [
                    (start - 1 + skip).into_pyobject(py)?.into_any(),
                    (end - 1).into_pyobject(py)?.into_any(),
                    word.bind(py).clone().into_any(),
                ],
            )?;
            match &lists[*field] {
                Some(list) => list.append(hit)?,
                None => {
                    let list = PyList::new(py, [hit])?;
                    out.set_item(self.fields[*field].bind(py), &list)?;
                    lists[*field] = Some(list);
                }
            }
        }
        Ok(out)
    }
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<TermsScanner>()
}
