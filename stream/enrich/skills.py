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

import bisect
import re
from dataclasses import dataclass
from typing import Literal, NamedTuple

import ahocorasick

from stream.enrich.sections import line_requirement
from stream.models import SkillTag
from stream.taxonomy import SkillEntry, Taxonomy

_GLUE_MIN_LEN = 3  # "Go"/"R" glued into words ("GoDaddy", "RStudio") are not skills
_SENTENCE_START = frozenset("\n.!?:;•·*-–—>")
# A capitalised sentence-initial cased form followed by one of these is still the skill.
_TECH_FOLLOWER_WORDS = (
    "and or is are skills skill experience knowledge proficiency programming developer "
    "developers development language languages code coding framework expertise expert based "
    "apps applications services engineer engineers certification certified spreadsheets "
    "spreadsheet scripting stack ecosystem fluency fluent speaking required preferred jobs "
    "cluster clusters pipeline pipelines streaming queries api apis sdk scripts workflows "
    "dashboards models databases server servers"
)
_TECH_FOLLOWERS = frozenset(_TECH_FOLLOWER_WORDS.split())
_ONE_CHAR_LEFT_BLOCK = frozenset(".&-+#'’_")
_ONE_CHAR_RIGHT_BLOCK = frozenset("&-+#'’_")

Field = Literal["title", "description"]
_REQUIRED_ORDER: dict[bool | None, int] = {True: 0, False: 1, None: 2}


@dataclass(frozen=True, slots=True)
class _Form:
    entry: int  # index into SkillExtractor.entries
    exact: str | None  # the exact-case text a cased form requires
    weak: bool  # needs corroboration (cased form of an ambiguous skill)
    short: bool  # one or two characters: less certain


class Mention(NamedTuple):
    """One accepted occurrence of a skill: where it is and how strong the evidence is."""

    skill_id: str
    field: Field
    start: int
    end: int
    quality: float
    required: bool | None


class _Span(NamedTuple):  # NamedTuple, not a frozen dataclass: built per match, 3x cheaper
    start: int
    end: int
    forms: tuple[_Form, ...]  # the forms of one key that passed the case checks
    glued: bool  # accepted only through a camelCase boundary


def _line_starts(text: str) -> list[int]:
    starts = [0]
    i = text.find("\n")
    while i != -1:
        starts.append(i + 1)
        i = text.find("\n", i + 1)
    return starts


def _fold(text: str) -> str:
    """Lower-case with offsets preserved (str.lower can lengthen a few characters)."""
    folded = text.lower()
    if len(folded) == len(text):
        return folded
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in text)


def _glue(text: str, i: int) -> bool:
    """A camelCase boundary between text[i-1] and text[i]: aB, 3B, or ABc (acronym, word)."""
    cur, prev = text[i], text[i - 1]
    if not cur.isupper():
        return False
    if prev.islower() or prev.isdigit():
        return True
    return prev.isupper() and i + 1 < len(text) and text[i + 1].islower()


def _common_word_use(text: str, start: int, end: int) -> bool:
    """A capitalised form opening a sentence and followed by a lowercase word: "Go the"."""
    i = start - 1
    while i >= 0 and text[i] == " ":
        i -= 1
    if i >= 0 and text[i] not in _SENTENCE_START:
        return False
    if end + 1 >= len(text) or text[end] not in " -" or not text[end + 1].islower():
        return False
    j = end + 1
    while j < len(text) and text[j].isalpha():
        j += 1
    return text[end + 1 : j] not in _TECH_FOLLOWERS


def _cased_ok(text: str, start: int, end: int, form: _Form) -> bool:
    if text[start:end] != form.exact:
        return False
    return not (form.exact[0].isupper() and _common_word_use(text, start, end))


