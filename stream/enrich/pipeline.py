"""The enrichment itself: RawPosting -> EnrichedPosting, a pure function of its inputs.

No Kafka, no Redis: the processor decodes, consults the cache, calls this, and hands the
result on. `Enricher.compute` prepares the posting text once and runs the registered steps
(`stream.enrich.registry`) in order, timing each by name; their parts together are the
`Enrichment`, which is what the cache stores, keyed by (enricher version, every step's
version, content hash), because it depends only on the content and the versions.
`assemble` rebuilds the envelope (ids, timestamps) around it every time.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from pydantic import BaseModel, ConfigDict, ValidationError, create_model
from stream_native import content_canonical

from stream import __version__, codecs
from stream.config import EnrichmentSettings
from stream.enrich.fx import FxRates
from stream.enrich.registry import STEPS, StepFactory, StepResources
from stream.enrich.skills.extract import Engine
from stream.enrich.skills.taxonomy import Taxonomy
from stream.enrich.step import (
    EnrichmentObserver,
    EnrichmentStep,
    PreparedPosting,
    construct,
    fields_of,
)
from stream.enrich.text import normalize_text
from stream.models import EnrichedPosting, RawPosting, posting_id_of

ENRICHER_VERSION = __version__

# The fields that make up a posting's content. Timestamps, url and extra are left out on
# purpose: a re-scrape of the same page (new scraped_at, new tracking parameters) is
# "unchanged" and must not emit a new record or change event.
_CONTENT_FIELDS = ("title", "company", "location", "salary_text", "employment_type", "description")
# What `assemble` copies from the raw posting (the enriched one has its own schema version).
_RAW_FIELDS = tuple(name for name in RawPosting.model_fields if name != "schema_version")
# What `assemble` sets around the steps' fields.
_ENVELOPE_FIELDS = {
    "posting_id",
    "content_hash",
    "enriched_at",
    "enricher_version",
    "taxonomy_version",
}


class Enrichment(BaseModel):
    """The cacheable part of an enriched posting: every step's fields, side by side. Each
    Enricher makes the subclass for its steps (`Enricher.enrichment_model`)."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class PostingBudget(Protocol):
    """The per-posting time limit around `Enricher.compute_batch`'s pieces of work (the
    worker passes its `budget.MessageBudget`). `start(spent)`: one posting's piece begins,
    that posting has already used `spent` seconds of its own work; raise inside the piece
    once its total goes over the limit. `stop()`: the piece ended (or failed)."""

    def start(self, spent: float = 0.0) -> None: ...

    def stop(self) -> None: ...


@dataclass(frozen=True, slots=True)
class ContentDigests:
    """`content`: 128-bit hex digest of the normalized content fields; `description`: a short
    digest of the normalized description alone (change events show that it changed). Both
    are whitespace-insensitive and come from one normalization pass."""

    content: str
    description: str


def content_digests(raw: RawPosting) -> ContentDigests:
    # The canonical bytes are those of `canonical_content_python` below, built in one
    # compiled pass (~5 µs against ~45 µs a posting). The digest keys the cache and names
    # change events, so they must never differ: tests/unit/test_digest_native.py holds
    # them equal on every sample posting and on generated text, and pins a digest.
    canonical, description = content_canonical(
        raw.company or "",
        raw.description or "",
        raw.employment_type or "",
        raw.location or "",
        raw.salary_text or "",
        raw.title or "",
    )
    return ContentDigests(
        content=hashlib.blake2b(canonical, digest_size=16).hexdigest(),
        description=hashlib.blake2b(description, digest_size=8).hexdigest(),
    )


def canonical_content_python(raw: RawPosting) -> tuple[bytes, bytes]:
    """The reference for `content_canonical`: each content field's words joined by one
    space, as sorted-key JSON without ASCII escapes, and the normalized description."""
    normalized = {name: " ".join((getattr(raw, name) or "").split()) for name in _CONTENT_FIELDS}
    canonical = json.dumps(normalized, sort_keys=True, ensure_ascii=False).encode("utf-8")
    return canonical, normalized["description"].encode("utf-8")


def enrichment_model(steps: Sequence[EnrichmentStep]) -> type[Enrichment]:
    """One model with every step's fields; two steps may not claim the same field."""
    fields: dict[str, Any] = {}
    for step in steps:
        for name, info in step.part.model_fields.items():
            if name in fields:
                raise ValueError(f"step {step.name!r} claims field {name!r} a step before it has")
            fields[name] = (info.annotation, info)
    return create_model("Enrichment", __base__=Enrichment, **fields)


