"""Skill tagging: taxonomy surface forms found in a posting's title and description.

`SkillExtractor(taxonomy)` builds one Aho-Corasick automaton over every form, lower-cased
(the expensive part, done once per taxonomy version); `extract(title, description)` is
pure and fast. A match counts when:

- it sits on token boundaries, judged on the form's own edge characters so that "C++",
  "C#", ".NET", "CI/CD" and "Node.js" work; a camelCase glue ("PythonSQLJavaScala",
  "RedisMongoDBAmazon Redshift", from scraped tech-stack lists) also counts as a boundary
  for forms of 3+ characters, checked on the original-case text;
- it wins longest-leftmost non-overlapping selection, so "JavaScript" is not "Java",
  "Spring Boot" is not "Spring" and "Amazon S3" is one skill;
- a cased form ("Go", "Excel") appears exactly as written, and not as a capitalised first
  word followed by a lowercase word ("Go the extra mile", "Excel at");
- a weak form (cased form of an ambiguous skill) is corroborated by a strong match of
  another skill in one of its evidence groups ("Flask" needs a language; "EMR" needs AWS
  or data engineering, or is resolved to electronic records with healthcare evidence).
"""

from __future__ import annotations

from typing import Any, Literal, NamedTuple

from stream_native import SkillScanner

from stream.enrich.skills.context import CONTEXT_PATTERNS, JOB_CUES, context_ranges
from stream.enrich.skills.cues import NICE_WORDS, REQUIRED_WORDS, skill_cue
from stream.enrich.skills.match import Form, FormMatcher, SectionMarks, Span
from stream.enrich.skills.sections import HEADING_BULLETS, RequirementIndex
from stream.enrich.skills.taxonomy import SkillEntry, Taxonomy
from stream.enrich.skills.taxonomy.loader import CUE_ONLY
from stream.enrich.skills.text import language_context
from stream.models import SkillTag

Field = Literal["title", "description"]
# "native": the compiled scan (stream_native, Rust); "python": this module, the reference
# the native one is tested against (tests/unit/test_native_scan.py) and the spec of the rules.
Engine = Literal["native", "python"]
_REQUIRED_ORDER: dict[bool | None, int] = {True: 0, False: 1, None: 2}
_TAG_CACHE_SIZE = 1 << 16  # (skill, state, best quality, mentions, in title) combinations kept
# One accepted mention before it is named: (entry index, field, start, end, quality, required).
_Raw = tuple[int, Field, int, int, float, bool | None]
# One skill over a posting: (entry index, required, best quality, mentions, in title,
# evidence offsets or None).
_Tally = tuple[int, bool | None, float, int, bool, list[tuple[Field, int, int]] | None]


class Mention(NamedTuple):
    """One accepted occurrence of a skill: where it is and how strong the evidence is."""

    skill_id: str
    field: Field
    start: int
    end: int
    quality: float
    required: bool | None


