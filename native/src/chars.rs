//! Python's `str` character predicates, so that boundary checks agree with the reference.
//!
//! Rust's `char::is_alphanumeric` counts combining marks with the Other_Alphabetic
//! property and circled letters as letters, and `char::is_whitespace` leaves out the
//! ASCII separators 0x1C-0x1F; Python's `str.isalnum` and `str.isspace` do not. These
//! functions follow Python (by general category), with an ASCII fast path.

use std::borrow::Cow;

use unicode_general_category::{get_general_category, GeneralCategory as G};

/// `c.isalpha()`: a letter (general category L*).
pub fn isalpha(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_alphabetic();
    }
    matches!(
        get_general_category(c),
        G::UppercaseLetter
            | G::LowercaseLetter
            | G::TitlecaseLetter
            | G::ModifierLetter
            | G::OtherLetter
    )
}

/// `c.isalnum()`: a letter or a number (general categories L* and N*).
pub fn isalnum(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_alphanumeric();
    }
    isalpha(c)
        || matches!(
            get_general_category(c),
            G::DecimalNumber | G::LetterNumber | G::OtherNumber
        )
}

/// A `\w` character of Python's `re` on `str`: alphanumeric or "_".
pub fn is_word(c: char) -> bool {
    c == '_' || isalnum(c)
}

/// `c.isdigit()`: decimal digits, plus the superscript, subscript and circled digits
/// Python also counts (Numeric_Type=Digit).
pub fn isdigit(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_digit();
    }
    get_general_category(c) == G::DecimalNumber
        || matches!(c, '\u{b2}' | '\u{b3}' | '\u{b9}' | '\u{2070}' | '\u{2074}'..='\u{2079}'
            | '\u{2080}'..='\u{2089}' | '\u{2460}'..='\u{2468}' | '\u{2474}'..='\u{247c}'
            | '\u{2488}'..='\u{2490}' | '\u{24f5}'..='\u{24fd}' | '\u{24ea}' | '\u{24ff}'
            | '\u{2776}'..='\u{277e}' | '\u{2780}'..='\u{2788}' | '\u{278a}'..='\u{2792}'
            | '\u{1369}'..='\u{1371}' | '\u{19da}')
}

/// `c.isupper()` for one character: the Uppercase property.
pub fn isupper(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_uppercase();
    }
    c.is_uppercase()
}

/// `c.islower()` for one character: the Lowercase property.
pub fn islower(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_lowercase();
    }
    c.is_lowercase()
}

fn istitle(c: char) -> bool {
    !c.is_ascii() && get_general_category(c) == G::TitlecaseLetter
}

/// `s.islower()` for a string: no upper- or titlecase character, and at least one cased.
pub fn str_islower(s: &[char]) -> bool {
    let mut cased = false;
    for &c in s {
        if isupper(c) || istitle(c) {
            return false;
        }
        if islower(c) {
            cased = true;
        }
    }
    cased
}

/// `c.isspace()`: Python's whitespace, which includes 0x1C-0x1F.
pub fn isspace(c: char) -> bool {
    if c.is_ascii() {
        return matches!(c, ' ' | '\t'..='\r' | '\x1c'..='\x1f');
    }
    c.is_whitespace()
}

/// The characters as a String (`s.iter().collect()`), with one byte pushed per ASCII
/// character: the iterator encodes every character on its own, which made the clause and
/// label Strings of the skill scan ~2% of it.
pub fn string_of(s: &[char]) -> String {
    let mut out = String::with_capacity(s.len());
    for &c in s {
        if c.is_ascii() {
            // SAFETY: an ASCII byte is a whole UTF-8 character.
            unsafe { out.as_mut_vec().push(c as u8) };
        } else {
            out.push(c);
        }
    }
    out
}

