//! Text about something other than the job: the company, the recruiter, benefits and
//! perks, the application process, equal-opportunity boilerplate (the rules of
//! `stream/enrich/skills/context.py`, which stays the reference; see its docstring for why
//! they work on clauses and not on whole sections).
//!
//! `ContextRules::ranges(text)` gives the sorted, disjoint [start, end) character ranges of
//! a description that are such text; the scan drops mentions that start inside one. The
//! cue phrases are not written here: they are handed over from Python
//! (`context.CONTEXT_PATTERNS`, `JOB_CUES`), as the requirement cue words are.
//! The two heading patterns are Python IGNORECASE patterns, rebuilt with the helpers of
//! `cues` (Python's `\w` and `\b`, "i" matching "ı" and "İ").

use std::sync::LazyLock;

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};
use regex::Regex;

use crate::chars::{isalnum, islower, isspace, isupper, string_of};
use crate::cues::{bounded, py_ignorecase, WORD};
use crate::sections::{heading_state, heading_text, HEADING_BULLETS, MAX_HEADING_CHARS};
use crate::text::{ascii_replace, fold_padded};

const LOOKAROUND: usize = 240; // the section machinery's clause reach
const MAX_SECTION_LINES: usize = 30; // a context heading's section is read this far down
const HEADING_LINE_CHARS: usize = 120; // enough of a line to decide on a heading
const LABEL_CHARS: usize = 60; // an inline label's colon is at most this far

/// What `text[line_start:at].strip(...)` removes before a heading word.
const BULLETS: &str = " \t#*•·-–—>";

// The team rule's words, as `context.TEAM_*` (held equal by tests/unit/test_native_word_lists.py, and
// by the differential tests, which draw their texts from the Python lists).
/// `context.TEAM_WORKS_WITH`: a word before a team's name, and how many words back it counts.
const TEAM_WORKS_WITH: [(&str, usize); 10] = [
    ("with", 8),
    ("alongside", 8),
    ("liaise", 8),
    ("notify", 5),
    ("support", 5),
    ("supports", 5),
    ("supporting", 5),
    ("assist", 5),
    ("assists", 5),
    ("assisting", 5),
];
const TEAM_REACH: usize = 8; // `context._TEAM_REACH`: the largest reach above
/// `context.TEAM_BREAK`: a word that ends the search.
const TEAM_BREAK: [&str; 67] = [
    "build",
    "builds",
    "building",
    "lead",
    "leads",
    "leading",
    "manage",
    "manages",
    "managing",
    "develop",
    "develops",
    "developing",
    "grow",
    "growing",
    "oversee",
    "oversees",
    "overseeing",
    "supervise",
    "supervises",
    "supervising",
    "direct",
    "directing",
    "mentor",
    "mentoring",
    "coach",
    "coaching",
    "train",
    "training",
    "motivate",
    "motivating",
    "hire",
    "hiring",
    "join",
    "joining",
    "in",
    "on",
    "for",
    "of",
    "to",
    "from",
    "by",
    "at",
    "as",
    "into",
    "within",
    "across",
    "using",
    "use",
    "including",
    "like",
    "such",
    "via",
    "through",
    "about",
    "is",
    "are",
    "be",
    "was",
    "will",
    "who",
    "that",
    "which",
    "while",
    "when",
    "where",
    "if",
    "than",
];
/// `context.TEAM_TITLES`: team nouns that are a colleague's title (revision 5); one needs a
/// determiner before the name ("with the Marketing Manager") or "reports to".
const TEAM_TITLES: [&str; 10] = [
    "manager",
    "director",
    "coordinator",
    "officer",
    "supervisor",
    "managers",
    "directors",
    "coordinators",
    "officers",
    "supervisors",
];
/// `context.TEAM_REPORTS`: a word before "to" that makes the title after it a superior's.
const TEAM_REPORTS: [&str; 3] = ["reports", "report", "reporting"];
/// `context.NEGATION_WORDS` as patterns (revision 5): "no ", "without ".
const NEGATIONS: [&[u8]; 2] = [b"no ", b"without "];
/// `context.NEGATION_REACH`: how many words after the negation it negates.
const NEGATION_REACH: [(&str, usize); 2] = [("no", 3), ("without", 1)];
/// `context.NEGATION_EXCEPT`: a word after the negation that makes it no negation.
const NEGATION_EXCEPT: [&str; 9] = [
    "more",
    "less",
    "later",
    "longer",
    "matter",
    "further",
    "doubt",
    "compromising",
    "sql",
];
/// `context.ORGANIZATION_WORDS` as patterns (revision 5): nouns that end an organization's
/// name ("Birch Montessori Academy").
const ORGANIZATIONS: [&[u8]; 13] = [
    b"academy",
    b"agency",
    b"clinic",
    b"community",
    b"foundation",
    b"institute",
    b"hospital",
    b"center",
    b"centre",
    b"group",
    b"corporation",
    b"society",
    b"council",
];
const ORGANIZATION_REACH: usize = 5; // `context.ORGANIZATION_REACH`
/// `context.ORGANIZATION_JOINS`: words inside a name that are not capitalised.
const ORGANIZATION_JOINS: [&str; 3] = ["and", "of", "&"];
/// `context.TEAM_DETERMINERS`.
const TEAM_DETERMINERS: [&str; 7] = [
    "the", "our", "other", "internal", "external", "all", "their",
];
/// `context.TEAM_COORDINATORS`.
const TEAM_COORDINATORS: [&str; 2] = ["and", "or"];
/// `context.TEAM_MODIFIES`: a word after the team noun that makes it a modifier.
const TEAM_MODIFIES: [&str; 18] = [
    "activities",
    "activity",
    "building",
    "player",
    "players",
    "spirit",
    "environment",
    "culture",
    "events",
    "event",
    "outings",
    "lunches",
    "oriented",
    "atmosphere",
    "dynamics",
    "work",
    "setting",
    "settings",
];

