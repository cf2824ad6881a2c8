//! The education mentions of the terms step (`stream/enrich/terms/education.py`'s
//! `level_mentions`, which stays the reference): the level each education keyword of the
//! scan names, where its phrase ends, its clause and whether that clause only speaks of
//! studying or of a benefit. Which mention decides (the lowest required level) stays in
//! Python, which also asks whether a mention is only nice to have.
//!
//! The reference's patterns are matched at the keyword, so each is an anchored regex here
//! on a window of the text starting there, with Python's IGNORECASE (`py_ignorecase`).
//! The regex crate's `\b` differs from Python's next to a few non-ASCII characters
//! (combining marks, other numbers such as "²", connector punctuation): where a window
//! holds one, `mentions` answers None and the caller asks the reference.
use std::sync::LazyLock;

use regex::Regex;

use crate::chars::{
    is_word, isalnum, isalpha, isdigit, islower, isspace, isupper, lower, str_islower,
};
use crate::cues::py_ignorecase;

/// One mention: (start, end of its phrase, level, clause start, clause end, its clause
/// speaks of studying or a benefit).
pub type Mention = (usize, usize, &'static str, usize, usize, bool);

const WINDOW: usize = 100;
const AP: &str = "['’\u{92}]?";
const PHD_POST: &[&str] = &[
    "stipend",
    "student",
    "position",
    "fellowship",
    "candidate",
    "candidacy",
    "supervision",
    "scholarship",
    "project",
    "program",
    "studies",
    "thesis",
    "researcher",
];

fn anchored(pattern: &str) -> Regex {
    Regex::new(&format!("(?i)^(?:{})", py_ignorecase(pattern))).expect("education pattern")
}

struct AtPattern {
    regex: Regex,
    level: &'static str,
}

static AT: LazyLock<Vec<(&'static str, AtPattern)>> = LazyLock::new(|| {
    let bachelor_abbr = r"b\.?[sa]\.? ?(?:/|or) ?[bm]\.?[sa]\b|b\.[sa]\.|bs (?:degree|in)\b|ba (?:degree|in)\b|b\.?sc\b|bsn\b";
    let master_abbr = r"m\.s\.|ms (?:degree|in)\b|ms ?(?:/|or) ?ph|m\.?sc\b|msn\b|msw\b";
    let mut rows: Vec<(&'static str, String, &'static str)> = vec![
        ("bachelor", "bachelor".into(), "bachelor"),
        (
            "master",
            format!(r"master{AP}s?{AP}(?: ?(?:degree|of|in|level)\b| ?(?:/|or|and) ?(?:ph|doct))"),
            "master",
        ),
        ("mba", r"mba\b".into(), "master"),
        ("doctor", r"doctora(?:te|l)|doctor of".into(), "doctorate"),
        ("ged", r"ged\b".into(), "secondary"),
        (
            "high school",
            format!(
                r"high[- ]school(?:{AP}s)? (?:diploma|degree|education|graduate|equivalen)|high[- ]school(?: diploma)? ?(?:/|or) ?(?:ged|equivalen)"
            ),
            "secondary",
        ),
        (
            "associate",
            format!(r"associate{AP}s?{AP} (?:degree|of (?:arts|science|applied))"),
            "associate",
        ),
        (
            "vocational",
            r"vocational (?:school|training|degree|diploma|certificate|qualification|education)"
                .into(),
            "vocational",
        ),
        ("trade school", "trade school".into(), "vocational"),
        ("technical school", "technical school".into(), "vocational"),
        ("abitur", "(?:fach)?abitur".into(), "secondary"),
        ("gcse", r"gcses?\b".into(), "secondary"),
        ("a-level", r"a-levels?\b".into(), "secondary"),
        ("a level", r"a levels?\b".into(), "secondary"),
        (
            "hochschul",
            "(?:fach)?hochschul(?:abschluss|studium|degree)".into(),
            "bachelor",
        ),
        ("no formal education", "no formal education".into(), "none"),
        (
            "no education",
            "no education(?:al)? (?:required|requirements?|necessary|needed)".into(),
            "none",
        ),
        ("pharmd", r"pharmd\b".into(), "doctorate"),
        ("pharm.d", r"pharm\.d\b".into(), "doctorate"),
        ("j.d.", r"j\.d\.".into(), "doctorate"),
        ("jd ", r"jd\b".into(), "doctorate"),
        ("juris", "juris doctor".into(), "doctorate"),
        ("dvm", r"dvm\b".into(), "doctorate"),
        ("dds", r"dds\b".into(), "doctorate"),
        ("psyd", r"psyd\b".into(), "doctorate"),
        ("m.d.", r"m\.d\.".into(), "doctorate"),
        ("md/", r"md ?/ ?do\b".into(), "doctorate"),
        ("md or", r"md or do\b".into(), "doctorate"),
    ];
    for word in [
        "b.s.", "b.a.", "bs ", "ba ", "bs/", "ba/", "bsc", "b.sc", "bsn",
    ] {
        rows.push((word, bachelor_abbr.into(), "bachelor"));
    }
    for word in ["b.s ", "b.a "] {
        rows.push((word, r"b\.[sa] (?:in|degree)\b".into(), "bachelor"));
    }
    for word in ["m.s.", "ms ", "ms/", "msc", "m.sc", "msn", "msw"] {
        rows.push((word, master_abbr.into(), "master"));
    }
    rows.into_iter()
        .map(|(word, pattern, level)| {
            (
                word,
                AtPattern {
                    regex: anchored(&pattern),
                    level,
                },
            )
        })
        .collect()
});

