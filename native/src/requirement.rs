//! Whether a terms mention is only nice to have (`stream/enrich/terms/scan.py`'s
//! `Requirements.is_nice` and `state`, which stay the reference): a cue in the mention's
//! own comma-separated part of its clause decides, else the nearest in a later part, else
//! in an earlier part; else an inline label before the clause; else the heading the
//! mention sits under (`sections::RequirementIndex`, read with no inline cue words).
//! Offsets are Python character offsets.
use crate::chars::{ci, ci_at, is_word, islower, isspace, isupper, lower};
use crate::cues::CueWords;
use crate::education::{clause_bounds, glue_cuts};
use crate::sections::RequirementIndex;

const CLAUSE_REACH: usize = 240;
const LABEL_REACH: usize = 300;
const LABEL_HEADS: &[&str] = &[
    "qualifications",
    "requirements",
    "skills",
    "education",
    "experience",
    "have",
    "haves",
];
const LABEL_NICE: &[&str] = &[
    "desired",
    "preferred",
    "preferable",
    "nice",
    "bonus",
    "plus",
    "additional",
];
const LABEL_REQUIRED: &[&str] = &["required", "minimum", "basic", "must"];

fn contains(s: &[char], word: &str) -> bool {
    // The words here are ASCII: one char per byte, compared without allocating.
    debug_assert!(word.is_ascii() && !word.is_empty());
    let w = word.as_bytes();
    s.len() >= w.len()
        && (0..=s.len() - w.len()).any(|i| w.iter().zip(&s[i..]).all(|(&b, &c)| c == b as char))
}

fn find_from(haystack: &[char], word: &str, from: usize) -> Option<usize> {
    let w: Vec<char> = word.chars().collect();
    (from..(haystack.len() + 1).saturating_sub(w.len()))
        .find(|&i| haystack[i..i + w.len()] == w[..])
}

fn ends_with(s: &[char], suffix: &str) -> bool {
    let n = suffix.chars().count();
    n <= s.len() && s[s.len() - n..].iter().copied().eq(suffix.chars())
}

fn boundary_before(s: &[char], at: usize) -> bool {
    at == 0 || !is_word(s[at - 1])
}

fn boundary_after(s: &[char], at: usize) -> bool {
    at >= s.len() || !is_word(s[at])
}

/// `_DESIRED.search(part)`: `\b(?:is |are )?desired\b`, which is there exactly where a
/// bounded "desired" is.
fn desired(part: &[char]) -> bool {
    (0..part.len()).any(|i| {
        ci_at(part, i, part.len(), "desired")
            && boundary_before(part, i)
            && boundary_after(part, i + 7)
    })
}

/// `_PREFER.search(part)`: `(?:\b|(?<=[a-z]))(?:[Pp]refers?|PREFERS?)\b`.
fn prefer(part: &[char]) -> bool {
    (0..part.len()).any(|i| {
        let spelled = |word: &str| part[i..].iter().take(6).copied().eq(word.chars());
        let upper = spelled("PREFER");
        if !(spelled("prefer") || spelled("Prefer") || upper) {
            return false;
        }
        let before = boundary_before(part, i) || part[i - 1].is_ascii_lowercase();
        let plural = if upper { 'S' } else { 's' };
        let after = boundary_after(part, i + 6)
            || (part.get(i + 6) == Some(&plural) && boundary_after(part, i + 7));
        before && after
    })
}

/// `_REQUIRES.search(part)`: `\b(?:requires?|must (?:have|hold|possess|be))\b`.
fn requires(part: &[char]) -> bool {
    (0..part.len()).any(|i| {
        if !boundary_before(part, i) {
            return false;
        }
        if ci_at(part, i, part.len(), "require") {
            let e = i + 7;
            return boundary_after(part, e)
                || (part.get(e).is_some_and(|&c| ci(c, 's')) && boundary_after(part, e + 1));
        }
        ci_at(part, i, part.len(), "must ")
            && ["have", "hold", "possess", "be"]
                .iter()
                .any(|w| ci_at(part, i + 5, part.len(), w) && boundary_after(part, i + 5 + w.len()))
    })
}

