"""Everything that talks to Redis: the enrichment cache and posting state, FX rates, the
published taxonomy and its hot reload. Every client comes from `stores.client.redis_client`.

May import the domain, `stream.enrich` and `stream.ops`; never the runtime or the CLI.
"""
