//! Python's `str` character predicates, so that boundary checks agree with the reference.
//!
//! Rust's `char::is_alphanumeric` counts combining marks with the Other_Alphabetic
//! property and circled letters as letters, and `char::is_whitespace` leaves out the
//! ASCII separators 0x1C-0x1F; Python's `str.isalnum` and `str.isspace` do not. These
//! functions follow Python (by general category), with an ASCII fast path.

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
/// The scans that read a str without its UTF-8 form (money.rs, terms.rs) take any of the
/// three.
pub trait Unit: Copy + Send + Sync {
    fn code(self) -> u32;

    /// The character, U+FFFD for a lone surrogate.
    #[inline(always)]
    fn char(self) -> char {
        char::from_u32(self.code()).unwrap_or(char::REPLACEMENT_CHARACTER)
    }

    /// The units as UTF-8 when they are all ASCII and already bytes: searched in place.
    fn ascii_bytes(_units: &[Self]) -> Option<&[u8]> {
        None
    }
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
mod tests {
    use super::string_of;

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
