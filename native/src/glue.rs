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
/// else (a table: a branch per byte cost a fifth of the whole scan).
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

fn classes(encoded: &[u8]) -> Vec<u8> {
    encoded.iter().map(|&b| CLASS_TABLE[b as usize]).collect()
}

/// Offsets i where "aA" ends at i or "AAa" has its second byte at i, in order.
fn glue_points(classes: &[u8]) -> Vec<usize> {
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

fn rfind_space(classes: &[u8], end: usize) -> Option<usize> {
    classes[..end].iter().rposition(|&b| b == b' ')
}

fn find_space(classes: &[u8], from: usize) -> Option<usize> {
    if from >= classes.len() {
        return None;
    }
    classes[from..]
        .iter()
        .position(|&b| b == b' ')
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
    let classes = classes(encoded);
    let points = glue_points(&classes);
    let mut found = Vec::new();
    if points.is_empty() {
        return found;
    }
    let size = encoded.len();
    let mut i = 0;
    while i < points.len() {
        let lo = rfind_space(&classes, points[i]).map_or(0, |p| p + 1);
        let hi = find_space(&classes, points[i]).unwrap_or(size);
        let j = i + points[i..].partition_point(|&p| p < hi);
        let inner = &points[i..j];
        i = j;
        if inner.len() > 3 && (hi - lo) < GLUE_MIN_SEGMENT * inner.len() {
            continue; // an identifier or a hash ("rMChK2Nb3EPUvX6e8"), not a word list
        }
        let after = if hi < size {
            find_space(&classes, hi + 1)
        } else {
            None
        };
        let before = if lo > 1 {
            rfind_space(&classes, lo - 1).map_or(0, |p| p + 1)
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
