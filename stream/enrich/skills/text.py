"""Character-level helpers of skill matching: the case fold and word-boundary checks.

`fold(text)` maps a text to its matching form without changing its length (ASCII
lower-cased, separators as spaces); the other functions judge one candidate span against
the original text: a capitalised word opening a sentence ("Go the extra mile"), a lone
letter ("R&D", "C-level"), a spoken-language name without a language cue nearby.
"""

from __future__ import annotations

import re

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
MATCH_TABLE = _table(".+#&")


def fold(text: str) -> str:
    """The matching form of `text`, same length: lower-case ASCII, separators as spaces.

    Non-ASCII characters become "?" first (`encode("ascii", "replace")` keeps one byte per
    character), then a space; boundary checks read the original text, so "é" is a letter.
    """
    return text.encode("ascii", "replace").translate(MATCH_TABLE).decode("ascii")


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


def needs_verify(key: str, folded: str) -> bool:
    """Whether a form's folded key is too loose to trust without the original text."""
    if not key.isascii():
        return True
    return key != folded and min(len(t) for t in folded.split()) <= 1


def lone_letter(text: str, start: int) -> bool:
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


# A one-letter form is not preceded or followed by these ("R&D", "C++", "C-level", "R_ID").
_ONE_CHAR_LEFT_BLOCK = frozenset(".&-+#'’_")
_ONE_CHAR_RIGHT_BLOCK = frozenset("&-+#'’_")


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
