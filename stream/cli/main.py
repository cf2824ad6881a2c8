"""The `stream` command: the worker, the offline enricher and the operator tools.

Data goes to stdout, messages and logs to stderr, so every command can sit in a pipe.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import IO, TYPE_CHECKING, Annotated

import typer

from stream import __version__
from stream.cli import fx as fx_commands
from stream.cli import taxonomy as taxonomy_commands

# Each command imports what it needs when it runs (pydantic, Kafka, Redis, the skill
# tables): `stream --help` and `stream config` start in a fraction of a second.
if TYPE_CHECKING:
    from rich.console import Console

    from stream.config import Settings

app = typer.Typer(
    # Plain click help: rich's help renderer (markdown-it, rich.markdown) alone took
    # ~0.45 s to import, more than the whole command budget of 0.3 s.
    rich_markup_mode=None,
    help="Streaming enrichment of job postings: skills and salary, Kafka in, Kafka out.",
    invoke_without_command=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
topics_app = typer.Typer(
    rich_markup_mode=None, help="Create and list the service's Kafka topics.", no_args_is_help=True
)
schemas_app = typer.Typer(
    rich_markup_mode=None, help="JSON Schemas of the message contracts.", no_args_is_help=True
)
dlq_app = typer.Typer(
    rich_markup_mode=None, help="Inspect and replay the dead-letter queue.", no_args_is_help=True
)
app.add_typer(topics_app, name="topics")
app.add_typer(schemas_app, name="schemas")
app.add_typer(dlq_app, name="dlq")
app.add_typer(taxonomy_commands.app, name="taxonomy")
app.add_typer(fx_commands.app, name="fx")


@cache
def _err() -> Console:
    """stderr, for messages (data goes to stdout, so every command can sit in a pipe)."""
    from rich.console import Console

    return Console(stderr=True)


def _escape(text: str) -> str:
    """Text shown literally by rich (an error message may hold "[...]")."""
    from rich.markup import escape

    return escape(text)


FileArg = Annotated[
    Path | None,
    typer.Argument(help="JSON lines file; '-' or nothing reads stdin.", show_default=False),
]


def _settings() -> Settings:
    from stream.config import load_settings
    from stream.ops.logs import configure_logging

    settings = load_settings()
    configure_logging(settings.log_level, settings.log_format)
    return settings


@app.callback()
def _main(
    ctx: typer.Context,
    version: Annotated[bool, typer.Option("--version", help="Print the version and exit.")] = False,
) -> None:
    if version:
        typer.echo(__version__)
        raise typer.Exit
    if ctx.invoked_subcommand is None:
        typer.echo(ctx.get_help())
        raise typer.Exit


@app.command()
def run(
    processes: Annotated[
        int, typer.Option(min=1, help="Worker processes in the consumer group (one per core).")
    ] = 1,
) -> None:
    """Run the enrichment worker: postings.raw -> postings.enriched / .changes / .dlq."""
    from stream.errors import FatalError
    from stream.runtime.service import run_worker
    from stream.runtime.supervisor import supervise

    settings = _settings()
    if processes > 1:
        raise typer.Exit(supervise(settings, processes))
    try:
        run_worker(settings)
    except FatalError as exc:
        _err().print(f"[red]stopped: {_escape(str(exc))}[/]")
        raise typer.Exit(3) from exc


@app.command()
def trends(
    processes: Annotated[
        int,
        typer.Option(
            min=1,
            help="Instances in the consumer group (one per core); instance i serves "
            "web_port + i and keeps its data under data_dir/i.",
        ),
    ] = 1,
) -> None:
    """The market-trends app (faust-streaming): skill demand and pay per day (docs/trends.md)."""
    settings = _settings()
    if processes > 1:
        from stream.trends.processes import supervise

        raise typer.Exit(supervise(settings, processes))
    from stream.trends.app import Trends  # Faust is imported only by this command

    Trends(settings).run()


@app.command()
def enrich(
    file: FileArg = None,
    cache: Annotated[
        bool, typer.Option("--cache/--no-cache", help="Use the Redis cache from the settings.")
    ] = False,
    evidence: Annotated[
        bool,
        typer.Option(
            "--evidence",
            help="Give each skill tag the offsets of its mentions (enrichment.skill_evidence).",
        ),
    ] = False,
) -> None:
    """Enrich RawPosting JSON lines offline: one EnrichedPosting line per valid input line.

    Invalid lines are reported on stderr with their line number and skipped; the exit code
    is 0 when every line was enriched and 1 otherwise. Blank lines are ignored.
    """
    from stream.cli.offline import enrich_lines

    settings = _settings()
    if evidence:
        settings = settings.model_copy(
            update={"enrichment": settings.enrichment.model_copy(update={"skill_evidence": True})}
        )
    with _open_input(file) as lines:
        failed = enrich_lines(settings, lines, sys.stdout, _err(), use_cache=cache)
    raise typer.Exit(1 if failed else 0)


@app.command()
def publish(
    file: Annotated[Path, typer.Argument(help="JSON lines file to publish.")],
    topic: Annotated[str | None, typer.Option(help="Default: the raw topic.")] = None,
) -> None:
    """Publish JSON lines to Kafka (key = "{source}:{source_id}" when the line has them)."""
    from stream.cli.tools import publish_lines

    settings = _settings()
    delivered, failed = publish_lines(settings, file, topic or settings.topics.raw, _err())
    _err().print(f"published {delivered} messages, {failed} failed")
    raise typer.Exit(1 if failed else 0)


@app.command()
def tail(
    topic: Annotated[str, typer.Argument(help="Topic to read, e.g. postings.enriched.")],
    from_beginning: Annotated[bool, typer.Option(help="Start at the earliest offset.")] = False,
    max_messages: Annotated[int | None, typer.Option(help="Stop after this many.")] = None,
    idle_timeout: Annotated[
        float | None, typer.Option(help="Stop after this many seconds without a message.")
    ] = None,
    key: Annotated[str | None, typer.Option(help="Only messages with this key.")] = None,
    fmt: Annotated[
        str,
        typer.Option(
            "--format",
            help="pretty (JSON, long text cut), summary (one line each) or raw (as stored).",
        ),
    ] = "pretty",
) -> None:
    """Print the committed messages of a topic (read_committed)."""
    from stream.cli.tools import tail_topic

    if fmt not in ("pretty", "summary", "raw"):
        raise typer.BadParameter("must be pretty, summary or raw", param_hint="--format")
    settings = _settings()
    tail_topic(settings, topic, from_beginning, max_messages, idle_timeout, fmt, key)  # type: ignore[arg-type]


@app.command()
def config() -> None:
    """Print the effective settings (env, .env, defaults) with secrets masked."""
    from stream.config import load_settings, masked_settings

    settings = load_settings()
    typer.echo(json.dumps(masked_settings(settings), indent=2))


@app.command()
def samples(
    data_dir: Annotated[
        Path | None, typer.Option(help="Default: ../shared/data beside the repository.")
    ] = None,
    linkedin: Annotated[int, typer.Option(help="How many LinkedIn sample postings.")] = 5,
) -> None:
    """Write real sample postings (the seed + LinkedIn rows) as RawPosting JSON lines."""
    from stream.cli.samples import default_data_dir, demo_postings

    directory = data_dir or default_data_dir()
    if directory is None or not directory.is_dir():
        _err().print("[red]no reference data: pass --data-dir (../shared/data was not found)[/]")
        raise typer.Exit(2)
    for posting in demo_postings(directory, linkedin=linkedin):
        typer.echo(posting.model_dump_json(exclude_none=True))


@topics_app.command("create")
def topics_create(
    partitions: Annotated[int | None, typer.Option(help="Override the settings.")] = None,
) -> None:
    """Create every topic the service uses (existing ones are left as they are)."""
    from stream.runtime.kafka import create_topics

    settings = _settings()
    if partitions is not None:
        settings = settings.model_copy(
            update={"topics": settings.topics.model_copy(update={"partitions": partitions})}
        )
    for name, outcome in create_topics(settings).items():
        typer.echo(f"{name}: {outcome}")


@topics_app.command("list")
def topics_list() -> None:
    """List the topics on the cluster with their partition counts."""
    from stream.cli.tools import list_topics

    for name, partitions in list_topics(_settings()):
        typer.echo(f"{name}\t{partitions}")


@dlq_app.command("replay")
def dlq_replay(
    error_kind: Annotated[
        list[str] | None, typer.Option(help="Only these error kinds (repeatable).")
    ] = None,
    key_prefix: Annotated[str | None, typer.Option(help="Only keys starting with this.")] = None,
    since: Annotated[
        datetime | None, typer.Option(help="Only letters that failed at or after this (UTC).")
    ] = None,
    until: Annotated[
        datetime | None, typer.Option(help="Only letters that failed before this (UTC).")
    ] = None,
    limit: Annotated[int | None, typer.Option(min=1, help="Replay at most this many.")] = None,
    dry_run: Annotated[bool, typer.Option(help="Count what would be replayed.")] = False,
) -> None:
    """Re-publish dead letters' original bytes to the raw topic (after a fix)."""
    from stream.cli.dlq import ReplayFilter, replay

    settings = _settings()
    selection = ReplayFilter(frozenset(error_kind or ()), key_prefix, _utc(since), _utc(until))
    report = replay(settings, selection, limit=limit, dry_run=dry_run)
    verb = "would replay" if dry_run else "replayed"
    kinds = ", ".join(f"{kind}: {count}" for kind, count in sorted(report.by_kind.items()))
    _err().print(
        f"scanned {report.scanned} dead letters, {verb} {report.replayed} to "
        f"{settings.topics.raw} ({kinds or 'none'}); {report.undecodable} undecodable"
    )