static NONE_AFTER: LazyLock<Regex> = LazyLock::new(|| {
    anchored(r"s?(?: is| are)? (?:not )?(?:required|necessary|needed)|s?,? no problem")
});
static NOT_AFTER: LazyLock<Regex> =
    LazyLock::new(|| anchored(r"s? (?:is |are )?not (?:required|necessary|needed)"));
static IN_AFTER: LazyLock<Regex> = LazyLock::new(|| anchored(r" (?:in|from)\b"));
static RUST_WORD: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\A\w\z").expect("word"));

const BEFORE_DEGREE: &[(&str, &str)] = &[
    ("college", "bachelor"),
    ("university", "bachelor"),
    ("undergraduate", "bachelor"),
    ("academic", "bachelor"),
    ("4-year", "bachelor"),
    ("four-year", "bachelor"),
    ("bs", "bachelor"),
    ("ba", "bachelor"),
    ("b.s.", "bachelor"),
    ("b.a.", "bachelor"),
    ("bachelor", "bachelor"),
    ("bachelors", "bachelor"),
    ("bachelor's", "bachelor"),
    ("bachelors'", "bachelor"),
    ("graduate", "master"),
    ("advanced", "master"),
    ("post-graduate", "master"),
    ("postgraduate", "master"),
    ("ms", "master"),
    ("m.s.", "master"),
    ("masters", "master"),
    ("associate", "associate"),
    ("associates", "associate"),
    ("associate's", "associate"),
    ("2-year", "associate"),
    ("two-year", "associate"),
    ("aa", "associate"),
    ("as", "associate"),
    ("vocational", "vocational"),
    ("technical", "vocational"),
    ("doctoral", "doctorate"),
    ("doctorate", "doctorate"),
    ("phd", "doctorate"),
];
const YEARS_BEFORE_DEGREE: &[(&str, &str)] = &[
    ("4", "bachelor"),
    ("four", "bachelor"),
    ("2", "associate"),
    ("two", "associate"),
];
const TRIM: &[char] = &[
    ' ', '\t', '\n', ',', ';', ':', '(', ')', '[', ']', '"', '\'', '’', '\u{92}', '*', '•', '·',
    '–', '—', '-',
];
const FUNCTION_WORDS: &[&str] = &[
    "a", "an", "the", "or", "and", "with", "from", "for", "any", "relevant", "related", "have",
    "hold", "in", "of", "to",
];
const BEFORE_MASTERS: &[&str] = &[
    "a",
    "an",
    "the",
    "or",
    "and",
    "with",
    "have",
    "has",
    "hold",
    "holds",
    "possess",
    "possesses",
    "require",
    "requires",
    "required",
    "preferred",
    "minimum",
    "relevant",
    "related",
    "completed",
    "earned",
    "your",
    "their",
    "plus",
    "any",
    "of",
    "in",
    "advanced",
    "graduate",
    "bachelors",
    "bachelor's",
    "bachelor",
    "s",
    "at",
];
const NOT_A_REQUIREMENT: &[&str] = &[
    "pursu",
    "enrolled",
    "working toward",
    "candidate for",
    "tuition",
    "reimburs",
    "scholarship",
    "we offer",
    "student loan",
];
const CLAUSE_CHARS: &[char] = &['.', '!', '?', ';', '•', '\n'];
const CLAUSE_REACH: usize = 240;