/// `_ASIDE.sub(...)`: each "(...)" without parentheses inside and with at least two
/// whitespace characters, blanked unless it holds the mention (at `own` in `clause`).
fn blank_asides(clause: &mut [char], own: usize) {
    let mut i = 0;
    while i < clause.len() {
        if clause[i] != '(' {
            i += 1;
            continue;
        }
        let close = clause[i + 1..]
            .iter()
            .position(|&c| c == '(' || c == ')')
            .map(|k| i + 1 + k);
        match close {
            Some(j) if clause[j] == ')' => {
                let spaces = clause[i + 1..j].iter().filter(|&&c| isspace(c)).count();
                if spaces >= 2 {
                    if !(i <= own && own < j + 1) {
                        clause[i..=j].iter_mut().for_each(|c| *c = ' ');
                    }
                    i = j + 1;
                } else {
                    i += 1;
                }
            }
            _ => i += 1,
        }
    }
}

/// `_parts(clause, low, lo)`: (offset in the text, part).
fn parts(clause: &[char], low: &[char], lo: usize) -> Vec<(usize, Vec<char>)> {
    let mut cuts: Vec<(usize, usize)> = Vec::new();
    for (i, &c) in clause.iter().enumerate() {
        if c == ',' || c == ':' {
            cuts.push((i, i + 1));
        }
    }
    for cue in ["required", "preferred", "desired"] {
        // `low.find(cue, j)` from the end of the last one: no overlaps
        let mut from = 0;
        while let Some(i) = find_from(low, cue, from) {
            let j = i + cue.len();
            if j < clause.len() && isupper(clause[j]) {
                cuts.push((j, j));
            }
            from = j;
        }
    }
    cuts.sort_unstable();
    let mut out = Vec::new();
    let mut begin = 0;
    for (end, after) in cuts {
        // Python slices clamp; a cut found in the lower case may lie past the clause
        let (b, e) = (begin.min(clause.len()), end.min(clause.len()));
        out.push((lo + begin, clause[b..e.max(b)].to_vec()));
        begin = after;
    }
    let b = begin.min(clause.len());
    out.push((lo + begin, clause[b..].to_vec()));
    out
}

/// `_label_state(text, lo)`.
fn label_state(text: &[char], lo: usize) -> Option<bool> {
    let mut label: Vec<char> = Vec::new();
    if lo >= 2 && lo < text.len() && islower(text[lo - 1]) && isupper(text[lo]) {
        label = lower(&text[lo.saturating_sub(40)..lo]).chars().collect();
        if !LABEL_HEADS.iter().any(|h| ends_with(&label, h)) {
            label.clear();
        }
    }
    if label.is_empty() {
        let a = lo.saturating_sub(LABEL_REACH);
        let colon = text[a..lo].iter().rposition(|&c| c == ':').map(|k| a + k)?;
        label = lower(&text[colon.saturating_sub(40)..colon])
            .chars()
            .collect();
        while label.last().is_some_and(|&c| isspace(c)) {
            label.pop();
        }
        if !LABEL_HEADS.iter().any(|h| ends_with(&label, h)) {
            return None;
        }
    }
    if LABEL_NICE.iter().any(|w| contains(&label, w)) {
        return Some(false);
    }
    if LABEL_REQUIRED.iter().any(|w| contains(&label, w)) {
        return Some(true);
    }
    None
}

/// `Requirements` for one text: `is_nice` per mention.
pub struct Requirements<'a> {
    text: &'a [char],
    cues: &'a CueWords,
    cue_words: &'a [String],
    first_nice: usize,
    last: usize,
    index: Option<RequirementIndex<'a>>,
}

