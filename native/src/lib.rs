//! Compiled skill scan for postings-stream: the rules of `stream/enrich/skills*.py` and
//! `stream/enrich/skills/sections.py` (the reference implementation), in Rust, so that skill
//! extraction fits its per-posting budget (with the context rules of
//! `stream/enrich/skills/context.py`). Offsets are Python character offsets. Also the
//! per-character passes over whole texts that Python does slowly (`prep`: the whitespace
//! collapse of stream/enrich/text.py, the salary step's money gate, read from a str's
//! storage in `money`).
use pyo3::prelude::*;

pub mod chars;
pub mod context;
pub mod cues;
pub mod digest;
pub mod education;
pub mod experience;
pub mod fxhash;
pub mod glue;
pub mod matcher;
pub mod money;
pub mod nfkc_stable;
pub mod normalize;
pub mod prep;
mod py_ascii_search;
mod py_prep;
mod py_scan;
mod py_sections;
mod py_str;
mod py_terms;
mod py_work_mode;
pub mod requirement;
pub mod scan;
pub mod sections;
pub mod terms;
pub mod text;
pub mod work_mode;

#[pymodule]
fn stream_native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    digest::register(m)?;
    py_scan::register(m)?;
    py_sections::register(m)?;
    py_prep::register(m)?;
    py_terms::register(m)?;
    py_work_mode::register(m)?;
    py_ascii_search::register(m)?;
    Ok(())
}
