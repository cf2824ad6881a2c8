"""The dedup claims (`dedup`) in Redis: one pipelined round trip per batch.

Each claim is `SET key token NX GET EX ttl` (Redis >= 7.0): it takes the key if free and
returns the previous holder either way, so one command both claims and tells who holds it.
A claim is needed while events for its day can still arrive (its day plus grace and
back-dating, in wall time); `claim_ttl_s` keeps it longer than that. Redis errors are
retried with backoff forever: the app must not count without its dedup, and its consumer
stays in the group (Faust keeps heartbeating) while it waits.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence

import redis.asyncio as aioredis
from redis.exceptions import RedisError

from stream.trends.dedup import claim_keys, counted, token
from stream.trends.facts import Fact

log = logging.getLogger(__name__)


class Claims:
    def __init__(self, client: aioredis.Redis, prefix: str, ttl_s: int) -> None:
        self._client = client
        self._prefix = prefix
        self._ttl_s = ttl_s
        self.errors = 0

    async def decide(
        self, topic: str, groups: Sequence[tuple[int, Sequence[tuple[int, Fact]]]]
    ) -> list[list[bool]]:
        """Per (partition, [(offset, fact)...]) group, whether each fact wins both claims:
        one pipelined round trip for the whole batch."""
        if not any(facts for _, facts in groups):
            return [[] for _ in groups]
        delay = 0.1
        while True:
            try:
                return await self._decide(topic, groups)
            except (RedisError, OSError) as exc:
                self.errors += 1
                log.warning("redis claims failed (%s); retrying in %.1f s", exc, delay)
                await asyncio.sleep(delay)
                delay = min(delay * 2, 5.0)

    async def _decide(
        self, topic: str, groups: Sequence[tuple[int, Sequence[tuple[int, Fact]]]]
    ) -> list[list[bool]]:
        pipe = self._client.pipeline(transaction=False)
        tokens: list[list[str]] = []
        for partition, facts in groups:
            group_tokens = []
            for offset, fact in facts:
                own = token(topic, partition, offset)
                group_tokens.append(own)
                for key in claim_keys(self._prefix, fact):
                    pipe.set(key, own, nx=True, get=True, ex=self._ttl_s)
            tokens.append(group_tokens)
        replies = iter(await pipe.execute())
        return [[counted((next(replies), next(replies)), own) for own in group] for group in tokens]
