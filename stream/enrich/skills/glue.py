"""camelCase glue: skills run together in scraped tech-stack lists ("PythonSQLJavaScala").

A glue point is an offset where a word changes case inside itself: "aB" or "3B" (a
lower-case letter or digit, then an upper-case one) or "ABc" (an acronym, then a
capitalised word). `glued_candidates` cuts each glued word at its glue points and looks
every run of segments up in the matcher's dictionary of folded forms: no second scan.
"""

from __future__ import annotations

import bisect
from collections.abc import Mapping
from typing import Any, TypeVar

import ahocorasick_rs

_GLUE_MIN_SEGMENT = 4  # shorter average segments between glue points: an id or a hash
_GLUE_MAX_FORM = 60  # no form is longer; bounds the segment pairs tried in a glued word
GLUE_MIN_LEN = 3  # "Go"/"R" glued into words ("GoDaddy", "RStudio") are not skills


# Letter classes: "a" lower-case or digit, "A" upper-case, " " anything else (non-ASCII
# characters arrive as "?").
CLASS_TABLE = (
    bytes(
        ord("a") if chr(c).islower() or chr(c).isdigit() else ord("A") if chr(c).isupper() else 32
        for c in range(128)
    )
    + b" " * 128
)


# "aA" and "AAa" in the class bytes, both marking a glue point at their second byte. A
# bytes.find for b"aA" is slow on text that is almost all "a" (a candidate at every
# letter); the DFA reads each byte once.
_GLUE_PAIRS = ahocorasick_rs.BytesAhoCorasick(
    [b"aA", b"AAa"],
    matchkind=ahocorasick_rs.MatchKind.Standard,
    implementation=ahocorasick_rs.Implementation.DFA,
)


def glue_points(classes: bytes) -> list[int]:
    """Offsets i where a camelCase boundary splits a word: "aB", "3B" or "ABc" at i.

    `classes` is the text's ASCII bytes through `CLASS_TABLE`.
    """
    found = _GLUE_PAIRS.find_matches_as_indexes(classes, overlapping=True)
    if not found:
        return []
    return sorted({start + 1 for _, start, _ in found})


def is_glue(text: str, i: int) -> bool:
    """A camelCase boundary between text[i-1] and text[i]: aB, 3B, or ABc (acronym, word)."""
    cur, prev = text[i], text[i - 1]
    if not cur.isupper():
        return False
    if prev.islower() or prev.isdigit():
        return True
    return prev.isupper() and i + 1 < len(text) and text[i + 1].islower()


_K = TypeVar("_K", bound=tuple[Any, ...])


def glued_candidates(
    text: str, padded: bytes, encoded: bytes, keys: Mapping[bytes, _K]
) -> list[tuple[int, int, _K]]:
    """(start, end, value) of every form that starts or ends at a glue point.

    `padded` is b" " + the folded text + b" "; `keys` maps a folded form to a tuple whose
    first item is its length. A run of segments touching a glue point is a candidate, and
    so is a run from a glue point through the next word ("MongoDBAmazon Redshift") or
    from the previous word to a glue point ("Amazon S3Amazon EMR"). The caller checks the
    outer boundaries.
    """
    classes = encoded.translate(CLASS_TABLE)
    points = glue_points(classes)
    if not points:
        return []
    found: list[tuple[int, int, _K]] = []
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
        # Both lists ascend: each start only tries the ends within a form's length of it,
        # so a word glued from thousands of segments costs linear, not quadratic, time.
        for start in starts:
            k = bisect.bisect_right(ends, start)
            while k < len(ends) and ends[k] - start <= _GLUE_MAX_FORM:
                end = ends[k]
                k += 1
                if start not in glue and end not in glue:
                    continue  # the plain scan sees whole words
                entry = keys.get(padded[start + 1 : end + 1])
                if entry is not None and entry[0] >= GLUE_MIN_LEN:
                    found.append((start, end, entry))
    return found
