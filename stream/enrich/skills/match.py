"""The matching half of skill tagging: surface forms to boundary- and case-checked spans.

`FormMatcher(entries)` compiles every surface form of a taxonomy into one Aho-Corasick
automaton (ahocorasick_rs, once per taxonomy version); `spans(text)` returns the
longest-leftmost non-overlapping spans whose edges sit on token boundaries and whose case
fits the form.
The fold and the boundary checks live in `skills_text`, camelCase glue in `skills_glue`.

Hot-path choices, measured with benchmarks/skills_speed.py:
- one case fold per text that keeps offsets (`skills_text.fold`): `encode("ascii",
  "replace")` maps every non-ASCII character to "?" (one byte each), so byte offsets in the
  folded bytes are character offsets in the text; boundary checks read the original
  text, so "é" is still a letter;
- the automaton returns all its hits as one list from compiled code, instead of a Python
  iteration per hit;
- the per-form metadata lives in the automaton's value tuples, so a hit costs one tuple
  unpack; the common rejection (a form inside a longer word) is two cheap tests.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

import ahocorasick_rs

from stream.enrich.skills.cues import NICE_WORDS, REQUIRED_WORDS
from stream.enrich.skills.glue import glued_candidates, is_glue
from stream.enrich.skills.sections import HEADING_BULLETS, HEADING_PHRASES
from stream.enrich.skills.taxonomy import SkillEntry
from stream.enrich.skills.text import (
    MATCH_TABLE,
    common_word_use,
    fold,
    lone_letter,
    needs_verify,
)


@dataclass(frozen=True, slots=True)
class Form:
    """One way a skill is written: plain (any case) or exact (cased), weak or strong."""

    entry: int  # index into the entries the matcher was built from
    exact: str | None  # the exact-case text a cased form requires
    weak: bool  # needs corroboration (cased form of an ambiguous skill)
    short: bool  # one or two characters: less certain


@dataclass(slots=True)
class SectionMarks:
    """What the scan reports for requirement sections besides spans, so that
    `sections.RequirementIndex` needs no scan of its own."""

    cues: list[int] = field(default_factory=list)  # where requirement cue words end
    headings: list[int] = field(default_factory=list)  # starts of candidate heading lines

    def cue_words(self) -> list[int]:
        return sorted(self.cues)

    def heading_lines(self) -> list[int]:
        return sorted(set(self.headings))


# A selected occurrence: (start, end, the forms that fit, accepted only through context:
# a camelCase glue, or a lower-case tag list). A plain tuple: a NamedTuple per span costs
# more than it reads better.
Span = tuple[int, int, tuple[Form, ...], bool]


def _cased_ok(text: str, start: int, end: int, form: Form) -> bool:
    exact = form.exact
    if exact is None:
        return True
    if text[start:end] != exact:
        return False
    return not (exact[0].isupper() and common_word_use(text, start, end))


# A form key: (length, forms, plain_only, verify). In the automaton each pattern has a
# value too: (length, tail, forms, plain_only, verify), `tail` 1 when the pattern ends with
# the separator that must follow the form.
_Key = tuple[int, tuple[Form, ...], bool, frozenset[str] | None]
_Value = tuple[int, int, tuple[Form, ...], bool, frozenset[str] | None]
# Markers in the length slot of a value: not a form but a requirement cue word, the start
# of a heading phrase ("requirements", "nice to have"), or both ("required", "must").
_CUE, _HEADING, _CUE_AND_HEADING = 0, -1, -2
# Requirement cue words, matched at word starts as prefixes ("requir" is "required",
# "requirements"); the scan reports their offsets so that sections need no scan of theirs.
# The words of `cues`, in its order (pattern ids follow it), single words only: a
# multi-word cue ("not required") holds a single-word one ("requir") that the scan
# reports in the same clause, and a clause is read when any cue word is in it.
CUE_WORDS = tuple(w for w in (*NICE_WORDS, *REQUIRED_WORDS) if " " not in w)


class _Automaton:
    """One automaton over b" key " / b" key." (a word on both sides), cues and headings.

    A key ending in a letter or digit is stored with the separator that must follow it,
    so "go" never hits inside "good": almost every hit is a real word-level match. Keys
    ending otherwise ("c++", ".net") need no separator after them. `find(padded)` returns
    every (pattern, padded start, padded end) in one call into compiled code
    (ahocorasick_rs), and `values[pattern]` says what matched: no Python-level step per
    hit, as pyahocorasick's iterator had (figures in docs/skills.md).
    """

    __slots__ = ("_automaton", "patterns", "values")

    def __init__(self, keys: dict[str, _Key]) -> None:
        patterns: dict[bytes, _Value] = {}
        for fkey, (length, forms, plain_only, verify) in keys.items():
            head = b" " + fkey.encode("ascii")
            if fkey[-1].isalnum():
                for follower in (b" ", b"."):
                    patterns[head + follower] = (length, 1, forms, plain_only, verify)
            else:
                patterns[head] = (length, 0, forms, plain_only, verify)
        for cue in CUE_WORDS:
            patterns.setdefault(b" " + cue.encode("ascii"), (_CUE, 0, (), True, None))
        # Heading phrases behind a space, and behind "#" too: the fold keeps "#" (for "C#"),
        # so "#Requirements" has no space before the word.
        for pattern in (
            lead + phrase.encode("ascii") for phrase in HEADING_PHRASES for lead in (b" ", b"#")
        ):
            kind = patterns.get(pattern, (_HEADING,))[0]
            if kind not in (_CUE, _HEADING, _CUE_AND_HEADING):
                # A form written exactly like a heading phrase (only possible for a form
                # ending in a symbol, such as "skills &"): the skill wins, and a heading
                # starting so is not found. No bundled form does this.
                continue
            kind = _CUE_AND_HEADING if kind == _CUE else kind
            patterns[pattern] = (kind, 0, (), True, None)
        self.patterns = tuple(patterns)
        self.values = tuple(patterns.values())
        # Standard semantics report every overlapping match, as the selection needs all
        # candidates (a rejected long form must leave its shorter rivals in the running).
        # The contiguous NFA, not the DFA: the DFA is faster on a text scanned again and
        # again (its tables, ~16 MB here against ~1 MB for the NFA, stay in cache), but a
        # worker scans each posting once between other work, and there the NFA wins.
        self._automaton = ahocorasick_rs.BytesAhoCorasick(
            list(patterns),
            matchkind=ahocorasick_rs.MatchKind.Standard,
            implementation=ahocorasick_rs.Implementation.ContiguousNFA,
        )

    def find(self, padded: bytes) -> list[tuple[int, int, int]]:
        return self._automaton.find_matches_as_indexes(padded, overlapping=True)


_Candidate = tuple[int, int, tuple[Form, ...], bool]


class MatcherTables(NamedTuple):
    """A `FormMatcher`'s compiled tables as plain data, for the compiled scanner
    (`stream_native.SkillScanner`): forms and keys by index instead of by object."""

    patterns: list[bytes]  # the automaton's patterns, in order
    kinds: list[tuple[int, int, bool]]  # per pattern: (kind, key index, tail); see below
    forms: list[tuple[int, str | None, bool, bool]]  # (entry, exact, weak, short)
    keys: list[tuple[int, list[int], bool, list[str] | None]]  # (length, forms, plain_only, verify)
    glue_keys: dict[bytes, int]  # folded form -> key index, for camelCase glue


# Pattern kinds in MatcherTables: a form, or one of the requirement markers.
KIND_FORM, KIND_CUE, KIND_HEADING, KIND_CUE_AND_HEADING = 0, 1, 2, 3


_BULLET_RUN = re.compile(b"[" + re.escape(HEADING_BULLETS) + b"]*")


class _LineStarts:
    """Line starts of the scan's heading hits, and where each line's bullets end.

    Hits arrive nearly in text order, so the search for the previous newline resumes where
    the last one stopped: on a text that is one long line with thousands of heading
    phrases ("... is a plus; ... is a plus"), searching back from every hit was quadratic.
    """

    __slots__ = ("_bullets_end", "_encoded", "_line", "_searched")

    def __init__(self, encoded: bytes) -> None:
        self._encoded = encoded
        self._searched = 0  # encoded[:_searched] has been searched for newlines
        self._line = 0  # the start of the line holding offset _searched
        self._bullets_end = -1  # first non-bullet offset of that line (-1: not computed)

    def at(self, start: int) -> tuple[int, int]:
        """(start of the line holding `start`, end of that line's leading bullets)."""
        encoded = self._encoded
        if start < self._searched:  # out of order (an overlapping longer hit): look back
            line = encoded.rfind(b"\n", 0, start) + 1
            return line, _bullets_end(encoded, line)
        newline = encoded.rfind(b"\n", self._searched, start)
        if newline != -1:
            self._line, self._bullets_end = newline + 1, -1
        self._searched = start
        if self._bullets_end < 0:
            self._bullets_end = _bullets_end(encoded, self._line)
        return self._line, self._bullets_end


def _bullets_end(encoded: bytes, line: int) -> int:
    match = _BULLET_RUN.match(encoded, line)
    return match.end() if match else line


class FormMatcher:
    """Every surface form of `entries` in one automaton. Thread-safe after construction.

    The automaton holds each form behind a space (" python"), and the text is scanned
    behind a space too, so forms only match at word starts: no hit for every "ai" inside
    "maintain" to reject in Python. Words with a camelCase glue in them ("PythonSQL") are
    cut at their glue points and looked up in `_byte_keys` (see `skills_glue`).
    """

    def __init__(self, entries: Sequence[SkillEntry]) -> None:
        forms: dict[str, list[Form]] = {}
        for index, entry in enumerate(entries):
            cased_keys = {c.lower() for c in entry.cased_aliases}
            # In the data's order, not a set's: keys that fold to one automaton pattern
            # (" ph.d." is "ph.d." and "ph.d" followed by ".") are resolved by insertion
            # order, which must not change with the process's hash seed.
            plain = [
                key
                for key in dict.fromkeys(f.lower() for f in (entry.name, *entry.aliases))
                if key not in cased_keys
            ]
            for key in plain:
                forms.setdefault(key, []).append(Form(index, None, False, len(key) <= 2))
            for exact in dict.fromkeys(entry.cased_aliases):
                form = Form(index, exact, entry.ambiguous, len(exact) <= 2)
                forms.setdefault(exact.lower(), []).append(form)
        one_char: dict[str, tuple[Form, ...]] = {}
        for key, key_forms in forms.items():
            for exact in dict.fromkeys(f.exact for f in key_forms if len(key) == 1 and f.exact):
                one_char[exact] = tuple(f for f in key_forms if f.exact == exact)
        # Forms are folded like the text; forms that fold to the same string share a key.
        folded: dict[str, dict[str, list[Form]]] = {}
        for key, key_forms in forms.items():
            if len(key) > 1:
                folded.setdefault(fold(key).strip(), {}).setdefault(key, []).extend(key_forms)
        keys: dict[str, _Key] = {}
        for fkey, originals in folded.items():
            if not fkey:
                continue
            all_forms = tuple(f for fs in originals.values() for f in fs)
            plain_only = all(f.exact is None for f in all_forms)  # skips the case checks
            # Separators fold to spaces on purpose ("CI CD", "scikit learn"), except in
            # forms with a one-letter token ("A/P" must not match "a P"); non-ASCII
            # forms fold to spaces too. Those are re-checked against the original text.
            verify = None
            if any(needs_verify(k, fkey) for k in originals):
                verify = frozenset(k.replace("’", "'") for k in originals)
            keys[fkey] = (len(fkey), all_forms, plain_only, verify)
        for exact, one_forms in one_char.items():
            keys.setdefault(exact.lower(), (1, one_forms, False, None))
        # The glue lookup reads the padded bytes, so it keeps the keys as bytes.
        self._byte_keys = {k.encode("ascii"): v for k, v in keys.items()}
        self._anchored: _Automaton | None = None
        if keys:
            self._anchored = _Automaton(keys)

    def tables(self) -> MatcherTables:
        """The compiled tables as plain data (see `MatcherTables`)."""
        key_index = {key: i for i, key in enumerate(self._byte_keys)}
        form_index: dict[Form, int] = {}
        for _, key_forms, _, _ in self._byte_keys.values():
            for form in key_forms:
                form_index.setdefault(form, len(form_index))
        keys = [
            (length, [form_index[f] for f in key_forms], plain_only, sorted(verify or ()) or None)
            for length, key_forms, plain_only, verify in self._byte_keys.values()
        ]
        patterns: list[bytes] = []
        kinds: list[tuple[int, int, bool]] = []
        markers = {_CUE: KIND_CUE, _HEADING: KIND_HEADING, _CUE_AND_HEADING: KIND_CUE_AND_HEADING}
        if self._anchored is not None:
            patterns = list(self._anchored.patterns)
            for pattern, (length, tail, _, _, _) in zip(
                patterns, self._anchored.values, strict=True
            ):
                if length in markers:
                    kinds.append((markers[length], 0, False))
                else:
                    # b" " + key, plus the follower when `tail` says there is one.
                    kinds.append(
                        (KIND_FORM, key_index[pattern[1 : len(pattern) - tail]], bool(tail))
                    )
        forms = [(f.entry, f.exact, f.weak, f.short) for f in form_index]
        return MatcherTables(patterns, kinds, forms, keys, key_index)

    def candidates(
        self,
        text: str,
        encoded: bytes | None = None,
        marks: SectionMarks | None = None,
        listed: list[_Candidate] | None = None,
    ) -> list[_Candidate]:
        """Boundary- and case-checked (start, end, forms, glued) spans, before selection.

        With `marks`, the same scan also records where requirement cue words ("required",
        "plus", "preferred"...) end and which lines begin (after bullets) with a heading
        phrase, for `sections.RequirementIndex` to confirm. When `listed` is a list, cased
        forms found in lower case ("react", "jenkins") are put there instead of dropped:
        `spans` keeps them only inside a tag list. `encoded`: the text's
        `encode("ascii", "replace")` when the caller already has it.
        """
        found: list[_Candidate] = []
        anchored = self._anchored
        if anchored is None:
            return found
        if encoded is None:
            encoded = text.encode("ascii", "replace")
        # b" " + folded text + b" ": the spaces let forms match at either end. Padded index
        # i is text offset i - 1, and every pattern starts with its space, so a pattern
        # found at padded `start` is a form at text offset `start`.
        padded = b" " + encoded.translate(MATCH_TABLE) + b" "
        size = len(text)
        # Only "_" and non-ASCII letters fold to a space yet are word characters.
        loose = "_" in text or not text.isascii()
        values = anchored.values
        lines = _LineStarts(encoded)
        # The common path is inlined: this loop runs for every hit of every posting.
        for pattern, start, stop in anchored.find(padded):
            length, tail, forms, plain_only, verify = values[pattern]
            end = start + length
            if length <= 1:
                if length == 1:
                    self._one_char_candidate(text, start, forms, found)
                    continue
                if marks is None:
                    continue
                if length != _HEADING:
                    marks.cues.append(stop - 2)  # a cue word: the offset of its end
                if length != _CUE:
                    line, bullets_end = lines.at(start)
                    if start <= bullets_end:  # only bullets between the line start and here
                        marks.headings.append(line)
                continue
            if loose and (
                (start and ((ch := text[start - 1]) == "_" or ch.isalnum()))
                or (tail and end < size and ((ch := text[end]) == "_" or ch.isalnum()))
            ):
                continue
            if verify is not None and text[start:end].lower().replace("’", "'") not in verify:
                continue
            if not plain_only:
                cased = tuple(f for f in forms if _cased_ok(text, start, end, f))
                if not cased:
                    if listed is not None and text[start:end].islower():
                        listed.append((start, end, forms, True))
                    continue
                forms = cased
            found.append((start, end, forms, False))
        for start, end, value in glued_candidates(text, padded, encoded, self._byte_keys):
            self._check_glued(text, start, end, value, found)
        return found

    @staticmethod
    def _check_glued(text: str, start: int, end: int, value: _Key, found: list[_Candidate]) -> None:
        _, forms, plain_only, verify = value
        if (
            start
            and not is_glue(text, start)
            and (text[start - 1].isalnum() or text[start - 1] == "_")
        ):
            return
        if end < len(text) and not is_glue(text, end) and (text[end].isalnum() or text[end] == "_"):
            return
        if verify is not None and text[start:end].lower().replace("’", "'") not in verify:
            return
        if not plain_only:
            forms = tuple(f for f in forms if _cased_ok(text, start, end, f))
            if not forms:
                return
        found.append((start, end, forms, True))

    @staticmethod
    def _one_char_candidate(
        text: str, start: int, forms: tuple[Form, ...], found: list[_Candidate]
    ) -> None:
        """A lone letter in the folded text: check exact case and its neighbours."""
        ok = tuple(f for f in forms if f.exact == text[start])
        if ok and lone_letter(text, start) and not common_word_use(text, start, start + 1):
            found.append((start, start + 1, ok, False))

    def spans(
        self,
        text: str,
        encoded: bytes | None = None,
        marks: SectionMarks | None = None,
    ) -> list[Span]:
        """Longest-leftmost non-overlapping candidates, in text order (see `candidates`),
        plus cased forms written in lower case inside a tag list (see `_in_tag_lists`)."""
        listed: list[_Candidate] = []
        found = self.candidates(text, encoded, marks, listed)
        if not found:
            return []
        found.sort(key=lambda c: (c[0], c[0] - c[1]))
        chosen: list[Span] = []
        last_end = 0
        for candidate in found:
            start, end = candidate[0], candidate[1]
            if start >= last_end:
                chosen.append(candidate)
                last_end = end
        if listed and len(chosen) >= 2:
            chosen = _in_tag_lists(text, chosen, listed)
        return chosen


# What may separate the items of a tag list ("typescript, react / go | jenkins").
_LIST_SEPARATORS = " ,/|;\t·•"
_LIST_MAX_GAP = 4
_LIST_MIN_STRONG = 2


def _in_tag_lists(text: str, chosen: list[Span], listed: list[_Candidate]) -> list[Span]:
    """`chosen` plus the lower-case cased forms that sit inside a tag list.

    "React", "Go" and "Jenkins" are cased forms: in running text "react", "go" and
    "jenkins" are ordinary words. Scraped tag lists are lower case, though ("typescript
    javascript node.js react go"). A lower-case candidate counts when it belongs to a run
    of spans on one line separated only by list separators, and the run holds at least two
    selected spans of strong forms. Accepted ones stay weak where their forms are (the
    extractor still wants corroboration from the posting) and are marked as accepted
    through context, which lowers their confidence.
    """
    # A run with a listed candidate and two selected spans has a listed candidate next to
    # a selected span: without one (the usual case in prose: "react quickly"), stop here.
    starts = {c[0] for c in chosen}
    ends = {c[1] for c in chosen}
    if not any(
        any((c[0] - gap) in ends or (c[1] + gap) in starts for gap in range(_LIST_MAX_GAP + 1))
        for c in listed
    ):
        return chosen
    taken = [(c[0], c[1]) for c in chosen]
    extra: list[Span] = []
    for candidate in sorted(listed, key=lambda c: (c[0], c[0] - c[1])):
        start, end = candidate[0], candidate[1]
        if any(s < end and start < e for s, e in taken):
            continue
        taken.append((start, end))
        extra.append(candidate)
    if not extra:
        return chosen
    # Runs of spans in text order, each next one separated from the last only by a
    # list separator; a run with two strong selected spans accepts its listed ones.
    merged = sorted([*((c, False) for c in chosen), *((c, True) for c in extra)], key=_start)
    runs: list[list[tuple[Span, bool]]] = []
    previous_end = -1
    for span, is_listed in merged:
        if previous_end < 0 or not _list_gap(text[previous_end : span[0]]):
            runs.append([])
        runs[-1].append((span, is_listed))
        previous_end = span[1]
    accepted = {
        span[0]
        for run in runs
        if _strong_selected(run) >= _LIST_MIN_STRONG
        for span, is_listed in run
        if is_listed
    }
    if not accepted:
        return chosen
    return sorted([*chosen, *(c for c in extra if c[0] in accepted)], key=lambda c: c[0])


def _start(item: tuple[Span, bool]) -> int:
    return item[0][0]


def _strong_selected(run: list[tuple[Span, bool]]) -> int:
    return sum(1 for span, is_listed in run if not is_listed and not span[2][0].weak)


def _list_gap(gap: str) -> bool:
    """Text between two items of one tag list: a few separators, no line break."""
    return len(gap) <= _LIST_MAX_GAP and not gap.strip(_LIST_SEPARATORS)
