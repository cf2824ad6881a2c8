//! The case fold and the boundary checks of one candidate span (stream/enrich/skills/text.py).

use crate::chars::{isalnum, isalpha, islower, string_of};

/// `MATCH_TABLE`: ASCII letters lower-cased; digits and ".+#&" kept (they carry meaning
/// inside forms: "C++", "C#", ".NET", "R&D"); every other byte, and "?" (what a non-ASCII
/// character became), a space.
pub static MATCH_TABLE: [u8; 256] = {
    let mut table = [b' '; 256];
    let mut c = 0;
    while c < 128 {
        let b = c as u8;
        if b.is_ascii_alphanumeric() || b == b'.' || b == b'+' || b == b'#' || b == b'&' {
            table[c] = b.to_ascii_lowercase();
        }
        c += 1;
    }
    table
};

/// The text's `encode("ascii", "replace")`: one byte per character, "?" for non-ASCII,
/// so byte offsets are character offsets.
pub fn ascii_replace(text: &[char]) -> Vec<u8> {
    text.iter()
        .map(|&c| if c.is_ascii() { c as u8 } else { b'?' })
        .collect()
}

/// b" " + the fold (`MATCH_TABLE`) of `encoded` + b" ": what the matcher's automaton and
/// the context rules' phrases scan (padded offset i is text offset i - 1). Built once per
/// text and shared by both.
pub fn fold_padded(encoded: &[u8]) -> Vec<u8> {
    let mut padded = Vec::with_capacity(encoded.len() + 2);
    padded.push(b' ');
    padded.extend(encoded.iter().map(|&b| MATCH_TABLE[b as usize]));
    padded.push(b' ');
    padded
}

const SENTENCE_START: &str = "\n.!?:;•·*-–—>";
// A capitalised sentence-initial cased form followed by one of these is still the skill.
const TECH_FOLLOWERS: &[&str] = &[
    "and",
    "or",
    "is",
    "are",
    "skills",
    "skill",
    "experience",
    "knowledge",
    "proficiency",
    "programming",
    "developer",
    "developers",
    "development",
    "language",
    "languages",
    "code",
    "coding",
    "framework",
    "expertise",
    "expert",
    "based",
    "apps",
    "applications",
    "services",
    "engineer",
    "engineers",
    "certification",
    "certified",
    "spreadsheets",
    "spreadsheet",
    "scripting",
    "stack",
    "ecosystem",
    "fluency",
    "fluent",
    "speaking",
    "required",
    "preferred",
    "jobs",
    "cluster",
    "clusters",
    "pipeline",
    "pipelines",
    "streaming",
    "queries",
    "api",
    "apis",
    "sdk",
    "scripts",
    "workflows",
    "dashboards",
    "models",
    "databases",
    "server",
    "servers",
];

/// A capitalised form opening a sentence and followed by a lowercase word: "Go the".
pub fn common_word_use(text: &[char], start: usize, end: usize) -> bool {
    let mut i = start;
    while i > 0 && text[i - 1] == ' ' {
        i -= 1;
    }
    if i > 0 && !SENTENCE_START.contains(text[i - 1]) {
        return false;
    }
    if end + 1 >= text.len() || !matches!(text[end], ' ' | '-') || !islower(text[end + 1]) {
        return false;
    }
    let mut j = end + 1;
    while j < text.len() && isalpha(text[j]) {
        j += 1;
    }
    let word = string_of(&text[end + 1..j]);
    !TECH_FOLLOWERS.contains(&word.as_str())
}

const ONE_CHAR_LEFT_BLOCK: &str = ".&-+#'’_";
const ONE_CHAR_RIGHT_BLOCK: &str = "&-+#'’_";

/// Not "R&D", "C++", "C-level", "R_ID", nor an initial such as "C.V." or "R.N.".
pub fn lone_letter(text: &[char], start: usize) -> bool {
    if start > 0 {
        let before = text[start - 1];
        if isalnum(before) || ONE_CHAR_LEFT_BLOCK.contains(before) {
            return false;
        }
    }
    if start + 1 < text.len() {
        let after = text[start + 1];
        if isalnum(after) || ONE_CHAR_RIGHT_BLOCK.contains(after) {
            return false;
        }
        if after == '.' && start + 2 < text.len() && isalnum(text[start + 2]) {
            return false;
        }
    }
    true
}
