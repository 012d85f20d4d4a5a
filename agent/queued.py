"""Messages that arrive while the director is busy on a thread: kept in order, acknowledged at once, and applied
once the thread's current work is done — by whichever front door finishes it, never twice, never by a second
writer at the same time.

Every front door goes through :meth:`agent.service.AgentService.send`, so a message typed in the studio, a
Slack reply or a line in ``reelforge chat`` during a render is handled the same way. A thread is busy while a
turn in this process works on it (:class:`ThreadActivity`, process-local) or while its production runs on the
workers (``REELFORGE_QUEUE_URL``; every replica sees that in the shared checkpoint).

The waiting messages themselves are kept outside the process (:class:`WaitingMessages`), so a crash does not
lose them and any replica can apply them: a SQLite file in ``REELFORGE_HOME`` (every process using that data
directory; the embedded default) or the ``reelforge_waiting`` table in PostgreSQL (every replica, with
``REELFORGE_DATABASE_URL``). A message is taken off the store under the thread's lock, oldest first, and each
take is atomic, so two front doors never apply the same message. It is taken off when its turn starts: a
process that dies (or a turn whose stream is closed) in the moment between that and the director recording the
message loses that one message.

A queued message's files are copied into the thread's uploads folder when it is queued, and the message
records them as :class:`tools.uploads.Attachment` (never the front door's temporary files). Replicas must
therefore share ``REELFORGE_HOME`` (the compose file's ``reelforge-data`` volume does); a message whose file
cannot be found by the replica that takes it up is not applied, and the person is asked to attach it again.
"""

from __future__ import annotations

import asyncio
import sqlite3
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, Protocol

from pydantic import BaseModel

from reelforge.tools.database import connection
from reelforge.tools.uploads import Attachment

Busy = Literal["production", "planning"]
MAX_QUEUED = 20  # per thread: a stuck run cannot collect messages without bound
PREVIEW_CHARS = 80
WAITING_DB = "agent-waiting.sqlite"  # in REELFORGE_HOME


class QueuedMessage(BaseModel):
    """A user's message waiting for the thread's current work to finish (what ``send`` was given, with its
    files already stored in the thread's uploads folder)."""

    text: str
    attachments: list[Attachment] = []
    brief_patch: dict[str, Any] | None = None


class WaitingMessages(Protocol):
    """Where a thread's waiting messages are kept, in the order they came."""

    async def add(self, thread_id: str, message: QueuedMessage) -> int | None:
        """Append ``message``; its position in the thread's line (1 = next), or None when the line is full."""

    async def pop(self, thread_id: str) -> QueuedMessage | None:
        """Take the oldest waiting message off the line (each message is taken once, whoever asks)."""

    async def count(self, thread_id: str) -> int:
        """How many messages wait on ``thread_id``."""


class SqliteWaiting:
    """Waiting messages in a SQLite file shared by every process using the same data directory."""

    def __init__(self, path: str | Path, limit: int = MAX_QUEUED) -> None:
        self.path = Path(path)
        self.limit = limit
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with closing(self._connect()) as db:
            db.execute("CREATE TABLE IF NOT EXISTS waiting (id INTEGER PRIMARY KEY AUTOINCREMENT, "
                       "thread_id TEXT NOT NULL, message TEXT NOT NULL)")
            db.execute("CREATE INDEX IF NOT EXISTS waiting_thread ON waiting (thread_id, id)")

    def _connect(self) -> sqlite3.Connection:
        return sqlite3.connect(self.path, timeout=10, isolation_level=None)

    def add_now(self, thread_id: str, message: QueuedMessage) -> int | None:
        """The blocking :meth:`add` (the count and the insert in one write transaction)."""
        with closing(self._connect()) as db:
            db.execute("BEGIN IMMEDIATE")
            try:
                (waiting,) = db.execute("SELECT count(*) FROM waiting WHERE thread_id = ?", (thread_id,)).fetchone()
                if waiting >= self.limit:
                    return None
                db.execute("INSERT INTO waiting (thread_id, message) VALUES (?, ?)",
                           (thread_id, message.model_dump_json()))
            finally:
                db.execute("COMMIT")
            return waiting + 1

    def pop_now(self, thread_id: str) -> QueuedMessage | None:
        """The blocking :meth:`pop` (read and delete in one write transaction)."""
        with closing(self._connect()) as db:
            db.execute("BEGIN IMMEDIATE")
            try:
                row = db.execute("SELECT id, message FROM waiting WHERE thread_id = ? ORDER BY id LIMIT 1",
                                 (thread_id,)).fetchone()
                if row is not None:
                    db.execute("DELETE FROM waiting WHERE id = ?", (row[0],))
            finally:
                db.execute("COMMIT")
        return QueuedMessage.model_validate_json(row[1]) if row is not None else None

    def count_now(self, thread_id: str) -> int:
        with closing(self._connect()) as db:
            return db.execute("SELECT count(*) FROM waiting WHERE thread_id = ?", (thread_id,)).fetchone()[0]

    async def add(self, thread_id: str, message: QueuedMessage) -> int | None:
        return await asyncio.to_thread(self.add_now, thread_id, message)

    async def pop(self, thread_id: str) -> QueuedMessage | None:
        return await asyncio.to_thread(self.pop_now, thread_id)

    async def count(self, thread_id: str) -> int:
        return await asyncio.to_thread(self.count_now, thread_id)