fn lookup(table: &[(&str, &'static str)], key: &str) -> Option<&'static str> {
    table.iter().find(|(k, _)| *k == key).map(|&(_, v)| v)
}

/// The window `text[at : at + WINDOW]` as a string, or Err when the regex crate's `\w`
/// and Python's differ on one of its characters (or on the one before).
fn window(text: &[char], at: usize) -> Result<String, ()> {
    let hi = text.len().min(at + WINDOW);
    let lo = at.saturating_sub(1);
    let mut buf = [0u8; 4];
    for &c in &text[lo..hi] {
        if !c.is_ascii() && RUST_WORD.is_match(c.encode_utf8(&mut buf)) != is_word(c) {
            return Err(());
        }
    }
    Ok(text[at.min(hi)..hi].iter().collect())
}

/// The end (in characters from `at`) of `regex` matched at `at`.
fn match_at(regex: &Regex, text: &[char], at: usize) -> Result<Option<usize>, ()> {
    let window = window(text, at)?;
    Ok(regex
        .find(&window)
        .map(|m| window[..m.end()].chars().count()))
}

/// `scan.starts_word`.
pub fn starts_word(text: &[char], start: usize) -> bool {
    if start == 0 {
        return true;
    }
    let before = text[start - 1];
    if !isalnum(before) {
        return true;
    }
    let first = text[start];
    if isupper(first) && isupper(before) {
        return start + 1 < text.len() && islower(text[start + 1]);
    }
    (isupper(first) && islower(before)) || (isdigit(first) && isalpha(before))
}

/// `scan._inside_word`.
fn inside_word(text: &[char], i: usize) -> bool {
    if i + 1 >= text.len() || !isalnum(text[i + 1]) {
        return false;
    }
    !(text[i] == '.' && i > 0 && islower(text[i - 1]) && isupper(text[i + 1]))
}

fn ends_clause(text: &[char], i: usize) -> bool {
    CLAUSE_CHARS.contains(&text[i]) && (text[i] == '\n' || !inside_word(text, i))
}

/// `scan.clause_bounds`.
pub fn clause_bounds(text: &[char], start: usize, end: usize) -> (usize, usize) {
    let lo = start.saturating_sub(CLAUSE_REACH);
    let first = (lo..start)
        .rev()
        .find(|&i| ends_clause(text, i))
        .map_or(lo, |i| i + 1);
    let limit = text.len().min(end + CLAUSE_REACH);
    let last = (end..limit)
        .find(|&i| ends_clause(text, i))
        .unwrap_or(limit);
    (first, last)
}

/// `scan.glue_cuts` on characters: where a lower-case word runs into a capitalized word
/// or a digit.
pub fn glue_cuts(text: &[char]) -> Vec<usize> {
    let class = |c: char| match c {
        'a'..='z' => b'a',
        'A'..='Z' => b'A',
        '0'..='9' => b'0',
        _ => b' ',
    };
    let classes: Vec<u8> = text.iter().map(|&c| class(c)).collect();
    let mut cuts = Vec::new();
    for i in 1..classes.len().saturating_sub(1) {
        if classes[i - 1] != b'a' || classes[i] != b'a' {
            continue;
        }
        let next = classes[i + 1];
        if (next == b'A' && classes.get(i + 2) == Some(&b'a')) || next == b'0' {
            cuts.push(i + 1);
        }
    }
    cuts
}

fn python_split(s: &[char]) -> Vec<&[char]> {
    s.split(|&c| isspace(c)).filter(|w| !w.is_empty()).collect()
}

fn string(s: &[char]) -> String {
    s.iter().collect()
}

/// `_line_lost_before`.
fn line_lost_before(lead: &[char]) -> bool {
    let words = python_split(lead);
    let last = words.last().copied().unwrap_or(&[]);
    last.len() >= 3
        && last.iter().all(|&c| isalpha(c))
        && str_islower(last)
        && !FUNCTION_WORDS.contains(&string(last).as_str())
}

/// `_degree_level`.
fn degree_level(
    text: &[char],
    start: usize,
    end: usize,
    word: &str,
) -> Result<Option<&'static str>, ()> {
    let a = start.saturating_sub(30);
    let cut = text[a..start]
        .iter()
        .rposition(|c| ".;:!?\n•".contains(*c))
        .map_or(a, |i| a + i + 1);
    let mut lead: &[char] = &text[cut..start];
    if start < text.len()
        && isupper(text[start])
        && ((lead.last().is_some_and(|&c| c != ' ')) || line_lost_before(lead))
    {
        lead = &[];
    }
    let tail = if lead.len() > 2 { &lead[2..] } else { &[][..] };
    if lower(tail) != string(tail) {
        let cuts = glue_cuts(lead);
        if let Some(&last) = cuts.last() {
            let rest = &lead[last..];
            let kept = rest.iter().rposition(|&c| !isspace(c)).map_or(0, |i| i + 1);
            if !rest[..kept].contains(&' ') {
                lead = rest;
            }
        }
    }
    let mut before: Vec<String> = python_split(lead)
        .into_iter()
        .map(|w| {
            let a = w.iter().position(|c| !TRIM.contains(c)).unwrap_or(w.len());
            let b = w
                .iter()
                .rposition(|c| !TRIM.contains(c))
                .map_or(a, |b| b + 1);
            lower(&w[a..b.max(a)]).replace(['’', '\u{92}'], "'")
        })
        .filter(|w| !w.is_empty())
        .collect();
    if before.len() > 3 {
        before.drain(..before.len() - 3);
    }
    let says_no = before.iter().any(|w| w == "no" || w == "without");
    if match_at(&NOT_AFTER, text, end)?.is_some()
        || (says_no && match_at(&NONE_AFTER, text, end)?.is_some())
    {
        return Ok(Some("none"));
    }
    let prev = before.last().map_or("", String::as_str);
    let n = before.len();
    if (prev == "school" && n >= 2 && before[n - 2] == "high") || prev == "high-school" {
        return Ok(Some("secondary"));
    }
    if prev == "year" && n >= 2 {
        if let Some(level) = lookup(YEARS_BEFORE_DEGREE, &before[n - 2]) {
            return Ok(Some(level));
        }
    }
    let mut level = lookup(BEFORE_DEGREE, prev);
    if level.is_none() {
        if let Some(stem) = prev.strip_suffix("'s") {
            level = lookup(BEFORE_DEGREE, stem);
        }
    }
    if level.is_some() {
        return Ok(level);
    }
    if word == "degree"
        && ["", "a", "any", "relevant", "related"].contains(&prev)
        && match_at(&IN_AFTER, text, end)?.is_some()
    {
        return Ok(Some("bachelor"));
    }
    Ok(None)
}

/// `_word_bounds`.
fn word_bounds(text: &[char], start: usize, end: usize) -> (usize, usize) {
    let mut lo = start;
    while lo > 0 && start - lo < 30 && isalpha(text[lo - 1]) {
        lo -= 1;
    }
    let mut hi = end;
    while hi < text.len() && hi - end < 30 && isalpha(text[hi]) {
        hi += 1;
    }
    (lo, hi)
}

/// `_people_before`.
fn people_before(text: &[char], start: usize) -> bool {
    let words = python_split(&text[start.saturating_sub(20)..start]);
    let Some(prev) = words.last() else {
        return false;
    };
    prev.iter().all(|&c| isalpha(c))
        && str_islower(prev)
        && !BEFORE_MASTERS.contains(&string(prev).as_str())
}

/// Whether `text[at:]` starts with " " and a PhD-post word (`_PHD_POST`, plural "s"
/// allowed but on "studies", then Python's `\b`).
fn phd_post(text: &[char], at: usize) -> bool {
    if text.get(at) != Some(&' ') {
        return false;
    }
    let p = at + 1;
    let ci = |i: usize, c: char| {
        text.get(i).is_some_and(|&t| {
            if t.is_ascii() {
                t.to_ascii_lowercase() == c
            } else {
                (c == 'i' && (t == 'ı' || t == 'İ')) || (c == 's' && t == 'ſ')
            }
        })
    };
    let bound = |i: usize| text.get(i).is_none_or(|&c| !is_word(c));
    PHD_POST.iter().any(|w| {
        let n = w.len();
        if !w.chars().enumerate().all(|(k, c)| ci(p + k, c)) {
            return false;
        }
        if *w == "program" {
            // "programm?e?s?": each letter taken when there (a shorter take would leave a
            // word character before the boundary)
            let mut e = p + n;
            for c in ['m', 'e', 's'] {
                if ci(e, c) {
                    e += 1;
                }
            }
            return bound(e);
        }
        let plural = *w != "studies" && *w != "thesis" && *w != "candidacy" && *w != "supervision";
        (plural && ci(p + n, 's') && bound(p + n + 1)) || bound(p + n)
    })
}

/// `level_at`: the level a keyword names and where its phrase ends.
fn level_at(
    text: &[char],
    start: usize,
    end: usize,
    word: &str,
) -> Result<Option<(&'static str, usize)>, ()> {
    if word == "degree" || word == "diploma" {
        return Ok(degree_level(text, start, end, word)?.map(|level| (level, end)));
    }
    if word == "ausbildung" || word == "studium" || word == "diplom" {
        let (lo, hi) = word_bounds(text, start, end);
        let whole = lower(&text[lo..hi]);
        let before = lower(&text[lo.saturating_sub(30)..lo]);
        let done = before.contains("abgeschlossen") || before.contains("erfolgreich");
        if word == "ausbildung" && (done || whole == "berufsausbildung") {
            return Ok(Some(("vocational", hi)));
        }
        if word == "studium" && (done || whole != "studium") {
            return Ok(Some(("bachelor", hi)));
        }
        if word == "diplom" && whole == "diplom" {
            return Ok(Some(("master", hi)));
        }
        return Ok(None);
    }
    if !starts_word(text, start) {
        return Ok(None);
    }
    if word == "phd" || word == "ph.d" {
        // "phd\b(?! post)", "ph\.d\b\.?(?! post)": no regex lookahead in the regex crate
        let body = if word == "phd" { "phd" } else { "ph.d" };
        let n = body.len();
        let letters = body.chars().enumerate().all(|(k, c)| {
            text.get(start + k).is_some_and(|&t| {
                if c == '.' {
                    t == '.'
                } else {
                    (t.is_ascii() && t.to_ascii_lowercase() == c) || (c == 's' && t == 'ſ')
                }
            })
        });
        let e = start + n;
        if !letters || text.get(e).is_some_and(|&c| is_word(c)) {
            return Ok(None);
        }
        if word == "ph.d" && text.get(e) == Some(&'.') && !phd_post(text, e + 1) {
            return Ok(Some(("doctorate", e + 1)));
        }
        if phd_post(text, e) {
            return Ok(None);
        }
        return Ok(Some(("doctorate", e)));
    }
    let Some((_, pattern)) = AT.iter().find(|(w, _)| *w == word) else {
        return Ok(None);
    };
    let Some(length) = match_at(&pattern.regex, text, start)? else {
        return Ok(None);
    };
    if word == "master"
        && text.get(start + 6).is_some_and(|&c| c == 's' || c == 'S')
        && people_before(text, start)
    {
        return Ok(None);
    }
    Ok(Some((pattern.level, start + length)))
}

/// `level_mentions(text, hits)`: `hits` the education hits (start, end, keyword) in scan
/// order. None: ask the reference.
pub fn mentions(text: &[char], hits: &[(usize, usize, &str)]) -> Option<Vec<Mention>> {
    let mut found = Vec::new();
    let mut seen_end = 0;
    for &(start, end, word) in hits {
        if start < seen_end {
            continue;
        }
        let Some((level, phrase_end)) = level_at(text, start, end, word).ok()? else {
            continue;
        };
        seen_end = phrase_end;
        let (lo, hi) = clause_bounds(text, start, end);
        let clause = lower(&text[lo..hi]);
        let excluded = NOT_A_REQUIREMENT.iter().any(|w| clause.contains(w));
        found.push((start, end, level, lo, hi, excluded));
    }
    Some(found)
}

const LEVELS: &[&str] = &[
    "none",
    "secondary",
    "vocational",
    "associate",
    "bachelor",
    "master",
    "doctorate",
];

fn rank(level: &str) -> usize {
    LEVELS.iter().position(|l| *l == level).unwrap_or(0)
}

/// `education_level(text, hits, requirements, found)`: the lowest required level.
pub fn decide(
    found: &[Mention],
    requirements: &mut crate::requirement::Requirements<'_>,
) -> Option<&'static str> {
    let mut best: Option<&'static str> = None;
    for &(start, end, level, lo, hi, excluded) in found {
        if best.is_some_and(|b| rank(level) >= rank(b)) || excluded {
            continue;
        }
        if level != "none" && requirements.is_nice(start, end, Some((lo, hi))) {
            continue;
        }
        best = Some(level);
    }
    best
}

/// Compiles the patterns now (the scanner's construction) rather than on the first
/// posting that needs them.
pub fn compile() {
    LazyLock::force(&AT);
    LazyLock::force(&NONE_AFTER);
    LazyLock::force(&NOT_AFTER);
    LazyLock::force(&IN_AFTER);
    LazyLock::force(&RUST_WORD);
}
