//! The description's work mode (`stream/enrich/place/work_mode.py`'s `description_mode`,
//! which stays the reference): the same cue scan, the same 50-byte windows around the
//! first cues, the same phrase patterns judged on each window, the same verdict.
//!
//! The reference decodes each UTF-8 window (dropping a character the window cuts),
//! lower-cases it with `str.lower` and searches it with Python's `re`. Here each character
//! of the lower-cased window becomes one byte for the `regex` crate's ASCII mode: ASCII as
//! it is, and any other character a byte of its class under Python's `re` on `str`: `_`
//! for a word character (`str.isalnum`), `\x0b` for whitespace (`str.isspace`; also the
//! ASCII separators 0x1C-0x1F, which Python counts as whitespace and the crate does not),
//! `\x01` for the rest. The patterns spell only ASCII letters, digits, spaces and a few
//! marks, so a character can only matter to them through `\b`, `\s` and negated classes,
//! where its class decides, as in Python. The two lookaheads the crate lacks are read by
//! hand: `(?![a-z])` becomes "a byte not a-z, or the end" (same truth, one more byte
//! consumed), and "is/a/be remote" or "is/a/be hybrid" not followed by one of their words
//! is checked at each occurrence.
use std::sync::LazyLock;

use aho_corasick::{AhoCorasick, Input, MatchKind};
use regex::bytes::{Regex, RegexSet};

use crate::chars::{isalnum, isspace};

pub const MAX_CUES: usize = 24;
const WINDOW: usize = 50;
pub const REMOTE_CUE: u8 = 1;
pub const HYBRID_CUE: u8 = 2;
pub const ONSITE_CUE: u8 = 4;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    Onsite,
    Hybrid,
    Remote,
}

impl Mode {
    pub fn name(self) -> &'static str {
        match self {
            Mode::Onsite => "onsite",
            Mode::Hybrid => "hybrid",
            Mode::Remote => "remote",
        }
    }
}

const ON: &str = r"(?:on[- ]?site|in[- ]office|in[- ]person|in the office|at the office)";
const NUM: &str = r"(?:[1-4]|one|two|three|four)";
const END: &str = r"(?:[^a-z]|$)";
const LABEL: &str = r"(?:location|setting|options?|workplace|work type|work model|arrangement):\s?";

/// The reference's patterns without their lookaheads; their indexes in the set.
const REMOTE: usize = 0;
const DENIED: usize = 1;
const ONSITE: usize = 2;
const HYBRID_WORD: usize = 3;
const HYBRID_DAYS: usize = 4;
const HYBRID_MIX: usize = 5;
const REMOTE_IS: usize = 6;
const HYBRID_IS: usize = 7;

fn patterns() -> Vec<String> {
    vec![
        // _REMOTE, but for its "a/is/be remote" branch (REMOTE_IS)
        format!(
            r"(?:fully|100%|completely|entirely|permanently|totally|all|mostly|primarily)[- ]remote{END}|% remote{END}"
        ) + r"|remote[- ](?:first|only|position|role|job|opportunit|work\b|working|based|eligible|"
            + r"friendly|option|us\b|usa\b|within|anywhere|internship|environment)"
            + r"|(?:work|works|working|performed|done|conducted|operate) (?:fully |100% |entirely |"
            + r"independently and )?remotely"
            + r"|(?:work|working) from (?:home|anywhere)|telecommut|telework|\bwfh\b"
            + &format!(r"|\(remote\)|\bremote ?\)|{LABEL}remote\b"),
        // _DENIED
        r"(?:not|never) (?:a |an |be |be a |available as a |eligible for |)(?:fully )?remote\b"
            .to_string()
            + r"|\bno remote\b|\bnon[- ]remote\b"
            + r"|remote (?:work |working )?(?:is |will )?not (?:be )?(?:available|possible|offered|"
            + r"an option|permitted|allowed)"
            + r"|remote (?:candidates|applicants|workers) (?:will not|won't|cannot) be considered",
        // _ONSITE
        format!(
            r"(?:100%|full|fully|entirely|completely|strictly|full[- ]time|day one|day 1),? {ON}"
        ) + &format!(
            r"|{ON}[- ](?:position|role|job|opportunit|only|work\b|basis|requirement|5 days|"
        ) + r"five days|every day|daily|internship)"
            + &format!(
                r"|(?:position|role|job|this) is (?:based |physically located |located )?{ON}"
            )
            + &format!(r"|(?:work|works|working|report|reporting) {ON}")
            + &format!(r"|must (?:be able to )?(?:work|report|be) {ON}")
            + r"|(?:5|five) days (?:a|per) week (?:in|at) (?:the |our )?(?:office|site)"
            + &format!(r"|\(on[- ]?site\)|{LABEL}(?:in[- ]person|on[- ]?site|in[- ]office)"),
        // _HYBRID_WORD, but for its "is/be/a hybrid" branch (HYBRID_IS)
        r"hybrid[- ]?(?:work|role|position|schedule|model|arrangement|opportunit|environment|"
            .to_string()
            + r"setting|job|basis|policy|remote|office|format|flexib|workplace|mode|/|2 days|3 days)"
            + &format!(r"|\(hybrid\)|\bhybrid ?\)|{LABEL}hybrid\b"),
        // _HYBRID_DAYS
        format!(r"\b{NUM} (?:days?|x) (?:a |per )?(?:week |wk )?(?:in|at|from) (?:the |our )?")
            + r"(?:office|site|home)"
            + &format!(r"|\b{NUM} days? (?:a week |per week )?(?:{ON}|remote|from home|wfh)")
            + &format!(r"|work from (?:the )?office {NUM} days"),
        // _HYBRID_MIX
        format!(r"(?:remote|home) and {ON}|{ON} and remote|mix of remote|part remote"),
        // the branches with a lookahead, found here, judged by `not_followed_by`
        r"\b(?:a|is|be) remote\b".to_string(),
        r"\b(?:is|be|a) hybrid\b".to_string(),
    ]
}

