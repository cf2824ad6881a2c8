"""`education_level`: the minimum level a posting requires.

Each education keyword the scan found is confirmed by a pattern on its window and read
as a level: "high school diploma", "GED" -> secondary; "vocational"/"trade school",
"abgeschlossene Ausbildung" -> vocational; "associate's degree" -> associate;
"bachelor's", "BS/BA", "B.S.", "4-year degree", "college/university degree", "degree in
X", "(Hochschul)studium" -> bachelor; "master's", "MBA", "M.S.", "graduate/advanced
degree" -> master; "PhD", "doctorate", "MD/DO", "PharmD", "J.D." -> doctorate (the US
counts the first professional degrees as doctor's degrees); "no degree required" -> none.

A mention counts when it is required or neutral: under "Preferred"/"Nice to have", or
cued "preferred"/"a plus" in its own clause part ("Bachelor's required, Master's
preferred"), it does not (`scan.Requirements`). "Or equivalent experience" keeps the level
named. Mentions that only say the candidate is studying ("currently pursuing a bachelor's
degree") or that describe a benefit ("tuition reimbursement") are not requirements. The
posting's level is the lowest of its counted mentions ("Bachelor's or Master's" ->
bachelor); null when nothing is required.
"""

from __future__ import annotations

import re

from stream.enrich.terms.scan import Hits, Requirements, clause_bounds
from stream.models import EducationLevel

LEVELS: tuple[EducationLevel, ...] = (
    "none", "secondary", "vocational", "associate", "bachelor", "master", "doctorate"
)  # fmt: skip
_RANK = {level: rank for rank, level in enumerate(LEVELS)}

_AP = "['’]?"
# Each pattern is matched at (or just before) a keyword; the first that matches decides.
# Patterns are anchored and bounded, so each costs a few steps.
_LEVEL_PATTERNS: tuple[tuple[str, EducationLevel], ...] = (
        (r"(?:no|without an?) (?:college |university |formal |\w+ )?(?:degree|diploma|education)"
         r"(?: is| are)? (?:required|necessary|needed)|(?:degree|diploma)s? (?:is |are )?not "
         r"(?:required|necessary)|no (?:formal )?education(?:al)? requirements?", "none"),
        (rf"high[- ]school(?:{_AP}s)? (?:diploma|degree|education|graduate|equivalen)"
         r"|high[- ]school(?: diploma)? ?(?:/|or) ?(?:ged|equivalen)|\bged\b|\bhs diploma"
         r"|\bsecondary school|\babitur|\bgcses?\b|\ba[- ]levels?\b", "secondary"),
        (r"vocational (?:school|training|degree|diploma|certificate|qualification|education)"
         r"|trade (?:or technical )?school|technical school|abgeschlossene \w*ausbildung"
         r"|\w*berufsausbildung", "vocational"),
        (rf"associate{_AP}s?{_AP} (?:degree|of (?:arts|science|applied))|\ba\.?a\.?s?\.? degree"
         r"|(?:2|two)[- ]year (?:college )?degree", "associate"),
        (rf"bachelor{_AP}s?{_AP}|\bb\.?s\.? ?(?:/|or) ?b\.?a\b|\bb\.?a\.? ?(?:/|or) ?b\.?s\b"
         r"|\bb\.[sa]\.|\bbs (?:degree|in)\b|\bba (?:degree|in)\b|\bb\.?sc?\b|\bbsn\b"
         r"|(?:4|four)[- ]year (?:college |university )?degree"
         r"|(?:college|university|undergraduate|academic) degree|degree (?:in|from)\b"
         r"|\w*hochschul\w*|(?:abgeschlossenes )?\w*studium|\bdiplom\b", "bachelor"),
        (rf"master{_AP}s?{_AP} (?:degree|of|in)\b|master{_AP}s?{_AP}(?= ?(?:/|or|and) ?"
         r"(?:ph|doct))|\bmba\b|\bm\.s\.|\bms (?:degree|in)\b|\bm\.?sc\b|\bmsn\b|\bmsw\b"
         r"|(?:graduate|advanced|post[- ]?graduate) degree", "master"),
        (r"\bph\.? ?d\b|doctora(?:te|l)|doctor of|\bm\.d\.|\bmd ?(?:/|or) ?do\b"
         r"|\bpharm\.? ?d\b|\bj\.d\.|\bjd\b|juris doctor|\bdvm\b|\bdds\b|\bpsy\.?d\b",
         "doctorate"),
)  # fmt: skip
_PATTERNS = tuple((re.compile(p, re.IGNORECASE), level) for p, level in _LEVEL_PATTERNS)
_LOOKBACK = 24  # "no college degree required", "4-year degree": keyword not at the start
_NOT_A_REQUIREMENT = re.compile(
    r"pursu|enrolled|working toward|candidate for|tuition|reimburs|scholarship|sponsor"
    r"|we offer|student loan",
    re.IGNORECASE,
)
_DEGREE_OF = re.compile(r"degree of|degrees? (?:f|c|fahrenheit|celsius)\b|\d ?degree",
                        re.IGNORECASE)  # fmt: skip


def level_at(text: str, start: int, end: int) -> tuple[EducationLevel, int] | None:
    """The level a keyword at [start, end) names and where its phrase ends, or None."""
    lo = max(0, start - _LOOKBACK)
    hi = min(len(text), end + 40)
    window = text[lo:hi]
    at = start - lo
    if _DEGREE_OF.match(window, at) or _DEGREE_OF.search(window, max(0, at - 2), at + 10):
        return None
    for pattern, level in _PATTERNS:
        for match in pattern.finditer(window):
            if match.start() <= at < match.end() or at <= match.start() < at + (end - start):
                return level, lo + match.end()
    return None


def education_level(text: str, hits: Hits, requirements: Requirements) -> EducationLevel | None:
    """The lowest required level in `text`, or None."""
    best: EducationLevel | None = None
    seen_end = -1
    for start, end, _ in hits.get("education", ()):
        if start < seen_end:
            continue  # overlapping keywords of one mention ("bachelor", "degree")
        found = level_at(text, start, end)
        if found is None:
            continue
        level, seen_end = found
        if best is not None and _RANK[level] >= _RANK[best]:
            continue
        lo, hi = clause_bounds(text, start, end)
        if _NOT_A_REQUIREMENT.search(text, lo, hi):
            continue
        if level != "none" and requirements.state(start, end) is False:
            continue
        best = level
    return best
