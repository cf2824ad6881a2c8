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
use crate::chars::Unit;
use aho_corasick::automaton::{Automaton, StateID};
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

/// The byte the reference scans for a unit (`encode("ascii", "replace")`).
#[inline(always)]
fn ascii<T: Unit>(unit: T) -> u8 {
    let code = unit.code();
    if code < 128 {
        code as u8
    } else {
        b'?'
    }
}

/// The symbol every unit outside ASCII is read as (`?`): 128 among the DFA's inputs.
const OTHER: usize = 128;

/// The keyword DFA as one flat table walked without the crate's checks: state ids are
/// row offsets (`row * stride`), a unit's column is its byte class, upper-case ASCII is in
/// its lower-case letter's class (so the text needs no lower-casing) and every unit
/// outside ASCII in `?`'s (so the str's storage is walked as is). Match states are the
/// last rows, so one comparison tells whether a step ended a keyword.
struct Table {
    /// u16: ~1,100 states x ~31 classes fit, and the table (~66 KB) stays in L2 with
    /// room to spare, half the size of u32 ids.
    next: Vec<u16>,
    /// Per unit below 256 (a larger one is looked up as 255), its class: the column in a
    /// row. Units from 128 on are all in `?`'s class. 256 entries, so a UCS1 unit needs no
    /// clamping.
    classes: [u32; 256],
    start: u32,
    /// The first match state's id: a state at or past it ends a keyword.
    first_match: u32,
    stride: u32,
    /// Per match state (`(id - first_match) / stride`), its keywords in the order of the
    /// crate's match list (a state's own keyword, then those of its failure links).
    matches: Vec<Vec<usize>>,
}

impl Table {
    /// Every state the crate's DFA reaches from its unanchored start on the lower-cased
    /// ASCII bytes, renumbered (non-match states first) with the same transitions.
    fn new(dfa: &DFA) -> Result<Self, String> {
        let symbol = |unit: usize| -> u8 {
            if unit == OTHER {
                b'?'
            } else {
                (unit as u8).to_ascii_lowercase()
            }
        };
        let start = dfa.start_state(Anchored::No).map_err(|e| e.to_string())?;
        let mut states: Vec<StateID> = vec![start];
        let mut seen = std::collections::HashMap::from([(start, 0usize)]);
        let mut i = 0;
        while i < states.len() {
            let from = states[i];
            for unit in 0..=OTHER {
                let to = dfa.next_state(Anchored::No, from, symbol(unit));
                if let std::collections::hash_map::Entry::Vacant(e) = seen.entry(to) {
                    e.insert(states.len());
                    states.push(to);
                }
            }
            i += 1;
        }
        // Units whose columns are equal in every state share a class.
        let column = |unit: usize| -> Vec<StateID> {
            states
                .iter()
                .map(|&s| dfa.next_state(Anchored::No, s, symbol(unit)))
                .collect()
        };
        let mut columns: Vec<Vec<StateID>> = Vec::new();
        let mut classes = [0u32; 256];
        for (unit, class) in classes.iter_mut().enumerate().take(OTHER + 1) {
            let col = column(unit);
            let c = match columns.iter().position(|known| *known == col) {
                Some(c) => c,
                None => {
                    columns.push(col);
                    columns.len() - 1
                }
            };
            *class = c as u32;
        }
        let other = classes[OTHER];
        classes[OTHER..].fill(other);
        let stride = columns.len();
        let is_match = |s: StateID| dfa.is_special(s) && dfa.is_match(s);
        let mut order: Vec<usize> = (0..states.len()).collect();
        order.sort_by_key(|&k| is_match(states[k])); // stable: non-match states first
        let mut row = vec![0usize; states.len()];
        for (r, &k) in order.iter().enumerate() {
            row[k] = r;
        }
        let first_match_row = order
            .iter()
            .position(|&k| is_match(states[k]))
            .unwrap_or(states.len());
        if states.len() * stride > usize::from(u16::MAX) + 1 {
            return Err(format!(
                "the keyword DFA has {} states x {stride} classes: more than u16 ids hold",
                states.len()
            ));
        }
        let mut next = vec![0u16; states.len() * stride];
        for (r, &k) in order.iter().enumerate() {
            for (c, col) in columns.iter().enumerate() {
                next[r * stride + c] = (row[seen[&col[k]]] * stride) as u16;
            }
        }
        let matches = order[first_match_row..]
            .iter()
            .map(|&k| {
                (0..dfa.match_len(states[k]))
                    .map(|m| dfa.match_pattern(states[k], m).as_usize())
                    .collect()
            })
            .collect();
        Ok(Table {
            next,
            classes,
            start: (row[0] * stride) as u32,
            first_match: (first_match_row * stride) as u32,
            stride: stride as u32,
            matches,
        })
    }

