"""One writer per thread at a time (two writers on one thread would fork its history).

:class:`LocalLocks` serialises writers inside one process (the embedded default). :class:`PostgresLocks`
adds a PostgreSQL advisory lock held on its own connection for the duration of the write, so the rule holds
across processes and hosts; the lock dies with its connection, so a front door that crashes never leaves
a thread locked.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any, Protocol

from reelforge.tools.database import connection


class ThreadLocks(Protocol):
    def hold(self, thread_id: str) -> AbstractAsyncContextManager[None]:
        """Hold the thread's lock for the ``async with`` block."""


class LocalLocks:
    """An ``asyncio.Lock`` per thread id (one process)."""

    def __init__(self) -> None:
        self._locks: dict[str, asyncio.Lock] = {}

    @asynccontextmanager
    async def hold(self, thread_id: str) -> AsyncIterator[None]:
        async with self._locks.setdefault(thread_id, asyncio.Lock()):
            yield


def lock_name(thread_id: str) -> str:
    """The text hashed into the thread's advisory lock key."""
    return f"reelforge-thread:{thread_id}"


class PostgresLocks:
    """A session advisory lock per thread (``pg_advisory_lock(hashtextextended(...))``), behind a local lock
    so that one process waits with one connection per thread at most."""

    def __init__(self, url: str, *, pool: Any = None) -> None:
        self.url = url
        self.pool = pool
        self._local = LocalLocks()

    @asynccontextmanager
    async def hold(self, thread_id: str) -> AsyncIterator[None]:
        key = lock_name(thread_id)
        async with self._local.hold(thread_id), connection(self.url, self.pool) as conn:
            await conn.execute("SELECT pg_advisory_lock(hashtextextended(%s, 0))", (key,))
            try:
                yield
            finally:
                try:
                    await conn.execute("SELECT pg_advisory_unlock(hashtextextended(%s, 0))", (key,))
                except BaseException:
                    await conn.close()  # a pooled connection never goes back holding the lock
                    raise
