"""The skills taxonomy: entries, validation, a content-derived version, loading and JSON.

The curated data lives in `stream/enrich/skills/taxonomy/data/*.toml`, one file per domain,
so that a 2,500+ entry taxonomy stays reviewable: top-level `category` and `group` keys give
the defaults for the file, and `skill = [...]` holds one inline table per line, one skill per
line, so that reviews, greps and diffs work entry by entry. `_meta.toml` declares the data
version. `SkillEntry` documents the fields and how each form matches.

The version is "{declared}-{first 4 hex of sha256(canonical JSON of the entries)}", so any
data change produces a new version even when nobody bumps the declared one; the enrichment
cache is keyed by it, so a change can never serve stale tags.

Errors: every problem is raised as `TaxonomyError` (a ValueError) listing all problems at
once. For the worker this is a crash-at-start error (bundled data) or a reject-the-update
error (a taxonomy published to Redis), never a per-message one.
"""

from __future__ import annotations

import hashlib
import json
import re
import tomllib
from collections.abc import Iterable, Mapping
from importlib import resources
from importlib.resources.abc import Traversable
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_VERSION = re.compile(r"^(?P<declared>[0-9A-Za-z][0-9A-Za-z.]*)-(?P<digest>[0-9a-f]{4})$")

_FILE_DEFAULTS = ("category", "group")
# label -> concept URI for the entries' `esco_label` (scripts/esco_uris.py), not a skill file.
_ESCO_URIS = "_esco_uris.toml"
_ESCO_URI = re.compile(
    r"^http://data\.europa\.eu/esco/skill/[0-9a-f]{8}(?:-[0-9a-f]{4}){3}-[0-9a-f]{12}$"
)

CATEGORIES: frozenset[str] = frozenset(
    {
        "programming_language",
        "query_language",
        "markup_language",
        "framework",
        "library",
        "ml_library",
        "database",
        "cloud_platform",
        "cloud_service",
        "data_tool",
        "devops_tool",
        "observability_tool",
        "tool",
        "business_software",
        "operating_system",
        "concept",
        "methodology",
        "certification",
        "license",
        "qualification",
        "spoken_language",
        "clinical_skill",
        "finance_skill",
        "trade_skill",
        "science_skill",
        "logistics_skill",
        "soft_skill",
        "business_skill",
        "marketing_skill",
        "education_skill",
        "legal_skill",
        "design_tool",
        # 2026.12.3: ESCO's occupations beyond offices, clinics and sites
        "arts_skill",
        "agriculture_skill",
        "social_care_skill",
    }
)
"""Allowed categories: a closed set, so that consumers can facet on them safely."""


# A `corroborated_by` value that no skill's group is: the entry's weak forms tag only where
# the words around them say a skill ("experience in sales", an "Industry:" line; the skill
# cues of stream/enrich/skills/cues.py), never because another skill is in the posting. For
# broad words ("sales", "leadership") that a posting with any related skill would
# otherwise tag in "sales team" or "our leadership".
CUE_ONLY = "cue_only"


