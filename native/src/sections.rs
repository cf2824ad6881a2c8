//! Which parts of a posting state requirements, which nice-to-haves, which neither (the
//! rules of `stream/enrich/skills/sections.py`, which stays the reference; see its docstring for
//! the rules and their precedence).
//!
//! `heading_state(line)` recognises heading lines; `RequirementIndex::state_at` gives
//! the state of one span, from the last heading above it and the cues of its clause.
//! The index is always built from the heading lines and cue words the skills scan
//! reports: the Python regex search for candidate headings has no counterpart here.
//!
//! Patterns follow Python's `re` semantics through the helpers in `cues` (Python's `\w`
//! and `\b`, IGNORECASE on "i"); `$` and `\s` are spelled out where they occur.

use std::sync::LazyLock;

use regex::Regex;

use crate::chars::{is_word, isspace, string_of};
use crate::cues::{bounded, py_ignorecase, CueWords, NOT_WORD_AFTER, WORD};
use crate::fxhash::FxHashMap;

// Headings are short lines: a bullet or "#", a few words, an optional colon.
pub(crate) const MAX_HEADING_CHARS: usize = 60;
const MAX_HEADING_WORDS: usize = 6;
/// `_HEADING_PREFIX` without its `\s`, which is Python whitespace (`chars::isspace`).
pub(crate) const HEADING_BULLETS: &str = "#*•·-–—>";
/// What `head.strip(" -–—*")` removes.
const HEAD_STRIP: &str = " -–—*";

const NICE: &str = concat!(
    r"nice[- ]to[- ]haves?|preferred|bonus(?: points)?|desirable|desired|good[- ]to[- ]have",
    r"|(?:is |are |would be |will be )?an? (?:big |huge )?(?:plus|advantage|bonus)",
    r"|pluses|extra credit|not required",
);
// ['’]: NFKC keeps the typographic apostrophe, so accept both.
const REQUIRED: &str = concat!(
    r"requirements?|required|must[- ]haves?|qualifications|what we(?:['’]re| are)?",
    r" look(?:ing)? for|you have|what you(?:['’]ll| will)? (?:bring|need|have)|who you are",
    r"|essentials?|key skills|skills (?:and|&) experience",
);
const NEUTRAL: &str = concat!(
    r"responsibilities|what you(?:['’]ll| will) do|the role|about (?:the|this|our) \w+",
    r"|about us|who we are|benefits|perks|compensation|salary|what we offer|why join us",
    r"|our (?:company|team|mission|values|culture|story|benefits)|the team|location",
    r"|how to apply|equal (?:opportunity|employment)(?: \w+)?|eeo statement|job description",
    r"|overview|summary|day[- ]to[- ]day|duties|your role|tech stack|the opportunity",
);
const QUALIFIER: &str =
    r"(?:(?:basic|minimum|required|key|core|essential|technical|job|your|main) )?";

/// A Python IGNORECASE pattern, `\w` being Python's.
fn py_regex(pattern: &str) -> Regex {
    let pattern = format!("(?i){}", py_ignorecase(pattern).replace(r"\w", WORD));
    Regex::new(&pattern).expect("heading pattern compiles")
}

// Every alternative ends with a letter, so the trailing `\b` only looks ahead.
static NICE_HEADING: LazyLock<Regex> =
    LazyLock::new(|| py_regex(&format!("^(?:{NICE}){NOT_WORD_AFTER}")));
static REQUIRED_HEADING: LazyLock<Regex> =
    LazyLock::new(|| py_regex(&format!("^{QUALIFIER}(?:{REQUIRED}){NOT_WORD_AFTER}")));
static PREFERRED_QUALIFIER: LazyLock<Regex> =
    LazyLock::new(|| py_regex("^(?:preferred|desired|bonus|additional) "));
// Neutral headings must be the whole heading ("Benefits", "Compensation & benefits"), so
// that a short content line such as "Apply SQL daily" never resets the state. Python's
// `$` (no MULTILINE) also matches before a final "\n": `\n?\z`.
static NEUTRAL_HEADING: LazyLock<Regex> = LazyLock::new(|| {
    py_regex(&format!(
        r"^{QUALIFIER}(?:{NEUTRAL})(?: ?(?:&|and|/|,) ?(?-i:[\p{{L}}\p{{N}}_ ]){{1,30}})?\n?\z"
    ))
});