const NOT_REMOTE_AFTER: &[&str] = &[
    "sensing", "control", "monitor", "team", "engineer", "staff", "worker", "employee", "site",
    "location", "access", "desktop", "support", "area", "village", "island",
];
const NOT_HYBRID_AFTER: &[&str] = &[
    "cloud",
    "app",
    "car",
    "vehicle",
    "model of care",
    "approach",
    "solution",
    "system",
    "integration",
    "architecture",
    "heat",
];

struct Patterns {
    set: RegexSet,
    remote_is: Regex,
    hybrid_is: Regex,
}

static PATTERNS: LazyLock<Patterns> = LazyLock::new(|| {
    let all: Vec<String> = patterns()
        .into_iter()
        .map(|p| format!("(?-u){p}"))
        .collect();
    Patterns {
        set: RegexSet::new(&all).expect("work mode patterns compile"),
        remote_is: Regex::new(&all[REMOTE_IS]).expect("compiles"),
        hybrid_is: Regex::new(&all[HYBRID_IS]).expect("compiles"),
    }
});

/// Compile the patterns now (the first posting would otherwise pay for it).
pub fn compile() {
    LazyLock::force(&PATTERNS);
}

/// Whether some match of `found` is not followed by " " and one of `words`: the
/// reference's `\b(?:a|is|be) remote\b(?! (?:sensing|...))`. Its matches cannot overlap
/// (each is one short word at a word start, a space and the cue), so `find_iter` sees them
/// all.
fn not_followed_by(found: &Regex, text: &[u8], words: &[&str]) -> bool {
    found.find_iter(text).any(|m| {
        let rest = &text[m.end()..];
        !(rest.first() == Some(&b' ') && words.iter().any(|w| rest[1..].starts_with(w.as_bytes())))
    })
}

/// The parts of the cues the scan looks for first (lower case), one in each cue form: the
/// rarer end of each cue. The reference's forms start with common words ("the office", "in
/// person", "on site"), so a SIMD search for the forms themselves stopped to check a
/// candidate every few bytes of English text; searching these instead, then checking the
/// whole form around each, cost about half (see docs/performance.md, "Terms, text and
/// salary (termsfast)").
const CORES: &[&str] = &[
    "site",
    "ffice",
    "rson",
    "home",
    "remote",
    "hybrid",
    "telecommut",
    "telework",
    "wfh",
];

/// The cue scan of the reference (`_CUE_SCAN`: its forms, leftmost-longest), and per form
/// the kind of cue (`_KIND`).
pub struct WorkModeReader {
    /// The cores as the forms spell them (e.g. "site", "Site", "SITE").
    cores: AhoCorasick,
    /// Per core spelling: (form index, offset of the core in the form).
    forms_of: Vec<Vec<(usize, usize)>>,
    forms: Vec<Vec<u8>>,
    kinds: Vec<u8>,
}

