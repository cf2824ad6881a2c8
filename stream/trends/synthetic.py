"""Synthetic change events at chosen event times, for the tests, the benchmark and demos.

Each is a valid ChangeEvent (postings.changes) whose posting carries the given skills,
location and pay; nothing else about it is realistic.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from typing import Any


def _iso(timestamp: float) -> str:
    return dt.datetime.fromtimestamp(timestamp, dt.UTC).isoformat().replace("+00:00", "Z")


def change_event(
    posting_id: str,
    content_hash: str,
    enriched_at: float,
    skills: Sequence[str],
    *,
    kind: str = "new",
    posted_at: float | None = None,
    location: str | None = "Austin, TX",
    pay_usd: tuple[float | None, float | None] | None = None,
    previous_content_hash: str | None = None,
    place_country: str | None = None,
    occupation: tuple[str, str] | None = None,  # (ISCO-08 unit group, its label)
) -> dict[str, Any]:
    source, _, source_id = posting_id.partition(":")
    salary = None
    if pay_usd is not None:
        low, high = pay_usd
        salary = {
            "min": low,
            "max": high,
            "currency": "USD",
            "period": "year",
            "annual_min": low,
            "annual_max": high,
            "annual_min_usd": low,
            "annual_max_usd": high,
            "fx_rate_date": None,
            "source": "salary_text",
            "text": f"${low} - ${high}",
            "confidence": 0.9,
        }
    posting = {
        "schema_version": 1,
        "posting_id": posting_id,
        "source": source,
        "source_id": source_id,
        "title": "Engineer",
        "description": "Requirements: " + ", ".join(skills),
        "url": None,
        "company": "Example",
        "location": location,
        "salary_text": None,
        "employment_type": None,
        "posted_at": None if posted_at is None else _iso(posted_at),
        "scraped_at": _iso(enriched_at),
        "extra": {},
        "content_hash": content_hash,
        "enriched_at": _iso(enriched_at),
        "enricher_version": "test",
        "taxonomy_version": "test",
        "skills": [
            {
                "id": skill,
                "name": skill.title(),
                "category": "test",
                "required": True,
                "confidence": 1.0,
                "mentions": 1,
            }
            for skill in skills
        ],
        "salary": salary,
    }
    if place_country is not None:
        posting["place"] = {
            "country": place_country,
            "region": None,
            "region_code": None,
            "city": None,
            "text": location or "",
            "confidence": 0.9,
        }
    if occupation is not None:
        posting["occupation"] = {
            "esco_uri": None,
            "label": None,
            "isco_code": occupation[0],
            "isco_label": occupation[1],
            "confidence": 0.9,
        }
    return {
        "schema_version": 1,
        "event_id": f"{posting_id}:{content_hash}",
        "kind": kind,
        "posting_id": posting_id,
        "content_hash": content_hash,
        "previous_content_hash": previous_content_hash,
        "changes": {},
        "posting": posting,
    }


def encoded(event: dict[str, Any]) -> tuple[bytes, bytes]:
    """(key, value) as the enrichment worker writes them."""
    return str(event["posting_id"]).encode(), json.dumps(event).encode()