/// `len(s) > n` in characters, without counting past n.
fn longer_than(s: &str, n: usize) -> bool {
    s.len() > n && s.chars().nth(n).is_some()
}

/// `len(s.split()) > n`, without counting past n.
fn more_words_than(s: &str, n: usize) -> bool {
    s.split(isspace)
        .filter(|word| !word.is_empty())
        .nth(n)
        .is_some()
}

/// The heading words of `line` if it can be a heading, else None.
pub fn heading_text(line: &str) -> Option<&str> {
    let body = line.trim_start_matches(|c| isspace(c) || HEADING_BULLETS.contains(c));
    let stripped = body.trim_matches(isspace);
    let head = match stripped.split_once(':') {
        // "Requirements: Python, SQL" is a heading with its content on the same line.
        Some((head, _)) => head,
        None if !longer_than(stripped, MAX_HEADING_CHARS)
            && !stripped.ends_with(['.', '!', '?']) =>
        {
            stripped
        }
        None => return None,
    };
    let head = head.trim_matches(|c| HEAD_STRIP.contains(c));
    if head.is_empty()
        || longer_than(head, MAX_HEADING_CHARS)
        || more_words_than(head, MAX_HEADING_WORDS)
    {
        return None;
    }
    Some(head)
}

/// (is a recognised heading, its state). Unrecognised lines return (false, None).
pub fn heading_state(line: &str) -> (bool, Option<bool>) {
    let Some(head) = heading_text(line) else {
        return (false, None);
    };
    // "Preferred qualifications" and "Nice to have" win over the requirement words in them.
    // The qualifier pattern ends with the first space, so the rest is `split(" ", 1)[1]`.
    if NICE_HEADING.is_match(head)
        || (PREFERRED_QUALIFIER.is_match(head)
            && head
                .split_once(' ')
                .is_some_and(|(_, rest)| REQUIRED_HEADING.is_match(rest)))
    {
        return (true, Some(false));
    }
    if REQUIRED_HEADING.is_match(head) {
        return (true, Some(true));
    }
    if NEUTRAL_HEADING.is_match(head) {
        return (true, None);
    }
    (false, None)
}

const HEADING_LINE_CHARS: usize = 2 * MAX_HEADING_CHARS; // enough to decide on a heading
const CLAUSE_LOOKAROUND: usize = 240; // a clause is read at most this far either side

/// Whether `_CLAUSE_END = [.!?;\n•](?!\w)` matches at `k` in a search that ends at `limit`
/// (the lookahead sees nothing past it). It ends a clause; "Node.js" does not.
fn clause_end_at(text: &[char], k: usize, limit: usize) -> bool {
    is_clause_mark(text[k]) && (k + 1 >= limit || !is_word(text[k + 1]))
}

fn is_clause_mark(c: char) -> bool {
    matches!(c, '.' | '!' | '?' | ';' | '\n' | '•')
}

/// The offsets of the characters `is_clause_mark` accepts, in order. Four characters a
/// compare (SSE2, 16 a block) and a bit per character: the iterator's filter over every
/// character was ~5% of the skill scan, for marks that are ~2% of the characters.
fn clause_marks(text: &[char]) -> Vec<usize> {
    let mut marks = Vec::with_capacity(text.len() / 32);
    let blocks = text.chunks_exact(16);
    let tail = blocks.remainder();
    for (b, block) in blocks.enumerate() {
        let mut found = marks16(block.try_into().expect("16 chars"));
        while found != 0 {
            marks.push(b * 16 + found.trailing_zeros() as usize);
            found &= found - 1;
        }
    }
    let done = text.len() - tail.len();
    marks.extend(
        tail.iter()
            .enumerate()
            .filter(|(_, &c)| is_clause_mark(c))
            .map(|(k, _)| done + k),
    );
    marks
}

