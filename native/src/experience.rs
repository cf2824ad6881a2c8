//! The experience mentions of the terms step (`stream/enrich/terms/experience.py`'s
//! `mentions`, which stays the reference): the years a description asks for, read at the
//! hits of the terms scan. Offsets are Python character offsets (`text` is one `char` per
//! Python character).
//!
//! The reference's few regexes are matched by hand here, with Python's meaning: `\w` and
//! `\s` are `chars::is_word` and `chars::isspace`, `re.IGNORECASE` lets a pattern's "i"
//! match "ı" and "İ", its "s" match "ſ" and its "k" the Kelvin sign (`ci`), and a pattern
//! matched with an end position sees that position as the end of the text. Where the
//! reference would read a number outside ASCII digits (`float("٣")`, `float("²")`) or
//! round a fraction of months, `mentions` answers `None` and the caller asks the
//! reference: exact, and never seen in the postings.
use crate::chars::{ci, ci_at, is_word, isalpha, isdigit, isspace, lower};

/// One mention: (start, end, min, max).
pub type Mention = (usize, usize, f64, Option<f64>);

const NUMBER_WORDS: &[(&str, u32)] = &[
    ("one", 1),
    ("two", 2),
    ("three", 3),
    ("four", 4),
    ("five", 5),
    ("six", 6),
    ("seven", 7),
    ("eight", 8),
    ("nine", 9),
    ("ten", 10),
    ("eleven", 11),
    ("twelve", 12),
    ("fifteen", 15),
    ("twenty", 20),
    ("zwei", 2),
    ("drei", 3),
    ("vier", 4),
    ("sechs", 6),
    ("zehn", 10),
];
const NUMBER_ENDINGS_EXTRA: &[&str] = &["or more", "plus", "full"];
const MAX_YEARS: f64 = 25.0;
const NOT_BEFORE_DIGITS: &str = "0123456789.$,";
const RANGE_CHARS: &str = "-–—+0123456789.$,";
const RANGE_SEPARATORS: &[&str] = &["-", "–", "—", " to", " or", " bis"];
const EXPERIENCE_STEMS: &[&str] = &["exp", "background", "erfahrung"];
const STOP_WORDS: &[&str] = &[
    "our", "we", "ago", "age", "old", "history", "warranty", "lease",
];
const EXPERIENCE_WORDS: &[&str] = &[
    "experience",
    "exp",
    "expertise",
    "berufserfahrung",
    "erfahrung",
    "background",
];
const ROLE_WORDS: &[&str] = &[
    "role",
    "position",
    "field",
    "industry",
    "capacity",
    "environment",
    "setting",
];
const NOT_DEMANDED_WORDS: &[&str] = &[
    "age",
    "old",
    "college",
    "university",
    "school",
    "study",
    "studies",
    "coursework",
    "education",
    "post-secondary",
    "undergraduate",
    "graduate",
    "service",
];
const LEAD_REACH: usize = 90;
const DEMAND_BEFORE: &[&str] = &[
    "must have ",
    "must have at least ",
    "minimum of ",
    "minimum ",
    "at least ",
    "requires ",
    "requires at least ",
    "require ",
    "need ",
    "needs ",
];
const SCHOOLING: &[&str] = &[
    "enrolled",
    "program",
    "college",
    "university",
    "school",
    "student",
    "degree",
];
const FACT_WORDS: &[&str] = &[
    " we've ",
    " we have ",
    " we bring ",
    " we are proud ",
    " our ",
    "founded",
    "established",
    " since ",
    "company",
    " firm ",
    "history",
    "anniversary",
    "serving",
    "served",
    " after ",
    " vest",
];
const DEADLINE_BEFORE: &[&str] = &[
    "within ",
    "within the first ",
    "within the next ",
    "within first ",
];
const CLAUSE_ENDS: &[char] = &['.', '!', '?', ';', '\n', '•'];

/// Python's `\b` at `at` after a word character, the text ending at `end`.
fn ends_word(text: &[char], at: usize, end: usize) -> bool {
    at >= end || !is_word(text[at])
}

fn ends_with(s: &[char], suffix: &str) -> bool {
    let n = suffix.chars().count();
    n <= s.len() && s[s.len() - n..].iter().copied().eq(suffix.chars())
}

