"""Inline requirement cues: "Kafka is a plus", "Python required", "must have Go".

`inline_state(clause)` is False when the clause says nice-to-have, True when it says
required, None when it says neither. `sections.RequirementIndex` reads it on the clause
around a mention; `sections.line_requirement` on whole lines.
"""

from __future__ import annotations

import re

NICE_WORDS = ("plus", "advantage", "bonus", "nice", "prefer", "desirabl", "not required")
REQUIRED_WORDS = ("requir", "must", "mandatory")
_INLINE_NICE = re.compile(
    r"\b(?:is|are|would be|will be) an? (?:big |huge |strong )?(?:plus|advantage|bonus)\b"
    r"|\ba plus\b|\bnice[- ]to[- ]have\b|\bpreferred\b|\bdesirable\b|\bbonus points?\b"
    r"|\badvantageous\b|\bnot required\b",
    re.IGNORECASE,
)
_INLINE_REQUIRED = re.compile(
    r"\b(?:is|are) (?:required|mandatory|essential|a must)\b|\brequired\b|\bmust[- ]have\b"
    r"|\bmandatory\b",
    re.IGNORECASE,
)


# A cue regex has no literal prefix, so `search` tries every position (~100 ns each with
# IGNORECASE) and a 300-character clause costs ~30 us. Where lower() keeps offsets and no
# non-ASCII character can match an ASCII letter of the pattern (none of _CASE_SPECIALS:
# "İ" lower-cases to two characters; "ı", "ſ" and the Kelvin sign match "i", "s", "k"
# under IGNORECASE), the same regex is only tried, with `match`, where a match can start:
# every match holds one of these words at one of these offsets from its start ("would be
# an strong plus": 19; "a plus": 2; "are a must": 6), and starts a word.
def _offsets(verbs: str, articles: str, extras: str) -> set[int]:
    """Lengths of "{verb} {article}{extra}" for "|"-separated alternatives."""
    return {
        len(f"{v} {a}{x}")
        for v in verbs.split("|")
        for a in articles.split("|")
        for x in extras.split("|")
    }


_NICE_OFFSETS = tuple(
    sorted({0, len("a ")} | _offsets("is|are|would be|will be", "a |an ", "|big |huge |strong "))
)
_REQUIRED_POSITION_WORDS = (*REQUIRED_WORDS, "essential")
_CASE_SPECIALS = "\u0130\u0131\u017f\u212a"
_REQUIRED_OFFSETS = tuple(sorted({0} | _offsets("is|are", "|a ", "")))


def _match_near(
    pattern: re.Pattern[str], line: str, low: str, words: tuple[str, ...], offsets: tuple[int, ...]
) -> bool:
    """Whether `pattern.search(line)` would match, trying only starts near `words`."""
    for word in words:
        k = low.find(word)
        while k != -1:
            for d in offsets:
                start = k - d
                if start < 0:
                    break
                if (start == 0 or not ((c := line[start - 1]).isalnum() or c == "_")) and (
                    pattern.match(line, start)
                ):
                    return True
            k = low.find(word, k + 1)
    return False


def inline_state(line: str) -> bool | None:
    """The state a cue inside the line gives it, or None when it has no cue."""
    low = line.lower()
    if line.isascii() or not any(c in line for c in _CASE_SPECIALS):
        if _match_near(_INLINE_NICE, line, low, NICE_WORDS, _NICE_OFFSETS):
            return False
        if any(w in low for w in REQUIRED_WORDS) and _match_near(
            _INLINE_REQUIRED, line, low, _REQUIRED_POSITION_WORDS, _REQUIRED_OFFSETS
        ):
            return True
        return None
    # Cheap substring gates first: most lines carry no cue.
    if any(w in low for w in NICE_WORDS) and _INLINE_NICE.search(line):
        return False
    if any(w in low for w in REQUIRED_WORDS) and _INLINE_REQUIRED.search(line):
        return True
    return None
