//! The bytes behind a posting's content digests (`content_digests` in
//! stream/enrich/pipeline.py), in one pass instead of six `join_words` calls and a
//! `json.dumps`, which together cost ~40 µs of a posting's ~50 µs digest.
//!
//! The digest is a contract (cache keys, change events, dedup across boards, the trends
//! app's dedup): these bytes must stay exactly those of
//! `json.dumps({field: " ".join(value.split()) ...}, sort_keys=True, ensure_ascii=False)`,
//! encoded as UTF-8. tests/unit/test_digest_native.py holds them equal on every sample
//! posting and on generated text, and pins the digest of a fixed posting.
use pyo3::prelude::*;
use pyo3::types::PyBytes;

use crate::chars::isspace;
use crate::prep::join_words;

/// The content fields in `sort_keys` order (ASCII order of the names).
pub const SORTED_FIELDS: [&str; 6] = [
    "company",
    "description",
    "employment_type",
    "location",
    "salary_text",
    "title",
];

/// Append `text` as a JSON string the way CPython's `json` does with `ensure_ascii=False`
/// (`escape_unicode` in Modules/_json.c): `"` and `\` escaped, \b \f \n \r \t as short
/// escapes, every other code point below U+0020 as `\u00xx` (lowercase hex); everything
/// else, DEL and non-ASCII included, as it is.
pub fn push_json_string(out: &mut Vec<u8>, text: &str) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push(b'"');
    let bytes = text.as_bytes();
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        // UTF-8 continuation and lead bytes are >= 0x80: only ASCII needs a look.
        let short = match b {
            b'"' => b'"',
            b'\\' => b'\\',
            0x08 => b'b',
            0x0c => b'f',
            b'\n' => b'n',
            b'\r' => b'r',
            b'\t' => b't',
            0x00..=0x1f => 0,
            _ => continue,
        };
        out.extend_from_slice(&bytes[start..i]);
        if short != 0 {
            out.extend_from_slice(&[b'\\', short]);
        } else {
            out.extend_from_slice(b"\\u00");
            out.extend_from_slice(&[HEX[usize::from(b >> 4)], HEX[usize::from(b & 0xf)]]);
        }
        start = i + 1;
    }
    out.extend_from_slice(&bytes[start..]);
    out.push(b'"');
}

// How `push_words_json` reads a byte: copied as it is (in runs), ASCII whitespace,
// escaped in JSON, or the lead byte of a character that may be Python whitespace (every
// non-ASCII one starts with 0xC2, 0xE1, 0xE2 or 0xE3: U+0085, U+00A0, U+1680,
// U+2000-U+205F, U+3000). UTF-8 continuation bytes are 0x80-0xBF, so they are copied.
const PLAIN: u8 = 0;
const SPACE: u8 = 1;
const ESCAPE: u8 = 2;
const MAYBE_SPACE: u8 = 3;

const fn byte_classes() -> [u8; 256] {
    let mut classes = [PLAIN; 256];
    let mut b = 0;
    while b < 0x20 {
        classes[b] = ESCAPE;
        b += 1;
    }
    classes[b'"' as usize] = ESCAPE;
    classes[b'\\' as usize] = ESCAPE;
    // Python's ASCII whitespace: \t \n \v \f \r, 0x1C-0x1F and the space.
    let spaces = [0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x1c, 0x1d, 0x1e, 0x1f, 0x20];
    let mut k = 0;
    while k < spaces.len() {
        classes[spaces[k]] = SPACE;
        k += 1;
    }
    classes[0xc2] = MAYBE_SPACE;
    classes[0xe1] = MAYBE_SPACE;
    classes[0xe2] = MAYBE_SPACE;
    classes[0xe3] = MAYBE_SPACE;
    classes
}

static CLASSES: [u8; 256] = byte_classes();

/// Append `" ".join(text.split())` as a JSON string (as `push_json_string` would write
/// it), in one pass that copies runs of ordinary bytes; true when something in it needed
/// an escape.
pub fn push_words_json(out: &mut Vec<u8>, text: &str) -> bool {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let bytes = text.as_bytes();
    let mut words = Words {
        out,
        written: false,
        gap: false,
    };
    words.out.push(b'"');
    let mut escaped = false;
    let mut run = 0; // start of the bytes not yet copied
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        match CLASSES[usize::from(b)] {
            PLAIN => i += 1,
            SPACE => {
                words.copy(&bytes[run..i]);
                words.gap = true;
                i += 1;
                run = i;
            }
            MAYBE_SPACE => {
                // A lead byte, so `i` is a character boundary.
                let c = text[i..].chars().next().unwrap_or('\0');
                if isspace(c) {
                    words.copy(&bytes[run..i]);
                    words.gap = true;
                    i += c.len_utf8();
                    run = i;
                } else {
                    i += c.len_utf8();
                }
            }
            _ => {
                // What is left of 0x00-0x1F once whitespace is gone, `"` and `\`.
                words.copy(&bytes[run..i]);
                escaped = true;
                match b {
                    b'"' | b'\\' => words.copy(&[b'\\', b]),
                    0x08 => words.copy(b"\\b"),
                    0x0c => words.copy(b"\\f"),
                    _ => words.copy(&[
                        b'\\',
                        b'u',
                        b'0',
                        b'0',
                        HEX[usize::from(b >> 4)],
                        HEX[usize::from(b & 0xf)],
                    ]),
                }
                i += 1;
                run = i;
            }
        }
    }
    words.copy(&bytes[run..]);
    words.out.push(b'"');
    escaped
}

