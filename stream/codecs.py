"""Bytes <-> messages: decode and validate raw postings, encode outputs, build dead letters.

Decoding raises `InvalidMessage` with the kind of failure, so the worker and the offline
CLI route every bad input the same way (DLQ / error line) without guessing.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import re
from collections.abc import Iterable
from typing import Any

from pydantic import BaseModel, ValidationError

from stream.errors import InvalidMessage
from stream.models import (
    ChangeEvent,
    DeadLetter,
    EnrichedPosting,
    RawPosting,
    legacy_unknown_fields,
)


def describe_validation_error(error: ValidationError, limit: int = 3) -> str:
    """'description: Field required; title: Input should be a valid string' (first few)."""
    parts = []
    for item in error.errors()[:limit]:
        where = ".".join(str(p) for p in item["loc"]) or "message"
        parts.append(f"{where}: {item['msg']}")
    more = error.error_count() - limit
    if more > 0:
        parts.append(f"... and {more} more")
    return "; ".join(parts)


def decode_raw_posting(value: bytes | None, max_bytes: int) -> RawPosting:
    """Validate one postings.raw value; raise InvalidMessage saying why it is unusable."""
    if not value:
        raise InvalidMessage("invalid_json", "empty message")
    if len(value) > max_bytes:
        raise InvalidMessage("oversized", f"{len(value)} bytes exceeds the {max_bytes} limit")
    # Fast path: pydantic's own JSON parser, in one pass (about half the cost of json.loads
    # and then validating the dict). Whatever it refuses takes the careful path below, which
    # names the error; so does text with an escaped lone surrogate, which that path repairs:
    # pydantic's parser refuses those ("lone leading surrogate in hex escape"), so no scan
    # for them is needed first (a `b"\\u" in value` test and a regex over each posting's
    # ~3 KB had cost 3-4 µs, as much as half the validation itself).
    # tests/unit/test_codecs.py checks that both paths agree on valid and invalid input.
    try:
        return RawPosting.model_validate_json(value)
    except (ValidationError, RecursionError):
        pass
    try:
        text = value.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InvalidMessage(
            "invalid_encoding", f"not UTF-8: {exc.reason} at byte {exc.start}"
        ) from None
    return parse_raw_posting_text(text)


def parse_raw_posting_text(text: str) -> RawPosting:
    """Validate one JSON document (a str) as a RawPosting; raise InvalidMessage if it is not."""
    try:
        data: Any = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InvalidMessage(
            "invalid_json", f"{exc.msg} at line {exc.lineno} column {exc.colno}"
        ) from None
    except RecursionError:
        raise InvalidMessage("invalid_json", "nesting too deep") from None
    if not isinstance(data, dict):
        raise InvalidMessage(
            "schema_violation", f"expected a JSON object, got {type(data).__name__}"
        )
    if "\\u" in text and _SURROGATE_ESCAPE.search(text):
        _replace_lone_surrogates(data)
    try:
        return RawPosting.model_validate(legacy_unknown_fields(data))
    except ValidationError as exc:
        raise InvalidMessage("schema_violation", describe_validation_error(exc)) from None
    except RecursionError:
        raise InvalidMessage("schema_violation", "nesting too deep") from None


# A JSON escape of a UTF-16 surrogate ("\ud83d"). The bytes were decoded as strict UTF-8,
# so this is the only way a surrogate can reach a str here.
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def _replace_lone_surrogates(data: dict[str, Any]) -> None:
    """Each lone surrogate in the document's strings (keys too) becomes U+FFFD, in place.

    JSON may escape half of a UTF-16 pair ("\ud83d", a scraper that cut an emoji in two),
    and `json.loads` keeps it; but no output can hold it (UTF-8 has no surrogates), so the
    posting would fail in hashing or serialization instead of being enriched. Escaped pairs
    are already joined into one character by `json.loads` and stay as they are. Walks the
    document with a stack, not recursion: its depth is what json.loads accepted.
    """
    stack: list[dict[str, Any] | list[Any]] = [data]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            for key in [k for k in node if _LONE_SURROGATE.search(k)]:
                node[_LONE_SURROGATE.sub("\ufffd", key)] = node.pop(key)
            slots: Iterable[tuple[Any, Any]] = list(node.items())
        else:
            slots = enumerate(node)
        for slot, value in slots:
            if isinstance(value, str):
                if _LONE_SURROGATE.search(value):
                    node[slot] = _LONE_SURROGATE.sub("\ufffd", value)
            elif isinstance(value, dict | list):
                stack.append(value)


def encode(message: BaseModel) -> bytes:
    """The wire form of every output message: compact UTF-8 JSON.

    The bytes of `message.model_dump_json().encode("utf-8")`, straight from the model's
    serializer: `model_dump_json` is that serializer's `to_json` decoded into a str, and a
    posting's ~4 KB (often not ASCII) then had to be encoded back. Skipping the round trip
    took 27 -> 19 µs a LinkedIn posting (docs/performance.md); tests/unit/test_codecs.py
    holds the bytes equal on every kind of output message."""
    return type(message).__pydantic_serializer__.to_json(message)


# The event's posting is its last field, so its JSON ends with `,"posting":{...}}` and the
# posting's bytes can be spliced in. A model change that moves it fails here, at import.
assert list(ChangeEvent.model_fields)[-1] == "posting", "encode_event splices the last field"
_POSTING_FIELD = b',"posting":'
_EXCLUDE_POSTING: set[str] = {"posting"}  # never mutated


def encode_event(event: ChangeEvent, posting: bytes) -> bytes:
    """`encode(event)`, reusing `posting` = `encode(event.posting)` instead of serializing
    the posting a second time (it is most of the event: every new posting is published
    both as itself and inside its event). tests/unit/test_codecs.py checks the bytes equal."""
    head = ChangeEvent.__pydantic_serializer__.to_json(event, exclude=_EXCLUDE_POSTING)
    return b"".join((head[:-1], _POSTING_FIELD, posting, b"}"))


# An enriched posting's fields after its envelope (`taxonomy_version`) are its enrichment:
# the fields the steps produce, in the posting's order. `Enricher.encode_entry` writes a
# cache entry as exactly these fields in this order, so a posting's JSON is its head (every
# other field) followed by that entry's members. A model change that moves or drops them
# fails here, at import; an enricher whose fields are not exactly these does not splice
# (`Enricher.splices`).
_POSTING_FIELDS = list(EnrichedPosting.model_fields)
POSTING_TAIL: tuple[str, ...] = tuple(
    _POSTING_FIELDS[_POSTING_FIELDS.index("taxonomy_version") + 1 :]
)
assert POSTING_TAIL, "encode_posting splices the fields after taxonomy_version"
assert POSTING_TAIL[0] == "skills", "the enrichment's fields follow the envelope's"
_EXCLUDE_TAIL: set[str] = set(POSTING_TAIL)  # never mutated


def encode_posting(posting: EnrichedPosting, tail: bytes) -> bytes:
    """`encode(posting)` from `tail`, the JSON object of its `POSTING_TAIL` fields in that
    order as its own serializer writes them (`Enricher.encode_entry` of the enrichment it
    was assembled from: the new cache entry), instead of serializing them a second time
    (the skills are most of a posting's bytes). Only for an exact EnrichedPosting: a
    subclass's own fields would come after the tail. tests/unit/test_splice.py holds the
    bytes equal to `encode(posting)` on every sample posting and on generated ones."""
    if type(posting) is not EnrichedPosting or len(tail) < 3 or tail[:1] != b"{":
        return encode(posting)  # not a shape this splices: the plain way, same bytes
    head = EnrichedPosting.__pydantic_serializer__.to_json(posting, exclude=_EXCLUDE_TAIL)
    return b"".join((head[:-1], b",", tail[1:]))


def dead_letter(
    error: InvalidMessage,
    *,
    topic: str,
    partition: int,
    offset: int,
    key: bytes | None,
    value: bytes | None,
    failed_at: dt.datetime,
) -> DeadLetter:
    """The DLQ record: the original key and bytes untouched, plus the reason and origin."""
    try:
        key_text = key.decode("utf-8") if key is not None else None
        key_b64 = None
    except UnicodeDecodeError:
        key_text, key_b64 = None, base64.b64encode(key or b"").decode("ascii")
    return DeadLetter(
        error_kind=error.kind,
        error=error.reason,
        topic=topic,
        partition=partition,
        offset=offset,
        failed_at=failed_at,
        key=key_text,
        key_b64=key_b64,
        value_b64=base64.b64encode(value or b"").decode("ascii"),
    )


def original_key(letter: DeadLetter) -> bytes | None:
    """The key bytes of the message a dead letter holds, exactly as they were consumed."""
    if letter.key_b64 is not None:
        return base64.b64decode(letter.key_b64)
    return letter.key.encode("utf-8") if letter.key is not None else None