@app.command()
def backfill(
    into: Annotated[str, typer.Option(help="Enriched topic to write (created if missing).")],
    since: Annotated[
        datetime | None, typer.Option(help="Raw messages from this time on (UTC).")
    ] = None,
    until: Annotated[
        datetime | None, typer.Option(help="Raw messages before this time (UTC).")
    ] = None,
    changes_topic: Annotated[
        str | None, typer.Option(help="Also write change events there (default: none).")
    ] = None,
    dlq_topic: Annotated[
        str | None, typer.Option(help="Also write dead letters there (default: none).")
    ] = None,
    metrics_port: Annotated[int, typer.Option(help="Serve /metrics here (0: off).")] = 0,
    dry_run: Annotated[bool, typer.Option(help="Show the range and its size only.")] = False,
) -> None:
    """Replay the raw topic (or a time range of it) into another enriched topic, then stop.

    For re-indexing search from scratch beside the live worker: a consumer group, state and
    transactional ids of its own; every posting in the range is published once. A rerun
    into the same topic resumes where it stopped."""
    from rich.progress import Progress

    from stream.errors import FatalError
    from stream.runtime.backfill import backfill_settings, plan_backfill
    from stream.runtime.kafka import create_topics
    from stream.runtime.service import run_worker

    settings = backfill_settings(_settings(), into, changes_topic, dlq_topic, metrics_port)
    plan, ranges = plan_backfill(settings, _utc(since), _utc(until))
    for r in ranges:
        resumed = " (resumed)" if r.resumed else ""
        _err().print(f"{settings.topics.raw}[{r.partition}] {r.start}..{r.end}{resumed}")
    if dry_run:
        typer.echo(f"would replay {plan.total} raw messages into {into}")
        return
    create_topics(settings)
    with Progress(console=_err()) as progress:
        task = progress.add_task(f"backfilling {into}", total=plan.total)
        plan = replace(plan, on_batch=lambda count: progress.advance(task, count))
        try:
            metrics = run_worker(settings, plan)
        except FatalError as exc:
            _err().print(f"[red]stopped: {_escape(str(exc))}[/]")
            raise typer.Exit(3) from exc
    sample = metrics.registry.get_sample_value
    written = sample("stream_messages_produced_total", {"topic": into}) or 0
    unchanged = sample("stream_postings_unchanged_total") or 0
    typer.echo(
        f"backfilled {into}: {int(written)} postings written from {plan.total} raw messages "
        f"({int(unchanged)} repeats of an unchanged posting skipped)"
    )


