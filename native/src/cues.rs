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

/// Skill cues (rules revision 4), the twin of `cues.skill_cue`: whether the words right
/// around a weak form that no other skill corroborates say that a skill is meant
/// ("experience in sales", "leadership and technical skills", an "Industry:" line item).
/// Words are ASCII-lower-cased on both sides, so no Unicode case table is involved: a
/// non-ASCII character is never a word character here. The word lists are Python's
/// (`tests/unit/test_native_word_lists.py` holds them equal).
/// `cues.SKILL_CUE_NOUNS`
const SKILL_CUE_NOUNS: [&str; 18] = [
    "experience",
    "experienced",
    "knowledge",
    "background",
    "expertise",
    "proficient",
    "proficiency",
    "skilled",
    "skills",
    "familiar",
    "familiarity",
    "understanding",
    "competence",
    "degree",
    "career",
    "years",
    "working",
    "worked",
];
/// `cues.SKILL_CUE_PREPOSITIONS`
const SKILL_CUE_PREPOSITIONS: [&str; 5] = ["in", "with", "within", "of", "from"];
/// `cues.SKILL_CUE_AFTER`
const SKILL_CUE_AFTER: [&str; 13] = [
    "skills",
    "skill",
    "experience",
    "knowledge",
    "background",
    "expertise",
    "abilities",
    "capabilities",
    "competencies",
    "mindset",
    "acumen",
    "thinking",
    "thinker",
];
/// `cues.SKILL_CUE_AND`
const SKILL_CUE_AND: [&str; 3] = ["and", "or", "&"];
/// `cues.SKILL_CUE_ADJECTIVES`: right before the form ("strong leadership").
const SKILL_CUE_ADJECTIVES: [&str; 10] = [
    "strong",
    "excellent",
    "proven",
    "demonstrated",
    "solid",
    "good",
    "outstanding",
    "exceptional",
    "superior",
    "natural",
];
/// `cues.SKILL_CUE_VETO`: right after the form, a noun it only modifies ("sales team").
const SKILL_CUE_VETO: [&str; 11] = [
    "team",
    "teams",
    "department",
    "departments",
    "software",
    "tool",
    "tools",
    "platform",
    "platforms",
    "system",
    "systems",
];
/// `cues.SKILL_CUE_LABELS`
const SKILL_CUE_LABELS: [&str; 12] = [
    "industry",
    "industries",
    "sector",
    "sectors",
    "domain",
    "domains",
    "skills",
    "technologies",
    "tech stack",
    "tools",
    "expertise",
    "competencies",
];
const CUE_BEFORE_WORDS: usize = 3; // `cues._CUE_BEFORE_WORDS`
const CUE_LABEL_STRIP: [char; 5] = [' ', '\t', '\r', '-', '*'];

fn cue_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '&' | '\'' | '+' | '#' | '-' | '.')
}

fn cue_gap(c: char) -> bool {
    matches!(c, ' ' | '\t' | ',' | '/')
}

fn lower(chars: &[char]) -> String {
    chars.iter().map(|c| c.to_ascii_lowercase()).collect()
}

/// `cues._words_before`: up to `limit` words right before `start`, nearest first.
fn words_before(text: &[char], start: usize, limit: usize) -> Vec<String> {
    let mut words = Vec::new();
    let mut k = start;
    while words.len() < limit {
        let mut gap = k;
        while gap > 0 && cue_gap(text[gap - 1]) {
            gap -= 1;
        }
        let mut w = gap;
        while w > 0 && cue_char(text[w - 1]) {
            w -= 1;
        }
        if w == gap {
            break;
        }
        words.push(lower(&text[w..gap]));
        k = w;
    }
    words
}

/// `cues._words_after`: up to `limit` words right after `end`, in order.
fn words_after(text: &[char], end: usize, limit: usize) -> Vec<String> {
    let mut words = Vec::new();
    let mut k = end;
    let n = text.len();
    while words.len() < limit {
        let mut gap = k;
        while gap < n && cue_gap(text[gap]) {
            gap += 1;
        }
        let mut w = gap;
        while w < n && cue_char(text[w]) {
            w += 1;
        }
        if w == gap {
            break;
        }
        words.push(lower(&text[gap..w]));
        k = w;
    }
    words
}

