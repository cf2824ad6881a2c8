"""`Enricher.compute_batch` (each step over the whole batch) gives, posting by posting, what
`compute` gives or raises: the same enrichment, the same failure for a posting whose step
raises (and only for it), and each posting its whole time budget across its pieces."""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from prometheus_client import CollectorRegistry
from pydantic import BaseModel, ConfigDict

import stream.enrich.pipeline as pipeline
from stream.budget import BudgetExceeded, MessageBudget
from stream.cli.samples import linkedin_postings
from stream.config import load_settings
from stream.enrich.pipeline import Enricher, Enrichment
from stream.enrich.registry import STEPS, StepFactory
from stream.enrich.skills.taxonomy import Taxonomy
from stream.enrich.step import EnrichmentObserver, EnrichmentStep, PreparedPosting
from stream.enrich.text import normalize_text
from stream.errors import InvalidMessage
from stream.models import RawPosting
from stream.ops.metrics import Metrics
from stream.processing import BatchProcessor, InRecord, Published, Unchanged
from tests.unit.fakes import MemoryStore

NOW = dt.datetime(2026, 12, 6, 12, 0, tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def enricher() -> Enricher:
    return Enricher.build(Taxonomy.bundled())


def _posting(
    source_id: str, title: str = "Data Engineer", description: str = "", **extra: str
) -> RawPosting:
    return RawPosting(
        source="t",
        source_id=source_id,
        title=title,
        description=description or "We use Python, SQL and Kafka. Salary: $120,000 a year.",
        **extra,
    )


def _outcome(result: Enrichment | Exception, enricher: Enricher) -> str:
    return f"error: {result!r}" if isinstance(result, Exception) else enricher.encode(result)


def _one_by_one(enricher: Enricher, raws: list[RawPosting]) -> list[str]:
    outcomes = []
    for raw in raws:
        try:
            outcomes.append(_outcome(enricher.compute(raw), enricher))
        except Exception as exc:
            outcomes.append(_outcome(exc, enricher))
    return outcomes


def test_equal_to_compute_on_the_linkedin_sample(enricher: Enricher, shared_data: Path) -> None:
    raws = list(linkedin_postings(shared_data, limit=120))
    expected = _one_by_one(enricher, raws)
    for size in (1, 7, 120):
        got = []
        for start in range(0, len(raws), size):
            got += [
                _outcome(r, enricher) for r in enricher.compute_batch(raws[start : start + size])
            ]
        assert got == expected, size


def test_an_empty_batch_is_an_empty_list(enricher: Enricher) -> None:
    assert enricher.compute_batch([]) == []


_WORDS = [
    "Python", "SQL", "Kafka", "React.js", "machine learning", "Excel", "sales", "nursing",
    "Senior", "Jr.", "II", "Intern", "Remote", "hybrid", "3 days in the office", "5+ years",
    "Bachelor's degree required", "full-time", "contract", "$100,000 - $120,000 a year",
    "£30k", "€45.000 brutto", "per hour", "<b>", "</b>", "<li>", "&amp;", "\n", "\n\n", "-",
    "•", ",", ".", ":", "Requirements", "Benefits", "München", "Chicago, IL", "Ünïcödé",
    "\u00a0", "\t", "team", "experience with", "nice to have",
]  # fmt: skip
_TEXT = st.lists(st.one_of(st.sampled_from(_WORDS), st.text(max_size=6)), max_size=40).map(" ".join)
_RAW = st.builds(
    RawPosting,
    source=st.just("h"),
    source_id=st.text("abc123", min_size=1, max_size=4),
    title=_TEXT,
    description=_TEXT,
    location=st.one_of(
        st.none(),
        st.sampled_from(["Chicago, IL", "Remote - US", "München, Bayern", "See description"]),
        st.text(max_size=12),
    ),
    employment_type=st.one_of(st.none(), st.sampled_from(["Full Time", "Contract", "Part-time"])),
    salary_text=st.one_of(st.none(), st.sampled_from(["$50/hr", "80k-95k", "competitive"])),
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(raws=st.lists(_RAW, max_size=8))
def test_equal_to_compute_on_generated_postings(enricher: Enricher, raws: list[RawPosting]) -> None:
    got = [_outcome(result, enricher) for result in enricher.compute_batch(raws)]
    assert got == _one_by_one(enricher, raws)


class _MarkPart(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


@dataclass(frozen=True)
class _FailingStep:
    """Raises for postings whose title holds "boom"; records every posting it ran on."""

    seen: list[str] = field(default_factory=list)
    name: str = "failing"
    version: str = "1"
    part: type[BaseModel] = _MarkPart

    def run(self, posting: PreparedPosting, observer: EnrichmentObserver | None) -> BaseModel:
        self.seen.append(posting.raw.source_id)
        if "boom" in posting.title:
            raise ValueError(f"boom in {posting.raw.source_id}")
        return _MarkPart()


@dataclass(frozen=True)
class _AfterStep:
    """Records the postings that reached the step after the failing one."""

    seen: list[str] = field(default_factory=list)
    name: str = "after"
    version: str = "1"
    part: type[BaseModel] = _MarkPart

    def run(self, posting: PreparedPosting, observer: EnrichmentObserver | None) -> BaseModel:
        self.seen.append(posting.raw.source_id)
        return _MarkPart()


def _with_steps(enricher: Enricher, *extra: EnrichmentStep) -> Enricher:
    """The registry with `extra` between skills and salary (failures mid-pipeline)."""

    def factory(step: EnrichmentStep) -> StepFactory:
        return lambda _resources: step

    skills, salary, *rest = STEPS
    return Enricher.build(
        enricher.taxonomy,
        enricher.resources.fx,
        factories=[skills, *(factory(step) for step in extra), salary, *rest],
    )


def test_a_posting_whose_step_raises_fails_alone_as_with_compute(enricher: Enricher) -> None:
    failing, after = _FailingStep(), _AfterStep()
    broken = _with_steps(enricher, failing, after)
    raws = [
        _posting("a"),
        _posting("b", title="boom engineer"),
        _posting("c"),
        _posting("d", title="boom"),
    ]
    results = broken.compute_batch(raws)
    assert [isinstance(r, Exception) for r in results] == [False, True, False, True]
    assert str(results[1]) == "boom in b"
    assert str(results[3]) == "boom in d"
    assert failing.seen == ["a", "b", "c", "d"]
    assert after.seen == ["a", "c"]  # a failed posting's later steps do not run, as in compute
    assert [_outcome(r, broken) for r in results] == _one_by_one(broken, raws)


def test_a_posting_whose_text_preparation_raises_fails_alone(
    enricher: Enricher, monkeypatch: pytest.MonkeyPatch
) -> None:
    def normalize(text: str) -> str:
        if text == "poison":
            raise RuntimeError("cannot normalize")
        return normalize_text(text)

    monkeypatch.setattr(pipeline, "normalize_text", normalize)
    raws = [_posting("a"), _posting("b", title="poison"), _posting("c")]
    results = enricher.compute_batch(raws)
    assert isinstance(results[1], RuntimeError)
    assert not isinstance(results[0], Exception)
    assert not isinstance(results[2], Exception)
    assert [_outcome(r, enricher) for r in results] == _one_by_one(enricher, raws)


@dataclass
class _RecordingBudget:
    """Records what compute_batch tells the budget; never fires."""

    calls: list[tuple[str, float]] = field(default_factory=list)

    def start(self, spent: float = 0.0) -> None:
        self.calls.append(("start", spent))

    def stop(self) -> None:
        self.calls.append(("stop", 0.0))


@dataclass
class _Observer:
    times: dict[str, list[float]] = field(default_factory=dict)

    def observe(self, enricher: str, seconds: float) -> None:
        self.times.setdefault(enricher, []).append(seconds)

    def salary_dropped(self, dropped: object) -> None:
        pass


def test_each_piece_is_bracketed_and_told_what_its_posting_spent(enricher: Enricher) -> None:
    budget, observer = _RecordingBudget(), _Observer()
    raws = [_posting("a"), _posting("b", description="Python " * 300)]
    enricher.compute_batch(raws, observer, budget)
    pieces = 1 + len(enricher.steps)  # text preparation, then each step
    assert [kind for kind, _ in budget.calls] == ["start", "stop"] * pieces * len(raws)
    starts = [spent for kind, spent in budget.calls if kind == "start"]
    # Per posting (pieces alternate a, b within each stage): 0 first, then its own running
    # total of the observed pieces, never the other posting's.
    for index in range(len(raws)):
        mine = starts[index :: len(raws)]
        own = [
            observer.times[name][index] for name in ("normalize", *(s.name for s in enricher.steps))
        ]
        assert mine[0] == 0.0
        for piece in range(1, pieces):
            assert mine[piece] == pytest.approx(sum(own[:piece]), rel=0.2, abs=2e-4)
            assert mine[piece] >= mine[piece - 1]


@dataclass(frozen=True)
class _SleepStep:
    """Sleeps the seconds its posting's title names for this step (`name`)."""

    name: str
    version: str = "1"
    part: type[BaseModel] = _MarkPart

    def run(self, posting: PreparedPosting, observer: EnrichmentObserver | None) -> BaseModel:
        sleeps = dict(item.split("=") for item in posting.raw.title.split())
        time.sleep(float(sleeps[self.name]))
        return _MarkPart()


def test_a_postings_budget_covers_its_pieces_and_only_its_own(enricher: Enricher) -> None:
    """4 s per posting. a, b and c sleep 0.2 s in each of two steps: 1.2 s for the batch's
    first stage and second stage together, each well within its own budget. d sleeps 2.5 s
    in each: each piece alone fits the budget (1.5 s of slack for the first), but the
    second is cut: d has 1.5 s left of its budget then, and the piece alone would fit 4 s."""
    slow = Enricher.build(
        enricher.taxonomy,
        enricher.resources.fx,
        factories=[*STEPS, lambda _: _SleepStep("one"), lambda _: _SleepStep("two")],
    )
    raws = [_posting(name, title="one=0.2 two=0.2") for name in "abc"]
    raws.append(_posting("d", title="one=2.5 two=2.5"))
    with MessageBudget(4.0) as budget:
        *fine, cut = slow.compute_batch(raws, None, budget)
    assert [isinstance(result, Exception) for result in fine] == [False] * 3
    # Cut in its second piece: alone, 2.5 s would have fitted a fresh 4 s budget.
    assert isinstance(cut, BudgetExceeded)


# The worker's call site (stream/processing.py): a batch's misses go through compute_batch.


def _record(offset: int, raw: RawPosting) -> InRecord:
    return InRecord("postings.raw", 0, offset, None, raw.model_dump_json().encode())


def _processor(enricher: Enricher, store: MemoryStore) -> BatchProcessor:
    return BatchProcessor(
        load_settings(), enricher, store, Metrics(CollectorRegistry()), lambda: NOW
    )


def test_the_processor_computes_a_batchs_misses_in_one_call(
    enricher: Enricher, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Once per content among the misses; not for cache hits, not for unchanged re-scrapes."""
    store = MemoryStore()
    processor = _processor(enricher, store)
    cached, unchanged = _posting("cached"), _posting("same", description="Go and Rust.")
    first = processor.process([_record(0, cached), _record(1, unchanged)])
    store.save(first.cache_writes, first.states)
    same = first.outcomes[1]
    assert isinstance(same, Published)
    # The re-scrape's cache entry expired: only its state says it is unchanged.
    del store.enrichments[next(k for k in store.enrichments if same.posting.content_hash in k)]
    calls: list[list[str]] = []
    real = Enricher.compute_batch

    def spy(self: Enricher, raws: list[RawPosting], *rest: object) -> list[Enrichment | Exception]:
        calls.append([raw.source_id for raw in raws])
        return real(self, raws, *rest)  # type: ignore[arg-type]

    def single(*args: object) -> None:
        raise AssertionError("every miss was predicted: nothing is computed alone")

    monkeypatch.setattr(Enricher, "compute_batch", spy)
    monkeypatch.setattr(Enricher, "compute", single)
    new_a = _posting("new-a", description="Java and Spring.")
    new_b = _posting("new-b", description="Excel and SQL.")
    hit = _posting("hit", description=cached.description)
    copy_a = _posting("copy-of-a", description="Java and Spring.")
    records = [_record(i, raw) for i, raw in enumerate([new_a, hit, unchanged, new_b, copy_a])]
    outcomes = processor.process(records).outcomes
    assert len(calls) == 1
    assert sorted(calls[0]) == ["new-a", "new-b"]
    assert isinstance(outcomes[2], Unchanged)
    published = [o for o in outcomes if isinstance(o, Published)]
    assert [o.posting.source_id for o in published] == ["new-a", "hit", "new-b", "copy-of-a"]
    assert [o.cache_hit for o in published] == [False, True, False, True]


def test_a_failing_posting_in_a_batch_is_its_own_dead_letter(enricher: Enricher) -> None:
    broken = _with_steps(enricher, _FailingStep())
    processor = _processor(broken, MemoryStore())
    raws = [_posting("a"), _posting("b", title="boom"), _posting("c", description="Go.")]
    outcomes = processor.process([_record(i, raw) for i, raw in enumerate(raws)]).outcomes
    ok_a, failed, ok_c = outcomes
    assert isinstance(ok_a, Published)
    assert isinstance(ok_c, Published)
    assert isinstance(failed, InvalidMessage)
    assert failed.kind == "enrichment_error"
    assert "enrichment failed: ValueError: boom in b" in failed.reason
    # And the outcomes equal what compute gives: the batch changed nothing for the others.
    assert ok_a.posting.skills == broken.compute(raws[0]).skills  # type: ignore[attr-defined]


def test_a_miss_the_batch_did_not_foresee_is_computed_alone(enricher: Enricher) -> None:
    """Stored state: version 1, its cache entry expired. The batch holds version 2, then
    version 1 again: by the stored state, version 1 looks unchanged (not computed with the
    batch), but after version 2 it is an update, and it is computed then, alone."""
    store = MemoryStore()
    processor = _processor(enricher, store)
    one, two = _posting("a"), _posting("a", description="Now Go and Rust too.")
    first = processor.process([_record(0, one)])
    store.save({}, first.states)  # the state stays, the cache entry is gone
    outcomes = processor.process([_record(1, two), _record(2, one)]).outcomes
    kinds = [o.event.kind if isinstance(o, Published) and o.event else o for o in outcomes]
    assert kinds == ["updated", "updated"]
    last = outcomes[1]
    assert isinstance(last, Published)
    assert not last.cache_hit
    assert last.posting.skills == enricher.compute(one).skills  # type: ignore[attr-defined]
