//! camelCase glue: skills run together in scraped tech-stack lists (stream/enrich/skills/glue.py).
//!
//! A glue point is an offset where a word changes case inside itself: "aB" or "3B" (a
//! lower-case letter or digit, then an upper-case one) or "ABc" (an acronym, then a
//! capitalised word). Each glued word is cut at its glue points and every run of segments
//! is looked up in the dictionary of folded forms: no second scan.

use crate::fxhash::FxHashMap;

use crate::chars::{isdigit, islower, isupper};

const GLUE_MIN_SEGMENT: usize = 4; // shorter average segments: an id or a hash
const GLUE_MAX_FORM: usize = 60; // no form is longer
pub const GLUE_MIN_LEN: usize = 3; // "Go"/"R" glued into words ("GoDaddy") are not skills

/// Letter classes of the ASCII bytes: b'a' lower-case or digit, b'A' upper-case, b' '
/// else (the reference of the bit masks below, in the tests).
#[cfg(test)]
static CLASS_TABLE: [u8; 256] = {
    let mut table = [b' '; 256];
    let mut c = 0;
    while c < 128 {
        let b = c as u8;
        if b.is_ascii_lowercase() || b.is_ascii_digit() {
            table[c] = b'a';
        } else if b.is_ascii_uppercase() {
            table[c] = b'A';
        }
        c += 1;
    }
    table
};

/// Upper-case and lower-case-or-digit bytes of `encoded` as bit masks, 64 bytes an entry
/// (bit k of entry w: byte 64w + k). Most postings have few glue points; a byte loop with
/// a table and a branch per byte to find them cost ~6% of the whole scan.
fn class_masks(encoded: &[u8]) -> (Vec<u64>, Vec<u64>) {
    let blocks = encoded.len().div_ceil(64);
    let (mut upper, mut lower) = (Vec::with_capacity(blocks), Vec::with_capacity(blocks));
    for chunk in encoded.chunks(64) {
        let (u, l) = if chunk.len() == 64 {
            masks64(chunk.try_into().expect("64 bytes"))
        } else {
            let mut last = [b' '; 64];
            last[..chunk.len()].copy_from_slice(chunk);
            masks64(&last)
        };
        upper.push(u);
        lower.push(l);
    }
    (upper, lower)
}

/// (upper-case, lower-case or digit) bytes of 64 ASCII bytes as bit masks.
#[cfg(target_arch = "x86_64")]
fn masks64(bytes: &[u8; 64]) -> (u64, u64) {
    use std::arch::x86_64::{
        __m128i, _mm_and_si128, _mm_cmpgt_epi8, _mm_loadu_si128, _mm_movemask_epi8, _mm_or_si128,
        _mm_set1_epi8,
    };
    // SAFETY: SSE2 is part of x86_64; each load reads 16 bytes inside `bytes`.
    unsafe {
        // lo <= b <= hi, as signed bytes: the encoded text is ASCII (0..=127).
        let within = |v: __m128i, lo: u8, hi: u8| {
            _mm_and_si128(
                _mm_cmpgt_epi8(v, _mm_set1_epi8(lo as i8 - 1)),
                _mm_cmpgt_epi8(_mm_set1_epi8(hi as i8 + 1), v),
            )
        };
        let (mut upper, mut lower) = (0u64, 0u64);
        for lane in 0..4 {
            let v = _mm_loadu_si128(bytes.as_ptr().add(lane * 16).cast());
            let u = _mm_movemask_epi8(within(v, b'A', b'Z')) as u32 as u64;
            let l = _mm_movemask_epi8(_mm_or_si128(within(v, b'a', b'z'), within(v, b'0', b'9')))
                as u32 as u64;
            upper |= (u & 0xffff) << (lane * 16);
            lower |= (l & 0xffff) << (lane * 16);
        }
        (upper, lower)
    }
}

#[cfg(not(target_arch = "x86_64"))]
fn masks64(bytes: &[u8; 64]) -> (u64, u64) {
    let (mut upper, mut lower) = (0u64, 0u64);
    for (k, &b) in bytes.iter().enumerate() {
        upper |= u64::from(b.is_ascii_uppercase()) << k;
        lower |= u64::from(b.is_ascii_lowercase() || b.is_ascii_digit()) << k;
    }
    (upper, lower)
}

/// Offsets i where "aA" ends at i or "AAa" has its second byte at i, in order (classes
/// as in `CLASS_TABLE`), from the bit masks of `encoded` (ASCII).
fn glue_points(encoded: &[u8]) -> Vec<usize> {
    let (upper, lower) = class_masks(encoded);
    let mut points = Vec::new();
    for w in 0..upper.len() {
        let prev = |m: &[u64]| m[w] << 1 | if w > 0 { m[w - 1] >> 63 } else { 0 };
        let next = lower[w] >> 1 | lower.get(w + 1).map_or(0, |m| m << 63);
        let mut found = upper[w] & (prev(&lower) | (prev(&upper) & next));
        while found != 0 {
            points.push(w * 64 + found.trailing_zeros() as usize);
            found &= found - 1;
        }
    }
    points
}

