"""Settings: one frozen pydantic-settings object, built once at start and passed down.

Every value can be set by an environment variable with the prefix `STREAM_` (nested with
`__`, e.g. `STREAM_KAFKA__BOOTSTRAP_SERVERS`) or in a `.env` file. Secrets are `SecretStr`
so `stream config` and logs never print them.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class _Section(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class TopicSettings(_Section):
    raw: str = "postings.raw"
    enriched: str = "postings.enriched"
    changes: str = "postings.changes"
    dlq: str = "postings.dlq"
    partitions: int = Field(default=6, ge=1, description="Partitions of new topics.")
    replication_factor: int = Field(default=1, ge=1)


class KafkaSettings(_Section):
    bootstrap_servers: str = "127.0.0.1:9092"
    group_id: str = "postings-enricher"
    security_protocol: Literal["PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"] = "PLAINTEXT"
    sasl_mechanism: str | None = None
    sasl_username: str | None = None
    sasl_password: SecretStr | None = None
    transactional_id_prefix: str = "postings-enricher"
    session_timeout_ms: int = 45_000
    max_poll_interval_ms: int = 300_000
    # Caps the consumer's prefetch memory (librdkafka queued.max.messages.kbytes).
    queued_max_kbytes: int = 65_536


class RedisSettings(_Section):
    url: SecretStr = SecretStr("redis://127.0.0.1:6379/0")
    enabled: bool = True
    socket_timeout_s: float = Field(default=0.25, gt=0)
    cache_ttl_s: int = Field(default=7 * 24 * 3600, ge=1)
    key_prefix: str = "stream"


class WorkerSettings(_Section):
    batch_size: int = Field(default=200, ge=1, le=10_000)
    batch_timeout_s: float = Field(default=0.5, gt=0)
    max_message_bytes: int = Field(default=1_000_000, ge=1024, description="Larger goes to DLQ.")
    metrics_port: int = Field(default=9108, ge=0, le=65535, description="0 disables /metrics.")
    metrics_host: str = "127.0.0.1"
    shutdown_timeout_s: float = Field(default=30.0, gt=0)


class Settings(BaseSettings):
    """The whole configuration of the service."""

    model_config = SettingsConfigDict(
        env_prefix="STREAM_",
        env_nested_delimiter="__",
        env_file=".env",
        extra="ignore",
        frozen=True,
    )

    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    log_format: Literal["json", "console"] = "json"
    kafka: KafkaSettings = KafkaSettings()
    redis: RedisSettings = RedisSettings()
    topics: TopicSettings = TopicSettings()
    worker: WorkerSettings = WorkerSettings()


def load_settings(**overrides: Any) -> Settings:
    """Build the settings once, at process start; overrides win over env and .env."""
    return Settings(**overrides)


def masked_settings(settings: Settings) -> dict[str, Any]:
    """The effective settings as plain data with secrets masked, for `stream config`."""
    return settings.model_dump(mode="json")  # SecretStr dumps as '**********'
