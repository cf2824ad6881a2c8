"""`experience_years`: the years of experience a posting asks for, as {min, max}.

A mention is a number (digits or a word up to twenty; a range "3-5", "3 to 5"; "5+", "5 or
more") before "years"/"yrs"/"months"/"Jahre", tied to experience in the same clause:
"experience" (or "Berufserfahrung") follows within a few words ("5+ years of hands-on
Python experience", "two years' experience"), or the years are "in a similar role",
"working as", or "experience" comes just before ("Experience: 3 years"). Company facts and
benefits are not experience: a clause whose lead-in speaks of "we have", "our",
"founded", "since", "company" or "after", and years tied to no experience ("25 years ago",
"2 years of service", "18 years of age"), never count; more than 25 years is not a
requirement anyone writes. "No experience necessary" is 0. The number is read backwards
from the unit by hand, not by a regex search (one `re` attempt costs ~2.5 us here).

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
_NUMBER_ENDINGS = (*_WORDS, "or more", "plus", "full")
_MAX_YEARS = 25
_NOT_BEFORE_DIGITS = "0123456789.$,"
_NO = re.compile(r"\bno\b")


def _take_number(text: str, end: int, lo: int) -> tuple[float, int] | None:
    """The number (digits or a number word) ending at `end` and where it starts."""
    i = end
    while i > lo and (text[i - 1].isdigit() or text[i - 1] == "."):
        i -= 1
    if i < end:
        digits = text[i:end].strip(".")
        if not digits or len(digits) > 5 or (i > 0 and text[i - 1] in _NOT_BEFORE_DIGITS):
            return None
        try:
            return float(digits), i
        except ValueError:
            return None
    while i > lo and text[i - 1].isalpha():
        i -= 1
    value = _WORDS.get(text[i:end].lower())
    return None if value is None else (float(value), i)


def _skip_back(text: str, end: int, lo: int, suffixes: tuple[str, ...]) -> int:
    """`end` moved back over spaces and one of `suffixes` (lower case), then spaces."""
    while end > lo and text[end - 1] == " ":
        end -= 1
    low = text[max(lo, end - 8) : end].lower()
    for suffix in suffixes:
        if low.endswith(suffix):
            end -= len(suffix)
            while end > lo and text[end - 1] == " ":
                end -= 1
            break
    return end


_RANGE_CHARS = "-–—+0123456789.$,"
_RANGE_SEPARATORS = ("-", "–", "—", " to", " or", " bis")


def number_before(text: str, unit: int) -> tuple[int, float, float | None] | None:
    """The number that ends where the unit starts, read backwards by hand ("5+ ", "3 - 5 ",
    "three to five ", "two (2) ", "5 or more "; `re` costs ~2.5 us a try here):
    (start, first number, second number of a range or None)."""
    lo = max(0, unit - 30)
    # The common shapes first: "5 years", "5+ years", "10+years" (no range, no word).
    end = unit
    while end > lo and text[end - 1] == " ":
        end -= 1
    if end > lo and text[end - 1] == "+":
        end -= 1
        while end > lo and text[end - 1] == " ":
            end -= 1
    i = end
    while i > lo and text[i - 1].isdigit():
        i -= 1
    if (
        0 < end - i <= 2
        and i > lo
        and text[i - 1] == " "
        and text[i - 2 : i - 1] not in _RANGE_CHARS
    ):
        before = text[max(lo, i - 4) : i - 1].lower()
        # (`isdecimal`: "²" is a digit to `isdigit` but no number to `float`)
        if not before.endswith((" to", " or", "bis", "-", "–", "—", "+", "plus")) and (
            text[i:end].isdecimal()
        ):
            return i, float(text[i:end]), None
    end = _skip_back(text, unit, lo, ("or more", "full"))
    end = _skip_back(text, end, lo, ("+", "plus", "(+)"))
    if end > lo and text[end - 1] == ")":
        k = text.rfind("(", lo, end)
        inner = text[k + 1 : end - 1].strip() if k != -1 else ""
        if inner.isdigit() or inner == "+":
            end = _skip_back(text, k, lo, ("+",))
    found = _take_number(text, end, lo)
    if found is None:
        return None
    high, start = found
    sep_end = _skip_back(text, start, lo, ("+", "plus"))
    low_text = text[max(lo, sep_end - 4) : sep_end].lower()
    for sep in _RANGE_SEPARATORS:
        if low_text.endswith(sep):
            first = _take_number(text, _skip_back(text, sep_end - len(sep), lo, ()), lo)
            if first is not None:
                return first[1], first[0], high
            break
    return start, high, None


_UNIT = re.compile(r"(?:years?|yrs?|months?|jahren?)\b", re.IGNORECASE)
# What follows the unit: experience within a few words of the same clause.
# "yrs." is an abbreviation; "years." ends the sentence.
_UNIT_END = r"(?:(?:(?<=yr)|(?<=yrs))\.)?['’\x92]?\s*(?:\+\s*)?"
# Words that end the search for "experience": what follows them is not the candidate's.
# ("service" and "business" are not among them: "3 years of customer service experience";
# "after 2 years of service" is stopped by its "after", and says no "experience".)
_STOP_WORDS = r"our|we|ago|age|old|history|warranty|lease"
_AFTER_EXPERIENCE = re.compile(
    rf"{_UNIT_END}(?:(?:of|in|with|at)\s+)?"
    rf"(?:(?!(?:{_STOP_WORDS})\b)[\w/&+#,'’\x92()-]+(?:\.\w+)*\s+){{0,7}}?"
    r"(?:experience|exp\b|expertise|berufserfahrung|erfahrung|background)",
    re.IGNORECASE,
)
_AFTER_ROLE = re.compile(
    rf"{_UNIT_END}(?:working|as an?\b|in (?:an? |the )?(?:[\w-]+ ){{0,5}}"
    r"(?:role|position|field|industry|capacity|environment|setting)s?\b)",
    re.IGNORECASE,
)
# Every word `_AFTER_EXPERIENCE` ends on holds one of these (lower-cased): without them in
# reach it cannot match, and trying costs ~7 us of backtracking over seven words.
_EXPERIENCE_STEMS = ("exp", "background", "erfahrung")


def _tied_after(text: str, unit_end: int) -> bool:
    """Whether what follows the unit ties the years to experience ("of hands-on Python
    experience", "in a similar role", "working as")."""
    reach = min(len(text), unit_end + 90)
    after = text[unit_end:reach].lower()
    if any(w in after for w in _EXPERIENCE_STEMS) and _AFTER_EXPERIENCE.match(
        text, unit_end, reach
    ):
        return True
    return _AFTER_ROLE.match(text, unit_end, reach) is not None


# How far back in its clause "experience" may stand ("Proven experience as a Data
# Analyst in retail banking, with 4+ years of growing responsibility").
_LEAD_REACH = 90
# A demand right before the number ties it to experience without the word: "Must have 2+
# years of program management", "Minimum 5 yrs", "at least 3 years in sales" ...
_DEMAND_BEFORE = (
    "must have ", "must have at least ", "minimum of ", "minimum ", "at least ", "requires ",
    "requires at least ", "require ", "need ", "needs ",
)  # fmt: skip
# ... unless the years are of schooling or age ("at least 2 years of college").
_NOT_DEMANDED = re.compile(
    rf"{_UNIT_END}(?:of )?(?:age|old|college|university|school|study|studies|coursework"
    r"|education|post-secondary|undergraduate|graduate|service)\b",
    re.IGNORECASE,
)


# ... or the clause speaks of schooling ("enrolled in an Undergraduate program for at
# least 2 years").
_SCHOOLING = ("enrolled", "program", "college", "university", "school", "student", "degree")


def _demanded(text: str, unit_end: int) -> bool:
    return _NOT_DEMANDED.match(text, unit_end) is None


_FACT_WORDS = (
    " we've ", " we have ", " we bring ", " we are proud ", " our ", "founded", "established",
    " since ", "company", " firm ", "history", "anniversary", "serving", "served", " after ",
    " vest",
)  # fmt: skip
# A deadline, not experience: "licensed within 6 months of employment".
_DEADLINE_BEFORE = ("within ", "within the first ", "within the next ", "within first ")


def _clause_lead(text: str, at: int, reach: int) -> str:
    """Up to `reach` characters before `at`, from the last clause end on, lower-cased."""
    lead = text[max(0, at - reach) : at]
    cut = -1
    for ch in ".!?;\n•":
        i = lead.rfind(ch)
        if i > cut:
            cut = i
    return lead[cut + 1 :].lower()


Range = tuple[float, float | None]


def mentions(text: str, hits: Hits) -> list[tuple[int, int, Range]]:
    """Every experience mention: (start, end, (min, max)), in text order."""
    found: list[tuple[int, int, Range]] = []
    for start, _, word in hits.get("no_experience", ()):
        if word.startswith(("experience necessary", "experience needed")) and not (
            _NO.search(" " + _clause_lead(text, start, 30))
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
        tail = text[max(0, start - 14) : start].rstrip(" +()'’\x92-").lower()
        if not tail or not (tail[-1].isdigit() or tail.endswith(_NUMBER_ENDINGS)):
            continue
        number = number_before(text, start)
        if number is None:
            continue
        number_start = number[0]
        lead = _clause_lead(text, number_start, _LEAD_REACH)
        if (
            "experience" not in lead
            and "erfahrung" not in lead
            and not _tied_after(text, unit.end())
            and not (
                lead[-24:].endswith(_DEMAND_BEFORE)
                and not any(w in lead for w in _SCHOOLING)
                and _demanded(text, unit.end())
            )
        ):
            continue
        if lead.endswith(_DEADLINE_BEFORE):
            continue
        lead = " " + lead[-40:] + " "
        if any(w in lead for w in _FACT_WORDS):
            continue
        if number[2] is None:
            low, high = number[1], None
        else:
            low, high = number[1], number[2]
        if unit.group().lower().startswith("month"):
            low, high = round(low / 12, 2), None if high is None else round(high / 12, 2)
        if low > _MAX_YEARS or (high is not None and (high > _MAX_YEARS or high < low)):
            continue
        found.append((number_start, unit.end(), (low, high)))
        last = unit.end()
    found.sort(key=lambda m: m[0])
    return found


def experience_years(
    text: str,
    hits: Hits,
    requirements: Requirements,
    found: list[tuple[int, int, Range]] | None = None,
) -> tuple[Range | None, list[tuple[int, int, Range]]]:
    """The posting's (min, max), or None; and the mentions it was chosen from. `found`:
    `mentions(text, hits)` when the caller has them (the compiled scan reads them)."""
    if found is None:
        found = mentions(text, hits)
    if not found:
        return None, found
    if len(found) == 1:
        return found[0][2], found  # the only one counts, preferred or not
    for start, end, years in found:
        if years[0] == 0.0 or not requirements.is_nice(start, end):
            return years, found
    return found[0][2], found