/// Bit k set when `is_clause_mark(block[k])`.
#[cfg(target_arch = "x86_64")]
fn marks16(block: &[char; 16]) -> u32 {
    use std::arch::x86_64::{
        _mm_castsi128_ps, _mm_cmpeq_epi32, _mm_loadu_si128, _mm_movemask_ps, _mm_or_si128,
        _mm_set1_epi32,
    };
    const MARKS: [char; 6] = ['.', '!', '?', ';', '\n', '•'];
    let mut bits = 0u32;
    // SAFETY: SSE2 is part of x86_64; a char is a u32, and each load reads 4 chars inside
    // `block`.
    unsafe {
        for lane in 0..4 {
            let v = _mm_loadu_si128(block.as_ptr().add(lane * 4).cast());
            let mut hit = _mm_cmpeq_epi32(v, _mm_set1_epi32(MARKS[0] as i32));
            for &mark in &MARKS[1..] {
                hit = _mm_or_si128(hit, _mm_cmpeq_epi32(v, _mm_set1_epi32(mark as i32)));
            }
            bits |= (_mm_movemask_ps(_mm_castsi128_ps(hit)) as u32) << (lane * 4);
        }
    }
    bits
}

#[cfg(not(target_arch = "x86_64"))]
fn marks16(block: &[char; 16]) -> u32 {
    let mut bits = 0u32;
    for (k, &c) in block.iter().enumerate() {
        bits |= u32::from(is_clause_mark(c)) << k;
    }
    bits
}

/// `text.find("\n", from)`.
fn find_newline(text: &[char], from: usize) -> Option<usize> {
    text.get(from..)?
        .iter()
        .position(|&c| c == '\n')
        .map(|i| from + i)
}

/// The requirement state of any span of one description, computed lazily.
///
/// Headings behave as in Python's `line_requirement`. Inline cues are read on the clause
/// around the span (between ". ! ? ; newline •"), not on the whole line: scraped
/// descriptions often arrive as one 3,000-character line, where "Bachelor's degree
/// preferred" must not turn every skill of the posting into a nice-to-have. A span with
/// no cue word within reach skips the clause work.
pub struct RequirementIndex<'a> {
    text: &'a [char],
    /// The inline cue rules, with the scanner's cue words.
    cues: &'a CueWords,
    /// Offsets of the cue words, from the skills scan, sorted.
    cue_words: Vec<usize>,
    /// The recognised heading lines (sorted) and their states.
    heading_starts: Vec<usize>,
    heading_states: Vec<Option<bool>>,
    /// Clause verdicts by clause start.
    clause_cues: FxHashMap<usize, Option<bool>>,
    /// Offsets of the characters `clause_end_at` may accept (".!?;\n•"), sorted; read once,
    /// when a clause is first needed, so that each mention's clause bounds are a binary
    /// search and a few checks instead of a character-by-character read of up to 240
    /// characters either side (~4% of the skill scan).
    marks: Option<Vec<usize>>,
    /// The line of the last state_at call: [lo, hi), whether it is a heading, its state.
    line_lo: usize,
    line_hi: usize,
    line_own: bool,
    line_state: Option<bool>,
}

impl<'a> RequirementIndex<'a> {
    /// `cues`: the inline cue rules. `cue_words`: offsets of the cue words in `text`
    /// (sorted), as the skills scan finds them. `last`: no offset after it will be asked about, so headings below its line
    /// are not read. `heading_lines`: the starts of the lines that can be headings (a
    /// superset; sorted, unique), as the scan finds them.
    pub fn new(
        text: &'a [char],
        cues: &'a CueWords,
        cue_words: Vec<usize>,
        last: usize,
        heading_lines: Vec<usize>,
    ) -> Self {
        let stop = find_newline(text, last).map_or(text.len() + 1, |end| end + 1);
        let mut heading_starts = Vec::new();
        let mut heading_states = Vec::new();
        for start in heading_lines {
            if start >= stop {
                break;
            }
            let window = &text[start.min(text.len())..(start + HEADING_LINE_CHARS).min(text.len())];
            let line = string_of(window.split(|&c| c == '\n').next().unwrap_or(&[]));
            let (is_heading, state) = heading_state(&line);
            if is_heading {
                heading_starts.push(start);
                heading_states.push(state);
            }
        }
        RequirementIndex {
            text,
            cues,
            cue_words,
            heading_starts,
            heading_states,
            clause_cues: FxHashMap::default(),
            marks: None,
            line_lo: 0,
            line_hi: 0, // no line yet
            line_own: false,
            line_state: None,
        }
    }

