"""JSON Schemas for consumers, generated from the pydantic models in `stream.models`.

`stream schemas write` regenerates schemas/*.schema.json; tests fail when the committed
files differ from what the models produce, so the contract cannot drift silently.
"""

from __future__ import annotations

import json
from pathlib import Path

from pydantic.json_schema import JsonSchemaMode

from stream.models import MESSAGE_MODELS
from stream.trends.models import OUTPUT_MODELS

SCHEMA_MODELS = {**MESSAGE_MODELS, **OUTPUT_MODELS}
"""Every message with a schema: the postings contracts and the trends app's outputs."""

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"


def render_schemas() -> dict[str, str]:
    """File name -> schema text (stable formatting, trailing newline)."""
    rendered: dict[str, str] = {}
    for stem, model in SCHEMA_MODELS.items():
        # What producers must send is a validation schema; what we emit is a serialization
        # schema, where every field we always write is listed as required.
        mode: JsonSchemaMode = "validation" if stem == "raw_posting" else "serialization"
        schema = {"$schema": SCHEMA_DIALECT, **model.model_json_schema(mode=mode)}
        rendered[f"{stem}.schema.json"] = json.dumps(schema, indent=2, sort_keys=True) + "\n"
    return rendered


def write_schemas(directory: Path) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in render_schemas().items():
        path = directory / name
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


def stale_schemas(directory: Path) -> list[str]:
    """Names of schema files that are missing or differ from the models."""
    return [
        name
        for name, text in render_schemas().items()
        if not (directory / name).exists() or (directory / name).read_text("utf-8") != text
    ]
