"""The compiled canonical content bytes equal the Python reference, byte for byte.

The content digest keys the enrichment cache, names change events (`event_id`) and is the
dedup key across boards and in the trends app: if the bytes behind it changed, every cached
enrichment would miss once and every re-scrape after a deploy would be republished as
"updated". So the compiled path (native/src/digest.rs) is held to the Python one on every
LinkedIn sample posting, on generated text (escapes, control characters, Unicode
whitespace, non-ASCII) and on a pinned digest.
"""

from __future__ import annotations

import hashlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from stream_native import content_canonical

from stream.cli.samples import default_data_dir, linkedin_postings
from stream.enrich.pipeline import ContentDigests, canonical_content_python, content_digests
from stream.models import RawPosting


def compiled(raw: RawPosting) -> tuple[bytes, bytes]:
    return content_canonical(
        raw.company or "",
        raw.description,
        raw.employment_type or "",
        raw.location or "",
        raw.salary_text or "",
        raw.title,
    )


def python_digests(raw: RawPosting) -> ContentDigests:
    """The digests exactly as they were computed before the compiled path."""
    canonical, description = canonical_content_python(raw)
    return ContentDigests(
        content=hashlib.blake2b(canonical, digest_size=16).hexdigest(),
        description=hashlib.blake2b(description, digest_size=8).hexdigest(),
    )


# Text that reaches the JSON escapes: quotes, backslashes, every control character (some
# are whitespace to str.split, some are not), DEL, Unicode spaces, non-ASCII, astral.
_TRICKY = st.sampled_from(
    [
        *map(chr, range(0x20)),
        *"\"\\\x7f\x85\xa0\u2028\u3000é€ a/<'\u200b\ufeff",
        "\U0001f600",
    ]
)
_TEXT = st.text(st.one_of(_TRICKY, st.characters(exclude_categories=["Cs"])), max_size=60)


@settings(max_examples=400, deadline=None)
@given(
    title=_TEXT,
    description=_TEXT,
    company=st.none() | _TEXT,
    location=st.none() | _TEXT,
    salary_text=st.none() | _TEXT,
    employment_type=st.none() | _TEXT,
)
def test_compiled_bytes_equal_python_on_generated_text(
    title: str,
    description: str,
    company: str | None,
    location: str | None,
    salary_text: str | None,
    employment_type: str | None,
) -> None:
    raw = RawPosting.model_construct(
        source="board",
        source_id="1",
        title=title,
        description=description,
        company=company,
        location=location,
        salary_text=salary_text,
        employment_type=employment_type,
    )
    assert compiled(raw) == canonical_content_python(raw)
    assert content_digests(raw) == python_digests(raw)


def test_compiled_bytes_equal_python_on_every_sample_posting() -> None:
    data = default_data_dir()
    if data is None:
        pytest.skip("../shared/data is absent (the LinkedIn sample postings are read from it)")
    postings = list(linkedin_postings(data))
    assert len(postings) == 500
    for raw in postings:
        assert compiled(raw) == canonical_content_python(raw), raw.source_id
        assert content_digests(raw) == python_digests(raw), raw.source_id


def test_a_lone_surrogate_is_refused_as_before() -> None:
    # The Python path failed at .encode("utf-8"); the compiled one fails taking the str.
    # Either way the processor dead-letters the message ("hashing failed").
    raw = RawPosting.model_construct(
        source="board", source_id="1", title="a\ud800", description="d", company=None,
        location=None, salary_text=None, employment_type=None,
    )  # fmt: skip
    with pytest.raises(UnicodeEncodeError):
        canonical_content_python(raw)
    with pytest.raises(UnicodeEncodeError):
        content_digests(raw)


def test_the_pinned_digest_still_holds() -> None:
    # Same posting and value as tests/unit/test_text.py, with quotes and a backslash that
    # the JSON escapes must reproduce.
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
    quoted = raw.model_copy(update={"title": 'A "quoted" \\ title\x08'})
    assert content_digests(quoted) == python_digests(quoted)
    assert b'\\"quoted\\" \\\\ title\\b' in compiled(quoted)[0]