/// `label.strip(" \t\r-*").lower() in SKILL_CUE_LABELS`, read on the characters: the
/// label is a line up to its first colon, often a long one, and none of the labels is
/// longer than `CUE_LABEL_MAX` (so no String is made for it).
fn cue_label(label: &[char]) -> bool {
    let strip = |c: &char| CUE_LABEL_STRIP.contains(c);
    let Some(first) = label.iter().position(|c| !strip(c)) else {
        return SKILL_CUE_LABELS.contains(&"");
    };
    let last = label.iter().rposition(|c| !strip(c)).unwrap_or(first);
    let label = &label[first..=last];
    label.len() <= CUE_LABEL_MAX
        && label.iter().all(char::is_ascii)
        && SKILL_CUE_LABELS.contains(&lower(label).as_str())
}

/// The longest of `SKILL_CUE_LABELS`, in characters.
const CUE_LABEL_MAX: usize = {
    let mut longest = 0;
    let mut i = 0;
    while i < SKILL_CUE_LABELS.len() {
        if SKILL_CUE_LABELS[i].len() > longest {
            longest = SKILL_CUE_LABELS[i].len();
        }
        i += 1;
    }
    longest
};

fn rfind_newline(text: &[char], lo: usize, hi: usize) -> Option<usize> {
    (lo..hi).rev().find(|&k| text[k] == '\n')
}

/// `cues.skill_cue(text, start, end)`.
pub fn skill_cue(text: &[char], start: usize, end: usize) -> bool {
    // A word glued to the form ("insuranceExperience" in flattened text) is no cue word.
    let after = if end < text.len() && cue_char(text[end]) {
        Vec::new()
    } else {
        words_after(text, end, 3)
    };
    if after
        .first()
        .is_some_and(|w| SKILL_CUE_VETO.contains(&w.as_str()))
    {
        return false;
    }
    if after.len() > 1
        && SKILL_CUE_AND.contains(&after[0].as_str())
        && after[1..]
            .iter()
            .any(|w| SKILL_CUE_VETO.contains(&w.as_str()))
    {
        return false; // "creative and marketing tools"
    }
    let before = if start > 0 && cue_char(text[start - 1]) {
        Vec::new()
    } else {
        words_before(text, start, CUE_BEFORE_WORDS + 3)
    };
    if before
        .first()
        .is_some_and(|w| SKILL_CUE_ADJECTIVES.contains(&w.as_str()))
    {
        return true;
    }
    for (j, word) in before.iter().enumerate() {
        if j > CUE_BEFORE_WORDS {
            break;
        }
        if SKILL_CUE_PREPOSITIONS.contains(&word.as_str()) && j + 1 < before.len() {
            let mut cue = &before[j + 1];
            if cue.ends_with("ly") && j + 2 < before.len() {
                cue = &before[j + 2]; // "experience preferably within"
            }
            if SKILL_CUE_NOUNS.contains(&cue.as_str()) {
                return true;
            }
        }
    }
    if after
        .first()
        .is_some_and(|w| SKILL_CUE_AFTER.contains(&w.as_str()))
    {
        return true;
    }
    if after.len() > 1
        && SKILL_CUE_AND.contains(&after[0].as_str())
        && after[1..]
            .iter()
            .any(|w| SKILL_CUE_AFTER.contains(&w.as_str()))
    {
        return true; // "leadership and technical skills", "sales or marketing experience"
    }
    // The line's start and its first colon before `start`, in one backward read (a
    // flattened description is one long line: reading it twice per mention added up).
    let mut line_start = 0;
    let mut colon = None;
    for k in (0..start).rev() {
        match text[k] {
            '\n' => {
                line_start = k + 1;
                break;
            }
            ':' => colon = Some(k),
            _ => {}
        }
    }
    if let Some(colon) = colon {
        return cue_label(&text[line_start..colon]);
    }
    if line_start > 0 {
        let prev_start = rfind_newline(text, 0, line_start - 1).map_or(0, |k| k + 1);
        let previous = &text[prev_start..line_start - 1];
        let kept = previous
            .iter()
            .rposition(|c| !CUE_LABEL_STRIP.contains(c))
            .map_or(0, |k| k + 1);
        return match previous[..kept].split_last() {
            Some((':', label)) => cue_label(label),
            _ => false,
        };
    }
    false
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
