"""Work mode (onsite | hybrid | remote | None) from the location field and the description.

The location decides when it says it ("Remote - US", "Hybrid", "- Office"). Else the
description, read only where one of a few cue words occurs (found in one Aho-Corasick scan,
so a posting without "remote", "hybrid", "on-site", "in office", "from home"... costs that
scan and nothing else); each cue is judged in a window of 50 bytes either side of
it by phrase patterns that say the *job* is remote, hybrid or on site:
- remote: "fully remote", "remote position/role/job/opportunity", "work remotely",
  "work from home", "telecommute", "(Remote)". Not "remote sensing", "remote-controlled",
  "manage remote engineers" (no pattern says the job is remote).
- onsite: "100% on-site", "on-site role", "must work in the office", "5 days a week in the
  office", and a remote denied ("not a remote position", "no remote work").
- hybrid: "hybrid role/schedule/work...", "(Hybrid)", "3 days in the office", "2 days
  remote", "mix of remote and in-office".
Hybrid wins over the others, and so does remote stated beside on site ("remote and
in-office work", "Remote position or onsite in Kalamazoo"); a remote denied is onsite.
Every pattern is bounded (no nested repetition) and runs on short windows only: linear in
the posting's length whatever it holds.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Final, Literal

import ahocorasick_rs
from stream_native import WorkModeReader

Mode = Literal["onsite", "hybrid", "remote"]

MAX_LOCATION_CHARS: Final = 300
MAX_CUES: Final = 24
"""Cue occurrences judged per posting (the first ones): bounds the work on hostile text."""
_WINDOW: Final = 50

_CUES: Final = ("remote", "hybrid", "on-site", "onsite", "on site", "in office", "in-office",
                "the office", "from home", "telecommut", "telework", "wfh", "in-person",
                "in person")  # fmt: skip
# One scan for every cue in any of its usual casings (Rust Aho-Corasick: ~1 GB/s, so a
# posting without a cue costs a microsecond or two and no lower-casing of the whole text).
_CUE_FORMS: Final = sorted(
    {form for cue in _CUES for form in (cue, cue.capitalize(), cue.title(), cue.upper())}
)
# Leftmost-longest: the crate's packed (SIMD) searcher serves it, twice as fast as the
# standard overlapping semantics (2.4 vs 5.1 µs on a 2.3 KB description).
_CUE_SCAN: Final = ahocorasick_rs.BytesAhoCorasick(
    [form.encode() for form in _CUE_FORMS], matchkind=ahocorasick_rs.MatchKind.LeftmostLongest
)
# Which patterns a cue can be part of: a window is judged only by those of its cues.
_REMOTE_CUE, _HYBRID_CUE, _ONSITE_CUE = 1, 2, 4
_KIND: Final = [
    _HYBRID_CUE if "hybrid" in form.lower()
    else _REMOTE_CUE if any(w in form.lower() for w in ("remote", "home", "tele", "wfh"))
    else _ONSITE_CUE
    for form in _CUE_FORMS
]  # fmt: skip

_ON = r"(?:on[- ]?site|in[- ]office|in[- ]person|in the office|at the office)"
_NUM = r"(?:[1-4]|one|two|three|four)"
_END = r"(?![a-z])"
# "Location: Remote", "Location options: Remote", "Work setting: Hybrid work".
_LABEL = r"(?:location|setting|options?|workplace|work type|work model|arrangement):\s?"
# Scraped text often loses its line breaks ("...requiredNot a remote position"), so most
# patterns do not ask for a word boundary before their first word, only after the last.
_REMOTE: Final = re.compile(
    r"(?:fully|100%|completely|entirely|permanently|totally|all|mostly|primarily)[- ]remote"
    rf"{_END}|% remote{_END}"
    r"|\b(?:a|is|be) remote\b(?! (?:sensing|control|monitor|team|engineer|staff|worker|"
    r"employee|site|location|access|desktop|support|area|village|island))"
    r"|remote[- ](?:first|only|position|role|job|opportunit|work\b|working|based|eligible|"
    r"friendly|option|us\b|usa\b|within|anywhere|internship|environment)"
    r"|(?:work|works|working|performed|done|conducted|operate) (?:fully |100% |entirely |"
    r"independently and )?remotely"
    r"|(?:work|working) from (?:home|anywhere)|telecommut|telework|\bwfh\b"
    rf"|\(remote\)|\bremote ?\)|{_LABEL}remote\b"
)
_DENIED: Final = re.compile(
    r"(?:not|never) (?:a |an |be |be a |available as a |eligible for |)(?:fully )?remote\b"
    r"|\bno remote\b|\bnon[- ]remote\b"
    r"|remote (?:work |working )?(?:is |will )?not (?:be )?(?:available|possible|offered|"
    r"an option|permitted|allowed)"
    r"|remote (?:candidates|applicants|workers) (?:will not|won't|cannot) be considered"
)
_ONSITE: Final = re.compile(
    rf"(?:100%|full|fully|entirely|completely|strictly|full[- ]time|day one|day 1),? {_ON}"
    rf"|{_ON}[- ](?:position|role|job|opportunit|only|work\b|basis|requirement|5 days|"
    rf"five days|every day|daily|internship)"
    rf"|(?:position|role|job|this) is (?:based |physically located |located )?{_ON}"
    rf"|(?:work|works|working|report|reporting) {_ON}"
    rf"|must (?:be able to )?(?:work|report|be) {_ON}"
    rf"|(?:5|five) days (?:a|per) week (?:in|at) (?:the |our )?(?:office|site)"
    rf"|\(on[- ]?site\)|{_LABEL}(?:in[- ]person|on[- ]?site|in[- ]office)"
)
# Hybrid, in three groups each tried only when its literal is in the window.
_HYBRID_WORD: Final = re.compile(
    r"hybrid[- ]?(?:work|role|position|schedule|model|arrangement|opportunit|environment|"
    r"setting|job|basis|policy|remote|office|format|flexib|workplace|mode|/|2 days|3 days)"
    rf"|\(hybrid\)|\bhybrid ?\)|{_LABEL}hybrid\b"
    r"|\b(?:is|be|a) hybrid\b(?! (?:cloud|app|car|vehicle|model of care|approach|solution|"
    r"system|integration|architecture|heat))"
)
_HYBRID_DAYS: Final = re.compile(
    rf"\b{_NUM} (?:days?|x) (?:a |per )?(?:week |wk )?(?:in|at|from) (?:the |our )?"
    r"(?:office|site|home)"
    rf"|\b{_NUM} days? (?:a week |per week )?(?:{_ON}|remote|from home|wfh)"
    rf"|work from (?:the )?office {_NUM} days"
)
_HYBRID_MIX: Final = re.compile(
    rf"(?:remote|home) and {_ON}|{_ON} and remote|mix of remote|part remote"
)


def _hybrid(text: str) -> bool:
    return (
        ("hybrid" in text and _HYBRID_WORD.search(text) is not None)
        or ("day" in text and _HYBRID_DAYS.search(text) is not None)
        or ("remote" in text and _HYBRID_MIX.search(text) is not None)
    )


_LOCATION: Final = re.compile(
    r"\b(?:(hybrid)|(remote|work from home|wfh|telecommute|anywhere)|"
    r"(on[- ]?site|in[- ]office|office))\b",
    re.IGNORECASE,
)


def location_mode(location: str | None) -> Mode | None:
    """What the location field says ("Remote - US", "Hybrid", "Chennai - Office"), from
    its first `MAX_LOCATION_CHARS` characters; cached, as locations repeat."""
    return _location_mode(location[:MAX_LOCATION_CHARS]) if location else None


@lru_cache(maxsize=8192)
def _location_mode(location: str) -> Mode | None:
    found: set[Mode] = set()
    for m in _LOCATION.finditer(location):
        found.add("hybrid" if m.group(1) else "remote" if m.group(2) else "onsite")
    if "hybrid" in found or {"remote", "onsite"} <= found:
        return "hybrid"
    return next(iter(found), None)


def description_mode(description: str) -> Mode | None:
    """What the description says about where the job is done, or None: by the compiled
    rules (native/src/work_mode.rs, the same scan, windows and patterns, ~3x faster), which
    `description_mode_reference` is the reference of. They read the str's own storage, not
    its UTF-8 form, so a lone surrogate (which the reference cannot encode) reads as U+FFFD;
    the place step never sees one (see `WorkModeReader.mode` in native/src/py_work_mode.rs)."""
    return _NATIVE.mode(description)


def description_mode_reference(description: str) -> Mode | None:
    """`description_mode` in Python: the reference the compiled rules are tested against."""
    data = description.encode()
    windows = _cue_windows(data)
    if not windows:
        return None
    remote = onsite = hybrid = denied = False
    for start, end, kinds in windows:
        text = data[start:end].decode(errors="ignore").lower()
        hybrid = hybrid or _hybrid(text)
        if kinds & _REMOTE_CUE:
            denied = denied or _DENIED.search(text) is not None
            remote = remote or _REMOTE.search(text) is not None
        if kinds & _ONSITE_CUE:
            onsite = onsite or _ONSITE.search(text) is not None
    if hybrid or (remote and onsite and not denied):
        return "hybrid"
    if denied or onsite:
        return "onsite"
    return "remote" if remote else None


def detect(location: str | None, description: str) -> Mode | None:
    """The location's word, else the description's."""
    return location_mode(location) or description_mode(description)


def _cue_windows(data: bytes) -> list[tuple[int, int, int]]:
    """(start, end, cue kinds) of the byte windows around the first `MAX_CUES` cue words,
    overlapping ones merged."""
    windows: list[tuple[int, int, int]] = []
    for n, (form, at, _end) in enumerate(_CUE_SCAN.find_matches_as_indexes(data)):
        if n >= MAX_CUES:
            break
        start, end, kind = max(0, at - _WINDOW), at + _WINDOW, _KIND[form]
        if windows and start <= windows[-1][1]:
            windows[-1] = (windows[-1][0], end, windows[-1][2] | kind)
        else:
            windows.append((start, end, kind))
    return windows


# The compiled rules, built from the same cue forms and kinds as the reference's scan.
_NATIVE: Final = WorkModeReader(_CUE_FORMS, _KIND)