class SkillExtractor:
    """Tags postings with one taxonomy version. Thread-safe after construction."""

    def __init__(self, taxonomy: Taxonomy) -> None:
        self.taxonomy = taxonomy
        self.entries: tuple[SkillEntry, ...] = taxonomy.entries
        self._by_id = {e.id: e for e in self.entries}
        forms: dict[str, list[_Form]] = {}
        for index, entry in enumerate(self.entries):
            cased_keys = {_fold(c) for c in entry.cased_aliases}
            plain = {_fold(f) for f in (entry.name, *entry.aliases)} - cased_keys
            for key in plain:
                forms.setdefault(key, []).append(_Form(index, None, False, len(key) <= 2))
            for exact in dict.fromkeys(entry.cased_aliases):
                form = _Form(index, exact, entry.ambiguous, len(exact) <= 2)
                forms.setdefault(_fold(exact), []).append(form)
        self._one_char_forms: dict[str, tuple[_Form, ...]] = {}
        for key, key_forms in forms.items():
            for exact in {f.exact for f in key_forms if len(key) == 1 and f.exact}:
                self._one_char_forms[exact] = tuple(f for f in key_forms if f.exact == exact)
        # One-letter forms ("C", "R") go through a regex: in the automaton they would hit on
        # every 'c' and 'r' in the text and cost a Python-level check each.
        letters = "".join(sorted(re.escape(e) for e in self._one_char_forms))
        self._one_char_re = re.compile(f"[{letters}]") if letters else None
        self._automaton: ahocorasick.Automaton | None = None
        multi = {k: v for k, v in forms.items() if len(k) > 1}
        if multi:
            automaton = ahocorasick.Automaton()
            for key, key_forms in multi.items():
                all_plain = all(f.exact is None for f in key_forms)  # skips the case checks
                edges = (key[0].isalnum(), key[-1].isalnum())
                automaton.add_word(key, (len(key), tuple(key_forms), all_plain, *edges))
            automaton.make_automaton()
            self._automaton = automaton

    def _candidates(self, text: str) -> list[tuple[int, int, tuple[_Form, ...], bool]]:
        """Boundary- and case-checked (start, end, forms, glued) spans, before selection."""
        folded = _fold(text)
        size = len(text)
        found: list[tuple[int, int, tuple[_Form, ...], bool]] = []
        if self._automaton is not None:
            for last, (length, forms, plain, check_left, check_right) in self._automaton.iter(
                folded
            ):
                start, end = last - length + 1, last + 1
                glued = False
                # "_" joins identifiers and URL parameters ("R_ID", "my_python_job").
                if check_left and start and ((ch := folded[start - 1]).isalnum() or ch == "_"):
                    if length < _GLUE_MIN_LEN or not _glue(text, start):
                        continue
                    glued = True
                if check_right and end < size and ((ch := folded[end]).isalnum() or ch == "_"):
                    if length < _GLUE_MIN_LEN or not _glue(text, end):
                        continue
                    glued = True
                ok = forms
                if not plain:
                    ok = tuple(
                        f for f in forms if f.exact is None or _cased_ok(text, start, end, f)
                    )
                if ok:
                    found.append((start, end, ok, glued))
        if self._one_char_re is not None:
            for match in self._one_char_re.finditer(text):
                start = match.start()
                before = text[start - 1] if start else " "
                after = text[start + 1] if start + 1 < size else " "
                if before.isalnum() or before in _ONE_CHAR_LEFT_BLOCK:
                    continue
                if after.isalnum() or after in _ONE_CHAR_RIGHT_BLOCK:
                    continue
                if after == "." and start + 2 < size and text[start + 2].isalnum():
                    continue  # an initial or abbreviation: "C.V.", "R.N."
                if not _common_word_use(text, start, start + 1):
                    found.append((start, start + 1, self._one_char_forms[match.group()], False))
        return found

    def _select(self, text: str) -> list[_Span]:
        """Longest-leftmost non-overlapping candidates."""
        candidates = sorted(self._candidates(text), key=lambda c: (c[0], c[0] - c[1]))
        chosen: list[_Span] = []
        last_end = 0
        for start, end, forms, glued in candidates:
            if start >= last_end:
                chosen.append(_Span(start, end, forms, glued))
                last_end = end
        return chosen

    @staticmethod
    def _requirements(text: str, spans: list[_Span]) -> list[bool | None]:
        """The requirement state of each span's line."""
        if not spans:
            return []
        starts = _line_starts(text)
        lines = [bisect.bisect_right(starts, span.start) - 1 for span in spans]
        states = line_requirement(text, wanted=set(lines))
        return [states[line] for line in lines]

    def mentions(self, title: str, description: str) -> list[Mention]:
        """Every accepted skill occurrence, in title then description order."""
        title_spans = self._select(title)
        body_spans = self._select(description)
        spans: list[tuple[Field, str, _Span, bool | None]] = [
            ("title", title, span, None) for span in title_spans
        ]
        states = self._requirements(description, body_spans)
        spans += [
            ("description", description, s, r) for s, r in zip(body_spans, states, strict=True)
        ]
        strong = {f.entry for _, _, span, _ in spans for f in span.forms if not f.weak}
        groups: dict[str, set[int]] = {}
        for index in strong:
            groups.setdefault(self.entries[index].group, set()).add(index)
        result: list[Mention] = []
        for field, text, span, required in spans:
            form = self._resolve(span.forms, strong, groups)
            if form is None:
                continue
            entry = self.entries[form.entry]
            if form.weak and form.entry not in strong:
                quality = 0.55  # only corroborating evidence
            elif text[span.start : span.end] == entry.name:
                quality = 0.9  # the canonical name, exactly as written
            else:
                quality = 0.8
            quality -= (0.1 if span.glued else 0.0) + (0.05 if form.short else 0.0)
            result.append(Mention(entry.id, field, span.start, span.end, quality, required))
        return result

    def _resolve(
        self, forms: tuple[_Form, ...], strong: set[int], groups: dict[str, set[int]]
    ) -> _Form | None:
        """The form a span stands for: a strong one, else the first corroborated weak one."""
        for form in forms:
            if not form.weak or form.entry in strong:
                return form
        for form in forms:
            evidence = self.entries[form.entry].evidence_groups()
            if any(groups.get(g, set()) - {form.entry} for g in evidence):
                return form
        return None

    def extract(self, title: str, description: str) -> list[SkillTag]:
        """Skill tags: required, then nice-to-have, then unknown; by mentions desc, then id."""
        by_id: dict[str, list[Mention]] = {}
        for mention in self.mentions(title, description):
            by_id.setdefault(mention.skill_id, []).append(mention)
        tags = [_tag(self._by_id[skill_id], found) for skill_id, found in by_id.items()]
        return sorted(tags, key=lambda t: (_REQUIRED_ORDER[t.required], -t.mentions, t.id))


def _tag(entry: SkillEntry, found: list[Mention]) -> SkillTag:
    states = {m.required for m in found}
    required = True if True in states else (False if False in states else None)
    in_title = any(m.field == "title" for m in found)
    confidence = max(m.quality for m in found)
    confidence += min(0.09, 0.03 * (len(found) - 1)) + (0.1 if in_title else 0.0)
    # model_construct skips validation (~15 us a tag): every value is valid by construction
    # here, and tests validate extract() output against the model.
    return SkillTag.model_construct(
        id=entry.id,
        name=entry.name,
        category=entry.category,
        required=required,
        confidence=round(min(0.99, max(0.05, confidence)), 2),
        mentions=len(found),
    )
