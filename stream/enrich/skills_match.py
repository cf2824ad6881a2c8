"""The matching half of skill tagging: surface forms to boundary- and case-checked spans.

`FormMatcher(entries)` compiles every surface form of a taxonomy into one Aho-Corasick
automaton (once per taxonomy version); `spans(text)` returns the longest-leftmost
non-overlapping spans whose edges sit on token boundaries and whose case fits the form.

Hot-path choices, measured with benchmarks/skills_speed.py:
- one case fold per text that keeps offsets: ASCII text is `lower()`ed directly; other text
  is folded through `encode("ascii", "replace")`, which maps every non-ASCII character to
  "?" (same length) and keeps the automaton on a 1-byte string, about 2x faster to scan;
  boundary checks read the original text, so "é" is still a letter;
- the per-form metadata lives in the automaton's value tuples, so a hit costs one tuple
  unpack; the common rejection (a form inside a longer word) is two cheap tests;
- one-letter forms ("C", "R") go through a regex whose look-arounds do the boundary test in
  C: in the automaton they would hit on every "c" and "r" of the text.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

import ahocorasick

from stream.taxonomy import SkillEntry

_GLUE_MIN_SEGMENT = 4  # shorter average segments between glue points: an id or a hash
_GLUE_MAX_FORM = 60  # no form is longer; bounds the segment pairs tried in a glued word
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


@dataclass(frozen=True, slots=True)
class Form:
    """One way a skill is written: plain (any case) or exact (cased), weak or strong."""

    entry: int  # index into the entries the matcher was built from
    exact: str | None  # the exact-case text a cased form requires
    weak: bool  # needs corroboration (cased form of an ambiguous skill)
    short: bool  # one or two characters: less certain


class Span(NamedTuple):
    """A selected occurrence: offsets in the text, the forms that fit, glued or not."""

    start: int
    end: int
    forms: tuple[Form, ...]
    glued: bool  # accepted only through a camelCase boundary


def _table(keep: str) -> bytes:
    """A bytes.translate table: ASCII letters lower-cased, `keep` kept, all else a space."""
    out = bytearray(b" " * 256)
    for c in range(256):
        ch = chr(c)
        if ch.isascii() and (ch.isalnum() or ch in keep):
            out[c] = ord(ch.lower())
    return bytes(out)


# Characters that carry meaning inside forms ("C++", "C#", ".NET", "R&D") survive; every
# other separator ("/", "-", "(", "_", newline, non-ASCII "?") becomes a space, in the text
# and in the forms alike, so "CI/CD" and "CI CD", "scikit-learn" and "scikit learn" meet.
_MATCH_TABLE = _table(".+#&")
# Letter classes for camelCase glue: "a" lower-case or digit, "A" upper-case, " " other.
_CLASS_TABLE = (
    bytes(
        ord("a") if chr(c).islower() or chr(c).isdigit() else ord("A") if chr(c).isupper() else 32
        for c in range(128)
    )
    + b" " * 128
)


def fold(text: str) -> str:
    """The matching form of `text`, same length: lower-case ASCII, separators as spaces.

    Non-ASCII characters become "?" first (`encode("ascii", "replace")` keeps one byte per
    character), then a space; boundary checks read the original text, so "é" is a letter.
    """
    return text.encode("ascii", "replace").translate(_MATCH_TABLE).decode("ascii")


def glue_points(classes: bytes) -> list[int]:
    """Offsets i where a camelCase boundary splits a word: "aB", "3B" or "ABc" at i.

    `classes` is the text's bytes through `_CLASS_TABLE`; bytes.find keeps this in C.
    """
    points: set[int] = set()
    for pattern in (b"aA", b"AAa"):
        i = classes.find(pattern)
        while i != -1:
            points.add(i + 1)
            i = classes.find(pattern, i + 1)
    return sorted(points)


def _glue(text: str, i: int) -> bool:
    """A camelCase boundary between text[i-1] and text[i]: aB, 3B, or ABc (acronym, word)."""
    cur, prev = text[i], text[i - 1]
    if not cur.isupper():
        return False
    if prev.islower() or prev.isdigit():
        return True
    return prev.isupper() and i + 1 < len(text) and text[i + 1].islower()


def common_word_use(text: str, start: int, end: int) -> bool:
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


def _needs_verify(key: str, folded: str) -> bool:
    """Whether a form's folded key is too loose to trust without the original text."""
    if not key.isascii():
        return True
    return key != folded and min(len(t) for t in folded.split()) <= 1