@dataclass(frozen=True)
class Enricher:
    """The registered steps, built once from the expensive resources (matcher, FX rates)."""

    resources: StepResources
    steps: tuple[EnrichmentStep, ...]
    factories: tuple[StepFactory, ...]
    enrichment_model: type[Enrichment]
    posting_model: type[EnrichedPosting] = EnrichedPosting
    # The order `encode_entry` writes the fields in, the posting's; None when this
    # enricher's fields are not exactly the posting's tail (`splices`).
    entry_order: tuple[str, ...] | None = field(default=None, compare=False, repr=False)

    @classmethod
    def build(
        cls,
        taxonomy: Taxonomy,
        fx: FxRates | None = None,
        *,
        skill_evidence: bool = False,
        skill_engine: Engine = "native",
        settings: EnrichmentSettings | None = None,
        factories: Sequence[StepFactory] = STEPS,
        posting_model: type[EnrichedPosting] = EnrichedPosting,
    ) -> Enricher:
        """`settings` wins over the two skill keywords (kept for scripts and tests)."""
        settings = settings or EnrichmentSettings(
            skill_evidence=skill_evidence, skill_engine=skill_engine
        )
        resources = StepResources(taxonomy, fx or FxRates.bundled(), settings)
        return cls._from(resources, tuple(factories), posting_model)

    @classmethod
    def _from(
        cls,
        resources: StepResources,
        factories: tuple[StepFactory, ...],
        posting_model: type[EnrichedPosting],
    ) -> Enricher:
        steps = tuple(factory(resources) for factory in factories)
        model = enrichment_model(steps)  # refuses two steps claiming one field
        produced = set(model.model_fields)
        unknown = produced - posting_model.model_fields.keys()
        if unknown:
            raise ValueError(f"step fields missing on {posting_model.__name__}: {sorted(unknown)}")
        required = {n for n, f in posting_model.model_fields.items() if f.is_required()}
        unmade = required - produced - RawPosting.model_fields.keys() - _ENVELOPE_FIELDS
        if unmade:
            raise ValueError(f"no step produces required field(s): {sorted(unmade)}")
        return cls(
            resources,
            steps,
            factories,
            model,
            posting_model,
            _entry_order(model, posting_model),
        )

    def with_taxonomy(self, taxonomy: Taxonomy) -> Enricher:
        """The same steps and settings over another taxonomy (hot reload)."""
        resources = StepResources(taxonomy, self.resources.fx, self.resources.settings)
        return self._from(resources, self.factories, self.posting_model)

    @property
    def taxonomy(self) -> Taxonomy:
        return self.resources.taxonomy

    @property
    def taxonomy_version(self) -> str:
        return self.resources.taxonomy.version

    @property
    def settings(self) -> EnrichmentSettings:
        return self.resources.settings

    @property
    def cache_variant(self) -> str:
        """What, besides the enricher version and the content, a cached result depends on:
        every step's name and version ("skills=2026.11.2-ab12cd34,salary=1")."""
        return ",".join(f"{step.name}={step.version}" for step in self.steps)

    def compute(self, raw: RawPosting, observer: EnrichmentObserver | None = None) -> Enrichment:
        """Run every step on one posting (the expensive, cacheable part)."""
        started = time.perf_counter()
        posting = PreparedPosting(raw, normalize_text(raw.title), normalize_text(raw.description))
        fields: dict[str, Any] = {}
        clock = time.perf_counter()
        if observer is not None:
            observer.observe("normalize", clock - started)
        for step in self.steps:
            fields.update(fields_of(step.run(posting, observer)))
            if observer is not None:
                now = time.perf_counter()
                observer.observe(step.name, now - clock)
                clock = now
        return construct(self.enrichment_model, fields)

    def compute_batch(
        self,
        raws: Sequence[RawPosting],
        observer: EnrichmentObserver | None = None,
        budget: PostingBudget | None = None,
    ) -> list[Enrichment | Exception]:
        """`compute` for each posting, in order, step by step: the text of every posting is
        prepared, then the first step runs over all of them, then the second, and so on.

        Why: each step walks its own tables (the skills automaton alone is ~200,000 states);
        run posting by posting, every step evicts the previous one's from the CPU caches and
        the next posting starts cold. Run over a batch, a step's tables stay warm from one
        posting to the next (docs/performance.md, "Enrichment in batches").

        The result is what `compute` returns for each posting, or the exception it would
        raise: a posting whose step raises fails alone, its later steps are skipped (as in
        `compute`) and the other postings go on. Outputs are equal to `compute`'s because
        steps are pure and share nothing but memos of pure functions (tests/unit/
        test_compute_batch.py holds them equal, failures included). The observer sees the
        same figures per posting and step, in another order.

        `budget` limits each posting's own work, not the batch's: its steps are timed and a
        posting's pieces together get the whole budget, however long the other postings of
        the batch take between them."""
        count = len(raws)
        spent = [0.0] * count
        failed: list[Exception | None] = [None] * count
        prepared: list[PreparedPosting | None] = [None] * count
        fields: list[dict[str, Any]] = [{} for _ in range(count)]
        perf_counter = time.perf_counter
        for index, raw in enumerate(raws):
            started = perf_counter()
            try:
                if budget is not None:
                    budget.start()
                try:
                    prepared[index] = PreparedPosting(
                        raw, normalize_text(raw.title), normalize_text(raw.description)
                    )
                finally:
                    if budget is not None:
                        budget.stop()
            except Exception as exc:  # this posting fails as `compute` would; not the batch
                failed[index] = exc
                continue
            spent[index] = elapsed = perf_counter() - started
            if observer is not None:
                observer.observe("normalize", elapsed)
        for step in self.steps:
            run, name = step.run, step.name
            for index, posting in enumerate(prepared):
                if posting is None or failed[index] is not None:
                    continue
                started = perf_counter()
                try:
                    if budget is not None:
                        budget.start(spent[index])
                    try:
                        fields[index].update(fields_of(run(posting, observer)))
                    finally:
                        if budget is not None:
                            budget.stop()
                except Exception as exc:
                    failed[index] = exc
                    continue
                elapsed = perf_counter() - started
                spent[index] += elapsed
                if observer is not None:
                    observer.observe(name, elapsed)
        model = self.enrichment_model
        return [
            error if error is not None else construct(model, values)
            for error, values in zip(failed, fields, strict=True)
        ]

    def decode(self, value: bytes | str) -> Enrichment | None:
        """A cached enrichment, or None when it was written by an incompatible build."""
        try:
            return self.enrichment_model.model_validate_json(value)
        except ValidationError:
            return None

    @staticmethod
    def encode(enrichment: Enrichment) -> str:
        return enrichment.model_dump_json()

    @staticmethod
    def encode_bytes(enrichment: Enrichment) -> bytes:
        """`encode(enrichment).encode("utf-8")`, straight from the model's serializer:
        `model_dump_json` decodes these bytes into a str, which Redis then needs encoded
        back (~1 µs a cache entry each way, on the worker's main thread for the first).
        tests/unit/test_assemble_fast.py holds both equal on every sample posting."""
        return enrichment.__pydantic_serializer__.to_json(enrichment)

    @property
    def splices(self) -> bool:
        """Whether `encode_entry` writes exactly the tail of the postings `assemble` builds:
        `codecs.encode_posting(posting, encode_entry(enrichment))` is then `encode(posting)`."""
        return self.entry_order is not None

    def encode_entry(self, enrichment: Enrichment) -> bytes:
        """The cache entry: `encode_bytes(enrichment)` with the fields in the posting's
        order (`decode` reads them by name, so any order decodes to an equal model). That
        makes the entry the posting's own tail, which the committer splices into the
        posting's JSON instead of serializing the enrichment a second time
        (`codecs.encode_posting`). pydantic writes a model's fields in its `__dict__`'s
        order, which is the steps' order (it names the cache variant, so it stays): the
        entry is written from a copy of the instance whose `__dict__` is reordered (~1 µs)."""
        order = self.entry_order
        values = enrichment.__dict__
        if order is None or tuple(values) == order:
            return self.encode_bytes(enrichment)
        model = type(enrichment)
        view = model.__new__(model)
        object.__setattr__(view, "__dict__", {name: values[name] for name in order})
        object.__setattr__(view, "__pydantic_fields_set__", enrichment.__pydantic_fields_set__)
        object.__setattr__(view, "__pydantic_extra__", None)
        object.__setattr__(view, "__pydantic_private__", None)
        return model.__pydantic_serializer__.to_json(view)

    def assemble(
        self, raw: RawPosting, enrichment: Enrichment, digest: str, now: dt.datetime
    ) -> EnrichedPosting:
        """The EnrichedPosting envelope around a (possibly cached) enrichment.

        Built without validating again: the raw posting and the enrichment are validated
        models already (a cached one by `decode`, a computed one by its steps' part models),
        so validation would only copy them, at ~10% of the worker's cost outside enrichment.
        tests/unit/test_processing.py checks that assembled postings validate unchanged."""
        fields: dict[str, Any]
        if type(raw) is RawPosting:
            # Its __dict__ is exactly its fields (unknown input fields are moved into
            # `extra`): copied whole rather than read one by one (~1 µs a posting).
            fields = raw.__dict__.copy()
            del fields["schema_version"]  # the enriched posting has its own
        else:  # a subclass may have more fields: only RawPosting's are the posting's
            fields = {name: getattr(raw, name) for name in _RAW_FIELDS}
        # Its __dict__ is exactly its fields (extra="forbid"): what dict(enrichment) gives,
        # without iterating the model (~5 µs a posting).
        fields.update(enrichment.__dict__)
        fields.update(
            posting_id=posting_id_of(raw),
            content_hash=digest,
            enriched_at=now,
            enricher_version=ENRICHER_VERSION,
            taxonomy_version=self.taxonomy_version,
        )
        model = self.posting_model
        plan = _ASSEMBLY.get(model)
        if plan is None or fields.keys() != plan.given:
            plan = _ASSEMBLY[model] = _assembly_plan(model, fields.keys())
        if plan.order is None:
            return model.model_construct(**fields)
        # `model_construct(**fields)` without its per-field loop over aliases and defaults
        # (~40 fields, ~10 µs a posting): the same `__dict__` (in field order, which the
        # JSON keeps, a left-out field at its default), fields set, extra and private.
        # tests/unit/test_assemble_fast.py holds both equal on every sample posting.
        instance = model.__new__(model)
        object.__setattr__(
            instance, "__dict__", {name: fields.get(name, default) for name, default in plan.order}
        )
        object.__setattr__(instance, "__pydantic_fields_set__", set(plan.given))
        object.__setattr__(instance, "__pydantic_extra__", {} if plan.extra_allowed else None)
        object.__setattr__(instance, "__pydantic_private__", None)
        return instance


