"""Each store's contract, one set of cases run on two backends: the in-memory stand-in the
unit tests use, and the real Redis of the local stack. A case that passes on one backend
and fails on the other means the fake no longer tells the truth about Redis.

Every case uses a key prefix of its own, deleted afterwards, so it can share a Redis.
"""

from __future__ import annotations

import builtins
import datetime as dt
import json
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import redis
from prometheus_client import CollectorRegistry

from stream.changes import PostingState
from stream.config import RedisSettings
from stream.enrich.fx import FxRates
from stream.enrich.skills.taxonomy import SkillEntry, Taxonomy, TaxonomyError
from stream.ops.metrics import Metrics
from stream.stores.cache import RedisStore, Store, cache_key, state_key
from stream.stores.client import redis_client
from stream.stores.fx import Rate, fetch, publish, rates_on
from stream.stores.taxonomy import (
    current_key,
    current_version,
    fetch_current,
    fetch_version,
    publish_taxonomy,
    version_key,
)
from tests.integration.conftest import REDIS_PORT, SCAN_COUNT, free_port
from tests.unit.fakes import FakeHashes, FakeRedis, MemoryStore

BACKENDS = ["memory", "redis"]


@pytest.fixture
def prefix() -> Iterator[str]:
    name = f"contract-{uuid.uuid4().hex[:12]}"
    yield name
    client = redis.Redis(port=REDIS_PORT)
    keys = list(client.scan_iter(match=f"{name}:*", count=SCAN_COUNT))
    if keys:
        client.delete(*keys)
    client.close()


def _settings(port: int = REDIS_PORT) -> RedisSettings:
    return RedisSettings(url=f"redis://127.0.0.1:{port}/0")


# -- the enrichment cache and posting state ------------------------------------------------


@dataclass
class CacheBackend:
    store: Store
    take_down: Callable[[], None]


@pytest.fixture(params=BACKENDS)
def cache(request: pytest.FixtureRequest, stack: None) -> Iterator[CacheBackend]:
    if request.param == "memory":
        memory = MemoryStore()
        yield CacheBackend(memory, lambda: setattr(memory, "down", True))
        return
    metrics = Metrics(CollectorRegistry())
    client = redis_client(_settings())
    backend = CacheBackend(
        RedisStore(client, metrics, cache_ttl_s=60, state_ttl_s=60), lambda: None
    )

    def take_down() -> None:  # Redis gone: a port nobody listens on (connection refused)
        dead = redis_client(_settings(free_port()))
        backend.store = RedisStore(dead, metrics, cache_ttl_s=60, state_ttl_s=60)

    backend.take_down = take_down
    yield backend
    client.close()


def _state(content_hash: str) -> PostingState:
    return PostingState(
        content_hash=content_hash,
        enricher_version="1",
        taxonomy_version="t",
        title="Engineer",
        location=None,
        salary={"min": 1.0, "max": 2.0, "currency": "USD", "period": "year"},
        skills=["python"],
        description_hash="d",
    )


def test_cache_unknown_keys_miss_and_states_are_none(cache: CacheBackend, prefix: str) -> None:
    lookup = cache.store.lookup(
        [cache_key(prefix, "1", "v", "a")], [state_key(prefix, "ns", "t:1")]
    )
    assert lookup.enrichments == [None]
    assert lookup.states == [None]


def test_cache_saved_entries_and_states_come_back(cache: CacheBackend, prefix: str) -> None:
    keys = [cache_key(prefix, "1", "v", d) for d in ("a", "b")]
    states = [state_key(prefix, "ns", p) for p in ("t:1", "t:2")]
    cache.store.save({keys[0]: '{"skills":[],"salary":null}'}, {states[1]: _state("h2")})
    lookup = cache.store.lookup(keys, states)
    assert lookup.enrichments == [b'{"skills":[],"salary":null}', None]
    assert lookup.states == [None, _state("h2")]


def test_cache_empty_lookup_is_empty(cache: CacheBackend) -> None:
    lookup = cache.store.lookup([], [])
    assert lookup.enrichments == []
    assert lookup.states in ([], None)


def test_cache_down_means_misses_and_unknown_state(cache: CacheBackend, prefix: str) -> None:
    key, state = cache_key(prefix, "1", "v", "a"), state_key(prefix, "ns", "t:1")
    cache.store.save({key: "{}"}, {state: _state("h")})
    cache.take_down()
    cache.store.save({key: "{}"}, {})  # never raises
    lookup = cache.store.lookup([key], [state])
    assert lookup.enrichments == [None]
    assert lookup.states is None


