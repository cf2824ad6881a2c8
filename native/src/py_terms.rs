//! The Python class `stream_native.TermsScanner`: the terms step's keyword scan
//! (`stream/enrich/terms/scan.py`'s `scan`, which stays the reference), returning the
//! same dict of hits grouped by field, and the experience mentions of those hits
//! (`experience.py`'s `mentions`, the reference of native/src/experience.rs).
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::string::PyStringData;
use pyo3::types::{PyDict, PyList, PyString, PyTuple};

use crate::cues::CueWords;
use crate::py_str::storage;
use crate::requirement::Requirements;
use crate::terms::{Hit, TermsAutomaton};
use crate::{education, experience};

#[pyclass(frozen, module = "stream_native")]
pub struct TermsScanner {
    automaton: TermsAutomaton,
    /// Per pattern: (field index, keyword, how many bytes the pattern has before the
    /// keyword: 1 for the word-start patterns).
    values: Vec<(usize, Py<PyString>, usize)>,
    fields: Vec<Py<PyString>>,
    /// Per pattern, its keyword (for the Rust rules, which run without the GIL).
    words: Vec<String>,
    /// The indexes of the "years", "no_experience", "education" and "nice" fields.
    years: Option<usize>,
    no_experience: Option<usize>,
    education: Option<usize>,
    nice: Option<usize>,
    /// The skills' inline cue rules (`skills.cues`) and the terms' cue words
    /// (`scan._CUE_WORDS`), for `Requirements`.
    cues: CueWords,
    cue_words: Vec<String>,
}

#[pymethods]
impl TermsScanner {
    /// `patterns`: the reference's byte patterns; `values`: per pattern (field, keyword
    /// in lower case, skip), as `scan._VALUES`.
    #[new]
    #[pyo3(signature = (patterns, values, nice_words, required_words, cue_words))]
    fn new(
        py: Python<'_>,
        patterns: Vec<Vec<u8>>,
        values: Vec<(String, String, usize)>,
        nice_words: Vec<String>,
        required_words: Vec<String>,
        cue_words: Vec<String>,
    ) -> PyResult<Self> {
        let cues = CueWords::new(&nice_words, &required_words).map_err(PyValueError::new_err)?;
        education::compile();
        if cue_words.iter().any(|w| w.is_empty() || !w.is_ascii()) {
            return Err(PyValueError::new_err("cue words must be ASCII"));
        }
        if patterns.len() != values.len() {
            return Err(PyValueError::new_err(
                "patterns and values differ in length",
            ));
        }
        let skips: Vec<usize> = values.iter().map(|(_, _, skip)| *skip).collect();
        let automaton = TermsAutomaton::new(&patterns, &skips).map_err(PyValueError::new_err)?;
        let mut names: Vec<String> = Vec::new();
        let mut rows = Vec::with_capacity(values.len());
        let mut words = Vec::with_capacity(values.len());
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
            words.push(word);
        }
        let fields = names
            .iter()
            .map(|n| PyString::intern(py, n).unbind())
            .collect();
        let years = names.iter().position(|n| n == "years");
        let no_experience = names.iter().position(|n| n == "no_experience");
        let education = names.iter().position(|n| n == "education");
        let nice = names.iter().position(|n| n == "nice");
        Ok(Self {
            automaton,
            values: rows,
            fields,
            words,
            years,
            no_experience,
            education,
            nice,
            cues,
            cue_words,
        })
    }

    /// `scan.scan_reference(text, encoded)`: field -> [(start, end, keyword)] in text
    /// order.
    #[pyo3(signature = (text, encoded = None))]
    fn scan<'py>(
        &self,
        py: Python<'py>,
        text: &Bound<'py, PyString>,
        encoded: Option<&[u8]>,
    ) -> PyResult<Bound<'py, PyDict>> {
        let data = Self::data(text)?;
        let (hits, scanned) = match encoded {
            Some(e) => (py.detach(|| self.automaton.hits(e)), e.len()),
            None => (py.detach(|| self.hits(data)), text_len(&data)),
        };
        self.grouped(py, scanned, &hits)
    }

    /// `scan(text)`; `experience.mentions(text, hits)` as [(start, end, min, max)]; and
    /// `education.level_mentions(text, hits)` as [(start, end, level, clause start, clause
    /// end, excluded)]. Either list is None where the reference must be asked (see
    /// native/src/experience.rs and education.rs). For the differential tests.
    #[allow(clippy::type_complexity)]
    fn read_mentions<'py>(
        &self,
        py: Python<'py>,
        text: &Bound<'py, PyString>,
    ) -> PyResult<(
        Bound<'py, PyDict>,
        Option<Vec<experience::Mention>>,
        Option<Vec<education::Mention>>,
    )> {
        let data = Self::data(text)?;
        let (hits, read) = py.detach(|| {
            let hits = self.hits(data);
            let read = self.mentions(data, &hits);
            (hits, read)
        });
        let (years, levels) = match read {
            Some(r) => (r.years, r.levels),
            None => (Some(Vec::new()), Some(Vec::new())),
        };
        Ok((self.grouped(py, text_len(&data), &hits)?, years, levels))
    }

    /// `scan(text)`, and the posting's experience and education as `decide` reads them:
    /// (compiled, value) each, `compiled` False where the reference must be asked. The
    /// experience value is (min, max) or None, the education value a level or None.
    #[allow(clippy::type_complexity)]
    fn read<'py>(
        &self,
        py: Python<'py>,
        text: &Bound<'py, PyString>,
    ) -> PyResult<(
        Bound<'py, PyDict>,
        (bool, Option<(f64, Option<f64>)>),
        (bool, Option<&'static str>),
    )> {
        let data = Self::data(text)?;
        let (hits, years, level) = py.detach(|| {
            let hits = self.hits(data);
            let Some(read) = self.mentions(data, &hits) else {
                return (hits, (true, None), (true, None));
            };
            let mut requirements = Requirements::new(
                &read.chars,
                &self.cues,
                &self.cue_words,
                read.first_nice,
                read.last,
            );
            let years = match &read.years {
                Some(found) => (true, experience::decide(found, &mut requirements)),
                None => (false, None),
            };
            let level = match &read.levels {
                Some(found) => (true, education::decide(found, &mut requirements)),
                None => (false, None),
            };
            (hits, years, level)
        });
        Ok((self.grouped(py, text_len(&data), &hits)?, years, level))
    }
}

