"""`employment_types`: the kinds of employment a posting offers, [] when unknown.

The union of three readings, in the contract's order:
- the `employment_type` field, split on "," "/" ";" "|" "&" "and" "or" and each part
  read by its letters alone ("Full-time", "FULL_TIME", "Temp to Hire", "PRN", "Vollzeit");
  "Other" and unknown words give nothing;
- the title's words: "Intern", "Contract"/"Contractor", "Temp", "Part-Time", "Seasonal",
  "Per Diem"/"PRN", "Volunteer", "Apprentice", "Teilzeit"... but not when the word names
  the work rather than the terms ("Contract Manager", "Volunteer Coordinator");
- statements in the description, each matched on the window around its keyword: "this is
  a full-time position", "full-time and part-time positions available", "Job Type:
  Full-time, Contract", "contract-to-hire", "6-month contract", "temporary assignment",
  "seasonal position", "per diem basis". A bare "full-time" ("full-time employees are
  eligible for ...") is not a statement.
"""

from __future__ import annotations

import re

from stream.enrich.terms.scan import Hits
from stream.models import EmploymentType

ORDER: tuple[EmploymentType, ...] = (
    "full_time", "part_time", "contract", "temporary", "internship", "apprenticeship",
    "seasonal", "volunteer", "per_diem",
)  # fmt: skip

# A field part's letters (lower case) -> type. Exact keys first, then these as substrings.
_EXACT: dict[str, EmploymentType] = {
    "ft": "full_time", "pt": "part_time", "prn": "per_diem", "cdi": "full_time",
    "cdd": "temporary", "stage": "internship", "alternance": "apprenticeship",
    "regular": "full_time", "permanent": "full_time", "festanstellung": "full_time",
}  # fmt: skip
_CONTAINS: tuple[tuple[str, EmploymentType], ...] = (
    ("fulltime", "full_time"), ("parttime", "part_time"), ("contract", "contract"),
    ("freelance", "contract"), ("temp", "temporary"), ("fixedterm", "temporary"),
    ("intern", "internship"), ("coop", "internship"), ("praktik", "internship"),
    ("apprentice", "apprenticeship"), ("ausbildung", "apprenticeship"),
    ("seasonal", "seasonal"), ("volunteer", "volunteer"), ("perdiem", "per_diem"),
    ("vollzeit", "full_time"), ("teilzeit", "part_time"), ("minijob", "part_time"),
    ("werkstudent", "part_time"), ("befristet", "temporary"), ("tiempocompleto", "full_time"),
    ("tempspartiel", "part_time"), ("tempsplein", "full_time"), ("mediotiempo", "part_time"),
)  # fmt: skip
_SPLIT = re.compile(r"[,/;|&+]| and | or | oder | und ", re.IGNORECASE)
_NOT_LETTERS = re.compile(r"[^a-z]+")


def from_field(value: str | None) -> set[EmploymentType]:
    found: set[EmploymentType] = set()
    if not value:
        return found
    for part in _SPLIT.split(value.lower()):
        key = _NOT_LETTERS.sub("", part)
        if not key:
            continue
        exact = _EXACT.get(key)
        if exact is not None:
            found.add(exact)
            continue
        for needle, kind in _CONTAINS:
            if needle in key:
                found.add(kind)
                if needle == "temp" and "hire" in key:
                    break  # "temp to hire": temporary, not also "contract"
    return found


def _split_words(words: str) -> list[str]:
    return words.split()


_TITLE_WORD = re.compile(r"[a-zäöüß0-9]+", re.IGNORECASE)
_TITLE: dict[str, EmploymentType] = {
    "intern": "internship", "interns": "internship", "internship": "internship",
    "coop": "internship", "praktikum": "internship", "praktikant": "internship",
    "praktikantin": "internship", "stagiaire": "internship",
    "contract": "contract", "contractor": "contract", "freelance": "contract",
    "freelancer": "contract", "1099": "contract",
    "temp": "temporary", "temporary": "temporary", "befristet": "temporary",
    "seasonal": "seasonal", "prn": "per_diem", "volunteer": "volunteer",
    "apprentice": "apprenticeship", "apprenticeship": "apprenticeship",
    "azubi": "apprenticeship", "ausbildung": "apprenticeship",
    "auszubildende": "apprenticeship", "auszubildender": "apprenticeship",
    "teilzeit": "part_time", "vollzeit": "full_time", "minijob": "part_time",
    "werkstudent": "part_time", "werkstudentin": "part_time", "alternance": "apprenticeship",
}  # fmt: skip
_TITLE_PAIRS: dict[tuple[str, str], EmploymentType] = {
    ("part", "time"): "part_time", ("full", "time"): "full_time", ("per", "diem"): "per_diem",
    ("co", "op"): "internship",
}  # fmt: skip
# Words after which the type word names the work, not the terms ("Contract Manager").
_ROLE_NEXT = frozenset(
    _split_words(
        "manager managers management specialist administrator administration analyst negotiator "
        "attorney coordinator officer lawyer compliance review reviewer services coordinators "
        "director instructor program programs engagement recruiter recruitment paralegal "
        "accountant closeout closer writer supervisor estimator"
    )
)


