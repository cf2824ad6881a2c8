//! Accepted skill mentions of one posting (Python `SkillExtractor._scan` and `_accept`):
//! spans from the matcher, weak forms corroborated, spoken languages checked for a
//! language cue, mentions inside text about something other than the job dropped (the
//! ranges come from Python, `stream/enrich/skills/context.py`), each mention given a
//! quality and a requirement state.

use crate::context::ContextRules;
use crate::cues::{skill_cue, CueWords};
use crate::fxhash::{FxHashMap, FxHashSet};
use crate::matcher::{Marks, Matcher, Span};
use crate::sections::{language_context, RequirementIndex};
use crate::text::{ascii_replace, fold_padded};

/// The group id of the taxonomy's `CUE_ONLY` (`corroborated_by = ["cue_only"]`): Python
/// numbers it 0 before every real group, so an entry with it in its evidence groups has
/// weak forms that tag only beside a skill cue (`cues::skill_cue`).
const CUE_ONLY_GROUP: u32 = 0;

/// Per-entry facts the acceptance rules need (from the Python `SkillExtractor`).
pub struct Entries {
    pub names: Vec<Vec<char>>,
    pub groups: Vec<u32>,
    pub evidence: Vec<Vec<u32>>,
    pub languages: FxHashSet<usize>,
}

/// One accepted mention: entry index, in the title?, start, end, quality, required.
pub type Mention = (usize, bool, usize, usize, f64, Option<bool>);

pub struct Scanner {
    pub matcher: Matcher,
    pub entries: Entries,
    pub cues: CueWords,
    pub context: ContextRules,
}

impl Scanner {
    /// Every accepted mention, title first, then description, in text order. With
    /// `every_state` false, a mention of a skill already found required reports
    /// required=True without a section lookup (what `extract` needs). A description
    /// mention that starts inside text about something other than the job (`excluded`
    /// when given: sorted, disjoint ranges; else the context rules' ranges) is dropped; it
    /// still corroborates weak forms, as in Python.
    pub fn scan(
        &self,
        title: &[char],
        description: &[char],
        every_state: bool,
        excluded: Option<&[(usize, usize)]>,
    ) -> Vec<Mention> {
        let title_spans = if title.is_empty() {
            Vec::new()
        } else {
            let encoded = ascii_replace(title);
            self.matcher
                .spans(title, &encoded, &fold_padded(&encoded), None)
        };
        let mut marks = Marks::default();
        let encoded = ascii_replace(description);
        // The fold serves the matcher and the context rules (one pass, one buffer).
        let padded = fold_padded(&encoded);
        let body_spans = if description.is_empty() {
            Vec::new()
        } else {
            self.matcher
                .spans(description, &encoded, &padded, Some(&mut marks))
        };
        let mut result = Vec::new();
        if title_spans.is_empty() && body_spans.is_empty() {
            return result;
        }
        let forms = &self.matcher.forms;
        let strong: FxHashSet<usize> = title_spans
            .iter()
            .chain(&body_spans)
            .flat_map(|s| s.forms.iter())
            .map(|&f| &forms[f as usize])
            .filter(|f| !f.weak)
            .map(|f| f.entry)
            .collect();
        let mut groups = None;
        if !title_spans.is_empty() {
            self.accept(
                &mut result,
                true,
                title,
                &title_spans,
                &strong,
                &mut groups,
                None,
                None,
                &[],
            );
        }
        if let Some(last) = body_spans.last() {
            let computed;
            let excluded = match excluded {
                Some(given) => given,
                None => {
                    computed = if self.matcher.context_folded {
                        let phrases = std::mem::take(&mut marks.phrases);
                        self.context
                            .ranges_overlapping(description, &padded, phrases)
                    } else {
                        self.context.ranges_folded(description, &padded)
                    };
                    &computed[..]
                }
            };
            let mut sections = RequirementIndex::new(
                description,
                &self.cues,
                marks.cue_words(),
                last.start,
                marks.heading_lines(),
            );
            let mut settled = if every_state {
                None
            } else {
                Some(FxHashSet::default())
            };
            let sections = if sections.is_empty() {
                None
            } else {
                Some(&mut sections)
            };
            self.accept(
                &mut result,
                false,
                description,
                &body_spans,
                &strong,
                &mut groups,
                sections,
                settled.as_mut(),
                excluded,
            );
        }
        result
    }

