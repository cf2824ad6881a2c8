"""Decoding raw bytes: every way a message can be bad gets its own error kind and reason."""

from __future__ import annotations

import base64
import datetime as dt
import json

import pytest

from stream import codecs
from stream.errors import InvalidMessage

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
