"""The thread index in PostgreSQL (``reelforge_threads``): which threads exist, where they came from and whom
they belong to, most recently active first — read without walking every checkpoint."""

from __future__ import annotations

from typing import Any

from reelforge.tools.database import connection


class PostgresThreadIndex:
    """``record`` a thread at its first message; ``touch`` it when it changes; ``ids`` lists them."""

    def __init__(self, url: str, *, pool: Any = None) -> None:
        self.url = url
        self.pool = pool

    async def record(self, thread_id: str, origin: str, owner: str | None) -> None:
        async with connection(self.url, self.pool) as conn:
            await conn.execute(
                "INSERT INTO reelforge_threads (thread_id, origin, owner) VALUES (%s, %s, %s) "
                "ON CONFLICT (thread_id) DO UPDATE SET updated_at = now()", (thread_id, origin, owner))

    async def touch(self, thread_id: str, title: str = "") -> None:
        async with connection(self.url, self.pool) as conn:
            await conn.execute("UPDATE reelforge_threads SET updated_at = now(), "
                               "title = CASE WHEN %s = '' THEN title ELSE %s END WHERE thread_id = %s",
                               (title, title, thread_id))

    async def ids(self, owner: str | None = None, limit: int = 500) -> list[str]:
        """Thread ids, newest activity first (only ``owner``'s when given)."""
        async with connection(self.url, self.pool) as conn:
            if owner is None:
                cur = await conn.execute("SELECT thread_id FROM reelforge_threads ORDER BY updated_at DESC "
                                         "LIMIT %s", (limit,))
            else:
                cur = await conn.execute("SELECT thread_id FROM reelforge_threads WHERE owner = %s "
                                         "ORDER BY updated_at DESC LIMIT %s", (owner, limit))
            return [row[0] for row in await cur.fetchall()]