/// What one text's hits give the rules: its characters, the mentions (None: ask the
/// reference), the first "nice" keyword and the last end of an asked mention.
struct Read {
    chars: Vec<char>,
    years: Option<Vec<experience::Mention>>,
    levels: Option<Vec<education::Mention>>,
    first_nice: usize,
    last: usize,
}

impl TermsScanner {
    /// The text's own storage (one unit per Python character, so no UTF-8 encoding or
    /// decoding; a lone surrogate is "?" to the scan, as `encode("ascii", "replace")`
    /// makes it, and U+FFFD to the rules, which treat both alike).
    fn data<'a>(text: &'a Bound<'_, PyString>) -> PyResult<PyStringData<'a>> {
        storage(text)
    }

    /// The keyword hits of the text in its storage, walked as is (no copy, no lower
    /// case: `TermsAutomaton` folds case and reads units outside ASCII as "?").
    fn hits(&self, data: PyStringData<'_>) -> Vec<Hit> {
        match data {
            PyStringData::Ucs1(units) => self.automaton.hits(units),
            PyStringData::Ucs2(units) => self.automaton.hits(units),
            PyStringData::Ucs4(units) => self.automaton.hits(units),
        }
    }

    /// None: no hit of experience or education (both None, nothing to read).
    fn mentions(&self, data: PyStringData<'_>, hits: &[Hit]) -> Option<Read> {
        let field_of = |pattern: usize| Some(self.values[pattern].0);
        let mut none: Vec<(usize, &str)> = Vec::new();
        let mut starts: Vec<usize> = Vec::new();
        let mut levels: Vec<(usize, usize, &str)> = Vec::new();
        let mut first_nice: Option<usize> = None;
        let mut last = 0;
        for &(pattern, start, end) in hits {
            let field = field_of(pattern);
            let skip = self.values[pattern].2;
            let word = self.words[pattern].as_str();
            let (start, end) = (start - 1 + skip, end - 1);
            if field == self.years {
                starts.push(start);
            } else if field == self.no_experience {
                none.push((start, word));
            } else if field == self.education {
                levels.push((start, end, word));
            } else {
                if field == self.nice && first_nice.is_none() {
                    first_nice = Some(start);
                }
                continue;
            }
            last = last.max(end);
        }
        if starts.is_empty() && none.is_empty() && levels.is_empty() {
            return None;
        }
        let chars: Vec<char> = match data {
            PyStringData::Ucs1(units) => units.iter().map(|&u| char::from(u)).collect(),
            PyStringData::Ucs2(units) => units.iter().map(|&u| code_point(u as u32)).collect(),
            PyStringData::Ucs4(units) => units.iter().map(|&u| code_point(u)).collect(),
        };
        let years = experience::mentions(&chars, &none, &starts);
        let levels = education::mentions(&chars, &levels);
        Some(Read {
            first_nice: first_nice.unwrap_or(chars.len() + 1),
            chars,
            years,
            levels,
            last,
        })
    }

    /// `length`: the text's (an empty text has no hits, not even the reference's "\n").
    fn grouped<'py>(
        &self,
        py: Python<'py>,
        length: usize,
        hits: &[Hit],
    ) -> PyResult<Bound<'py, PyDict>> {
        let out = PyDict::new(py);
        if length == 0 {
            return Ok(out);
        }
        let mut lists: Vec<Option<Bound<'py, PyList>>> = vec![None; self.fields.len()];
        for &(pattern, start, end) in hits {
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

fn text_len(data: &PyStringData<'_>) -> usize {
    match data {
        PyStringData::Ucs1(units) => units.len(),
        PyStringData::Ucs2(units) => units.len(),
        PyStringData::Ucs4(units) => units.len(),
    }
}

fn code_point(unit: u32) -> char {
    char::from_u32(unit).unwrap_or(char::REPLACEMENT_CHARACTER)
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<TermsScanner>()
}
