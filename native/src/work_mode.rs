//! The description's work mode (`stream/enrich/place/work_mode.py`'s `description_mode`,
//! which stays the reference): the same cue scan, the same 50-byte windows around the
//! first cues, the same phrase patterns judged on each window, the same verdict.
//!
//! The reference reads the text's UTF-8 form; so does `mode_utf8`, kept as the reference of
//! `mode`, which reads a Python str's own storage (PEP 393: one, two or four bytes a
//! character, `chars::Unit`) instead. Why: a description reaches the place step with no
//! cached UTF-8 form, and taking a `&str` made CPython encode every non-ASCII description
//! (~1.8 µs a posting, docs/performance.md). The cue scan reads the storage one byte a
//! character (`Unit::ascii_view`: Latin-1 in place, wider storage narrowed, every
//! character outside ASCII one byte no cue holds), so it finds the cues at character
//! offsets; their UTF-8 offsets are counted (`chars::utf8_len`, no encoding), so the
//! windows are the reference's byte windows; and each window's characters are read from
//! the storage, from the first to the last character the window holds whole. A lone
//! surrogate (which a str may hold and UTF-8 cannot) reads as U+FFFD, 3 bytes in UTF-8 as
//! the surrogate would be: not a word character, not a space, as it is to Python's `re`.
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

use crate::chars::{isalnum, isspace, utf8_len, Unit};

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

