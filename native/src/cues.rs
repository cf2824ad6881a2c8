//! Inline requirement cues: "Kafka is a plus", "Python required", "must have Go"
//! (the rules of `stream/enrich/skills/cues.py`, which stays the reference).
//!
//! `CueWords::inline_state(clause)` is `Some(false)` when the clause says nice-to-have,
//! `Some(true)` when it says required, `None` when it says neither.
//! `sections::RequirementIndex` reads it on the clause around a mention. The cue words
//! themselves are not written here: `CueWords` is built from the lists Python hands over
//! (`cues.NICE_WORDS`, `cues.REQUIRED_WORDS`), as every other table of the scan is.
//!
//! The Python patterns are compiled with `re.IGNORECASE` and use `\b`; the regex crate
//! differs from Python's `re` on both, so the helpers below rebuild Python's meaning:
//! - Python's `\w` (and so `\b`) is `str.isalnum()` or "_": general categories L* and N*.
//!   The regex crate's Unicode `\w` also takes combining marks and connector punctuation
//!   ("preferred\u{301}" ends a word for Python, not for the regex crate), so `\w` is
//!   spelled [`WORD`], and a `\b` next to a letter of the pattern becomes "no word
//!   character on the other side" ([`NOT_WORD_BEFORE`], [`NOT_WORD_AFTER`]).
//! - Python's IGNORECASE lets "i" match "ı" and "İ" as well; the regex crate's simple case
//!   folding does not (it already pairs "s"/"ſ" and "k"/Kelvin sign, as Python does), so
//!   [`py_ignorecase`] spells every "i" of a pattern as a class.
//!
//! The one difference left is the Unicode version: Python 3.11 classifies characters by
//! Unicode 14.0, the regex crate and `chars` by 16.0. The 9,392 code points unassigned in
//! 14.0 that 16.0 makes letters or digits (CJK extension H at U+31350-U+323AF, Egyptian
//! hieroglyphs at U+13460-U+143FA, Garay, Tulu-Tigalari, Kawi and others) are word
//! characters here and not in Python, so `\b`, `\w` and the clause ends differ next to
//! them. Every other code point was checked against Python (boundaries, case, spaces).

use std::sync::LazyLock;

use aho_corasick::{AhoCorasick, AhoCorasickKind};
use regex::Regex;

/// Python's `\w` on `str`: a letter, a number or "_". Case-sensitive on purpose: under
/// `(?i)` the regex crate would add the case variants of the class, and U+0345 (a
/// combining mark) folds to the Greek letter iota.
pub(crate) const WORD: &str = r"(?-i:[\p{L}\p{N}_])";
/// Python's `\b` just before a pattern letter: the start, or a non-word character (which
/// the match then includes; callers only ask whether there is a match).
pub(crate) const NOT_WORD_BEFORE: &str = r"(?:\A|(?-i:[^\p{L}\p{N}_]))";
/// Python's `\b` just after a pattern letter (or after `\w*`): the end, or a non-word
/// character.
pub(crate) const NOT_WORD_AFTER: &str = r"(?:\z|(?-i:[^\p{L}\p{N}_]))";

/// A pattern made to match as Python's `re.IGNORECASE` does once `(?i)` is on: every
/// literal "i" becomes `[iIıİ]` (Python lower-cases "İ" to "i" and pairs "ı" with "i").
/// Escapes (`\w`, `\p{L}`) and group flags (`(?-i:`) are copied as they are. The patterns
/// here have no "i" inside a bracketed class.
pub(crate) fn py_ignorecase(pattern: &str) -> String {
    let mut out = String::with_capacity(pattern.len() + 16);
    let mut chars = pattern.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                out.push(c);
                match chars.next() {
                    Some(class @ ('p' | 'P')) if chars.peek() == Some(&'{') => {
                        out.push(class);
                        for c in chars.by_ref() {
                            out.push(c);
                            if c == '}' {
                                break;
                            }
                        }
                    }
                    escaped => out.extend(escaped),
                }
            }
            '(' if chars.peek() == Some(&'?') => {
                out.push(c);
                for c in chars.by_ref() {
                    out.push(c);
                    if c == ':' || c == ')' {
                        break;
                    }
                }
            }
            'i' | 'I' => out.push_str("[iIıİ]"),
            _ => out.push(c),
        }
    }
    out
}

/// `\b(?:alternatives)\b` under IGNORECASE, for patterns (the cue patterns here, the
/// language cues in `sections`) whose every alternative starts with a letter and ends
/// with a letter or `\w*`, so that each `\b` only has to look at the outer side.
pub(crate) fn bounded(alternatives: &str) -> Regex {
    let alternatives = py_ignorecase(alternatives).replace(r"\w", WORD);
    let pattern = format!("(?i){NOT_WORD_BEFORE}(?:{alternatives}){NOT_WORD_AFTER}");
    Regex::new(&pattern).expect("cue pattern compiles")
}

