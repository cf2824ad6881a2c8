//! Inline requirement cues: "Kafka is a plus", "Python required", "must have Go"
//! (the rules of `stream/enrich/skills_cues.py`, which stays the reference).
//!
//! `inline_state(clause)` is `Some(false)` when the clause says nice-to-have, `Some(true)`
//! when it says required, `None` when it says neither. `sections::RequirementIndex` reads
//! it on the clause around a mention.
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
//! Unicode 14.0, the regex crate and `chars` by a later one, so a letter or digit assigned
//! since 14.0 is a word character here and not in Python.

use std::sync::LazyLock;

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

pub const NICE_WORDS: [&str; 7] = [
    "plus",
    "advantage",
    "bonus",
    "nice",
    "prefer",
    "desirabl",
    "not required",
];
pub const REQUIRED_WORDS: [&str; 3] = ["requir", "must", "mandatory"];

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

/// The state a cue inside the clause gives it, or None when it has no cue.
///
/// The word gates come first because most clauses carry no cue, and they are part of the
/// rule, not only a shortcut: "Go is essential" has no required word, so it stays None,
/// and "a bonuſ" matches the pattern (IGNORECASE) but its lower case holds no nice word.
/// (The Python reference skips the gate before the nice pattern where it can prove the
/// gate always passes; the result is the same.)
pub fn inline_state(clause: &str) -> Option<bool> {
    // Python's lower(): only "İ" and the Kelvin sign change length or become ASCII, and
    // Rust's lower-casing treats both the same way, so the ASCII word tests agree.
    let low = clause.to_lowercase();
    if NICE_WORDS.iter().any(|w| low.contains(w)) && INLINE_NICE.is_match(clause) {
        return Some(false);
    }
    if REQUIRED_WORDS.iter().any(|w| low.contains(w)) && INLINE_REQUIRED.is_match(clause) {
        return Some(true);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::inline_state;

    #[test]
    fn cues() {
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
}