def _entry_order(
    model: type[Enrichment], posting_model: type[EnrichedPosting]
) -> tuple[str, ...] | None:
    """The posting's tail (`codecs.POSTING_TAIL`), the order `encode_entry` writes `model`'s
    fields in; None when its JSON could differ from that tail however ordered: other field
    names or types, a posting subclass, or anything else that changes serialization
    (aliases, excluded or computed fields, custom serializers)."""
    names = codecs.POSTING_TAIL
    if posting_model is not EnrichedPosting or set(model.model_fields) != set(names):
        return None
    if model.model_config.get("extra") == "allow":
        return None  # extra values would be written after the fields
    ours, theirs = model.model_fields, posting_model.model_fields
    for name in names:
        a, b = ours[name], theirs[name]
        if a.annotation != b.annotation or any(
            info.serialization_alias or info.alias or info.exclude for info in (a, b)
        ):
            return None
    for cls in (model, posting_model):
        decorators = cls.__pydantic_decorators__
        if (
            decorators.field_serializers
            or decorators.model_serializers
            or decorators.computed_fields
        ):
            return None
    return names


@dataclass(frozen=True, slots=True)
class _AssemblyPlan:
    """How `assemble` builds a posting model from the names it was given: `order` is every
    field in the model's order with the default a left-out field gets, None when only
    `model_construct` will do (see `_assembly_plan`)."""

    given: frozenset[str]
    order: tuple[tuple[str, Any], ...] | None
    extra_allowed: bool


# Per posting model: the plan for the names `assemble` last gave it (the same every posting
# of one enricher; rebuilt when they differ).
_ASSEMBLY: dict[type[BaseModel], _AssemblyPlan] = {}

# Defaults `model_construct` would hand out unchanged (it deep-copies a default: the same
# object only for these).
_IMMUTABLE = (int, float, str, bool, bytes, type(None))


def _assembly_plan(model: type[BaseModel], names: Iterable[str]) -> _AssemblyPlan:
    given = frozenset(names)
    extra_allowed = model.model_config.get("extra") == "allow"
    fields = model.__pydantic_fields__
    plain = not (
        model.__private_attributes__
        or model.__pydantic_post_init__
        or model.__pydantic_root_model__
        or any(f.alias is not None or f.validation_alias is not None for f in fields.values())
        or not given <= fields.keys()  # model_construct would put these into extra
    )
    order: list[tuple[str, Any]] = []
    for name, info in fields.items():
        if name in given:
            order.append((name, None))
        elif info.default_factory is None and isinstance(info.default, _IMMUTABLE):
            order.append((name, info.default))
        else:  # required, or a default model_construct copies or makes: not ours to build
            plain = False
    return _AssemblyPlan(given, tuple(order) if plain else None, extra_allowed)
