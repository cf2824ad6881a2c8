"""Process-wide memory settings applied once at start-up, before any thread exists:
glibc's malloc arenas and the thresholds of Python's cyclic garbage collector.

glibc gives each thread that contends for the allocator its own arena, up to eight per
core, and an arena's freed pages are rarely returned to the system. A worker has a dozen
threads (librdkafka's, the committer, the metrics server) that allocate message buffers,
so its resident size grew with the arenas rather than with what it held: at the maximum
rate, 20,000 postings per pass, the worker peaked at 283-290 MB with glibc's default and
270-276 MB with two arenas, at the same rate (docs/performance.md, "Memory").
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
import logging
import sys

log = logging.getLogger(__name__)

_M_ARENA_MAX = -8  # glibc malloc.h: mallopt parameter for the arena limit


def cap_malloc_arenas(arenas: int | None) -> bool:
    """Limit glibc's malloc to `arenas` arenas (None or 0: leave the default). True when the
    limit was set; False where there is no glibc (musl, macOS) or it refused. Call it before
    starting threads: arenas already created stay. The environment variable
    MALLOC_ARENA_MAX, read by glibc at process start, does the same and wins if set."""
    if not arenas or not sys.platform.startswith("linux"):
        return False
    name = ctypes.util.find_library("c")
    if name is None:
        return False
    try:
        mallopt = ctypes.CDLL(name).mallopt
    except (OSError, AttributeError):
        return False  # not glibc: musl has no mallopt
    mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    mallopt.restype = ctypes.c_int
    done = bool(mallopt(_M_ARENA_MAX, arenas))
    if not done:
        log.warning("mallopt(M_ARENA_MAX) refused", extra={"arenas": arenas})
    return done


# The older generations' thresholds with `tune_gc`: a full collection (tracing every
# object of the heap, the taxonomy's tables included) after 50,000 x 20 x 20 allocations.
_OLDER_THRESHOLDS = (20, 20)


def tune_gc(threshold: int) -> bool:
    """Run the young-generation collection every `threshold` net allocations instead of
    Python's 700 (0: leave Python's thresholds). True when set. Cycles are still found,
    later: the worker's objects live for a batch and are freed by refcounting, so a
    collection every few hundred allocations only traced the batch's live models again
    and again. The trends app does the same (stream/trends/app.py)."""
    if not threshold:
        return False
    gc.set_threshold(threshold, *_OLDER_THRESHOLDS)
    return True
