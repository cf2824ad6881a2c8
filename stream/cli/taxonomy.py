"""`stream taxonomy`: inspect, validate and publish the skills taxonomy.

- `stats`: version, entry and form counts, per category and group;
- `list [--category C] [--group G]`: one entry per line (id, name, category, group);
- `search TEXT`: entries whose id, name, a surface form or an ESCO/O*NET link contains TEXT
  (case-insensitive);
- `show ID`: one entry with all its fields, as JSON;
- `validate [DIR]`: load and validate the bundled data (or a directory of TOML files);
- `push [--dry-run]`: publish the bundled taxonomy to Redis (stream/stores/taxonomy.py),
  where running workers pick it up by its version.

Mount it in stream/cli/main.py with `app.add_typer(taxonomy.app, name="taxonomy")`; it also runs
alone as `python -m stream.cli.taxonomy`. Exit codes: 0 ok, 1 invalid data or not
found, 2 Redis unreachable.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

# Commands import what they use when they run: `stream --help` must not load the taxonomy,
# pydantic or redis (stream/cli/__init__.py).
if TYPE_CHECKING:
    from stream.enrich.skills.taxonomy import SkillEntry, Taxonomy


def _bundled() -> Taxonomy:
    from stream.enrich.skills.taxonomy import Taxonomy

    return Taxonomy.bundled()


app = typer.Typer(
    rich_markup_mode=None, help="The skills taxonomy: list, search, validate, publish."
)


def _forms(entry: SkillEntry) -> tuple[str, ...]:
    return (entry.name, *entry.aliases, *entry.cased_aliases)


def _line(entry: SkillEntry) -> str:
    return f"{entry.id}\t{entry.name}\t{entry.category}\t{entry.group}"


@app.command()
def stats() -> None:
    """Version and counts: entries, surface forms, per category and per group."""
    taxonomy = _bundled()
    entries = taxonomy.entries
    forms = sum(len(_forms(e)) for e in entries)
    typer.echo(f"version {taxonomy.version}: {len(entries)} skills, {forms} surface forms")
    typer.echo(
        f"ambiguous {sum(e.ambiguous for e in entries)}, "
        f"with ESCO URI {sum(e.esco_uri is not None for e in entries)}, "
        f"with ESCO label {sum(e.esco_label is not None for e in entries)}, "
        f"with O*NET name {sum(e.onet_name is not None for e in entries)}"
    )
    typer.echo("categories:")
    for name, count in Counter(e.category for e in entries).most_common():
        typer.echo(f"  {name}\t{count}")
    typer.echo("groups:")
    for name, count in Counter(e.group for e in entries).most_common():
        typer.echo(f"  {name}\t{count}")


@app.command("list")
def list_entries(
    category: Annotated[str | None, typer.Option(help="Only this category.")] = None,
    group: Annotated[str | None, typer.Option(help="Only this group.")] = None,
) -> None:
    """One entry per line: id, name, category, group (tab-separated)."""
    for entry in _bundled().entries:
        if category is not None and entry.category != category:
            continue
        if group is not None and entry.group != group:
            continue
        typer.echo(_line(entry))


@app.command()
def search(text: Annotated[str, typer.Argument(help="Substring, case-insensitive.")]) -> None:
    """Entries whose id, name, any surface form or ESCO/O*NET link (label, name or ESCO
    concept URI) contains TEXT."""
    needle = text.casefold()
    found = 0
    for entry in _bundled().entries:
        links = (entry.esco_label or "", entry.onet_name or "", entry.esco_uri or "")
        if needle in entry.id or any(needle in f.casefold() for f in (*_forms(entry), *links)):
            typer.echo(_line(entry))
            found += 1
    if not found:
        typer.echo(f"no skill matches {text!r}", err=True)
        raise typer.Exit(1)


@app.command()
def show(skill_id: Annotated[str, typer.Argument(metavar="ID", help="A skill id.")]) -> None:
    """One entry with all its fields, as JSON."""
    for entry in _bundled().entries:
        if entry.id == skill_id:
            typer.echo(json.dumps(entry.model_dump(mode="json"), indent=2, ensure_ascii=False))
            return
    typer.echo(f"no skill with id {skill_id!r}", err=True)
    raise typer.Exit(1)


@app.command()
def validate(
    directory: Annotated[
        Path | None, typer.Argument(help="A directory of taxonomy TOML files; default bundled.")
    ] = None,
) -> None:
    """Load and validate: ids, names, categories, aliases claimed twice, the version."""
    from stream.enrich.skills.taxonomy import Taxonomy, TaxonomyError

    try:
        taxonomy = Taxonomy.bundled() if directory is None else Taxonomy.from_directory(directory)
    except TaxonomyError as exc:
        for problem in exc.problems:
            typer.echo(problem, err=True)
        typer.echo(f"invalid: {len(exc.problems)} problems", err=True)
        raise typer.Exit(1) from exc
    typer.echo(f"valid: version {taxonomy.version}, {len(taxonomy.entries)} skills")


@app.command()
def push(
    dry_run: Annotated[bool, typer.Option(help="Only show what would be published.")] = False,
) -> None:
    """Publish the bundled taxonomy to Redis and point workers at its version."""
    import redis

    from stream.config import load_settings
    from stream.stores.client import redis_client
    from stream.stores.taxonomy import current_version, publish_taxonomy

    taxonomy = _bundled()
    settings = load_settings().redis
    if dry_run:
        typer.echo(f"would publish {taxonomy.version} under prefix {settings.key_prefix!r}")
        return
    client = redis_client(settings, timeout_s=max(settings.socket_timeout_s, 5.0))
    try:
        before = current_version(client, settings.key_prefix)
        version = publish_taxonomy(client, taxonomy, settings.key_prefix)
    except redis.RedisError as exc:
        typer.echo(f"redis error: {exc}", err=True)
        raise typer.Exit(2) from exc
    finally:
        client.close()
    change = "unchanged" if before == version else f"was {before or 'none'}"
    typer.echo(f"published {version} ({len(taxonomy.entries)} skills; {change})")


if __name__ == "__main__":
    app()
