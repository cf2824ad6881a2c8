"""Which lines of a posting state requirements, which nice-to-haves, which neither.

`line_requirement(text)` gives, for every line of the normalized description, True
(under a requirements heading such as "Requirements", "Must have", "What we look for"),
False (under "Nice to have", "Preferred", "Bonus") or None (anywhere else).

Rules, in order of precedence:
1. a cue inside the line itself ("Kafka is a plus", "Python required") decides that line;
2. otherwise the line inherits the state of the last recognised heading;
3. a heading known to be neither ("Responsibilities", "Benefits", "About us") resets the
   state to None; any other short line (a sub-heading such as "Technical" or "Education",
   or a bare item such as "Python") keeps it, because postings nest sub-headings under
   "Requirements" far more often than they start an unrelated section without a heading.

Every pattern is linear-time (alternations of literals, no nested quantifiers).
"""

from __future__ import annotations

import re
from collections.abc import Container

# Headings are short lines: a bullet or "#", a few words, an optional colon.
_MAX_HEADING_CHARS = 60
_MAX_HEADING_WORDS = 6
_HEADING_PREFIX = re.compile(r"^[\s#*•·\-–—>]*")
_AP = "['’]"  # NFKC keeps the typographic apostrophe, so accept both

_NICE = (
    r"nice[- ]to[- ]haves?|preferred|bonus(?: points)?|desirable|desired|good[- ]to[- ]have"
    r"|(?:is |are |would be |will be )?an? (?:big |huge )?(?:plus|advantage|bonus)"
    r"|pluses|extra credit|not required"
)
_REQUIRED = (
    rf"requirements?|required|must[- ]haves?|qualifications|what we(?:{_AP}re| are)?"
    rf" look(?:ing)? for|you have|what you(?:{_AP}ll| will)? (?:bring|need|have)|who you are"
    r"|essentials?|key skills|skills (?:and|&) experience"
)
_NEUTRAL = (
    rf"responsibilities|what you(?:{_AP}ll| will) do|the role|about (?:the|this|our) \w+"
    r"|about us|who we are|benefits|perks|compensation|salary|what we offer|why join us"
    r"|our (?:company|team|mission|values|culture|story|benefits)|the team|location"
    r"|how to apply|equal (?:opportunity|employment)(?: \w+)?|eeo statement|job description"
    r"|overview|summary|day[- ]to[- ]day|duties|your role|tech stack|the opportunity"
)
_QUALIFIER = r"(?:(?:basic|minimum|required|key|core|essential|technical|job|your|main) )?"

_NICE_HEADING = re.compile(rf"^(?:{_NICE})\b", re.IGNORECASE)
_REQUIRED_HEADING = re.compile(rf"^{_QUALIFIER}(?:{_REQUIRED})\b", re.IGNORECASE)
_PREFERRED_QUALIFIER = re.compile(r"^(?:preferred|desired|bonus|additional) ", re.IGNORECASE)
# Neutral headings must be the whole heading ("Benefits", "Compensation & benefits"), so
# that a short content line such as "Apply SQL daily" never resets the state.
_NEUTRAL_HEADING = re.compile(
    rf"^{_QUALIFIER}(?:{_NEUTRAL})(?: ?(?:&|and|/|,) ?[\w ]{{1,30}})?$", re.IGNORECASE
)
_NICE_WORDS = ("plus", "advantage", "bonus", "nice", "prefer", "desirabl", "not required")
_REQUIRED_WORDS = ("requir", "must", "mandatory")
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


def _heading_text(line: str) -> str | None:
    """The heading words of `line` if it can be a heading, else None."""
    stripped = _HEADING_PREFIX.sub("", line).strip()
    if ":" in stripped:
        # "Requirements: Python, SQL" is a heading with its content on the same line.
        head = stripped.split(":", 1)[0]
    elif len(stripped) <= _MAX_HEADING_CHARS and not stripped.endswith((".", "!", "?")):
        head = stripped
    else:
        return None
    head = head.strip(" -–—*")
    if not head or len(head) > _MAX_HEADING_CHARS or len(head.split()) > _MAX_HEADING_WORDS:
        return None
    return head


def heading_state(line: str) -> tuple[bool, bool | None]:
    """(is a recognised heading, its state). Unrecognised lines return (False, None)."""
    head = _heading_text(line)
    if head is None:
        return False, None
    # "Preferred qualifications" and "Nice to have" win over the requirement words in them.
    if _NICE_HEADING.match(head) or (
        _PREFERRED_QUALIFIER.match(head) and _REQUIRED_HEADING.match(head.split(" ", 1)[1])
    ):
        return True, False
    if _REQUIRED_HEADING.match(head):
        return True, True
    if _NEUTRAL_HEADING.match(head):
        return True, None
    return False, None


def inline_state(line: str) -> bool | None:
    """The state a cue inside the line gives it, or None when it has no cue."""
    low = line.lower()
    # Cheap substring gates first: most lines carry no cue, and the regexes cost ~5 us each.
    if any(w in low for w in _NICE_WORDS) and _INLINE_NICE.search(line):
        return False
    if any(w in low for w in _REQUIRED_WORDS) and _INLINE_REQUIRED.search(line):
        return True
    return None


def line_requirement(text: str, wanted: Container[int] | None = None) -> list[bool | None]:
    """One entry per line of `text` (split on "\\n"): True, False or None, as above.

    Inline cues are only looked for on lines in `wanted` (all lines when None): the
    matcher asks only about the lines where it found skills.
    """
    states: list[bool | None] = []
    current: bool | None = None
    for number, line in enumerate(text.split("\n")):
        is_heading, state = heading_state(line)
        if is_heading:
            # A heading line's own content ("Requirements: Python, SQL") takes its state.
            current = state
            states.append(state)
            continue
        cue = inline_state(line) if wanted is None or number in wanted else None
        states.append(cue if cue is not None else current)
    return states
