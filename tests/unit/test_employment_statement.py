"""`employment._statement` against its reference: the version before its patterns were
made possessive and its noun test spelled out (kept here verbatim, with the plain
patterns). On generated statements (every keyword, every type word, separators, hyphens,
stop words, nouns, line ends, unicode, case) and at every employment keyword of the real
descriptions in ../shared/data, the two must give the same types and the same end, and
the possessive patterns the same match as the plain ones."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from stream.enrich.terms import employment as emp
from stream.enrich.terms.scan import scan
from stream.models import EmploymentType

# The patterns as they were, with greedy (backtracking) quantifiers only.
_PLAIN_TYPES_THEN_NOUN = re.compile(
    rf"((?:{emp._TYPE_WORD})(?:\s*(?:,|/|&|and/or|and|or)\s*(?:{emp._TYPE_WORD}))*)"
    rf"(?:,?(?:\s+(?!(?:for|of|with|in|and|or|to)\b)[\w-]+)?\s+{emp._NOUN}\b"
    r"|[ \t]*(?:\n|$|:|\(|\)| [-–] ))",
    re.IGNORECASE,
)
_PLAIN_TYPE_RUN = re.compile(
    rf"(?:{emp._TYPE_WORD})(?:\s*(?:,|/|&|and/or|and|or)\s*(?:{emp._TYPE_WORD}))*"
    r"(?:\b|(?=(?-i:[A-Z])))",
    re.IGNORECASE,
)
_EMPLOYMENT_NOUNS = ("employment", "appointment", "post", "contract")


def _reference(text: str, start: int, word: str) -> tuple[frozenset[EmploymentType], int] | None:
    """`_statement` as it was (stream/enrich/terms/employment.py before stmtport)."""
    if word.endswith("type"):
        match = emp._LIST.match(text, start)
        return None if match is None else (emp.from_field(match.group(1)), match.end())
    if word in ("vollzeit", "teilzeit", "befristet"):
        return emp.from_field(word), start + len(word)
    if word.startswith(("hours", "hrs")):
        lead = text[max(0, start - 40) : start]
        hours = emp._HOURS.search(lead)
        if hours is None or any(w in lead.lower() for w in emp._HOURS_OF_A_PART):
            return None
        most = int(hours.group(2) or hours.group(1))
        return (frozenset(("part_time",)), start + len(word)) if most < 30 else None
    if word == "fte":
        return None
    if word.startswith(("contract", "temp")):
        match = emp._TO_HIRE.match(text, start)
        if match is not None:
            kind: EmploymentType = "contract" if match.group(1)[0] in "cC" else "temporary"
            return frozenset((kind,)), match.end()
    wide = text[max(0, start - 40) : start]
    wide_low = wide.lower()
    before = wide[-24:]
    if wide_low.rstrip().endswith(emp._NOT_STATED_BEFORE):
        return None
    if word == "period of employment":
        return (emp._FIXED_TERM, start + len(word)) if emp._PERIOD.match(text, start) else None
    if word.startswith("fixed"):
        return (
            (emp._FIXED_TERM, start + len(word))
            if emp._FIXED_TERM_NOUN.match(text, start)
            else None
        )
    if (
        "possib" in wide_low
        or "potential" in wide_low
        or "option to" in wide_low
        or "opportunity to" in wide_low
    ):
        return None
    if (
        word == "contract"
        and emp._CONTRACTOR.match(text, start)
        and (before.lower().endswith(("independent ", "1099 ")))
    ):
        return frozenset(("contract",)), start + len("contractor")
    match = _PLAIN_TYPES_THEN_NOUN.match(text, start)
    if match is not None:
        found = emp.from_field(match.group(1).replace("-", ""))
        loose = match.group("loose")
        if loose is not None and len(found) < 2:
            found = found - emp._STRICT
            if loose.lower().startswith(emp._LOOSE_INTERNSHIP):
                found = found - {"internship"}
        if match.group().lower().endswith(("contractor", "contractors")):
            found = found | {"contract"}
        if found:
            return found, match.end()
    match = _PLAIN_TYPE_RUN.match(text, start)
    if match is None:
        return None
    if (
        emp._found(emp._STATED_BEFORE, before)
        or (any(w in wide_low for w in _EMPLOYMENT_NOUNS) and emp._found(emp._EMPLOYMENT_IS, wide))
        or emp._title_line(text, start, match.end())
        or (word in ("contract", "internship") and emp._found(emp._MONTHS_BEFORE, before))
        or (
            word in ("internship", "apprenticeship", "volunteer")
            and emp._found(emp._THIS_BEFORE, before)
        )
    ):
        return emp.from_field(match.group().replace("-", "")), match.end()
    return None


def _key(match: re.Match[str] | None) -> tuple[str, str | None, int] | None:
    if match is None:
        return None
    loose = match.group("loose") if "loose" in match.re.groupindex else None
    return match.group(), loose, match.end()


def _check(text: str) -> int:
    """Asserts the two agree at every employment keyword of `text`, and the patterns at
    every position of it; how many keywords there were."""
    for start in range(len(text)):
        for fast, plain in (
            (emp._TYPES_THEN_NOUN, _PLAIN_TYPES_THEN_NOUN),
            (emp._TYPE_RUN, _PLAIN_TYPE_RUN),
        ):
            assert _key(fast.match(text, start)) == _key(plain.match(text, start)), (text, start)
    hits = scan(text).get("employment", ())
    for start, _, word in hits:
        assert emp._statement(text, start, word) == _reference(text, start, word), (text, start)
    return len(hits)


_KEYWORDS = ["full-time", "Full Time", "FULLTIME", "part-time", "Part time", "parttime",
             "contract", "Contractor", "CONTRACTORS", "temporary", "Temp-to-hire", "temp to perm",
             "seasonal", "per diem", "Per-Diem", "PRN", "internship", "Volunteer",
             "apprenticeship", "Job Type", "employment type", "Position Type", "Vollzeit",
             "teilzeit", "befristet", "fixed-term", "Fixed term", "period of employment",
             "hours per week", "hours a week", "hours/week", "hrs per week", "FTE",
             "full and part", "Part or Full", "full/part", "Full and Part-Time",
             "temp"]  # fmt: skip
_SEPARATORS = [",", ", ", " / ", "/", " & ", " and/or ", " and ", " or ", "  or\n", "-", ""]
_NOUNS = ["position", "Positions", "role", "jobs", "opportunity", "opportunities", "openings",
          "schedule", "hours", "days", "nights", "weekends", "work", "shifts", "program",
          "employment", "assignment", "basis", "engagement", "contracts", "gig", "contractors",
          "status", "positionsx", "rolé"]  # fmt: skip
_TOKENS = ["", "for", "of", "with", "in", "and", "or", "to", "for-", "of-profit", "fort",
           "to-do", "remote", "on-site", "W2", "ﬁxed", "café", "night-shift", "x-"]  # fmt: skip
_GAPS = [" ", "  ", "\t", "\n", " \n", "\u00a0", "\u2003", ",", ", ", ""]
_ENDS = ["", "\n", ":", " (", ")", " - ", " – ", "  - ", " \t- ", "\t:", ".", " Monday",
         "Non-Captive", "s", "ual", "\u212a"]  # fmt: skip
_BEFORE = ["", "This is a ", "This position is ", "Independent ", "1099 ", "the possibility of ",
           "Job Type: ", "\n", "Status: ", "a 6-month ", "our ", "Employment as postdoc is ",
           "The appointment will be ", "Teacher", "work ", "prior ", "looking for two ",
           "Type:"]  # fmt: skip

_PART = (
    st.sampled_from(_KEYWORDS).map(lambda w: w)
    | st.sampled_from(_KEYWORDS).map(str.upper)
    | st.sampled_from(_KEYWORDS).map(str.title)
)

_STATEMENT = st.tuples(
    st.sampled_from(_BEFORE),
    st.lists(st.tuples(_PART, st.sampled_from(_SEPARATORS)), min_size=1, max_size=3),
    st.sampled_from(_GAPS),
    st.sampled_from(_TOKENS),
    st.sampled_from(_GAPS),
    st.sampled_from(_NOUNS) | st.sampled_from(_ENDS),
    st.sampled_from(_ENDS),
).map(
    lambda t: (
        t[0]
        + "".join(w + s for w, s in t[1][:-1])
        + t[1][-1][0]
        + t[2]
        + t[3]
        + (t[4] if t[3] else "")
        + t[5]
        + t[6]
    )
)
_TEXT = st.lists(_STATEMENT, min_size=1, max_size=3).map(" ".join)


@given(_TEXT)
@settings(max_examples=1500)
def test_generated_statements_read_as_the_reference(text: str) -> None:
    _check(text)


@given(st.text(alphabet="fulpartimecontrsdy- \t\n,/&:()–ÉéK\u212a\u00a0opsinjb", max_size=40))
@settings(max_examples=1500)
def test_any_text_of_the_patterns_letters_reads_as_the_reference(text: str) -> None:
    _check(text)


def test_the_cases_the_possessive_quantifiers_must_not_change() -> None:
    for text in (
        "Full-time  - Remote",  # `[ \t]*` must give a space back for " - "
        "full-time or  part-time positions available",
        "Part-time of-profit role",  # a stop word followed by "-": not a stop word
        "a part-time for position",  # a stop word: the noun must follow directly
        "seasonal, temporary position",
        "Full-time/InternshipNon-Captive",
        "contract   \n  roles",
    ):
        assert _check(text) >= 1


def test_real_descriptions(real_descriptions: list[str]) -> None:
    texts = real_descriptions
    stated = 0
    for text in texts:
        for start, _, word in scan(text).get("employment", ()):
            fast = emp._statement(text, start, word)
            assert fast == _reference(text, start, word), (text[start - 40 : start + 80], word)
            stated += fast is not None
            for pattern, plain in (
                (emp._TYPES_THEN_NOUN, _PLAIN_TYPES_THEN_NOUN),
                (emp._TYPE_RUN, _PLAIN_TYPE_RUN),
            ):
                assert _key(pattern.match(text, start)) == _key(plain.match(text, start))
    assert stated > 200  # statements were read, not only refused
