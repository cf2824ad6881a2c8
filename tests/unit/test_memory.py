"""stream.runtime.memory: the glibc arena cap the worker sets at start-up."""

from __future__ import annotations

import platform

import pytest

from stream.config import Settings
from stream.runtime.memory import cap_malloc_arenas


def test_no_cap_asked_sets_nothing() -> None:
    assert cap_malloc_arenas(None) is False
    assert cap_malloc_arenas(0) is False


@pytest.mark.skipif(
    platform.libc_ver()[0] != "glibc", reason="mallopt(M_ARENA_MAX) exists only in glibc"
)
def test_glibc_takes_the_cap() -> None:
    # mallopt returns 1 on success; a wrong parameter number or a non-glibc libc would not.
    assert cap_malloc_arenas(2) is True


def test_the_worker_caps_arenas_and_prefetch_by_default() -> None:
    settings = Settings()
    assert settings.worker.malloc_arenas == 2
    assert settings.kafka.queued_max_kbytes == 8_192
