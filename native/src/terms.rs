//! The keyword scan of the terms step (`stream/enrich/terms/scan.py`, the reference): the
//! description's ASCII bytes, each non-ASCII character read as one `?` (as Python's
//! `encode("ascii", "replace")` does), so byte offsets are Python character offsets.
//!
//! The reference runs one Aho-Corasick DFA over ~2,800 patterns: every keyword in its
//! lower, Capitalized, Title and UPPER spellings, and every word-start keyword once more
//! after each of the characters a word may start after. That DFA is ~3.8 MB, so each
//! description's scan walks a table far larger than the caches (and evicts what the rules
//! after it read). Here the automaton holds only the ~120 keywords in lower case (~0.2 MB),
//! run over the lower-cased bytes; each occurrence is then checked against the reference's
//! own patterns: the text's spelling must be one of the keyword's, and for a word-start
//! keyword the character before it one of the reference's. An occurrence of a pattern is
//! exactly an occurrence of its lower-cased keyword whose bytes (and the byte before) are the
//! pattern's, so the hits are the same set; they are put in the reference's order (end
//! ascending, the longer pattern first at one end: the overlapping DFA reports a state's own
//! pattern before the shorter ones it inherits by its failure links).
use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};

/// One spelling of a keyword and the reference's patterns that hold it.
struct Spelling {
    bytes: Vec<u8>,
    /// The pattern that is the spelling alone.
    plain: Option<usize>,
    /// The patterns that are one byte then the spelling: (that byte, pattern index).
    prefixed: Vec<(u8, usize)>,
}

/// One keyword in lower case: its spellings among the reference's patterns.
struct Key {
    spellings: Vec<Spelling>,
}

pub struct TermsAutomaton {
    automaton: AhoCorasick,
    keys: Vec<Key>,
}

/// One keyword occurrence: (pattern index, start, end) in the scanned bytes, which start
/// with the `\n` the reference puts before the text.
pub type Hit = (usize, usize, usize);

impl TermsAutomaton {
    /// `patterns` and, per pattern, `skips`: how many bytes it has before its keyword (0,
    /// or 1 for a word-start keyword after one of its start characters).
    pub fn new<P: AsRef<[u8]>>(patterns: &[P], skips: &[usize]) -> Result<Self, String> {
        if patterns.len() != skips.len() {
            return Err("patterns and skips differ in length".into());
        }
        let mut lowered: Vec<Vec<u8>> = Vec::new();
        let mut keys: Vec<Key> = Vec::new();
        for (index, (pattern, &skip)) in patterns.iter().zip(skips).enumerate() {
            let pattern = pattern.as_ref();
            if skip > 1 || pattern.len() <= skip {
                return Err("a pattern's skip must be 0 or 1 and leave a keyword".into());
            }
            let spelling = &pattern[skip..];
            let low = spelling.to_ascii_lowercase();
            let k = match lowered.iter().position(|l| *l == low) {
                Some(k) => k,
                None => {
                    lowered.push(low);
                    keys.push(Key {
                        spellings: Vec::new(),
                    });
                    keys.len() - 1
                }
            };
            let spellings = &mut keys[k].spellings;
            let s = match spellings.iter().position(|sp| sp.bytes == spelling) {
                Some(s) => s,
                None => {
                    spellings.push(Spelling {
                        bytes: spelling.to_vec(),
                        plain: None,
                        prefixed: Vec::new(),
                    });
                    spellings.len() - 1
                }
            };
            let entry = &mut spellings[s];
            // A duplicate pattern keeps its first index, as the reference's dict does.
            if skip == 0 {
                entry.plain.get_or_insert(index);
            } else if !entry.prefixed.iter().any(|&(b, _)| b == pattern[0]) {
                entry.prefixed.push((pattern[0], index));
            }
        }
        let automaton = AhoCorasick::builder()
            .kind(Some(AhoCorasickKind::DFA))
            .match_kind(MatchKind::Standard)
            .build(&lowered)
            .map_err(|e| e.to_string())?;
        Ok(Self { automaton, keys })
    }

    /// `bytes`: the reference's `b"\n" + text.encode("ascii", "replace")`.
    pub fn hits(&self, bytes: &[u8]) -> Vec<Hit> {
        let lowered = bytes.to_ascii_lowercase();
        let mut hits: Vec<Hit> = Vec::new();
        for m in self.automaton.find_overlapping_iter(&lowered) {
            let (start, end) = (m.start(), m.end());
            let text = &bytes[start..end];
            let key = &self.keys[m.pattern().as_usize()];
            let Some(spelling) = key.spellings.iter().find(|sp| sp.bytes == text) else {
                continue;
            };
            if start > 0 {
                let before = bytes[start - 1];
                if let Some(&(_, index)) = spelling.prefixed.iter().find(|&&(b, _)| b == before) {
                    hits.push((index, start - 1, end));
                }
            }
            if let Some(index) = spelling.plain {
                hits.push((index, start, end));
            }
        }
        // The reference's order: by end, then the longer pattern (earlier start) first.
        // Mostly in order already (one end each), so the sort is a pass.
        hits.sort_by_key(|&(_, start, end)| (end, start));
        hits
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
        let automaton = TermsAutomaton::new(&["year", " yr", "years of"], &[0, 1, 0]).unwrap();
        let bytes = ascii_bytes("5 years of é yr");
        assert_eq!(bytes.len(), "5 years of é yr".chars().count() + 1);
        let hits = automaton.hits(&bytes);
        assert_eq!(hits, vec![(0, 3, 7), (2, 3, 11), (1, 13, 16)]);
    }

    #[test]
    fn only_the_patterns_spellings_and_start_bytes() {
        let patterns = ["year", "Year", " ms", "(ms", " MS", "masters", "ms"];
        let automaton = TermsAutomaton::new(&patterns, &[0, 0, 1, 1, 1, 0, 0]).unwrap();
        let bytes = ascii_bytes("yEar YEAR Year (ms Ms -ms MS xms masters");
        let found: Vec<&str> = automaton
            .hits(&bytes)
            .iter()
            .map(|&(p, _, _)| patterns[p])
            .collect();
        // "yEar", "YEAR", "Ms" and "-ms" are no pattern's spelling or start; "(ms" is a
        // prefixed and a plain pattern at once, the longer first.
        assert_eq!(
            found,
            vec!["Year", "(ms", "ms", "ms", " MS", "ms", "masters"]
        );
    }
}