# -- the published taxonomy ----------------------------------------------------------------


@dataclass
class RawBackend:
    client: Any
    set: Callable[[str, str], object]  # what it returns is not used
    get: Callable[[str], str | None]
    keys: Callable[[str], builtins.set[str]]  # (`set` in here is the field above)


@pytest.fixture(params=BACKENDS)
def raw(request: pytest.FixtureRequest, stack: None) -> Iterator[RawBackend]:
    if request.param == "memory":
        fake = FakeRedis()
        yield RawBackend(
            fake,
            fake.store.__setitem__,
            fake.store.get,
            lambda p: {k for k in fake.store if k.startswith(p)},
        )
        return
    client = redis_client(_settings())

    def get(key: str) -> str | None:
        value = client.get(key)
        assert value is None or isinstance(value, bytes)  # the client does not decode
        return None if value is None else value.decode()

    yield RawBackend(
        client,
        lambda k, v: client.set(k, v),
        get,
        lambda p: {k.decode() for k in client.scan_iter(match=f"{p}*", count=SCAN_COUNT)},
    )
    client.close()


def _small(version: str = "2026.1.0", name: str = "Python") -> Taxonomy:
    entry = SkillEntry(id="python", name=name, category="programming_language", group="g")
    return Taxonomy.build(version, [entry])


def test_taxonomy_nothing_published_reads_as_none(raw: RawBackend, prefix: str) -> None:
    assert current_version(raw.client, prefix) is None
    assert fetch_current(raw.client, prefix) is None


def test_taxonomy_publish_fetch_and_pointer(raw: RawBackend, prefix: str) -> None:
    first, second = _small(), _small(name="Python 3")
    assert publish_taxonomy(raw.client, first, prefix) == first.version
    assert current_version(raw.client, prefix) == first.version
    publish_taxonomy(raw.client, second, prefix)
    assert raw.get(current_key(prefix)) == second.version
    assert fetch_current(raw.client, prefix) == second
    assert fetch_version(raw.client, prefix, first.version) == first  # old ones stay readable
    assert raw.keys(f"{prefix}:") == {
        current_key(prefix),
        version_key(prefix, first.version),
        version_key(prefix, second.version),
    }


def test_taxonomy_prefixes_are_independent(raw: RawBackend, prefix: str) -> None:
    publish_taxonomy(raw.client, _small(), prefix)
    assert current_version(raw.client, f"{prefix}-other") is None


def test_taxonomy_tampered_document_is_rejected(raw: RawBackend, prefix: str) -> None:
    version = publish_taxonomy(raw.client, _small(), prefix)
    doc: dict[str, Any] = json.loads(raw.get(version_key(prefix, version)) or "{}")
    doc["entries"][0]["name"] = "Snake"
    raw.set(version_key(prefix, version), json.dumps(doc))
    with pytest.raises(TaxonomyError, match="does not match"):
        fetch_current(raw.client, prefix)


def test_taxonomy_pointer_without_document_is_an_error(raw: RawBackend, prefix: str) -> None:
    raw.set(current_key(prefix), "2026.1.0-abcd")
    with pytest.raises(TaxonomyError, match="no stored document"):
        fetch_current(raw.client, prefix)


# -- FX rates --------------------------------------------------------------------------------


@pytest.fixture(params=BACKENDS)
def hashes(request: pytest.FixtureRequest, stack: None) -> Iterator[Any]:
    if request.param == "memory":
        yield FakeHashes()
        return
    client = redis_client(_settings(), decode_responses=True)
    yield client
    client.close()


@pytest.fixture(scope="module")
def fx() -> FxRates:
    return FxRates.bundled()


def test_fx_round_trip_and_latest(hashes: Any, prefix: str, fx: FxRates) -> None:
    day = dt.date(2023, 1, 6)
    rates = rates_on(fx, day)
    assert publish(hashes, prefix, day, rates, dt.date(2025, 6, 30), ttl_s=60) == len(rates)
    assert fetch(hashes, prefix, day) == rates
    assert fetch(hashes, prefix) == rates
    assert fetch(hashes, prefix, dt.date(2023, 1, 7)) is None
    assert fetch(hashes, f"{prefix}-other") is None


def test_fx_malformed_entries_are_skipped(hashes: Any, prefix: str) -> None:
    day = dt.date(2023, 1, 6)
    hashes.hset(f"{prefix}:fx:2023-01-06", mapping={"EUR": "1.07|2023-01-06|ecb", "XXX": "junk"})
    assert fetch(hashes, prefix, day) == {"EUR": Rate(1.07, day, "ecb")}
