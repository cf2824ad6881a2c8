"""Decoding raw bytes: every way a message can be bad gets its own error kind and reason."""

from __future__ import annotations

import base64
import datetime as dt
import json
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, ConfigDict, model_validator

from stream import codecs
from stream.changes import change_event, state_of
from stream.cli.samples import linkedin_postings
from stream.enrich.pipeline import Enricher, content_digests
from stream.enrich.skills.taxonomy import Taxonomy
from stream.errors import InvalidMessage
from stream.models import RawPosting

NOW = dt.datetime(2026, 12, 6, 12, 0, tzinfo=dt.UTC)

VALID = {"source": "b", "source_id": "1", "title": "Engineer", "description": "Python"}


def _kind(value: bytes | None, max_bytes: int = 10_000) -> tuple[str, str]:
    with pytest.raises(InvalidMessage) as info:
        codecs.decode_raw_posting(value, max_bytes)
    return info.value.kind, info.value.reason


def test_valid_posting_decodes() -> None:
    raw = codecs.decode_raw_posting(json.dumps(VALID).encode(), 10_000)
    assert raw.title == "Engineer"


@pytest.mark.parametrize(
    ("value", "kind", "reason_part"),
    [
        (None, "invalid_json", "empty"),
        (b"", "invalid_json", "empty"),
        (b'{"source": "b", "title"', "invalid_json", "line 1"),
        (b"\xff\xfe{}", "invalid_encoding", "not UTF-8"),
        (b"[1, 2]", "schema_violation", "JSON object"),
        (b'{"source": "b", "source_id": "1", "title": "t"}', "schema_violation", "description"),
        (
            b'{"source": "b", "source_id": "1", "title": 5, "description": "d"}',
            "schema_violation",
            "title",
        ),
        (b"[" * 100_000 + b"]" * 100_000, "oversized", "exceeds"),
    ],
)
def test_bad_input_is_classified(value: bytes | None, kind: str, reason_part: str) -> None:
    got_kind, reason = _kind(value)
    assert got_kind == kind
    assert reason_part in reason


def test_deeply_nested_json_within_the_size_limit_is_invalid_not_a_crash() -> None:
    nested = b'{"source": "b", "source_id": "1", "title": "t", "description": "d", "x": '
    nested += b"[" * 200_000 + b"]" * 200_000 + b"}"
    got_kind, _ = _kind(nested, max_bytes=1_000_000)
    assert got_kind in {"invalid_json", "schema_violation"}


def test_dead_letter_keeps_original_bytes_and_non_utf8_keys() -> None:
    letter = codecs.dead_letter(
        InvalidMessage("invalid_json", "empty message"),
        topic="postings.raw",
        partition=2,
        offset=41,
        key=b"\xff\x00",
        value=b"\x00garbage",
        failed_at=dt.datetime(2026, 11, 28, tzinfo=dt.UTC),
    )
    assert base64.b64decode(letter.value_b64) == b"\x00garbage"
    assert letter.key is None
    assert letter.key_b64 is not None
    assert base64.b64decode(letter.key_b64) == b"\xff\x00"
    assert (letter.partition, letter.offset, letter.error_kind) == (2, 41, "invalid_json")


def test_lone_surrogates_become_replacement_characters() -> None:
    # Half of an emoji pair, as a scraper that cut a UTF-16 string leaves it: legal JSON
    # escapes, but no UTF-8 output can hold them. An escaped whole pair stays the emoji.
    value = (
        b'{"source": "s", "source_id": "1", "title": "Dev \\ud83d", '
        b'"description": "Python \\udfff and \\uD83D\\uDE00 SQL \\ud800", '
        b'"scraper_note": {"k\\udc00": ["x\\ud801", {"y": "\\udbff"}]}}'
    )
    raw = codecs.decode_raw_posting(value, 10_000)
    assert raw.title == "Dev \ufffd"
    assert raw.description == "Python \ufffd and \U0001f600 SQL \ufffd"
    assert raw.extra == {"scraper_note": {"k\ufffd": ["x\ufffd", {"y": "\ufffd"}]}}
    # Every output of the posting can be written now.
    raw.model_dump_json().encode("utf-8")


def test_text_without_surrogate_escapes_is_untouched() -> None:
    value = b'{"source": "s", "source_id": "1", "title": "a \\\\ud800", "description": "\\u00e9"}'
    raw = codecs.decode_raw_posting(value, 10_000)
    assert raw.title == "a \\ud800"  # an escaped backslash, not a surrogate escape
    assert raw.description == "é"


# -- the fast path (pydantic's JSON parser) agrees with the careful one ---------------------

_FIELDS = ["source", "source_id", "title", "description", "url", "company", "location"]
_FIELDS += ["salary_text", "employment_type", "posted_at", "scraped_at", "extra"]
_FIELDS += ["schema_version", "unknown_field", "Source"]
_JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=12)
    | st.sampled_from(["2024-05-01", "2024-05-01T10:00:00", "2024-05-01T10:00:00+02:00", "x"]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner),
    max_leaves=6,
)


