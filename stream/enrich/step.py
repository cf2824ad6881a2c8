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
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from pydantic import BaseModel

from stream.models import RawPosting

if TYPE_CHECKING:
    from stream.enrich.salary.judge import DroppedPay


ModelT = TypeVar("ModelT", bound=BaseModel)


def construct(model: type[ModelT], values: dict[str, Any]) -> ModelT:
    """`model.model_construct(**values)` without its per-field loop, for trusted values.

    Every posting builds one part per step and the enrichment around them; pydantic's
    `model_construct` (a loop over the fields, aliases, defaults, private attributes) cost
    a few µs each, several times a posting. For a plain model (no private attributes,
    extra fields, aliases, post-init or root) given exactly its fields, the instance is
    its `__dict__` plus three slots, which is what this sets; otherwise it is
    `model_construct`. `values` becomes the instance's `__dict__`: the caller must not
    mutate it afterwards. tests/unit/test_enrichment_steps.py holds both equal.
    """
    names = _PLAIN.get(model)
    if names is None:
        names = _PLAIN[model] = tuple(model.__pydantic_fields__) if _is_plain(model) else ()
    if not names or tuple(values) != names:  # in field order, as model_construct keeps them
        return model.model_construct(**values)
    instance = model.__new__(model)
    object.__setattr__(instance, "__dict__", values)
    object.__setattr__(instance, "__pydantic_fields_set__", set(values))
    object.__setattr__(instance, "__pydantic_extra__", None)
    object.__setattr__(instance, "__pydantic_private__", None)
    return instance


# Per model: its field names when it is plain (see `_is_plain`), else ().
_PLAIN: dict[type[BaseModel], tuple[str, ...]] = {}


def _is_plain(model: type[BaseModel]) -> bool:
    """Does `model_construct` on this model do nothing `construct` does not?"""
    return not (
        model.__private_attributes__
        or model.model_config.get("extra") == "allow"
        or model.__pydantic_post_init__
        or model.__pydantic_root_model__
        or any(f.alias is not None for f in model.__pydantic_fields__.values())
    )


def fields_of(part: BaseModel) -> dict[str, Any]:
    """A part's fields by name: `dict(part)` (pydantic's `__iter__` cost ~7 µs a call under
    load), read from its `__dict__` when there are no extra fields to add."""
    if part.__pydantic_extra__:
        return dict(part)
    return part.__dict__


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