/// `context._CONTEXT_HEADING`, matched on the whole stripped heading text.
static CONTEXT_HEADING: LazyLock<Regex> = LazyLock::new(|| {
    let alternatives = concat!(
        r"about (?:us|the company|our company|the firm|the organi[sz]ation)|who we are",
        r"|our (?:company|mission|values|culture|story|benefits|clients)|benefits?(?: package)?",
        r"|perks(?: (?:&|and) benefits)?|benefits? (?:&|and) perks|what we offer|why join us",
        r"|why work (?:for|with|at) us|how to apply|to apply|equal (?:opportunity|employment)",
        r"(?: \w+)?|eeo(?: statement)?|compensation (?:&|and) benefits",
        r"|company (?:overview|description)|(?:benefits|perks) (?:include|offered)",
    );
    let pattern = format!(
        r"(?i)\A(?:{})\z",
        py_ignorecase(alternatives).replace(r"\w", WORD)
    );
    Regex::new(&pattern).expect("context heading pattern compiles")
});
/// `context._ABOUT`: "About Acme Clinic" (a company, unless `JOB_HEADING` says otherwise).
static ABOUT: LazyLock<Regex> = LazyLock::new(|| {
    let pattern = format!(r"(?i)\A{} {WORD}", py_ignorecase("about"));
    Regex::new(&pattern).expect("about pattern compiles")
});
/// `context._JOB_HEADING`: words of a heading that starts the job's own part.
static JOB_HEADING: LazyLock<Regex> = LazyLock::new(|| {
    bounded(concat!(
        r"role|position|job|description|responsibilit\w*|requirements?|qualifications?",
        r"|duties|skills|you|your|opportunity|summary|overview|what",
    ))
});

/// The context rules, with the cue phrases handed over from Python.
pub struct ContextRules {
    /// `context.CONTEXT_PATTERNS` on the fold, leftmost-longest: phrases without their
    /// leading space, each a context cue, a label or both.
    phrases: AhoCorasick,
    kinds: Vec<(bool, bool)>,
    /// Job cues: a clause with one is never context.
    job: AhoCorasick,
}