impl<'a> Requirements<'a> {
    /// `first_nice`: the first "nice" keyword of the scan (`len + 1` when none); `last`:
    /// the last end of an asked mention; `cue_words`: `scan._CUE_WORDS`.
    pub fn new(
        text: &'a [char],
        cues: &'a CueWords,
        cue_words: &'a [String],
        first_nice: usize,
        last: usize,
    ) -> Self {
        Requirements {
            text,
            cues,
            cue_words,
            first_nice,
            last,
            index: None,
        }
    }

    /// `Requirements.is_nice(start, end, bounds)`.
    pub fn is_nice(&mut self, start: usize, end: usize, bounds: Option<(usize, usize)>) -> bool {
        if self.first_nice > end + CLAUSE_REACH {
            return false;
        }
        self.state(start, end, bounds) == Some(false)
    }

    /// Whether the lower-cased clause holds a cue word. On the `String`: its `contains`
    /// is std's vectorized search, and an ASCII word is found in UTF-8 exactly where the
    /// characters hold it (its bytes occur in no other character's encoding).
    fn cued(&self, low: &str) -> bool {
        self.cue_words.iter().any(|w| low.contains(w.as_str()))
    }

    /// `Requirements.state(start, end, bounds)`.
    pub fn state(
        &mut self,
        start: usize,
        end: usize,
        bounds: Option<(usize, usize)>,
    ) -> Option<bool> {
        let text = self.text;
        let (mut lo, mut hi) = bounds.unwrap_or_else(|| clause_bounds(text, start, end));
        let mut clause: Vec<char> = text[lo..hi].to_vec();
        let mut low = lower(&clause);
        let cued = if self.cued(&low) {
            let (a, b) = (lo, hi);
            for cut in glue_cuts(&text[a..b]).into_iter().map(|c| a + c) {
                if cut <= start {
                    lo = cut;
                } else if cut >= end {
                    hi = cut;
                    break;
                }
            }
            if let Some(colon) = text[end.min(hi)..hi].iter().position(|&c| c == ':') {
                hi = end.min(hi) + colon;
            }
            if clause.len() != hi - lo {
                clause = text[lo..hi].to_vec();
                low = lower(&clause);
                self.cued(&low)
            } else {
                true
            }
        } else {
            false
        };
        if cued {
            if clause.contains(&'(') {
                blank_asides(&mut clause, start - lo);
            }
            let low: Vec<char> = low.chars().collect();
            let parts = parts(&clause, &low, lo);
            let own = parts.iter().rposition(|&(at, _)| at <= start).unwrap_or(0);
            let order = std::iter::once(own)
                .chain(own + 1..parts.len())
                .chain((0..own).rev());
            for i in order {
                let part = &parts[i].1;
                let text_part: String = part.iter().collect();
                let mut cue = self.cues.inline_state(&text_part);
                if cue.is_none() {
                    let low_part = lower(part);
                    if (low_part.contains("desired") && desired(part))
                        || (low_part.contains("prefer") && prefer(part))
                    {
                        cue = Some(false);
                    } else if (low_part.contains("requir") || low_part.contains("must"))
                        && requires(part)
                    {
                        cue = Some(true);
                    }
                }
                if cue.is_some() {
                    return cue;
                }
            }
        }
        if let Some(labelled) = label_state(text, lo) {
            return Some(labelled);
        }
        if self.index.is_none() {
            // Headings only (no cue words): every line start may be one (a superset of the
            // reference's candidate lines, which `RequirementIndex` allows).
            let lines: Vec<usize> = std::iter::once(0)
                .chain(
                    text.iter()
                        .enumerate()
                        .filter(|&(_, &c)| c == '\n')
                        .map(|(i, _)| i + 1),
                )
                .collect();
            self.index = Some(RequirementIndex::new(
                text,
                self.cues,
                Vec::new(),
                self.last,
                lines,
            ));
        }
        self.index
            .as_mut()
            .and_then(|index| index.state_at(start, end))
    }
}
