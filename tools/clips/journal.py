"""Where the runner keeps its job journal — one record per cache key for a paid job that was submitted and is
not yet safely stored (provider, job id, result URL, adapter data), so that a retry or a resume on any machine
polls that job instead of paying for a new one.

Records live in ``<store>/jobs/<cache key>.json`` (one machine, the default) or, with
``REELFORGE_DATABASE_URL=postgresql://…``, in the ``reelforge_jobs`` table shared by every worker.
"""

from __future__ import annotations

import asyncio
import json
import weakref
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, Protocol

from reelforge.tools.files import write_durably
from reelforge.tools.settings import Settings


class JournalStore(Protocol):
    def read(self, key: str) -> dict[str, Any] | None: ...

    def write(self, key: str, record: dict[str, Any]) -> None: ...

    def delete(self, key: str) -> None: ...


class FileJournal:
    """JSON files under ``root`` (written to a temporary name, then renamed)."""

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)

    def _path(self, key: str) -> Path:
        return self.root / f"{key}.json"

    def read(self, key: str) -> dict[str, Any] | None:
        try:
            data = json.loads(self._path(key).read_text())
        except (OSError, ValueError):
            return None
        return data if isinstance(data, dict) else None

    def write(self, key: str, record: dict[str, Any]) -> None:
        """Durably: the record is on disk (file and folder entry flushed) when this returns."""
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        write_durably(path, json.dumps(record).encode())

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)


class PostgresJournal:
    """Rows of ``reelforge_jobs`` (blocking calls: the runner calls them through ``asyncio.to_thread``)."""

    def __init__(self, url: str) -> None:
        self.url = url

    def read(self, key: str) -> dict[str, Any] | None:
        from reelforge.tools.database import connect

        with connect(self.url) as conn:
            row = conn.execute("SELECT record FROM reelforge_jobs WHERE cache_key = %s", (key,)).fetchone()
        return dict(row[0]) if row and isinstance(row[0], dict) else None

    def write(self, key: str, record: dict[str, Any]) -> None:
        from reelforge.tools.database import connect

        data = json.dumps(record)
        with connect(self.url) as conn:
            conn.execute("INSERT INTO reelforge_jobs (cache_key, record) VALUES (%s, %s::jsonb) ON CONFLICT "
                         "(cache_key) DO UPDATE SET record = EXCLUDED.record, updated_at = now()", (key, data))

    def delete(self, key: str) -> None:
        from reelforge.tools.database import connect

        with connect(self.url) as conn:
            conn.execute("DELETE FROM reelforge_jobs WHERE cache_key = %s", (key,))


def journal_for(settings: Settings, store_root: str | Path) -> JournalStore:
    """The journal every worker sharing this configuration sees."""
    from reelforge.tools.database import postgres_url

    url = postgres_url(settings)
    if url:
        return PostgresJournal(url)
    return FileJournal(Path(store_root) / "jobs")


_flights: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict[str, tuple[asyncio.Lock, list[int]]]] = (
    weakref.WeakKeyDictionary())
FLIGHT_POLL_S = 0.2


@asynccontextmanager
async def single_flight(settings: Settings, key: str) -> AsyncIterator[None]:
    """One maker per clip at a time: a second request for the same cache key (another shot, another
    conversation, another worker) waits, then finds the clip in the store instead of paying for it again.

    In one process an ``asyncio.Lock`` per key; with PostgreSQL also a session advisory lock per key, taken by
    polling ``pg_try_advisory_lock`` on its own connection (released when the connection closes, so a killed
    worker never leaves a clip locked)."""
    per_loop = _flights.setdefault(asyncio.get_running_loop(), {})
    lock, users = per_loop.setdefault(key, (asyncio.Lock(), [0]))
    users[0] += 1
    try:
        async with lock:
            from reelforge.tools.database import aconnect, postgres_url

            url = postgres_url(settings)
            if not url:
                yield
                return
            conn = await aconnect(url)
            try:
                sql = "SELECT pg_try_advisory_lock(hashtextextended(%s, 0))"
                while not (await (await conn.execute(sql, (f"reelforge-clip:{key}",))).fetchone())[0]:
                    await asyncio.sleep(FLIGHT_POLL_S)
                yield
            finally:
                await conn.close()
    finally:
        users[0] -= 1
        if users[0] == 0:
            per_loop.pop(key, None)