impl ContextRules {
    pub fn new<S: AsRef<str>>(patterns: &[(S, bool, bool)], job: &[S]) -> Result<Self, String> {
        // Leftmost-longest and non-overlapping, as in `context.py`.
        let phrases = AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostLongest)
            .kind(Some(AhoCorasickKind::DFA))
            .build(patterns.iter().map(|(p, _, _)| p.as_ref()))
            .map_err(|e| format!("context patterns: {e}"))?;
        let job = AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostFirst)
            .kind(Some(AhoCorasickKind::DFA))
            .build(job.iter().map(AsRef::as_ref))
            .map_err(|e| format!("job cues: {e}"))?;
        Ok(Self {
            phrases,
            kinds: patterns
                .iter()
                .map(|&(_, cue, label)| (cue, label))
                .collect(),
            job,
        })
    }

    /// Sorted, disjoint [start, end) ranges of `text` that are not about the job.
    pub fn ranges(&self, text: &[char]) -> Vec<(usize, usize)> {
        self.ranges_folded(text, &fold_padded(&ascii_replace(text)))
    }

    /// `ranges`, given the text's `fold_padded(ascii_replace(text))`, which the skill scan
    /// has already built (a non-ASCII character folds to a space either way).
    pub fn ranges_folded(&self, text: &[char], folded: &[u8]) -> Vec<(usize, usize)> {
        let hits = self
            .phrases
            .find_iter(folded)
            .map(|hit| (hit.start(), hit.end(), hit.pattern().as_usize()));
        self.ranges_from(text, folded, hits)
    }

    /// `ranges_folded`, given every occurrence of the phrases in `folded` (start, end,
    /// phrase index, in any order, overlapping), as the skill scan's automaton finds them:
    /// the leftmost-longest ones are what the rules' own scan would find.
    pub fn ranges_overlapping(
        &self,
        text: &[char],
        folded: &[u8],
        mut hits: Vec<(usize, usize, u32)>,
    ) -> Vec<(usize, usize)> {
        // Leftmost first, then longest; a hit starting before the last one kept ends is
        // skipped (phrases are distinct, so one start and length is one phrase).
        hits.sort_unstable_by_key(|&(start, end, _)| (start, std::cmp::Reverse(end)));
        let mut last_end = 0;
        let kept = hits.into_iter().filter_map(|(start, end, phrase)| {
            if start < last_end {
                return None;
            }
            last_end = end;
            Some((start, end, phrase as usize))
        });
        self.ranges_from(text, folded, kept)
    }

    fn ranges_from(
        &self,
        text: &[char],
        folded: &[u8],
        hits: impl Iterator<Item = (usize, usize, usize)>,
    ) -> Vec<(usize, usize)> {
        if text.is_empty() {
            return Vec::new();
        }
        // Offsets in `folded` are text offsets + 1 (the leading space).
        let mut ranges = Vec::new();
        let mut last: Option<(usize, usize)> = None;
        let mut labels = Vec::new();
        for (start, hit_end, pattern) in hits {
            if folded[start - 1] != b' ' {
                continue; // inside a word: a cue starts after a space
            }
            let at = start - 1; // the text offset of the phrase's first character
            let (is_cue, is_label) = self.kinds[pattern];
            if !is_cue && !is_label {
                let phrase = &folded[start..hit_end];
                let found = if NEGATIONS.contains(&phrase) {
                    negation_range(text, at, at + phrase.len() - 1)
                } else if ORGANIZATIONS.contains(&phrase) {
                    organization_range(text, at, hit_end - 1)
                } else {
                    team_range(text, at, hit_end - 1) // a team noun, as a whole word
                };
                if let Some(range) = found {
                    ranges.push(range);
                }
                continue;
            }
            if is_label {
                labels.push((at, hit_end - 1));
            }
            if !is_cue || last.is_some_and(|(lo, hi)| lo <= at && at < hi) {
                continue; // a label only, or a second cue in the clause just judged
            }
            let (lo, hi) = clause(text, at);
            last = Some((lo, hi));
            // The cue's own words are no job cue: "submit your resume" holds " your ".
            if !self.has_job_outside(folded, lo, hi, start - 1, hit_end + 1) {
                ranges.push((lo, hi));
            }
        }
        for (at, end) in labels {
            self.labelled(text, folded, at, end, &mut ranges);
        }
        merge(ranges)
    }

    /// Whether text[lo:hi] has a job cue (one character either side for the spaces).
    fn has_job(&self, folded: &[u8], lo: usize, hi: usize) -> bool {
        self.job.is_match(&folded[lo..hi + 2])
    }

    /// `has_job`, not counting a job cue that lies within folded[skip_lo..skip_hi]
    /// (`context._job` with a skip range).
    fn has_job_outside(
        &self,
        folded: &[u8],
        lo: usize,
        hi: usize,
        skip_lo: usize,
        skip_hi: usize,
    ) -> bool {
        self.job
            .find_iter(&folded[lo..hi + 2])
            .any(|m| !(skip_lo <= lo + m.start() && lo + m.end() <= skip_hi))
    }

    /// Adds the clauses a context heading or inline label governs, if the label word at
    /// [at, end) starts one.
    fn labelled(
        &self,
        text: &[char],
        folded: &[u8],
        at: usize,
        end: usize,
        ranges: &mut Vec<(usize, usize)>,
    ) {
        let window = &text[at..(at + LABEL_CHARS).min(text.len())];
        let colon = window.iter().position(|&c| c == ':');
        // Only bullets between the line start and `at` (read backwards from `at`: a
        // flattened description is one long line).
        let before = text[..at]
            .iter()
            .rposition(|&c| !BULLETS.contains(c))
            .map_or(0, |i| i + 1);
        let at_line_start = before == 0 || text[before - 1] == '\n';
        let inline = colon.filter(|&colon| {
            !window[..colon].contains(&'\n') && is_context_heading(&window[..colon])
        });
        if let Some(colon) = inline {
            // An inline label ("... Benefits: 401k, medical, dental."): its clause.
            let lo = at + colon + 1;
            let hi = clause(text, lo).1;
            if !self.has_job(folded, lo, hi) {
                ranges.push((lo, hi));
            }
            if !at_line_start {
                return; // mid-line: only its own clause
            }
        } else if let Some(glued) = glued_end(text, at, end) {
            // Flattened descriptions glue a heading to what follows it: the clause after it.
            let hi = clause(text, glued).1;
            if !self.has_job(folded, glued, hi) {
                ranges.push((glued, hi));
            }
            return;
        } else {
            let window = &text[at..(at + HEADING_LINE_CHARS).min(text.len())];
            let line = window.split(|&c| c == '\n').next().unwrap_or(&[]);
            if !(at_line_start && is_context_heading(line)) {
                return;
            }
        }
        // A heading line: the lines below it, up to the next heading or label line.
        let Some(newline) = find(text, '\n', at) else {
            return;
        };
        let mut pos = newline + 1;
        for _ in 0..MAX_SECTION_LINES {
            if pos >= text.len() {
                break;
            }
            let end = find(text, '\n', pos).unwrap_or(text.len());
            if end > pos && !text[pos..end].iter().all(|&c| isspace(c)) {
                if ends_section(&text[pos..end.min(pos + HEADING_LINE_CHARS)]) {
                    break;
                }
                let mut clause_start = pos;
                for k in pos..end {
                    if is_mark(text[k]) && ends_clause(text, k) {
                        if !self.has_job(folded, clause_start, k) {
                            ranges.push((clause_start, k));
                        }
                        clause_start = k + 1;
                    }
                }
                if clause_start < end && !self.has_job(folded, clause_start, end) {
                    ranges.push((clause_start, end));
                }
            }
            pos = end + 1;
        }
    }
}

