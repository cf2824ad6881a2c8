"""`experience_years`: the years of experience a posting asks for, as {min, max}.

A mention is a number (digits or a word up to twenty; a range "3-5", "3 to 5"; "5+", "5 or
more") before "years"/"yrs"/"months"/"Jahre", tied to experience in the same clause:
"experience" (or "Berufserfahrung") follows within a few words ("5+ years of hands-on
Python experience", "two years' experience"), or the years are "in a similar role",
"working as", or "experience" comes just before ("Experience: 3 years"). Company facts and
benefits are not experience: a clause whose lead-in speaks of "we", "our", "founded",
"since" or "company", and years followed by "ago", "of service" or "of age", never count;
more than 25 years is not a requirement anyone writes. "No experience necessary" is 0.

The posting's figure is its first required mention (the main requirement comes first:
"3+ years ...; 2+ years with SQL"); a mention under "Preferred" or cued "a plus" counts
only when there is no other. "5+ years" is 5/null, a single "2 years" 2/null, "3-5 years"
3/5, "6 months" 0.5/null.
"""

from __future__ import annotations

import re

from stream.enrich.terms.scan import Hits, Requirements

_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20,
    "zwei": 2, "drei": 3, "vier": 4, "sechs": 6, "zehn": 10,
}  # fmt: skip
_NUM = r"(?:\d{1,2}(?:\.\d{1,2})?|\b(?:" + "|".join(_WORDS) + "))"
_NUMBER_ENDINGS = (*_WORDS, "or more", "plus", "full")
_MAX_YEARS = 25
_WINDOW = 60

# The number part, read backwards from the unit: anchored at the end of the window before
# "years". Linear: the window is at most 60 characters.
_BEFORE = re.compile(
    rf"(?<![\d.$,])(?:(?P<lo>{_NUM})\s*(?:\+|plus)?\s*(?:-|–|—|to|or|bis)\s*)?"
    rf"(?P<n>{_NUM})\s*(?:\(\s*\d{{1,2}}\s*\)\s*)?(?P<plus>\+|plus)?\s*(?:or more\s*)?"
    r"(?:full |\(?\+\)?\s*)?$",
    re.IGNORECASE,
)
_UNIT = re.compile(r"(?:years?|yrs?|months?|jahren?)\b", re.IGNORECASE)
# What follows the unit: experience within a few words of the same clause.
_STOP_WORDS = r"our|we|ago|age|old|service|business|history|warranty|contract|lease"
_AFTER = re.compile(
    r"\.?['’]?\s*(?:\+\s*)?(?:(?:of|in|with|at)\s+)?"
    rf"(?:(?!(?:{_STOP_WORDS})\b)[\w/&+#.,'’()-]+\s+){{0,7}}?"
    r"(?:experience|exp\b|expertise|berufserfahrung|erfahrung|background)"
    r"|\.?['’]?\s*(?:\+\s*)?(?:working|as an?\b|in (?:an? |the )?(?:[\w-]+ ){0,5}"
    r"(?:role|position|field|industry|capacity|environment|setting)s?\b)",
    re.IGNORECASE,
)
_EXPERIENCE_BEFORE = re.compile(
    r"(?:experience|erfahrung)\b[^.;!?\n]{0,40}$",
    re.IGNORECASE,
)
_FACT_BEFORE = re.compile(
    r"\b(?:we(?:'ve| have| bring| are proud)|our|founded|established|since|company|firm"
    r"|history|anniversary|serving|served|after|vest\w*)\b",
    re.IGNORECASE,
)
_LEAD_END = re.compile(r"[.!?;\n•](?:\s|$)")
_NO_EXPERIENCE_BEFORE = re.compile(r"\bno\b[^.;!?\n]{0,30}$", re.IGNORECASE)

Range = tuple[float, float | None]


def _value(token: str) -> float:
    word = _WORDS.get(token.lower())
    return float(word) if word is not None else float(token)


def mentions(text: str, hits: Hits) -> list[tuple[int, int, Range]]:
    """Every experience mention: (start, end, (min, max)), in text order."""
    found: list[tuple[int, int, Range]] = []
    for start, _, word in hits.get("no_experience", ()):
        if word.startswith(("experience necessary", "experience needed")) and not (
            _NO_EXPERIENCE_BEFORE.search(text, max(0, start - 30), start)
        ):
            continue
        found.append((start, start + len(word), (0.0, None)))
    last = -1
    for start, _, _ in hits.get("years", ()):
        if start <= last:
            continue
        unit = _UNIT.match(text, start)
        if unit is None or (start and text[start - 1].isalpha()):
            continue
        # Cheap gate: a number must end just before the unit ("5+ ", "two (2) ", "3-5 ").
        tail = text[max(0, start - 14) : start].rstrip(" +()'’-").lower()
        if not tail or not (tail[-1].isdigit() or tail.endswith(_NUMBER_ENDINGS)):
            continue
        lo_window = max(0, start - _WINDOW)
        number = _BEFORE.search(text, max(0, start - 30), start)
        if number is None:
            continue
        tied = _AFTER.match(text, unit.end(), min(len(text), unit.end() + 90))
        if tied is None:
            tied = _EXPERIENCE_BEFORE.search(text, lo_window, number.start())
        if tied is None:
            continue
        clause_lead = _LEAD_END.split(text[max(lo_window, number.start() - 40) : number.start()])
        if _FACT_BEFORE.search(clause_lead[-1]):
            continue
        low = _value(number["n"])
        high: float | None = None
        if number["lo"] is not None:
            low, high = _value(number["lo"]), low
        if unit.group().lower().startswith("month"):
            low, high = round(low / 12, 2), None if high is None else round(high / 12, 2)
        if low > _MAX_YEARS or (high is not None and (high > _MAX_YEARS or high < low)):
            continue
        found.append((number.start(), unit.end(), (low, high)))
        last = unit.end()
    found.sort(key=lambda m: m[0])
    return found


def experience_years(
    text: str, hits: Hits, requirements: Requirements
) -> tuple[Range | None, list[tuple[int, int, Range]]]:
    """The posting's (min, max), or None; and the mentions it was chosen from."""
    found = mentions(text, hits)
    if not found:
        return None, found
    for start, end, years in found:
        if years[0] == 0.0 or requirements.state(start, end) is not False:
            return years, found
    return found[0][2], found
