//! The Python class `stream_native.SkillScanner`: built from the tables of the Python
//! `FormMatcher` (stream/enrich/skills/match.py), `SkillExtractor` (built in its
//! `_native_scanner`, stream/enrich/skills/extract.py) and the cue words of
//! stream/enrich/skills/cues.py, it returns the same mentions as `SkillExtractor._scan`.

use std::collections::HashMap;

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyString};

use crate::context::ContextRules;
use crate::cues::CueWords;
use crate::fxhash::FxHashSet;
use crate::matcher::{Form, Key, Matcher, Pattern};
use crate::scan::{tally, Entries, Mention, Scanner};

#[pyclass(frozen, module = "stream_native")]
pub struct SkillScanner {
    inner: Scanner,
    id_rank: Vec<u32>,
}

type FormRow = (usize, Option<String>, bool, bool);
type PyMention = (usize, &'static str, usize, usize, f64, Option<bool>);
type PyTally = (
    usize,
    Option<bool>,
    f64,
    usize,
    bool,
    Option<Vec<(&'static str, usize, usize)>>,
);
type KeyRow = (usize, Vec<u32>, bool, Option<Vec<String>>);

#[pymethods]
impl SkillScanner {
    #[new]
    #[allow(clippy::too_many_arguments)]
    #[pyo3(signature = (
        patterns, kinds, forms, keys, glue_keys, heading_bullets, names, groups, evidence,
        languages, id_rank, nice_words, required_words, context_patterns = Vec::new(),
        job_cues = Vec::new()
    ))]
    fn new(
        patterns: Vec<Vec<u8>>,
        kinds: Vec<(u8, usize, bool)>,
        forms: Vec<FormRow>,
        keys: Vec<KeyRow>,
        glue_keys: HashMap<Vec<u8>, usize>,
        heading_bullets: Vec<u8>,
        names: Vec<String>,
        groups: Vec<u32>,
        evidence: Vec<Vec<u32>>,
        languages: Vec<usize>,
        id_rank: Vec<u32>,
        nice_words: Vec<String>,
        required_words: Vec<String>,
        context_patterns: Vec<(String, bool, bool)>,
        job_cues: Vec<String>,
    ) -> PyResult<Self> {
        let cues = CueWords::new(&nice_words, &required_words).map_err(PyValueError::new_err)?;
        let context =
            ContextRules::new(&context_patterns, &job_cues).map_err(PyValueError::new_err)?;
        if patterns.len() != kinds.len() {
            return Err(PyValueError::new_err("patterns and kinds differ in length"));
        }
        let patterns = patterns
            .into_iter()
            .zip(kinds)
            .map(|(p, (kind, key, tail))| {
                let pattern = match kind {
                    0 => Pattern::Form { key, tail },
                    1 => Pattern::Cue,
                    2 => Pattern::Heading,
                    3 => Pattern::CueAndHeading,
                    _ => {
                        return Err(PyValueError::new_err(format!(
                            "unknown pattern kind {kind}"
                        )))
                    }
                };
                if matches!(pattern, Pattern::Form { .. }) && key >= keys.len() {
                    return Err(PyValueError::new_err(format!(
                        "pattern key {key} out of range"
                    )));
                }
                Ok((p, pattern))
            })
            .collect::<PyResult<Vec<_>>>()?;
        let forms: Vec<Form> = forms
            .into_iter()
            .map(|(entry, exact, weak, short)| Form {
                entry,
                exact: exact.map(|e| e.chars().collect()),
                weak,
                short,
            })
            .collect();
        let keys: Vec<Key> = keys
            .into_iter()
            .map(|(length, key_forms, plain_only, verify)| Key {
                length,
                forms: key_forms,
                plain_only,
                verify: verify.map(|v| v.into_iter().collect::<FxHashSet<_>>()),
            })
            .collect();
        let bad_form = keys
            .iter()
            .flat_map(|k| &k.forms)
            .any(|&f| f as usize >= forms.len());
        if bad_form || forms.iter().any(|f| f.entry >= names.len()) {
            return Err(PyValueError::new_err("form or entry index out of range"));
        }
        if groups.len() != names.len()
            || evidence.len() != names.len()
            || id_rank.len() != names.len()
        {
            return Err(PyValueError::new_err(
                "names, groups and evidence differ in length",
            ));
        }
        let phrases: Vec<Vec<u8>> = context_patterns
            .iter()
            .map(|(p, _, _)| p.as_bytes().to_vec())
            .collect();
        let matcher = Matcher::new(patterns, forms, keys, glue_keys, heading_bullets, &phrases)
            .map_err(|e| PyValueError::new_err(format!("{e:?}")))?;
        let entries = Entries {
            names: names.iter().map(|n| n.chars().collect()).collect(),
            groups,
            evidence,
            languages: languages.into_iter().collect(),
        };
        Ok(Self {
            inner: Scanner {
                matcher,
                entries,
                cues,
                context,
            },
            id_rank,
        })
    }

    /// Accepted mentions: (entry index, "title" or "description", start, end, quality,
    /// required), as `SkillExtractor._scan` returns them. The scan runs without the GIL.
    /// Description mentions that start inside text about something other than the job
    /// are dropped: `excluded` ranges [start, end) when given (sorted, disjoint), else the
    /// ranges of the context rules the scanner was built with (`context.py`).
    #[pyo3(signature = (title, description, every_state, excluded = None))]
    fn scan(
        &self,
        py: Python<'_>,
        title: &Bound<'_, PyString>,
        description: &Bound<'_, PyString>,
        every_state: bool,
        excluded: Option<Vec<(usize, usize)>>,
    ) -> PyResult<Vec<PyMention>> {
        let title = chars_of(title)?;
        let description = chars_of(description)?;
        let mentions: Vec<Mention> = py.detach(|| {
            self.inner
                .scan(&title, &description, every_state, excluded.as_deref())
        });
        Ok(mentions
            .into_iter()
            .map(|(entry, in_title, start, end, quality, required)| {
                (entry, field(in_title), start, end, quality, required)
            })
            .collect())
    }

    /// Mentions tallied per skill, in tag order (see `scan::tally`): (entry index,
    /// required, best quality, mentions, seen in the title, evidence or None).
    /// `excluded`: as for `scan`.
    #[pyo3(signature = (title, description, evidence, excluded = None))]
    fn tally(
        &self,
        py: Python<'_>,
        title: &Bound<'_, PyString>,
        description: &Bound<'_, PyString>,
        evidence: bool,
        excluded: Option<Vec<(usize, usize)>>,
    ) -> PyResult<Vec<PyTally>> {
        let title = chars_of(title)?;
        let description = chars_of(description)?;
        let tallies = py.detach(|| {
            let mentions = self
                .inner
                .scan(&title, &description, false, excluded.as_deref());
            tally(&mentions, evidence, &self.id_rank)
        });
        Ok(tallies
            .into_iter()
            .map(|t| {
                let offsets = t.evidence.map(|e| {
                    e.into_iter()
                        .map(|(in_title, start, end)| (field(in_title), start, end))
                        .collect()
                });
                (t.entry, t.required, t.best, t.count, t.in_title, offsets)
            })
            .collect())
    }
}