/// `context._word_char`.
fn word_char(c: char) -> bool {
    isalnum(c) || matches!(c, '-' | '\'' | '’')
}

/// The word text[lo..hi], lower-cased, when it is ASCII (`context._team_range` reads only
/// ASCII words against its lists); else empty.
fn ascii_word(text: &[char], lo: usize, hi: usize) -> String {
    let word = &text[lo..hi];
    if word.iter().all(char::is_ascii) {
        word.iter().map(char::to_ascii_lowercase).collect()
    } else {
        String::new()
    }
}

/// `context._team_range`: the words before the team noun at [at, end) when they name a
/// team the hire works with.
fn team_range(text: &[char], at: usize, end: usize) -> Option<(usize, usize)> {
    let title = TEAM_TITLES.contains(&ascii_word(text, at, end).as_str());
    if end < text.len() && word_char(text[end]) && !(title && glued(text, end)) {
        return None; // inside a word: "teamwork"; a title glued to a label is no word
    }
    let mut k = end;
    while k < text.len() && matches!(text[k], ' ' | '\t') {
        k += 1;
    }
    let after = k;
    while k < text.len() && word_char(text[k]) {
        k += 1;
    }
    if TEAM_MODIFIES.contains(&ascii_word(text, after, k).as_str()) {
        return None;
    }
    let mut determined = false; // a determiner was read: "with the Marketing Manager"
    let mut k = at;
    let mut start: Option<usize> = None; // set when a determiner follows a coordinator
    let mut pending: Option<usize> = None; // the start of the determiner just read
    for read in 1..=TEAM_REACH {
        let mut coordinated = false;
        while k > 0 && matches!(text[k - 1], ' ' | '\t' | ',' | '/' | '&') {
            coordinated = coordinated || !matches!(text[k - 1], ' ' | '\t');
            k -= 1;
        }
        let word_end = k;
        while k > 0 && word_char(text[k - 1]) {
            k -= 1;
        }
        if k == word_end {
            // A mark or the start of the text: the clause ends here, unless it is the
            // colon of a "Reports to:" label.
            if k > 0 && text[k - 1] == ':' && reports_to(text, k - 1) {
                return Some((start.unwrap_or(k), at));
            }
            return None;
        }
        let word = ascii_word(text, k, word_end);
        if start.is_none() && (coordinated || TEAM_COORDINATORS.contains(&word.as_str())) {
            start = pending;
        }
        if word == "to" && TEAM_REPORTS.contains(&previous_word(text, k).1.as_str()) {
            return Some((start.unwrap_or(word_end), at));
        }
        if let Some(&(_, reach)) = TEAM_WORKS_WITH.iter().find(|(w, _)| *w == word) {
            if title && !determined {
                return None;
            }
            return (read <= reach).then(|| (start.unwrap_or(word_end), at));
        }
        if TEAM_BREAK.contains(&word.as_str()) {
            return None;
        }
        pending = TEAM_DETERMINERS.contains(&word.as_str()).then_some(k);
        determined = determined || pending.is_some();
    }
    None
}