fn contains(s: &[char], word: &str) -> bool {
    // The words here are ASCII: one char per byte, compared without allocating.
    debug_assert!(word.is_ascii() && !word.is_empty());
    let w = word.as_bytes();
    s.len() >= w.len()
        && (0..=s.len() - w.len()).any(|i| w.iter().zip(&s[i..]).all(|(&b, &c)| c == b as char))
}

/// `text[a:b].lower()` as characters.
fn lowered(text: &[char], a: usize, b: usize) -> Vec<char> {
    lower(&text[a..b]).chars().collect()
}

/// Whether `text[a:end].lower()` ends with the ASCII `suffix` (no "k", "i" at its end or
/// other letter whose lower case another character also gives), looking at no more than
/// the `window` characters before `end` nor before `lo`.
fn lower_ends_with(text: &[char], lo: usize, end: usize, window: usize, suffix: &str) -> bool {
    let a = lo.max(end.saturating_sub(window));
    let n = suffix.chars().count();
    end - a >= n
        && suffix.chars().zip(&text[end - n..end]).all(|(p, &c)| {
            if p.is_ascii_alphabetic() {
                c.is_ascii() && c.to_ascii_lowercase() == p
            } else {
                c == p
            }
        })
}

/// `_clause_lead`: up to `reach` characters before `at`, from the last clause end on,
/// lower-cased.
fn clause_lead(text: &[char], at: usize, reach: usize) -> Vec<char> {
    let a = at.saturating_sub(reach);
    let cut = text[a..at]
        .iter()
        .rposition(|c| CLAUSE_ENDS.contains(c))
        .map_or(a, |i| a + i + 1);
    lowered(text, cut, at)
}

/// `_skip_back`: `end` moved back over spaces and one of `suffixes`, then spaces.
fn skip_back(text: &[char], mut end: usize, lo: usize, suffixes: &[&str]) -> usize {
    while end > lo && text[end - 1] == ' ' {
        end -= 1;
    }
    for suffix in suffixes {
        if lower_ends_with(text, lo, end, 8, suffix) {
            end -= suffix.chars().count();
            while end > lo && text[end - 1] == ' ' {
                end -= 1;
            }
            break;
        }
    }
    end
}

/// Err: the reference would parse digits outside ASCII (ask it instead).
type Exact<T> = Result<T, ()>;

/// `_take_number`: the number ending at `end` and where it starts.
fn take_number(text: &[char], end: usize, lo: usize) -> Exact<Option<(f64, usize)>> {
    let mut i = end;
    while i > lo && (isdigit(text[i - 1]) || text[i - 1] == '.') {
        i -= 1;
    }
    if i < end {
        let run = &text[i..end];
        let a = run.iter().position(|&c| c != '.');
        let Some(a) = a else { return Ok(None) };
        let b = run.iter().rposition(|&c| c != '.').unwrap_or(a) + 1;
        let digits = &run[a..b];
        if digits.len() > 5 || (i > 0 && NOT_BEFORE_DIGITS.contains(text[i - 1])) {
            return Ok(None);
        }
        if digits.iter().any(|c| !c.is_ascii()) {
            return Err(());
        }
        let s: String = digits.iter().collect();
        return Ok(s.parse::<f64>().ok().map(|v| (v, i)));
    }
    while i > lo && isalpha(text[i - 1]) {
        i -= 1;
    }
    if text[i..end].iter().any(|c| !c.is_ascii()) {
        return Ok(None); // no number word lower-cases from a non-ASCII letter
    }
    let word: String = text[i..end]
        .iter()
        .map(|c| c.to_ascii_lowercase())
        .collect();
    Ok(NUMBER_WORDS
        .iter()
        .find(|(w, _)| *w == word)
        .map(|&(_, v)| (f64::from(v), i)))
}