/// A camelCase boundary between text[i-1] and text[i]: aB, 3B, or ABc (acronym, word).
pub fn is_glue(text: &[char], i: usize) -> bool {
    let (cur, prev) = (text[i], text[i - 1]);
    if !isupper(cur) {
        return false;
    }
    if islower(prev) || isdigit(prev) {
        return true;
    }
    isupper(prev) && i + 1 < text.len() && islower(text[i + 1])
}

/// A byte of no class (`CLASS_TABLE` b' '): neither an ASCII letter nor a digit.
fn is_space(b: u8) -> bool {
    !b.is_ascii_alphanumeric()
}

fn rfind_space(encoded: &[u8], end: usize) -> Option<usize> {
    encoded[..end].iter().rposition(|&b| is_space(b))
}

fn find_space(encoded: &[u8], from: usize) -> Option<usize> {
    if from >= encoded.len() {
        return None;
    }
    encoded[from..]
        .iter()
        .position(|&b| is_space(b))
        .map(|p| p + from)
}

/// (start, end, key) of every form that starts or ends at a glue point. `padded` is
/// b" " + the folded text + b" "; `keys` maps a folded form of at least `GLUE_MIN_LEN`
/// bytes to its key. The caller checks the outer boundaries.
pub fn glued_candidates(
    padded: &[u8],
    encoded: &[u8],
    keys: &FxHashMap<Vec<u8>, usize>,
) -> Vec<(usize, usize, usize)> {
    let points = glue_points(encoded);
    let mut found = Vec::new();
    if points.is_empty() {
        return found;
    }
    let size = encoded.len();
    let mut i = 0;
    while i < points.len() {
        let lo = rfind_space(encoded, points[i]).map_or(0, |p| p + 1);
        let hi = find_space(encoded, points[i]).unwrap_or(size);
        let j = i + points[i..].partition_point(|&p| p < hi);
        let inner = &points[i..j];
        i = j;
        if inner.len() > 3 && (hi - lo) < GLUE_MIN_SEGMENT * inner.len() {
            continue; // an identifier or a hash ("rMChK2Nb3EPUvX6e8"), not a word list
        }
        let after = if hi < size {
            find_space(encoded, hi + 1)
        } else {
            None
        };
        let before = if lo > 1 {
            rfind_space(encoded, lo - 1).map_or(0, |p| p + 1)
        } else {
            lo
        };
        let mut starts = Vec::with_capacity(inner.len() + 2);
        if before < lo {
            starts.push(before);
        }
        starts.push(lo);
        starts.extend_from_slice(inner);
        let mut ends = Vec::with_capacity(inner.len() + 2);
        ends.extend_from_slice(inner);
        ends.push(hi);
        if hi < size {
            ends.push(after.unwrap_or(size));
        }
        // Both lists ascend: each start only tries the ends within a form's length of it,
        // so a word glued from thousands of segments costs linear, not quadratic, time.
        for &start in &starts {
            let first = ends.partition_point(|&end| end <= start);
            for &end in &ends[first..] {
                if end - start > GLUE_MAX_FORM {
                    break;
                }
                if inner.binary_search(&start).is_err() && inner.binary_search(&end).is_err() {
                    continue; // the plain scan sees whole words
                }
                if let Some(&key) = keys.get(&padded[start + 1..end + 1]) {
                    found.push((start, end, key));
                }
            }
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The byte loop the masks replaced.
    fn reference_points(encoded: &[u8]) -> Vec<usize> {
        let classes: Vec<u8> = encoded.iter().map(|&b| CLASS_TABLE[b as usize]).collect();
        let mut points = Vec::new();
        for i in 1..classes.len() {
            if classes[i] != b'A' {
                continue;
            }
            let prev = classes[i - 1];
            if prev == b'a' || (prev == b'A' && classes.get(i + 1) == Some(&b'a')) {
                points.push(i);
            }
        }
        points
    }

    #[test]
    fn glue_points_and_spaces_are_the_byte_loop_ones() {
        let pieces = [
            "a",
            "B",
            "3",
            " ",
            "?",
            "Go",
            "ABc",
            "JavaScript",
            "AWS",
            "x",
            "_",
            "Z",
        ];
        let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
        for round in 0..3000 {
            let mut text = String::new();
            // Lengths around the 64-byte blocks, where the masks carry bits across.
            for _ in 0..(round % 90) {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                text.push_str(pieces[(state % pieces.len() as u64) as usize]);
            }
            let encoded = text.as_bytes();
            assert_eq!(glue_points(encoded), reference_points(encoded), "{text:?}");
            let spaces: Vec<u8> = encoded.iter().map(|&b| CLASS_TABLE[b as usize]).collect();
            for i in 0..=encoded.len() {
                assert_eq!(
                    rfind_space(encoded, i),
                    spaces[..i].iter().rposition(|&b| b == b' ')
                );
                let found = spaces
                    .get(i..)
                    .and_then(|s| s.iter().position(|&b| b == b' '));
                assert_eq!(find_space(encoded, i), found.map(|p| p + i));
            }
        }
    }
}