def from_title(title: str) -> set[EmploymentType]:
    words = [w.lower() for w in _TITLE_WORD.findall(title)]
    found: set[EmploymentType] = set()
    for i, word in enumerate(words):
        kind = _TITLE.get(word)
        nxt = words[i + 1] if i + 1 < len(words) else ""
        if kind is None and i + 1 < len(words):
            kind = _TITLE_PAIRS.get((word, nxt))
            nxt = words[i + 2] if i + 2 < len(words) else ""
        if kind is not None and nxt not in _ROLE_NEXT:
            found.add(kind)
    return found


_TYPE_WORD = (
    r"full[- ]?time|part[- ]?time|contract(?:or)?|temporary|temp|seasonal|per[- ]diem|prn"
    r"|internship|volunteer|apprenticeship"
)
_NOUN = (
    r"(?:positions?|roles?|jobs?|opportunit(?:y|ies)|openings?|employment|schedules?"
    r"|assignments?|basis|status|engagements?|hours|work|shifts?|contracts?|gigs?|programs?)"
)
_STATEMENTS = re.compile(
    # "Job Type: Full-time, Part-time": the list after the label
    r"(?:job|employment|position|work) types?\s*:\s*(?P<list>[^\n.]{1,80})"
    # "full-time or part-time positions available", "a seasonal, temporary position"
    rf"|(?P<types>(?:{_TYPE_WORD})(?:\s*(?:,|/|&|and|or|and/or)\s*(?:{_TYPE_WORD}))*)"
    rf"[,]?(?:\s+(?:[\w-]+)){{0,2}}?\s+{_NOUN}\b"
    # "position is full-time", "working part-time", "contract-to-hire", "6-month contract"
    rf"|(?:(?:position|role|job|this) is(?: an?)?|working|work|on an?) (?P<after>{_TYPE_WORD})\b"
    r"|(?P<c2h>contract[- ]to[- ](?:hire|perm))|(?P<t2h>temp(?:orary)?[- ]to[- ](?:hire|perm))"
    r"|(?P<months>\d{1,2}|six|three|twelve|nine)[- ](?:months?|weeks?|mo)\.? "
    r"(?:w2 |w-2 |1099 )?(?P<term>contract|assignment|internship|position)"
    r"|(?P<de>vollzeit|teilzeit|befristet)",
    re.IGNORECASE,
)
_REACH_BACK = 30  # "a 6-month contract", "Job Type: ..." start before their keyword
_REACH = 120


def _types_in(words: str) -> set[EmploymentType]:
    return from_field(words)


def from_description(text: str, hits: Hits) -> set[EmploymentType]:
    found: set[EmploymentType] = set()
    done = -1
    for start, _, _ in hits.get("employment", ()):
        if start < done:
            continue
        lo = max(done, start - _REACH_BACK, 0)
        match = _STATEMENTS.search(text, lo, min(len(text), start + _REACH))
        if match is None or match.start() > start:
            continue
        done = match.end()
        if match["list"] is not None:
            found |= _types_in(match["list"])
        elif match["types"] is not None:
            found |= _types_in(match["types"].replace("-", ""))
        elif match["after"] is not None:
            found |= _types_in(match["after"])
        elif match["c2h"] is not None:
            found.add("contract")
        elif match["t2h"] is not None:
            found.add("temporary")
        elif match["months"] is not None:
            term = match["term"].lower()
            found.add("internship" if term == "internship" else
                      "contract" if term == "contract" else "temporary")  # fmt: skip
        elif match["de"] is not None:
            found |= _types_in(match["de"])
    return found


def employment_types(field: str | None, title: str, text: str, hits: Hits) -> list[EmploymentType]:
    found = from_field(field) | from_title(title) | from_description(text, hits)
    return [kind for kind in ORDER if kind in found]
