"""One pass over the description for the keywords of every term field.

`scan(text)` runs one Aho-Corasick automaton (a DFA, built once per process) over the
text's ASCII bytes (`encode("ascii", "replace")`: one byte per character, so byte offsets
are character offsets) and returns the offsets of the keywords, grouped by the field that
asked for them. Keywords are listed in lower case and matched in their lower, Capitalized,
Title and UPPER spellings: lower-casing a 2 KB description costs more than the whole scan.
Each field then confirms its hits with a small anchored regex on a window of the text, so
no regex ever runs over the whole description and every one is linear in its window.

`requirement(text, start, end)` says whether a mention is required (True), nice to have
(False) or neither (None), reusing the skills' cue words and heading sections.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, Final

import ahocorasick_rs
from stream_native import TermsScanner

from stream.enrich.skills.cues import NICE_WORDS, REQUIRED_WORDS, inline_state
from stream.enrich.skills.sections import RequirementIndex

# Field -> keywords (lower case, or as the text writes them: "MD or"). A keyword is a
# gate, never a verdict: the field's own regex decides on the window around it. "^" marks
# a keyword that must start a word ("ms " would hit every "teams "): it is matched after
# each of _WORD_STARTS, so the automaton rejects the rest without a Python step each.
KEYWORDS: Mapping[str, tuple[str, ...]] = {
    "years": ("year", "^yr", "month", "jahr"),
    "no_experience": (
        "no experience", "no prior experience", "no previous experience",
        "no work experience", "no professional experience", "experience not required",
        "experience is not required", "experience not necessary", "experience necessary",
        "experience needed", "keine berufserfahrung", "keine erfahrung",
    ),
    "education": (
        "degree", "diploma", "bachelor", "master", "^mba", "^phd", "^PhD", "ph.d", "doctor",
        "^ged", "high school", "associate", "^b.s.", "^b.a.", "^bs ", "^ba ", "^bs/", "^ba/",
        "^b.s ", "^b.a ", "^bsc", "^BSc", "^b.sc", "^B.Sc", "^bsn", "^m.s.", "^ms ", "^ms/",
        "^msc", "^MSc", "^m.sc", "^M.Sc", "^msn", "^msw",
        "^m.d.", "^md/", "^MD or", "^pharmd", "^PharmD", "^pharm.d", "^j.d.", "^jd ", "juris",
        "^dvm", "^dds", "^psyd", "^PsyD",
        "vocational", "trade school", "technical school", "ausbildung", "studium",
        "abitur", "hochschul", "diplom", "gcse", "a-level", "a level", "no formal education",
        "no education",
    ),
    "employment": (
        "full-time", "full time", "fulltime", "part-time", "part time", "parttime",
        "contract", "temporary", "temp-to", "temp to", "seasonal", "per diem", "per-diem",
        "^prn", "internship", "volunteer", "apprenticeship", "job type", "employment type",
        "position type", "vollzeit", "teilzeit", "befristet", "fixed-term", "fixed term",
        "period of employment",
        "hours per week",
        "hours a week", "hours/week", "hrs per week", "hrs/week", "^fte",
        "full and part", "part and full", "full or part", "part or full", "full/part", "part/full",
        "Full and Part", "Part and Full", "Full or Part", "Part or Full",
    ),
    # Every word a nice-to-have cue or heading starts with (skills.cues, skills.sections
    # and the three added here): a mention with none before the end of its clause cannot
    # be nice to have, and is not asked about.
    "nice": ("prefer", "plus", "advantage", "bonus", "nice", "desir", "not required",
             "good to have", "good-to-have", "extra credit"),
    "level": ("entry level", "entry-level", "senior level", "senior-level", "mid-level",
              "mid level"),
}  # fmt: skip


def _spellings(word: str) -> set[str]:
    return {word, word.lower(), word.capitalize(), word.title(), word.upper()}


# digits: "5yrs"; ":" ";" ",": "EXPERIENCE:B.S. in"; "?": any non-ASCII character in the
# encoded bytes ("•B.S.", "–Degree")
_WORD_STARTS = " \n\t(/-\"':;,?" + "0123456789"


def _patterns() -> tuple[list[bytes], list[tuple[str, str, int]]]:
    """The automaton's patterns and, per pattern, (field, keyword in lower case, how many
    characters the pattern has before the keyword)."""
    patterns: dict[str, tuple[str, str, int]] = {}
    for field, words in KEYWORDS.items():
        for word in words:
            if word.startswith("^"):
                for spelling in _spellings(word[1:]):
                    for before in _WORD_STARTS:
                        patterns.setdefault(before + spelling, (field, word[1:].lower(), 1))
                continue
            for spelling in _spellings(word):
                patterns.setdefault(spelling, (field, word.lower(), 0))
    return [p.encode("ascii") for p in patterns], list(patterns.values())


_PATTERNS, _VALUES = _patterns()
# A DFA: a few hundred short patterns make a small table, and it is ~3x faster per
# byte than the NFAs on this machine (measured on the LinkedIn sample). The reference
# (`scan_reference`) and the compiled scan (`scan`) build the same automaton from the same
# patterns, so their overlapping matches come in the same order.
_AUTOMATON = ahocorasick_rs.BytesAhoCorasick(
    _PATTERNS,
    matchkind=ahocorasick_rs.MatchKind.Standard,
    implementation=ahocorasick_rs.Implementation.DFA,
)
_START = b"\n"  # so that a keyword at offset 0 starts a word too

Hits = dict[str, list[tuple[int, int, str]]]
"""Field -> [(start, end, keyword in lower case)] in text order."""


def scan(text: str, encoded: bytes | None = None) -> Hits:
    """Every keyword occurrence in `text`, grouped by field (overlaps included), by the
    compiled scan (`stream_native.TermsScanner`; `scan_reference` is the rule it must
    equal). `encoded`: `text.encode("ascii", "replace")` when the caller has it."""
    hits: Hits = _NATIVE.scan(text, encoded)
    return hits


Years = list[tuple[int, int, tuple[float, float | None]]]
Levels = list[tuple[int, int, Any, tuple[int, int], bool]]
Range = tuple[float, float | None]
DEFER: Final = object()
"""What `read` gives for a field the compiled rules leave to the reference."""


def read(text: str) -> tuple[Hits, Range | object | None, Any]:
    """`scan(text)`, and the posting's experience (min, max) and education level, read by
    the compiled rules (native/src/experience.rs, education.rs, requirement.rs): the same
    answers as `experience.experience_years` and `education.education_level` with a
    `Requirements` of this text, which stay the reference. A field is `DEFER` where the
    compiled rules leave it to the reference: for experience, a number outside ASCII
    digits or a fraction of months; for education, a character whose word class the
    regex crate reads otherwise than Python next to a keyword."""
    hits, (years_read, years), (level_read, level) = _NATIVE.read(text)
    return hits, years if years_read else DEFER, level if level_read else DEFER


def read_mentions(text: str) -> tuple[Hits, Years | None, Levels | None]:
    """`scan(text)` and the compiled `experience.mentions` and `education.level_mentions`
    (None where they defer to the reference): for the differential tests."""
    hits, years, levels = _NATIVE.read_mentions(text)
    return (
        hits,
        None if years is None else [(s, e, (low, high)) for s, e, low, high in years],
        None if levels is None else [(s, e, lv, (lo, hi), x) for s, e, lv, lo, hi, x in levels],
    )


def scan_reference(text: str, encoded: bytes | None = None) -> Hits:
    """`scan` in Python: the reference the compiled scan is tested against."""
    hits: Hits = {}
    if not text:
        return hits
    if encoded is None:
        encoded = text.encode("ascii", "replace")
    values = _VALUES
    for index, start, end in _AUTOMATON.find_matches_as_indexes(_START + encoded, overlapping=True):
        field, word, skip = values[index]
        hits.setdefault(field, []).append((start - 1 + skip, end - 1, word))
    return hits


def starts_word(text: str, start: int) -> bool:
    """Whether `start` begins a word, counting the words scrapers glue together when
    they drop line breaks ("QualificationsBachelor's", "Finance0 - 2 years")."""
    if start == 0:
        return True
    before = text[start - 1]
    if not before.isalnum():
        return True
    first = text[start]
    if first.isupper() and before.isupper():
        # "QUALIFICATIONSBachelor's": an upper-case word glued to a capitalized one
        return start + 1 < len(text) and text[start + 1].islower()
    return (first.isupper() and before.islower()) or (first.isdigit() and before.isalpha())


_CLAUSE_CHARS = ".!?;•\n"
_CLAUSE_REACH = 240
_CUE_WORDS = (*NICE_WORDS, *REQUIRED_WORDS, "desired")
# The compiled scan and rules, built from the same patterns and words as the reference.
_NATIVE = TermsScanner(_PATTERNS, _VALUES, NICE_WORDS, REQUIRED_WORDS, _CUE_WORDS)
# One read at import compiles the compiled rules' patterns (education, inline cues,
# headings), which would otherwise cost the first postings a few milliseconds.
_NATIVE.read(
    "Requirements:\nBachelor's degree preferred, 2 years of experience required; a plus."
    "\nPreferred Qualifications\nMaster's degree or 3-5 years in a similar role"
)
# "desired" says nice-to-have as plainly as "preferred" ("Associate degree desired"); the
# skills' cues know it only as a heading.
_DESIRED = re.compile(r"\b(?:is |are )?desired\b", re.IGNORECASE)
# "Prefer Bachelor's Degree", also glued on ("ServicePrefer Bachelor's")
_PREFER = re.compile(r"(?:\b|(?<=[a-z]))(?:[Pp]refers?|PREFERS?)\b")
# ... and "requires"/"must hold" say required as plainly as "required".
_REQUIRES = re.compile(r"\b(?:requires?|must (?:have|hold|possess|be))\b", re.IGNORECASE)
# A parenthesis of several words speaks of itself: in "Bachelor's degree (Electrical or
# Mechanical Engineering preferred)" the major is preferred, the degree is not.
# Found as any "(...)" without parentheses inside, then counted: the one regex
# `\((?:[^()]*?\s){2,}[^()]*\)` took time exponential in the spaces after a "(" that
# no ")" closes (a minute for a clause of ~40 words). The same spans: no match can start
# inside "(...)", which holds no "(".
_ASIDE = re.compile(r"\([^()]*\)")
_ASIDE_SPACES = 2


def _inside_word(text: str, i: int) -> bool:
    """Whether the delimiter at `i` sits inside a word and ends no clause: "Node.js" is one
    word, but "preferred.Minimum" is two sentences whose line break the scraper lost."""
    if i + 1 >= len(text) or not text[i + 1].isalnum():
        return False
    return not (text[i] == "." and i and text[i - 1].islower() and text[i + 1].isupper())


def _clause_start(text: str, lo: int, start: int) -> int:
    best = lo
    for ch in _CLAUSE_CHARS:
        i = text.rfind(ch, lo, start)
        # "." "!" "?" ";" "•" end a clause only before a non-word ("Node.js" is one word).
        while i != -1 and ch != "\n" and _inside_word(text, i):
            i = text.rfind(ch, lo, i)
        if i + 1 > best:
            best = i + 1
    return best


def _clause_end(text: str, end: int, limit: int) -> int:
    best = limit
    for ch in _CLAUSE_CHARS:
        i = text.find(ch, end, best)
        while i != -1 and ch != "\n" and _inside_word(text, i):
            i = text.find(ch, i + 1, best)
        if i != -1 and i < best:
            best = i
    return best


def clause_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """The clause around [start, end): between ". ! ? ; newline •", at most 240 chars away.

    `str.find` per delimiter, not a regex: a regex search costs ~35 ns a character here,
    eight times a `find`."""
    lo = max(0, start - _CLAUSE_REACH)
    return _clause_start(text, lo, start), _clause_end(
        text, end, min(len(text), end + _CLAUSE_REACH)
    )


# A lower-case word glued onto a capitalized one, where a line break was lost:
# "degreeOklahoma", "experience2+ years" (not "iPhone", "McKinsey"; "JavaScript" or "mp3"
# cut in two matter little: only a cue on the far side is kept away).
# Found on the clause's bytes mapped to letter classes ("a" lower, "A" upper, "0" digit):
# two `bytes.find`s instead of a regex, which costs ~100 ns a character here.
_CLASSES = bytes.maketrans(
    bytes(range(256)),
    bytes(
        ord("a") if 97 <= b <= 122 else ord("A") if 65 <= b <= 90 else ord("0") if 48 <= b <= 57
        else ord(" ")
        for b in range(256)
    ),
)  # fmt: skip


def glue_cuts(encoded: bytes, lo: int, hi: int) -> list[int]:
    """Offsets in [lo, hi) where a lower-case word runs into a capitalized word or a digit
    (two lower-case letters, then "Aa" or "0"): where a line break was lost."""
    classes = encoded[lo:hi].translate(_CLASSES)
    cuts = []
    # Find the rare byte pair first ("aA", "a0"), then check around it: searching for
    # "aaAa" itself makes `find` stop at every lower-case run.
    for pattern, after in ((b"aA", b"a"), (b"a0", b"")):
        i = classes.find(pattern, 1)
        while i != -1:
            if classes[i - 1] == 97 and (not after or classes[i + 2 : i + 3] == after):
                cuts.append(lo + i + 1)
            i = classes.find(pattern, i + 1)
    cuts.sort()
    return cuts


def _parts(clause: str, low: str, lo: int) -> list[tuple[int, str]]:
    """The clause's comma-separated parts as (offset in the text, part). A line break lost
    right after a cue ("HS/GED RequiredAssociate degree preferred") also ends a part, so
    the cue stays with what it speaks of."""
    cuts: list[tuple[int, int]] = []  # (end of a part, start of the next)
    i = clause.find(",")
    while i != -1:
        cuts.append((i, i + 1))
        i = clause.find(",", i + 1)
    for cue in ("required", "preferred", "desired"):
        i = low.find(cue)
        while i != -1:
            j = i + len(cue)
            if j < len(clause) and clause[j].isupper():
                cuts.append((j, j))
            i = low.find(cue, j)
    # A colon ends a part too: what follows it speaks of what precedes it ("High School
    # Diploma: further training or a certificate preferred", "Bachelor's
    # (Required)Experience: 3 years (Preferred)").
    i = clause.find(":")
    while i != -1:
        cuts.append((i, i + 1))
        i = clause.find(":", i + 1)
    cuts.sort()
    parts: list[tuple[int, str]] = []
    begin = 0
    for end, after in cuts:
        parts.append((lo + begin, clause[begin:end]))
        begin = after
    parts.append((lo + begin, clause[begin:]))
    return parts


_LABEL_REACH = 300
_LABEL_HEADS = ("qualifications", "requirements", "skills", "education", "experience",
                "have", "haves")  # fmt: skip
_LABEL_NICE = ("desired", "preferred", "preferable", "nice", "bonus", "plus", "additional")
_LABEL_REQUIRED = ("required", "minimum", "basic", "must")


def _label_state(text: str, lo: int) -> bool | None:
    """What the nearest inline label before a clause says ("Desired Qualifications: • BA/BS
    degree", "Minimum Requirements: ..."): a heading whose line break the scraper lost, which
    the line-based heading index cannot see. None for a neutral label ("Qualifications:")
    or none within reach. A heading glued onto the clause ("Preferred
    QualificationsBachelor's Degree", the clause cut at the glue) is read the same way."""
    if lo >= 2 and text[lo - 1].islower() and text[lo].isupper():
        label = text[max(0, lo - 40) : lo].lower()
        if not label.endswith(_LABEL_HEADS):
            label = ""
    else:
        label = ""
    if not label:
        colon = text.rfind(":", max(0, lo - _LABEL_REACH), lo)
        if colon == -1:
            return None
        label = text[max(0, colon - 40) : colon].lower().rstrip()
        if not label.endswith(_LABEL_HEADS):
            return None
    if any(w in label for w in _LABEL_NICE):
        return False
    if any(w in label for w in _LABEL_REQUIRED):
        return True
    return None


class Requirements:
    """Required / nice-to-have / neither for mentions in one description.

    A cue in the mention's own comma-separated part of its clause decides ("Requires a
    bachelor's degree, master's a plus"); else the nearest cue in a later part of the
    clause ("Bachelor's degree in CS, Engineering, or a related field preferred"); else
    the nearest in an earlier part; else the heading the mention sits under ("Preferred
    qualifications", "Requirements"), read by the skills' `RequirementIndex`.
    """

    __slots__ = ("_encoded", "_first_nice", "_index", "_last", "_text")

    def __init__(
        self,
        text: str,
        encoded: bytes | None = None,
        last: int | None = None,
        hits: Hits | None = None,
    ) -> None:
        """`encoded`: the text's ASCII bytes when the caller has them; `last`: no mention
        after this offset will be asked about (headings below it are not read); `hits`:
        the scan of `text`, whose "nice" keywords say where a nice-to-have cue can be."""
        self._text = text
        self._encoded = encoded
        self._last = last
        self._index: RequirementIndex | None = None
        nice = None if hits is None else hits.get("nice")
        self._first_nice = (
            len(text) + 1 if hits is not None and not nice else (nice[0][0] if nice else -1)
        )

    def is_nice(self, start: int, end: int, bounds: tuple[int, int] | None = None) -> bool:
        """Whether the mention [start, end) is only nice to have (`state` is False)."""
        if self._first_nice > end + _CLAUSE_REACH:
            return False  # no cue word before the end of its clause, nor a heading above
        return self.state(start, end, bounds) is False

    def state(self, start: int, end: int, bounds: tuple[int, int] | None = None) -> bool | None:
        """The state of the mention [start, end); `bounds`: its clause when the caller has
        it (`clause_bounds`)."""
        text = self._text
        lo, hi = clause_bounds(text, start, end) if bounds is None else bounds
        clause = text[lo:hi]
        low = clause.lower()
        if any(w in low for w in _CUE_WORDS):
            # A line break the scraper lost ends the clause ("College degreeOklahoma Teacher
            # Certification preferred", "is a plusBachelor's degree"): no cue crosses it.
            encoded = self._encoded
            if encoded is None:
                encoded = self._encoded = text.encode("ascii", "replace")
            for cut in glue_cuts(encoded, lo, hi):
                if cut <= start:
                    lo = cut
                elif cut >= end:
                    hi = cut
                    break
            # What follows a colon after the mention speaks of itself: "High School Diploma:
            # further education or certification preferred".
            colon = text.find(":", end, hi)
            if colon != -1:
                hi = colon
            cued = True
            if len(clause) != hi - lo:
                clause = text[lo:hi]
                low = clause.lower()
                cued = any(w in low for w in _CUE_WORDS)
        else:
            cued = False
        if cued:
            if "(" in clause:
                # Blank out asides that do not hold the mention (offsets kept).
                clause = _ASIDE.sub(
                    lambda m: (
                        m.group()
                        if m.start() <= start - lo < m.end()
                        or sum(c.isspace() for c in m.group()) < _ASIDE_SPACES
                        else " " * len(m.group())
                    ),
                    clause,
                )
            parts = _parts(clause, low, lo)
            own = max(i for i, (at, _) in enumerate(parts) if at <= start)
            order = [own, *range(own + 1, len(parts)), *range(own - 1, -1, -1)]
            for i in order:
                part = parts[i][1]
                cue = inline_state(part)
                if cue is None:
                    low_part = part.lower()
                    if ("desired" in low_part and _DESIRED.search(part)) or (
                        "prefer" in low_part and _PREFER.search(part)
                    ):
                        cue = False
                    elif ("requir" in low_part or "must" in low_part) and _REQUIRES.search(part):
                        cue = True
                if cue is not None:
                    return cue
        labelled = _label_state(text, lo)
        if labelled is not None:
            return labelled
        if self._index is None:
            # Headings only (no cue words): inline cues were read above, per part.
            self._index = RequirementIndex(
                text, cue_words=[], last=self._last, encoded=self._encoded
            )
        return self._index.state_at(start, end)
