"""`education_level`: the minimum level a posting requires.

Each education keyword the scan found is read as a level by a pattern matched at the
keyword (never searched), or, for "degree" and "diploma", by the words just before them:
"high school diploma", "GED" -> secondary; "vocational"/"trade school",
"abgeschlossene Ausbildung" -> vocational; "associate's degree" -> associate;
"bachelor's", "BS/BA", "B.S.", "4-year degree", "college/university degree", "degree in
X", "(Hochschul)studium" -> bachelor; "master's", "MBA", "M.S.", "graduate/advanced
degree", "Diplom" -> master; "PhD", "doctorate", "MD/DO", "PharmD", "J.D." -> doctorate
(the US counts the first professional degrees as doctor's degrees); "no degree required"
-> none. "A high degree of accuracy", "360 degree", "MS Office" name no level.

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

from stream.enrich.terms.scan import Hits, Requirements, clause_bounds, glue_cuts, starts_word
from stream.models import EducationLevel

LEVELS: tuple[EducationLevel, ...] = (
    "none", "secondary", "vocational", "associate", "bachelor", "master", "doctorate"
)  # fmt: skip
_RANK = {level: rank for rank, level in enumerate(LEVELS)}

# "\x92" is the apostrophe of Windows-1252 text decoded as Latin-1 ("master\x92s"), common in
# scraped postings.
_AP = "['’\x92]?"
_PHD_POST = (
    r"(?:stipends?|students?|positions?|fellowships?|candidates?|candidacy|supervision"
    r"|scholarships?|programm?e?s?|projects?|studies|thesis|researchers?)\b"
)
# Keyword -> (pattern matched at the start of the keyword's word, the level it names).
# `match` at one position: no pattern ever scans the text.
_AT: dict[str, tuple[str, EducationLevel]] = {
    "bachelor": (r"bachelor", "bachelor"),
    "master": (rf"master{_AP}s?{_AP}(?: ?(?:degree|of|in|level)\b| ?(?:/|or|and) ?(?:ph|doct))",
               "master"),
    "mba": (r"mba\b", "master"),
    # not "PhD stipend", "PhD student", "PhD supervision": a PhD post or a duty, not a
    # requirement
    "phd": (rf"phd\b(?! {_PHD_POST})", "doctorate"),
    "ph.d": (rf"ph\.d\b\.?(?! {_PHD_POST})", "doctorate"),
    "doctor": (r"doctora(?:te|l)|doctor of", "doctorate"),
    "ged": (r"ged\b", "secondary"),
    "high school": (rf"high[- ]school(?:{_AP}s)? (?:diploma|degree|education|graduate|equivalen)"
                    r"|high[- ]school(?: diploma)? ?(?:/|or) ?(?:ged|equivalen)", "secondary"),
    "associate": (rf"associate{_AP}s?{_AP} (?:degree|of (?:arts|science|applied))", "associate"),
    "vocational": (r"vocational (?:school|training|degree|diploma|certificate|qualification"
                   r"|education)", "vocational"),
    "trade school": (r"trade school", "vocational"),
    "technical school": (r"technical school", "vocational"),
    "abitur": (r"(?:fach)?abitur", "secondary"),
    "gcse": (r"gcses?\b", "secondary"),
    "a-level": (r"a-levels?\b", "secondary"),
    "a level": (r"a levels?\b", "secondary"),
    "hochschul": (r"(?:fach)?hochschul(?:abschluss|studium|degree)", "bachelor"),
    "no formal education": (r"no formal education", "none"),
    "no education": (r"no education(?:al)? (?:required|requirements?|necessary|needed)", "none"),
    "pharmd": (r"pharmd\b", "doctorate"),
    "pharm.d": (r"pharm\.d\b", "doctorate"),
    "j.d.": (r"j\.d\.", "doctorate"),
    "jd ": (r"jd\b", "doctorate"),
    "juris": (r"juris doctor", "doctorate"),
    "dvm": (r"dvm\b", "doctorate"),
    "dds": (r"dds\b", "doctorate"),
    "psyd": (r"psyd\b", "doctorate"),
    "m.d.": (r"m\.d\.", "doctorate"),
    "md/": (r"md ?/ ?do\b", "doctorate"),
    "md or": (r"md or do\b", "doctorate"),
}  # fmt: skip
for _word, _level in (("b.s.", "bachelor"), ("b.a.", "bachelor"), ("bs ", "bachelor"),
                      ("ba ", "bachelor"), ("bs/", "bachelor"), ("ba/", "bachelor"),
                      ("bsc", "bachelor"), ("b.sc", "bachelor"), ("bsn", "bachelor")):  # fmt: skip
    _AT[_word] = (
        r"b\.?[sa]\.? ?(?:/|or) ?[bm]\.?[sa]\b|b\.[sa]\.|bs (?:degree|in)\b"
        r"|ba (?:degree|in)\b|b\.?sc\b|bsn\b",
        "bachelor",
    )
for _word in ("b.s ", "b.a "):
    _AT[_word] = (r"b\.[sa] (?:in|degree)\b", "bachelor")  # "B.S in Math", no final period
for _word in ("m.s.", "ms ", "ms/", "msc", "m.sc", "msn", "msw"):
    _AT[_word] = (r"m\.s\.|ms (?:degree|in)\b|ms ?(?:/|or) ?ph|m\.?sc\b|msn\b|msw\b", "master")
_AT_PATTERNS = {word: (re.compile(p, re.IGNORECASE), level) for word, (p, level) in _AT.items()}

# "degree" and "diploma" take their level from the words before them.
_BEFORE_DEGREE: dict[str, EducationLevel] = {
    "college": "bachelor", "university": "bachelor", "undergraduate": "bachelor",
    "academic": "bachelor", "4-year": "bachelor", "four-year": "bachelor", "bs": "bachelor",
    "ba": "bachelor", "b.s.": "bachelor", "b.a.": "bachelor", "bachelor": "bachelor",
    "bachelors": "bachelor", "bachelor's": "bachelor", "bachelors'": "bachelor",
    "graduate": "master", "advanced": "master", "post-graduate": "master",
    "postgraduate": "master", "ms": "master", "m.s.": "master", "masters": "master",
    "associate": "associate", "associates": "associate", "associate's": "associate",
    "2-year": "associate", "two-year": "associate", "aa": "associate", "as": "associate",
    "vocational": "vocational", "technical": "vocational", "doctoral": "doctorate",
    "doctorate": "doctorate", "phd": "doctorate",
}  # fmt: skip
_YEARS_BEFORE_DEGREE: dict[str, EducationLevel] = {
    "4": "bachelor", "four": "bachelor", "2": "associate", "two": "associate"
}  # fmt: skip
_TRIM = " \t\n,;:()[]\"'’\x92*•·–—-"
_NONE_AFTER = re.compile(
    r"s?(?: is| are)? (?:not )?(?:required|necessary|needed)|s?,? no problem", re.IGNORECASE
)
_NOT_AFTER = re.compile(r"s? (?:is |are )?not (?:required|necessary|needed)", re.IGNORECASE)
_IN_AFTER = re.compile(r" (?:in|from)\b", re.IGNORECASE)


_FUNCTION_WORDS = frozenset(
    ("a", "an", "the", "or", "and", "with", "from", "for", "any", "relevant", "related", "have",
     "hold", "in", "of", "to")
)  # fmt: skip


def _line_lost_before(lead: str) -> bool:
    """A capitalized "Degree" after a lower-case content word: the scraper turned a line
    break into a space ("... talented engineers Degree in Computer Science"); not "a
    Degree in", "Certificate or Degree", "4 Year Degree"."""
    words = lead.split()
    last = words[-1] if words else ""
    return len(last) >= 3 and last.isalpha() and last.islower() and last not in _FUNCTION_WORDS