    #[inline(always)]
    fn step<T: Unit>(&self, state: u32, unit: T) -> u32 {
        let class = self.classes[(unit.code() as usize).min(255)];
        // In bounds by construction (ids are row offsets, classes below `stride`); the
        // bounds check stays, off the path of the dependent load.
        u32::from(self.next[(state + class) as usize])
    }

    /// The keywords of match state `state`, ending at `end`, in its match list's order.
    fn report(&self, state: u32, end: usize, out: &mut Vec<(usize, usize)>) {
        let m = &self.matches[((state - self.first_match) / self.stride) as usize];
        out.extend(m.iter().map(|&p| (p, end)));
    }
}

pub struct TermsAutomaton {
    table: Table,
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
            if !spelling.is_ascii() || spelling.contains(&b'\n') {
                // The walk reads units outside ASCII as "?" and starts after the
                // reference's leading "\n" (which then can be no keyword's part).
                return Err("a keyword must be ASCII without a line break".into());
            }
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
            table: Table::new(&automaton)?,
            longest,
            keys,
        })
    }

    /// Every occurrence of a keyword in `text` read in lower case (as ASCII, `?` outside
    /// it), as (keyword, end), in the order one overlapping walk reports them: end
    /// ascending, and at one end in the order of the state's match list.
    ///
    /// Each step of a DFA walk waits for the load of the step before, so the text is cut
    /// into `CHUNKS` parts walked side by side, their loads overlapping. A part's walk
    /// starts `longest - 1` units before the part (from the start state) and reports only
    /// the ends inside the part. That is exact: a keyword ending in the part starts at
    /// most `longest - 1` units before it, so the walk has read all of it; and at an end
    /// inside the part, a walk from further back is in a state whose string is longer only
    /// by text no keyword ending there reaches, so its match list (its own keyword, then
    /// those of its failure links) is the same.
    fn occurrences<T: Unit>(&self, text: &[T]) -> Vec<(usize, usize)> {
        let table = &self.table;
        let mut out: [Vec<(usize, usize)>; CHUNKS] = Default::default();
        let part = text.len() / CHUNKS;
        if part < 2 * self.longest {
            let mut state = table.start;
            for (at, &unit) in text.iter().enumerate() {
                state = table.step(state, unit);
                if state >= table.first_match {
                    table.report(state, at + 1, &mut out[0]);
                }
            }
            return std::mem::take(&mut out[0]);
        }
        let bounds: [usize; CHUNKS + 1] =
            std::array::from_fn(|c| if c == CHUNKS { text.len() } else { c * part });
        let from: [usize; CHUNKS] =
            std::array::from_fn(|c| bounds[c].saturating_sub(self.longest.saturating_sub(1)));
        let together = (0..CHUNKS)
            .map(|c| bounds[c + 1] - from[c])
            .min()
            .unwrap_or(0);
        // Four walks in locals, one step each per round (CHUNKS is 4): their loads are
        // independent, so they overlap. A match state is rare; its check is one compare.
        let (mut s0, mut s1, mut s2, mut s3) = (table.start, table.start, table.start, table.start);
        let first_match = table.first_match;
        let texts: [&[T]; CHUNKS] = std::array::from_fn(|c| &text[from[c]..from[c] + together]);
        let [t0, t1, t2, t3] = texts;
        let units = t0.iter().zip(t1).zip(t2).zip(t3);
        for (step, (((&u0, &u1), &u2), &u3)) in units.enumerate() {
            s0 = table.step(s0, u0);
            s1 = table.step(s1, u1);
            s2 = table.step(s2, u2);
            s3 = table.step(s3, u3);
            if s0 >= first_match || s1 >= first_match || s2 >= first_match || s3 >= first_match {
                for (c, s) in [s0, s1, s2, s3].into_iter().enumerate() {
                    let at = from[c] + step;
                    if s >= first_match && at >= bounds[c] {
                        table.report(s, at + 1, &mut out[c]);
                    }
                }
            }
        }
        let mut state = [s0, s1, s2, s3];
        for c in 0..CHUNKS {
            let tail = from[c] + together..bounds[c + 1];
            for (at, &unit) in tail.clone().zip(&text[tail]) {
                state[c] = table.step(state[c], unit);
                if state[c] >= table.first_match && at >= bounds[c] {
                    table.report(state[c], at + 1, &mut out[c]);
                }
            }
        }
        let [first, rest @ ..] = &mut out;
        for more in rest {
            first.append(more);
        }
        std::mem::take(first)
    }

    /// The reference's hits on `text` (the str's units, or `encode("ascii", "replace")`),
    /// in the offsets of the bytes it scans, `b"\n" + text.encode("ascii", "replace")`.
    pub fn hits<T: Unit>(&self, text: &[T]) -> Vec<Hit> {
        let mut hits: Vec<Hit> = Vec::new();
        for (pattern, end) in self.occurrences(text) {
            let key = &self.keys[pattern];
            let start = end - key.len; // in `text`
            let spelled = &text[start..end];
            let Some(spelling) = key
                .spellings
                .iter()
                .find(|sp| sp.bytes.iter().zip(spelled).all(|(&b, &u)| ascii(u) == b))
            else {
                continue;
            };
            // In the scanned bytes, the text starts at 1, after the reference's "\n".
            let before = if start == 0 {
                b'\n'
            } else {
                ascii(text[start - 1])
            };
            if let Some(&(_, index)) = spelling.prefixed.iter().find(|&&(b, _)| b == before) {
                hits.push((index, start, end + 1));
            }
            if let Some(index) = spelling.plain {
                hits.push((index, start + 1, end + 1));
            }
        }
        // The reference's order: by end, then the longer pattern (earlier start) first.
        // Mostly in order already (one end each), so the sort is a pass.
        hits.sort_by_key(|&(_, start, end)| (end, start));
        hits
    }
}

