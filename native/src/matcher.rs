//! Surface forms to boundary- and case-checked spans (stream/enrich/skills/match.py).
//!
//! The tables come from the Python `FormMatcher`, which stays the one place where a
//! taxonomy becomes keys and patterns: this side only runs them. Offsets are character
//! offsets of the text (it arrives as `&[char]`; its ASCII bytes have one byte per char).

use std::collections::HashMap;

use daachorse::DoubleArrayAhoCorasick;

use crate::chars::{is_word, isupper, lower, str_islower};
use crate::fxhash::{FxHashMap, FxHashSet};
use crate::glue::{glued_candidates, is_glue, GLUE_MIN_LEN};
use crate::text::{common_word_use, lone_letter};

/// One way a skill is written (Python `Form`).
pub struct Form {
    pub entry: usize,
    pub exact: Option<Vec<char>>,
    pub weak: bool,
    pub short: bool,
}

/// The forms that fold to one key (Python `_Key`).
pub struct Key {
    pub length: usize,
    pub forms: Vec<u32>,
    pub plain_only: bool,
    pub verify: Option<FxHashSet<String>>,
}

/// What a pattern of the automaton stands for (Python `_Value`, with the marker lengths
/// `_CUE`, `_HEADING` and `_CUE_AND_HEADING` as variants).
#[derive(Clone, Copy)]
pub enum Pattern {
    Form {
        key: usize,
        tail: bool,
    },
    Cue,
    Heading,
    CueAndHeading,
    /// A phrase of the context rules (`ContextRules`), by its index there: the rules'
    /// own whole-text scan is folded into this one (`Marks::phrases`).
    Context(u32),
}

/// A candidate or selected span: start, end, the forms that fit, and whether it was
/// accepted only through context (a camelCase glue, or a lower-case tag list).
#[derive(Clone)]
pub struct Span {
    pub start: usize,
    pub end: usize,
    pub forms: Vec<u32>,
    pub glued: bool,
}

/// Requirement cue words and candidate heading lines the scan found (Python `SectionMarks`).
#[derive(Default)]
pub struct Marks {
    pub cues: Vec<usize>,
    pub headings: Vec<usize>,
    /// Every occurrence of a context phrase: (padded start, padded end, phrase index).
    pub phrases: Vec<(usize, usize, u32)>,
}

impl Marks {
    pub fn cue_words(&mut self) -> Vec<usize> {
        let mut cues = std::mem::take(&mut self.cues);
        cues.sort_unstable();
        cues
    }

    pub fn heading_lines(&mut self) -> Vec<usize> {
        let mut lines = std::mem::take(&mut self.headings);
        lines.sort_unstable();
        lines.dedup();
        lines
    }
}

pub struct Matcher {
    automaton: Option<DoubleArrayAhoCorasick<u32>>, // None: no patterns (an empty taxonomy)
    patterns: Vec<Pattern>,
    pub forms: Vec<Form>,
    keys: Vec<Key>,
    glue_keys: FxHashMap<Vec<u8>, usize>,
    heading_bullets: Vec<u8>,
    /// Whether the context phrases are patterns of the automaton (see `new`).
    pub context_folded: bool,
}

// What may separate the items of a tag list ("typescript, react / go | jenkins").
const LIST_SEPARATORS: &str = " ,/|;\t·•";
const LIST_MAX_GAP: usize = 4;
const LIST_MIN_STRONG: usize = 2;

