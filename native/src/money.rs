//! The salary step's money gate (`prep::MoneyGate`) over a Python str's own storage (PEP
//! 393: one, two or four bytes a character), so the text is never encoded to UTF-8.
//!
//! Why: descriptions reach the salary step fresh from the normalization steps, with no
//! cached UTF-8 form, and taking a `&str` made CPython encode the whole description (most
//! real ones hold a non-ASCII character) for every posting: ~3.5 µs of the step's ~8 on the
//! LinkedIn postings. Here the digits are found in the storage (their indices are already
//! Python's character offsets), and only the short stretches around digits that the marker
//! automaton must search (markers include "€", "₹", words) are copied into UTF-8.
//!
//! The answers are the UTF-8 reading's (`MoneyGate::money_windows_utf8`, the reference) for
//! every text; the tests below and tests/unit/test_salary_gate.py compare them. A lone
//! surrogate (a str may hold one) is read as U+FFFD, neither digit, letter, space nor part
//! of a marker, as it is to Python's `re`; the UTF-8 reading could not take such a str.

use unicode_general_category::{get_general_category, GeneralCategory};

use crate::chars::{isalpha, Unit};
use crate::prep::{windows, MoneyGate, AFTER_WINDOW_CHARS, LAKH_CRORE};

/// The first decimal digit (category Nd) past ASCII: below it only "0"-"9" are digits, so
/// most units (Latin-1, Greek, Cyrillic...) need no category lookup. A test checks it.
const FIRST_NON_ASCII_DIGIT: u32 = 0x660;

/// `\d` of Python's `re` on `str` (`prep::is_decimal`) for a unit.
#[inline(always)]
fn is_decimal_code(code: u32) -> bool {
    if code < FIRST_NON_ASCII_DIGIT {
        return code.wrapping_sub(u32::from(b'0')) < 10;
    }
    char::from_u32(code).is_some_and(|c| get_general_category(c) == GeneralCategory::DecimalNumber)
}

#[inline(always)]
fn is_decimal<T: Unit>(unit: T) -> bool {
    is_decimal_code(unit.code())
}

/// Indices (character offsets) of the decimal digits, in order. A chunk of 16 units that
/// are neither ASCII digits nor past U+065F is skipped whole, a branch-free test the
/// compiler vectorizes (for Latin-1 text, every unit but a digit); any other chunk is read
/// unit by unit, once (testing a chunk at every unit, as a walk from unit to unit would,
/// reads the units near a digit or a curly quote 16 times).
fn decimal_offsets<T: Unit>(units: &[T]) -> Vec<usize> {
    let mut found = Vec::new();
    let mut read = |from: usize, chunk: &[T]| {
        for (k, &unit) in chunk.iter().enumerate() {
            if is_decimal(unit) {
                found.push(from + k);
            }
        }
    };
    // Exact chunks: a fixed length is what lets the compiler unroll and vectorize the test.
    let chunks = units.chunks_exact(16);
    let rest = chunks.remainder();
    for (index, chunk) in chunks.enumerate() {
        let maybe = chunk.iter().fold(false, |any, &u| {
            let code = u.code();
            any | (code.wrapping_sub(u32::from(b'0')) < 10) | (code >= FIRST_NON_ASCII_DIGIT)
        });
        if maybe {
            read(index * 16, chunk);
        }
    }
    read(units.len() - rest.len(), rest);
    found
}

/// The digits (of `digits`, the text's) followed, after at most one space or tab, by a
/// lakh / crore word that does not run on into other letters, as `prep`'s
/// `lakh_or_crore_spots` finds them; only the first with `first_only`.
fn lakh_or_crore_spots<T: Unit>(units: &[T], digits: &[usize], first_only: bool) -> Vec<usize> {
    let mut found = Vec::new();
    for &digit in digits {
        let mut at = digit + 1;
        if units
            .get(at)
            .is_some_and(|u| matches!(u.code(), 0x20 | 0x09))
        {
            at += 1;
        }
        if !units
            .get(at)
            .is_some_and(|u| matches!(u.char(), 'l' | 'L' | 'c' | 'C'))
        {
            continue;
        }
        let word: String = units[at..]
            .iter()
            .map(|u| u.char())
            .take_while(|&c| isalpha(c))
            .take(8)
            .flat_map(char::to_lowercase)
            .collect();
        if LAKH_CRORE.contains(&word.as_str()) {
            found.push(digit);
            if first_only {
                break;
            }
        }
    }
    found
}

