"""The taxonomy in Redis: versioned documents and a "current version" pointer.

Layout under a key prefix P (the settings' `redis.key_prefix`):
- `P:taxonomy:v:{version}`: the taxonomy JSON (`Taxonomy.to_json()`), never overwritten
  with different content, because the version is derived from the content;
- `P:taxonomy:current`: the version string workers should use.

`publish_taxonomy` writes both in one MULTI/EXEC transaction, so a reader that sees the new
pointer always finds its document. Workers poll `current_version` (one GET of a short
string, cheap enough for every batch or every few seconds) and call `fetch_current` only
when it differs from the version they run.

Errors: Redis errors propagate (`redis.RedisError`): the caller decides (the CLI reports
and exits non-zero; a polling worker keeps its current taxonomy and retries later). A
document that fails validation raises `TaxonomyError`, which a worker must treat as "reject
this update, keep the running version", never as a per-message error.
"""

from __future__ import annotations

import redis

from stream.enrich.skills.taxonomy.loader import Taxonomy, TaxonomyError


def current_key(key_prefix: str) -> str:
    """The key of the "current version" pointer."""
    return f"{key_prefix}:taxonomy:current"


def version_key(key_prefix: str, version: str) -> str:
    """The key of one version's document."""
    return f"{key_prefix}:taxonomy:v:{version}"


def _text(value: object) -> str | None:
    if value is None:
        return None
    return value.decode("utf-8") if isinstance(value, bytes) else str(value)


def publish_taxonomy(client: redis.Redis, taxonomy: Taxonomy, key_prefix: str) -> str:
    """Store `taxonomy` under its version and point "current" at it, atomically.

    Returns the published version. Publishing the running version again is harmless.
    """
    pipe = client.pipeline(transaction=True)
    pipe.set(version_key(key_prefix, taxonomy.version), taxonomy.to_json())
    pipe.set(current_key(key_prefix), taxonomy.version)
    pipe.execute()
    return taxonomy.version


def current_version(client: redis.Redis, key_prefix: str) -> str | None:
    """The published current version, or None when nothing was published (one GET)."""
    return _text(client.get(current_key(key_prefix)))


def fetch_version(client: redis.Redis, key_prefix: str, version: str) -> Taxonomy | None:
    """One published version, re-validated, or None when it is not stored.

    Raises `TaxonomyError` when the stored document is invalid or does not match its
    version (a corrupted or hand-edited key).
    """
    payload = _text(client.get(version_key(key_prefix, version)))
    if payload is None:
        return None
    taxonomy = Taxonomy.from_json(payload)
    if taxonomy.version != version:
        raise TaxonomyError([f"document under {version!r} holds version {taxonomy.version!r}"])
    return taxonomy


def fetch_current(client: redis.Redis, key_prefix: str) -> Taxonomy | None:
    """The current published taxonomy, or None when nothing was published (two GETs)."""
    version = current_version(client, key_prefix)
    if version is None:
        return None
    taxonomy = fetch_version(client, key_prefix, version)
    if taxonomy is None:
        raise TaxonomyError([f"current version {version!r} has no stored document"])
    return taxonomy
