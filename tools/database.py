"""reelforge's own tables in PostgreSQL (with ``REELFORGE_DATABASE_URL=postgresql://…``), created and migrated
by the application: numbered migrations, each applied once, in order, under an advisory lock so that
replicas starting together never race. LangGraph's checkpointer keeps its own tables.

Tables: ``reelforge_threads`` (thread index and owner), ``reelforge_events`` (de-duplication claims of
incoming events), ``reelforge_jobs`` (the job journal: one paid job per cache key), ``reelforge_dispatch``
(productions handed to the task engine, one per thread and storyboard version), ``reelforge_waiting`` (messages
sent while a thread was busy, waiting to be applied; :mod:`agent.queued`).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from reelforge.tools.settings import Settings

POSTGRES_HINT = ("REELFORGE_DATABASE_URL points at PostgreSQL but the driver is not installed: "
                 "pip install 'reelforge[postgres]'")
MIGRATION_LOCK = 0x7265656C  # "reel": the advisory lock id that serialises migrations
LOCK_POLL_S = 0.05

#: (version, name, SQL). Append only: a released migration is never edited, a change is a new one.
MIGRATIONS: list[tuple[int, str, str]] = [
    (1, "threads, events, jobs, dispatch", """
        CREATE TABLE IF NOT EXISTS reelforge_threads (
            thread_id  text PRIMARY KEY,
            origin     text NOT NULL DEFAULT '',
            owner      text,
            title      text NOT NULL DEFAULT '',
            created_at timestamptz NOT NULL DEFAULT now(),
            updated_at timestamptz NOT NULL DEFAULT now()
        );
        CREATE INDEX IF NOT EXISTS reelforge_threads_owner ON reelforge_threads (owner, updated_at DESC);
        CREATE TABLE IF NOT EXISTS reelforge_events (
            event_id   text PRIMARY KEY,
            claimed_at double precision NOT NULL,
            done       boolean NOT NULL DEFAULT false
        );
        CREATE INDEX IF NOT EXISTS reelforge_events_age ON reelforge_events (claimed_at);
        CREATE TABLE IF NOT EXISTS reelforge_jobs (
            cache_key  text PRIMARY KEY,
            record     jsonb NOT NULL,
            updated_at timestamptz NOT NULL DEFAULT now()
        );
        CREATE TABLE IF NOT EXISTS reelforge_dispatch (
            thread_id  text NOT NULL,
            version    integer NOT NULL,
            task_id    text NOT NULL,
            created_at timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (thread_id, version)
        );
    """),
    (2, "waiting messages", """
        CREATE TABLE IF NOT EXISTS reelforge_waiting (
            id         bigserial PRIMARY KEY,
            thread_id  text NOT NULL,
            message    jsonb NOT NULL,
            queued_at  timestamptz NOT NULL DEFAULT now()
        );
        CREATE INDEX IF NOT EXISTS reelforge_waiting_thread ON reelforge_waiting (thread_id, id);
    """),
]


def postgres_url(settings: Settings) -> str | None:
    """The configured PostgreSQL URL, or None for the embedded SQLite default."""
    url = settings.database_url.get_secret_value() if settings.database_url else ""
    if url.startswith(("postgres://", "postgresql://")):
        return url
    if url:
        raise ValueError("REELFORGE_DATABASE_URL must be a postgresql:// URL (leave it unset for SQLite)")
    return None


def _psycopg() -> Any:
    try:
        import psycopg
    except ImportError as exc:
        raise RuntimeError(POSTGRES_HINT) from exc
    return psycopg


def connect(url: str) -> Any:
    """A blocking autocommit connection (workers, CLI)."""
    return _psycopg().connect(url, autocommit=True)


async def aconnect(url: str) -> Any:
    """An async autocommit connection (front doors: never a blocking call on the event loop)."""
    return await _psycopg().AsyncConnection.connect(url, autocommit=True)


async def open_pool(url: str, max_size: int = 32) -> Any:
    """A pool of async autocommit connections for a front door's short statements and thread locks (opening a
    PostgreSQL connection forks a server process: a busy front door must not do it several times per message)."""
    try:
        from psycopg_pool import AsyncConnectionPool
    except ImportError as exc:
        raise RuntimeError(POSTGRES_HINT) from exc
    pool = AsyncConnectionPool(url, min_size=1, max_size=max_size, kwargs={"autocommit": True}, open=False,
                               timeout=300)  # a busy front door waits for a connection rather than failing
    await pool.open()
    return pool


@asynccontextmanager
async def connection(url: str, pool: Any = None) -> AsyncIterator[Any]:
    """A connection from ``pool`` when there is one, else a new one closed afterwards."""
    if pool is not None:
        async with pool.connection() as conn:
            yield conn
        return
    conn = await aconnect(url)
    try:
        yield conn
    finally:
        await conn.close()


_CREATE_LEDGER = ("CREATE TABLE IF NOT EXISTS reelforge_migrations (version integer PRIMARY KEY, name text NOT NULL,"
                  " applied_at timestamptz NOT NULL DEFAULT now())")


def migrate(url: str) -> list[int]:
    """Apply every pending migration; returns the versions applied now (empty when up to date)."""
    applied: list[int] = []
    with connect(url) as conn:
        while not conn.execute("SELECT pg_try_advisory_lock(%s)", (MIGRATION_LOCK,)).fetchone()[0]:
            time.sleep(LOCK_POLL_S)  # polled, never waited on inside a statement (see migration_lock)
        with conn.transaction():
            conn.execute(_CREATE_LEDGER)
            done = {row[0] for row in conn.execute("SELECT version FROM reelforge_migrations")}
            for version, name, sql in MIGRATIONS:
                if version in done:
                    continue
                conn.execute(sql)
                conn.execute("INSERT INTO reelforge_migrations (version, name) VALUES (%s, %s)", (version, name))
                applied.append(version)
        conn.execute("SELECT pg_advisory_unlock(%s)", (MIGRATION_LOCK,))
    return applied


async def amigrate(url: str) -> list[int]:
    """:func:`migrate` off the event loop (a front door never blocks on the database)."""
    return await asyncio.to_thread(migrate, url)


@asynccontextmanager
async def migration_lock(url: str) -> AsyncIterator[None]:
    """Hold the migration lock (e.g. around LangGraph's own ``setup()``, which is not safe to run concurrently)."""
    conn = await aconnect(url)
    try:
        # Polled with pg_try_advisory_lock: a session blocked in pg_advisory_lock sits in an open transaction,
        # and LangGraph's CREATE INDEX CONCURRENTLY in the holder would wait for it forever.
        while not (await (await conn.execute("SELECT pg_try_advisory_lock(%s)", (MIGRATION_LOCK,))).fetchone())[0]:
            await asyncio.sleep(LOCK_POLL_S)
        yield
    finally:
        await conn.close()  # closing the session releases the lock


def schema_version(url: str) -> int:
    """The highest applied migration (0 for an empty database)."""
    with connect(url) as conn:
        exists = conn.execute("SELECT to_regclass('reelforge_migrations')").fetchone()[0]
        if exists is None:
            return 0
        return conn.execute("SELECT coalesce(max(version), 0) FROM reelforge_migrations").fetchone()[0]