def _degree_level(text: str, start: int, end: int, word: str) -> EducationLevel | None:
    lead = text[max(0, start - 30) : start]
    cut = -1
    for ch in ".;:!?\n•":
        i = lead.rfind(ch)
        if i > cut:
            cut = i
    lead = lead[cut + 1 :]
    if (
        start < len(text)
        and text[start].isupper()
        and ((lead and lead[-1] != " ") or _line_lost_before(lead))
    ):
        # glued onto the word before ("QualificationsDegree in ..."), or a capital after a
        # lower-case word where the scraper turned a line break into a space ("... other
        # talented engineers Degree in Computer Science")
        lead = ""
    # "QualificationsCollege degree": the word before is what follows a lost line break.
    tail = lead[2:]
    if tail != tail.lower():  # a capital after the first letters: maybe glued
        cuts = glue_cuts(lead.encode("ascii", "replace"), 0, len(lead))
        if cuts and " " not in lead[cuts[-1] :].rstrip():
            lead = lead[cuts[-1] :]
    before = [w.strip(_TRIM).lower().replace("’", "'").replace("\x92", "'") for w in lead.split()]
    before = [w for w in before if w][-3:]
    if _NOT_AFTER.match(text, end) or (
        ("no" in before or "without" in before) and (_NONE_AFTER.match(text, end))
    ):
        return "none"
    prev = before[-1] if before else ""
    if (prev == "school" and len(before) >= 2 and before[-2] == "high") or prev == "high-school":
        return "secondary"
    if prev == "year" and len(before) >= 2 and before[-2] in _YEARS_BEFORE_DEGREE:
        return _YEARS_BEFORE_DEGREE[before[-2]]
    level = _BEFORE_DEGREE.get(prev)
    if level is None and prev.endswith("'s"):
        level = _BEFORE_DEGREE.get(prev[:-2])
    if level is not None:
        return level
    if (
        word == "degree"
        and prev in ("", "a", "any", "relevant", "related")
        and (_IN_AFTER.match(text, end))
    ):
        return "bachelor"
    return None