/// `context._negation_range`: the words a negation at [at, end) negates.
fn negation_range(text: &[char], at: usize, end: usize) -> Option<(usize, usize)> {
    if end >= text.len() || text[end] != ' ' {
        return None; // "no-nonsense", "no/yes": the fold made the space
    }
    if at > 0 && word_char(text[at - 1]) {
        return None; // "say-no": part of a word
    }
    let negation = ascii_word(text, at, end);
    let reach = NEGATION_REACH
        .iter()
        .find(|(w, _)| *w == negation)
        .map_or(0, |&(_, r)| r);
    let mut k = end;
    let mut hi: Option<usize> = None;
    for _ in 0..reach {
        while k < text.len() && matches!(text[k], ' ' | '\t') {
            k += 1;
        }
        let start = k;
        while k < text.len() && word_char(text[k]) {
            k += 1;
        }
        if k == start {
            break; // a mark: the clause ends
        }
        if hi.is_none() && NEGATION_EXCEPT.contains(&ascii_word(text, start, k).as_str()) {
            return None;
        }
        hi = Some(k);
    }
    hi.map(|hi| (end, hi))
}

/// `context._capitalised`: the word starts with a capital letter.
fn capitalised(c: char) -> bool {
    isupper(c)
}

/// `context._organization_range`: the capitalised words before the organization noun at
/// [at, end) when they and it name an organization.
fn organization_range(text: &[char], at: usize, end: usize) -> Option<(usize, usize)> {
    if end < text.len() && word_char(text[end]) {
        return None; // inside a word
    }
    if !capitalised(text[at]) {
        return None;
    }
    let mut k = end;
    while k < text.len() && matches!(text[k], ' ' | '\t') {
        k += 1;
    }
    if k < text.len() && capitalised(text[k]) {
        return None; // "Inbound Call Center Specialist": a title, not a name
    }
    let mut k = at;
    let mut lo: Option<usize> = None;
    let mut named = 0; // capitalised words read
    for _ in 0..ORGANIZATION_REACH {
        while k > 0 && matches!(text[k - 1], ' ' | '\t') {
            k -= 1;
        }
        let word_end = k;
        while k > 0 && (word_char(text[k - 1]) || text[k - 1] == '&') {
            k -= 1;
        }
        if k == word_end {
            break; // a mark: the name ends
        }
        if ORGANIZATION_JOINS.contains(&ascii_word(text, k, word_end).as_str()) {
            continue;
        }
        if !capitalised(text[k]) {
            break;
        }
        named += 1;
        lo = Some(k);
    }
    lo.filter(|_| named >= 2).map(|lo| (lo, at))
}

