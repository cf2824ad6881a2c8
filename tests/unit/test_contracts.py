"""The message contracts: committed schemas match the models, every example validates."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from pydantic import ValidationError

from stream.models import EnrichedPosting, RawPosting
from stream.schemas import SCHEMA_MODELS as MESSAGE_MODELS
from stream.schemas import render_schemas, stale_schemas
from tests.conftest import REPO

SCHEMAS = REPO / "schemas"
EXAMPLES = sorted((SCHEMAS / "examples").glob("*.json"))


def test_committed_schemas_match_the_models() -> None:
    assert stale_schemas(SCHEMAS) == [], "run `stream schemas write schemas`"


def test_every_model_has_a_schema_and_an_example() -> None:
    assert set(render_schemas()) == {f"{stem}.schema.json" for stem in MESSAGE_MODELS}
    assert {path.stem for path in EXAMPLES} == set(MESSAGE_MODELS)


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_example_validates_against_schema_and_model(example: Path) -> None:
    document = json.loads(example.read_text("utf-8"))
    schema = json.loads((SCHEMAS / f"{example.stem}.schema.json").read_text("utf-8"))
    jsonschema.Draft202012Validator(schema).validate(document)
    model = MESSAGE_MODELS[example.stem].model_validate(document)
    # What we would write back validates against the published schema too.
    jsonschema.Draft202012Validator(schema).validate(json.loads(model.model_dump_json()))


def test_unknown_raw_fields_are_kept_in_extra_not_rejected() -> None:
    raw = RawPosting.model_validate(
        {"source": "b", "source_id": "1", "title": "t", "description": "d", "salary_band": "7"}
    )
    assert raw.extra == {"salary_band": "7"}


def test_explicit_extra_wins_over_a_same_named_unknown_field() -> None:
    raw = RawPosting.model_validate(
        {
            "source": "b",
            "source_id": "1",
            "title": "t",
            "description": "d",
            "x": 1,
            "extra": {"x": 2},
        }
    )
    assert raw.extra == {"x": 2}


@pytest.mark.parametrize("missing", ["source", "source_id", "title", "description"])
def test_required_raw_fields(missing: str) -> None:
    data = {"source": "b", "source_id": "1", "title": "t", "description": "d"}
    del data[missing]
    with pytest.raises(ValidationError, match=missing):
        RawPosting.model_validate(data)


def test_naive_timestamps_are_read_as_utc() -> None:
    raw = RawPosting.model_validate(
        {
            "source": "b",
            "source_id": "1",
            "title": "t",
            "description": "d",
            "posted_at": "2026-06-25",
        }
    )
    assert raw.posted_at is not None
    assert raw.posted_at.isoformat() == "2026-06-25T00:00:00+00:00"


def test_enriched_output_schema_lists_always_written_fields_as_required() -> None:
    schema = EnrichedPosting.model_json_schema(mode="serialization")
    assert {"posting_id", "content_hash", "skills", "salary", "taxonomy_version"} <= set(
        schema["required"]
    )
