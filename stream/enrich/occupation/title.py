"""A job title, cleaned into the candidate cores that occupation matching tries.

"Registered Nurse RN - Medical ICU MICU - PT Nights" is several segments (split at " - ",
"|", ",", ":" and parentheses), each may hold alternatives ("Legal Assistant / Paralegal"),
and each alternative is tokenized (lower case, accents kept), canonicalized (`words.CANON`:
"Sr" and "RN" and "Entwickler" become words ESCO uses), stripped of noise (seniority,
levels, schedule, contract, "m/w/d") and of leading modifiers ("Staff", "Lead"). Cores come
out in the order they should be preferred: the title's first segment first, parenthesized
text last; within an alternative a French or Spanish head moved last ("ingénieur
logiciel"), the whole core, then "X of Y" turned to "Y X" (or a trailing field turned to its
practitioner: "software engineering" -> "software engineer"), then the core cut before
"with", "at", "for"... Words, spellings and foreign words are rewritten the same way in
ESCO labels (`tokens`), so both sides meet.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from stream.enrich.occupation.words import (
    CANON,
    CUT_AT,
    FIELDS,
    HEAD_FIRST,
    MODIFIERS,
    NOISE,
    PHRASES,
)

_PARENS = re.compile(r"\(([^)]*)\)?|\[([^\]]*)\]?|\{([^}]*)\}?")
_SEGMENTS = re.compile(r"\s*(?:[|:;,!?•·*<>@]+|\s[-–—~+]+|[-–—~+]+\s|\s\.\s)\s*")
_ALTERNATIVES = re.compile(r"\s*/\s*|\s+or\s+|\s+oder\s+|\s+ou\s+|\s+o\s+")
_BRACKETS = frozenset("([{")
_SIMPLE = re.compile(r"[^\W\d_]+(?: [^\W\d_]+)*")
_PHRASE_ENDS = frozenset(second for _, second in PHRASES)
_ALTERNATIVE_HINT = re.compile(r"/| (?:or|oder|ou|o) ")
_AND = re.compile(r"\s&\s")
_TOKEN = re.compile(r"\.net\b|[^\W_]+(?:[&+#][^\W_]*)*[+#]*")

MAX_TOKENS = 12  # a longer "title" is a sentence: only its first words are read


# Words the cleaning rewrites or removes: a title made only of other (alphabetic) words is
# its own single core, which `match` looks up directly (`Index.plain`).
REWRITTEN: frozenset[str] = frozenset(
    {*CANON, *NOISE, *MODIFIERS, *CUT_AT, *FIELDS, *HEAD_FIRST, "of", "tech"}
    | {first for first, _ in PHRASES}
)


def tokens(text: str) -> list[str]:
    """Lower-case word tokens, canonicalized (`words.CANON`); no noise removal."""
    out: list[str] = []
    for token in _TOKEN.findall(_AND.sub(" and ", text.lower())):
        out.extend(CANON.get(token, (token,)))
    return _phrases(out)


def _phrases(words: list[str]) -> list[str]:
    if _PHRASE_ENDS.isdisjoint(words):
        return words
    for i in range(len(words) - 1):
        replacement = PHRASES.get((words[i], words[i + 1]))
        if replacement is not None:
            return _phrases([*words[:i], *replacement, *words[i + 2 :]])
    return words


def _core(raw: list[str]) -> list[str]:
    expanded: list[str] = []
    for token in raw:
        canon = CANON.get(token)
        if canon is None:
            expanded.append(token)
        else:
            expanded.extend(canon)
    words = [
        word
        for word in _phrases(expanded)
        if word not in NOISE and len(word) > 1 and not word.isdigit()
    ]
    if words and words[-1] == "tech":
        words[-1] = "technician"  # "HVAC Service Tech" (but "Tech Lead" keeps its tech)
    half = len(words) // 2
    if half and len(words) % 2 == 0 and words[:half] == words[half:]:
        words = words[:half]  # "Registered Nurse RN"
    if len(words) > 1:
        last = words[-1]
        words = [w for w in words[:-1] if w not in MODIFIERS] + [last]
    return words[:MAX_TOKENS]


def _variants(raw: list[str]) -> Iterator[list[str]]:
    """The raw tokens of one alternative -> its cores, best first."""
    if raw and raw[0] in HEAD_FIRST:
        yield _core([*_cut(raw[1:], 0), raw[0]])
    whole = _core(raw)
    yield whole
    if "of" in whole[1:-1]:
        at = whole.index("of")
        head = whole[:at]
        if head == ["head"]:
            head = ["manager"]
        yield [*whole[at + 1 :], *head]
    elif len(whole) > 1 and whole[-1] in FIELDS:
        yield [*whole[:-1], FIELDS[whole[-1]]]
    cut = _cut(raw)
    if len(cut) < len(raw):
        yield _core(cut)


def _cut(raw: list[str], first: int = 1) -> list[str]:
    if CUT_AT.isdisjoint(raw):
        return raw
    for i, token in enumerate(raw):
        if i >= first and token in CUT_AT:
            return raw[:i]
    return raw


def has_alternatives(text: str) -> bool:
    return _ALTERNATIVE_HINT.search(text) is not None


def alternatives(segment: str) -> Iterator[str]:
    if not has_alternatives(segment):
        yield segment
        return
    parts = [p for p in _ALTERNATIVES.split(segment) if p.strip()]
    yield from parts
    if len(parts) == 2:
        first, second = parts[0].split(), parts[1].split()
        # "Mental Health Therapist/Counselor" -> also "Mental Health Counselor";
        # "Service / Construction Technician" -> also "Service Technician".
        if len(first) > 1 and len(second) == 1:
            yield " ".join([*first[:-1], second[0]])
        elif len(first) == 1 and len(second) > 1:
            yield " ".join([first[0], second[-1]])


def segments(title: str) -> tuple[list[str], list[str]]:
    """(main segments, parenthesized segments) of a title, in order."""
    inner: list[str] = []

    def _keep(match: re.Match[str]) -> str:
        inner.append(next(g for g in match.groups() if g is not None))
        return " - "

    main = _PARENS.sub(_keep, title) if _BRACKETS.intersection(title) else title
    split = [s for s in _SEGMENTS.split(main) if s.strip()]
    extra = [s for part in inner for s in _SEGMENTS.split(part) if s.strip()]
    return split, extra


def cores(title: str) -> Iterator[tuple[tuple[str, ...], bool]]:
    """Every candidate core of a title, best first, with whether it came from the title's
    main text (False: from parentheses). Empty cores and repeats are left out."""
    lowered = title.lower()
    seen: set[tuple[str, ...]] = set()
    if _SIMPLE.fullmatch(lowered) and not has_alternatives(lowered):
        # most titles: words and spaces only, so one segment and one alternative
        for core in _variants(lowered.split()):
            key = tuple(core)
            if key and key not in seen:
                seen.add(key)
                yield key, True
        return
    main, extra = segments(lowered)
    for group, in_main in ((main, True), (extra, False)):
        for i, segment in enumerate(group):
            for alternative in alternatives(segment):
                raw = _raw(alternative)
                for core in _variants(raw):
                    key = tuple(core)
                    if key and key not in seen:
                        seen.add(key)
                        yield key, in_main
            if in_main and i == 0 and len(group) > 1 and len(_core(_raw(segment))) == 1:
                # "Manager, Retail Pharmacy" -> "Retail Pharmacy Manager"
                key = tuple(_core([*_raw(group[1]), *_raw(segment)]))
                if key not in seen:
                    seen.add(key)
                    yield key, in_main


def _raw(text: str) -> list[str]:
    return _TOKEN.findall(_AND.sub(" and ", text) if "&" in text else text)