class SkillExtractor:
    """Tags postings with one taxonomy version. Thread-safe after construction."""

    def __init__(
        self, taxonomy: Taxonomy, *, evidence: bool = False, engine: Engine = "native"
    ) -> None:
        """`evidence`: fill each tag's `evidence` with the character offsets of its
        mentions (explainability); off by default, it makes every message longer.
        `engine`: which implementation finds the mentions (same results; see `Engine`)."""
        self.taxonomy = taxonomy
        self.evidence = evidence
        self.engine = engine
        self.entries: tuple[SkillEntry, ...] = taxonomy.entries
        self._by_id = {e.id: e for e in self.entries}
        self._groups = tuple(e.group for e in self.entries)
        self._evidence = tuple(e.evidence_groups() for e in self.entries)
        # Entries whose weak forms tag only beside a skill cue (taxonomy CUE_ONLY).
        self._cue_only = tuple(CUE_ONLY in groups for groups in self._evidence)
        self._ids = tuple(e.id for e in self.entries)
        self._names = tuple(e.name for e in self.entries)
        # SkillTags are frozen, so equal ones are shared between postings (without evidence).
        self._tags: dict[tuple[int, bool | None, float, int, bool], SkillTag] = {}
        self._languages = frozenset(
            i for i, e in enumerate(self.entries) if e.category == "spoken_language"
        )
        matcher = FormMatcher(self.entries)
        self._native = self._native_scanner(matcher) if engine == "native" else None
        # The native scanner holds its own copy of the tables: the Python matcher (~5 MB of
        # resident memory) is kept only by the engine that runs it.
        self._matcher = matcher if self._native is None else None

    def _native_scanner(self, matcher: FormMatcher) -> SkillScanner:
        """The compiled scanner over the same tables (built once per taxonomy version)."""
        tables = matcher.tables()
        # CUE_ONLY is group 0: the native scan knows cue-only entries by it (scan.rs).
        group_ids: dict[str, int] = {CUE_ONLY: 0}
        for group in (*self._groups, *(g for gs in self._evidence for g in gs)):
            group_ids.setdefault(group, len(group_ids))
        return SkillScanner(
            tables.patterns,
            tables.kinds,
            tables.forms,
            tables.keys,
            tables.glue_keys,
            HEADING_BULLETS,
            list(self._names),
            [group_ids[g] for g in self._groups],
            [[group_ids[g] for g in gs] for gs in self._evidence],
            sorted(self._languages),
            _ranks(self._ids),
            NICE_WORDS,
            REQUIRED_WORDS,
            CONTEXT_PATTERNS,
            JOB_CUES,
        )

    def mentions(
        self, title: str, description: str, *, every_state: bool = True, context: bool = True
    ) -> list[Mention]:
        """Every accepted skill occurrence, in title then description order.

        With `every_state=False` (what `extract` uses), a mention of a skill already found
        required is not looked up again and reports required=True: the tag's state is the
        same and most repeated mentions skip the section lookup. With `context=False` the
        context rules are off (mentions about the company, benefits... are kept), for
        measuring what they drop.
        """
        ids = self._ids
        return [
            Mention(ids[index], field, start, end, quality, required)
            for index, field, start, end, quality, required in self._scan(
                title, description, every_state, context
            )
        ]

    def _scan(
        self, title: str, description: str, every_state: bool, context: bool = True
    ) -> list[_Raw]:
        if self._native is not None:
            # None: the scanner's own context rules; an empty list: none.
            return self._native.scan(title, description, every_state, None if context else [])
        matcher = self._matcher
        assert matcher is not None  # the Python engine keeps its matcher
        title_spans = matcher.spans(title) if title else []
        # One ASCII encoding and one scan of the description serve the matcher and the
        # sections: the scan also reports cue words and candidate heading lines.
        marks = SectionMarks()
        encoded = description.encode("ascii", "replace")
        body_spans = matcher.spans(description, encoded, marks) if description else []
        if not title_spans and not body_spans:
            return []
        excluded = context_ranges(description) if body_spans and context else []
        strong = {f.entry for s in (*title_spans, *body_spans) for f in s[2] if not f.weak}
        result: list[_Raw] = []
        if title_spans:
            self._accept(result, "title", title, title_spans, strong, None, None, [])
        if body_spans:
            sections: RequirementIndex | None = RequirementIndex(
                description,
                marks.cue_words(),
                body_spans[-1][0],
                encoded,
                marks.heading_lines(),
            )
            if sections is not None and sections.empty:
                sections = None  # no heading, no cue: every mention's state is None
            settled: set[int] | None = None if every_state else set()
            self._accept(
                result, "description", description, body_spans, strong, sections, settled, excluded
            )
        return result

    def _accept(
        self,
        result: list[_Raw],
        field: Field,
        text: str,
        spans: list[Span],
        strong: set[int],
        sections: RequirementIndex | None,
        settled: set[int] | None,
        excluded: list[tuple[int, int]],
    ) -> None:
        names = self._names
        languages = self._languages
        append = result.append
        groups: dict[str, set[int]] | None = None  # strong skills by group, when needed
        # Spans and excluded ranges are both in text order: one pointer walks the ranges.
        next_range = 0
        for start, end, forms, glued in spans:
            while next_range < len(excluded) and excluded[next_range][1] <= start:
                next_range += 1
            if next_range < len(excluded) and excluded[next_range][0] <= start:
                continue  # about the company, benefits, the application or EEO: not the job
            form = forms[0]
            if form.weak and form.entry not in strong:
                if groups is None:
                    groups = {}
                    for strong_index in strong:
                        groups.setdefault(self._groups[strong_index], set()).add(strong_index)
                resolved = self._resolve(forms, strong, groups)
                if resolved is None:
                    # A cue-only form that only its skill claims tags where the words
                    # around it say a skill ("experience in sales"; cues.py).
                    cued = len(forms) == 1 and self._cue_only[form.entry]
                    if not (cued and skill_cue(text, start, end)):
                        continue
                    resolved = form
                form = resolved
            elif form.weak and self._cue_only[form.entry] and not skill_cue(text, start, end):
                continue  # "our sales team" in a posting that names the sales skill elsewhere
            index = form.entry
            if (
                form.exact is not None
                and index in languages
                and not language_context(text, start, end)
            ):
                continue  # "German company", "French fries": a nationality, not a skill
            if form.weak and index not in strong:
                quality = 0.55  # only corroborating evidence
            elif text[start:end] == names[index]:
                quality = 0.9  # the canonical name, exactly as written
            else:
                quality = 0.8
            if glued:
                quality -= 0.1
            if form.short:
                quality -= 0.05
            required: bool | None = None
            if settled is not None and index in settled:
                required = True
            elif sections is not None:
                required = sections.state_at(start, end)
                if required and settled is not None:
                    settled.add(index)
            append((index, field, start, end, quality, required))

    def _resolve(
        self, forms: tuple[Form, ...], strong: set[int], groups: dict[str, set[int]]
    ) -> Form | None:
        """The form a span stands for: a strong one, else the first corroborated weak one."""
        for form in forms:
            if not form.weak or form.entry in strong:
                return form
        for form in forms:
            for group in self._evidence[form.entry]:
                members = groups.get(group)
                if members and (len(members) > 1 or form.entry not in members):
                    return form
        return None

    def extract(self, title: str, description: str) -> list[SkillTag]:
        """Skill tags: required, then nice-to-have, then unknown; by mentions desc, then id."""
        if self._native is not None and not self.evidence:
            # The native scanner keeps the tags by tally and calls `_make_tag` on a new one:
            # the loop below in compiled code (~6% of the step).
            return self._native.tags(title, description, self._make_tag)
        if self._native is not None:
            tallies = self._native.tally(title, description, self.evidence)
        else:
            tallies = self._tally(title, description)
        tags = self._tags
        entries = self.entries
        result: list[SkillTag] = []
        append = result.append
        for index, required, best, count, in_title, offsets in tallies:
            if offsets is None:
                # Keyed by the tally itself: a repeated one skips the confidence arithmetic.
                key = (index, required, best, count, in_title)
                tag = tags.get(key)
                if tag is None:
                    if len(tags) >= _TAG_CACHE_SIZE:
                        tags.clear()
                    confidence = _confidence(best, count, in_title)
                    tag = tags[key] = _tag(entries[index], required, confidence, count, None)
                append(tag)
            else:
                confidence = _confidence(best, count, in_title)
                append(_tag(entries[index], required, confidence, count, offsets))
        return result

    def _make_tag(
        self, index: int, required: bool | None, best: float, count: int, in_title: bool
    ) -> SkillTag:
        """The tag of one tally without evidence (what `extract` caches by tally)."""
        confidence = _confidence(best, count, in_title)
        return _tag(self.entries[index], required, confidence, count, None)

    def _tally(self, title: str, description: str) -> list[_Tally]:
        """Mentions per skill, in tag order (the reference of `SkillScanner.tally`)."""
        # Per skill: [required, best quality, mentions, in title, evidence offsets].
        found: dict[int, list[Any]] = {}
        evidence = self.evidence
        for index, field, start, end, quality, required in self._scan(title, description, False):
            acc = found.get(index)
            if acc is None:
                found[index] = [
                    required,
                    quality,
                    1,
                    field == "title",
                    [(field, start, end)] if evidence else None,
                ]
                continue
            if required is True:
                acc[0] = True
            elif required is False and acc[0] is None:
                acc[0] = False
            if quality > acc[1]:
                acc[1] = quality
            acc[2] += 1
            if field == "title":
                acc[3] = True
            if evidence:
                acc[4].append((field, start, end))
        ids = self._ids
        order = sorted(
            found.items(), key=lambda item: (_REQUIRED_ORDER[item[1][0]], -item[1][2], ids[item[0]])
        )
        return [(index, *acc) for index, acc in order]


