"""The trends app's section of the settings (`STREAM_TRENDS__*`)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class TrendsSettings(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    # Faust app id: names the consumer group and the changelog topic ("{app_id}-cells-changelog").
    app_id: str = "postings-trends"
    # Source: None reads topics.changes (postings.changes).
    source_topic: str | None = None
    trends_topic: str = "skills.trends"
    rising_topic: str = "skills.rising"
    # Daily counts per ISCO-08 unit group and per country (OccupationTrend).
    occupations_topic: str = "occupations.trends"
    # Faust table store: "memory://" (recovered from the changelog at every start) or
    # "rocksdb://" (the rocksdb extra: rocksdict; recovers only what it missed; see
    # stream/trends/store.py and docs/trends.md, Recovery).
    store: str = "memory://"
    data_dir: str = ".local/trends"
    # A day closes this long after its end in event time; later events for it are late.
    grace_s: float = Field(default=6 * 3600, ge=0)
    # A new posting counts on its posted_at day when that is at most this old when seen.
    backdate_s: float = Field(default=6 * 3600, ge=0)
    retention_days: int = Field(default=90, ge=8)
    batch_size: int = Field(default=2000, ge=1)
    batch_within_s: float = Field(default=0.5, gt=0)
    rising_factor: float = Field(default=2.0, gt=0)
    rising_min_postings: int = Field(default=5, ge=1)
    rising_trailing_days: int = Field(default=7, ge=1)
    # Dedup claims in Redis live this long past their day (must exceed grace_s + backdate_s).
    claim_ttl_s: int = Field(default=3 * 86_400, ge=3600)
    web_port: int = Field(default=6066, ge=1, le=65535)
    web_host: str = "127.0.0.1"
    # Broker session timeout: a killed instance's partitions move after this.
    session_timeout_s: float = Field(default=10.0, ge=6.0)