impl Matcher {
    pub fn new(
        patterns: Vec<(Vec<u8>, Pattern)>,
        forms: Vec<Form>,
        keys: Vec<Key>,
        glue_keys: HashMap<Vec<u8>, usize>,
        heading_bullets: Vec<u8>,
        context_phrases: &[Vec<u8>],
    ) -> Result<Self, daachorse::errors::DaachorseError> {
        // The context rules' phrases join the automaton, so that one walk over the text
        // finds both (their own leftmost-longest scan was ~8% of the skill scan), unless
        // one is written like a pattern already there (none is: patterns start with a
        // space or "#", phrases with a word), or twice: then the rules scan for them.
        let mut patterns = patterns;
        let mut seen: FxHashSet<&[u8]> = patterns.iter().map(|(p, _)| &p[..]).collect();
        let context_folded = !context_phrases.is_empty()
            && context_phrases
                .iter()
                .all(|p| !p.is_empty() && seen.insert(&p[..]));
        drop(seen);
        if context_folded {
            patterns.extend(
                context_phrases
                    .iter()
                    .enumerate()
                    .map(|(i, p)| (p.clone(), Pattern::Context(i as u32))),
            );
        }
        // Every overlapping match (standard semantics): the selection needs every
        // candidate. A double-array automaton (daachorse): on 16,458 patterns and the
        // SkillSpan postings it scanned 6.9 ns/byte in 1.2 MB, where aho-corasick's
        // contiguous NFA took 11.5 ns/byte (1.2 MB) and its DFA 7.8 ns/byte (21 MB).
        let automaton = if patterns.is_empty() {
            None
        } else {
            Some(DoubleArrayAhoCorasick::new(
                patterns.iter().map(|(p, _)| p),
            )?)
        };
        // A folded form is as long as its key: shorter ones never count as glued.
        let glue_keys = glue_keys
            .into_iter()
            .filter(|(form, _)| form.len() >= GLUE_MIN_LEN)
            .collect();
        Ok(Self {
            automaton,
            patterns: patterns.into_iter().map(|(_, v)| v).collect(),
            forms,
            keys,
            glue_keys,
            heading_bullets,
            context_folded,
        })
    }

    fn cased_ok(&self, text: &[char], start: usize, end: usize, form: u32) -> bool {
        let Some(exact) = &self.forms[form as usize].exact else {
            return true;
        };
        if text[start..end] != exact[..] {
            return false;
        }
        !(isupper(exact[0]) && common_word_use(text, start, end))
    }

    fn verified(
        text: &[char],
        start: usize,
        end: usize,
        verify: &Option<FxHashSet<String>>,
    ) -> bool {
        match verify {
            None => true,
            Some(allowed) => allowed.contains(&lower(&text[start..end]).replace('’', "'")),
        }
    }

    /// Boundary- and case-checked spans before selection (Python `FormMatcher.candidates`),
    /// plus the lower-case cased forms for the tag-list rule in `listed`.
    fn candidates(
        &self,
        text: &[char],
        encoded: &[u8],
        padded: &[u8],
        mut marks: Option<&mut Marks>,
        listed: &mut Vec<Span>,
    ) -> Vec<Span> {
        let mut found = Vec::new();
        let Some(automaton) = &self.automaton else {
            return found;
        };
        let size = text.len();
        // Only "_" and non-ASCII letters fold to a space yet are word characters.
        let loose = text.iter().any(|&c| c == '_' || !c.is_ascii());
        let mut lines = LineStarts::new(encoded);
        for hit in automaton.find_overlapping_iter(padded) {
            let (start, stop) = (hit.start(), hit.end());
            let (key_index, tail) = match self.patterns[hit.value() as usize] {
                Pattern::Form { key, tail } => (key, tail),
                Pattern::Context(phrase) => {
                    if let Some(marks) = marks.as_deref_mut() {
                        marks.phrases.push((start, stop, phrase));
                    }
                    continue;
                }
                kind => {
                    let Some(marks) = marks.as_deref_mut() else {
                        continue;
                    };
                    if !matches!(kind, Pattern::Heading) {
                        marks.cues.push(stop - 2); // a cue word: the offset of its end
                    }
                    if !matches!(kind, Pattern::Cue) {
                        let (line, bullets_end) = lines.at(start, &self.heading_bullets);
                        if start <= bullets_end {
                            marks.headings.push(line); // only bullets before the phrase
                        }
                    }
                    continue;
                }
            };
            let key = &self.keys[key_index];
            if key.length == 1 {
                self.one_char_candidate(text, start, key, &mut found);
                continue;
            }
            let end = start + key.length;
            if loose
                && ((start > 0 && is_word(text[start - 1]))
                    || (tail && end < size && is_word(text[end])))
            {
                continue;
            }
            if !Self::verified(text, start, end, &key.verify) {
                continue;
            }
            let forms = if key.plain_only {
                key.forms.clone()
            } else {
                let cased: Vec<u32> = key
                    .forms
                    .iter()
                    .copied()
                    .filter(|&f| self.cased_ok(text, start, end, f))
                    .collect();
                if cased.is_empty() {
                    if str_islower(&text[start..end]) {
                        listed.push(Span {
                            start,
                            end,
                            forms: key.forms.clone(),
                            glued: true,
                        });
                    }
                    continue;
                }
                cased
            };
            found.push(Span {
                start,
                end,
                forms,
                glued: false,
            });
        }
        for (start, end, key) in glued_candidates(padded, encoded, &self.glue_keys) {
            self.check_glued(text, start, end, &self.keys[key], &mut found);
        }
        found
    }