/// `number_before`: (start, first number, second number of a range).
fn number_before(text: &[char], unit: usize) -> Exact<Option<(usize, f64, Option<f64>)>> {
    let lo = unit.saturating_sub(30);
    let mut end = unit;
    while end > lo && text[end - 1] == ' ' {
        end -= 1;
    }
    if end > lo && text[end - 1] == '+' {
        end -= 1;
        while end > lo && text[end - 1] == ' ' {
            end -= 1;
        }
    }
    let mut i = end;
    while i > lo && isdigit(text[i - 1]) {
        i -= 1;
    }
    // `text[i - 2 : i - 1] not in _RANGE_CHARS`: at i == 1 the slice is "", which is in.
    if end - i > 0
        && end - i <= 2
        && i > lo
        && text[i - 1] == ' '
        && i >= 2
        && !RANGE_CHARS.contains(text[i - 2])
    {
        let before = lowered(text, lo.max(i.saturating_sub(4)), i - 1);
        let ranged = [" to", " or", "bis", "-", "–", "—", "+", "plus"]
            .iter()
            .any(|s| ends_with(&before, s));
        if !ranged {
            if text[i..end].iter().any(|c| !c.is_ascii()) {
                return Err(());
            }
            let s: String = text[i..end].iter().collect();
            return Ok(Some((i, s.parse::<f64>().map_err(|_| ())?, None)));
        }
    }
    let mut end = skip_back(text, unit, lo, &["or more", "full"]);
    end = skip_back(text, end, lo, &["+", "plus", "(+)"]);
    if end > lo && text[end - 1] == ')' {
        let k = text[lo..end]
            .iter()
            .rposition(|&c| c == '(')
            .map(|k| lo + k);
        let inner: &[char] = match k {
            Some(k) => {
                let s = &text[k + 1..end - 1];
                let a = s.iter().position(|&c| !isspace(c)).unwrap_or(s.len());
                let b = s.iter().rposition(|&c| !isspace(c)).map_or(a, |b| b + 1);
                &s[a..b.max(a)]
            }
            None => &[],
        };
        let all_digits = !inner.is_empty() && inner.iter().all(|&c| isdigit(c));
        if all_digits || inner == ['+'] {
            // `k` is found: an empty `inner` is neither
            end = skip_back(text, k.unwrap_or(0), lo, &["+"]);
        }
    }
    let Some((high, start)) = take_number(text, end, lo)? else {
        return Ok(None);
    };
    let sep_end = skip_back(text, start, lo, &["+", "plus"]);
    for sep in RANGE_SEPARATORS {
        if lower_ends_with(text, lo, sep_end, 4, sep) {
            let n = sep.chars().count();
            let first = take_number(text, skip_back(text, sep_end - n, lo, &[]), lo)?;
            if let Some((value, at)) = first {
                return Ok(Some((at, value, Some(high))));
            }
            break;
        }
    }
    Ok(Some((start, high, None)))
}

/// `_UNIT.match(text, start)`: where the unit ends, or None.
fn unit_at(text: &[char], start: usize) -> Option<(usize, bool)> {
    let n = text.len();
    for (word, plural, month) in [
        ("year", 's', false),
        ("yr", 's', false),
        ("month", 's', true),
        ("jahre", 'n', false),
    ] {
        if !ci_at(text, start, n, word) {
            continue;
        }
        let end = start + word.len();
        if end < n && ci(text[end], plural) && ends_word(text, end + 1, n) {
            return Some((end + 1, month));
        }
        if ends_word(text, end, n) {
            return Some((end, month));
        }
    }
    None
}

/// The positions `_UNIT_END` can reach from `at` (the text ending at `end`).
fn unit_end(text: &[char], at: usize, end: usize) -> Vec<usize> {
    let mut starts = vec![at];
    let after_yr =
        (at >= 2 && ci_at(text, at - 2, at, "yr")) || (at >= 3 && ci_at(text, at - 3, at, "yrs"));
    if after_yr && at < end && text[at] == '.' {
        starts.push(at + 1);
    }
    let mut out = Vec::new();
    for s in starts {
        let mut options = vec![s];
        if s < end && matches!(text[s], '\'' | '’' | '\u{92}') {
            options.push(s + 1);
        }
        for mut p in options {
            loop {
                out.push(p);
                if p < end && text[p] == '+' {
                    let mut q = p + 1;
                    out.push(q);
                    while q < end && isspace(text[q]) {
                        q += 1;
                        out.push(q);
                    }
                }
                if p < end && isspace(text[p]) {
                    p += 1;
                } else {
                    break;
                }
            }
        }
    }
    out.sort_unstable();
    out.dedup();
    out
}

/// Python `\s+` from `p`: where it ends, if it takes at least one character.
fn spaces(text: &[char], mut p: usize, end: usize) -> Option<usize> {
    let start = p;
    while p < end && isspace(text[p]) {
        p += 1;
    }
    (p > start).then_some(p)
}

