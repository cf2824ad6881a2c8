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
  eligible for ...") is not a statement, and contract, temporary, volunteer and
  apprenticeship need a noun that names a job: "contract opportunities", "volunteer
  opportunities" and "completion of an apprenticeship program" state nothing.
"""

from __future__ import annotations

import functools
import re

from stream_native import AsciiSearch

from stream.enrich.terms.scan import Hits, starts_word
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
    "full": "full_time", "part": "part_time",  # "Full and Part-Time" split in two
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
_FTE = re.compile(r"\b([01](?:\.\d{1,2})?|\.\d{1,2})\s?FTE\b", re.IGNORECASE)
_SPLIT = re.compile(r"[,/;|&+]| and | or | oder | und ", re.IGNORECASE)
_NOT_LETTERS = re.compile(r"[^a-z]+")


@functools.lru_cache(maxsize=1024)
def from_field(value: str | None) -> frozenset[EmploymentType]:
    """The types a field value names (boards use a handful of values: kept)."""
    found: set[EmploymentType] = set()
    if not value:
        return frozenset()
    fte = _FTE.search(value)
    if fte is not None:
        # "1.0 FTE" is a full-time post, "0.5 FTE" a part-time one.
        found.add("full_time" if float(fte.group(1)) >= 1 else "part_time")
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
    return frozenset(found)


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


def from_title(title: str, words: list[str] | None = None) -> set[EmploymentType]:
    if words is None:
        words = _TITLE_WORD.findall(title.lower())
    found: set[EmploymentType] = set()
    if _ANY_TITLE_WORD.isdisjoint(words):
        return found
    for i, word in enumerate(words):
        kind = _TITLE.get(word)
        nxt = words[i + 1] if i + 1 < len(words) else ""
        if kind is None and i + 1 < len(words):
            kind = _TITLE_PAIRS.get((word, nxt))
            nxt = words[i + 2] if i + 2 < len(words) else ""
        if kind is not None and nxt not in _ROLE_NEXT:
            found.add(kind)
    return found


_ANY_TITLE_WORD = frozenset(_TITLE) | {first for first, _ in _TITLE_PAIRS}

_TYPE_WORD = (
    # "Full and Part-Time", "part or full time": the two share one "time"
    r"(?:full|part) ?(?:and|or|&|/) ?(?:full|part)[- ]?time|"
    r"full[- ]?time|part[- ]?time|contract(?:or)?|temporary|temp|seasonal|per[- ]diem|prn"
    r"|internship|volunteer|apprenticeship"
)
_NOUN = (
    r"(?:positions?|roles?|jobs?|(?P<loose>opportunit(?:y|ies)|openings?|schedules?|hours|days"
    # (not "status": "full-time status" is mostly a benefit's condition, and "SAC contract
    # status" no job; "Status: Full-time" is read as a label)
    r"|nights|weekends|work|shifts?|programs?)|employment|assignments?|basis"
    r"|engagements?|contracts?|gigs?|contractors?)"
)
# Types that also name other things ("contract opportunities", "volunteer opportunities",
# "completion of an apprenticeship program", "internship hours"): stated only with a noun
# that names a job ("contract position", "volunteer role"), not with the loose nouns.
_STRICT: frozenset[EmploymentType] = frozenset(
    ("contract", "temporary", "volunteer", "apprenticeship")
)
_LOOSE_INTERNSHIP = ("hour", "shift", "day", "night", "weekend", "work")
# Words before a type that make it a past or a benefit, not the posting's terms.
_NOT_STATED_BEFORE = (" of", " previous", " prior", " completed", " former", " your", " no")
# Each is matched at its keyword (`match`, never `search`): a few steps per keyword.
# "Job Type: Full-time", also with the line break and colon lost: "Job TypeFull-time".
_LIST = re.compile(
    r"(?:job|employment|position) types?\s*(?::\s*|(?=(?-i:[A-Z0-9])))(\d?\.\d+ ?fte|[^\n.]{1,80})",
    re.IGNORECASE,
)
# "You will work 10-20 hours per week": fewer than 30 hours a week is a part-time job.
_HOURS = re.compile(
    r"(?:work|working|works|for|of|averag\w*|approx\.?|approximately|about|up to|between)\s"
    r"(?:up to |about |approximately |between )?(\d{1,2})(?:\s?(?:-|–|to|and)\s?(\d{1,2}))?\s$",
    re.IGNORECASE,
)
_PART_TIME_HOURS = 30
# Hours of one part of the job, not the whole: "remote work 8 hours a week".
_HOURS_OF_A_PART = ("remote", "home", "office", "on-site", "onsite", "overtime", "travel")
# A run of types: "Full-time/Internship", "FULL TIME and PART TIME". Its `\s*+` are
# possessive: each is followed by a separator or a type word, neither of which starts with
# a space, so giving a space back could never match (and `re` no longer tries it).
_RUN = rf"(?:{_TYPE_WORD})(?:\s*+(?:,|/|&|and/or|and|or)\s*+(?:{_TYPE_WORD}))*"
# "full-time or part-time positions available", "a seasonal, temporary position"
# Possessive again where what follows cannot start with what would be given back: the
# token `[\w-]++` must be followed by a space, and its spaces by a word character or the
# noun. (`[ \t]*` stays plain: " - " starts with the space it may have to give back.)
# tests/unit/test_employment_statement.py holds `_statement` equal to its plain version.
_TYPES_THEN_NOUN = re.compile(
    rf"({_RUN})"
    rf"(?:,?(?:\s++(?!(?:for|of|with|in|and|or|to)\b)[\w-]++)?\s++{_NOUN}\b"
    # ... or the type ends a line or labels what follows: "Full-time\n", "Full Time:
    # Monday - Friday", "Full time (Not remote)", "(Full-Time)", "Part-time - Remote"
    r"|[ \t]*(?:\n|$|:|\(|\)| [-–] ))",
    re.IGNORECASE,
)
_TYPE_ONLY = re.compile(rf"(?:{_TYPE_WORD})\b", re.IGNORECASE)
# "a fixed-term position", "fixed term contract": a temporary job
_FIXED_TERM: frozenset[EmploymentType] = frozenset(("temporary",))
_FIXED_TERM_NOUN = re.compile(
    r"fixed[- ]term (?:position|role|job|contract|employment|appointment|post|basis)",
    re.IGNORECASE,
)
_PERIOD = re.compile(
    r"period of employment (?:is|will be) (?:limited to |for )?(?:\d{1,2}|one|two|three|four"
    r"|five|six|twelve|eighteen) (?:years?|months?)",
    re.IGNORECASE,
)
# A type only possible later is not the posting's: "Part Time with potential for Full Time"
# ("possib", "potential", "option to", "opportunity to" before it, in `_statement`).
_CONTRACTOR = re.compile(r"contractor\b", re.IGNORECASE)
_TO_HIRE = re.compile(r"(contract|temp(?:orary)?)[- ]to[- ](?:hire|perm)", re.IGNORECASE)
# Before the keyword: "this position is ", "working ", "a 6-month "
_STATED_BEFORE = re.compile(
    r"(?:(?:position|role|job|this|it) (?:is|will be)(?: an?)?|working|work|on an?"
    # "for a dedicated, full-time ...", "looking for two full-time developers"
    r"|(?:for|hiring|seeking|hire|recruiting) (?:an?|two|three|four|\d+|several|multiple)"
    r"(?: [\w-]+,?)?|(?:looking for|seeking|hiring|recruiting)) $"
    # a label: "Classification: Full-time, exempt", "Status: Part-time", "Type: Full-time"
    # (also glued to the word before: "HybridType: Full-time/Internship"), "Duration: Full
    # Time", "Type of Position: Part-Time"
    r"|(?:classification|status|schedule|employment|hours|availability|type|duration"
    r"|position)\s*:\s*$",
    re.IGNORECASE,
)
# "Employment as postdoc is temporary", "The appointment will be full-time": read on the 40
# characters before the type, only when one of these nouns is there.
_EMPLOYMENT_IS = re.compile(
    r"(?:employment|appointment|post|contract)(?: as (?:an? )?[\w-]+)? (?:is|will be)(?: an?)? $",
    re.IGNORECASE,
)
# The types a statement lists from its keyword on: "Full-time/Internship", "FULL TIME and
# PART TIME".
_TYPE_RUN = re.compile(
    rf"{_RUN}(?:\b|(?=(?-i:[A-Z])))",  # also glued to the next line: "Full-TimeNon-Captive"
    re.IGNORECASE,
)
# A short line that starts with a type is a title or a label: "Part time Barber, to start".
_SHORT_LINE = 60
# "This internship is paid", "our apprenticeship program": these words name the posting.
_THIS_BEFORE = re.compile(r"(?:this|our|the|paid|unpaid|summer) $", re.IGNORECASE)
_MONTHS_BEFORE = re.compile(
    r"(?:\d{1,2}|six|three|twelve|nine)[- ](?:months?|weeks?|mo)\.?[- ]"
    # "a 3-month remote internship", "6-month W2 contract"
    r"(?:(?:w-?2|1099|remote|paid|unpaid|summer|hybrid|virtual|on-?site|full-time|part-time) )?$",
    re.IGNORECASE,
)


def _compiled(pattern: re.Pattern[str]) -> AsciiSearch:
    """The compiled search of one of the `$`-anchored patterns read on the words before a
    type (native/src/py_ascii_search.rs): Python's `re` tries each of their ~20
    alternatives at each of the 24-40 start positions, ~1.5-6 us a search; the `regex`
    crate reads them from the end. It answers for ASCII text; `_found` asks `pattern` for
    the rest, and the differential tests hold the two equal."""
    if not pattern.flags & re.IGNORECASE:
        raise ValueError("the compiled search reads the pattern case-insensitively")
    return AsciiSearch(pattern.pattern)


_COMPILED = {
    pattern: _compiled(pattern)
    for pattern in (_STATED_BEFORE, _EMPLOYMENT_IS, _THIS_BEFORE, _MONTHS_BEFORE)
}


# Keyed by the pattern's id: hashing an `re.Pattern` hashes its compiled code each time
# (~3.8 us for `_STATED_BEFORE`), more than the search it looks up.
_COMPILED_BY_ID = {id(pattern): search for pattern, search in _COMPILED.items()}


def _found(pattern: re.Pattern[str], text: str) -> bool:
    """`pattern.search(text) is not None`, compiled where it can be."""
    found = _COMPILED_BY_ID[id(pattern)].search(text)
    return pattern.search(text) is not None if found is None else found


def _statement(text: str, start: int, word: str) -> tuple[frozenset[EmploymentType], int] | None:
    """The types a statement at keyword `word` (at `start`) gives, and where it ends."""
    if word.endswith("type"):
        match = _LIST.match(text, start)
        return None if match is None else (from_field(match.group(1)), match.end())
    if word in ("vollzeit", "teilzeit", "befristet"):
        return from_field(word), start + len(word)
    if word.startswith(("hours", "hrs")):
        lead = text[max(0, start - 40) : start]
        hours = _HOURS.search(lead)
        if hours is None or any(w in lead.lower() for w in _HOURS_OF_A_PART):
            return None
        most = int(hours.group(2) or hours.group(1))
        return (frozenset(("part_time",)), start + len(word)) if most < _PART_TIME_HOURS else None
    if word == "fte":
        return None  # read only after a "Job Type:" label (`_LIST`)
    if word.startswith(("contract", "temp")):
        match = _TO_HIRE.match(text, start)
        if match is not None:
            kind: EmploymentType = "contract" if match.group(1)[0] in "cC" else "temporary"
            return frozenset((kind,)), match.end()
    # 24 characters are enough for every pattern on the words before the type but one
    # (`_EMPLOYMENT_IS`), and a `$`-anchored search costs per character it is given.
    wide = text[max(0, start - 40) : start]
    wide_low = wide.lower()
    before = wide[-24:]
    if wide_low.rstrip().endswith(_NOT_STATED_BEFORE):
        return None
    if word == "period of employment":
        # "The period of employment is 2 years": a fixed-term post
        return (_FIXED_TERM, start + len(word)) if _PERIOD.match(text, start) else None
    if word.startswith("fixed"):
        return (_FIXED_TERM, start + len(word)) if _FIXED_TERM_NOUN.match(text, start) else None
    if (
        "possib" in wide_low
        or "potential" in wide_low
        or "option to" in wide_low
        or "opportunity to" in wide_low
    ):
        return None  # "the possibility of ... part-time employment"
    if (
        word == "contract"
        and _CONTRACTOR.match(text, start)
        and (before.lower().endswith(("independent ", "1099 ")))
    ):
        return frozenset(("contract",)), start + len("contractor")
    match = _TYPES_THEN_NOUN.match(text, start)
    if match is not None:
        found = from_field(match.group(1).replace("-", ""))
        loose = match.group("loose")
        if loose is not None and len(found) < 2:
            # A list of types is about employment ("Per-Diem and Contract opportunities");
            # one strict type alone may not be ("contract opportunities").
            found = found - _STRICT
            if loose.lower().startswith(_LOOSE_INTERNSHIP):
                found = found - {"internship"}
        if match.group().lower().endswith(("contractor", "contractors")):
            found = found | {"contract"}  # "a part-time independent contractor"
        if found:
            return found, match.end()
    match = _TYPE_RUN.match(text, start)
    if match is None:
        return None
    if (
        _found(_STATED_BEFORE, before)
        or (
            # only when one of the nouns is there (four `in` tests: cheaper than `any`)
            (
                "employment" in wide_low
                or "appointment" in wide_low
                or "post" in wide_low
                or "contract" in wide_low
            )
            and _found(_EMPLOYMENT_IS, wide)
        )
        or _title_line(text, start, match.end())
        or (word in ("contract", "internship") and _found(_MONTHS_BEFORE, before))
        or (word in ("internship", "apprenticeship", "volunteer") and _found(_THIS_BEFORE, before))
    ):
        return from_field(match.group().replace("-", "")), match.end()
    return None


def _title_line(text: str, start: int, end: int) -> bool:
    """A short line that starts with the type and goes on with a capital: a title or a
    label ("Part time Barber, to start"), not prose ("Full-time employees are ...")."""
    glued = start >= 2 and text[start - 1].islower() and text[start - 2].isalpha()
    if glued and text[start].isupper():
        # A line break the scraper lost ("Math TeacherFull-time, 10-month"): where the
        # line ended is unknown, so its length is not asked.
        pass
    elif start and text[start - 1] != "\n":
        return False
    else:
        line_end = text.find("\n", start, start + _SHORT_LINE)
        if line_end == -1 and len(text) - start >= _SHORT_LINE:
            return False
    rest = text[end : end + 3].lstrip()
    return not rest or not rest[0].islower()


# Type words that run on into a lower-case letter ("contracts", "contractual",
# "volunteering") state nothing: `_statement` ends in None for them, after ~4 µs of
# patterns. "a" and "o" are left to it ("contractor", "contract and/or ...": its patterns
# read "or" and "and" glued on too). tests/unit/test_terms_gates.py holds the two equal.
_GLUED_NOT_STATED = frozenset(("contract", "volunteer", "internship", "seasonal"))


def _glued(text: str, end: int, word: str) -> bool:
    """Is the type word `word` ending at `end` glued to a lower-case ASCII letter other
    than "a" and "o" (so that `_statement` finds no statement at it)?"""
    after = text[end : end + 1]
    return word in _GLUED_NOT_STATED and "b" <= after <= "z" and after != "o"


def from_description(text: str, hits: Hits) -> set[EmploymentType]:
    found: set[EmploymentType] = set()
    done = -1
    for start, end, word in hits.get("employment", ()):
        if start < done or _glued(text, end, word) or not starts_word(text, start):
            continue
        stated = _statement(text, start, word)
        if stated is not None:
            found |= stated[0]
            done = stated[1]
    return found


def employment_types(
    field: str | None, title: str, text: str, hits: Hits, words: list[str] | None = None
) -> list[EmploymentType]:
    found = from_field(field) | from_title(title, words) | from_description(text, hits)
    return [kind for kind in ORDER if kind in found]
