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
use aho_corasick::automaton::Automaton;
use aho_corasick::dfa::DFA;
use aho_corasick::{Anchored, MatchKind};

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
    /// The keyword's length (every spelling's).
    len: usize,
}

pub struct TermsAutomaton {
    automaton: DFA,
    /// The longest keyword's length: how far before its part of the text a chunk's walk
    /// starts (`hits`).
    longest: usize,
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
                    keys.push(Key {
                        spellings: Vec::new(),
                        len: low.len(),
                    });
                    lowered.push(low);
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
        let automaton = DFA::builder()
            .match_kind(MatchKind::Standard)
            .build(&lowered)
            .map_err(|e| e.to_string())?;
        let longest = lowered.iter().map(Vec::len).max().unwrap_or(0);
        Ok(Self {
            automaton,
            longest,
            keys,
        })
    }

    /// `bytes`: the reference's `b"\n" + text.encode("ascii", "replace")`.
    /// Every occurrence of a keyword in `lowered`, as (keyword, end), in the order one
    /// overlapping walk reports them: end ascending, and at one end in the order of the
    /// state's match list.
    ///
    /// Each step of a DFA walk waits for the load of the step before (~2.1 ns a byte over
    /// this ~0.2 MB table), so the text is cut into `CHUNKS` parts walked side by side,
    /// their loads overlapping. A part's walk starts `longest - 1` bytes before the part
    /// (from the start state) and reports only the ends inside the part. That is exact: a
    /// keyword ending in the part starts at most `longest - 1` bytes before it, so the
    /// walk has read all of it; and at an end inside the part, a walk from further back is
    /// in a state whose string is longer only by text no keyword ending there reaches, so
    /// its match list (its own keyword, then those of its failure links) is the same.
    fn occurrences(&self, lowered: &[u8]) -> Vec<(usize, usize)> {
        let dfa = &self.automaton;
        let mut out: [Vec<(usize, usize)>; CHUNKS] = Default::default();
        let part = lowered.len() / CHUNKS;
        if part < 2 * self.longest {
            walk(dfa, lowered, 0, 0, &mut out[0]);
            return std::mem::take(&mut out[0]);
        }
        let bounds: [usize; CHUNKS + 1] =
            std::array::from_fn(|c| if c == CHUNKS { lowered.len() } else { c * part });
        let from: [usize; CHUNKS] =
            std::array::from_fn(|c| bounds[c].saturating_sub(self.longest.saturating_sub(1)));
        let Ok(start) = dfa.start_state(Anchored::No) else {
            return Vec::new(); // unreachable: the DFA is built for unanchored searches
        };
        let mut state = [start; CHUNKS];
        let together = (0..CHUNKS)
            .map(|c| bounds[c + 1] - from[c])
            .min()
            .unwrap_or(0);
        for step in 0..together {
            for c in 0..CHUNKS {
                let at = from[c] + step;
                state[c] = dfa.next_state(Anchored::No, state[c], lowered[at]);
                if dfa.is_special(state[c]) && dfa.is_match(state[c]) && at >= bounds[c] {
                    report(dfa, state[c], at + 1, &mut out[c]);
                }
            }
        }
        for c in 0..CHUNKS {
            let tail = from[c] + together..bounds[c + 1];
            for (at, &byte) in tail.clone().zip(&lowered[tail]) {
                state[c] = dfa.next_state(Anchored::No, state[c], byte);
                if dfa.is_special(state[c]) && dfa.is_match(state[c]) && at >= bounds[c] {
                    report(dfa, state[c], at + 1, &mut out[c]);
                }
            }
        }
        let [first, rest @ ..] = &mut out;
        for more in rest {
            first.append(more);
        }
        std::mem::take(first)
    }

    pub fn hits(&self, bytes: &[u8]) -> Vec<Hit> {
        let lowered = bytes.to_ascii_lowercase();
        let mut hits: Vec<Hit> = Vec::new();
        for (pattern, end) in self.occurrences(&lowered) {
            let key = &self.keys[pattern];
            let start = end - key.len;
            let text = &bytes[start..end];
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
/// How many parts of a text `TermsAutomaton::occurrences` walks side by side.
const CHUNKS: usize = 4;

/// One walk over `lowered` from `from`, reporting the keywords ending after `report_from`.
fn walk(dfa: &DFA, lowered: &[u8], from: usize, report_from: usize, out: &mut Vec<(usize, usize)>) {
    let Ok(mut state) = dfa.start_state(Anchored::No) else {
        return;
    };
    for (at, &byte) in lowered.iter().enumerate().skip(from) {
        state = dfa.next_state(Anchored::No, state, byte);
        if dfa.is_special(state) && dfa.is_match(state) && at >= report_from {
            report(dfa, state, at + 1, out);
        }
    }
}

/// The keywords of match state `state`, ending at `end`, in its match list's order.
fn report(
    dfa: &DFA,
    state: aho_corasick::automaton::StateID,
    end: usize,
    out: &mut Vec<(usize, usize)>,
) {
    for k in 0..dfa.match_len(state) {
        out.push((dfa.match_pattern(state, k).as_usize(), end));
    }
}

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
    use aho_corasick::AhoCorasick;

    /// The occurrences one overlapping walk of the crate reports (the walk `occurrences`
    /// cuts into parts).
    fn one_walk(keys: &[&str], lowered: &[u8]) -> Vec<(usize, usize)> {
        let reference = AhoCorasick::builder()
            .match_kind(MatchKind::Standard)
            .build(keys)
            .unwrap();
        reference
            .find_overlapping_iter(lowered)
            .map(|m| (m.pattern().as_usize(), m.end()))
            .collect()
    }

    #[test]
    fn parts_walked_side_by_side_find_what_one_walk_finds() {
        // Keywords that overlap and contain one another, so that a part's boundary falls
        // inside them, inside their prefixes and between them.
        let keys = [
            "years of experience",
            "years",
            "year",
            "ears",
            "of",
            "experience",
            "ex",
            "full-time",
            "full time",
            "time",
            "part-time",
            "e",
            "high school",
            "school",
        ];
        let patterns: Vec<String> = keys.iter().map(|k| k.to_string()).collect();
        let automaton = TermsAutomaton::new(&patterns, &vec![0; keys.len()]).unwrap();
        let pieces = [
            "years of experience",
            "year",
            "s of ",
            "experi",
            "ence",
            " ",
            "full-",
            "time",
            "full time",
            "part-time",
            "high ",
            "school",
            "x",
            "ee",
            "?",
            "\n",
            "ye",
            "ars",
        ];
        // A small deterministic generator: texts of every length up to a few times the
        // threshold at which the parts are used (2 x the longest keyword x 4).
        let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut checked = 0;
        for _ in 0..3000 {
            let mut text = String::new();
            let target = (seed % 400) as usize;
            while text.len() < target {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                text.push_str(pieces[(seed % pieces.len() as u64) as usize]);
            }
            seed = seed.wrapping_add(0x2545_f491_4f6c_dd1d);
            let lowered = text.as_bytes().to_ascii_lowercase();
            let expected = one_walk(&keys, &lowered);
            assert_eq!(automaton.occurrences(&lowered), expected, "{text:?}");
            if lowered.len() / CHUNKS >= 2 * automaton.longest {
                checked += 1;
            }
        }
        assert!(checked > 1000, "only {checked} texts were cut into parts");
    }

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
