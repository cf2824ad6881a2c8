"""Helpers for the fault-injection tests: synthetic postings, full reads of output topics,
and the exactly-once check that compares what came out with what went in."""

from __future__ import annotations

import json
import random
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from stream.models import ChangeEvent, DeadLetter, EnrichedPosting
from tests.deadlines import deadline
from tests.integration.conftest import Env, read_committed

_TITLES = ["Data Engineer", "Registered Nurse", "Truck Driver", "Accountant", "ML Engineer"]
_SKILLS = ["Python", "SQL", "Apache Kafka", "Kubernetes", "Excel", "patient care", "CDL Class A"]
_PAY = ["$120,000 - $150,000 a year", "£45,000 per annum", "$28/hr", "₹18 - 25 LPA", None]


def synthetic_posting(index: int, seed: int = 0, **overrides: object) -> dict[str, object]:
    """A plausible raw posting; the same (index, seed) gives the same content."""
    rng = random.Random(index * 7919 + seed)
    skills = ", ".join(rng.sample(_SKILLS, 3))
    posting: dict[str, object] = {
        "source": "synthetic",
        "source_id": str(index),
        "title": rng.choice(_TITLES),
        "company": f"Company {index % 97}",
        "location": rng.choice(["Austin, TX", "London, UK", "Bengaluru, India"]),
        "salary_text": rng.choice(_PAY),
        "description": f"Requirements\n- {skills}\nNice to have\n- Docker\nPosting {index}.",
    }
    posting.update(overrides)
    return posting


def encoded(posting: dict[str, object]) -> tuple[bytes, bytes]:
    return f"{posting['source']}:{posting['source_id']}".encode(), json.dumps(posting).encode()


@dataclass
class Delivery:
    """What arrived on the output topics, by posting id."""

    enriched: Counter[str]
    events: Counter[str]
    dead_letters: int

    def duplicates(self) -> list[str]:
        return [k for k, n in {**self.enriched, **self.events}.items() if n > 1]


def collect(env: Env, expected: int, timeout_s: float, dlq_expected: int = 0) -> Delivery:
    """Read enriched, changes and DLQ, checking every record parses as its contract."""
    enriched = read_committed(env, env.topic("enriched"), expected, timeout_s)
    events = read_committed(env, env.topic("changes"), expected, timeout_s=30)
    letters = (
        read_committed(env, env.topic("dlq"), dlq_expected, timeout_s=30) if dlq_expected else []
    )
    enriched_ids: Counter[str] = Counter(
        EnrichedPosting.model_validate_json(m.value() or b"").posting_id for m in enriched
    )
    event_ids: Counter[str] = Counter(
        ChangeEvent.model_validate_json(m.value() or b"").event_id for m in events
    )
    return Delivery(enriched_ids, event_ids, len(letters))


def explain_missing(env: Env, missing: list[str], logs: list[str]) -> str:
    """Why postings are missing from `enriched`, as a failure message: their dead letters
    (if any), where they are on the input topic (if at all), then what the workers logged
    above INFO. Called only on a failure, so the extra reads (each until 10-20 s of silence)
    cost a passing test nothing."""
    wanted = set(missing)
    lines = [f"{len(missing)} posting(s) never enriched: {missing[:20]}"]
    # settle_s from the start: long enough for the reader to join its group first.
    for message in read_committed(env, env.topic("dlq"), 0, timeout_s=30, settle_s=20):
        letter = DeadLetter.model_validate_json(message.value() or b"")
        if letter.key in wanted:
            where = f"{letter.topic}[{letter.partition}]@{letter.offset}"
            lines.append(f"dead letter {letter.key} ({where}): {letter.error_kind}: {letter.error}")
    # Were they ever on the input topic? A posting the publisher never delivered cannot be
    # the worker's loss.
    found: dict[str, str] = {}
    for message in read_committed(env, env.topic("raw"), 1, timeout_s=60, settle_s=10):
        key = (message.key() or b"").decode("utf-8", "replace")
        if key in wanted:
            found[key] = f"{message.partition()}@{message.offset()}"
    lines.append(f"on {env.topic('raw')}: {found}; not there: {sorted(wanted - set(found))}")
    for log in logs:
        notable = [line for line in log.splitlines() if "[info" not in line]  # console format
        lines.append("worker log, lines above INFO (last 40):")
        lines.extend(notable[-40:])
    return "\n".join(lines)


def wait_for(condition: Callable[[], bool], what: str, timeout_s: float = 30.0) -> None:
    """Poll `condition` until it holds; fail after `timeout_s` scaled (tests.deadlines)."""
    start = time.monotonic()
    until = time.monotonic() + deadline(timeout_s)
    while not condition():
        assert time.monotonic() < until, f"timed out waiting for: {what} ({until - start:.0f} s)"
        time.sleep(0.1)