def _careful(value: bytes) -> object:
    """What decoding did before the fast path: decode, json.loads, validate."""
    try:
        # As JSON: NaN in `extra` is accepted by both paths, and NaN != NaN.
        return codecs.parse_raw_posting_text(value.decode("utf-8")).model_dump_json()
    except UnicodeDecodeError:
        return "invalid_encoding"
    except InvalidMessage as error:
        return (error.kind, error.reason)


def _decoded(value: bytes) -> object:
    try:
        return codecs.decode_raw_posting(value, 1_000_000).model_dump_json()
    except InvalidMessage as error:
        if error.kind == "invalid_encoding":
            return "invalid_encoding"  # the careful path's reason names the byte differently
        return (error.kind, error.reason)


@st.composite
def _documents(draw: st.DrawFn) -> bytes:
    """JSON objects over the posting's fields, some with repeated keys or raw escapes."""
    pairs = draw(st.lists(st.tuples(st.sampled_from(_FIELDS), _JSON_VALUES), max_size=10))
    if draw(st.booleans()):
        required = [("source", "b"), ("source_id", "1"), ("title", "t"), ("description", "d")]
        pairs = [*required, *pairs]
    ensure_ascii = draw(st.booleans())
    body = ",".join(f"{json.dumps(k)}:{json.dumps(v, ensure_ascii=ensure_ascii)}" for k, v in pairs)
    return ("{" + body + "}").encode("utf-8")


@given(_documents())
@settings(max_examples=1500)
def test_the_fast_path_agrees_with_the_careful_one_on_documents(value: bytes) -> None:
    assert _decoded(value) == _careful(value)


@given(st.binary(max_size=80) | st.text(max_size=40).map(lambda t: t.encode("utf-8")))
def test_the_fast_path_agrees_with_the_careful_one_on_any_bytes(value: bytes) -> None:
    if value:
        assert _decoded(value) == _careful(value)


@pytest.mark.parametrize(
    "value",
    [
        b'{"source":"b","source_id":"1","title":"t","description":"d","title":"T2"}',
        b'{"source":"b","source_id":"1","title":"t","description":"\\ud83d cut"}',
        b'{"source":"b","source_id":"1","title":"t","description":"\\ud83d\\ude00"}',
        b'{"source":"b","source_id":"1","title":"t","description":"d","x":NaN}',
        b'\xef\xbb\xbf{"source":"b","source_id":"1","title":"t","description":"d"}',
        b'{"source":"b","source_id":"1","title":"t","description":"d"} ',
        b'{"source":"b","source_id":"1","title":"t","description":"d","posted_at":"2024-05-01"}',
        b"[" * 5000 + b"]" * 5000,
    ],
)
def test_the_fast_path_agrees_with_the_careful_one_on_edge_cases(value: bytes) -> None:
    assert _decoded(value) == _careful(value)


_ESCAPES = st.sampled_from(
    ["\\ud83d", "\\ude00", "\\uD800", "\\uDFFF", "\\udbff\\udfff", "\\ud7ff", "\\ue000",
     "\\u00e9", "\\\\ud83d", "\\n", "a", "\u00e9", "\U0001f600"]
)  # fmt: skip


@given(st.lists(_ESCAPES, max_size=6), st.sampled_from(["title", "description", "extra"]))
@settings(max_examples=500)
def test_escaped_surrogates_anywhere_take_the_careful_path(pieces: list[str], field: str) -> None:
    # Lone surrogate escapes (leading, trailing, reversed pairs), joined pairs, escaped
    # backslashes before "ud83d": the fast path runs with no scan for them first, so
    # pydantic's parser must refuse every lone one (the careful path repairs it).
    text = "".join(pieces)
    fields = {**VALID}
    body = ",".join(f'"{k}":{json.dumps(v)}' for k, v in fields.items() if k != field)
    inner = f'{{"note":"{text}"}}' if field == "extra" else f'"{text}"'
    value = ("{" + body + f',"{field}":' + inner + "}").encode()
    assert _decoded(value) == _careful(value)


# -- RawPosting's unknown fields: moved after validation, as they were before it -------------