    /// No heading and no cue word: every span is None.
    pub fn is_empty(&self) -> bool {
        self.heading_starts.is_empty() && self.cue_words.is_empty()
    }

    /// Some(true) (required), Some(false) (nice to have) or None for the span [start, end).
    ///
    /// Mentions come in text order and many share a line, so the line of the last call
    /// and its heading state are kept: the next mention on that line skips both lookups.
    pub fn state_at(&mut self, start: usize, end: usize) -> Option<bool> {
        let text = self.text;
        let line_start = if self.line_lo <= start && start < self.line_hi {
            self.line_lo
        } else {
            let line_start = text[..start.min(text.len())]
                .iter()
                .rposition(|&c| c == '\n')
                .map_or(0, |i| i + 1);
            match self.heading_starts.binary_search(&line_start) {
                Ok(i) => {
                    self.line_own = true;
                    self.line_state = self.heading_states[i];
                }
                Err(i) => {
                    self.line_own = false;
                    self.line_state = if i > 0 {
                        self.heading_states[i - 1]
                    } else {
                        None
                    };
                }
            }
            self.line_lo = line_start;
            self.line_hi = find_newline(text, start).unwrap_or(text.len());
            line_start
        };
        if self.line_own {
            return self.line_state; // a heading line's own content takes its state
        }
        // A cue word within reach of the span? (offsets from the matcher's scan)
        let words = &self.cue_words;
        let i =
            words.partition_point(|&w| w < line_start.max(start.saturating_sub(CLAUSE_LOOKAROUND)));
        if i < words.len() && words[i] < end + CLAUSE_LOOKAROUND {
            if let Some(cue) = self.clause_cue(line_start, start, end) {
                return Some(cue);
            }
        }
        self.line_state
    }

    fn clause_cue(&mut self, line_start: usize, start: usize, end: usize) -> Option<bool> {
        let text = self.text;
        let lo = line_start.max(start.saturating_sub(CLAUSE_LOOKAROUND));
        // The last clause end in [lo, start), as `_CLAUSE_END.finditer(text, lo, start)`.
        let before = start.min(text.len());
        let marks = self.marks.get_or_insert_with(|| clause_marks(text));
        let clause_start = marks[..marks.partition_point(|&k| k < before)]
            .iter()
            .rev()
            .take_while(|&&k| k >= lo)
            .find(|&&k| clause_end_at(text, k, before))
            .map_or(lo, |&k| k + 1);
        if let Some(&cue) = self.clause_cues.get(&clause_start) {
            return cue;
        }
        let limit = text.len().min(end + CLAUSE_LOOKAROUND);
        let stop = marks[marks.partition_point(|&k| k < end)..]
            .iter()
            .take_while(|&&k| k < limit)
            .find(|&&k| clause_end_at(text, k, limit))
            .map_or(limit, |&k| k);
        let words = &self.cue_words;
        let i = words.partition_point(|&w| w < clause_start);
        let cue = if i == words.len() || words[i] >= stop {
            None // no cue word in the clause itself
        } else {
            let from = clause_start.min(text.len());
            let clause = string_of(&text[from..stop.max(from)]);
            self.cues.inline_state(&clause)
        };
        self.clause_cues.insert(clause_start, cue);
        cue
    }
}