impl MoneyGate {
    /// The salary step's cheap test before any parsing: could `find_pay(text,
    /// money_only=True)` find a candidate at all? See `MoneyGate`.
    pub fn may_have_money<T: Unit>(&self, units: &[T]) -> bool {
        let digits = decimal_offsets(units);
        if digits.is_empty() {
            return false;
        }
        if !lakh_or_crore_spots(units, &digits, true).is_empty() {
            return true;
        }
        let mut found = false;
        self.attached_markers(units, &digits, |_| {
            found = true;
            false
        });
        found
    }

    /// Where the money may be, as character offsets (Python's indices): sorted, disjoint
    /// windows `(lo, hi)` such that every number with a currency marker or a lakh / crore
    /// attached starts inside one, at most `reach` characters from a marker occurrence that
    /// `attached` accepts (or from the digit before a lakh / crore word). Each window is
    /// widened until `gap` characters without a decimal digit border it on both sides (or a
    /// text end), so no number straddles an edge and the numbers inside are parsed exactly
    /// as in a scan of the whole text. Empty when `may_have_money` is false. With more than
    /// `max_digits` decimal digits, one window holds the whole text (a scan that stops after
    /// a count of numbers has to see all of them).
    pub fn money_windows<T: Unit>(
        &self,
        units: &[T],
        reach: usize,
        gap: usize,
        max_digits: usize,
    ) -> Vec<(usize, usize)> {
        let digits = decimal_offsets(units);
        if digits.is_empty() {
            return Vec::new();
        }
        let mut spots = lakh_or_crore_spots(units, &digits, false);
        self.attached_markers(units, &digits, |at| {
            spots.push(at);
            true
        });
        if spots.is_empty() {
            return Vec::new();
        }
        if digits.len() > max_digits {
            return vec![(0, units.len())];
        }
        spots.sort_unstable();
        spots.dedup();
        windows(&digits, &spots, units.len(), reach, gap)
    }

    /// Calls `visit` with the offset of every marker occurrence that `attached` accepts
    /// (in order within a region; the regions in order) until it returns false.
    fn attached_markers<T: Unit>(
        &self,
        units: &[T],
        digits: &[usize],
        mut visit: impl FnMut(usize) -> bool,
    ) {
        // Only markers near a digit can be attached to one, so only the text around digits
        // is searched: from a marker ending at most two " \t:" before a digit to one
        // starting at most 24 characters after it, each region long enough to hold the
        // whole marker. Every occurrence `attached` could accept lies inside a region, and
        // a region's occurrences are the text's.
        let before = 2 + self.longest_chars;
        let after = 1 + AFTER_WINDOW_CHARS + self.longest_chars;
        let mut regions: Vec<(usize, usize)> = Vec::new();
        for &digit in digits {
            let lo = digit.saturating_sub(before);
            let hi = (digit + after).min(units.len());
            match regions.last_mut() {
                Some(last) if lo <= last.1 => last.1 = hi,
                _ => regions.push((lo, hi)),
            }
        }
        // A region is searched as UTF-8: in place if it is Latin-1 storage and ASCII, else
        // copied into `utf8`, with `char_at` the character (from the region's start) of
        // each of its bytes and of its end when some character is not ASCII.
        let mut utf8: Vec<u8> = Vec::new();
        let mut char_at: Vec<usize> = Vec::new();
        for (lo, hi) in regions {
            let region = &units[lo..hi];
            let (haystack, offsets) = if let Some(bytes) = T::ascii_bytes(region) {
                (bytes, None)
            } else if region.iter().all(|u| u.code() < 0x80) {
                utf8.clear();
                utf8.extend(region.iter().map(|u| u.code() as u8));
                (utf8.as_slice(), None)
            } else {
                utf8.clear();
                char_at.clear();
                for (k, unit) in region.iter().enumerate() {
                    let mut buffer = [0; 4];
                    let encoded = unit.char().encode_utf8(&mut buffer).as_bytes();
                    utf8.extend_from_slice(encoded);
                    char_at.extend(std::iter::repeat_n(k, encoded.len()));
                }
                char_at.push(region.len());
                (utf8.as_slice(), Some(&char_at))
            };
            // A match of a marker (valid UTF-8) starts and ends on character boundaries.
            let to_char = |byte: usize| lo + offsets.map_or(byte, |o| o[byte]);
            for m in self.markers.find_overlapping_iter(haystack) {
                let (start, end) = (to_char(m.start()), to_char(m.end()));
                if self.attached(units, m.pattern().as_usize(), start, end) && !visit(start) {
                    return;
                }
            }
        }
    }

