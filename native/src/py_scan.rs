//! The Python class `stream_native.SkillScanner`: built from the tables of the Python
//! `FormMatcher` (stream/enrich/skills/match.py), `SkillExtractor` (built in its
//! `_native_scanner`, stream/enrich/skills/extract.py) and the cue words of
//! stream/enrich/skills/cues.py, it returns the same mentions as `SkillExtractor._scan`.

use std::collections::HashMap;
use std::sync::Mutex;

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::sync::MutexExt;
use pyo3::types::string::PyStringData;
use pyo3::types::{PyList, PyString};

use crate::context::ContextRules;
use crate::cues::CueWords;
use crate::fxhash::{FxHashMap, FxHashSet};
use crate::matcher::{Form, Key, Matcher, Pattern};
use crate::py_str::storage;
use crate::scan::{tally, Entries, Mention, Scanner};

#[pyclass(frozen, module = "stream_native")]
pub struct SkillScanner {
    inner: Scanner,
    id_rank: Vec<u32>,
    /// The tags `tags` made, by tally (`TagKey`): equal tallies share one tag object.
    tags: Mutex<FxHashMap<TagKey, Py<PyAny>>>,
}

/// A tally without evidence, as `tags` keys its tags: entry index, required, best quality
/// (its bits), mentions, seen in the title.
type TagKey = (usize, Option<bool>, u64, usize, bool);
/// Tags kept by `tags` before it starts again (`extract._TAG_CACHE_SIZE`).
const TAG_CACHE_SIZE: usize = 1 << 16;

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
            tags: Mutex::new(FxHashMap::default()),
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

    /// `SkillExtractor.extract` without evidence: the tags, in tag order, each made by
    /// `make(entry index, required, best quality, mentions, in title)` the first time its
    /// tally is seen and shared after (at most `TAG_CACHE_SIZE` kept, then it starts
    /// again). Why: building the tally tuples and looking the tags up in Python was ~6% of
    /// the step; here each tag is one map lookup. Equal tallies make equal tags, so which
    /// object a posting gets never shows in its output.
    fn tags<'py>(
        &self,
        py: Python<'py>,
        title: &Bound<'py, PyString>,
        description: &Bound<'py, PyString>,
        make: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyList>> {
        let title = chars_of(title)?;
        let description = chars_of(description)?;
        let tallies = py.detach(|| {
            let mentions = self.inner.scan(&title, &description, false, None);
            tally(&mentions, false, &self.id_rank)
        });
        // The lock is held only for map reads and writes, never while Python code runs
        // (`make`, or a tag's deallocation): another thread may take the GIL meanwhile and
        // then wait for the lock. It is taken with the GIL released while it waits.
        let result = PyList::empty(py);
        let mut missing = Vec::new();
        {
            let tags = self.lock_tags(py);
            for (i, t) in tallies.iter().enumerate() {
                let key = (t.entry, t.required, t.best.to_bits(), t.count, t.in_title);
                match tags.get(&key) {
                    Some(tag) => result.append(tag.bind(py))?,
                    None => {
                        missing.push((i, key));
                        result.append(py.None())?;
                    }
                }
            }
        }
        for (i, key) in missing {
            let t = &tallies[i];
            let tag = make.call1((t.entry, t.required, t.best, t.count, t.in_title))?;
            result.set_item(i, &tag)?;
            let full = {
                let mut tags = self.lock_tags(py);
                let full = if tags.len() >= TAG_CACHE_SIZE {
                    std::mem::take(&mut *tags)
                } else {
                    FxHashMap::default()
                };
                tags.insert(key, tag.unbind());
                full
            };
            drop(full); // the old tags, released outside the lock
        }
        Ok(result)
    }
}

impl SkillScanner {
    fn lock_tags(&self, py: Python<'_>) -> std::sync::MutexGuard<'_, FxHashMap<TagKey, Py<PyAny>>> {
        self.tags
            .lock_py_attached(py)
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// The text's characters, one per Python character, so offsets are Python offsets.
///
/// Read from the str's own code points (PEP 393: one, two or four bytes each), not through
/// UTF-8: a str fresh from the normalization steps has no UTF-8 copy yet, and making one to
/// decode it again cost ~3% of the scan on the LinkedIn postings (most hold a non-ASCII
/// character). A Python str may hold lone surrogates (JSON allows "\ud800"), which a char
/// cannot: each is read as U+FFFD. Both are neither letter, digit, space nor case to every
/// rule here, so the scan judges the text as Python does.
fn chars_of(text: &Bound<'_, PyString>) -> PyResult<Vec<char>> {
    let code = |c: u32| char::from_u32(c).unwrap_or(char::REPLACEMENT_CHARACTER);
    // Copied out at once, while `text` is borrowed and the GIL held.
    Ok(match storage(text)? {
        PyStringData::Ucs1(bytes) => bytes.iter().map(|&b| char::from(b)).collect(),
        PyStringData::Ucs2(units) => units.iter().map(|&u| code(u32::from(u))).collect(),
        PyStringData::Ucs4(units) => units.iter().map(|&u| code(u)).collect(),
    })
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
