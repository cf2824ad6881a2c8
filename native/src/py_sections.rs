//! Python bindings of the section rules, for the differential tests (and the matcher).
use pyo3::prelude::*;

use crate::{cues, sections};

/// `sections.heading_state(line)`: (is a recognised heading, its state).
#[pyfunction]
fn heading_state(line: &str) -> (bool, Option<bool>) {
    sections::heading_state(line)
}

/// `skills_cues.inline_state(clause)`.
#[pyfunction]
fn inline_state(clause: &str) -> Option<bool> {
    cues::inline_state(clause)
}

/// `skills_text.language_context(text, start, end)`, for non-negative offsets.
#[pyfunction]
fn language_context(text: &str, start: usize, end: usize) -> bool {
    let text: Vec<char> = text.chars().collect();
    sections::language_context(&text, start, end)
}

/// `RequirementIndex(text, cue_words, last, heading_lines=heading_lines).state_at(s, e)`
/// for each span in order, on one index (its line memo and clause cache carry over).
#[pyfunction]
fn requirement_states(
    text: &str,
    cue_words: Vec<usize>,
    last: usize,
    heading_lines: Vec<usize>,
    spans: Vec<(usize, usize)>,
) -> Vec<Option<bool>> {
    let text: Vec<char> = text.chars().collect();
    let mut index = sections::RequirementIndex::new(&text, cue_words, last, heading_lines);
    spans
        .into_iter()
        .map(|(start, end)| index.state_at(start, end))
        .collect()
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(heading_state, m)?)?;
    m.add_function(wrap_pyfunction!(inline_state, m)?)?;
    m.add_function(wrap_pyfunction!(language_context, m)?)?;
    m.add_function(wrap_pyfunction!(requirement_states, m)?)?;
    Ok(())
}