// Words that make a spoken-language name a skill ("fluent in Spanish"), read a few words
// either side of it.
static LANGUAGE_CUES: LazyLock<Regex> = LazyLock::new(|| {
    bounded(concat!(
        r"fluen\w*|bilingual|multilingual|speak\w*|language\w*|proficien\w*|native",
        r"|written|spoken|verbal|oral|read(?:ing)?|writ(?:e|ing)|interpret\w*|translat\w*",
        r"|conversational|communicat\w*|skills?|required|preferred|plus|knowledge|command",
        r"|ability|able|english|spanish|french|german|mandarin|chinese|portuguese|italian",
        r"|japanese|korean|arabic|russian|hindi|vietnamese|tagalog|asl|sign",
    ))
});
const LANGUAGE_WINDOW: usize = 40;

/// A cue word within a few words of a spoken-language name at [start, end) (the name
/// itself excluded). Each side is searched on its own, so its ends are word boundaries
/// whatever lies beyond them, as with Python's slices.
pub fn language_context(text: &[char], start: usize, end: usize) -> bool {
    let n = text.len();
    let before_end = start.min(n);
    let before_start = start.saturating_sub(LANGUAGE_WINDOW).min(before_end);
    let after_start = end.min(n);
    let after_end = end.saturating_add(LANGUAGE_WINDOW).min(n);
    let side = |s: &[char]| LANGUAGE_CUES.is_match(&string_of(s));
    side(&text[before_start..before_end]) || side(&text[after_start..after_end])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chars(s: &str) -> Vec<char> {
        s.chars().collect()
    }

    #[test]
    fn headings() {
        assert_eq!(heading_state("Requirements:"), (true, Some(true)));
        assert_eq!(
            heading_state("• Preferred Qualifications: Scala"),
            (true, Some(false))
        );
        assert_eq!(heading_state("Nice-to-have"), (true, Some(false)));
        assert_eq!(heading_state("Compensation & benefits"), (true, None));
        assert_eq!(heading_state("Benefits\n"), (true, None));
        assert_eq!(heading_state("Benefits\r"), (true, None)); // strip() takes "\r"
        assert_eq!(heading_state("Benefits\n: x"), (true, None)); // `$` before final "\n"
        assert_eq!(heading_state("Benefits\r: x"), (false, None));
        assert_eq!(heading_state("Apply SQL daily"), (false, None));
        assert_eq!(heading_state("Requirements."), (false, None));
        assert_eq!(heading_state("Requırements"), (true, Some(true)));
        assert_eq!(heading_state("Requirementsé"), (false, None));
        assert_eq!(heading_state("Requirements\u{301}"), (true, Some(true)));
        assert_eq!(heading_state("about the ü"), (true, None));
        assert_eq!(heading_state("about the \u{345}"), (false, None));
    }

    #[test]
    fn index() {
        let text = chars("Requirements\n- Python\n- SQL\nNice to have\n- Docker. Go is a plus");
        let cues = crate::cues::tests::cue_words();
        let cue_words = vec![text.len() - 4];
        let mut index = RequirementIndex::new(&text, &cues, cue_words, text.len(), vec![0, 28]);
        assert!(!index.is_empty());
        assert_eq!(index.state_at(15, 21), Some(true));
        assert_eq!(index.state_at(43, 49), Some(false));
        assert_eq!(
            index.state_at(text.len() - 12, text.len() - 10),
            Some(false)
        );
    }

    #[test]
    fn clause_marks_equal_the_filter() {
        // Every length across the 16-character blocks, marks at every offset, and the
        // characters next to the marks' code points.
        let alphabet: Vec<char> = "a.!?;\n•/\u{2023}é \u{10022}".chars().collect();
        let mut seed = 7u64;
        for len in 0..80 {
            for _ in 0..20 {
                let text: Vec<char> = (0..len)
                    .map(|_| {
                        seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
                        alphabet[(seed >> 33) as usize % alphabet.len()]
                    })
                    .collect();
                let expected: Vec<usize> = text
                    .iter()
                    .enumerate()
                    .filter(|(_, &c)| is_clause_mark(c))
                    .map(|(k, _)| k)
                    .collect();
                assert_eq!(clause_marks(&text), expected, "{text:?}");
            }
        }
    }

    #[test]
    fn language() {
        let text = chars("fluent Spanish");
        assert!(language_context(&text, 7, 14));
        let text = chars("xfluent Spanish");
        assert!(!language_context(&text, 8, 15));
    }
}