fn token_char(c: char) -> bool {
    is_word(c)
        || matches!(
            c,
            '/' | '&' | '+' | '#' | ',' | '\'' | '’' | '\u{92}' | '(' | ')' | '-'
        )
}

/// One `(?!(?:stop words)\b)[\w/&+#,'’\x92()-]+(?:\.\w+)*\s+` from `p`.
fn token(text: &[char], p: usize, end: usize) -> Option<usize> {
    for w in STOP_WORDS {
        if ci_at(text, p, end, w) && ends_word(text, p + w.len(), end) {
            return None;
        }
    }
    let mut q = p;
    while q < end && token_char(text[q]) {
        q += 1;
    }
    if q == p {
        return None;
    }
    while q + 1 < end && text[q] == '.' && is_word(text[q + 1]) {
        q += 1;
        while q < end && is_word(text[q]) {
            q += 1;
        }
    }
    spaces(text, q, end)
}

fn experience_word(text: &[char], p: usize, end: usize) -> bool {
    EXPERIENCE_WORDS
        .iter()
        .any(|w| ci_at(text, p, end, w) && (*w != "exp" || ends_word(text, p + 3, end)))
}

/// `_AFTER_EXPERIENCE.match(text, at, end)`.
fn after_experience(text: &[char], at: usize, end: usize) -> bool {
    for p in unit_end(text, at, end) {
        let mut heads = vec![p];
        for w in ["of", "in", "with", "at"] {
            if ci_at(text, p, end, w) {
                if let Some(q) = spaces(text, p + w.len(), end) {
                    heads.push(q);
                }
            }
        }
        for mut q in heads {
            for k in 0..=7 {
                if experience_word(text, q, end) {
                    return true;
                }
                if k == 7 {
                    break;
                }
                match token(text, q, end) {
                    Some(next) => q = next,
                    None => break,
                }
            }
        }
    }
    false
}

/// `_AFTER_ROLE.match(text, at, end)`.
fn after_role(text: &[char], at: usize, end: usize) -> bool {
    for p in unit_end(text, at, end) {
        if ci_at(text, p, end, "working") {
            return true;
        }
        if ci_at(text, p, end, "as a") {
            if ends_word(text, p + 4, end) {
                return true;
            }
            if p + 4 < end && ci(text[p + 4], 'n') && ends_word(text, p + 5, end) {
                return true;
            }
        }
        if !ci_at(text, p, end, "in ") {
            continue;
        }
        let q = p + 3;
        let mut heads = vec![q];
        for article in ["a ", "an ", "the "] {
            if ci_at(text, q, end, article) {
                heads.push(q + article.len());
            }
        }
        for mut r in heads {
            for k in 0..=5 {
                for w in ROLE_WORDS {
                    if ci_at(text, r, end, w) {
                        let e = r + w.len();
                        if ends_word(text, e, end)
                            || (e < end && ci(text[e], 's') && ends_word(text, e + 1, end))
                        {
                            return true;
                        }
                    }
                }
                if k == 5 {
                    break;
                }
                let mut s = r;
                while s < end && (is_word(text[s]) || text[s] == '-') {
                    s += 1;
                }
                if s == r || s >= end || text[s] != ' ' {
                    break;
                }
                r = s + 1;
            }
        }
    }
    false
}

/// `_tied_after`.
fn tied_after(text: &[char], unit_end: usize) -> bool {
    let reach = text.len().min(unit_end + 90);
    // On the lower-cased `String`: std's vectorized `contains` finds an ASCII stem where
    // the characters hold it.
    let after = lower(&text[unit_end..reach]);
    if EXPERIENCE_STEMS.iter().any(|w| after.contains(w)) && after_experience(text, unit_end, reach)
    {
        return true;
    }
    after_role(text, unit_end, reach)
}

/// `_NOT_DEMANDED.match(text, at)` is None.
fn demanded(text: &[char], at: usize) -> bool {
    let end = text.len();
    for p in unit_end(text, at, end) {
        let mut heads = vec![p];
        if ci_at(text, p, end, "of ") {
            heads.push(p + 3);
        }
        for q in heads {
            for w in NOT_DEMANDED_WORDS {
                if ci_at(text, q, end, w) && ends_word(text, q + w.len(), end) {
                    return false;
                }
            }
        }
    }
    true
}

