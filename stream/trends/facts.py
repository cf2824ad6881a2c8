"""What the trends app needs from one ChangeEvent, read from its bytes.

A change event carries the whole enriched posting (description included); the trends app
needs a few fields of it, so it reads the JSON and picks them instead of validating the
whole model, which would cost most of its time. A message that lacks them raises
`UnreadableError`: the app counts it, logs it and moves on (the enrichment worker
validated it already).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import orjson

from stream.enrich.places import country_of
from stream.trends.sketch import pay_midpoint
from stream.trends.windows import day_of, event_time

# Occupation groups are counted in the same cells as skills, under subjects of their own:
# "isco:2512" for an ISCO-08 unit group and "isco:*" for every counted posting (occupation
# known or not), whose cells per country are the per-country counts. Skill ids are slugs
# and never contain ":", so the two cannot collide.
GROUP_PREFIX = "isco:"
ALL_POSTINGS = "isco:*"
ALL_POSTINGS_NAME = "All postings"


def is_skill(subject: str) -> bool:
    return not subject.startswith(GROUP_PREFIX)


def is_group(subject: str) -> bool:
    return subject.startswith(GROUP_PREFIX)


class UnreadableError(ValueError):
    """The message is not a change event the trends app can read: skip it."""


@dataclass(frozen=True, slots=True)
class Fact:
    """One change, reduced to what the trend tables count."""

    posting_id: str
    content_hash: str
    kind: str
    day: int
    event_time: float
    skills: tuple[tuple[str, str], ...]  # (id, name), each skill once
    # ("isco:*", ...) always, then ("isco:{unit group}", its label) when the posting has one.
    groups: tuple[tuple[str, str], ...]
    country: str | None
    pay_usd: float | None


def _timestamp(value: object) -> float | None:
    if not isinstance(value, str):
        return None
    moment = dt.datetime.fromisoformat(value)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.timestamp()


def _country(posting: dict[str, Any]) -> str | None:
    """`place.country` (the place step) when the posting has it, else the salary step's
    reading of `location` (postings enriched before the place step existed)."""
    place = posting.get("place")
    if isinstance(place, dict) and place.get("country"):
        return str(place["country"])
    return country_of(posting.get("location"))


def _groups(posting: dict[str, Any]) -> tuple[tuple[str, str], ...]:
    occupation = posting.get("occupation")
    if isinstance(occupation, dict) and occupation.get("isco_code"):
        code = str(occupation["isco_code"])
        label = str(occupation.get("isco_label") or code)
        return ((ALL_POSTINGS, ALL_POSTINGS_NAME), (GROUP_PREFIX + code, label))
    return ((ALL_POSTINGS, ALL_POSTINGS_NAME),)


def read_fact(value: bytes | None, backdate_s: float) -> Fact:
    """The fact of one postings.changes message; raises UnreadableError."""
    if value is None:
        raise UnreadableError("empty message")
    try:
        event = orjson.loads(value)
        posting = event["posting"]
        kind = event["kind"]
        if kind not in ("new", "updated"):
            raise UnreadableError(f"unknown kind {kind!r}")
        enriched_at = _timestamp(posting["enriched_at"])
        if enriched_at is None:
            raise UnreadableError("no enriched_at")
        at = event_time(kind, _timestamp(posting.get("posted_at")), enriched_at, backdate_s)
        seen: dict[str, str] = {}
        for tag in posting.get("skills") or ():
            seen.setdefault(str(tag["id"]), str(tag["name"]))
        salary = posting.get("salary")
        pay = (
            pay_midpoint(salary.get("annual_min_usd"), salary.get("annual_max_usd"))
            if isinstance(salary, dict)
            else None
        )
        return Fact(
            posting_id=str(event["posting_id"]),
            content_hash=str(event["content_hash"]),
            kind=kind,
            day=day_of(at),
            event_time=at,
            skills=tuple(seen.items()),
            groups=_groups(posting),
            country=_country(posting),
            pay_usd=pay,
        )
    except UnreadableError:
        raise
    except (orjson.JSONDecodeError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise UnreadableError(f"{type(exc).__name__}: {exc}") from exc