def _word_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    lo = start
    while lo > 0 and start - lo < 30 and text[lo - 1].isalpha():
        lo -= 1
    hi = end
    while hi < len(text) and hi - end < 30 and text[hi].isalpha():
        hi += 1
    return lo, hi


def level_at(text: str, start: int, end: int, word: str) -> tuple[EducationLevel, int] | None:
    """The level a keyword `word` at [start, end) names and where its phrase ends, or None."""
    if word in ("degree", "diploma"):
        level = _degree_level(text, start, end, word)
        return None if level is None else (level, end)
    if word in ("ausbildung", "studium", "diplom"):
        lo, hi = _word_bounds(text, start, end)
        whole = text[lo:hi].lower()
        before = text[max(0, lo - 30) : lo].lower()
        done = "abgeschlossen" in before or "erfolgreich" in before
        if word == "ausbildung" and (done or whole == "berufsausbildung"):
            return "vocational", hi
        if word == "studium" and (done or whole != "studium"):
            return "bachelor", hi
        if word == "diplom" and whole == "diplom":
            return "master", hi
        return None
    if not starts_word(text, start):
        return None  # inside a word: "managed", "abbsn"
    pattern, found = _AT_PATTERNS[word]
    match = pattern.match(text, start)
    if match is None:
        return None
    if (
        word == "master"
        and text[start + 6 : start + 7] in ("s", "S")
        and _people_before(text, start)
    ):
        return None  # "skillful mosaic masters in Ravenna", "Scrum Masters in"
    return found, match.end()


# Words that may stand before "masters" meaning the degree ("a masters in", "Bachelor's or
# masters"); after any other lower-case word, "masters" are people ("mosaic masters").
_BEFORE_MASTERS = frozenset((
    "a", "an", "the", "or", "and", "with", "have", "has", "hold", "holds", "possess",
    "possesses", "require", "requires", "required", "preferred", "minimum", "relevant",
    "related", "completed", "earned", "your", "their", "plus", "any", "of", "in", "advanced",
    "graduate", "bachelors", "bachelor's", "bachelor", "s", "at",
))  # fmt: skip


def _people_before(text: str, start: int) -> bool:
    words = text[max(0, start - 20) : start].split()
    if not words:
        return False
    prev = words[-1]
    return prev.isalpha() and prev.islower() and prev not in _BEFORE_MASTERS


# A clause that only says the candidate is studying, or describes a benefit.
_NOT_A_REQUIREMENT = (
    "pursu", "enrolled", "working toward", "candidate for", "tuition", "reimburs",
    "scholarship", "we offer", "student loan",
)  # fmt: skip


LevelMention = tuple[int, int, EducationLevel, tuple[int, int], bool]
"""(start, end, level, its clause's bounds, the clause only speaks of studying or a
benefit)."""


def level_mentions(text: str, hits: Hits) -> list[LevelMention]:
    """Every education keyword that names a level, in scan order (overlapping keywords of
    one mention, "bachelor" and "degree", read once). The compiled scan reads the same
    (native/src/education.rs); this is its reference."""
    found: list[LevelMention] = []
    seen_end = -1
    for start, end, word in hits.get("education", ()):
        if start < seen_end:
            continue  # overlapping keywords of one mention ("bachelor", "degree")
        at = level_at(text, start, end, word)
        if at is None:
            continue
        level, seen_end = at
        bounds = lo, hi = clause_bounds(text, start, end)
        clause = text[lo:hi].lower()
        found.append((start, end, level, bounds, any(w in clause for w in _NOT_A_REQUIREMENT)))
    return found


def education_level(
    text: str, hits: Hits, requirements: Requirements, found: list[LevelMention] | None = None
) -> EducationLevel | None:
    """The lowest required level in `text`, or None. `found`: `level_mentions(text,
    hits)` when the caller has them (the compiled scan reads them)."""
    if found is None:
        found = level_mentions(text, hits)
    best: EducationLevel | None = None
    for start, end, level, bounds, excluded in found:
        if best is not None and _RANK[level] >= _RANK[best]:
            continue
        if excluded:
            continue
        if level != "none" and requirements.is_nice(start, end, bounds):
            continue
        best = level
    return best