static INLINE_NICE: LazyLock<Regex> = LazyLock::new(|| {
    bounded(concat!(
        r"(?:is|are|would be|will be) an? (?:big |huge |strong )?(?:plus|advantage|bonus)",
        r"|a plus|nice[- ]to[- ]have|preferred|desirable|bonus points?",
        r"|advantageous|not required",
    ))
});
static INLINE_REQUIRED: LazyLock<Regex> = LazyLock::new(|| {
    bounded(concat!(
        r"(?:is|are) (?:required|mandatory|essential|a must)|required|must[- ]have",
        r"|mandatory",
    ))
});

/// The cue words (`cues.NICE_WORDS` and `cues.REQUIRED_WORDS`, handed over from Python)
/// and the word gates built from them: `inline_state` reads a clause's cue patterns only
/// where its gate passes.
pub struct CueWords {
    /// How many of the gates' patterns are nice words (they come first).
    nice: usize,
    gates: AhoCorasick,
}

impl CueWords {
    // The word gates, `any(w in clause.lower() for w in WORDS)`, for both word lists in
    // one pass and without lower-casing (which took half the time). Only two non-ASCII
    // characters lower-case to anything ASCII: the Kelvin sign to "k", and "İ" to "i" and
    // U+0307. So a word made of lower-case ASCII, without "k" and not ending in "i" (every
    // word of `cues.py`; others are refused), is in the lower case exactly where its
    // letters are in the clause, in either ASCII case. Overlapping matches, so that "not
    // required" hides no "requir".
    pub fn new<S: AsRef<str>>(nice: &[S], required: &[S]) -> Result<Self, String> {
        let words: Vec<&str> = nice.iter().chain(required).map(AsRef::as_ref).collect();
        if let Some(word) = words.iter().find(|w| {
            w.bytes()
                .any(|b| !b.is_ascii() || b.is_ascii_uppercase() || b == b'k')
                || w.ends_with('i')
        }) {
            return Err(format!(
                "cue word {word:?}: the gates take lower-case ASCII words without \"k\" \
                 and not ending in \"i\""
            ));
        }
        let gates = AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .kind(Some(AhoCorasickKind::DFA))
            .build(&words)
            .map_err(|e| format!("cue words: {e}"))?;
        Ok(Self {
            nice: nice.len(),
            gates,
        })
    }

    /// (a nice word is in the clause, a required word is).
    fn gates(&self, clause: &str) -> (bool, bool) {
        let (mut nice, mut required) = (false, false);
        for hit in self.gates.find_overlapping_iter(clause) {
            if hit.pattern().as_usize() < self.nice {
                nice = true;
            } else {
                required = true;
            }
            if nice && required {
                break;
            }
        }
        (nice, required)
    }

    /// The state a cue inside the clause gives it, or None when it has no cue.
    ///
    /// The word gates come first because most clauses carry no cue, and they are part of
    /// the rule, not only a shortcut: "Go is essential" has no required word, so it stays
    /// None, and "a bonuſ" matches the pattern (IGNORECASE) but its lower case holds no
    /// nice word. (The Python reference skips the gate before the nice pattern where it
    /// can prove the gate always passes; the result is the same.)
    pub fn inline_state(&self, clause: &str) -> Option<bool> {
        let (nice, required) = self.gates(clause);
        if nice && INLINE_NICE.is_match(clause) {
            return Some(false);
        }
        if required && INLINE_REQUIRED.is_match(clause) {
            return Some(true);
        }
        None
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::CueWords;

    /// Test-only copies of `cues.NICE_WORDS` and `cues.REQUIRED_WORDS` (the service hands
    /// the Python lists over; the differential tests check the two engines on those).
    pub(crate) fn cue_words() -> CueWords {
        let nice = [
            "plus",
            "advantage",
            "bonus",
            "nice",
            "prefer",
            "desirabl",
            "not required",
        ];
        CueWords::new(&nice, &["requir", "must", "mandatory"]).expect("test cue words")
    }

    #[test]
    fn cues() {
        let cues = cue_words();
        let inline_state = |clause| cues.inline_state(clause);
        assert_eq!(inline_state("Kafka is a plus"), Some(false));
        assert_eq!(inline_state("Kafka is a pluses"), None);
        assert_eq!(inline_state("Python required"), Some(true));
        assert_eq!(inline_state("Python is essential"), None);
        assert_eq!(inline_state("must-have: Go"), Some(true));
        assert_eq!(inline_state("Rust not required"), Some(false));
        assert_eq!(inline_state("Rust Is A Plus"), Some(false));
        assert_eq!(inline_state("PREFERRED\u{301}"), Some(false));
        assert_eq!(inline_state("preferredé"), None);
        assert_eq!(inline_state("Go is a bonuſ"), None);
        assert_eq!(inline_state("ıs a plus"), Some(false));
        assert_eq!(inline_state("_required"), None);
        assert_eq!(inline_state("required2"), None);
    }

    #[test]
    fn words_the_gates_cannot_take() {
        for word in ["Plus", "bonuſ", "skill", "wiki"] {
            assert!(CueWords::new(&[word], &[]).is_err(), "{word}");
        }
        assert!(CueWords::new::<&str>(&[], &[]).is_ok());
    }
}
