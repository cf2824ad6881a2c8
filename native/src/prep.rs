//! Per-character passes over a whole description that Python does slowly: the whitespace
//! collapse of `stream/enrich/text.py` and the salary step's money gate
//! (`stream/enrich/salary/extract.py`). Each is a single linear pass (plus one automaton
//! walk for the gate), a few microseconds on a 3 KB description instead of tens.

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};
use unicode_general_category::{get_general_category, GeneralCategory};

use crate::chars::{isalpha, isspace};

/// `text.collapse_whitespace`: per "\n"-separated line, runs of whitespace (Python's
/// `str.isspace`, as `str.split()` reads it) become one space and the ends are trimmed; a
/// blank line directly after a blank line is dropped.
pub fn collapse_whitespace(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut blank = false; // the previous kept line was blank
    let mut first = true;
    for line in text.split('\n') {
        let line_start = out.len();
        if !first {
            out.push('\n');
        }
        let content_start = out.len();
        push_words(&mut out, line);
        if out.len() == content_start {
            if blank {
                out.truncate(line_start); // a second blank line in a row
                continue;
            }
            blank = true;
        } else {
            blank = false;
        }
        first = false;
    }
    out
}

/// `" ".join(text.split())`: the words of the text (split at Python's whitespace) joined by
/// single spaces, as the content digest reads each field.
pub fn join_words(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    push_words(&mut out, text);
    out
}

/// Python's `str.isspace` for ASCII bytes (" ", "\t" to "\r", and the separators
/// 0x1C-0x1F that `str.split()` also splits at).
pub(crate) static ASCII_SPACE: [bool; 128] = {
    let mut table = [false; 128];
    let mut c = 0;
    while c < 128 {
        table[c] = matches!(c as u8, b' ' | b'\t'..=b'\r' | 0x1c..=0x1f);
        c += 1;
    }
    table
};

/// Is the character starting at byte `i` of `text` whitespace, and how many bytes is it?
/// Bytes, not chars: most text is ASCII, and a table lookup per byte is what makes these
/// passes ~1 ns a byte (`str::split` with a char predicate decoded every character: ~4).
#[inline(always)]
fn space_at(text: &str, i: usize) -> (bool, usize) {
    let byte = text.as_bytes()[i];
    if byte < 0x80 {
        return (ASCII_SPACE[byte as usize], 1);
    }
    let c = text[i..]
        .chars()
        .next()
        .unwrap_or(char::REPLACEMENT_CHARACTER);
    (isspace(c), c.len_utf8())
}

/// Appends the words of `text` to `out`, joined by single spaces (nothing for no words).
///
/// Text that is already collapsed (words split by one " ") is copied in runs rather than
/// word by word: that is most text, and a copy per word cost more than the scan.
fn push_words(out: &mut String, text: &str) {
    let bytes = text.as_bytes();
    let size = bytes.len();
    let start_len = out.len();
    let flush = |out: &mut String, run: &str| {
        if run.is_empty() {
            return;
        }
        if out.len() > start_len {
            out.push(' ');
        }
        out.push_str(run);
    };
    let mut i = skip_spaces(text, 0);
    let mut run = i; // text[run..i] is words split by single " ": copied as it is
    while i < size {
        let byte = bytes[i];
        if byte > b' ' && byte < 0x80 {
            i += 1; // the common byte: ASCII, not whitespace
            continue;
        }
        if byte == b' ' && i + 1 < size && !space_at(text, i + 1).0 {
            i += 1; // one space between two words: part of the run
            continue;
        }
        let (space, len) = space_at(text, i);
        if space {
            flush(out, &text[run..i]);
            i = skip_spaces(text, i);
            run = i;
        } else {
            i += len;
        }
    }
    flush(out, &text[run..i]);
}

/// The first offset from `i` on that is not whitespace (or the end).
fn skip_spaces(text: &str, mut i: usize) -> usize {
    while i < text.len() {
        let (space, len) = space_at(text, i);
        if !space {
            break;
        }
        i += len;
    }
    i
}

