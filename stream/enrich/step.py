"""The enrichment step: the one small interface every enricher implements.

A step turns a prepared posting (the raw posting plus its title and description normalized
once, for every step) into its part of the enrichment: a small pydantic model whose fields
are the step's own fields on `EnrichedPosting` (skills -> `skills`, salary -> `salary`).
The pipeline (`stream.enrich.pipeline`) runs the registered steps in order, times each by
name, caches the parts together and spreads them onto the posting. Steps never see Kafka,
Redis or the clock; the registry (`stream.enrich.registry`) says which steps run.

The contract of a step:
- `name`: short and stable. It labels the step's timing (`stream_enrich_seconds{enricher}`)
  and keys its part in the cached enrichment.
- `version`: whatever its output depends on besides the content and the code (data such as
  the taxonomy version, or a rules revision). It goes into the cache key, so changing it
  makes every cached result miss, never serve a stale part.
- `part`: the model of its fields; their names must be fields of the posting model.
- `run(posting, observer)`: pure and deterministic for (content, version). It may block
  only on CPU (the per-message time budget interrupts it) and may raise: the processor
  dead-letters that one posting (`enrichment_error`), never the batch. It must not mutate
  `posting`. The observer receives side figures (e.g. pay dropped by sanity bounds).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from pydantic import BaseModel

from stream.models import RawPosting

if TYPE_CHECKING:
    from stream.enrich.salary.judge import DroppedPay


@dataclass(frozen=True, slots=True)
class PreparedPosting:
    """A raw posting with the text every step reads, normalized once (HTML stripped,
    Unicode normalized, whitespace collapsed: `stream.enrich.text.normalize_text`)."""

    raw: RawPosting
    title: str
    description: str


class EnrichmentObserver(Protocol):
    """Receives what enrichment measured: time per step, and pay figures dropped by the
    sanity bounds (metrics in the worker). Must not raise."""

    def observe(self, enricher: str, seconds: float) -> None: ...

    def salary_dropped(self, dropped: Sequence[DroppedPay]) -> None: ...


class EnrichmentStep(Protocol):
    """One enricher (see the module docstring for the contract)."""

    @property
    def name(self) -> str: ...

    @property
    def version(self) -> str: ...

    @property
    def part(self) -> type[BaseModel]: ...

    def run(self, posting: PreparedPosting, observer: EnrichmentObserver | None) -> BaseModel:
        """This step's fields for one posting. Pure; may raise (that posting is dead-lettered)."""
        ...
