"""Text normalization: the compiled whitespace collapse equals the Python loop it replaced,
and both equal the regex rules written first."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st
from stream_native import join_words

from stream.enrich.pipeline import ContentDigests, content_digests
from stream.enrich.text import collapse_whitespace, normalize_text
from stream.models import RawPosting

# The rules as regexes, as they were written first: the reference for the fast version.
_HORIZONTAL_SPACE = re.compile(r"[^\S\n]+")
_SPACE_AROUND_NEWLINE = re.compile(r" ?\n ?")
_MANY_NEWLINES = re.compile(r"\n{3,}")


def reference(text: str) -> str:
    text = _HORIZONTAL_SPACE.sub(" ", text)
    text = _SPACE_AROUND_NEWLINE.sub("\n", text)
    return _MANY_NEWLINES.sub("\n\n", text)


def python_loop(text: str) -> str:
    """The Python implementation the compiled one replaced, exactly (ends included)."""
    lines: list[str] = []
    blank = False
    for line in text.split("\n"):
        line = " ".join(line.split())
        if not line:
            if blank:
                continue
            blank = True
        else:
            blank = False
        lines.append(line)
    return "\n".join(lines)


WHITESPACE_HEAVY = st.text(
    alphabet=st.sampled_from(list("ab \t\n\x0b\x0c\x1c\x85\xa0\u2009\u2028\u3000")), max_size=60
)


@given(WHITESPACE_HEAVY)
@settings(max_examples=500)
def test_collapse_equals_the_regex_rules(text: str) -> None:
    assert collapse_whitespace(text).strip() == reference(text).strip()


@given(st.text(max_size=200))
def test_collapse_equals_the_regex_rules_on_any_text(text: str) -> None:
    assert collapse_whitespace(text).strip() == reference(text).strip()


@given(WHITESPACE_HEAVY)
@settings(max_examples=1000)
def test_compiled_collapse_equals_the_python_loop(text: str) -> None:
    assert collapse_whitespace(text) == python_loop(text)


@given(st.text(max_size=300))
def test_compiled_collapse_equals_the_python_loop_on_any_text(text: str) -> None:
    assert collapse_whitespace(text) == python_loop(text)


def test_normalize_examples() -> None:
    assert normalize_text("  Python\u00a0 and\tSQL  \r\n\r\n\r\n\r\n  Nice to have \n") == (
        "Python and SQL\n\nNice to have"
    )
    assert normalize_text("<p>Requirements</p><ul><li>Kafka&amp;Redis</li></ul>") == (
        "Requirements\n\nKafka&Redis"
    )


@given(st.text(max_size=300))
def test_join_words_equals_python_split_and_join(text: str) -> None:
    assert join_words(text) == " ".join(text.split())


def test_content_digests_are_unchanged_by_the_compiled_join() -> None:
    # Pinned: the digest is the cache key's content part and every posting's content_hash;
    # a change would re-enrich every cached posting and mark re-scrapes as updated.
    raw = RawPosting(
        source="board",
        source_id="1",
        title=" Senior\u00a0Data  Engineer ",
        company="Acme",
        location="Berlin,\tDE",
        description="Python\n\n and  Kafka\u2028daily",
        salary_text="EUR 70k",
    )
    assert content_digests(raw) == ContentDigests(
        content="c0ae8723a04f28241ec8bb3f3efb5486", description="82f83eb7995f6704"
    )
