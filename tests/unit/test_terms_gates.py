"""The employment rules' cheap gate (`employment._glued`): where it skips a keyword,
`_statement` finds no statement there, on generated text and on every real description in
../shared/data; and `from_description` gives what it gave without the gate."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from stream.enrich.terms import employment
from stream.enrich.terms.scan import Hits, scan, starts_word
from stream.models import EmploymentType

_WORDS = ["contract", "Contract", "CONTRACT", "volunteer", "Volunteer", "internship",
          "Internship", "seasonal", "SEASONAL", "temporary", "full-time", "part-time"]  # fmt: skip
_AFTER = ["or", "ors", "and full-time", "and/or part-time", "s", "ual", "ing", "ly", "Or",
          "S", " position", "-to-hire", " to hire", " role", "\n", ": yes", "", "ed", "z",
          "ors and temporary roles", "one", "aand part-time", "oand seasonal"]  # fmt: skip
_BEFORE = ["", "This is a ", "Independent ", "1099 ", "possible ", "Job Type: ", "\n",
           "We offer ", "Status: ", "a 6-month ", "our "]  # fmt: skip

_TEXT = st.lists(
    st.tuples(st.sampled_from(_BEFORE), st.sampled_from(_WORDS), st.sampled_from(_AFTER)).map(
        "".join
    ),
    min_size=1,
    max_size=4,
).map(" ".join)


def _without_gate(text: str, hits: Hits) -> set[EmploymentType]:
    """`from_description` as it was before the gate."""
    found: set[EmploymentType] = set()
    done = -1
    for start, _, word in hits.get("employment", ()):
        if start < done or not starts_word(text, start):
            continue
        stated = employment._statement(text, start, word)
        if stated is not None:
            found |= stated[0]
            done = stated[1]
    return found


def _check(text: str) -> int:
    """Asserts the gate's promise on every keyword of `text`; how many it skipped."""
    hits = scan(text)
    skipped = 0
    for start, end, word in hits.get("employment", ()):
        if employment._glued(text, end, word):
            skipped += 1
            assert employment._statement(text, start, word) is None, (text, start, word)
    assert employment.from_description(text, hits) == _without_gate(text, hits)
    return skipped


@given(_TEXT)
@settings(max_examples=600)
def test_a_skipped_keyword_states_nothing(text: str) -> None:
    _check(text)


def test_the_gate_skips_glued_words_and_keeps_the_rest() -> None:
    assert _check("We handle contracts and contractual work; volunteering is welcome.") == 3
    assert _check("A contractor or contract-to-hire role; contract and/or full-time.") == 0
    assert employment.from_description(
        "Independent contractor", scan("Independent contractor")
    ) == {"contract"}


def test_real_descriptions(real_descriptions: list[str]) -> None:
    texts = real_descriptions
    assert sum(_check(text) for text in texts) > 50  # the gate is taken on real text