    fn check_glued(
        &self,
        text: &[char],
        start: usize,
        end: usize,
        key: &Key,
        found: &mut Vec<Span>,
    ) {
        if start > 0 && !is_glue(text, start) && is_word(text[start - 1]) {
            return;
        }
        if end < text.len() && !is_glue(text, end) && is_word(text[end]) {
            return;
        }
        if !Self::verified(text, start, end, &key.verify) {
            return;
        }
        let forms: Vec<u32> = if key.plain_only {
            key.forms.clone()
        } else {
            key.forms
                .iter()
                .copied()
                .filter(|&f| self.cased_ok(text, start, end, f))
                .collect()
        };
        if !forms.is_empty() {
            found.push(Span {
                start,
                end,
                forms,
                glued: true,
            });
        }
    }

    /// A lone letter in the folded text: check exact case and its neighbours.
    fn one_char_candidate(&self, text: &[char], start: usize, key: &Key, found: &mut Vec<Span>) {
        let ok: Vec<u32> = key
            .forms
            .iter()
            .copied()
            .filter(|&f| {
                self.forms[f as usize]
                    .exact
                    .as_ref()
                    .is_some_and(|e| e.len() == 1 && e[0] == text[start])
            })
            .collect();
        if !ok.is_empty() && lone_letter(text, start) && !common_word_use(text, start, start + 1) {
            found.push(Span {
                start,
                end: start + 1,
                forms: ok,
                glued: false,
            });
        }
    }

    /// Longest-leftmost non-overlapping candidates in text order, plus cased forms in
    /// lower case inside a tag list (Python `FormMatcher.spans`). `encoded`: the text's
    /// `ascii_replace`; `padded`: its `fold_padded`.
    pub fn spans(
        &self,
        text: &[char],
        encoded: &[u8],
        padded: &[u8],
        marks: Option<&mut Marks>,
    ) -> Vec<Span> {
        let mut listed = Vec::new();
        let mut found = self.candidates(text, encoded, padded, marks, &mut listed);
        if found.is_empty() {
            return found;
        }
        // Stable, like Python's sort: equal keys keep the scan's order.
        found.sort_by_key(|c| (c.start, std::cmp::Reverse(c.end - c.start)));
        let mut chosen: Vec<Span> = Vec::new();
        let mut last_end = 0;
        for candidate in found {
            if candidate.start >= last_end {
                last_end = candidate.end;
                chosen.push(candidate);
            }
        }
        if !listed.is_empty() && chosen.len() >= 2 {
            chosen = self.in_tag_lists(text, chosen, listed);
        }
        chosen
    }

