"""Settings: one frozen pydantic-settings object, built once at start and passed down.

Every value can be set by an environment variable with the prefix `STREAM_` (nested with
`__`, e.g. `STREAM_KAFKA__BOOTSTRAP_SERVERS`) or in a `.env` file. Secrets are `SecretStr`
so `stream config` and logs never print them.
"""

from __future__ import annotations

from typing import Any, Literal, Self
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, FilePath, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from stream.trends.settings import TrendsSettings


class _Section(BaseModel):
    # hide_input_in_errors: a refused setting's error message would otherwise quote the
    # section's whole input, secrets included.
    model_config = ConfigDict(frozen=True, extra="forbid", hide_input_in_errors=True)


class TopicSettings(_Section):
    # An empty output topic name switches that output off: `changes=""` publishes no change
    # events (what `stream backfill` does by default, so a re-index does not alert).
    raw: str = "postings.raw"
    enriched: str = "postings.enriched"
    changes: str = "postings.changes"
    dlq: str = "postings.dlq"
    partitions: int = Field(default=6, ge=1, description="Partitions of new topics.")
    replication_factor: int = Field(default=1, ge=1)


class KafkaSettings(_Section):
    bootstrap_servers: str = "127.0.0.1:9092"
    group_id: str = "postings-enricher"
    # Transport security (docs/operations.md, Security). SSL: TLS, with a client certificate
    # for mTLS; SASL_SSL: TLS plus a SASL login (SCRAM-SHA-512 recommended; PLAIN sends the
    # password itself, so only ever over TLS).
    security_protocol: Literal["PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"] = "PLAINTEXT"
    sasl_mechanism: Literal["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"] | None = None
    sasl_username: str | None = None
    sasl_password: SecretStr | None = None
    # PEM files. The CA that signed the brokers' certificates (default: the system's CAs);
    # a client certificate and its key for mTLS; the key's passphrase if it is encrypted.
    ssl_ca_location: FilePath | None = None
    ssl_certificate_location: FilePath | None = None
    ssl_key_location: FilePath | None = None
    ssl_key_password: SecretStr | None = None
    # Check that the broker's certificate names the host connected to (off only for
    # certificates without the right names: the connection is then open to a man in the middle).
    ssl_check_hostname: bool = True
    transactional_id_prefix: str = "postings-enricher"
    # An open transaction of a worker that died without a restart under the same instance
    # id blocks read_committed readers of its partitions for at most this long.
    transaction_timeout_ms: int = Field(default=60_000, ge=1000)
    # Largest message the producer sends; oversized raw postings are dead-lettered with
    # their original bytes, so the DLQ needs room for them (base64 adds a third).
    message_max_bytes: int = Field(default=16 * 1024 * 1024, ge=1_000_000)
    # How long a member that stopped heartbeating keeps its partitions. With static
    # membership a crashed worker restarted under the same id takes them back at once (no
    # wait); this bounds the cases where it does not come back: a crash without a restart,
    # a restart slower than this (Kubernetes' crash-loop back-off), a static member scaled
    # down (static members do not leave the group on close). Heartbeats come from
    # librdkafka's own thread, so a busy Python loop never misses one.
    session_timeout_ms: int = Field(default=30_000, ge=6_000)
    heartbeat_interval_ms: int = Field(default=3_000, ge=100)
    # Static membership (group.instance.id = the worker's instance id): a worker restarted
    # under the same id takes its partitions back without a rebalance and without waiting
    # for the dead incarnation's session to time out. None (default): on when the instance
    # id is stable (stream.runtime.identity): set explicitly (STREAM_WORKER__INSTANCE_ID, as
    # the StatefulSet does), or derived from the host name outside Kubernetes. Off for a host
    # name that is a Kubernetes pod's (a Deployment's pods get random names on every restart).
    static_membership: bool | None = None
    # "classic" (JoinGroup/SyncGroup, client-side cooperative-sticky assignment) or "consumer"
    # (KIP-848: broker-side assignment, Kafka 4.x). Classic is the default: measured in
    # docs/guarantees.md, only it lets a kill -9'd static member come back at once.
    group_protocol: Literal["classic", "consumer"] = "classic"
    max_poll_interval_ms: int = 300_000
    # Caps the consumer's prefetch memory (librdkafka queued.max.messages.kbytes). 8 MB is
    # ~2,500 postings of 3.2 KB, over a second of work at the worker's maximum rate, so the
    # fetcher stays ahead; librdkafka's 64 MB default held a backlog's worth of postings in
    # memory and took a worker catching up from 283-290 to 304-344 MB (docs/performance.md).
    queued_max_kbytes: int = Field(default=8_192, ge=1024)
    # How often librdkafka reports statistics (lag, queues); 0 disables them.
    statistics_interval_ms: int = Field(default=5_000, ge=0)
    # Caps the producer's queue of undelivered messages (queue.buffering.max.kbytes).
    producer_queue_kbytes: int = Field(default=65_536, ge=1024)
    # The producers' compression (compression.type): what the outputs cost in librdkafka's
    # threads, on the worker's cores, and on the broker's disk and network.
    compression_type: Literal["none", "gzip", "snappy", "lz4", "zstd"] = "zstd"

    @model_validator(mode="after")
    def _security_is_consistent(self) -> Self:
        """Refuse settings that would be silently ignored or could never connect."""
        sasl = self.security_protocol.startswith("SASL_")
        tls = self.security_protocol.endswith("SSL")
        if sasl and not (self.sasl_mechanism and self.sasl_username and self.sasl_password):
            raise ValueError(
                f"security_protocol {self.security_protocol} needs sasl_mechanism, "
                "sasl_username and sasl_password"
            )
        if not sasl and (self.sasl_mechanism or self.sasl_username or self.sasl_password):
            raise ValueError(
                f"sasl_* settings are ignored with security_protocol {self.security_protocol}"
                " (use SASL_SSL)"
            )
        ssl_files = (
            self.ssl_ca_location,
            self.ssl_certificate_location,
            self.ssl_key_location,
            self.ssl_key_password,
        )
        if not tls and any(value is not None for value in ssl_files):
            raise ValueError(
                f"ssl_* settings are ignored with security_protocol {self.security_protocol}"
                " (use SSL or SASL_SSL)"
            )
        if (self.ssl_certificate_location is None) != (self.ssl_key_location is None):
            raise ValueError("ssl_certificate_location and ssl_key_location go together")
        if self.ssl_key_password is not None and self.ssl_key_location is None:
            raise ValueError("ssl_key_password without ssl_key_location")
        return self