impl WorkModeReader {
    pub fn new(forms: &[String], kinds: &[u8]) -> Result<Self, String> {
        if forms.len() != kinds.len() {
            return Err("forms and kinds differ in length".into());
        }
        let mut spellings: Vec<Vec<u8>> = Vec::new();
        let mut forms_of: Vec<Vec<(usize, usize)>> = Vec::new();
        for (index, form) in forms.iter().enumerate() {
            let low = form.to_ascii_lowercase();
            if !form.is_ascii() || form.is_empty() {
                return Err(format!("cue form {form:?} is not ASCII"));
            }
            // Every occurrence of a form holds its core at this offset, so finding every
            // core occurrence finds every form occurrence.
            let Some((offset, core)) = CORES
                .iter()
                .find_map(|core| low.find(core).map(|at| (at, core.len())))
            else {
                return Err(format!("cue form {form:?} holds none of the cores"));
            };
            let spelling = form.as_bytes()[offset..offset + core].to_vec();
            let k = match spellings.iter().position(|s| *s == spelling) {
                Some(k) => k,
                None => {
                    spellings.push(spelling);
                    forms_of.push(Vec::new());
                    spellings.len() - 1
                }
            };
            forms_of[k].push((index, offset));
        }
        // No core spelling holds another, so the leftmost core occurrence at or after a
        // position is the only one starting there: searching again from one past each
        // start finds every occurrence, the overlapping ones too ("wfhome").
        for (i, a) in spellings.iter().enumerate() {
            for (j, b) in spellings.iter().enumerate() {
                if i != j && a.windows(b.len()).any(|w| w == b.as_slice()) {
                    return Err("a core spelling holds another".into());
                }
            }
        }
        let cores = AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostLongest)
            .build(&spellings)
            .map_err(|e| e.to_string())?;
        compile();
        Ok(Self {
            cores,
            forms_of,
            forms: forms.iter().map(|f| f.as_bytes().to_vec()).collect(),
            kinds: kinds.to_vec(),
        })
    }

    /// The first `MAX_CUES` cue occurrences as the reference's leftmost-longest scan
    /// finds them: (start, form index). Every occurrence of every form, found through its
    /// core, then the leftmost, and of those the longest, and again from its end.
    fn cues(&self, data: &[u8]) -> Vec<(usize, usize)> {
        let mut found: Vec<(usize, usize, usize)> = Vec::new(); // (start, end, form)
        let mut from = 0;
        while let Some(m) = self.cores.find(Input::new(data).range(from..)) {
            from = m.start() + 1;
            for &(form, offset) in &self.forms_of[m.pattern().as_usize()] {
                let Some(start) = m.start().checked_sub(offset) else {
                    continue;
                };
                let bytes = &self.forms[form];
                if data[start..].starts_with(bytes) {
                    found.push((start, start + bytes.len(), form));
                }
            }
        }
        found.sort_unstable_by_key(|&(start, end, _)| (start, std::cmp::Reverse(end)));
        let mut cues = Vec::new();
        let mut after = 0;
        for (start, end, form) in found {
            if start >= after {
                cues.push((start, form));
                after = end;
                if cues.len() == MAX_CUES {
                    break;
                }
            }
        }
        cues
    }

    /// `_cue_windows`: (start, end, kinds) of the byte windows around the first
    /// `MAX_CUES` cues, overlapping ones merged (`end` may pass the text's end).
    pub fn windows(&self, data: &[u8]) -> Vec<(usize, usize, u8)> {
        let mut windows: Vec<(usize, usize, u8)> = Vec::new();
        for (at, form) in self.cues(data) {
            let (start, end, kind) = (at.saturating_sub(WINDOW), at + WINDOW, self.kinds[form]);
            match windows.last_mut() {
                Some(last) if start <= last.1 => {
                    last.1 = end;
                    last.2 |= kind;
                }
                _ => windows.push((start, end, kind)),
            }
        }
        windows
    }

    /// `description_mode(text)`.
    pub fn mode(&self, text: &str) -> Option<Mode> {
        let data = text.as_bytes();
        let windows = self.windows(data);
        if windows.is_empty() {
            return None;
        }
        let (mut remote, mut onsite, mut hybrid, mut denied) = (false, false, false, false);
        let patterns = &*PATTERNS;
        let mut window = Vec::with_capacity(2 * WINDOW + 8);
        for (start, end, kinds) in windows {
            lowered_classes(text, start, end, &mut window);
            let matched = patterns.set.matches(&window);
            let has = |word: &[u8]| window.windows(word.len()).any(|w| w == word);
            hybrid = hybrid
                || (has(b"hybrid")
                    && (matched.matched(HYBRID_WORD)
                        || (matched.matched(HYBRID_IS)
                            && not_followed_by(&patterns.hybrid_is, &window, NOT_HYBRID_AFTER))))
                || (has(b"day") && matched.matched(HYBRID_DAYS))
                || (has(b"remote") && matched.matched(HYBRID_MIX));
            if kinds & REMOTE_CUE != 0 {
                denied = denied || matched.matched(DENIED);
                remote = remote
                    || matched.matched(REMOTE)
                    || (matched.matched(REMOTE_IS)
                        && not_followed_by(&patterns.remote_is, &window, NOT_REMOTE_AFTER));
            }
            if kinds & ONSITE_CUE != 0 {
                onsite = onsite || matched.matched(ONSITE);
            }
        }
        if hybrid || (remote && onsite && !denied) {
            return Some(Mode::Hybrid);
        }
        if denied || onsite {
            return Some(Mode::Onsite);
        }
        remote.then_some(Mode::Remote)
    }
}

