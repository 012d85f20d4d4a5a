"""Repeated deliveries (Slack retries, a double-clicked button, a re-sent request) are processed once, across
processes and restarts, and a delivery whose processing failed can be retried.

An event id is *claimed* before processing, marked *done* after it, and *released* when processing failed
(so the platform's retry runs it again). A claim whose process died mid-way goes stale after ``lease_s`` and
may be taken again. Two stores: a SQLite file in ``REELFORGE_HOME`` (one machine, the default) and the
``reelforge_events`` table in PostgreSQL (every replica). Neither blocks the event loop.
"""

from __future__ import annotations

import asyncio
import sqlite3
import time
from contextlib import closing
from pathlib import Path
from typing import Any, Protocol

from reelforge.tools.database import connection

KEEP_S = 7 * 24 * 3600  # long past any platform's retry window
LEASE_S = 15 * 60  # a claim not settled by then belongs to a process that died


class EventClaims(Protocol):
    """Where event ids are claimed."""

    async def claim(self, event_id: str) -> bool:
        """True when this caller may process ``event_id`` (first delivery, or a released or stale claim)."""

    async def done(self, event_id: str) -> None:
        """Processing finished: later deliveries of ``event_id`` are duplicates."""

    async def release(self, event_id: str) -> None:
        """Processing failed: the next delivery of ``event_id`` is processed again."""


class SeenEvents:
    """Claims in a SQLite file shared by every process using the same data directory."""

    def __init__(self, path: str | Path, keep_s: float = KEEP_S, lease_s: float = LEASE_S) -> None:
        self.path = Path(path)
        self.keep_s = keep_s
        self.lease_s = lease_s
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with closing(self._connect()) as db:
            db.execute("CREATE TABLE IF NOT EXISTS seen_events (id TEXT PRIMARY KEY, at REAL NOT NULL)")
            columns = {row[1] for row in db.execute("PRAGMA table_info(seen_events)")}
            if "done" not in columns:  # files from before claims could be released: old rows count as done
                db.execute("ALTER TABLE seen_events ADD COLUMN done INTEGER NOT NULL DEFAULT 1")

    def _connect(self) -> sqlite3.Connection:
        return sqlite3.connect(self.path, timeout=10, isolation_level=None)

    def claim_now(self, event_id: str) -> bool:
        """The blocking claim (use :meth:`claim` on an event loop)."""
        now = time.time()
        with closing(self._connect()) as db:
            cur = db.execute("INSERT OR IGNORE INTO seen_events (id, at, done) VALUES (?, ?, 0)", (event_id, now))
            if cur.rowcount == 1:
                if int(now) % 64 == 0:  # prune now and then
                    db.execute("DELETE FROM seen_events WHERE at < ?", (now - self.keep_s,))
                return True
            cur = db.execute("UPDATE seen_events SET at = ? WHERE id = ? AND done = 0 AND at < ?",
                             (now, event_id, now - self.lease_s))
            return cur.rowcount == 1

    def _settle(self, event_id: str, ok: bool) -> None:
        with closing(self._connect()) as db:
            if ok:
                db.execute("UPDATE seen_events SET done = 1 WHERE id = ?", (event_id,))
            else:
                db.execute("DELETE FROM seen_events WHERE id = ? AND done = 0", (event_id,))

    async def claim(self, event_id: str) -> bool:
        return await asyncio.to_thread(self.claim_now, event_id)

    async def done(self, event_id: str) -> None:
        await asyncio.to_thread(self._settle, event_id, True)

    async def release(self, event_id: str) -> None:
        await asyncio.to_thread(self._settle, event_id, False)


class PostgresEvents:
    """Claims in the ``reelforge_events`` table: one delivery is processed once by all replicas together."""

    def __init__(self, url: str, keep_s: float = KEEP_S, lease_s: float = LEASE_S, *, pool: Any = None) -> None:
        self.url = url
        self.keep_s = keep_s
        self.lease_s = lease_s
        self.pool = pool

    async def claim(self, event_id: str) -> bool:
        now = time.time()
        async with connection(self.url, self.pool) as conn:
            cur = await conn.execute("INSERT INTO reelforge_events (event_id, claimed_at) VALUES (%s, %s) "
                                     "ON CONFLICT DO NOTHING", (event_id, now))
            if cur.rowcount == 1:
                if int(now) % 64 == 0:
                    await conn.execute("DELETE FROM reelforge_events WHERE claimed_at < %s", (now - self.keep_s,))
                return True
            cur = await conn.execute("UPDATE reelforge_events SET claimed_at = %s WHERE event_id = %s "
                                     "AND NOT done AND claimed_at < %s", (now, event_id, now - self.lease_s))
            return cur.rowcount == 1

    async def _execute(self, sql: str, event_id: str) -> None:
        async with connection(self.url, self.pool) as conn:
            await conn.execute(sql, (event_id,))

    async def done(self, event_id: str) -> None:
        await self._execute("UPDATE reelforge_events SET done = true WHERE event_id = %s", event_id)

    async def release(self, event_id: str) -> None:
        await self._execute("DELETE FROM reelforge_events WHERE event_id = %s AND NOT done", event_id)