def _lone_letter(text: str, start: int) -> bool:
    """Not "R&D", "C++", "C-level", "R_ID", nor an initial such as "C.V." or "R.N."."""
    if start and ((ch := text[start - 1]).isalnum() or ch in _ONE_CHAR_LEFT_BLOCK):
        return False
    if start + 1 < len(text):
        after = text[start + 1]
        if after.isalnum() or after in _ONE_CHAR_RIGHT_BLOCK:
            return False
        if after == "." and start + 2 < len(text) and text[start + 2].isalnum():
            return False
    return True


def _cased_ok(text: str, start: int, end: int, form: Form) -> bool:
    exact = form.exact
    if exact is None:
        return True
    if text[start:end] != exact:
        return False
    return not (exact[0].isupper() and common_word_use(text, start, end))


# A one-letter form is not preceded or followed by these ("R&D", "C++", "C-level", "R_ID").
_ONE_CHAR_LEFT_BLOCK = frozenset(".&-+#'’_")
_ONE_CHAR_RIGHT_BLOCK = frozenset("&-+#'’_")


# A form key: (length, forms, plain_only, verify) as built; in the automaton each key is
# stored with its tail too: (length, tail, forms, plain_only, verify).
_Key = tuple[int, tuple[Form, ...], bool, frozenset[str] | None]
# Requirement cue words, matched at word starts as prefixes ("requir" is "required",
# "requirements"); the scan reports their offsets so that sections need no scan of theirs.
CUE_WORDS = (
    "plus",
    "advantage",
    "bonus",
    "nice",
    "prefer",
    "desirabl",
    "requir",
    "must",
    "mandatory",
)


def _automaton(keys: dict[str, _Key]) -> ahocorasick.Automaton:
    """One automaton over " key " / " key." (a word on both sides) and cue prefixes.

    A key ending in a letter or digit is stored with the separator that must follow it,
    so "go" never hits inside "good": almost every hit is a real word-level match. Keys
    ending otherwise ("c++", ".net") need no separator after them.
    """
    automaton = ahocorasick.Automaton()
    for fkey, (length, forms, plain_only, verify) in keys.items():
        if fkey[-1].isalnum():
            for follower in (" ", "."):
                automaton.add_word(" " + fkey + follower, (length, 1, forms, plain_only, verify))
        else:
            automaton.add_word(" " + fkey, (length, 0, forms, plain_only, verify))
    for cue in CUE_WORDS:
        if " " + cue not in automaton:
            automaton.add_word(" " + cue, (0, 0, (), True, None))
    automaton.make_automaton()
    return automaton


_Candidate = tuple[int, int, tuple[Form, ...], bool]