/// A window around cues, merged: its byte range in the text's UTF-8 form (`end` may pass
/// the text's end), the kinds of its cues, and the indexes of its first and last cues in
/// the cue list it was merged from.
struct Window {
    start: usize,
    end: usize,
    kinds: u8,
    first: usize,
    last: usize,
}

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
    /// finds them: (start, form index). `data` is UTF-8, or a str's storage read one byte
    /// a character (`Unit::ascii_view`): the forms are ASCII, so either finds the same
    /// occurrences, at byte or character offsets. Every occurrence of every form, found
    /// through its core, then the leftmost, and of those the longest, and again from its
    /// end.
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

    /// `_cue_windows`: the windows around `cues` ((UTF-8 offset, form index), in order),
    /// overlapping ones merged.
    fn merged(&self, cues: impl Iterator<Item = (usize, usize)>) -> Vec<Window> {
        let mut windows: Vec<Window> = Vec::new();
        for (index, (at, form)) in cues.enumerate() {
            let (start, end, kinds) = (at.saturating_sub(WINDOW), at + WINDOW, self.kinds[form]);
            match windows.last_mut() {
                Some(last) if start <= last.end => {
                    last.end = end;
                    last.kinds |= kinds;
                    last.last = index;
                }
                _ => windows.push(Window {
                    start,
                    end,
                    kinds,
                    first: index,
                    last: index,
                }),
            }
        }
        windows
    }

    /// `_cue_windows(data)` of a UTF-8 text: (start, end, kinds) of the byte windows
    /// around the first `MAX_CUES` cues, overlapping ones merged (`end` may pass the
    /// text's end). The reference of `windows`.
    pub fn windows_utf8(&self, data: &[u8]) -> Vec<(usize, usize, u8)> {
        self.merged(self.cues(data).into_iter())
            .into_iter()
            .map(|w| (w.start, w.end, w.kinds))
            .collect()
    }

    /// `windows_utf8` of the text whose storage is `units`, without its UTF-8 form.
    pub fn windows<T: Unit>(&self, units: &[T]) -> Vec<(usize, usize, u8)> {
        self.placed_windows(units)
            .1
            .into_iter()
            .map(|w| (w.start, w.end, w.kinds))
            .collect()
    }

    /// The cues in `units` as (character offset, UTF-8 offset), and their windows (in
    /// UTF-8 offsets, as the reference's). The UTF-8 offsets are counted from one cue to
    /// the next, up to the last cue only.
    fn placed_windows<T: Unit>(&self, units: &[T]) -> (Vec<(usize, usize)>, Vec<Window>) {
        let cues = self.cues(&T::ascii_view(units));
        let (mut char_at, mut byte_at) = (0, 0);
        let placed: Vec<(usize, usize)> = cues
            .iter()
            .map(|&(at, _)| {
                byte_at += utf8_len(&units[char_at..at]);
                char_at = at;
                (at, byte_at)
            })
            .collect();
        let windows = self.merged(placed.iter().zip(&cues).map(|(&(_, b), &(_, f))| (b, f)));
        (placed, windows)
    }

    /// `description_mode(text)` of the text whose storage is `units` (a lone surrogate
    /// read as U+FFFD): `mode_utf8` of its UTF-8 form, without making that form.
    pub fn mode<T: Unit>(&self, units: &[T]) -> Option<Mode> {
        let (cues, windows) = self.placed_windows(units);
        if windows.is_empty() {
            return None;
        }
        self.judge(windows.iter().map(|w| {
            // The characters the window holds whole (the reference's decoding drops one it
            // cuts): from the first cue back to the first character starting at or after
            // `start`, from the last cue on to the last one ending at or before `end`;
            // under `WINDOW` characters each way.
            let (mut lo, mut lo_byte) = cues[w.first];
            while lo > 0 && lo_byte - units[lo - 1].utf8_len() >= w.start {
                lo -= 1;
                lo_byte -= units[lo].utf8_len();
            }
            let (mut hi, mut hi_byte) = cues[w.last];
            while hi < units.len() && hi_byte + units[hi].utf8_len() <= w.end {
                hi_byte += units[hi].utf8_len();
                hi += 1;
            }
            (units[lo..hi].iter().map(|u| u.char()), w.kinds)
        }))
    }

    /// `description_mode(text)` through the text's UTF-8 form: the reference of `mode`.
    pub fn mode_utf8(&self, text: &str) -> Option<Mode> {
        let windows = self.windows_utf8(text.as_bytes());
        if windows.is_empty() {
            return None;
        }
        self.judge(windows.into_iter().map(|(start, end, kinds)| {
            let mut start = start.min(text.len());
            let mut end = end.min(text.len());
            // A character the window cuts is dropped, as the reference's decoding drops
            // its bytes.
            while !text.is_char_boundary(start) {
                start += 1;
            }
            while !text.is_char_boundary(end) {
                end -= 1;
            }
            (text[start..end.max(start)].chars(), kinds)
        }))
    }

    /// The verdict on the windows: each as its characters (those it holds whole) and the
    /// kinds of its cues.
    fn judge<C: Iterator<Item = char>>(
        &self,
        windows: impl Iterator<Item = (C, u8)>,
    ) -> Option<Mode> {
        let (mut remote, mut onsite, mut hybrid, mut denied) = (false, false, false, false);
        let patterns = &*PATTERNS;
        let mut window = Vec::with_capacity(2 * WINDOW + 8);
        for (chars, kinds) in windows {
            lowered_classes(chars, &mut window);
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

/// `data[start:end].decode(errors="ignore").lower()` of the reference, given the
/// characters of the window it holds whole: one byte per character of the result (see the
/// module docstring), into `out`.
fn lowered_classes(chars: impl Iterator<Item = char>, out: &mut Vec<u8>) {
    out.clear();
    for c in chars {
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
    use crate::chars::tests::{kinds, pieced};

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

    /// `mode_utf8` of `text`, after checking that `mode` and `windows` give the same in
    /// every storage kind that holds it.
    fn read(r: &WorkModeReader, text: &str) -> Option<Mode> {
        let expected = r.mode_utf8(text);
        let windows = r.windows_utf8(text.as_bytes());
        let (ucs1, ucs2, ucs4) = kinds(text);
        if let Some(units) = ucs1 {
            assert_eq!(r.windows(&units), windows, "UCS1 {text:?}");
            assert_eq!(r.mode(&units), expected, "UCS1 {text:?}");
        }
        if let Some(units) = ucs2 {
            assert_eq!(r.windows(&units), windows, "UCS2 {text:?}");
            assert_eq!(r.mode(&units), expected, "UCS2 {text:?}");
        }
        assert_eq!(r.windows(&ucs4), windows, "UCS4 {text:?}");
        assert_eq!(r.mode(&ucs4), expected, "UCS4 {text:?}");
        expected
    }

    #[test]
    fn phrases() {
        let r = reader();
        let r = |text: &str| read(&r, text);
        assert_eq!(r("This is a fully remote role."), Some(Mode::Remote));
        assert_eq!(r("We do remote sensing."), None);
        assert_eq!(r("The job is remote sensing work"), None);
        assert_eq!(r("The job is remote, apply"), Some(Mode::Remote));
        assert_eq!(r("Not a remote position. 100% on-site"), Some(Mode::Onsite));
        assert_eq!(r("3 days in the office"), Some(Mode::Hybrid));
        assert_eq!(r("It is a hybrid cloud"), None);
        assert_eq!(r("It is a hybrid\u{a0}cloud role"), Some(Mode::Hybrid));
        assert_eq!(r("Fully Remote"), Some(Mode::Remote));
        assert_eq!(r("fully remotely"), None);
        assert_eq!(r("fully remoteé"), Some(Mode::Remote));
        assert_eq!(r("fully remote"), Some(Mode::Remote));
    }

    #[test]
    fn every_storage_kind_reads_like_utf8() {
        let r = reader();
        for text in [
            "",
            "no cue at all, é ü ß",
            // Latin-1 (UCS1): non-ASCII letters before, inside and after the windows.
            "Ce poste est à pourvoir en télétravail: fully remote, café àéè",
            "Größe égal ".repeat(6).as_str(),
            &format!("{}fully remote role{}", "é".repeat(30), "ü".repeat(30)),
            &format!("{}hybrid role{}on-site", "ÿ".repeat(47), "ß".repeat(49)),
            "\u{a0}is a remote\u{a0}sensing job; a hybrid\u{85}cloud",
            // The BMP (UCS2): curly quotes, dashes, CJK, Kelvin sign, dotted I.
            "“Remote” – it is a “hybrid” role • 3 days in the office",
            "İs remote, \u{212a}elvin on-site, wor\u{212a} remotely, ﬁ hybrid role",
            &format!("{}remote-first{}", "中".repeat(17), "文".repeat(17)),
            &format!("{}in office{}", "€".repeat(16), "—".repeat(16)),
            // Astral (UCS4): emoji before and after cues, cut by the window edges.
            "🚀 fully remote 😀 role 🎉 hybrid schedule",
            &format!("{}working from home{}", "😀".repeat(12), "🎉".repeat(13)),
            &format!("x{}work on-site{}", "😀".repeat(12), "é".repeat(25)),
            "\u{10ffff}remote\u{10ffff}position\u{ffff}hybrid\u{ffff}",
        ] {
            read(&r, text);
        }
    }

    /// Every offset of a cue against characters of every UTF-8 length, so the window
    /// edges cut characters at every position.
    #[test]
    fn window_edges_in_every_kind() {
        let r = reader();
        let mut seen = [0usize; 4];
        for wide in ["é", "ÿ", "€", "中", "😀", "\u{85}"] {
            for before in 0..(WINDOW + 4) {
                for after in [0, 1, 2, 13, 14, 15, 16, 17, 30, 49, 50] {
                    for (lead, cue, tail) in [
                        ("fully ", "remote", " role"),
                        ("This job is ", "hybrid", " work"),
                        ("it is ", "remote", " sensing"),
                        ("Must work ", "on-site", " daily"),
                        ("", "wfh", ""),
                    ] {
                        let filler = |n: usize| -> String {
                            (0..n)
                                .map(|k| if k % 3 == 0 { wide } else { "a" })
                                .collect()
                        };
                        let text = format!(
                            "{}{lead}{cue}{}{tail}{}",
                            filler(before),
                            filler(after),
                            wide
                        );
                        let mode = read(&r, &text);
                        seen[mode.map_or(0, |m| m as usize + 1)] += 1;
                    }
                }
            }
        }
        // The texts reach every answer (else the windows' edges decided nothing).
        assert!(seen.iter().all(|&n| n > 100), "{seen:?}");
    }

    #[test]
    fn generated_text_in_every_kind_reads_like_utf8() {
        let r = reader();
        let pieces = [
            "remote",
            "Remote",
            "REMOTE",
            "hybrid",
            "Hybrid",
            "on-site",
            "On Site",
            "onsite",
            "in office",
            "In-Office",
            "the office",
            "from home",
            "telecommut",
            "Telework",
            "wfh",
            "in person",
            "fully",
            "100%",
            "is",
            "a",
            "be",
            "not",
            "no",
            "role",
            "job",
            "position",
            "work",
            "sensing",
            "cloud",
            "3",
            "days",
            "day",
            "a week",
            "in the",
            "mix of",
            "and",
            "Location:",
            "(",
            ")",
            "-",
            " ",
            " ",
            " ",
            "\n",
            ",",
            "site",
            "é",
            "ß",
            "ÿ",
            "\u{a0}",
            "\u{85}",
            "\u{2003}",
            "\u{1c}",
            "\u{301}",
            "\u{212a}",
            "\u{130}",
            "中",
            "ﬁ",
            "“",
            "–",
            "😀",
            "🚀",
            "a longer stretch of plain words",
        ];
        let mut seen = [0usize; 4];
        for text in pieced(&pieces, 0x9e37_79b9_7f4a_7c15, 40, true).take(30_000) {
            let mode = read(&r, &text);
            seen[mode.map_or(0, |m| m as usize + 1)] += 1;
        }
        assert!(seen.iter().all(|&n| n > 500), "{seen:?}");
    }

    #[test]
    fn a_lone_surrogate_reads_as_a_replacement_character() {
        let r = reader();
        for text in [
            "fully X remote",
            "X fully remote",
            "is a remoteXsensing job",
            "remoteX",
        ] {
            let at = text.find('X').unwrap();
            let mut units: Vec<u16> = text.encode_utf16().collect();
            units[at] = 0xd800; // ASCII before it: its index is the byte offset
            let replaced = text.replace('X', "\u{fffd}");
            let codes: Vec<u32> = units.iter().map(|&u| u32::from(u)).collect();
            assert_eq!(r.mode(&units), r.mode_utf8(&replaced), "{text:?}");
            assert_eq!(r.mode(&codes), r.mode_utf8(&replaced), "{text:?}");
            assert_eq!(r.windows(&units), r.windows_utf8(replaced.as_bytes()));
        }
    }
}