def _confidence(best: float, count: int, in_title: bool) -> float:
    """A tag's confidence: its best mention's quality, more for repeats and the title."""
    confidence = best + min(0.09, 0.03 * (count - 1)) + (0.1 if in_title else 0.0)
    return round(min(0.99, max(0.05, confidence)), 2)


def _ranks(ids: tuple[str, ...]) -> list[int]:
    """Each entry's position in id order: the native tally's tie-break, as `ids[i]` is here."""
    ranks = [0] * len(ids)
    for rank, index in enumerate(sorted(range(len(ids)), key=ids.__getitem__)):
        ranks[index] = rank
    return ranks


_TAG_FIELDS = tuple(SkillTag.model_fields)


def _new_tag(values: dict[str, object]) -> SkillTag:
    """A SkillTag without validation or model_construct's per-field loop (~10x cheaper).

    Every value is valid by construction here, and tests validate extract() output against
    the model, so this is what `model_construct` does minus its generic bookkeeping.
    """
    tag = SkillTag.__new__(SkillTag)
    object.__setattr__(tag, "__dict__", values)
    object.__setattr__(tag, "__pydantic_fields_set__", set(_TAG_FIELDS))
    object.__setattr__(tag, "__pydantic_extra__", None)
    object.__setattr__(tag, "__pydantic_private__", None)
    return tag


def _tag(
    entry: SkillEntry,
    required: bool | None,
    confidence: float,
    mentions: int,
    evidence: list[tuple[Field, int, int]] | None,
) -> SkillTag:
    return _new_tag(
        {
            "id": entry.id,
            "name": entry.name,
            "category": entry.category,
            "required": required,
            "confidence": confidence,
            "mentions": mentions,
            "evidence": evidence,
            "esco_uri": entry.esco_uri,
        }
    )