    #[allow(clippy::too_many_arguments)]
    fn accept(
        &self,
        result: &mut Vec<Mention>,
        in_title: bool,
        text: &[char],
        spans: &[Span],
        strong: &FxHashSet<usize>,
        groups: &mut Option<FxHashMap<u32, Vec<usize>>>,
        mut sections: Option<&mut RequirementIndex<'_>>,
        mut settled: Option<&mut FxHashSet<usize>>,
        excluded: &[(usize, usize)],
    ) {
        let forms = &self.matcher.forms;
        let entries = &self.entries;
        // Spans and excluded ranges are both in text order: one index walks the ranges.
        let mut next_range = 0;
        for span in spans {
            while next_range < excluded.len() && excluded[next_range].1 <= span.start {
                next_range += 1;
            }
            if next_range < excluded.len() && excluded[next_range].0 <= span.start {
                continue; // about the company, benefits, the application or EEO: not the job
            }
            let mut form = &forms[span.forms[0] as usize];
            if form.weak && !strong.contains(&form.entry) {
                // Strong skills by group, built once per posting when a weak form needs them.
                let groups = groups.get_or_insert_with(|| {
                    let mut by_group: FxHashMap<u32, Vec<usize>> = FxHashMap::default();
                    for &index in strong {
                        by_group
                            .entry(entries.groups[index])
                            .or_default()
                            .push(index);
                    }
                    by_group
                });
                match self.resolve(&span.forms, strong, groups) {
                    Some(resolved) => form = resolved,
                    // A cue-only form that only its skill claims tags where the words around
                    // it say a skill ("experience in sales"; cues.rs).
                    None if span.forms.len() == 1
                        && self.cue_only(form.entry)
                        && skill_cue(text, span.start, span.end) => {}
                    None => continue,
                }
            } else if form.weak
                && self.cue_only(form.entry)
                && !skill_cue(text, span.start, span.end)
            {
                continue; // "our sales team" in a posting that names the sales skill elsewhere
            }
            let index = form.entry;
            let (start, end) = (span.start, span.end);
            if form.exact.is_some()
                && entries.languages.contains(&index)
                && !language_context(text, start, end)
            {
                continue; // "German company", "French fries": a nationality, not a skill
            }
            let mut quality = if form.weak && !strong.contains(&index) {
                0.55 // only corroborating evidence
            } else if text[start..end] == entries.names[index][..] {
                0.9 // the canonical name, exactly as written
            } else {
                0.8
            };
            if span.glued {
                quality -= 0.1;
            }
            if form.short {
                quality -= 0.05;
            }
            let mut required = None;
            if settled.as_ref().is_some_and(|s| s.contains(&index)) {
                required = Some(true);
            } else if let Some(sections) = sections.as_deref_mut() {
                required = sections.state_at(start, end);
                if required == Some(true) {
                    if let Some(settled) = settled.as_deref_mut() {
                        settled.insert(index);
                    }
                }
            }
            result.push((index, in_title, start, end, quality, required));
        }
    }

    /// Whether the entry's weak forms tag only beside a skill cue: its evidence groups hold
    /// the taxonomy's `CUE_ONLY`, which Python numbers 0 (`SkillExtractor._native_scanner`).
    fn cue_only(&self, entry: usize) -> bool {
        self.entries.evidence[entry].contains(&CUE_ONLY_GROUP)
    }

    /// The form a span stands for: a strong one, else the first corroborated weak one.
    fn resolve<'a>(
        &'a self,
        span_forms: &[u32],
        strong: &FxHashSet<usize>,
        groups: &FxHashMap<u32, Vec<usize>>,
    ) -> Option<&'a crate::matcher::Form> {
        let forms = &self.matcher.forms;
        for &f in span_forms {
            let form = &forms[f as usize];
            if !form.weak || strong.contains(&form.entry) {
                return Some(form);
            }
        }
        for &f in span_forms {
            let form = &forms[f as usize];
            for group in &self.entries.evidence[form.entry] {
                if let Some(members) = groups.get(group) {
                    if !members.is_empty() && (members.len() > 1 || !members.contains(&form.entry))
                    {
                        return Some(form);
                    }
                }
            }
        }
        None
    }
}

/// One skill's tally over a posting (what `SkillExtractor.extract` builds a tag from):
/// entry index, required state, best quality, mentions, seen in the title, and the
/// mentions' (in title, start, end) when evidence is asked for.
pub struct Tally {
    pub entry: usize,
    pub required: Option<bool>,
    pub best: f64,
    pub count: usize,
    pub in_title: bool,
    pub evidence: Option<Vec<(bool, usize, usize)>>,
}

/// Mentions per skill, in tag order: required, then nice-to-have, then unknown; by
/// mentions, most first; then by id (`id_rank`: each entry's position in id order).
pub fn tally(mentions: &[Mention], evidence: bool, id_rank: &[u32]) -> Vec<Tally> {
    let mut found: Vec<Tally> = Vec::new();
    let mut slot: FxHashMap<usize, usize> = FxHashMap::default();
    for &(entry, in_title, start, end, quality, required) in mentions {
        let at = *slot.entry(entry).or_insert_with(|| {
            found.push(Tally {
                entry,
                required,
                best: quality,
                count: 0,
                in_title,
                evidence: evidence.then(Vec::new),
            });
            found.len() - 1
        });
        let acc = &mut found[at];
        if acc.count > 0 {
            // A skill is required when any mention is, nice-to-have when one is and none
            // is required.
            if required == Some(true) {
                acc.required = Some(true);
            } else if required == Some(false) && acc.required.is_none() {
                acc.required = Some(false);
            }
            if quality > acc.best {
                acc.best = quality;
            }
            acc.in_title |= in_title;
        }
        acc.count += 1;
        if let Some(offsets) = acc.evidence.as_mut() {
            offsets.push((in_title, start, end));
        }
    }
    let order = |r: Option<bool>| match r {
        Some(true) => 0,
        Some(false) => 1,
        None => 2,
    };
    found.sort_by_key(|t| {
        (
            order(t.required),
            std::cmp::Reverse(t.count),
            id_rank[t.entry],
        )
    });
    found
}
