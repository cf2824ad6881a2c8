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

`RequirementIndex(text).state_at(offset)` answers the same question for one character
offset without walking every line: one regex pass finds the candidate heading lines (a
newline, bullet characters, then a heading word), and inline cues are only read on the
lines asked about. It is what the skills matcher uses on the hot path.

Inline cues (rule 1) live in `skills_cues`. Every pattern is linear-time (alternations of
literals, no nested quantifiers).
"""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Container, Sequence
from typing import Any

from stream.enrich.skills.cues import NICE_WORDS, REQUIRED_WORDS, inline_state

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


def heading_text(line: str) -> str | None:
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
    head = heading_text(line)
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


# Candidate heading lines for RequirementIndex, searched in the lower-cased ASCII bytes of
# the text (non-ASCII characters as "?"): a line start, bullets, then one of the words a
# recognised heading can start with (as a prefix: "requirement" covers "requirements").
# heading_state() confirms each candidate, so this only has to be a superset. The words
# are a trie and the pattern starts with a literal newline, so the regex engine skips from
# newline to newline and rejects most lines on one byte.
_HEADING_WORDS = (  # noqa: SIM905 - one string per group reads better than 75 items
    # nice to have
    "nice to have|nice-to-have|preferred|bonus|desirable|desired|good to have|good-to-have"
    "|a plus|a big plus|a huge plus|a bonus|an advantage|is a plus|is an advantage"
    "|is a bonus|are a plus|are an advantage|would be a|will be a|pluses|extra credit"
    "|not required"
    # required
    "|requirement|required|must|qualifications|what we|what you|you have|who you are"
    "|essential|key skills|skills and|skills &"
    # neutral
    "|responsibilities|the role|the team|the opportunity|about|who we are|benefits|perks"
    "|compensation|salary|why join|our company|our team|our mission|our values|our culture"
    "|our story|our benefits|location|how to apply|equal|eeo|job description|overview"
    "|summary|day to day|day-to-day|duties|your role|tech stack"
).split("|")
# Words that qualify a heading word ("Basic qualifications", "Additional requirements").
_HEADING_QUALIFIERS = "basic|minimum|key|core|technical|job|your|main|additional"
_HEADING_STARTS = (*_HEADING_WORDS, *_HEADING_QUALIFIERS.split("|"))
# The same starts for a scan that sees separators as spaces ("nice to have" covers
# "nice-to-have") and cannot tell a line start from a word start: a qualifier alone is
# too common a word ("your", "job") to report, so each qualifier comes with every heading
# word after it. The skills matcher reports where these occur at a line start (after
# bullets only), and RequirementIndex takes those instead of running its own regex.
HEADING_PHRASES = tuple(
    dict.fromkeys(
        [w.replace("-", " ") for w in _HEADING_WORDS]
        + [
            f"{q} {w.replace('-', ' ')}"
            for q in _HEADING_QUALIFIERS.split("|")
            for w in _HEADING_WORDS
        ]
    )
)
# What may precede a heading on its line (the regex's bullet class, as bytes).
HEADING_BULLETS = b" \t#*?->"


def _trie_pattern(words: Sequence[str]) -> str:
    trie: dict[str, Any] = {}
    for word in words:
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}

    def build(node: dict[str, Any]) -> str:
        alternatives = [re.escape(ch) + build(child) for ch, child in sorted(node.items()) if ch]
        if not alternatives:
            return ""
        body = "(?:" + "|".join(alternatives) + ")"
        return f"{body}?" if "" in node else body

    return build(trie)


# Headings repeat across the postings of one board ("Requirements:", "What you'll do"):
# their verdicts are kept, which skips the heading regexes for most candidate lines.
_line_heading_state = functools.lru_cache(maxsize=8192)(heading_state)
_CANDIDATE_HEADING = re.compile(rb"\n[ \t#*?\->]*" + _trie_pattern(_HEADING_STARTS).encode("ascii"))
_HEADING_LINE_CHARS = 2 * _MAX_HEADING_CHARS  # enough to decide whether a line is a heading
_CLAUSE_END = re.compile(r"[.!?;\n•](?!\w)")  # ends a clause ("Node.js" does not)
_CLAUSE_LOOKAROUND = 240  # a clause is read at most this far either side of the span
_CUE_WORDS = NICE_WORDS + REQUIRED_WORDS


class RequirementIndex:
    """The requirement state of any offset of one description, computed lazily.

    Headings behave as in `line_requirement`. Inline cues are read on the clause around
    the offset (between ". ! ? ; newline •"), not on the whole line: scraped descriptions
    often arrive as one 3,000-character line, where "Bachelor's degree preferred" must not
    turn every skill of the posting into a nice-to-have. A line without any cue word skips
    the clause work.
    """

    __slots__ = (
        "_cue_words",
        "_cues",
        "_heading_starts",
        "_heading_states",
        "_line_cue",
        "_line_hi",
        "_line_lo",
        "_line_own",
        "_line_state",
        "_own",
        "_text",
    )

    def __init__(
        self,
        text: str,
        cue_words: list[int] | None = None,
        last: int | None = None,
        encoded: bytes | None = None,
        heading_lines: list[int] | None = None,
    ) -> None:
        """`cue_words`: offsets of the cue words in `text` when the caller already knows
        them (the skills matcher finds them in its scan); None to look per line. `last`:
        no offset after it will be asked about, so headings below its line are not read.
        `encoded`: `text.encode("ascii", "replace")` when the caller already has it.
        `heading_lines`: the starts of the lines that can be headings (a superset, unique
        and in order), when the caller's scan found them; None to search for them here."""
        self._text = text
        self._cue_words = cue_words
        stop = len(text) + 1
        if last is not None:
            line_end = text.find("\n", last)
            if line_end != -1:
                stop = line_end + 1
        if heading_lines is None:
            if encoded is None:
                encoded = text.encode("ascii", "replace")
            folded = b"\n" + encoded.lower()
            # A match at `folded` offset i is a line starting at text offset i.
            heading_lines = [m.start() for m in _CANDIDATE_HEADING.finditer(folded, 0, stop)]
        starts: list[int] = []
        states: list[bool | None] = []
        for start in heading_lines:
            if start >= stop:
                break
            is_heading, state = _line_heading_state(
                text[start : start + _HEADING_LINE_CHARS].split("\n", 1)[0]
            )
            if is_heading:
                starts.append(start)
                states.append(state)
        self._heading_starts = starts
        self._heading_states = states
        self._own = dict(zip(starts, states, strict=True))
        self._line_cue: dict[int, bool] = {}
        self._cues: dict[int, bool | None] = {}
        # The line of the last state_at call: [lo, hi), whether it is a heading, its state.
        self._line_lo = self._line_hi = -1
        self._line_own = False
        self._line_state: bool | None = None

    @property
    def empty(self) -> bool:
        """No heading and no cue word: every offset is None (given cue words)."""
        return not self._heading_starts and self._cue_words is not None and not self._cue_words

    def state_at(self, start: int, end: int | None = None) -> bool | None:
        """True (required), False (nice to have) or None for the span [start, end).

        Mentions come in text order and many share a line, so the line of the last call
        and its heading state are kept: the next mention on that line skips both lookups.
        """
        text = self._text
        if self._line_lo <= start < self._line_hi:
            line_start = self._line_lo
        else:
            line_start = text.rfind("\n", 0, start) + 1
            line_end = text.find("\n", start)
            own = self._own
            if line_start in own:
                self._line_own, self._line_state = True, own[line_start]
            else:
                i = bisect.bisect_right(self._heading_starts, line_start) - 1
                self._line_own = False
                self._line_state = self._heading_states[i] if i >= 0 else None
            self._line_lo = line_start
            self._line_hi = len(text) if line_end == -1 else line_end
        if self._line_own:
            return self._line_state  # a heading line's own content takes its state
        end = start if end is None else end
        words = self._cue_words
        if words is None:
            has_cue = self._line_cue.get(line_start)
            if has_cue is None:
                low = text[line_start : self._line_hi].lower()
                has_cue = self._line_cue[line_start] = any(w in low for w in _CUE_WORDS)
        else:
            # A cue word within reach of the span? (offsets from the matcher's scan)
            i = bisect.bisect_left(words, max(line_start, start - _CLAUSE_LOOKAROUND))
            has_cue = i < len(words) and words[i] < end + _CLAUSE_LOOKAROUND
        if has_cue:
            cue = self._clause_cue(text, line_start, start, end)
            if cue is not None:
                return cue
        return self._line_state

    def _clause_cue(self, text: str, line_start: int, start: int, end: int) -> bool | None:
        lo = max(line_start, start - _CLAUSE_LOOKAROUND)
        clause_start = lo
        for match in _CLAUSE_END.finditer(text, lo, start):
            clause_start = match.end()
        cues = self._cues
        if clause_start not in cues:
            limit = min(len(text), end + _CLAUSE_LOOKAROUND)
            after = _CLAUSE_END.search(text, end, limit)
            stop = after.start() if after else limit
            words = self._cue_words
            if words is not None:
                i = bisect.bisect_left(words, clause_start)
                if i == len(words) or words[i] >= stop:
                    cues[clause_start] = None  # no cue word in the clause itself
                    return None
            cues[clause_start] = inline_state(text[clause_start:stop])
        return cues[clause_start]
