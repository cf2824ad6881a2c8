"""stream.runtime.kafka.client_config: the settings that shape what librdkafka spends."""

from __future__ import annotations

from stream.config import Settings
from stream.runtime.kafka import client_config


def test_producers_compress_as_set_and_zstd_by_default() -> None:
    assert Settings().kafka.compression_type == "zstd"
    lz4 = Settings.model_validate({"kafka": {"compression_type": "lz4"}})
    for role in ("producer", "transactional_producer"):
        assert client_config(Settings(), role)["compression.type"] == "zstd"
        assert client_config(lz4, role)["compression.type"] == "lz4"
    assert "compression.type" not in client_config(lz4, "consumer")
