"""The worker on the real stack: raw in, enriched out, bad input to the DLQ, cache used."""

from __future__ import annotations

import base64
import json
import re
import time
from pathlib import Path

from stream.cli.samples import seed_posting
from stream.models import DeadLetter, EnrichedPosting, RawPosting
from tests.integration.conftest import (
    Env,
    WorkerProcess,
    consume,
    produce,
    redis_client,
    scrape_metrics,
)
from tests.integration.streams import wait_for

POSTING = RawPosting(
    source="it",
    source_id="1",
    title="Senior Data Engineer",
    company="Example Corp",
    location="Austin, TX",
    salary_text="$140,000 - $170,000 a year",
    description=(
        "Requirements\n- 5+ years of Python and SQL\n"
        "- Apache Kafka and Apache Spark in production\n"
        "Nice to have\n- Kubernetes, Docker"
    ),
)


def _json_line(posting: RawPosting) -> tuple[bytes, bytes]:
    return (f"{posting.source}:{posting.source_id}".encode(), posting.model_dump_json().encode())


def _metric(text: str, name: str, **labels: str) -> float:
    label_text = ",".join(f'{k}="{v}"' for k, v in labels.items())
    pattern = re.escape(f"{name}{{{label_text}}}" if labels else name) + r" ([0-9.e+]+)"
    match = re.search(pattern, text)
    return float(match.group(1)) if match else 0.0


def test_posting_arrives_enriched_with_skills_and_salary(env: Env, worker: WorkerProcess) -> None:
    sent_at = time.time()
    produce(env, [_json_line(POSTING)])
    [message] = consume(env, env.topic("enriched"), 1)
    # The batch's commit is stamped (what benchmarks and freshness alerts read).
    wait_for(
        lambda: _metric(scrape_metrics(worker), "stream_last_commit_timestamp_seconds") >= sent_at,
        "the last-commit gauge after the posting was sent",
    )
    enriched = EnrichedPosting.model_validate_json(message.value() or b"")
    assert message.key() == b"it:1"
    assert enriched.posting_id == "it:1"
    skills = {skill.name for skill in enriched.skills}
    assert {"Python", "SQL", "Apache Kafka", "Apache Spark", "Kubernetes", "Docker"} <= skills
    assert enriched.salary is not None
    assert (enriched.salary.min, enriched.salary.max) == (140000, 170000)
    assert (enriched.salary.currency, enriched.salary.period) == ("USD", "year")


def test_seed_posting_is_enriched_end_to_end(
    env: Env, worker: WorkerProcess, shared_data: Path
) -> None:
    seed = seed_posting(shared_data)
    produce(env, [_json_line(seed)])
    [message] = consume(env, env.topic("enriched"), 1)
    enriched = EnrichedPosting.model_validate_json(message.value() or b"")
    assert enriched.salary is not None
    assert (enriched.salary.min, enriched.salary.max, enriched.salary.currency) == (
        160000,
        220000,
        "USD",
    )
    names = {skill.name.lower() for skill in enriched.skills}
    for expected in ("python", "sql", "pytorch", "tensorflow", "scikit-learn", "docker"):
        assert expected in names


def test_malformed_messages_go_to_dlq_and_the_worker_keeps_going(
    env: Env, worker: WorkerProcess
) -> None:
    bad = [
        (b"bad:json", b'{"source": "x", "title": '),
        (b"bad:utf8", b"\xff\xfe\x00not utf-8"),
        (b"bad:schema", json.dumps({"source": "x", "source_id": "2", "title": "t"}).encode()),
        (None, b""),
    ]
    produce(env, [*bad, _json_line(POSTING)])
    letters = consume(env, env.topic("dlq"), len(bad))
    by_key = {m.key(): DeadLetter.model_validate_json(m.value() or b"") for m in letters}
    assert by_key[b"bad:json"].error_kind == "invalid_json"
    assert by_key[b"bad:utf8"].error_kind == "invalid_encoding"
    assert by_key[b"bad:schema"].error_kind == "schema_violation"
    assert "description" in by_key[b"bad:schema"].error
    assert by_key[None].error_kind == "invalid_json"
    # The original bytes are kept untouched, and the reason is in the headers too.
    assert base64.b64decode(by_key[b"bad:utf8"].value_b64) == b"\xff\xfe\x00not utf-8"
    headers = dict(letters[0].headers() or [])
    assert headers["error_kind"] in {b"invalid_json", b"invalid_encoding", b"schema_violation"}
    # ... and the valid posting behind them was still enriched.
    [enriched] = consume(env, env.topic("enriched"), 1)
    assert enriched.key() == b"it:1"
    assert worker.process.poll() is None, "the worker must not stop on bad input"


def test_a_cut_emoji_is_enriched_not_a_poison_pill(env: Env, worker: WorkerProcess) -> None:
    """Half of a UTF-16 emoji pair, JSON-escaped: it used to fail the batch in the worker,
    which would then crash on the same batch after every restart."""
    cut = json.dumps(
        {"source": "it", "source_id": "cut", "title": "Dev \ud83d", "description": "Python \udfff"}
    ).encode()
    assert b"\\ud83d" in cut  # json.dumps escapes the lone surrogate
    produce(env, [(b"it:cut", cut), _json_line(POSTING)])
    messages = consume(env, env.topic("enriched"), 2)
    by_key = {m.key(): EnrichedPosting.model_validate_json(m.value() or b"") for m in messages}
    assert by_key[b"it:cut"].title == "Dev \ufffd"
    assert [t.id for t in by_key[b"it:cut"].skills] == ["python"]
    assert b"it:1" in by_key
    assert worker.process.poll() is None


def test_second_identical_posting_is_served_from_the_redis_cache(
    env: Env, worker: WorkerProcess
) -> None:
    produce(env, [_json_line(POSTING)])
    consume(env, env.topic("enriched"), 1)
    wait_for(lambda: bool(redis_client().keys(f"{env.run_id}:enrich:*")), "cache entry written")
    # The same content from another board: same content hash, different posting id.
    duplicate = POSTING.model_copy(update={"source": "other-board", "source_id": "99"})
    produce(env, [_json_line(duplicate)])
    messages = consume(env, env.topic("enriched"), 2)
    first, second = (EnrichedPosting.model_validate_json(m.value() or b"") for m in messages)
    assert first.content_hash == second.content_hash
    assert first.skills == second.skills
    keys = redis_client().keys(f"{env.run_id}:enrich:*")
    assert len(keys) == 1, keys
    wait_for(
        lambda: _metric(scrape_metrics(env), "stream_cache_requests_total", outcome="hit") >= 1,
        "a cache hit counted",
    )
    metrics = scrape_metrics(env)
    assert _metric(metrics, "stream_postings_enriched_total", cache="hit") == 1
    assert _metric(metrics, "stream_postings_enriched_total", cache="miss") == 1
