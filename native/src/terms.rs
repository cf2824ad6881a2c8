//! The keyword scan of the terms step (`stream/enrich/terms/scan.py`, the reference): one
//! Aho-Corasick DFA over the description's ASCII bytes, each non-ASCII character read as
//! one `?` (as Python's `encode("ascii", "replace")` does), so byte offsets are Python
//! character offsets. Same patterns, same automaton kind and match kind as the Python
//! reference builds, so the overlapping matches come in the same order.
use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};

pub struct TermsAutomaton {
    automaton: AhoCorasick,
}

/// One keyword occurrence: (pattern index, start, end) in the scanned bytes, which start
/// with the `\n` the reference puts before the text.
pub type Hit = (usize, usize, usize);

impl TermsAutomaton {
    pub fn new<P: AsRef<[u8]>>(patterns: &[P]) -> Result<Self, String> {
        let automaton = AhoCorasick::builder()
            .kind(Some(AhoCorasickKind::DFA))
            .match_kind(MatchKind::Standard)
            .build(patterns)
            .map_err(|e| e.to_string())?;
        Ok(Self { automaton })
    }

    /// `text`: the reference's `b"\n" + text.encode("ascii", "replace")`.
    pub fn hits(&self, bytes: &[u8]) -> Vec<Hit> {
        self.automaton
            .find_overlapping_iter(bytes)
            .map(|m| (m.pattern().as_usize(), m.start(), m.end()))
            .collect()
    }
}

/// `b"\n" + text.encode("ascii", "replace")`: one byte per character.
pub fn ascii_bytes(text: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(text.len() + 1);
    out.push(b'\n');
    if text.is_ascii() {
        out.extend_from_slice(text.as_bytes());
    } else {
        out.extend(
            text.chars()
                .map(|c| if c.is_ascii() { c as u8 } else { b'?' }),
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overlapping_hits_in_order() {
        let automaton = TermsAutomaton::new(&["year", " yr", "years of"]).unwrap();
        let bytes = ascii_bytes("5 years of é yr");
        assert_eq!(bytes.len(), "5 years of é yr".chars().count() + 1);
        let hits = automaton.hits(&bytes);
        assert_eq!(hits, vec![(0, 3, 7), (2, 3, 11), (1, 13, 16)]);
    }
}