class FormMatcher:
    """Every surface form of `entries` in two automata. Thread-safe after construction.

    The main automaton holds each form behind a space (" python"), and the text is scanned
    behind a space too, so forms only match at word starts: the automaton stays near its
    root on the letters inside words, which makes the scan 2-3x faster than an unanchored
    one and avoids a Python-level rejection for every "ai" inside "maintain". The second,
    unanchored automaton is only run on the few words with a camelCase glue in them.
    """

    def __init__(self, entries: Sequence[SkillEntry]) -> None:
        forms: dict[str, list[Form]] = {}
        for index, entry in enumerate(entries):
            cased_keys = {c.lower() for c in entry.cased_aliases}
            plain = {f.lower() for f in (entry.name, *entry.aliases)} - cased_keys
            for key in plain:
                forms.setdefault(key, []).append(Form(index, None, False, len(key) <= 2))
            for exact in dict.fromkeys(entry.cased_aliases):
                form = Form(index, exact, entry.ambiguous, len(exact) <= 2)
                forms.setdefault(exact.lower(), []).append(form)
        self._one_char: dict[str, tuple[Form, ...]] = {}
        for key, key_forms in forms.items():
            for exact in {f.exact for f in key_forms if len(key) == 1 and f.exact}:
                self._one_char[exact] = tuple(f for f in key_forms if f.exact == exact)
        # Forms are folded like the text; forms that fold to the same string share a key.
        folded: dict[str, dict[str, list[Form]]] = {}
        for key, key_forms in forms.items():
            if len(key) > 1:
                folded.setdefault(fold(key).strip(), {}).setdefault(key, []).extend(key_forms)
        self._keys: dict[str, _Key] = {}
        for fkey, originals in folded.items():
            if not fkey:
                continue
            all_forms = tuple(f for fs in originals.values() for f in fs)
            plain_only = all(f.exact is None for f in all_forms)  # skips the case checks
            # Separators fold to spaces on purpose ("CI CD", "scikit learn"), except in
            # forms with a one-letter token ("A/P" must not match "a P"); non-ASCII
            # forms fold to spaces too. Those are re-checked against the original text.
            verify = None
            if any(_needs_verify(k, fkey) for k in originals):
                verify = frozenset(k.replace("’", "'") for k in originals)
            self._keys[fkey] = (len(fkey), all_forms, plain_only, verify)
        for exact, one_forms in self._one_char.items():
            self._keys.setdefault(exact.lower(), (1, one_forms, False, None))
        self._anchored: ahocorasick.Automaton | None = None
        if self._keys:
            self._anchored = _automaton(self._keys)

    def candidates(self, text: str, cues: list[int] | None = None) -> list[_Candidate]:
        """Boundary- and case-checked (start, end, forms, glued) spans, before selection.

        When `cues` is a list, the offsets of requirement cue words ("required", "plus",
        "preferred"...) found by the same scan are appended to it.
        """
        found: list[_Candidate] = []
        anchored = self._anchored
        if anchored is None:
            return found
        encoded = text.encode("ascii", "replace")
        # " " + folded text + " ": the spaces let forms match at either end. Padded index i
        # is text offset i - 1; a form keyed with a trailing separator (tail 1) that hits
        # at padded index `last` ends at text offset last - 1, one without at `last`.
        padded = " " + encoded.translate(_MATCH_TABLE).decode("ascii") + " "
        size = len(text)
        # Only "_" and non-ASCII letters fold to a space yet are word characters.
        loose = "_" in text or not text.isascii()
        # The common path is inlined: this loop runs for every hit of every posting.
        for last, (length, tail, forms, plain_only, verify) in anchored.iter(padded):
            end = last - tail
            start = end - length
            if length <= 1:
                if length == 1:
                    self._one_char_candidate(text, start, forms, found)
                elif cues is not None:
                    cues.append(end - 1)  # a cue word (length 0): the offset of its end
                continue
            if loose and (
                (start and ((ch := text[start - 1]) == "_" or ch.isalnum()))
                or (tail and end < size and ((ch := text[end]) == "_" or ch.isalnum()))
            ):
                continue
            if verify is not None and text[start:end].lower().replace("’", "'") not in verify:
                continue
            if not plain_only:
                forms = tuple(f for f in forms if _cased_ok(text, start, end, f))
                if not forms:
                    continue
            found.append((start, end, forms, False))
        classes = encoded.translate(_CLASS_TABLE)
        self._glued(text, padded, classes, found)
        return found

    def _glued(self, text: str, padded: str, classes: bytes, found: list[_Candidate]) -> None:
        """Forms that start or end at a camelCase glue ("PythonSQLJavaScala").

        A glued word is cut at its glue points; every run of segments that spells a form
        (a dictionary lookup, no scan), and touches a glue point, is a candidate, and so
        is a run from a glue point through the next word ("MongoDBAmazon Redshift") or
        from the previous word to a glue point ("Amazon S3Amazon EMR").
        """
        points = glue_points(classes)
        if not points:
            return
        keys = self._keys
        size = len(text)
        i = 0
        while i < len(points):
            lo = classes.rfind(b" ", 0, points[i]) + 1
            hi = classes.find(b" ", points[i])
            hi = size if hi == -1 else hi
            j = bisect.bisect_left(points, hi, i)
            inner = points[i:j]
            i = j
            if len(inner) > 3 and (hi - lo) < _GLUE_MIN_SEGMENT * len(inner):
                continue  # an identifier or a hash ("rMChK2Nb3EPUvX6e8"), not a word list
            after = classes.find(b" ", hi + 1) if hi < size else -1
            before = classes.rfind(b" ", 0, lo - 1) + 1 if lo > 1 else lo
            starts = [before, lo, *inner] if before < lo else [lo, *inner]
            ends = [*inner, hi, *([size if after == -1 else after] if hi < size else [])]
            glue = set(inner)
            for start in starts:
                for end in ends:
                    if end <= start or end - start > _GLUE_MAX_FORM:
                        continue
                    if start not in glue and end not in glue:
                        continue  # the plain scan sees whole words
                    value = keys.get(padded[start + 1 : end + 1])
                    if value is not None and value[0] >= _GLUE_MIN_LEN:
                        self._check_glued(text, start, end, value, found)

    @staticmethod
    def _check_glued(text: str, start: int, end: int, value: _Key, found: list[_Candidate]) -> None:
        _, forms, plain_only, verify = value
        if (
            start
            and not _glue(text, start)
            and (text[start - 1].isalnum() or text[start - 1] == "_")
        ):
            return
        if end < len(text) and not _glue(text, end) and (text[end].isalnum() or text[end] == "_"):
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
        if ok and _lone_letter(text, start) and not common_word_use(text, start, start + 1):
            found.append((start, start + 1, ok, False))

    def spans(self, text: str, cues: list[int] | None = None) -> list[Span]:
        """Longest-leftmost non-overlapping candidates, in text order (see `candidates`)."""
        found = self.candidates(text, cues)
        if not found:
            return []
        found.sort(key=lambda c: (c[0], c[0] - c[1]))
        chosen: list[Span] = []
        last_end = 0
        for start, end, forms, glued in found:
            if start >= last_end:
                chosen.append(Span(start, end, forms, glued))
                last_end = end
        return chosen


# Words that make a language name a language ("fluent in German", "German speaker",
# "English and Spanish", "Languages: French"); without one nearby, "German company" or
# "French fries" is a nationality or a cuisine.
_LANGUAGE_CUES = re.compile(
    r"\b(?:fluen\w*|bilingual|multilingual|speak\w*|language\w*|proficien\w*|native"
    r"|written|spoken|verbal|oral|read(?:ing)?|writ(?:e|ing)|interpret\w*|translat\w*"
    r"|conversational|communicat\w*|skills?|required|preferred|plus|knowledge|command"
    r"|ability|able|english|spanish|french|german|mandarin|chinese|portuguese|italian"
    r"|japanese|korean|arabic|russian|hindi|vietnamese|tagalog|asl|sign)\b",
    re.IGNORECASE,
)
_LANGUAGE_WINDOW = 40


def language_context(text: str, start: int, end: int) -> bool:
    """A cue word within a few words of a spoken-language name (the name itself excluded)."""
    before = text[max(0, start - _LANGUAGE_WINDOW) : start]
    after = text[end : end + _LANGUAGE_WINDOW]
    return bool(_LANGUAGE_CUES.search(before) or _LANGUAGE_CUES.search(after))
