"""Settings: env prefix, nesting, frozen, secrets masked."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from stream.config import load_settings, masked_settings


def test_env_overrides_with_prefix_and_nesting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STREAM_KAFKA__BOOTSTRAP_SERVERS", "broker:9999")
    monkeypatch.setenv("STREAM_WORKER__BATCH_SIZE", "17")
    settings = load_settings()
    assert settings.kafka.bootstrap_servers == "broker:9999"
    assert settings.worker.batch_size == 17


def test_settings_are_frozen() -> None:
    settings = load_settings()
    with pytest.raises(ValidationError):
        settings.log_level = "DEBUG"  # type: ignore[misc]  # frozen: what is tested


def test_secrets_are_masked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STREAM_REDIS__URL", "redis://:hunter2@cache:6379/0")
    monkeypatch.setenv("STREAM_KAFKA__SECURITY_PROTOCOL", "SASL_SSL")
    monkeypatch.setenv("STREAM_KAFKA__SASL_MECHANISM", "SCRAM-SHA-512")
    monkeypatch.setenv("STREAM_KAFKA__SASL_USERNAME", "stream")
    monkeypatch.setenv("STREAM_KAFKA__SASL_PASSWORD", "s3cret")
    shown = str(masked_settings(load_settings()))
    assert "hunter2" not in shown
    assert "s3cret" not in shown


def test_invalid_values_are_rejected(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STREAM_WORKER__BATCH_SIZE", "0")
    with pytest.raises(ValidationError, match="batch_size"):
        load_settings()


def test_skill_engine_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    assert load_settings().enrichment.skill_engine == "native"
    monkeypatch.setenv("STREAM_ENRICHMENT__SKILL_ENGINE", "python")
    assert load_settings().enrichment.skill_engine == "python"
    monkeypatch.setenv("STREAM_ENRICHMENT__SKILL_ENGINE", "java")
    with pytest.raises(ValidationError, match="skill_engine"):
        load_settings()