/// How many parts of a text `TermsAutomaton::occurrences` walks side by side.
const CHUNKS: usize = 4;

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
            // Upper case and units outside ASCII: the walk folds the one and reads the
            // other as "?", so the text needs neither lower-casing nor encoding.
            "YEARS",
            "Full-Time",
            "EXPERIENCE",
            "é",
            "É",
            "–",
            "\u{1F600}",
            "\u{7f}",
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
            let lowered: Vec<u8> = text
                .chars()
                .map(|c| {
                    if c.is_ascii() {
                        c.to_ascii_lowercase() as u8
                    } else {
                        b'?'
                    }
                })
                .collect();
            let expected = one_walk(&keys, &lowered);
            let ucs4: Vec<u32> = text.chars().map(u32::from).collect();
            assert_eq!(automaton.occurrences(&ucs4), expected, "{text:?}");
            if ucs4.iter().all(|&u| u < 0x1_0000) {
                let ucs2: Vec<u16> = ucs4.iter().map(|&u| u as u16).collect();
                assert_eq!(automaton.occurrences(&ucs2), expected, "{text:?}");
            }
            if ucs4.iter().all(|&u| u < 0x100) {
                let ucs1: Vec<u8> = ucs4.iter().map(|&u| u as u8).collect();
                assert_eq!(automaton.occurrences(&ucs1), expected, "{text:?}");
            }
            if lowered.len() / CHUNKS >= 2 * automaton.longest {
                checked += 1;
            }
        }
        assert!(checked > 1000, "only {checked} texts were cut into parts");
    }

    #[test]
    fn overlapping_hits_in_order() {
        let automaton = TermsAutomaton::new(&["year", " yr", "years of"], &[0, 1, 0]).unwrap();
        let text: Vec<u32> = "5 years of é yr".chars().map(u32::from).collect();
        let expected = vec![(0, 3, 7), (2, 3, 11), (1, 13, 16)];
        assert_eq!(automaton.hits(&text), expected);
        let ucs1: Vec<u8> = text.iter().map(|&u| u as u8).collect();
        assert_eq!(automaton.hits(&ucs1), expected);
        // The encoded bytes ("?" for "é") give the same hits.
        assert_eq!(automaton.hits(b"5 years of ? yr".as_slice()), expected);
    }

    #[test]
    fn only_the_patterns_spellings_and_start_bytes() {
        let patterns = ["year", "Year", " ms", "(ms", " MS", "masters", "ms"];
        let automaton = TermsAutomaton::new(&patterns, &[0, 0, 1, 1, 1, 0, 0]).unwrap();
        let text = b"yEar YEAR Year (ms Ms -ms MS xms masters";
        let found: Vec<&str> = automaton
            .hits(text.as_slice())
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