/// `\d` of Python's `re` on `str`: a decimal digit of any script (category Nd).
fn is_decimal(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_digit();
    }
    get_general_category(c) == GeneralCategory::DecimalNumber
}

/// Whether 16 bytes are ASCII without a digit: a branch-free test the compiler vectorizes,
/// which lets the digit searches below skip most of a description 16 bytes at a time.
fn plain_ascii(chunk: &[u8]) -> bool {
    !chunk.iter().fold(false, |any, &b| {
        any | (b.wrapping_sub(b'0') < 10) | (b >= 0x80)
    })
}

/// Byte offsets of the text's decimal digits (any script), in order. Runs of 16 ASCII
/// bytes without a digit are skipped whole (a branch-free test the compiler vectorizes).
fn decimal_offsets(text: &str) -> Vec<usize> {
    let bytes = text.as_bytes();
    let mut found = Vec::new();
    let mut at = 0;
    while at < bytes.len() {
        if bytes.get(at..at + 16).is_some_and(plain_ascii) {
            at += 16; // all ASCII: still on a character boundary
            continue;
        }
        let Some(c) = text[at..].chars().next() else {
            break;
        };
        if is_decimal(c) {
            found.push(at);
        }
        at += c.len_utf8();
    }
    found
}

/// The largest character boundary of `text` at or before `at`.
fn floor_boundary(text: &str, mut at: usize) -> usize {
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

/// The smallest character boundary of `text` at or after `at` (its length past the end).
fn ceil_boundary(text: &str, mut at: usize) -> usize {
    if at >= text.len() {
        return text.len();
    }
    while !text.is_char_boundary(at) {
        at += 1;
    }
    at
}

/// How far after a number a currency marker may start: the rest of a multiplier word
/// ("thousand", 8 characters, after one space), a Nordic ",-", four spaces, with room to
/// spare. `salary/amounts.py` allows at most 1 + 8 + 2 + 4 = 15.
pub(crate) const AFTER_WINDOW_CHARS: usize = 24;

/// The salary step's cheap test before any parsing: could `find_pay(text, money_only=True)`
/// find a candidate at all? A candidate there needs a number with a currency marker
/// attached (`_marker_before` / `_marker_after` of salary/amounts.py) or a lakh / crore
/// multiplier. `may_have_money` is a superset of that: false means no candidate for sure
/// (the tests check it on real postings and generated text); true means "parse it".
/// `money_windows` says where: the only stretches of the text that parsing needs to read.
///
/// Two readings of the text give the same answers: `money.rs` reads a Python str's own
/// storage (the one the binding uses), and the `_utf8` methods here read UTF-8, the
/// reading it replaced, kept as the reference of the differential tests (Rust and Python).
pub struct MoneyGate {
    pub(crate) markers: AhoCorasick,
    /// Per pattern: may it stand before a number (not an "after only" marker)?
    pub(crate) before_ok: Vec<bool>,
    /// Per pattern: its first and last characters are letters (word-boundary checks).
    pub(crate) alpha_first: Vec<bool>,
    pub(crate) alpha_last: Vec<bool>,
    /// The longest marker, in bytes.
    longest: usize,
    /// The longest marker, in characters.
    pub(crate) longest_chars: usize,
    /// The multiplier words of salary/vocab.py, lowercased: in "50k€" the "€" is attached
    /// to the number across the "k".
    pub(crate) multipliers: Vec<String>,
}

impl MoneyGate {
    pub fn new(
        markers: &[String],
        before: &[String],
        multipliers: &[String],
    ) -> Result<MoneyGate, String> {
        let automaton = AhoCorasick::builder()
            .match_kind(MatchKind::Standard)
            .kind(Some(AhoCorasickKind::DFA))
            .build(markers)
            .map_err(|e| e.to_string())?;
        let is_alpha_at = |m: &String, last: bool| {
            let c = if last {
                m.chars().last()
            } else {
                m.chars().next()
            };
            c.is_some_and(isalpha)
        };
        Ok(MoneyGate {
            markers: automaton,
            before_ok: markers.iter().map(|m| before.contains(m)).collect(),
            alpha_first: markers.iter().map(|m| is_alpha_at(m, false)).collect(),
            alpha_last: markers.iter().map(|m| is_alpha_at(m, true)).collect(),
            longest: markers.iter().map(String::len).max().unwrap_or(0),
            longest_chars: markers.iter().map(|m| m.chars().count()).max().unwrap_or(0),
            multipliers: multipliers.iter().map(|w| w.to_lowercase()).collect(),
        })
    }

    /// `may_have_money` (money.rs) of a UTF-8 text: the reference.
    pub fn may_have_money_utf8(&self, text: &str) -> bool {
        let digits = decimal_offsets(text);
        if digits.is_empty() {
            return false;
        }
        if !lakh_or_crore_spots(text, true).is_empty() {
            return true;
        }
        let mut found = false;
        self.attached_markers_utf8(text, &digits, |_| {
            found = true;
            false
        });
        found
    }

    /// `money_windows` (money.rs) of a UTF-8 text: the reference.
    pub fn money_windows_utf8(
        &self,
        text: &str,
        reach: usize,
        gap: usize,
        max_digits: usize,
    ) -> Vec<(usize, usize)> {
        let digits = decimal_offsets(text);
        if digits.is_empty() {
            return Vec::new();
        }
        let mut spots = lakh_or_crore_spots(text, false);
        self.attached_markers_utf8(text, &digits, |at| {
            spots.push(at);
            true
        });
        if spots.is_empty() {
            return Vec::new();
        }
        if digits.len() > max_digits {
            return vec![(0, text.chars().count())];
        }
        spots.sort_unstable();
        spots.dedup();
        let (digits, total) = char_offsets(text, &digits);
        let (spots, _) = char_offsets(text, &spots);
        windows(&digits, &spots, total, reach, gap)
    }

    /// Calls `visit` with the byte offset of every marker occurrence that `attached`
    /// accepts, in order, until it returns false.
    fn attached_markers_utf8(
        &self,
        text: &str,
        digits: &[usize],
        mut visit: impl FnMut(usize) -> bool,
    ) {
        // Only markers near a digit can be attached to one, so only the text around digits
        // is searched: from a marker ending at most two " \t:" before a digit to one
        // starting at most 24 characters (4 bytes each at most) after it, each region
        // long enough to hold the whole marker. Every occurrence `attached` could accept
        // lies inside a region, and a region's occurrences are the text's.
        let (before, after) = (2 + self.longest, 4 + AFTER_WINDOW_CHARS * 4 + self.longest);
        let mut regions: Vec<(usize, usize)> = Vec::new();
        for &digit in digits {
            let lo = floor_boundary(text, digit.saturating_sub(before));
            let hi = ceil_boundary(text, digit + after);
            match regions.last_mut() {
                Some(last) if lo <= last.1 => last.1 = hi,
                _ => regions.push((lo, hi)),
            }
        }
        for (lo, hi) in regions {
            for m in self.markers.find_overlapping_iter(&text[lo..hi]) {
                let (start, end) = (lo + m.start(), lo + m.end());
                if self.attached_utf8(text, m.pattern().as_usize(), start, end) && !visit(start) {
                    return;
                }
            }
        }
    }

    /// Is this marker occurrence attached to a number the way salary/amounts.py attaches
    /// one (loosely: any position it could be attached from counts)?
    fn attached_utf8(&self, text: &str, pattern: usize, start: usize, end: usize) -> bool {
        let before = &text[..start];
        let after = &text[end..];
        // `_marker_before`: the marker ends at most two of " \t:" before a digit, and an
        // alphabetic marker does not continue a word ("PLN" in "XPLN5" is not one).
        if self.before_ok[pattern]
            && !(self.alpha_first[pattern] && before.chars().next_back().is_some_and(isalpha))
        {
            let rest = after.trim_start_matches([' ', '\t', ':']);
            let skipped = after.len() - rest.len();
            if skipped <= 2 && rest.chars().next().is_some_and(is_decimal) {
                return true;
            }
        }
        // `_marker_after`: a digit shortly before; the marker starts right after the number,
        // its multiplier or spaces, so never inside a word ("ars" in "years"; CJK is
        // written without spaces: "10万円") unless that word is a multiplier right after
        // a digit ("50k€", "3M¥"); an alphabetic marker does not run on into a word ("5
        // Rooms" has no rand).
        if before
            .chars()
            .next_back()
            .is_some_and(|c| isalpha(c) && c < '\u{3000}')
            && !self.multiplier_before_utf8(before)
        {
            return false;
        }
        if self.alpha_last[pattern] && after.chars().next().is_some_and(isalpha) {
            return false;
        }
        before
            .chars()
            .rev()
            .take(AFTER_WINDOW_CHARS)
            .any(is_decimal)
    }

    /// Does `before` end with a multiplier word that follows a digit, after at most one
    /// space or tab (amounts.py's `_MULTIPLIER`)? Loose about case, as a superset may be.
    fn multiplier_before_utf8(&self, before: &str) -> bool {
        let word_len = before
            .chars()
            .rev()
            .take_while(|&c| isalpha(c))
            .take(9)
            .count();
        let (rest, word) = before.split_at(
            before.len()
                - before
                    .chars()
                    .rev()
                    .take(word_len)
                    .map(char::len_utf8)
                    .sum::<usize>(),
        );
        let word = word.to_lowercase();
        if !self.multipliers.contains(&word) {
            return false;
        }
        let mut rest = rest.chars().rev();
        let mut c = rest.next();
        if matches!(c, Some(' ' | '\t')) {
            c = rest.next();
        }
        c.is_some_and(is_decimal)
    }
}

/// The windows of `money_windows` (money.rs) from the character offsets of the text's
/// decimal digits and of its money spots (both sorted; the spots without repeats) and the
/// text's length in characters.
pub(crate) fn windows(
    digits: &[usize],
    spots: &[usize],
    total: usize,
    reach: usize,
    gap: usize,
) -> Vec<(usize, usize)> {
    // Runs of digits closer than `gap` to the next: a window edge never falls inside one.
    let mut run_first = Vec::with_capacity(digits.len());
    for (i, &d) in digits.iter().enumerate() {
        let joined = i > 0 && d - digits[i - 1] <= gap;
        run_first.push(if joined { run_first[i - 1] } else { d });
    }
    let mut run_last = vec![0; digits.len()];
    for i in (0..digits.len()).rev() {
        let joined = i + 1 < digits.len() && digits[i + 1] - digits[i] <= gap;
        run_last[i] = if joined { run_last[i + 1] } else { digits[i] };
    }
    let mut windows: Vec<(usize, usize)> = Vec::new();
    for &spot in spots {
        // The start: moved back to the first digit of the run of the last digit within
        // `gap` before it; the end: past the last digit of the run of the first digit
        // within `gap` after it. Both move monotonically with the spot.
        let mut lo = spot.saturating_sub(reach);
        let before = digits.partition_point(|&d| d < lo);
        if before > 0 && digits[before - 1] + gap >= lo {
            lo = run_first[before - 1];
        }
        let mut hi = (spot + reach).min(total);
        let after = digits.partition_point(|&d| d < hi);
        if after < digits.len() && digits[after] < hi + gap {
            hi = run_last[after] + 1;
        }
        match windows.last_mut() {
            Some(last) if lo <= last.1 => last.1 = last.1.max(hi),
            _ => windows.push((lo, hi)),
        }
    }
    windows
}

/// Character offsets (Python's indices) of sorted byte offsets of `text`, and the text's
/// length in characters: the bytes that start a character (not UTF-8 continuation bytes)
/// are counted between offsets, a loop the compiler vectorizes (a `char_indices` walk over
/// a 3 KB description cost ~10 µs).
fn char_offsets(text: &str, bytes: &[usize]) -> (Vec<usize>, usize) {
    let data = text.as_bytes();
    if text.is_ascii() {
        return (bytes.to_vec(), data.len());
    }
    let starts = |from: usize, to: usize| {
        data[from..to]
            .iter()
            .filter(|&&b| (b as i8) >= -0x40)
            .count()
    };
    let mut out = Vec::with_capacity(bytes.len());
    let (mut at, mut count) = (0, 0);
    for &b in bytes {
        count += starts(at, b);
        at = b;
        out.push(count);
    }
    (out, count + starts(at, data.len()))
}

/// The lakh / crore multipliers of salary/vocab.py (MULTIPLIERS worth 1e5 or 1e7, and the
/// plurals amounts.py adds), matched case-insensitively as a whole word.
pub(crate) const LAKH_CRORE: &[&str] = &[
    "l", "lac", "lacs", "lakh", "lakhs", "lpa", "cr", "crore", "crores",
];

/// Byte offsets of the digits followed, after at most one space or tab, by a lakh / crore
/// word that does not run on into other letters ("18 LPA", "1.2 crore", "25L"; not "5
/// Locations"), in order; only the first with `first_only`.
///
/// Runs of 16 ASCII bytes without a digit are skipped whole (a branch-free test the
/// compiler vectorizes): most of a description, which a walk over every character took
/// ~1.5 ns a byte to cross.
fn lakh_or_crore_spots(text: &str, first_only: bool) -> Vec<usize> {
    let mut found = Vec::new();
    let bytes = text.as_bytes();
    let mut at = 0;
    while at < bytes.len() {
        if bytes.get(at..at + 16).is_some_and(plain_ascii) {
            at += 16; // all ASCII: still on a character boundary
            continue;
        }
        let mut rest = text[at..].chars();
        let Some(c) = rest.next() else { break };
        let digit_at = at;
        at += c.len_utf8();
        if !is_decimal(c) {
            continue;
        }
        let mut next = rest.clone().next();
        if matches!(next, Some(' ' | '\t')) {
            rest.next();
            next = rest.clone().next();
        }
        if !matches!(next, Some('l' | 'L' | 'c' | 'C')) {
            continue;
        }
        let word: String = rest
            .take_while(|&c| isalpha(c))
            .take(8)
            .flat_map(char::to_lowercase)
            .collect();
        if LAKH_CRORE.contains(&word.as_str()) {
            found.push(digit_at);
            if first_only {
                break;
            }
        }
    }
    found
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::chars::tests::pieced;
    use crate::money::tests::PIECES;

    pub(crate) fn gate() -> MoneyGate {
        let markers: Vec<String> = ["$", "USD", "R", "€", "kr", "ars"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let before: Vec<String> = ["$", "USD", "R"].iter().map(|s| s.to_string()).collect();
        let multipliers: Vec<String> = ["k", "M", "thousand", "lakh"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        MoneyGate::new(&markers, &before, &multipliers).unwrap()
    }

    #[test]
    fn collapses_like_python_split() {
        assert_eq!(
            collapse_whitespace("  a \t b  \n\n\n c\u{a0}d \n"),
            "a b\n\nc d\n"
        );
        assert_eq!(collapse_whitespace("\n\n x"), "\nx");
        assert_eq!(collapse_whitespace("a\x1cb"), "a b");
        assert_eq!(collapse_whitespace(""), "");
    }

    #[test]
    fn joins_words_like_python() {
        assert_eq!(join_words("  a \t b\n\n c\u{2028}d  "), "a b c d");
        assert_eq!(join_words(" \n "), "");
    }

    fn lakh_or_crore_after_a_number(text: &str) -> bool {
        !lakh_or_crore_spots(text, true).is_empty()
    }

    /// The forward walk this replaced: the reference of `lakh_or_crore_after_a_number`.
    fn lakh_reference(text: &str) -> bool {
        let mut chars = text.char_indices().peekable();
        while let Some((_, c)) = chars.next() {
            if !is_decimal(c) {
                continue;
            }
            if matches!(chars.peek(), Some((_, ' ' | '\t'))) {
                chars.next();
            }
            let Some(&(from, first)) = chars.peek() else {
                return false;
            };
            if !matches!(first, 'l' | 'L' | 'c' | 'C') {
                continue;
            }
            let word: String = text[from..]
                .chars()
                .take_while(|&c| isalpha(c))
                .take(8)
                .flat_map(char::to_lowercase)
                .collect();
            if LAKH_CRORE.contains(&word.as_str()) {
                return true;
            }
        }
        false
    }

    #[test]
    fn lakh_test_equals_the_forward_walk() {
        // Every string of up to 5 characters over an alphabet with the edge cases: digits
        // (ASCII and Arabic-Indic), spaces, tabs, the first letters, and letters after them.
        let alphabet = [
            '1', '\u{663}', ' ', '\t', 'l', 'C', 'a', 'k', 'h', 'r', 'x', '\u{212a}',
        ];
        let mut texts = vec![String::new()];
        for _ in 0..5 {
            let longer: Vec<String> = texts
                .iter()
                .filter(|t| t.chars().count() == texts.last().unwrap().chars().count())
                .flat_map(|t| alphabet.iter().map(move |&c| format!("{t}{c}")))
                .collect();
            texts.extend(longer);
        }
        for extra in [
            "18 LPA",
            "1.2 crore",
            "25L",
            "5 Locations",
            "3 lakhs",
            "9\tcr",
            "9  cr",
        ] {
            texts.push(extra.to_string());
        }
        // Longer ones, so that the 16-byte skip is crossed at every offset.
        let mut state = 0x9e37_79b9_7f4a_7c15_u64;
        for _ in 0..20_000 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let len = (state % 70) as usize;
            let text: String = (0..len)
                .map(|k| {
                    let pick = (state >> (k % 50)) as usize + k * 7;
                    if pick % 5 == 0 {
                        alphabet[pick % alphabet.len()]
                    } else {
                        'e' // filler that is no digit, space or first letter
                    }
                })
                .collect();
            texts.push(text);
        }
        for text in &texts {
            assert_eq!(
                lakh_or_crore_after_a_number(text),
                lakh_reference(text),
                "{text:?}"
            );
        }
    }

    /// The whole-text search the regions replaced: the reference of `may_have_money`.
    fn gate_reference(g: &MoneyGate, text: &str) -> bool {
        if !text.chars().any(is_decimal) {
            return false;
        }
        lakh_or_crore_after_a_number(text)
            || g.markers
                .find_overlapping_iter(text)
                .any(|m| g.attached_utf8(text, m.pattern().as_usize(), m.start(), m.end()))
    }

    #[test]
    fn gate_regions_equal_the_whole_text_search() {
        let g = gate();
        let mut money = 0;
        for text in pieced(PIECES, 0x2545_f491_4f6c_dd1d, 25, false).take(30_000) {
            let expected = gate_reference(&g, &text);
            assert_eq!(g.may_have_money_utf8(&text), expected, "{text:?}");
            let windows = g.money_windows_utf8(&text, 6, 4, usize::MAX);
            crate::money::tests::same_as_utf8(&g, &text, 6, 4, usize::MAX);
            assert_eq!(!windows.is_empty(), expected, "{text:?}");
            check_windows(&g, &text, &windows, 6, 4);
            money += usize::from(expected);
        }
        assert!(
            money > 1000,
            "the generated texts rarely have money ({money})"
        );
    }

    /// What `money_windows` promises: sorted and disjoint, every accepted marker occurrence
    /// and lakh digit covered `reach` characters either way (within the text), and no
    /// decimal digit within `gap` characters outside an edge.
    fn check_windows(
        g: &MoneyGate,
        text: &str,
        windows: &[(usize, usize)],
        reach: usize,
        gap: usize,
    ) {
        let chars: Vec<char> = text.chars().collect();
        let char_at = |byte: usize| text[..byte].chars().count();
        for pair in windows.windows(2) {
            assert!(pair[0].1 < pair[1].0, "{text:?}: {windows:?}");
        }
        let mut spots: Vec<usize> = lakh_or_crore_spots(text, false)
            .into_iter()
            .map(char_at)
            .collect();
        for m in g.markers.find_overlapping_iter(text) {
            if g.attached_utf8(text, m.pattern().as_usize(), m.start(), m.end()) {
                spots.push(char_at(m.start()));
            }
        }
        for spot in spots {
            let (lo, hi) = (spot.saturating_sub(reach), (spot + reach).min(chars.len()));
            assert!(
                windows.iter().any(|&(a, b)| a <= lo && hi <= b),
                "{text:?}: {spot} not covered by {windows:?}"
            );
        }
        for &(lo, hi) in windows {
            let outside = chars[lo.saturating_sub(gap)..lo]
                .iter()
                .chain(&chars[hi..(hi + gap).min(chars.len())]);
            assert!(
                !outside.copied().any(is_decimal),
                "{text:?}: a digit within {gap} of an edge of {windows:?}"
            );
        }
    }

    #[test]
    fn windows_of_digit_heavy_text_and_the_digit_cap() {
        let g = gate();
        let text = "id 1 2 3 4 5 6 7 8 9 pay $ 10 then 11 12 and far away: 13";
        let windows = g.money_windows_utf8(text, 3, 2, usize::MAX);
        check_windows(&g, text, &windows, 3, 2);
        // "$" at 25: 22..28, then past the run of "10" (the next digit is further than 2).
        assert_eq!(windows, vec![(22, 29)]);
        // Digits two apart make runs: "$" at 9 reaches 8..10, widened to the runs "1 2 3"
        // (3..=7) and "4 5 6" (10..=14).
        let text = "ab 1 2 3 $4 5 6   7";
        let windows = g.money_windows_utf8(text, 1, 2, usize::MAX);
        check_windows(&g, text, &windows, 1, 2);
        assert_eq!(windows, vec![(3, 15)]);
        let total = text.chars().count();
        assert_eq!(g.money_windows_utf8(text, 3, 2, 5), vec![(0, total)]);
        assert_eq!(g.money_windows_utf8("no money: 1 2 3", 3, 2, 5), vec![]);
        // Character offsets, not bytes.
        let text = "ééé$ 50 and ü";
        assert_eq!(g.money_windows_utf8(text, 2, 1, usize::MAX), vec![(1, 7)]);
    }

    #[test]
    fn gate_passes_attached_markers_only() {
        assert!(gate().may_have_money_utf8("Gehalt 50k€ im Jahr"));
        assert!(gate().may_have_money_utf8("50 thousand€"));
        assert!(!gate().may_have_money_utf8("5 Kilo€"));
        let g = gate();
        assert!(g.may_have_money_utf8("pay: $ 120,000 a year"));
        assert!(g.may_have_money_utf8("120.000 € brutto"));
        assert!(g.may_have_money_utf8("18 LPA"));
        assert!(g.may_have_money_utf8("25L-30L"));
        assert!(g.may_have_money_utf8("1.2 Crore"));
        assert!(!g.may_have_money_utf8("5 Locations, 10 Career paths"));
        assert!(!g.may_have_money_utf8("5 Rooms, and a long way further on, a $ sign"));
        assert!(!g.may_have_money_utf8("no digits here, USD"));
        assert!(!g.may_have_money_utf8("10 years of Rust"));
        assert!(!g.may_have_money_utf8("5+ years"));
        assert!(!g.may_have_money_utf8("5 kroner"));
    }
}