    /// `chosen` plus the lower-case cased forms inside a tag list (Python `_in_tag_lists`).
    fn in_tag_lists(&self, text: &[char], chosen: Vec<Span>, mut listed: Vec<Span>) -> Vec<Span> {
        let starts: FxHashSet<usize> = chosen.iter().map(|c| c.start).collect();
        let ends: FxHashSet<usize> = chosen.iter().map(|c| c.end).collect();
        let near = listed.iter().any(|c| {
            (0..=LIST_MAX_GAP).any(|gap| {
                (c.start >= gap && ends.contains(&(c.start - gap)))
                    || starts.contains(&(c.end + gap))
            })
        });
        if !near {
            return chosen;
        }
        let mut taken: Vec<(usize, usize)> = chosen.iter().map(|c| (c.start, c.end)).collect();
        listed.sort_by_key(|c| (c.start, std::cmp::Reverse(c.end - c.start)));
        let mut extra = Vec::new();
        for candidate in listed {
            let (start, end) = (candidate.start, candidate.end);
            if taken.iter().any(|&(s, e)| s < end && start < e) {
                continue;
            }
            taken.push((start, end));
            extra.push(candidate);
        }
        if extra.is_empty() {
            return chosen;
        }
        // Runs of spans in text order, each separated from the last only by a list
        // separator; a run with two strong selected spans accepts its listed ones.
        let mut merged: Vec<(&Span, bool)> = chosen
            .iter()
            .map(|c| (c, false))
            .chain(extra.iter().map(|c| (c, true)))
            .collect();
        merged.sort_by_key(|(c, _)| c.start);
        let mut accepted: FxHashSet<usize> = FxHashSet::default();
        let mut run: Vec<(&Span, bool)> = Vec::new();
        let mut previous_end: Option<usize> = None;
        let close = |run: &mut Vec<(&Span, bool)>, accepted: &mut FxHashSet<usize>| {
            let strong = run
                .iter()
                .filter(|(s, is_listed)| !is_listed && !self.forms[s.forms[0] as usize].weak)
                .count();
            if strong >= LIST_MIN_STRONG {
                accepted.extend(run.iter().filter(|(_, l)| *l).map(|(s, _)| s.start));
            }
            run.clear();
        };
        for (span, is_listed) in merged {
            let joins = previous_end.is_some_and(|p| list_gap(&text[p..span.start]));
            if !joins {
                close(&mut run, &mut accepted);
            }
            run.push((span, is_listed));
            previous_end = Some(span.end);
        }
        close(&mut run, &mut accepted);
        if accepted.is_empty() {
            return chosen;
        }
        let mut out = chosen;
        out.extend(extra.into_iter().filter(|c| accepted.contains(&c.start)));
        out.sort_by_key(|c| c.start);
        out
    }
}

/// Line starts of the scan's heading hits, and where each line's bullets end. Hits arrive
/// nearly in text order, so the search for the previous newline resumes where the last one
/// stopped: on one long line with thousands of heading phrases ("... is a plus; ... is a
/// plus"), searching back from every hit was quadratic.
struct LineStarts<'a> {
    encoded: &'a [u8],
    searched: usize,            // encoded[..searched] has been searched for newlines
    line: usize,                // the start of the line holding offset `searched`
    bullets_end: Option<usize>, // that line's first non-bullet offset, once computed
}

impl<'a> LineStarts<'a> {
    fn new(encoded: &'a [u8]) -> Self {
        Self {
            encoded,
            searched: 0,
            line: 0,
            bullets_end: None,
        }
    }

    /// (start of the line holding `start`, end of that line's leading bullets).
    fn at(&mut self, start: usize, bullets: &[u8]) -> (usize, usize) {
        let encoded = self.encoded;
        let newline_in = |lo: usize| encoded[lo..start].iter().rposition(|&b| b == b'\n');
        if start < self.searched {
            // Out of order (an overlapping longer hit): look back from here.
            let line = newline_in(0).map_or(0, |p| p + 1);
            return (line, bullets_end(encoded, line, bullets));
        }
        if let Some(p) = newline_in(self.searched) {
            self.line = self.searched + p + 1;
            self.bullets_end = None;
        }
        self.searched = start;
        let line = self.line;
        let end = *self
            .bullets_end
            .get_or_insert_with(|| bullets_end(encoded, line, bullets));
        (line, end)
    }
}

fn bullets_end(encoded: &[u8], line: usize, bullets: &[u8]) -> usize {
    line + encoded[line..]
        .iter()
        .take_while(|b| bullets.contains(b))
        .count()
}

/// Text between two items of one tag list: a few separators, no line break.
fn list_gap(gap: &[char]) -> bool {
    gap.len() <= LIST_MAX_GAP && gap.iter().all(|&c| LIST_SEPARATORS.contains(c))
}