class RedisSettings(_Section):
    # redis://host:port/db, or rediss://... for TLS. Secret as a whole: it may hold a password.
    url: SecretStr = SecretStr("redis://127.0.0.1:6379/0")
    # ACL login (AUTH username password); instead of credentials in the URL, not besides them.
    username: str | None = None
    password: SecretStr | None = None
    # TLS (rediss:// URLs only), PEM files: the CA that signed the server's certificate
    # (default: the system's CAs); a client certificate and key when the server asks for one.
    ssl_ca_certs: FilePath | None = None
    ssl_certfile: FilePath | None = None
    ssl_keyfile: FilePath | None = None
    ssl_key_password: SecretStr | None = None
    ssl_check_hostname: bool = True
    enabled: bool = True
    socket_timeout_s: float = Field(default=0.25, gt=0)
    cache_ttl_s: int = Field(default=7 * 24 * 3600, ge=1)
    # How long a posting's last state is kept for change detection; a posting re-scraped
    # after this counts as new again.
    state_ttl_s: int = Field(default=90 * 24 * 3600, ge=1)
    key_prefix: str = "stream"

    @model_validator(mode="after")
    def _security_is_consistent(self) -> Self:
        """Refuse settings that would be silently ignored."""
        url = urlsplit(self.url.get_secret_value())
        tls_files = (self.ssl_ca_certs, self.ssl_certfile, self.ssl_keyfile, self.ssl_key_password)
        if url.scheme != "rediss" and any(value is not None for value in tls_files):
            raise ValueError("redis ssl_* settings need a rediss:// url (TLS)")
        if (self.ssl_certfile is None) != (self.ssl_keyfile is None):
            raise ValueError("redis ssl_certfile and ssl_keyfile go together")
        if self.ssl_key_password is not None and self.ssl_keyfile is None:
            raise ValueError("redis ssl_key_password without ssl_keyfile")
        if (self.username or self.password) and (url.username or url.password):
            raise ValueError("redis credentials both in the url and in username/password")
        if self.username and self.password is None:
            raise ValueError("redis username without password")
        return self


