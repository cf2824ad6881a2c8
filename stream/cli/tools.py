"""Operator tools behind the CLI: publish JSON lines, tail a topic, list topics."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any, Literal

from confluent_kafka import Consumer, KafkaError, Message, Producer
from confluent_kafka.admin import AdminClient
from rich.console import Console
from rich.progress import Progress

from stream.config import Settings
from stream.runtime.kafka import client_config

TailFormat = Literal["pretty", "summary", "raw"]


def key_of(line: bytes) -> bytes | None:
    """The posting id of a JSON line, or None when the line has none (it is sent anyway)."""
    try:
        data: Any = json.loads(line)
    except (ValueError, RecursionError):
        return None
    if isinstance(data, dict) and data.get("source") and data.get("source_id"):
        return f"{data['source']}:{data['source_id']}".encode()
    return None


def publish_lines(settings: Settings, file: Path, topic: str, err: Console) -> tuple[int, int]:
    """Send every non-blank line as-is (bad lines too: that is how the DLQ gets tested)."""
    producer = Producer(client_config(settings, "producer"))
    outcome = {"delivered": 0, "failed": 0}

    def on_delivery(error: KafkaError | None, _message: Message) -> None:
        outcome["failed" if error else "delivered"] += 1
        if error:
            err.print(f"[red]delivery failed: {error}[/]")

    lines = [line.rstrip(b"\r\n") for line in file.read_bytes().splitlines()]
    lines = [line for line in lines if line.strip()]
    with Progress(console=err, transient=False) as progress:
        task = progress.add_task(f"publishing to {topic}", total=len(lines))
        for line in lines:
            while True:
                try:
                    producer.produce(topic, line, key_of(line), on_delivery=on_delivery)
                    break
                except BufferError:
                    producer.poll(0.1)
            producer.poll(0)
            progress.advance(task)
        remaining = producer.flush(30)
    return outcome["delivered"], outcome["failed"] + remaining


def tail_topic(
    settings: Settings,
    topic: str,
    from_beginning: bool,
    max_messages: int | None,
    idle_timeout: float | None,
    fmt: TailFormat,
    key: str | None = None,
) -> int:
    """Print committed messages; returns how many were printed."""
    conf = client_config(settings, "consumer")
    conf.update(
        {
            "group.id": f"stream-tail-{uuid.uuid4().hex[:8]}",
            "auto.offset.reset": "earliest" if from_beginning else "latest",
        }
    )
    consumer = Consumer(conf)
    consumer.subscribe([topic])
    console = Console()
    printed, idle = 0, 0.0
    try:
        while max_messages is None or printed < max_messages:
            message = consumer.poll(0.5)
            if message is None:
                idle += 0.5
                if idle_timeout is not None and idle >= idle_timeout:
                    break
                continue
            idle = 0.0
            if message.error():
                console.print(f"[red]{message.error()}[/]", highlight=False)
                continue
            if key is not None and message.key() != key.encode():
                continue
            _print_message(console, message, fmt)
            printed += 1
    finally:
        consumer.close()
    return printed


def _print_message(console: Console, message: Message, fmt: TailFormat) -> None:
    value = message.value() or b""
    if fmt == "raw":
        console.out(value.decode("utf-8", "replace"), highlight=False)
        return
    key = (message.key() or b"").decode("utf-8", "replace")
    try:
        document: Any = json.loads(value)
    except (ValueError, UnicodeDecodeError):
        console.print(f"{key}: undecodable value {value[:200]!r}", highlight=False)
        return
    if fmt == "summary":
        console.print(summarize(key, document), highlight=False, soft_wrap=True, markup=False)
        return
    console.rule(f"{message.topic()}[{message.partition()}]@{message.offset()} key={key}")
    console.print_json(data=_shorten(document))


def summarize(key: str, document: Any) -> str:
    """One line per message: what an operator wants to see at a glance."""
    if not isinstance(document, dict):
        return f"{key}: {str(document)[:120]}"
    if "error_kind" in document:
        return f"DLQ {key or '-'}: {document['error_kind']}: {document.get('error')}"
    posting = document.get("posting", document)
    salary = posting.get("salary")
    pay = "no salary"
    if isinstance(salary, dict):
        low, high = salary.get("min"), salary.get("max")
        pay = f"{low}-{high} {salary.get('currency')}/{salary.get('period')}"
    skills = ", ".join(s.get("name", "?") for s in posting.get("skills") or [])
    kind = f"[{document['kind']}] " if "kind" in document else ""
    changed = ", ".join(document.get("changes") or {})
    tail = f" | changed: {changed}" if changed else ""
    title = str(posting.get("title"))[:60]
    return f"{kind}{key}: {title!r} | {pay} | skills: {skills or '-'}{tail}"


def _shorten(document: Any, limit: int = 240) -> Any:
    """Long strings (descriptions) cut for display, so a posting fits on a screen."""
    if isinstance(document, str) and len(document) > limit:
        return document[:limit] + f"... [{len(document) - limit} more chars]"
    if isinstance(document, dict):
        return {k: _shorten(v, limit) for k, v in document.items()}
    if isinstance(document, list):
        return [_shorten(v, limit) for v in document]
    return document


def list_topics(settings: Settings) -> list[tuple[str, int]]:
    admin = AdminClient(client_config(settings, "admin"))
    metadata = admin.list_topics(timeout=15)
    return sorted(
        (name, len(topic.partitions))
        for name, topic in metadata.topics.items()
        if not name.startswith("__")
    )
