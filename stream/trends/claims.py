"""The dedup claims (`dedup`) in Redis: one round trip per batch.

Each claim is `SET key token NX GET EX ttl` (Redis >= 7.0): it takes the key if free and
returns the previous holder either way, so one command both claims and tells who holds it.
A batch's claims run in one small Lua script (`CLAIM_SCRIPT`, EVALSHA): building and
parsing one command with every key costs the client far less than a pipeline of thousands
of SETs, which had been the app's largest own cost (py-spy, docs/trends.md). The script
runs atomically, so Redis is busy for the batch's few thousand SETs at once (milliseconds);
it needs all keys on one node (no Redis Cluster).
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

# KEYS: the claim keys, two per fact; ARGV[1]: the TTL, ARGV[1 + f]: fact f's token. Returns
# each key's previous holder, "" when it was free (a Lua nil would cut the reply short;
# tokens are never empty).
CLAIM_SCRIPT = """
local out = {}
for i = 1, #KEYS do
  local own = ARGV[1 + math.floor((i + 1) / 2)]
  local previous = redis.call('SET', KEYS[i], own, 'NX', 'GET', 'EX', ARGV[1])
  if previous then out[i] = previous else out[i] = '' end
end
return out
"""


class Claims:
    def __init__(self, client: aioredis.Redis, prefix: str, ttl_s: int) -> None:
        self._client = client
        self._prefix = prefix
        self._ttl_s = ttl_s
        self._script = client.register_script(CLAIM_SCRIPT)
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
        keys: list[str] = []
        args: list[str | int] = [self._ttl_s]
        tokens: list[list[str]] = []
        for partition, facts in groups:
            group_tokens = []
            for offset, fact in facts:
                own = token(topic, partition, offset)
                group_tokens.append(own)
                args.append(own)
                keys.extend(claim_keys(self._prefix, fact))
            tokens.append(group_tokens)
        replies = iter([reply or None for reply in await self._script(keys=keys, args=args)])
        return [[counted((next(replies), next(replies)), own) for own in group] for group in tokens]