@schemas_app.command("write")
def schemas_write(
    directory: Annotated[Path, typer.Argument(help="Output directory.")] = Path("schemas"),
) -> None:
    """Regenerate the JSON Schemas from the models."""
    from stream.schemas import write_schemas

    for path in write_schemas(directory):
        typer.echo(str(path))


@schemas_app.command("check")
def schemas_check(
    directory: Annotated[Path, typer.Argument(help="Schema directory.")] = Path("schemas"),
) -> None:
    """Exit 1 when the committed schemas differ from the models."""
    from stream.schemas import stale_schemas

    stale = stale_schemas(directory)
    for name in stale:
        _err().print(f"[red]stale: {directory / name}[/] (run `stream schemas write`)")
    raise typer.Exit(1 if stale else 0)


def _utc(moment: datetime | None) -> datetime | None:
    """Naive times given on the command line are UTC."""
    return moment.replace(tzinfo=UTC) if moment and moment.tzinfo is None else moment


@contextmanager
def _open_input(file: Path | None) -> Iterator[IO[bytes]]:
    """Bytes lines from stdin (None or '-') or the file: decoding is per line, so one badly
    encoded line is reported like any other invalid line instead of stopping the read."""
    if file is None or str(file) == "-":
        yield sys.stdin.buffer
        return
    with file.open("rb") as handle:
        yield handle


def main() -> None:
    app()
