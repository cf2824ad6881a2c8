//! The common case of `stream.enrich.text.normalize_text`, after its HTML step, in one pass
//! over the string's own code units: NFKC is skipped when every character is one NFKC
//! leaves alone (`nfkc_stable.rs`), and the whitespace collapse and the final `strip()`
//! are done on the units themselves. Python's path (`plain_text`, then `prep`'s collapse
//! through UTF-8 both ways, then `strip`) stays the reference; `finish` answers None where
//! it would differ from this one: a "\r" (Python makes it a line end) or a character NFKC
//! may change.
use crate::chars::isspace;
use crate::nfkc_stable::RANGES;
// Python's `str.isspace` for ASCII, the table `prep` reads whitespace with.
use crate::prep::ASCII_SPACE;

#[inline(always)]
fn is_space(unit: u32) -> bool {
    if unit < 0x80 {
        return ASCII_SPACE[unit as usize];
    }
    char::from_u32(unit).is_some_and(isspace)
}

/// Is the code point above ASCII one NFKC leaves alone wherever it stands?
pub fn nfkc_stable(unit: u32) -> bool {
    RANGES
        .binary_search_by(|&(first, last)| {
            if last < unit {
                std::cmp::Ordering::Less
            } else if first > unit {
                std::cmp::Ordering::Greater
            } else {
                std::cmp::Ordering::Equal
            }
        })
        .is_ok()
}

const CHUNK: usize = 16;

/// Are the first `CHUNK` units of `units` (`CHUNK` + 1 of them: the last is only looked
/// at) printable ASCII or single spaces before printable ASCII, which a run keeps as they
/// are?
#[inline(always)]
fn plain_chunk<T: Unit>(units: &[T]) -> bool {
    let mut plain = true;
    for j in 0..CHUNK {
        let unit: u32 = units[j].into();
        let next: u32 = units[j + 1].into();
        let printable = unit.wrapping_sub(0x21) < 0x5f;
        let single_space = (unit == 0x20) & (next.wrapping_sub(0x21) < 0x5f);
        plain &= printable | single_space;
    }
    plain
}

/// A code unit of a Python string's storage (UCS1, UCS2 or UCS4).
pub trait Unit: Copy + Into<u32> {
    const SPACE: Self;
    const NEWLINE: Self;
}

impl Unit for u8 {
    const SPACE: Self = b' ';
    const NEWLINE: Self = b'\n';
}

impl Unit for u16 {
    const SPACE: Self = b' ' as u16;
    const NEWLINE: Self = b'\n' as u16;
}

impl Unit for u32 {
    const SPACE: Self = b' ' as u32;
    const NEWLINE: Self = b'\n' as u32;
}

/// `collapse_whitespace(text).strip()` when `text` has no "\r" and NFKC leaves every
/// character of it alone; None otherwise (the caller takes Python's path). A surrogate (not a char) is none of the
/// stable characters, so a text holding one is None too.
pub fn finish<T: Unit>(text: &[T]) -> Option<Vec<T>> {
    let mut out: Vec<T> = Vec::with_capacity(text.len());
    let n = text.len();
    let mut blank = false; // the previous kept line was blank
    let mut first = true;
    let mut i = 0;
    loop {
        // One line: text[i..] up to the next "\n", its words joined by single spaces.
        let line_start = out.len();
        if !first {
            out.push(T::NEWLINE);
        }
        let content_start = out.len();
        let mut k = i;
        let mut run = i; // text[run..k] is words split by single " ": copied as it is
        let mut careful = 0; // units left to read one by one since a chunk was not plain
        loop {
            if careful == 0 && k > run && k + CHUNK < n {
                // Most of a text is printable ASCII with single spaces between words:
                // tested a chunk at a time (branch-free, vectorized), not a branch per
                // unit (a mispredicted one at every word end).
                if plain_chunk(&text[k..=k + CHUNK]) {
                    k += CHUNK;
                    continue;
                }
                careful = CHUNK;
            }
            if k >= n {
                break;
            }
            careful = careful.saturating_sub(1);
            let unit: u32 = text[k].into();
            if unit > 0x20 && unit < 0x80 {
                k += 1; // the common unit: ASCII, not whitespace
                continue;
            }
            if unit == 0x20 && k > run && k + 1 < n && !is_space(text[k + 1].into()) {
                k += 1; // one space between two words: part of the run
                continue;
            }
            if unit == u32::from(b'\r') || (unit >= 0x80 && !nfkc_stable(unit)) {
                return None;
            }
            if unit == u32::from(b'\n') {
                break;
            }
            if is_space(unit) {
                if k > run {
                    if out.len() > content_start {
                        out.push(T::SPACE);
                    }
                    out.extend_from_slice(&text[run..k]);
                }
                k += 1;
                run = k;
                continue;
            }
            k += 1;
        }
        if k > run {
            if out.len() > content_start {
                out.push(T::SPACE);
            }
            out.extend_from_slice(&text[run..k]);
        }
        if out.len() == content_start {
            if blank {
                out.truncate(line_start); // a second blank line in a row
            } else {
                blank = true;
                first = false;
            }
        } else {
            blank = false;
            first = false;
        }
        if k >= n {
            break;
        }
        i = k + 1;
    }
    // `strip()`: every line is trimmed, so only line breaks can be left at either end.
    let end = out
        .iter()
        .rposition(|&u| u.into() != u32::from(b'\n'))
        .map_or(0, |p| p + 1);
    out.truncate(end);
    let start = out
        .iter()
        .position(|&u| u.into() != u32::from(b'\n'))
        .unwrap_or(out.len());
    out.drain(..start);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(text: &str) -> Option<String> {
        let units: Vec<u32> = text.chars().map(u32::from).collect();
        finish(&units).map(|out| out.iter().map(|&u| char::from_u32(u).unwrap()).collect())
    }

    #[test]
    fn collapses_lines_and_strips() {
        assert_eq!(
            run("\n\n  a  b\t c \n\n\n d\u{2028}e \n \n").as_deref(),
            Some("a b c\n\nd e")
        );
        assert_eq!(run("   ").as_deref(), Some(""));
        assert_eq!(run("x ’y’ – z").as_deref(), Some("x ’y’ – z"));
    }

    #[test]
    fn leaves_carriage_returns_and_nfkc_changes_to_python() {
        assert_eq!(run("a\r\nb"), None);
        assert_eq!(run("a\u{a0}b"), None); // NBSP: NFKC makes it a space
        assert_eq!(run("ﬁne"), None);
        assert_eq!(run("e\u{301}"), None); // a combining mark composes with the "e"
    }

    #[test]
    fn the_table_is_sorted_and_disjoint() {
        assert!(RANGES.windows(2).all(|w| w[0].1 < w[1].0));
        assert!(RANGES.iter().all(|&(a, b)| a <= b && a >= 0x80));
        assert!(nfkc_stable(0x2019) && !nfkc_stable(0x2026) && !nfkc_stable(0x80 + 0x20));
    }
}