/// `context._glued`: the word after `end` is glued to the one before it
/// ("Program ManagerHours of Employment").
fn glued(text: &[char], end: usize) -> bool {
    isupper(text[end]) && islower(text[end - 1])
}

/// `context._previous_word`: the word that ends before `k` (spaces skipped), its start
/// and itself lower-cased when ASCII, else "".
fn previous_word(text: &[char], mut k: usize) -> (usize, String) {
    while k > 0 && matches!(text[k - 1], ' ' | '\t') {
        k -= 1;
    }
    let end = k;
    while k > 0 && word_char(text[k - 1]) {
        k -= 1;
    }
    (k, ascii_word(text, k, end))
}

/// `context._reports_to`: the words that end before `k` are "reports to".
fn reports_to(text: &[char], k: usize) -> bool {
    let (k, word) = previous_word(text, k);
    word == "to" && TEAM_REPORTS.contains(&previous_word(text, k).1.as_str())
}

/// `text.find(c, from)`.
fn find(text: &[char], c: char, from: usize) -> Option<usize> {
    text.get(from..)?
        .iter()
        .position(|&x| x == c)
        .map(|i| from + i)
}

/// `context._CLAUSE_MARKS`: a character that may end a clause.
fn is_mark(c: char) -> bool {
    matches!(c, '\n' | '.' | '!' | '?' | ';' | '•')
}

/// `context._ends_clause`: whether the mark at `k` ends a clause.
fn ends_clause(text: &[char], k: usize) -> bool {
    let c = text[k];
    if c == '\n' {
        return true;
    }
    let next = text.get(k + 1).copied().unwrap_or(' ');
    if !(isalnum(next) || next == '_') {
        return true;
    }
    c != ';' && c != '•' && isupper(next) && k > 0 && text[k - 1].is_ascii_lowercase()
}

/// `context._clause`: the clause around offset `at`.
fn clause(text: &[char], at: usize) -> (usize, usize) {
    let lo = at.saturating_sub(LOOKAROUND);
    // The last clause end before `at`: read backwards, it is the first one met (reading
    // the whole look-around forwards cost ~3% of the skill scan).
    let start = (lo..at)
        .rev()
        .find(|&k| is_mark(text[k]) && ends_clause(text, k))
        .map_or(lo, |k| k + 1);
    let limit = text.len().min(at + LOOKAROUND);
    let mut end = limit;
    for k in at..limit {
        if is_mark(text[k]) && ends_clause(text, k) {
            end = k;
            break;
        }
    }
    // An inline label later in the clause starts something else: the clause stops at the
    // label's first word.
    if let Some(colon) = (at..end).find(|&k| text[k] == ':') {
        end = (at..colon)
            .rev()
            .find(|&k| text[k] == ' ')
            .map_or(colon, |space| space + 1);
    }
    (start, end)
}

/// `context._glued_end`: where the text after a heading glued to it starts ("Company
/// DescriptionAcme is"), when the label word at [at, end) ends such a heading.
fn glued_end(text: &[char], at: usize, end: usize) -> Option<usize> {
    let mut k = end;
    while k < text.len() && text[k].is_ascii_lowercase() {
        k += 1;
    }
    (k < text.len()
        && text[k].is_ascii_uppercase()
        && k > at
        && text[k - 1].is_ascii_lowercase()
        && is_context_heading(&text[at..k]))
    .then_some(k)
}

