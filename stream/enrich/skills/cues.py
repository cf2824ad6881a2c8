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


# Skill cues (rules revision 4): a weak form that no other skill corroborates (a broad or
# ambiguous word: "sales", "leadership", "Government", "analytics") still tags when the
# words right around it say that a skill is meant: "experience in sales", "knowledge of
# compliance", "strong leadership", "leadership and technical skills", "FMCG experience",
# an item of an "Industry:" or "Skills:" line; not when the next word makes it a modifier
# ("sales team", "sales software"). Elsewhere the same words are duties, teams or the
# company ("sales team", "our leadership"), which is why the forms are weak at all.
# Words are compared ASCII-lower-cased, so that the Rust twin (native/src/cues.rs,
# `skill_cue`) reads them alike without Unicode case tables: a non-ASCII letter is never
# a cue letter. Word characters: ASCII letters and digits and "&'+#-." ("B2B", "C#",
# "e-commerce"); between words only " \t,/"; anything else ends the reading.
SKILL_CUE_NOUNS = frozenset(
    (
        "experience",
        "experienced",
        "knowledge",
        "background",
        "expertise",
        "proficient",
        "proficiency",
        "skilled",
        "skills",
        "familiar",
        "familiarity",
        "understanding",
        "competence",
        "degree",
        "career",
        "years",
        "working",
        "worked",
    )
)
SKILL_CUE_PREPOSITIONS = frozenset(("in", "with", "within", "of", "from"))
SKILL_CUE_AFTER = frozenset(
    (
        "skills",
        "skill",
        "experience",
        "knowledge",
        "background",
        "expertise",
        "abilities",
        "capabilities",
        "competencies",
        "mindset",
        "acumen",
        "thinking",
        "thinker",
    )
)
SKILL_CUE_AND = frozenset(("and", "or", "&"))
# Right before the form, an adjective of ability: "strong leadership", "proven sales".
SKILL_CUE_ADJECTIVES = frozenset(
    (
        "strong",
        "excellent",
        "proven",
        "demonstrated",
        "solid",
        "good",
        "outstanding",
        "exceptional",
        "superior",
        "natural",
    )
)
# Right after the form, a noun it only modifies: then it names a team or a product, not a
# skill ("a strong sales team", "experience with sales software"), whatever the cue.
SKILL_CUE_VETO = frozenset(
    (
        "team",
        "teams",
        "department",
        "departments",
        "software",
        "tool",
        "tools",
        "platform",
        "platforms",
        "system",
        "systems",
    )
)
# Labels of lines that list skills or the posting's industry ("Industry: B2B SaaS",
# "Skills: sales, negotiation"); the items may also sit on the line after "Industry:".
SKILL_CUE_LABELS = frozenset(
    (
        "industry",
        "industries",
        "sector",
        "sectors",
        "domain",
        "domains",
        "skills",
        "technologies",
        "tech stack",
        "tools",
        "expertise",
        "competencies",
    )
)
_CUE_WORD_CHARS = frozenset("&'+#-.")
_CUE_GAP = frozenset(" \t,/")
_CUE_BEFORE_WORDS = 3  # words allowed between "experience in" and the form ("B2B, FMCG or")
# read before the form: those words, the preposition, an adverb and the cue noun
_CUE_LABEL_STRIP = " \t\r-*"


def _cue_char(c: str) -> bool:
    return c.isascii() and (c.isalnum() or c in _CUE_WORD_CHARS)


def _words_before(text: str, start: int, limit: int) -> list[str]:
    """Up to `limit` words right before `start`, nearest first, ASCII-lower-cased; the
    reading stops at any character that is neither a word character nor a gap."""
    words: list[str] = []
    k = start
    while len(words) < limit:
        gap = k
        while gap > 0 and text[gap - 1] in _CUE_GAP:
            gap -= 1
        w = gap
        while w > 0 and _cue_char(text[w - 1]):
            w -= 1
        if w == gap:
            break
        words.append(text[w:gap].lower())
        k = w
    return words


def _words_after(text: str, end: int, limit: int) -> list[str]:
    """Up to `limit` words right after `end`, in order, ASCII-lower-cased."""
    words: list[str] = []
    k = end
    n = len(text)
    while len(words) < limit:
        gap = k
        while gap < n and text[gap] in _CUE_GAP:
            gap += 1
        w = gap
        while w < n and _cue_char(text[w]):
            w += 1
        if w == gap:
            break
        words.append(text[gap:w].lower())
        k = w
    return words


def _cue_label(line: str) -> bool:
    label = line.strip(_CUE_LABEL_STRIP)
    return label.isascii() and label.lower() in SKILL_CUE_LABELS


def skill_cue(text: str, start: int, end: int) -> bool:
    """Whether the words around `text[start:end]` say that a skill is meant."""
    # A word glued to the form ("insuranceExperience" in flattened text) is no cue word.
    after = [] if end < len(text) and _cue_char(text[end]) else _words_after(text, end, 3)
    if after and after[0] in SKILL_CUE_VETO:
        return False
    if len(after) > 1 and after[0] in SKILL_CUE_AND and SKILL_CUE_VETO.intersection(after[1:]):
        return False  # "creative and marketing tools"
    glued = start and _cue_char(text[start - 1])
    before = [] if glued else _words_before(text, start, _CUE_BEFORE_WORDS + 3)
    if before and before[0] in SKILL_CUE_ADJECTIVES:
        return True
    for j, word in enumerate(before):
        if j > _CUE_BEFORE_WORDS:
            break
        if word in SKILL_CUE_PREPOSITIONS and j + 1 < len(before):
            cue = before[j + 1]
            if cue.endswith("ly") and j + 2 < len(before):
                cue = before[j + 2]  # "experience preferably within"
            if cue in SKILL_CUE_NOUNS:
                return True
    if after and after[0] in SKILL_CUE_AFTER:
        return True
    if len(after) > 1 and after[0] in SKILL_CUE_AND and SKILL_CUE_AFTER.intersection(after[1:]):
        return True  # "leadership and technical skills", "sales or marketing experience"
    line_start = text.rfind("\n", 0, start) + 1
    colon = text.find(":", line_start, start)
    if colon != -1:
        return _cue_label(text[line_start:colon])
    if line_start:
        previous = text[text.rfind("\n", 0, line_start - 1) + 1 : line_start - 1]
        return previous.rstrip(_CUE_LABEL_STRIP).endswith(":") and _cue_label(
            previous.rstrip(_CUE_LABEL_STRIP)[:-1]
        )
    return False
