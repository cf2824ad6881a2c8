//! Python bindings of the section rules, for the differential tests (and the matcher).
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;

use crate::{context, cues, sections};

/// `sections.heading_state(line)`: (is a recognised heading, its state).
#[pyfunction]
fn heading_state(line: &str) -> (bool, Option<bool>) {
    sections::heading_state(line)
}

fn cue_rules(nice_words: &[String], required_words: &[String]) -> PyResult<cues::CueWords> {
    cues::CueWords::new(nice_words, required_words).map_err(PyValueError::new_err)
}

/// `cues.inline_state(clause)`, the gates built from the given cue words.
#[pyfunction]
fn inline_state(
    clause: &str,
    nice_words: Vec<String>,
    required_words: Vec<String>,
) -> PyResult<Option<bool>> {
    Ok(cue_rules(&nice_words, &required_words)?.inline_state(clause))
}

/// `text.language_context(text, start, end)`, for non-negative offsets.
#[pyfunction]
fn language_context(text: &str, start: usize, end: usize) -> bool {
    let text: Vec<char> = text.chars().collect();
    sections::language_context(&text, start, end)
}

/// `cues.skill_cue(text, start, end)`, for non-negative offsets.
#[pyfunction]
fn skill_cue(text: &str, start: usize, end: usize) -> bool {
    let text: Vec<char> = text.chars().collect();
    cues::skill_cue(&text, start, end)
}

/// `RequirementIndex(text, cue_words, last, heading_lines=heading_lines).state_at(s, e)`
/// for each span in order, on one index (its line memo and clause cache carry over).
/// The inline cues read the given cue words (`nice_words`, `required_words`).
#[pyfunction]
fn requirement_states(
    text: &str,
    cue_words: Vec<usize>,
    last: usize,
    heading_lines: Vec<usize>,
    spans: Vec<(usize, usize)>,
    nice_words: Vec<String>,
    required_words: Vec<String>,
) -> PyResult<Vec<Option<bool>>> {
    let cues = cue_rules(&nice_words, &required_words)?;
    let text: Vec<char> = text.chars().collect();
    let mut index = sections::RequirementIndex::new(&text, &cues, cue_words, last, heading_lines);
    Ok(spans
        .into_iter()
        .map(|(start, end)| index.state_at(start, end))
        .collect())
}

/// `context.context_ranges(text)`, with the cue phrases handed over from Python.
#[pyfunction]
fn context_ranges(
    text: &str,
    context_patterns: Vec<(String, bool, bool)>,
    job_cues: Vec<String>,
) -> PyResult<Vec<(usize, usize)>> {
    let rules =
        context::ContextRules::new(&context_patterns, &job_cues).map_err(PyValueError::new_err)?;
    let text: Vec<char> = text.chars().collect();
    Ok(rules.ranges(&text))
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(context_ranges, m)?)?;
    m.add_function(wrap_pyfunction!(heading_state, m)?)?;
    m.add_function(wrap_pyfunction!(inline_state, m)?)?;
    m.add_function(wrap_pyfunction!(language_context, m)?)?;
    m.add_function(wrap_pyfunction!(requirement_states, m)?)?;
    m.add_function(wrap_pyfunction!(skill_cue, m)?)?;
    Ok(())
}