/// `s.lower()` of a slice, as a String (Python's full lower-casing, as Rust's is).
pub fn lower(s: &[char]) -> String {
    let mut out = String::with_capacity(s.len());
    for &c in s {
        if c.is_ascii() {
            out.push(c.to_ascii_lowercase());
        } else {
            out.extend(c.to_lowercase());
        }
    }
    out
}

/// Whether `c` matches the pattern character `p` (ASCII; a letter in lower case) under
/// Python's `re.IGNORECASE`.
pub fn ci(c: char, p: char) -> bool {
    if c.is_ascii() {
        return c.to_ascii_lowercase() == p;
    }
    match p {
        'i' => c == 'ı' || c == 'İ',
        's' => c == 'ſ',
        'k' => c == '\u{212a}',
        _ => false,
    }
}

/// Whether `word` (ASCII, lower case) matches at `at`, ignoring case, before `end`.
pub fn ci_at(text: &[char], at: usize, end: usize, word: &str) -> bool {
    let n = word.len();
    at + n <= end && word.chars().zip(&text[at..at + n]).all(|(p, &c)| ci(c, p))
}

/// A code unit of a str's own storage (PEP 393): `u8` (Latin-1), `u16` (the BMP) or `u32`.
/// The scans that read a str without its UTF-8 form (money.rs, terms.rs, work_mode.rs)
/// take any of the three.
pub trait Unit: Copy + Send + Sync {
    fn code(self) -> u32;

    /// The character, U+FFFD for a lone surrogate.
    #[inline(always)]
    fn char(self) -> char {
        char::from_u32(self.code()).unwrap_or(char::REPLACEMENT_CHARACTER)
    }

    /// How many bytes the character takes in UTF-8: 3 for a lone surrogate, as U+FFFD
    /// (`char`) does. Branch-free, so that a sum over units vectorizes (`utf8_len`).
    #[inline(always)]
    fn utf8_len(self) -> usize {
        let code = self.code();
        1 + usize::from(code >= 0x80) + usize::from(code >= 0x800) + usize::from(code >= 0x1_0000)
    }

    /// The units as UTF-8 when they are all ASCII and already bytes: searched in place.
    fn ascii_bytes(_units: &[Self]) -> Option<&[u8]> {
        None
    }

    /// The units one byte each, for a byte searcher whose patterns are ASCII: an ASCII
    /// character as it is, any other a byte from 0x80 on (no ASCII pattern matches it), so
    /// the offsets of matches are character offsets. Latin-1 storage is that already and
    /// is lent as it is; wider storage is copied, one byte a unit (`min(0x80)`, a loop the
    /// compiler vectorizes), far cheaper than its UTF-8 form.
    fn ascii_view(units: &[Self]) -> Cow<'_, [u8]> {
        Cow::Owned(units.iter().map(|u| u.code().min(0x80) as u8).collect())
    }
}

/// The length of the units' UTF-8 form (`Unit::utf8_len` summed): a UTF-8 offset from a
/// character offset without encoding anything.
pub fn utf8_len<T: Unit>(units: &[T]) -> usize {
    // Summed in u32 (a chunk's sum fits), which the compiler vectorizes in twice as many
    // lanes as usize.
    units
        .chunks(1 << 20)
        .map(|chunk| chunk.iter().map(|u| u.utf8_len() as u32).sum::<u32>() as usize)
        .sum()
}

impl Unit for u8 {
    #[inline(always)]
    fn code(self) -> u32 {
        u32::from(self)
    }

    #[inline(always)]
    fn char(self) -> char {
        char::from(self)
    }

    fn ascii_bytes(units: &[u8]) -> Option<&[u8]> {
        units.is_ascii().then_some(units)
    }

    fn ascii_view(units: &[u8]) -> Cow<'_, [u8]> {
        Cow::Borrowed(units)
    }
}

impl Unit for u16 {
    #[inline(always)]
    fn code(self) -> u32 {
        u32::from(self)
    }
}

