"""A per-provider token bucket so stock searches stay inside each API's published rate limit.

Defaults (research notes, 2026): Pexels 200 requests/hour, Pixabay 100 per 60 s per key, Openverse
about 20/min anonymously. The bucket also listens to ``X-Ratelimit-Remaining`` / ``-Reset`` headers.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable

from reelforge.tools.clips.base import ProviderError

DEFAULT_LIMITS: dict[str, tuple[int, float]] = {  # provider -> (requests, per seconds)
    "pexels": (200, 3600.0),
    "pixabay": (100, 60.0),
    "openverse": (20, 60.0),
}


class TokenBucket:
    """``capacity`` tokens refilled evenly over ``per_s`` seconds."""

    def __init__(self, name: str, capacity: int, per_s: float, *, max_wait_s: float = 30.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        if capacity < 1 or per_s <= 0:
            raise ValueError(f"{name}: a rate limit needs capacity >= 1 and a positive period")
        self.name = name
        self.capacity = float(capacity)
        self.rate = capacity / per_s  # tokens per second
        self.max_wait_s = max_wait_s
        self.clock = clock
        self.tokens = float(capacity)
        self.stamp = clock()
        self._lock = threading.Lock()

    def _refill(self) -> None:
        now = self.clock()
        self.tokens = min(self.capacity, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now

    def try_take(self) -> float:
        """Take a token and return 0, or return the seconds until one is available."""
        with self._lock:
            self._refill()
            if self.tokens >= 1:
                self.tokens -= 1
                return 0.0
            return (1 - self.tokens) / self.rate

    async def acquire(self) -> None:
        """Wait for a token; raise a ``rate_limit`` :class:`ProviderError` when the wait would be too long."""
        while True:
            wait = self.try_take()
            if wait == 0:
                return
            if wait > self.max_wait_s:
                raise ProviderError(self.name, "rate_limit",
                                    f"local rate limit reached; next request allowed in {wait:.0f} s",
                                    retry_after=wait)
            await asyncio.sleep(wait)

    def observe(self, remaining: str | None, reset: str | None = None) -> None:
        """Follow the server's ``X-Ratelimit-Remaining`` (and ``-Reset``: epoch seconds or delta)."""
        try:
            left = float(remaining) if remaining is not None else None
        except ValueError:
            return
        if left is None:
            return
        with self._lock:
            self._refill()
            self.tokens = min(self.tokens, left)
            if left <= 0 and reset:
                try:
                    r = float(reset)
                except ValueError:
                    return
                delta = r - time.time() if r > 1e9 else r
                if delta > 0:  # empty until the reset: push the refill start into the future
                    self.tokens = -delta * self.rate


_BUCKETS: dict[str, TokenBucket] = {}
_BUCKETS_LOCK = threading.Lock()


def bucket_for(provider: str) -> TokenBucket:
    """The process-wide bucket for ``provider`` (shared by every adapter instance)."""
    with _BUCKETS_LOCK:
        if provider not in _BUCKETS:
            cap, per = DEFAULT_LIMITS.get(provider, (60, 60.0))
            _BUCKETS[provider] = TokenBucket(provider, cap, per)
        return _BUCKETS[provider]
