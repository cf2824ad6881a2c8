//! The Python class `stream_native.AsciiSearch`: one of the terms step's short `$`-anchored
//! Python patterns (`re.search(pattern, text) is not None`, pattern compiled with
//! `re.IGNORECASE`) searched with the `regex` crate, for ASCII text only.
//!
//! On ASCII text the two engines read these patterns alike (`\w`, `\d`, case-insensitive
//! ASCII letters) but for `\s`, which in Python also matches the separators 0x1C-0x1F, and
//! `$`, which in Python also matches before a final "\n" (written `\n?\z` here). A text
//! with a non-ASCII character or one of those separators is left to Python (`None`): the
//! caller's `re` pattern stays the reference, and the differential tests compare both.
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::PyString;
use regex::Regex;

#[pyclass(frozen, module = "stream_native")]
pub struct AsciiSearch {
    regex: Regex,
}

/// A Python pattern (IGNORECASE, `$` only as the end anchor) in the crate's syntax.
pub fn translate(pattern: &str) -> String {
    format!("(?i){}", pattern.replace('$', r"\n?\z"))
}

#[pymethods]
impl AsciiSearch {
    /// `pattern`: the Python pattern as written (its `$` anchors are translated).
    #[new]
    fn new(pattern: &str) -> PyResult<Self> {
        let regex =
            Regex::new(&translate(pattern)).map_err(|e| PyValueError::new_err(e.to_string()))?;
        Ok(Self { regex })
    }

    /// Whether the pattern is found in `text`; None where Python must be asked.
    fn search(&self, text: &Bound<'_, PyString>) -> PyResult<Option<bool>> {
        let Ok(text) = text.to_str() else {
            return Ok(None); // a lone surrogate: no ASCII
        };
        if !text.is_ascii() || text.bytes().any(|b| (0x1c..=0x1f).contains(&b)) {
            return Ok(None);
        }
        Ok(Some(self.regex.is_match(text)))
    }
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<AsciiSearch>()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dollar_before_a_final_newline() {
        let r = Regex::new(&translate(r"(?:this|our) $")).unwrap();
        assert!(r.is_match("see THIS "));
        assert!(r.is_match("see this \n"));
        assert!(!r.is_match("see this \n\n"));
        assert!(!r.is_match("see this x"));
    }
}
