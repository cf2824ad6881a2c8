"""stream.runtime.memory: the glibc arena cap the worker sets at start-up."""

from __future__ import annotations

import gc
import platform
from collections.abc import Iterator

import pytest

from stream.config import Settings
from stream.runtime.memory import cap_malloc_arenas, tune_gc


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


@pytest.fixture
def gc_thresholds() -> Iterator[None]:
    saved = gc.get_threshold()
    yield
    gc.set_threshold(*saved)


@pytest.mark.usefixtures("gc_thresholds")
def test_tune_gc_sets_the_young_threshold_and_zero_leaves_python_s() -> None:
    before = gc.get_threshold()
    assert tune_gc(0) is False
    assert gc.get_threshold() == before
    assert tune_gc(50_000) is True
    assert gc.get_threshold() == (50_000, 20, 20)


@pytest.mark.usefixtures("gc_thresholds")
def test_cycles_are_still_collected_with_the_worker_s_threshold() -> None:
    tune_gc(Settings().worker.gc_threshold)

    class Node:
        other: object = None

    collected = []
    a, b = Node(), Node()
    a.other, b.other = b, a
    gc.callbacks.append(lambda phase, info: collected.append(info.get("collected", 0)))
    try:
        del a, b
        # Net allocations past the young threshold (refcounting frees a bare `[]` at once,
        # which does not count): the collections run and find the cycle.
        held: list[list[int]] = [[] for _ in range(200_000)]
        del held
    finally:
        gc.callbacks.pop()
    assert sum(collected) >= 2


def test_the_worker_raises_the_gc_threshold_by_default() -> None:
    assert Settings().worker.gc_threshold == 50_000