/// `context._is_context_heading`.
fn is_context_heading(line: &[char]) -> bool {
    let line = string_of(line);
    let Some(head) = heading_text(&line) else {
        return false;
    };
    let head = head.trim_matches(isspace);
    // "About Acme Clinic" is about the company; "About the role", "About you" are not.
    CONTEXT_HEADING.is_match(head) || (ABOUT.is_match(head) && !JOB_HEADING.is_match(head))
}

/// `context._ends_section`: a line under a context heading that starts another section.
fn ends_section(line: &[char]) -> bool {
    // Most lines under a context heading are longer than a heading can be and have no
    // colon: neither a heading nor a label line (`heading_text` gives None), so the
    // regexes are skipped for them.
    if !line.contains(&':') {
        let body = line
            .iter()
            .position(|&c| !(isspace(c) || HEADING_BULLETS.contains(c)))
            .map_or(&line[..0], |i| &line[i..]);
        let stripped_len = body.iter().rposition(|&c| !isspace(c)).map_or(0, |i| i + 1);
        if stripped_len > MAX_HEADING_CHARS {
            return false;
        }
    }
    let line = string_of(line);
    let stripped = line.trim_matches(isspace);
    if heading_state(&line).0
        || (stripped.ends_with(':')
            && stripped.split(isspace).filter(|w| !w.is_empty()).count() <= 6)
    {
        return true;
    }
    heading_text(&line).is_some_and(|head| JOB_HEADING.is_match(head))
}

/// `context._merge`: sorted, empty ranges dropped, overlapping or touching ones joined.
fn merge(mut ranges: Vec<(usize, usize)>) -> Vec<(usize, usize)> {
    ranges.sort_unstable();
    let mut merged: Vec<(usize, usize)> = Vec::with_capacity(ranges.len());
    for (lo, hi) in ranges {
        if hi <= lo {
            continue;
        }
        match merged.last_mut() {
            Some(last) if lo <= last.1 => last.1 = last.1.max(hi),
            _ => merged.push((lo, hi)),
        }
    }
    merged
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::{ascii_replace, fold_padded};

    /// Every occurrence of every phrase in `folded`, in no particular order, as the skill
    /// scan's automaton reports them.
    fn overlapping(phrases: &[&str], folded: &[u8]) -> Vec<(usize, usize, u32)> {
        let mut hits = Vec::new();
        for (i, phrase) in phrases.iter().enumerate().rev() {
            let p = phrase.as_bytes();
            for start in 0..folded.len() {
                if folded[start..].starts_with(p) {
                    hits.push((start, start + p.len(), i as u32));
                }
            }
        }
        hits
    }

    #[test]
    fn overlapping_hits_give_the_ranges_of_the_rules_own_scan() {
        // Phrases that overlap and nest, so that leftmost-longest matters.
        let patterns: Vec<(&str, bool, bool)> = vec![
            ("benefits", true, true),
            ("benefits include", true, false),
            ("our company", true, false),
            ("company ", true, false),
            ("about us", true, true),
            ("team", false, false),
            ("no ", false, false),
            ("without ", false, false),
            ("clinic", false, false),
            ("apply", true, false),
            ("how to apply", false, true),
        ];
        let job = vec!["you will", "responsibilities", "your "];
        let rules = ContextRules::new(&patterns, &job).unwrap();
        let phrases: Vec<&str> = patterns.iter().map(|(p, _, _)| *p).collect();
        for text in [
            "About us\nWe are a clinic. Benefits include dental and Python.\nYou will use SQL.",
            "Our company team uses Kafka with the Marketing team; no SQL needed. How to apply: send.",
            "benefitsbenefits include our companycompany team without Python, apply now",
            "Responsibilities: Python. Benefits: 401k. Work with the data team on Spark.",
            "",
        ] {
            let chars: Vec<char> = text.chars().collect();
            let folded = fold_padded(&ascii_replace(&chars));
            let expected = rules.ranges_folded(&chars, &folded);
            let got = rules.ranges_overlapping(&chars, &folded, overlapping(&phrases, &folded));
            assert_eq!(got, expected, "{text:?}");
        }
        let chars: Vec<char> = "Benefits: dental. About us: a clinic.".chars().collect();
        assert!(!rules.ranges(&chars).is_empty()); // the cases do exercise the rules
    }
}