/// The text's characters, one per Python character, so offsets are Python offsets.
///
/// A Python str may hold lone surrogates (JSON allows "\ud800"), which UTF-8 cannot: such a
/// text is read by code point instead, each surrogate as U+FFFD. Both are neither letter,
/// digit, space nor case to every rule here, so the scan judges the text as Python does.
fn chars_of(text: &Bound<'_, PyString>) -> PyResult<Vec<char>> {
    if let Ok(utf8) = text.to_str() {
        if utf8.is_ascii() {
            // Most postings: a byte is a character, no UTF-8 decoding needed.
            return Ok(utf8.bytes().map(char::from).collect());
        }
        return Ok(utf8.chars().collect());
    }
    let encoded = text.call_method1("encode", ("utf-32-le", "surrogatepass"))?;
    let units = encoded.cast::<PyBytes>()?.as_bytes();
    Ok(units
        .chunks_exact(4)
        .map(|unit| {
            let code = u32::from_le_bytes([unit[0], unit[1], unit[2], unit[3]]);
            char::from_u32(code).unwrap_or(char::REPLACEMENT_CHARACTER)
        })
        .collect())
}

fn field(in_title: bool) -> &'static str {
    if in_title {
        "title"
    } else {
        "description"
    }
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<SkillScanner>()
}