class PostgresWaiting:
    """Waiting messages in the ``reelforge_waiting`` table, shared by every replica."""

    def __init__(self, url: str, limit: int = MAX_QUEUED, *, pool: Any = None) -> None:
        self.url = url
        self.limit = limit
        self.pool = pool

    async def add(self, thread_id: str, message: QueuedMessage) -> int | None:
        async with connection(self.url, self.pool) as conn, conn.transaction():
            # the count and the insert under one per-thread lock, so two replicas never overfill the line
            await conn.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))",
                               (f"reelforge-waiting:{thread_id}",))
            cur = await conn.execute("SELECT count(*) FROM reelforge_waiting WHERE thread_id = %s", (thread_id,))
            (waiting,) = await cur.fetchone()
            if waiting >= self.limit:
                return None
            await conn.execute("INSERT INTO reelforge_waiting (thread_id, message) VALUES (%s, %s::jsonb)",
                               (thread_id, message.model_dump_json()))
            return waiting + 1

    async def pop(self, thread_id: str) -> QueuedMessage | None:
        async with connection(self.url, self.pool) as conn:
            cur = await conn.execute(
                "DELETE FROM reelforge_waiting WHERE id = (SELECT id FROM reelforge_waiting WHERE thread_id = %s "
                "ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED) RETURNING message", (thread_id,))
            row = await cur.fetchone()
        return QueuedMessage.model_validate(row[0]) if row is not None else None

    async def count(self, thread_id: str) -> int:
        async with connection(self.url, self.pool) as conn:
            cur = await conn.execute("SELECT count(*) FROM reelforge_waiting WHERE thread_id = %s", (thread_id,))
            return (await cur.fetchone())[0]


@dataclass
class ThreadActivity:
    """What this process is doing on each thread: turns in progress, and whether the busy one is planning or
    producing (for the acknowledgement's words)."""

    busy: dict[str, Busy] = field(default_factory=dict)
    turns: dict[str, int] = field(default_factory=dict)

    def enter(self, thread_id: str) -> None:
        """A turn starts working on ``thread_id``."""
        self.turns[thread_id] = self.turns.get(thread_id, 0) + 1

    def leave(self, thread_id: str) -> None:
        left = self.turns.get(thread_id, 1) - 1
        if left > 0:
            self.turns[thread_id] = left
        else:
            self.turns.pop(thread_id, None)

    def active(self, thread_id: str) -> bool:
        """A turn in this process is working on ``thread_id`` right now."""
        return bool(self.turns.get(thread_id))


def line_full() -> str:
    """Said when a thread already has :data:`MAX_QUEUED` messages waiting."""
    return (f"I already have {MAX_QUEUED} messages waiting in this conversation; please send this again "
            "once the current work is done.")


def _preview(text: str) -> str:
    one = " ".join(text.split())
    return one if len(one) <= PREVIEW_CHARS else one[:PREVIEW_CHARS - 1].rstrip() + "…"


def acknowledgement(text: str, busy: Busy, position: int) -> str:
    """What the user is told at once: that the message is kept, and when it will be applied."""
    quoted = f"“{_preview(text)}”" if text.strip() else "your message"
    after = f" (after {position - 1} other message{'s' if position > 2 else ''})" if position > 1 else ""
    if busy == "production":
        return (f"Got it — your video is being made right now, so I'll apply {quoted} as soon as the render "
                f"finishes{after}. Anything that changes the video comes back to you for approval first.")
    return f"Got it — I'll get to {quoted} as soon as I've finished the current step{after}."


def taking_up(text: str) -> str:
    """Said when a queued message is taken up."""
    return f"Now for the message you sent while I was busy: “{_preview(text)}”"