class TaxonomyError(ValueError):
    """The taxonomy data is invalid; `problems` lists every problem found."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        shown = "; ".join(problems[:20])
        more = f" (+{len(problems) - 20} more)" if len(problems) > 20 else ""
        super().__init__(f"invalid taxonomy: {shown}{more}")


class SkillEntry(BaseModel):
    """One skill. How its surface forms match:

    - `name` and `aliases` match case-insensitively at token boundaries;
    - `cased_aliases` match only exactly as written ("Go", "R", "Excel"), and not as the
      first word of a sentence followed by a lowercase word ("Go the extra mile");
    - when `ambiguous` is true, the cased aliases are weak evidence: they tag only when
      another skill of a `corroborated_by` group (default: the entry's own group) is
      present, or where the words around it say a skill ("experience in sales"; with
      `corroborated_by = ["cue_only"]` only there). The name and plain `aliases`
      ("golang", "reactjs") always tag.
    A name equal (ignoring case) to a cased alias is matched only in its cased forms, which
    is how a name like "Go" or "pandas" becomes weak.
    Links: `esco_label` is the exact ESCO v1.1 preferred label of the same skill,
    `esco_uri` its concept URI (filled from `_esco_uris.toml` by the loader), `onet_name`
    the exact O*NET technology example name.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str
    name: str
    category: str
    group: str
    aliases: tuple[str, ...] = ()
    cased_aliases: tuple[str, ...] = ()
    ambiguous: bool = False
    corroborated_by: tuple[str, ...] = ()
    esco_uri: str | None = None
    esco_label: str | None = None
    onet_name: str | None = None

    def evidence_groups(self) -> tuple[str, ...]:
        """Groups whose presence corroborates this skill's weak forms."""
        return self.corroborated_by or (self.group,)


def validate_taxonomy(entries: Iterable[SkillEntry]) -> list[str]:
    """Every problem in `entries`, as human-readable strings; empty when the data is valid.

    Checks: slug ids, unique ids and names, non-empty names/categories/groups, known
    categories and corroborating groups, single-character forms only as cased aliases, no
    surface form claimed by two skills unless every claimant is marked ambiguous.
    """
    entries = list(entries)
    problems: list[str] = []
    seen_ids: set[str] = set()
    seen_names: dict[str, str] = {}
    claims: dict[str, list[SkillEntry]] = {}
    groups = {e.group for e in entries}
    for entry in entries:
        where = f"skill {entry.id!r}"
        if not _ID.match(entry.id):
            problems.append(f"{where}: id must be a lowercase slug")
        if entry.id in seen_ids:
            problems.append(f"{where}: duplicate id")
        seen_ids.add(entry.id)
        for field in ("name", "category", "group"):
            value: str = getattr(entry, field)
            if not value.strip():
                problems.append(f"{where}: empty {field}")
        if entry.esco_uri is not None and not _ESCO_URI.match(entry.esco_uri):
            problems.append(f"{where}: esco_uri {entry.esco_uri!r} is not an ESCO skill URI")
        if entry.category and entry.category not in CATEGORIES:
            problems.append(f"{where}: unknown category {entry.category!r}")
        folded_name = entry.name.casefold()
        if entry.name.strip() and folded_name in seen_names:
            problems.append(
                f"{where}: name {entry.name!r} also used by {seen_names[folded_name]!r}"
            )
        seen_names.setdefault(folded_name, entry.id)
        if entry.group == CUE_ONLY:
            problems.append(f"{where}: group {CUE_ONLY!r} is reserved for corroborated_by")
        for group in entry.corroborated_by:
            if group not in groups and group != CUE_ONLY:
                problems.append(f"{where}: corroborated_by names unknown group {group!r}")
        problems.extend(_form_problems(entry, where))
        for key in {f.casefold() for f in (entry.name, *entry.aliases, *entry.cased_aliases)}:
            if key.strip():
                claims.setdefault(key, []).append(entry)
    for key, claimants in sorted(claims.items()):
        if len(claimants) > 1 and not all(c.ambiguous for c in claimants):
            ids = ", ".join(sorted(c.id for c in claimants))
            problems.append(f"alias {key!r} claimed by several skills ({ids}): mark all ambiguous")
    return problems


def _form_problems(entry: SkillEntry, where: str) -> list[str]:
    problems: list[str] = []
    cased_keys = {f.casefold() for f in entry.cased_aliases}
    for form in (*entry.aliases, *entry.cased_aliases):
        if not form.strip() or form != form.strip():
            problems.append(f"{where}: empty or padded alias {form!r}")
    for form in entry.aliases:
        if len(form.strip()) == 1:
            problems.append(f"{where}: one-character alias {form!r} must be a cased alias")
        if form.casefold() in cased_keys:
            problems.append(f"{where}: {form!r} is both a plain and a cased alias")
    if len(entry.name.strip()) == 1 and entry.name.casefold() not in cased_keys:
        problems.append(f"{where}: one-character name must also be a cased alias")
    return problems


def _canonical_digest(entries: tuple[SkillEntry, ...]) -> str:
    payload = json.dumps(
        [e.model_dump(mode="json") for e in entries],
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


class Taxonomy(BaseModel):
    """A validated, versioned, immutable set of skills, sorted by id."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    version: str = Field(description="'{declared}-{4 hex of the content sha256}'.")
    entries: tuple[SkillEntry, ...]

    @classmethod
    def build(cls, declared_version: str, entries: Iterable[SkillEntry]) -> Taxonomy:
        """Validate `entries` and stamp them with a content-derived version."""
        ordered = tuple(sorted(entries, key=lambda e: e.id))
        problems = validate_taxonomy(ordered)
        if not re.match(r"^[0-9A-Za-z][0-9A-Za-z.]*$", declared_version):
            problems.append(f"declared version {declared_version!r} must be like '2026.11.1'")
        if problems:
            raise TaxonomyError(problems)
        digest = _canonical_digest(ordered)[:4]
        return cls(version=f"{declared_version}-{digest}", entries=ordered)

    @property
    def declared_version(self) -> str:
        return self.version.rsplit("-", 1)[0]

    @classmethod
    def bundled(cls) -> Taxonomy:
        """The taxonomy shipped in the package (stream/enrich/skills/taxonomy/data/*.toml)."""
        return cls.from_directory(resources.files("stream.enrich.skills.taxonomy").joinpath("data"))

    @classmethod
    def from_directory(cls, directory: Traversable) -> Taxonomy:
        """Load `_meta.toml` and every other `*.toml` domain file in `directory`."""
        files = sorted(
            (f for f in directory.iterdir() if f.name.endswith(".toml")), key=lambda f: f.name
        )
        meta: dict[str, Any] = {}
        uris: dict[str, Any] = {}
        entries: list[SkillEntry] = []
        problems: list[str] = []
        for file in files:
            try:
                doc = tomllib.loads(file.read_text(encoding="utf-8"))
            except tomllib.TOMLDecodeError as exc:
                problems.append(f"{file.name}: {exc}")
                continue
            if file.name == "_meta.toml":
                meta = doc
                continue
            if file.name == _ESCO_URIS:
                uris = doc.get("uri", {})
                continue
            try:
                entries.extend(entries_from_document(doc))
            except TaxonomyError as exc:
                problems.extend(f"{file.name}: {p}" for p in exc.problems)
        declared = meta.get("version")
        if not isinstance(declared, str):
            problems.append("_meta.toml: missing string 'version'")
        if problems or not isinstance(declared, str):
            raise TaxonomyError(problems)
        return cls.build(declared, with_esco_uris(entries, uris))

    def to_json(self) -> str:
        """Compact JSON, the form published to Redis for hot reload."""
        return self.model_dump_json()

    @classmethod
    def from_json(cls, payload: str | bytes) -> Taxonomy:
        """Parse, re-validate and check that the version matches the content."""
        try:
            raw = cls.model_validate_json(payload)
        except ValidationError as exc:
            raise TaxonomyError([f"not a taxonomy document: {exc}"]) from exc
        match = _VERSION.match(raw.version)
        if match is None:
            raise TaxonomyError([f"malformed version {raw.version!r}"])
        rebuilt = cls.build(match["declared"], raw.entries)
        if rebuilt.version != raw.version:
            raise TaxonomyError(
                [f"version {raw.version!r} does not match content ({rebuilt.version!r})"]
            )
        return rebuilt


def with_esco_uris(entries: Iterable[SkillEntry], uris: Mapping[str, Any]) -> list[SkillEntry]:
    """The entries with `esco_uri` filled from their `esco_label` where `uris` (the
    `_esco_uris.toml` table, label -> URI, built by scripts/esco_uris.py) has it."""
    return [
        e.model_copy(update={"esco_uri": str(uris[e.esco_label])})
        if e.esco_uri is None and e.esco_label is not None and e.esco_label in uris
        else e
        for e in entries
    ]


def entries_from_document(doc: Mapping[str, Any]) -> list[SkillEntry]:
    """The entries of one domain file: the file's `category`/`group` under each skill."""
    unknown = set(doc) - {*_FILE_DEFAULTS, "skill"}
    problems = [f"unknown top-level key {k!r}" for k in sorted(unknown)]
    defaults = {k: doc[k] for k in _FILE_DEFAULTS if k in doc}
    entries: list[SkillEntry] = []
    for i, item in enumerate(doc.get("skill", [])):
        try:
            entries.append(SkillEntry.model_validate({**defaults, **item}))
        except ValidationError as exc:
            label = item.get("id", f"#{i}") if isinstance(item, dict) else f"#{i}"
            errors = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
            problems.append(f"skill {label!r}: {errors}")
    if problems:
        raise TaxonomyError(problems)
    return entries