class WorkerSettings(_Section):
    # Stable name of this worker: the transactional.id suffix. A restart under the same
    # name fences its previous incarnation at once (its open transaction is aborted);
    # two live workers must never share one. Default: "{hostname}-{process index}".
    instance_id: str | None = None
    batch_size: int = Field(default=200, ge=1, le=10_000)
    # How long a batch waits to fill. Under a backlog batches fill at once and this never
    # applies; below the maximum rate each batch waits it out, so it bounds the latency:
    # at half load, publish-to-commit p99 was 1.4-3.2 s with 0.5, 0.6-0.75 s with 0.1 and
    # 0.39-0.43 s with 0.05 (docs/performance.md), for ~10% more CPU per posting there.
    batch_timeout_s: float = Field(default=0.05, gt=0)
    # Process the next batch while the previous one commits (exactly_once only; the rules
    # are in docs/guarantees.md). false: each batch commits before the next is consumed.
    # On by default. On a quiet 2-core host with the broker on it, it gave 1,130 against
    # 879-1,024 new postings/s, and the latency floor (p99 < 500 ms at half load) was
    # measured with it on. On the same host saturated by other work, 4 pairs showed no rate
    # gain and ~5% more CPU (GIL hand-overs). Figures in docs/performance.md.
    overlap_commit: bool = True
    # glibc malloc arenas for the worker process (stream.runtime.memory); 0 leaves glibc's
    # default (eight per core). Two took the worker's peak at full rate from 283-290 to
    # 270-276 MB at the same rate.
    malloc_arenas: int = Field(default=2, ge=0, le=64)
    # Python's cyclic garbage collector: allocations (net) between two young-generation
    # collections (stream.runtime.memory.tune_gc); 0 keeps Python's 700. A posting makes
    # thousands of short-lived objects that refcounting frees and that form no cycles, so
    # at 700 the collector ran several times a batch, tracing the batch's live models
    # each time: ~4% of the worker's CPU (docs/performance.md, "The worker, per thread").
    gc_threshold: int = Field(default=50_000, ge=0)
    max_message_bytes: int = Field(default=1_000_000, ge=1024, description="Larger goes to DLQ.")
    metrics_port: int = Field(default=9108, ge=0, le=65535, description="0 disables /metrics.")
    metrics_host: str = "127.0.0.1"
    shutdown_timeout_s: float = Field(default=30.0, gt=0)
    # exactly_once: one Kafka transaction per batch with the offsets inside (needs a cluster
    # that allows transactions). at_least_once: plain idempotent produce, offsets committed
    # after delivery; a crash can repeat a batch's output (search and alerting dedupe by key
    # and event_id).
    delivery: Literal["exactly_once", "at_least_once"] = "exactly_once"
    # A Kafka call blocked longer than this ends the process for a restart (stream.runtime.watchdog;
    # works around librdkafka calls that ignore their own 30 s timeout).
    # Must exceed the 30 s timeout the worker gives each call, or healthy waits are killed.
    stuck_call_s: float = Field(default=120.0, ge=35)
    # How often a worker checks Redis for a newly pushed taxonomy (0 disables hot reload).
    taxonomy_poll_s: float = Field(default=10.0, ge=0)
    message_budget_s: float | None = Field(
        default=5.0, gt=0, description="Per-message enrichment time budget; over it -> DLQ."
    )
    # The DLQ-rate guard: stop (exit non-zero) rather than drain a topic into the DLQ when a
    # bad deploy or an upstream change makes most messages fail.
    dlq_guard_window: int = Field(default=1000, ge=1, description="Messages in the window.")
    dlq_guard_min_messages: int = Field(default=100, ge=1)
    dlq_guard_max_ratio: float = Field(default=0.5, gt=0, le=1)


class EnrichmentSettings(_Section):
    # Fill each skill tag's `evidence` with the character offsets of its mentions
    # ([field, start, end] into the normalized title or description), for explainability.
    # Off by default: it makes every enriched message longer. Cached enrichments are kept
    # apart per setting, so switching it never serves tags of the other kind.
    skill_evidence: bool = False
    # Which implementation finds skill mentions: "native" (compiled, stream_native) or
    # "python" (the reference it is tested against, ~3x slower). Both give the same tags,
    # so cached results are shared; "python" is the way around a native bug without a
    # redeploy.
    skill_engine: Literal["native", "python"] = "native"


class Settings(BaseSettings):
    """The whole configuration of the service."""

    model_config = SettingsConfigDict(
        env_prefix="STREAM_",
        env_nested_delimiter="__",
        env_file=".env",
        extra="ignore",
        frozen=True,
        hide_input_in_errors=True,
    )

    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    log_format: Literal["json", "console"] = "json"
    kafka: KafkaSettings = KafkaSettings()
    redis: RedisSettings = RedisSettings()
    topics: TopicSettings = TopicSettings()
    worker: WorkerSettings = WorkerSettings()
    enrichment: EnrichmentSettings = EnrichmentSettings()
    trends: TrendsSettings = TrendsSettings()


def load_settings(**overrides: Any) -> Settings:
    """Build the settings once, at process start; overrides win over env and .env."""
    return Settings(**overrides)


def masked_settings(settings: Settings) -> dict[str, Any]:
    """The effective settings as plain data with secrets masked, for `stream config`."""
    return settings.model_dump(mode="json")  # SecretStr dumps as '**********'