class _BeforeRawPosting(RawPosting):
    """RawPosting as it was until workerlean: unknown fields forbidden by the config and
    moved into `extra` by a "before" validator on the input (the code as it was)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    @model_validator(mode="before")
    @classmethod
    def _keep_unknown_fields_in_extra(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        known = set(cls.model_fields)
        unknown = {k: v for k, v in data.items() if k not in known}
        if not unknown:
            return data
        extra = data.get("extra")
        merged = {**unknown, **extra} if isinstance(extra, dict) else unknown
        kept = {k: v for k, v in data.items() if k in known}
        if extra is not None and not isinstance(extra, dict):
            kept["extra"] = extra  # let field validation report the wrong type
            return kept
        return {**kept, "extra": merged}


def _decoded_before(value: bytes) -> object:
    """`decode_raw_posting` with the model as it was (and no careful-path rewrite, which
    its "before" validator did itself)."""
    with mock.patch.multiple(
        codecs, RawPosting=_BeforeRawPosting, legacy_unknown_fields=lambda data: data
    ):
        return _decoded(value)


_UNKNOWN = ["extra", "x", "y", "Source", "model_config", "_private"]


@st.composite
def _with_unknown_fields(draw: st.DrawFn) -> bytes:
    """Valid or invalid postings with unknown fields, `extra` of every JSON type among them."""
    pairs = draw(st.lists(st.tuples(st.sampled_from(_FIELDS + _UNKNOWN), _JSON_VALUES)))
    if draw(st.booleans()):
        pairs = [("source", "b"), ("source_id", "1"), ("title", "t"), ("description", "d"), *pairs]
    return json.dumps(dict(pairs)).encode()


@given(_with_unknown_fields() | _documents())
@settings(max_examples=1500)
def test_unknown_fields_are_accepted_refused_and_kept_as_before(value: bytes) -> None:
    # Same posting (as JSON), or the same dead-letter kind and reason, as the old model gave.
    assert _decoded(value) == _decoded_before(value)


@pytest.mark.parametrize(
    "document",
    [
        {**VALID, "x": 1, "extra": None},  # the case only the careful path's rewrite keeps
        {**VALID, "extra": None},
        {**VALID, "x": 1, "extra": [1]},
        {**VALID, "x": 1, "extra": {"x": 2, "z": 3}, "y": 4},
        {**VALID, "title": 5, "x": 1, "extra": None},
        {**VALID, "title": 5, "extra": None},
        {**VALID, "x": 1, "posted_at": "2024-05-01T10:00:00"},
    ],
)
def test_unknown_field_edge_cases_as_before(document: dict[str, object]) -> None:
    value = json.dumps(document).encode()
    assert _decoded(value) == _decoded_before(value)
    if not isinstance(_decoded(value), tuple):  # accepted: the posting holds no extras
        raw = codecs.decode_raw_posting(value, 10_000)
        assert raw.__pydantic_extra__ == {}
        assert set(json.loads(codecs.encode(raw))) == set(RawPosting.model_fields)


# -- encode: the serializer's bytes are model_dump_json's, encoded ---------------------------


def _as_documented(message: BaseModel) -> bytes:
    """What `codecs.encode` promises: the model's JSON string, UTF-8 encoded."""
    return message.model_dump_json().encode("utf-8")


@pytest.fixture(scope="module")
def enricher() -> Enricher:
    return Enricher.build(Taxonomy.bundled())


def _published(enricher: Enricher, raw: RawPosting) -> list[BaseModel]:
    digests = content_digests(raw)
    posting = enricher.assemble(raw, enricher.compute(raw), digests.content, NOW)
    state = state_of(posting, digests.description, enricher.cache_variant)
    new = change_event(posting, None, state)
    assert new is not None
    updated = change_event(
        posting, state.model_copy(update={"title": "before", "skills": ["x"]}), state
    )
    assert updated is not None
    assert updated.changes
    return [posting, new, updated]


@settings(max_examples=60, deadline=None)
@given(
    text=st.text(
        st.characters(exclude_categories=["Cs"]),  # no lone surrogates: not UTF-8
        max_size=200,
    )
)
def test_encode_is_the_models_json_on_generated_text(enricher: Enricher, text: str) -> None:
    raw = RawPosting(
        source="board",
        source_id=f"id {text}"[:50],
        title=f"Engineer {text}",
        description=f"Python, Kafka. {text} \u2028 “quoted” \\ backslash",
        salary_text=text or None,
        location=text or None,
        extra={"note": text, "n": 1.5},
    )
    for message in _published(enricher, raw):
        assert codecs.encode(message) == _as_documented(message)


def test_encode_is_the_models_json_on_every_sample_posting(
    enricher: Enricher, shared_data: Path
) -> None:
    for raw in linkedin_postings(shared_data):
        for message in _published(enricher, raw):
            assert codecs.encode(message) == _as_documented(message), raw.source_id


def test_encode_is_the_models_json_for_dead_letters_and_subclasses() -> None:
    letter = codecs.dead_letter(
        InvalidMessage("invalid_json", "bad “input” é"),
        topic="raw",
        partition=1,
        offset=2,
        key=b"\xff",
        value=b"{",
        failed_at=NOW,
    )
    assert codecs.encode(letter) == _as_documented(letter)

    class Extended(RawPosting):
        internal_note: str = "ünïcode"

    extended = Extended(source="s", source_id="1", title="t", description="d")
    assert b"internal_note" in codecs.encode(extended)
    assert codecs.encode(extended) == _as_documented(extended)
