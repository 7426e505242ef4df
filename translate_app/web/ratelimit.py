"""Per-user rate limits for expensive endpoints, kept in the memory of each process.

Simple on purpose: each worker process counts on its own (with gunicorn's 4
workers a person may get up to 4 times the limit), and counts start afresh
after a restart. That is enough to keep one person or script from occupying
a worker; it is not an accounting.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field

import limits
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter

_LIMITER = MovingWindowRateLimiter(MemoryStorage())


@dataclass
class RateLimit:
    """A named limit such as "10/second;300/minute", counted per user."""

    name: str
    spec: str
    items: list = field(init=False)

    def __post_init__(self) -> None:
        self.items = limits.parse_many(self.spec)

    def hit(self, user_id: object) -> bool:
        """Count one request of this user; say whether it is within the limit."""
        key = str(user_id)
        if not all(_LIMITER.test(item, self.name, key) for item in self.items):
            return False
        return all([_LIMITER.hit(item, self.name, key) for item in self.items])

    def retry_after(self, user_id: object) -> int:
        """Return the whole seconds until this user may ask again."""
        key = str(user_id)
        resets = [_LIMITER.get_window_stats(item, self.name, key) for item in self.items]
        waits = [stats.reset_time - time.time() for stats in resets if stats.remaining == 0]
        return max(1, math.ceil(max(waits, default=1)))

    def reset(self) -> None:
        """Forget every count of this limit (for tests)."""
        _LIMITER.storage.reset()


#: Live checks while typing: the editor asks at most once per 250 ms pause in typing per segment.
CHECKS = RateLimit("checks", "10/second;300/minute")