    /// `prep`'s `attached` (as salary/amounts.py attaches a marker to a number, loosely)
    /// for the occurrence at characters `start..end`.
    fn attached<T: Unit>(&self, units: &[T], pattern: usize, start: usize, end: usize) -> bool {
        let previous = start.checked_sub(1).map(|i| units[i].char());
        // `_marker_before`: the marker ends at most two of " \t:" before a digit, and an
        // alphabetic marker does not continue a word ("PLN" in "XPLN5" is not one).
        if self.before_ok[pattern] && !(self.alpha_first[pattern] && previous.is_some_and(isalpha))
        {
            let skipped = units[end..]
                .iter()
                .take(3)
                .take_while(|u| matches!(u.code(), 0x20 | 0x09 | 0x3a))
                .count();
            if skipped <= 2 && units.get(end + skipped).is_some_and(|&u| is_decimal(u)) {
                return true;
            }
        }
        // `_marker_after`: a digit shortly before; the marker starts right after the number,
        // its multiplier or spaces, so never inside a word ("ars" in "years"; CJK is
        // written without spaces: "10万円") unless that word is a multiplier right after
        // a digit ("50k€", "3M¥"); an alphabetic marker does not run on into a word ("5
        // Rooms" has no rand).
        if previous.is_some_and(|c| isalpha(c) && c < '\u{3000}')
            && !self.multiplier_before(units, start)
        {
            return false;
        }
        if self.alpha_last[pattern] && units.get(end).is_some_and(|u| isalpha(u.char())) {
            return false;
        }
        units[start.saturating_sub(AFTER_WINDOW_CHARS)..start]
            .iter()
            .any(|&u| is_decimal(u))
    }