impl Unit for u32 {
    #[inline(always)]
    fn code(self) -> u32 {
        self
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::{string_of, utf8_len, Unit};
    use std::borrow::Cow;

    /// The text in each storage kind that can hold it (as CPython would pick the narrowest,
    /// and the wider ones too, which the generic code must read alike).
    pub(crate) fn kinds(text: &str) -> (Option<Vec<u8>>, Option<Vec<u16>>, Vec<u32>) {
        let codes: Vec<u32> = text.chars().map(u32::from).collect();
        let max = codes.iter().copied().max().unwrap_or(0);
        let ucs1 = (max <= 0xff).then(|| codes.iter().map(|&c| c as u8).collect());
        let ucs2 = (max <= 0xffff).then(|| codes.iter().map(|&c| c as u16).collect());
        (ucs1, ucs2, codes)
    }

    /// Texts of fewer than `most` of `pieces` each, drawn by a xorshift generator from
    /// `seed` (the same texts on every run), without end; with `latin1`, every third only
    /// from the pieces Latin-1 holds, so that UCS1 storage is common among them.
    pub(crate) fn pieced<'a>(
        pieces: &'a [&'a str],
        seed: u64,
        most: u64,
        latin1: bool,
    ) -> impl Iterator<Item = String> + 'a {
        let mut state = seed;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        (0..).map(move |round| {
            let only_latin1 = latin1 && round % 3 == 0;
            (0..next() % most)
                .map(|_| pieces[(next() % pieces.len() as u64) as usize])
                .filter(|p| !only_latin1 || p.chars().all(|c| u32::from(c) <= 0xff))
                .collect()
        })
    }

    #[test]
    fn utf8_len_is_the_utf8_forms() {
        let text = "a\u{7f}\u{80}é\u{7ff}\u{800}€\u{ffff}\u{10000}😀\u{10ffff}";
        let (ucs1, ucs2, ucs4) = kinds(text);
        assert!(ucs1.is_none() && ucs2.is_none());
        assert_eq!(utf8_len(&ucs4), text.len());
        for (k, c) in text.chars().enumerate() {
            assert_eq!(ucs4[k].utf8_len(), c.len_utf8(), "{c:?}");
        }
        let latin1: Vec<u8> = (0..=255).collect();
        let as_text: String = latin1.iter().map(|&u| char::from(u)).collect();
        assert_eq!(utf8_len(&latin1), as_text.len());
        // A lone surrogate counts as U+FFFD, the character `char` reads it as.
        assert_eq!(0xd800_u16.utf8_len(), '\u{fffd}'.len_utf8());
        assert_eq!(0xdfff_u32.utf8_len(), 3);
    }

    #[test]
    fn ascii_view_keeps_ascii_and_offsets() {
        let (_, _, ucs4) = kinds("a€b😀c\u{7f}\u{80}ÿ");
        assert_eq!(&*u32::ascii_view(&ucs4), b"a\x80b\x80c\x7f\x80\x80");
        let (_, ucs2, _) = kinds("a€b\u{ffff}\u{d7ff}x");
        assert_eq!(&*u16::ascii_view(&ucs2.unwrap()), b"a\x80b\x80\x80x");
        let latin1: Vec<u8> = (0..=255).collect();
        assert!(matches!(u8::ascii_view(&latin1), Cow::Borrowed(v) if v == latin1.as_slice()));
    }

    #[test]
    fn string_of_equals_collect() {
        for text in [
            "",
            "Kafka is a plus",
            "é•\u{10022} ı\u{7f}\u{80}x",
            "\u{ffff}a\u{10ffff}",
        ] {
            let chars: Vec<char> = text.chars().collect();
            for lo in 0..chars.len() {
                for hi in lo..=chars.len() {
                    let expected: String = chars[lo..hi].iter().collect();
                    assert_eq!(string_of(&chars[lo..hi]), expected);
                }
            }
        }
    }
}
