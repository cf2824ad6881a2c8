"""The DLQ-rate guard trips on a sustained bad ratio, not on a few bad messages."""

from __future__ import annotations

import pytest

from stream.errors import FatalError
from stream.runtime.guard import DlqGuard


def test_needs_a_minimum_sample_before_judging() -> None:
    guard = DlqGuard(window=100, min_messages=10, max_ratio=0.5)
    guard.check([True] * 9)  # 100% bad, but only 9 messages seen
    with pytest.raises(FatalError, match="DLQ guard"):
        guard.check([True])


def test_ratio_is_over_a_sliding_window() -> None:
    guard = DlqGuard(window=10, min_messages=10, max_ratio=0.5)
    guard.check([True] * 5 + [False] * 5)  # exactly 50%: fine
    guard.check([False] * 10)  # the bad ones slide out
    assert guard.ratio == 0.0
    guard.check([True] * 5)
    assert guard.ratio == 0.5
    with pytest.raises(FatalError):
        guard.check([True])