/// `data[start:end].decode(errors="ignore").lower()` of the reference, one byte per
/// character of the result (see the module docstring), into `out`.
fn lowered_classes(text: &str, start: usize, end: usize, out: &mut Vec<u8>) {
    out.clear();
    let mut start = start.min(text.len());
    let mut end = end.min(text.len());
    // A character the window cuts is dropped, as the reference's decoding drops its bytes.
    while !text.is_char_boundary(start) {
        start += 1;
    }
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    if start >= end {
        return;
    }
    for c in text[start..end].chars() {
        if c.is_ascii() {
            out.push(match c {
                '\x1c'..='\x1f' => b'\x0b',
                _ => c.to_ascii_lowercase() as u8,
            });
        } else {
            for l in c.to_lowercase() {
                out.push(if l.is_ascii() {
                    l as u8 // "K" (Kelvin) is "k", "İ" is "i" and a combining dot
                } else if isalnum(l) {
                    b'_'
                } else if isspace(l) {
                    b'\x0b'
                } else {
                    b'\x01'
                });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reader() -> WorkModeReader {
        let cues = [
            "remote",
            "hybrid",
            "on-site",
            "onsite",
            "on site",
            "in office",
            "in-office",
            "the office",
            "from home",
            "telecommut",
            "telework",
            "wfh",
            "in-person",
            "in person",
        ];
        let mut forms = Vec::new();
        for cue in cues {
            let mut title = String::new();
            let mut up = true;
            for c in cue.chars() {
                title.push(if up { c.to_ascii_uppercase() } else { c });
                up = !c.is_ascii_alphabetic();
            }
            let mut cap = cue.to_string();
            cap[..1].make_ascii_uppercase();
            for form in [cue.to_string(), cap, title, cue.to_ascii_uppercase()] {
                if !forms.contains(&form) {
                    forms.push(form);
                }
            }
        }
        forms.sort();
        let kinds: Vec<u8> = forms
            .iter()
            .map(|f| {
                let f = f.to_ascii_lowercase();
                if f.contains("hybrid") {
                    HYBRID_CUE
                } else if ["remote", "home", "tele", "wfh"]
                    .iter()
                    .any(|w| f.contains(w))
                {
                    REMOTE_CUE
                } else {
                    ONSITE_CUE
                }
            })
            .collect();
        WorkModeReader::new(&forms, &kinds).unwrap()
    }

    #[test]
    fn phrases() {
        let r = reader();
        assert_eq!(r.mode("This is a fully remote role."), Some(Mode::Remote));
        assert_eq!(r.mode("We do remote sensing."), None);
        assert_eq!(r.mode("The job is remote sensing work"), None);
        assert_eq!(r.mode("The job is remote, apply"), Some(Mode::Remote));
        assert_eq!(
            r.mode("Not a remote position. 100% on-site"),
            Some(Mode::Onsite)
        );
        assert_eq!(r.mode("3 days in the office"), Some(Mode::Hybrid));
        assert_eq!(r.mode("It is a hybrid cloud"), None);
        assert_eq!(r.mode("It is a hybrid\u{a0}cloud role"), Some(Mode::Hybrid));
        assert_eq!(r.mode("Fully Remote"), Some(Mode::Remote));
        assert_eq!(r.mode("fully remotely"), None);
        assert_eq!(r.mode("fully remoteé"), Some(Mode::Remote));
        assert_eq!(r.mode("fully remote"), Some(Mode::Remote));
    }
}