/// `\bno\b` in " " + `lead`.
fn says_no(lead: &[char]) -> bool {
    let mut s = vec![' '];
    s.extend_from_slice(lead);
    (1..s.len().saturating_sub(1)).any(|i| {
        s[i] == 'n'
            && s[i + 1] == 'o'
            && !is_word(s[i - 1])
            && (i + 2 >= s.len() || !is_word(s[i + 2]))
    })
}

/// Python's `round(x, 2)` for the months a mention gives in years: exact for the
/// integers Python writes here; None (ask the reference) for a fraction of months.
fn months_in_years(months: f64) -> Option<f64> {
    if months.fract() != 0.0 {
        return None;
    }
    format!("{:.2}", months / 12.0).parse().ok()
}

/// `mentions(text, hits)`: every experience mention in text order. `no_experience` and
/// `years`: the hits (start, keyword) of the scan's two fields. None: ask the reference.
pub fn mentions(
    text: &[char],
    no_experience: &[(usize, &str)],
    years: &[usize],
) -> Option<Vec<Mention>> {
    let mut found: Vec<Mention> = Vec::new();
    for &(start, word) in no_experience {
        if (word.starts_with("experience necessary") || word.starts_with("experience needed"))
            && !says_no(&clause_lead(text, start, 30))
        {
            continue;
        }
        found.push((start, start + word.chars().count(), 0.0, None));
    }
    let mut last: Option<usize> = None;
    for &start in years {
        if last.is_some_and(|l| start <= l) {
            continue;
        }
        let Some((unit_end_at, month)) = unit_at(text, start) else {
            continue;
        };
        if start > 0 && isalpha(text[start - 1]) {
            continue;
        }
        // the cheap gate: a number just before the unit
        let a = start.saturating_sub(14);
        let mut b = start;
        while b > a
            && matches!(
                text[b - 1],
                ' ' | '+' | '(' | ')' | '\'' | '’' | '\u{92}' | '-'
            )
        {
            b -= 1;
        }
        let tail = lowered(text, a, b);
        let Some(&last_char) = tail.last() else {
            continue;
        };
        let ending = isdigit(last_char)
            || NUMBER_WORDS.iter().any(|(w, _)| ends_with(&tail, w))
            || NUMBER_ENDINGS_EXTRA.iter().any(|w| ends_with(&tail, w));
        if !ending {
            continue;
        }
        let Some((number_start, first, second)) = number_before(text, start).ok()? else {
            continue;
        };
        let lead = clause_lead(text, number_start, LEAD_REACH);
        let lead24 = &lead[lead.len().saturating_sub(24)..];
        // Experience in the lead, after the unit, or a demand before the number.
        let tied = contains(&lead, "experience")
            || contains(&lead, "erfahrung")
            || tied_after(text, unit_end_at)
            || (DEMAND_BEFORE.iter().any(|w| ends_with(lead24, w))
                && !SCHOOLING.iter().any(|w| contains(&lead, w))
                && demanded(text, unit_end_at));
        if !tied {
            continue;
        }
        if DEADLINE_BEFORE.iter().any(|w| ends_with(&lead, w)) {
            continue;
        }
        let mut padded = vec![' '];
        padded.extend_from_slice(&lead[lead.len().saturating_sub(40)..]);
        padded.push(' ');
        if FACT_WORDS.iter().any(|w| contains(&padded, w)) {
            continue;
        }
        let (mut low, mut high) = (first, second);
        if month {
            low = months_in_years(low)?;
            high = match high {
                Some(h) => Some(months_in_years(h)?),
                None => None,
            };
        }
        if low > MAX_YEARS || high.is_some_and(|h| h > MAX_YEARS || h < low) {
            continue;
        }
        found.push((number_start, unit_end_at, low, high));
        last = Some(unit_end_at);
    }
    found.sort_by_key(|m| m.0);
    Some(found)
}

/// `experience_years(text, hits, requirements, found)`: the posting's (min, max).
pub fn decide(
    found: &[Mention],
    requirements: &mut crate::requirement::Requirements<'_>,
) -> Option<(f64, Option<f64>)> {
    let first = found.first()?;
    if found.len() == 1 {
        return Some((first.2, first.3));
    }
    for &(start, end, low, high) in found {
        if low == 0.0 || !requirements.is_nice(start, end, None) {
            return Some((low, high));
        }
    }
    Some((first.2, first.3))
}