    /// Do the characters before `at` end with a multiplier word that follows a digit,
    /// after at most one space or tab (amounts.py's `_MULTIPLIER`)? Loose about case.
    fn multiplier_before<T: Unit>(&self, units: &[T], at: usize) -> bool {
        let word_len = units[..at]
            .iter()
            .rev()
            .take_while(|u| isalpha(u.char()))
            .take(9)
            .count();
        let from = at - word_len;
        let word: String = units[from..at].iter().map(|u| u.char()).collect();
        if !self.multipliers.contains(&word.to_lowercase()) {
            return false;
        }
        let mut rest = units[..from].iter().rev();
        let mut unit = rest.next();
        if unit.is_some_and(|u| matches!(u.code(), 0x20 | 0x09)) {
            unit = rest.next();
        }
        unit.is_some_and(|&u| is_decimal(u))
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::chars::tests::{kinds, pieced};
    use crate::prep::tests::gate;

    /// Both readings of the gate on `text` in every storage kind it fits: the same
    /// answers. Returns the windows.
    pub(crate) fn same_as_utf8(
        g: &MoneyGate,
        text: &str,
        reach: usize,
        gap: usize,
        max_digits: usize,
    ) -> Vec<(usize, usize)> {
        let expected = g.money_windows_utf8(text, reach, gap, max_digits);
        let money = g.may_have_money_utf8(text);
        // One storage kind's answers against the UTF-8 reading's.
        fn check<T: Unit>(
            g: &MoneyGate,
            units: &[T],
            text: &str,
            expected: (&[(usize, usize)], bool),
            limits: (usize, usize, usize),
        ) {
            let (reach, gap, max_digits) = limits;
            assert_eq!(
                g.money_windows(units, reach, gap, max_digits),
                expected.0,
                "{text:?}"
            );
            assert_eq!(g.may_have_money(units), expected.1, "{text:?}");
        }
        let limits = (reach, gap, max_digits);
        let (ucs1, ucs2, ucs4) = kinds(text);
        if let Some(units) = ucs1 {
            check(g, &units, text, (&expected, money), limits);
        }
        if let Some(units) = ucs2 {
            check(g, &units, text, (&expected, money), limits);
        }
        check(g, &ucs4, text, (&expected, money), limits);
        expected
    }

    #[test]
    fn no_decimal_digit_below_the_first_non_ascii_one() {
        for code in 0..=FIRST_NON_ASCII_DIGIT {
            let c = char::from_u32(code).unwrap();
            let nd = get_general_category(c) == GeneralCategory::DecimalNumber;
            assert_eq!(
                nd,
                c.is_ascii_digit() || code == FIRST_NON_ASCII_DIGIT,
                "{code:x}"
            );
        }
    }

    #[test]
    fn reads_every_storage_kind_like_utf8() {
        let g = gate();
        for text in [
            "",
            "no digits at all, é ü ß",
            // Latin-1 (UCS1) with non-ASCII letters beside markers and numbers.
            "Gehalt 50k€ im Jahr",
            "Bruttolohn: 4.500 € – 5.200 € für Größe",
            "é$5 ü",
            "ééé$ 50 and ü",
            "Réf 12 R5 àR 7 ñkr 3 kr",
            "x\u{a0}$\u{a0}120,000 año",
            // The BMP (UCS2): curly quotes, dashes, CJK, Arabic-Indic digits.
            "“Salary”: USD 90,000 – 100,000 annually",
            "月给10万€，年薪 ٣٠ kr",
            "10万円 or 5万€",
            "五 ٣ lakh, ١٢ Cr",
            "Ｋ50k€ and 50Ｋ€",
            // Astral (UCS4): emoji and an astral decimal digit (MATHEMATICAL BOLD DIGIT).
            "💰 $120k 🚀 per year 🎉",
            "pay 𝟓𝟎 € or 𝟏 lakh 😀",
            "😀€5😀 5€😀 5 😀€",
            // Multipliers and lakh / crore next to non-ASCII.
            "50 thousand€ 50 Thousand€ 50 THOUSANDé€",
            "25L-30L, 18 LPA, 1.2 Crore, 3 lakhs, 9\tcr, ١ lakh",
            "5 Locations, 10 Career paths, 5 Rooms, 10 years, 5+ years, 5 kroner",
        ] {
            same_as_utf8(&g, text, 6, 4, usize::MAX);
            same_as_utf8(&g, text, 60, 4, 3);
        }
    }

    /// Pieces of generated texts for the gate: markers, digits of three scripts, multipliers,
    /// and letters and spaces of every storage kind (prep.rs's tests use them too).
    pub(crate) const PIECES: &[&str] = &[
        "$",
        "USD",
        "R",
        "€",
        "kr",
        "ars",
        "1",
        "42",
        "\u{663}",
        "𝟓",
        " ",
        "\t",
        ":",
        "x",
        "é",
        "ÿ",
        "ü",
        "ß",
        "Σ",
        "years",
        "k",
        "K",
        "M",
        "thousand",
        "lakh",
        "L",
        "Cr",
        "crore",
        "LPA",
        "万",
        "円",
        "“",
        "–",
        "😀",
        "🚀",
        "\u{a0}",
        "-",
        "          ",
        "a longer stretch of words without digits",
    ];

    #[test]
    fn generated_text_in_every_kind_reads_like_utf8() {
        let g = gate();
        let mut money = 0;
        for text in pieced(PIECES, 0x1234_5678_9abc_def1, 30, true).take(40_000) {
            let windows = same_as_utf8(&g, &text, 6, 4, usize::MAX);
            same_as_utf8(&g, &text, 3, 2, 4);
            money += usize::from(!windows.is_empty());
        }
        assert!(
            money > 5000,
            "the generated texts rarely have money ({money})"
        );
    }

    #[test]
    fn a_lone_surrogate_reads_as_a_replacement_character() {
        let g = gate();
        // "$\u{d800}5": the surrogate sits between the marker and the digit, so the marker
        // is not attached; next to a space it changes nothing.
        let with = |units: &[u16]| g.money_windows(units, 6, 4, usize::MAX);
        let text: Vec<u16> = "pay $X5 and 5 $ ok".encode_utf16().collect();
        let mut lone = text.clone();
        lone[5] = 0xd800;
        let replaced: String = "pay $\u{fffd}5 and 5 $ ok".to_string();
        assert_eq!(
            with(&lone),
            g.money_windows_utf8(&replaced, 6, 4, usize::MAX)
        );
        assert_eq!(
            with(&text),
            g.money_windows_utf8("pay $X5 and 5 $ ok", 6, 4, usize::MAX)
        );
        let codes: Vec<u32> = lone.iter().map(|&u| u32::from(u)).collect();
        assert_eq!(g.money_windows(&codes, 6, 4, usize::MAX), with(&lone));
    }
}
