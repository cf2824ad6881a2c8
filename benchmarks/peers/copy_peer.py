"""The ceiling: a plain confluent-kafka copy loop, no enrichment, with the worker's client
settings (stream.runtime.kafka.client_config). `--transaction-every N` copies inside one
Kafka transaction per N messages with the consumed offsets in it (exactly-once); 0 copies
with an idempotent producer and auto-committed offsets.

    .venv/bin/python benchmarks/peers/copy_peer.py --input T --output T2 --group G ...
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
from pathlib import Path
from types import FrameType
from typing import Any, Literal

from confluent_kafka import Consumer, Message, Producer, TopicPartition

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from stream.config import load_settings
from stream.runtime.kafka import client_config


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    for name in ("--bootstrap", "--input", "--output", "--group"):
        parser.add_argument(name, required=True)
    parser.add_argument("--transaction-every", type=int, default=500)
    args = parser.parse_args()
    every: int = args.transaction_every

    settings = load_settings(kafka={"bootstrap_servers": args.bootstrap, "group_id": args.group})
    consumer_conf: dict[str, Any] = client_config(settings, "consumer")
    if every == 0:
        consumer_conf.update({"enable.auto.commit": True, "enable.auto.offset.store": True})
    role: Literal["transactional_producer", "producer"] = (
        "transactional_producer" if every else "producer"
    )
    producer_conf = client_config(settings, role, instance=f"copy-{args.group}")
    for conf in (consumer_conf, producer_conf):
        conf.pop("statistics.interval.ms", None)  # nobody reads the statistics here
    shown = {k: v for k, v in producer_conf.items() if k != "bootstrap.servers"}
    print(f"copy loop: transaction every {every or '-'}; producer {json.dumps(shown)}", flush=True)

    stopping = False

    def stop(_signum: int, _frame: FrameType | None) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, stop)
    consumer = Consumer(consumer_conf)
    producer = Producer(producer_conf)
    consumer.subscribe([args.input])
    if every:
        producer.init_transactions(30)
    pending: list[Message] = []

    def commit() -> None:
        if every and pending:
            # The offsets of what this transaction copied (not the consumer's position,
            # which may be past messages that go into the next transaction).
            last: dict[tuple[str, int], int] = {}
            for message in pending:
                last[(message.topic() or "", message.partition() or 0)] = message.offset() or 0
            offsets = [TopicPartition(t, p, o + 1) for (t, p), o in last.items()]
            producer.send_offsets_to_transaction(offsets, consumer.consumer_group_metadata(), 30)
            producer.commit_transaction(30)
        pending.clear()

    while not stopping:
        # The worker's batch timeout (0.5 s): a partial transaction never waits longer.
        messages = consumer.consume(min(every or 500, 500), 0.5)
        if not messages:
            commit()
            continue
        for message in messages:
            if message.error() is not None:
                continue
            if every and not pending:
                producer.begin_transaction()
            while True:
                try:
                    producer.produce(args.output, message.value(), message.key())
                    break
                except BufferError:
                    producer.poll(0.1)
            pending.append(message)
            if len(pending) >= (every or 500):
                commit()
        producer.poll(0)
    commit()
    producer.flush(30)
    consumer.close()


if __name__ == "__main__":
    main()
