"""Code a job title: ESCO occupation and ISCO-08 unit group, or nothing.

For each candidate core of the title (`title.cores`, best first) the routes are tried in
order, and the first that answers gives the core's code:

1. the whole core is a hand-written title (`words.TITLES`) or an ESCO label (exact, after
   normalization; a trailing plural "s" dropped as a second try);
2. the ICT rule: a head such as developer/engineer/architect with an ICT word before it
   ("Salesforce Vlocity Developer", "Java Backend Engineer"), coded by `words.TECH_HEADS`
   and `words.TECH_OVERRIDES` for the ICT word nearest the head;
3. a shorter run of its words ending at its last word, longest first ("Senior Electronics
   Design Engineer" -> "electronics design engineer"): English titles put the head noun
   last, so what is dropped are modifiers;
4. a shorter run of words anywhere ("Sales Associate Natural Food Products");
5. the unit group alone: when the labels ending in one of the core's words followed by its
   head word belong to at least two occupations, all in one ISCO unit group, or for a
   one-word core (not a general one) when every label ending in it does ("veterinarian").

One-word cores and runs that are too general (`words.GENERIC`: "Manager", "Technician")
never code on their own, and a one-word run must head ESCO labels (`Index.heads_alone`).
The first core whose answer reaches GOOD_ENOUGH wins; failing that, the most confident
answer of any core (ties: the earlier core).

Confidence says how the code was found: 0.95 preferred label, 0.9 alternative label, 0.85
hand-written title, 0.75 label resolved among several occupations, 0.7 ICT rule or shared
unit group; routes 3 and 4 scale it by 0.85 and 0.65, route 5 gives 0.5, and a core read
only from parentheses is scaled by 0.9.
"""

from __future__ import annotations

import functools

from stream.enrich.occupation.table import Code, Index, load_index
from stream.enrich.occupation.title import cores
from stream.enrich.occupation.words import GENERIC, TECH_DOMAIN
from stream.models import Occupation

HEAD_RUN = 0.85  # route 3: modifiers dropped, head kept
ANY_RUN = 0.65  # route 4: the head itself dropped
PAIRS = 0.5  # route 5
IN_PARENS = 0.9
# The first core answering at least this well is taken: a title states its job first
# ("Project Electrical Engineer / Lighting Designer"); weaker answers let later cores try.
GOOD_ENOUGH = 0.75

_NOTHING = Code(-1, "", 0.0)  # a title deliberately coded to nothing


def _exact(words: tuple[str, ...], index: Index) -> Code | None:
    key = " ".join(words)
    if key in index.titles:
        return index.titles[key] or _NOTHING
    code = index.labels.get(key)
    if code is None and len(key) > 4 and key.endswith("s") and not key.endswith("ss"):
        code = index.labels.get(key[:-1])
    if code is not None and len(words) == 1 and words[0] in GENERIC:
        return None
    return code


def _tech(words: tuple[str, ...], index: Index) -> Code | None:
    for at in range(len(words) - 1, 0, -1):
        head = index.tech_heads.get(words[at])
        if head is None:
            continue
        for word in reversed(words[:at]):
            if word in TECH_DOMAIN:
                override = index.tech_overrides.get(word, {}).get(words[at])
                return override or head
        return None
    return None


def _scaled(code: Code, factor: float) -> Code:
    return Code(code.occupation, code.isco, round(code.confidence * factor, 3))


def _runs(words: tuple[str, ...], index: Index) -> Code | None:
    """Routes 3 and 4. Only runs of known words are tried: a run with a word that no label
    or title has cannot match."""
    n = len(words)
    vocabulary, alone = index.vocabulary, index.heads_alone
    start = n
    while start > 0 and words[start - 1] in vocabulary:
        start -= 1
    for begin in range(max(start, 1), n):
        if begin == n - 1 and words[begin] not in alone:
            break
        code = _exact(words[begin:], index)
        if code is not None:
            return code if code is _NOTHING else _scaled(code, HEAD_RUN)
    stretches: list[tuple[int, int]] = []  # [begin, end) of known words, head dropped
    begin = 0
    for at in range(n):
        if words[at] not in vocabulary:
            if at > begin:
                stretches.append((begin, at))
            begin = at + 1
    if n > begin:
        stretches.append((begin, n))
    if not stretches:
        return None
    stretches.reverse()
    for length in range(min(n - 1, max(e - b for b, e in stretches)), 0, -1):
        for first, end in stretches:
            for at in range(min(end, n - 1) - length, first - 1, -1):
                if length == 1 and words[at] not in alone:
                    continue
                code = _exact(words[at : at + length], index)
                if code is not None and code is not _NOTHING:
                    return _scaled(code, ANY_RUN)
    return None


def code_core(words: tuple[str, ...], index: Index) -> Code | None:
    """The code of one cleaned core (see the module docstring for the routes)."""
    code = _exact(words, index)
    if code is not None:
        return code
    code = _tech(words, index)
    if code is not None:
        return code
    n = len(words)
    if n > 1:
        code = _runs(words, index)
        if code is not None:
            return code
    head = words[-1]
    groups: set[str] = set()
    for word in words[:-1]:
        groups |= index.pairs.get(f"{word} {head}", frozenset())
    if not groups and n == 1 and head not in GENERIC:
        groups = set(index.heads.get(head, frozenset()))
    if len(groups) == 1:
        return Code(-1, groups.pop(), PAIRS)
    return None


def code_title_with(title: str, index: Index) -> Occupation | None:
    """The occupation of a title against a given index (tests use it directly)."""
    lowered = title.lower()
    if lowered in index.plain:  # most titles: plain words, an ESCO label or curated title
        return _occupation(index.plain[lowered], index)
    best: Code | None = None
    for words, in_main in cores(title):
        code = code_core(words, index)
        if code is None:
            continue
        if code is _NOTHING:
            if best is None:
                return None  # the first answer says "too general": trust it
            continue
        if not in_main:
            code = _scaled(code, IN_PARENS)
        if best is None or code.confidence > best.confidence:
            best = code
        if best.confidence >= GOOD_ENOUGH:
            break
    return _occupation(best, index)


def _occupation(best: Code | None, index: Index) -> Occupation | None:
    if best is None:
        return None
    built = index.built.get(best)
    if built is None:
        built = index.built[best] = _build(best, index)
    return built


def _build(best: Code, index: Index) -> Occupation:
    if best.occupation < 0:
        return Occupation.model_construct(
            esco_uri=None,
            label=None,
            isco_code=best.isco,
            isco_label=index.isco_labels[best.isco],
            confidence=best.confidence,
        )
    uri, isco, label = index.occupations[best.occupation]
    return Occupation.model_construct(
        esco_uri=uri,
        label=label,
        isco_code=isco,
        isco_label=index.isco_labels[isco],
        confidence=best.confidence,
    )


@functools.lru_cache(maxsize=8192)
def code_title(title: str) -> Occupation | None:
    """The occupation of a (normalized) job title, or None. Titles repeat a lot across
    postings, so results are memoized; the table loads on the first call."""
    return code_title_with(title, load_index())
