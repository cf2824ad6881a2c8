"""BatchProcessor with an in-memory store: outcomes in order, cache use, change detection."""

from __future__ import annotations

import datetime as dt
import json
import signal
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from prometheus_client import CollectorRegistry
from pydantic import BaseModel

from stream import codecs
from stream.cli.samples import linkedin_postings
from stream.config import Settings, load_settings
from stream.enrich.pipeline import Enricher
from stream.enrich.registry import STEPS
from stream.enrich.skills.taxonomy import Taxonomy
from stream.enrich.step import PreparedPosting
from stream.errors import InvalidMessage
from stream.models import ChangeEvent, DeadLetter, EnrichedPosting
from stream.ops.metrics import Metrics
from stream.outputs import to_out_records
from stream.processing import (
    BatchProcessor,
    InRecord,
    Published,
    Unchanged,
)
from tests.unit.fakes import MemoryStore

NOW = dt.datetime(2026, 11, 28, 12, 0, tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def enricher() -> Enricher:
    return Enricher.build(Taxonomy.bundled())


def _processor(
    enricher: Enricher, store: MemoryStore, settings: Settings | None = None
) -> BatchProcessor:
    return BatchProcessor(
        settings or load_settings(), enricher, store, Metrics(CollectorRegistry()), lambda: NOW
    )


def _record(offset: int, value: bytes | None, key: bytes | None = None) -> InRecord:
    return InRecord("postings.raw", 0, offset, key, value)


def _posting(source_id: str, description: str = "We use Python and Kafka.", **extra: Any) -> bytes:
    fields = {
        "source": "t",
        "source_id": source_id,
        "title": "Engineer",
        "description": description,
    }
    return json.dumps({**fields, **extra}).encode()


def _run(processor: BatchProcessor, store: MemoryStore, *values: bytes) -> list[Any]:
    """Process one batch and 'commit' it (save to the store) like the worker does."""
    result = processor.process([_record(i, v) for i, v in enumerate(values)])
    store.save(result.cache_writes, result.states)
    return result.outcomes


def test_outcomes_follow_input_order_and_one_lookup_per_batch(enricher: Enricher) -> None:
    store = MemoryStore()
    processor = _processor(enricher, store)
    records = [_record(0, _posting("a")), _record(1, b"{oops"), _record(2, _posting("b", "Rust"))]
    result = processor.process(records)
    assert store.lookups == 1
    assert [type(o) for o in result.outcomes] == [Published, InvalidMessage, Published]
    assert len(result.cache_writes) == 2


def test_duplicates_are_served_from_cache_across_and_within_batches(enricher: Enricher) -> None:
    store = MemoryStore()
    processor = _processor(enricher, store)
    first = processor.process([_record(0, _posting("a")), _record(1, _posting("a-copy"))])
    hits = [o.cache_hit for o in first.outcomes if isinstance(o, Published)]
    assert hits == [False, True]  # the same content twice in one batch is computed once
    store.save(first.cache_writes, first.states)
    second = processor.process([_record(2, _posting("a-again"))])
    [outcome] = second.outcomes
    assert isinstance(outcome, Published)
    assert outcome.cache_hit
    assert second.cache_writes == {}


def test_new_then_unchanged_then_updated(enricher: Enricher) -> None:
    store = MemoryStore()
    processor = _processor(enricher, store)
    [new] = _run(processor, store, _posting("a", salary_text="$100,000 - $120,000 a year"))
    assert isinstance(new, Published)
    assert new.event is not None
    assert (new.event.kind, new.event.previous_content_hash) == ("new", None)
    # A re-scrape with only a new timestamp: nothing is published.
    rescrape = _posting("a", salary_text="$100,000 - $120,000 a year", scraped_at="2026-11-29")
    assert _run(processor, store, rescrape) == [Unchanged("t:a")]
    # The pay changed: an update with exactly that diff.
    [updated] = _run(processor, store, _posting("a", salary_text="$110,000 - $130,000 a year"))
    assert isinstance(updated, Published)
    assert updated.event is not None
    assert updated.event.kind == "updated"
    assert updated.event.previous_content_hash == new.posting.content_hash
    assert set(updated.event.changes) == {"salary"}
    change = updated.event.changes["salary"]
    assert (change.old["min"], change.new["min"]) == (100000, 110000)


def test_an_unchanged_rescrape_is_answered_without_decoding_or_enriching(
    enricher: Enricher, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The state alone (digest and versions) says "unchanged": the cached enrichment is not
    # decoded, and with the cache entry gone (its TTL is shorter than the state's) nothing
    # is enriched again either.
    store = MemoryStore()
    processor = _processor(enricher, store)
    [new] = _run(processor, store, _posting("a"))
    assert isinstance(new, Published)
    store.enrichments.clear()

    def untouched(*args: object, **kwargs: object) -> None:
        raise AssertionError("a re-scrape must not be decoded, enriched or assembled")

    for name in ("compute", "decode", "assemble"):
        monkeypatch.setattr(Enricher, name, untouched)
    assert _run(processor, store, _posting("a", scraped_at="2026-11-29")) == [Unchanged("t:a")]


def test_a_change_alerting_does_not_watch_republishes_without_an_event(enricher: Enricher) -> None:
    store = MemoryStore()
    processor = _processor(enricher, store)
    _run(processor, store, _posting("a", employment_type="Full time"))
    [outcome] = _run(processor, store, _posting("a", employment_type="Full-time"))
    assert isinstance(outcome, Published)  # search still gets the new content
    assert outcome.event is None


def test_two_versions_in_one_batch_compare_against_each_other(enricher: Enricher) -> None:
    store = MemoryStore()
    processor = _processor(enricher, store)
    outcomes = _run(
        processor, store, _posting("a"), _posting("a"), _posting("a", "Now Go and Rust too.")
    )
    kinds = [
        o.event.kind if isinstance(o, Published) and o.event else type(o).__name__ for o in outcomes
    ]
    assert kinds == ["new", "Unchanged", "updated"]


def test_unknown_state_publishes_and_counts(enricher: Enricher) -> None:
    store = MemoryStore()
    processor = _processor(enricher, store)
    _run(processor, store, _posting("a"))
    store.down = True
    result = processor.process([_record(0, _posting("a"))])
    assert not result.state_known
    [outcome] = result.outcomes
    # Without state we cannot tell "unchanged": publish, and alerting dedupes on event_id.
    assert isinstance(outcome, Published)
    assert outcome.event is not None
    assert outcome.event.event_id == f"t:a:{outcome.posting.content_hash}"


class _NoFields(BaseModel):
    """A step part that adds nothing to the posting."""


@dataclass(frozen=True)
class _CallbackStep:
    """A step that runs `action` (raise, sleep) instead of enriching."""

    action: Callable[[], None]
    name: str = "callback"
    version: str = "1"
    part: type[BaseModel] = _NoFields

    def run(self, posting: PreparedPosting, observer: object) -> BaseModel:
        self.action()
        return _NoFields()


def _enricher_running(enricher: Enricher, action: Callable[[], None]) -> Enricher:
    return Enricher.build(
        enricher.taxonomy,
        enricher.resources.fx,
        factories=[*STEPS, lambda _: _CallbackStep(action)],
    )


def test_enrichment_errors_become_dead_letters(enricher: Enricher) -> None:
    def explode() -> None:
        raise ValueError("taxonomy bug")

    broken = _enricher_running(enricher, explode)
    [outcome] = _processor(broken, MemoryStore()).process([_record(0, _posting("a"))]).outcomes
    assert isinstance(outcome, InvalidMessage)
    assert outcome.kind == "enrichment_error"
    assert "ValueError: taxonomy bug" in outcome.reason


def test_enrichment_over_budget_is_dead_lettered(enricher: Enricher) -> None:
    slow = _enricher_running(enricher, lambda: time.sleep(2))
    settings = load_settings(worker={"message_budget_s": 0.05})
    processor = _processor(slow, MemoryStore(), settings)
    [outcome] = processor.process([_record(0, _posting("a"))]).outcomes
    # Only the budget's alarm raises this: the 2 s sleep was interrupted.
    assert isinstance(outcome, InvalidMessage)
    assert outcome.kind == "enrichment_timeout"


def test_each_message_of_a_batch_gets_the_whole_budget(enricher: Enricher) -> None:
    # The signal handler is installed once per batch, but the timer restarts per message:
    # three messages of 1.2 s each all fit a 3 s budget (one budget for the batch would cut
    # the third), and the poison pill after them is still cut. 1.8 s of slack per message,
    # so a loaded machine's scheduling delays cannot push a fine message over its budget.
    sleeps = iter([1.2, 1.2, 1.2, 30.0])
    fine_then_slow = _enricher_running(enricher, lambda: time.sleep(next(sleeps)))
    settings = load_settings(worker={"message_budget_s": 3.0})
    processor = _processor(fine_then_slow, MemoryStore(), settings)
    records = [_record(i, _posting(name, f"Posting {name}")) for i, name in enumerate("abcd")]
    before = signal.getsignal(signal.SIGALRM)
    *fine, slow = processor.process(records).outcomes
    assert [type(outcome) for outcome in fine] == [Published] * 3
    assert isinstance(slow, InvalidMessage)
    assert slow.kind == "enrichment_timeout"
    assert signal.getsignal(signal.SIGALRM) is before
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


def test_out_records_route_enriched_events_and_dead_letters(enricher: Enricher) -> None:
    settings = load_settings()
    processor = _processor(enricher, MemoryStore(), settings)
    records = [_record(0, _posting("a"), b"t:a"), _record(7, b"\xff", b"k")]
    result = processor.process(records)
    enriched_out, event_out, dlq_out = to_out_records(settings, records, result.outcomes, NOW)
    assert (enriched_out.topic, enriched_out.key) == (settings.topics.enriched, b"t:a")
    assert EnrichedPosting.model_validate_json(enriched_out.value).posting_id == "t:a"
    assert (event_out.topic, event_out.key) == (settings.topics.changes, b"t:a")
    assert ChangeEvent.model_validate_json(event_out.value).kind == "new"
    assert dlq_out.topic == settings.topics.dlq
    letter = DeadLetter.model_validate_json(dlq_out.value)
    assert (letter.offset, letter.error_kind, letter.key) == (7, "invalid_encoding", "k")
    assert ("error_kind", b"invalid_encoding") in dlq_out.headers


def test_lone_surrogate_escapes_are_enriched_not_a_crash(enricher: Enricher) -> None:
    """A JSON-escaped half of an emoji ("\\ud83d") used to fail the whole batch in the
    content hash (UTF-8 cannot hold it): the worker would have crashed on it again and
    again. It is now a replacement character, and the posting is enriched."""
    settings = load_settings()
    processor = _processor(enricher, MemoryStore(), settings)
    cut = b'{"source": "t", "source_id": "s", "title": "Dev \\ud83d", '
    cut += b'"description": "Python and SQL \\udfff"}'
    records = [_record(0, cut, b"t:s"), _record(1, _posting("b"), b"t:b")]
    result = processor.process(records)
    enriched_out, _, other_out, _ = to_out_records(settings, records, result.outcomes, NOW)
    posting = EnrichedPosting.model_validate_json(enriched_out.value)
    assert (posting.title, posting.description) == ("Dev \ufffd", "Python and SQL \ufffd")
    assert {t.id for t in posting.skills} == {"python", "sql"}
    assert EnrichedPosting.model_validate_json(other_out.value).posting_id == "t:b"


def test_an_unexpected_error_on_one_message_dead_letters_only_that_message(
    enricher: Enricher, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Defence in depth for the next surprise like the surrogate one: a failure in hashing
    or in assembling one posting is that message's dead letter, not the batch's crash."""
    import stream.processing as processing

    # processing imports both by name: they are replaced there; the real ones, from where
    # they are defined, are what the replacements call.
    from stream.changes import state_of as real_state_of
    from stream.enrich.pipeline import content_digests as real_digests

    def digests(raw: Any) -> Any:
        if raw.source_id == "hash-bug":
            raise UnicodeEncodeError("utf-8", "x", 0, 1, "a bug met in hashing")
        return real_digests(raw)

    def state_of(posting: Any, digest: str, *rest: Any) -> Any:
        if posting.source_id == "assembly-bug":
            raise ValueError("a bug met in assembling")
        return real_state_of(posting, digest, *rest)

    monkeypatch.setattr(processing, "content_digests", digests)
    monkeypatch.setattr(processing, "state_of", state_of)
    outcomes = _run(
        _processor(enricher, MemoryStore()),
        MemoryStore(),
        _posting("hash-bug"),
        _posting("ok"),
        _posting("assembly-bug"),
    )
    hashing, ok, assembly = outcomes
    assert isinstance(hashing, InvalidMessage)
    assert hashing.kind == "enrichment_error"
    assert "hashing failed: UnicodeEncodeError" in hashing.reason
    assert isinstance(ok, Published)
    assert ok.posting.posting_id == "t:ok"
    assert isinstance(assembly, InvalidMessage)
    assert assembly.kind == "enrichment_error"
    assert "assembly failed: ValueError" in assembly.reason


def test_evidence_setting_tags_with_offsets_and_keeps_its_own_cache_entries(
    enricher: Enricher,
) -> None:
    store = MemoryStore()
    plain = _processor(enricher, store)
    _run(plain, store, _posting("a"))
    with_evidence = _processor(Enricher.build(enricher.taxonomy, skill_evidence=True), store)
    # Same content under another id: a cache hit for the plain processor.
    assert _run(plain, store, _posting("b"))[0].cache_hit
    result = with_evidence.process([_record(0, _posting("c"))])
    [outcome] = result.outcomes
    assert isinstance(outcome, Published)
    # The plain run's cached tags have no evidence: they must not be served here.
    assert not outcome.cache_hit
    description = outcome.posting.description  # "We use Python and Kafka."
    mentioned = {
        tag.name: [description[start:end] for _, start, end in tag.evidence or []]
        for tag in outcome.posting.skills
    }
    assert mentioned == {"Python": ["Python"], "Apache Kafka": ["Kafka"]}


def test_a_new_step_republishes_an_unchanged_rescrape_once(enricher: Enricher) -> None:
    """Same content, enricher and taxonomy, but a step added (or its version bumped): the
    re-scrape is published again, once, so search gets the new fields."""
    store = MemoryStore()
    [first] = _run(_processor(enricher, store), store, _posting("a"))
    assert isinstance(first, Published)
    grown = _enricher_running(enricher, lambda: None)  # a different set of steps
    [again] = _run(_processor(grown, store), store, _posting("a"))
    assert isinstance(again, Published)
    [third] = _run(_processor(grown, store), store, _posting("a"))
    assert isinstance(third, Unchanged)


def test_a_changed_normalized_field_is_an_update_with_its_diff(enricher: Enricher) -> None:
    store = MemoryStore()
    _run(_processor(enricher, store), store, _posting("a", title="Data Engineer"))
    [outcome] = _run(_processor(enricher, store), store, _posting("a", title="Nurse"))
    assert isinstance(outcome, Published)
    assert outcome.event is not None
    assert outcome.event.kind == "updated"
    assert {"title", "occupation"} <= set(outcome.event.changes)
    change = outcome.event.changes["occupation"]
    assert change.old["isco_code"] != change.new["isco_code"]


def test_assembled_postings_validate_unchanged(enricher: Enricher, shared_data: Path) -> None:
    # `assemble` builds the posting without validating it again (its parts are validated
    # models): what it builds must be exactly what validation would have built, computed
    # or served from the cache, on real postings with pay, places and skills.
    store = MemoryStore()
    processor = _processor(enricher, store)
    postings = list(linkedin_postings(shared_data, limit=120))
    values = [posting.model_dump_json().encode() for posting in postings]
    for outcomes in (
        _run(processor, store, *values),
        _run(
            processor,
            store,
            *[
                p.model_copy(update={"source_id": f"dup-{p.source_id}"}).model_dump_json().encode()
                for p in postings
            ],
        ),
    ):
        published = [o.posting for o in outcomes if isinstance(o, Published)]
        assert len(published) == len(postings)
        for posting in published:
            assert EnrichedPosting.model_validate_json(posting.model_dump_json()) == posting


def _outputs_encode_each_message_as_itself(
    settings: Settings, records: list[InRecord], outcomes: list[Any]
) -> int:
    """Every out record's value is `codecs.encode` of its message (the change event reuses
    the posting's bytes: they must be exactly what encoding the event would give)."""
    events = 0
    out = iter(to_out_records(settings, records, outcomes, NOW))
    for outcome in outcomes:
        if isinstance(outcome, Published):
            assert next(out).value == codecs.encode(outcome.posting)
            if outcome.event is not None:
                assert next(out).value == codecs.encode(outcome.event)
                events += 1
        elif isinstance(outcome, InvalidMessage):
            next(out)
    assert next(out, None) is None
    return events


def test_change_events_reuse_the_posting_bytes_exactly(enricher: Enricher) -> None:
    settings = load_settings()
    store = MemoryStore()
    processor = _processor(enricher, store, settings)
    values = [
        _posting("a", "Python, Kafka; “quoted” ünïcode \u2028 and a \\ backslash"),
        _posting("b", salary_text="$100,000 - $120,000 a year", location="Berlin"),
        b"{oops",
    ]
    records = [_record(i, v) for i, v in enumerate(values)]
    first = processor.process(records)
    store.save(first.cache_writes, first.states)
    assert _outputs_encode_each_message_as_itself(settings, records, first.outcomes) == 2
    # Updated events carry a diff before the posting.
    changed = [_record(0, _posting("a", "Now Rust")), _record(1, _posting("b", title="Nurse"))]
    second = processor.process(changed)
    assert _outputs_encode_each_message_as_itself(settings, changed, second.outcomes) == 2
    kinds = [o.event.kind for o in second.outcomes if isinstance(o, Published) and o.event]
    assert kinds == ["updated", "updated"]


def test_change_events_reuse_real_posting_bytes_exactly(
    enricher: Enricher, shared_data: Path
) -> None:
    settings = load_settings()
    processor = _processor(enricher, MemoryStore(), settings)
    postings = list(linkedin_postings(shared_data, limit=200))
    records = [_record(i, p.model_dump_json().encode()) for i, p in enumerate(postings)]
    outcomes = processor.process(records).outcomes
    assert _outputs_encode_each_message_as_itself(settings, records, outcomes) == len(postings)


def test_a_posting_subclass_is_encoded_inside_its_event_as_the_event_says(
    enricher: Enricher,
) -> None:
    """Only an exact EnrichedPosting's bytes are reused: the event serializes its posting as
    an EnrichedPosting, so a subclass's own fields are not in it."""

    class Extended(EnrichedPosting):
        internal_note: str = "not for alerting"

    settings = load_settings()
    processor = _processor(enricher, MemoryStore(), settings)
    records = [_record(0, _posting("a"))]
    [outcome] = processor.process(records).outcomes
    assert isinstance(outcome, Published)
    assert outcome.event is not None
    extended = Extended.model_construct(**dict(outcome.posting))
    event = outcome.event.model_copy(update={"posting": extended})
    posting_out, event_out = to_out_records(
        settings, records, [Published(extended, event, False)], NOW
    )
    assert b"internal_note" in posting_out.value
    assert event_out.value == codecs.encode(event)


def test_the_next_batch_sees_the_in_flight_batchs_states_and_cache(enricher: Enricher) -> None:
    """While a batch commits (its states and cache entries not yet in Redis), the next one
    is processed against its result: a re-scrape is unchanged, an edit is an update against
    the in-flight version, the same content under a new id is a cache hit."""
    store = MemoryStore()
    processor = _processor(enricher, store)
    first = processor.process([_record(0, _posting("a")), _record(1, _posting("b"))])
    # Not saved: the first batch is still in flight.
    batch = [
        _record(2, _posting("a", scraped_at="2026-12-01")),
        _record(3, _posting("b", "Now Rust too.")),
        _record(4, _posting("c")),  # a's content under a new id
    ]
    second = processor.process(batch, in_flight=first)
    rescrape, update, copy = second.outcomes
    assert rescrape == Unchanged("t:a")
    assert isinstance(update, Published)
    assert update.event is not None
    assert update.event.kind == "updated"
    [published_b] = [
        o for o in first.outcomes if isinstance(o, Published) and o.posting.posting_id == "t:b"
    ]
    assert update.event.previous_content_hash == published_b.posting.content_hash
    assert isinstance(copy, Published)
    assert copy.cache_hit
    # Without the in-flight result, the same batch would publish all three as new.
    alone = processor.process(batch)
    assert [o.event.kind for o in alone.outcomes if isinstance(o, Published) and o.event] == [
        "new",
        "new",
        "new",
    ]