/// Words written with one space between them, whatever whitespace separated them.
struct Words<'a> {
    out: &'a mut Vec<u8>,
    written: bool, // a word was written: a space goes before the next one
    gap: bool,     // whitespace since the last piece
}

impl Words<'_> {
    fn copy(&mut self, piece: &[u8]) {
        if piece.is_empty() {
            return;
        }
        if self.gap && self.written {
            self.out.push(b' ');
        }
        self.gap = false;
        self.written = true;
        self.out.extend_from_slice(piece);
    }
}

/// The canonical content bytes and the normalized description (UTF-8), from the field
/// values in `SORTED_FIELDS` order (a missing field is "").
pub fn canonical(values: [&str; 6]) -> (Vec<u8>, Vec<u8>) {
    let capacity = values.iter().map(|v| v.len()).sum::<usize>() + 128;
    let mut out = Vec::with_capacity(capacity);
    let mut description = Vec::new();
    out.push(b'{');
    for (index, (name, value)) in SORTED_FIELDS.iter().zip(values).enumerate() {
        if index > 0 {
            out.extend_from_slice(b", ");
        }
        push_json_string(&mut out, name);
        out.extend_from_slice(b": ");
        let start = out.len();
        let escaped = push_words_json(&mut out, value);
        if *name == "description" {
            description = if escaped {
                join_words(value).into_bytes()
            } else {
                out[start + 1..out.len() - 1].to_vec() // the words as they are, unquoted
            };
        }
    }
    out.push(b'}');
    (out, description)
}

/// `(canonical content bytes, normalized description as UTF-8)` for the content digests;
/// arguments in the order of `SORTED_FIELDS`.
#[pyfunction]
fn content_canonical<'py>(
    py: Python<'py>,
    company: &str,
    description: &str,
    employment_type: &str,
    location: &str,
    salary_text: &str,
    title: &str,
) -> (Bound<'py, PyBytes>, Bound<'py, PyBytes>) {
    let values = [
        company,
        description,
        employment_type,
        location,
        salary_text,
        title,
    ];
    // The GIL is kept: ~10 µs of work is less than what handing it to the committer
    // thread and waiting to get it back can cost (up to the 5 ms switch interval).
    let (content, description) = canonical(values);
    (PyBytes::new(py, &content), PyBytes::new(py, &description))
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(content_canonical, m)?)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn json(text: &str) -> String {
        let mut out = Vec::new();
        push_json_string(&mut out, text);
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn escapes_like_cpython_json_without_ensure_ascii() {
        assert_eq!(json("plain"), "\"plain\"");
        assert_eq!(json("a\"b\\c"), "\"a\\\"b\\\\c\"");
        assert_eq!(json("\u{8}\u{c}\n\r\t"), "\"\\b\\f\\n\\r\\t\"");
        assert_eq!(json("\u{0}\u{1f}\u{7f}"), "\"\\u0000\\u001f\u{7f}\"");
        assert_eq!(json("café €"), "\"café €\"");
    }

    #[test]
    fn canonical_is_sorted_and_collapses_whitespace() {
        let (content, description) = canonical(["Acme", " a\n\n b ", "", "", "", "Dev"]);
        assert_eq!(
            String::from_utf8(content).unwrap(),
            "{\"company\": \"Acme\", \"description\": \"a b\", \"employment_type\": \"\", \
             \"location\": \"\", \"salary_text\": \"\", \"title\": \"Dev\"}"
        );
        assert_eq!(description, b"a b");
    }

    #[test]
    fn one_pass_equals_join_then_escape() {
        for text in [
            "",
            "  ",
            " a  b ",
            "x\u{8}y \"q\" \\ z\u{1}",
            "\u{a0}caf\u{e9}\u{2028}\u{3000}end\u{85}",
            "\u{1f600} \u{2003}\u{200b}\u{feff}\u{e2}\u{82}\u{ac}",
            "tab\tnew\nline\r\u{1c}\u{1d}\u{1e}\u{1f}\u{b}\u{c}",
        ] {
            let mut one = Vec::new();
            push_words_json(&mut one, text);
            let mut two = Vec::new();
            push_json_string(&mut two, &join_words(text));
            assert_eq!(one, two, "{text:?}");
        }
    }
}
