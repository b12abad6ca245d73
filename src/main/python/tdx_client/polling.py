"""Long-poll pacing shared by transactions and ``lb_async``: the wait asked of the server, the
pause when a server answers early, and the overall deadline."""

from __future__ import annotations

import time
from typing import Optional

__all__ = ["Deadline", "poll_wait", "retry_pause", "POLL_WAIT"]

POLL_WAIT = 30
"""The longest one long poll asks the server to hold its answer, in seconds."""


class Deadline:
    """A point in time ``seconds`` from now (``None``: never)."""

    def __init__(self, seconds: Optional[float]):
        self._end = None if seconds is None else time.monotonic() + seconds

    def remaining(self) -> Optional[float]:
        return None if self._end is None else max(0.0, self._end - time.monotonic())

    def expired(self) -> bool:
        remaining = self.remaining()
        return remaining is not None and remaining <= 0

    def bound(self, seconds: float) -> float:
        remaining = self.remaining()
        return seconds if remaining is None else min(seconds, remaining)


def poll_wait(timeout: Optional[float], deadline: Deadline) -> int:
    """Seconds one long poll may ask: at most :data:`POLL_WAIT`, well inside the socket ``timeout``
    and the deadline, at least 1."""
    wait = float(POLL_WAIT)
    if timeout is not None:
        wait = min(wait, timeout - 5 if timeout > 10 else timeout / 2)
    wait = deadline.bound(wait)
    return max(1, int(wait))


def retry_pause(retry_after: Optional[str], elapsed: float, wait: int) -> float:
    """How long to pause before the next poll: none after a poll the server held; else its
    ``Retry-After`` (seconds, at most 60; 1 for an HTTP date); else a second."""
    if elapsed >= wait / 2:
        return 0.0
    if retry_after is None:
        return 1.0
    try:
        return min(60.0, max(0.0, float(retry_after.strip())))
    except ValueError:
        return 1.0
