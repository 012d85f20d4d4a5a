"""Conversations on PostgreSQL (real server on loopback): versioned migrations, a per-thread lock that holds
across connections, event claims released on failure, the job journal and the thread index."""

from __future__ import annotations

import asyncio

import pytest
from fakes.agent_studio import FakeStudio
from fakes.services import pg_url  # noqa: F401 - fixture

from reelforge.agent.dedupe import PostgresEvents, SeenEvents
from reelforge.agent.locks import PostgresLocks
from reelforge.agent.review import ReviewDecision
from reelforge.agent.service import AgentService
from reelforge.tools import database
from reelforge.tools.clips.journal import PostgresJournal, journal_for
from reelforge.tools.settings import get_settings


def test_migrations_are_versioned_and_applied_once(pg_url) -> None:  # noqa: F811
    assert database.schema_version(pg_url) == 0
    assert database.migrate(pg_url) == [v for v, _, _ in database.MIGRATIONS]
    assert database.migrate(pg_url) == []  # a second replica starting finds nothing to do
    assert database.schema_version(pg_url) == database.MIGRATIONS[-1][0]


async def test_concurrent_migrations_do_not_race(pg_url) -> None:  # noqa: F811
    results = await asyncio.gather(*(database.amigrate(pg_url) for _ in range(4)))
    assert sorted(map(len, results)) == [0, 0, 0, len(database.MIGRATIONS)]


async def test_thread_lock_excludes_other_connections_and_dies_with_its_holder(pg_url) -> None:  # noqa: F811
    a, b = PostgresLocks(pg_url), PostgresLocks(pg_url)  # two replicas: separate connections
    order: list[str] = []

    async def writer(locks: PostgresLocks, name: str, hold_s: float) -> None:
        async with locks.hold("slack-T1-C1-1.0"):
            order.append(f"{name} in")
            await asyncio.sleep(hold_s)
            order.append(f"{name} out")

    first = asyncio.create_task(writer(a, "a", 0.4))
    await asyncio.sleep(0.1)
    await asyncio.gather(first, writer(b, "b", 0.0))
    assert order == ["a in", "a out", "b in", "b out"]

    async def crashing() -> None:
        async with a.hold("t2"):
            raise RuntimeError("front door died")

    with pytest.raises(RuntimeError):
        await crashing()
    await asyncio.wait_for(writer(b, "c", 0.0), timeout=5)  # not left locked
    async with a.hold("other"), b.hold("another"):  # different threads never wait on each other
        pass


async def test_event_claims_are_once_and_released_after_a_failure(pg_url, tmp_path) -> None:  # noqa: F811
    await database.amigrate(pg_url)
    for claims in (PostgresEvents(pg_url), SeenEvents(tmp_path / "events.sqlite")):
        assert await claims.claim("slack:C1:1.0")
        assert not await claims.claim("slack:C1:1.0")  # in flight elsewhere
        await claims.release("slack:C1:1.0")  # processing failed
        assert await claims.claim("slack:C1:1.0")  # the redelivery runs
        await claims.done("slack:C1:1.0")
        await claims.release("slack:C1:1.0")  # too late: done stays done
        assert not await claims.claim("slack:C1:1.0")
    stale = PostgresEvents(pg_url, lease_s=0.0)  # a claim whose process died is taken over after the lease
    assert await stale.claim("ev-stale")
    await asyncio.sleep(0.01)
    assert await stale.claim("ev-stale")


def test_job_journal_in_postgres(pg_url, monkeypatch, tmp_path) -> None:  # noqa: F811
    database.migrate(pg_url)
    monkeypatch.setenv("REELFORGE_DATABASE_URL", pg_url)
    journal = journal_for(get_settings(), tmp_path)
    assert isinstance(journal, PostgresJournal)
    assert journal.read("k1") is None
    journal.write("k1", {"provider": "fal", "id": "req-1", "data": {"a": 1}})
    journal.write("k1", {"provider": "fal", "id": "req-2", "data": {}})
    assert PostgresJournal(pg_url).read("k1")["id"] == "req-2"  # another worker sees it
    journal.delete("k1")
    assert journal.read("k1") is None


async def test_conversation_on_postgres_continues_on_another_replica(pg_url, monkeypatch) -> None:  # noqa: F811
    monkeypatch.setenv("REELFORGE_DATABASE_URL", pg_url)
    settings = get_settings()
    tid = "slack-T1-C1-1700000000.000100"
    async with AgentService.open(settings, studio=FakeStudio(settings)) as one:
        await one.warm()  # a throwaway turn in memory: no thread is stored
        assert await one.threads() == []
        await one.new_thread(origin="slack", user="U1", thread_id=tid)
        events = [ev async for ev in one.send(tid, "a 9 second teaser for a bakery, vertical", event_id="ev1")]
        assert any(ev.type == "storyboard" for ev in events)
        assert [ev async for ev in one.send(tid, "again", event_id="ev1")] == []  # a redelivery
    async with AgentService.open(settings, studio=FakeStudio(settings)) as two:  # another replica
        assert [ev async for ev in two.send(tid, "again", event_id="ev1")] == []  # de-duplicated across replicas
        assert (await two.pending(tid)) is not None
        threads = await two.threads()
        assert [t.thread_id for t in threads] == [tid] and threads[0].user == "U1"
        events = [ev async for ev in two.resume(tid, ReviewDecision(action="approve"), event_id="click1")]
        assert any(ev.type == "video" for ev in events)


def test_one_maker_per_clip_across_processes(pg_url, monkeypatch) -> None:  # noqa: F811
    """Two workers asked for the same clip at once: the second waits for the first (then finds it cached)."""
    import threading
    import time

    from reelforge.tools.clips.journal import single_flight

    monkeypatch.setenv("REELFORGE_DATABASE_URL", pg_url)
    settings = get_settings()
    spans: dict[str, tuple[float, float]] = {}

    async def make(name: str, hold_s: float) -> None:
        async with single_flight(settings, "clip-key-1"):
            start = time.monotonic()
            await asyncio.sleep(hold_s)
            spans[name] = (start, time.monotonic())

    other = threading.Thread(target=lambda: asyncio.run(make("worker-a", 0.6)))  # its own loop and connection
    other.start()
    time.sleep(0.2)
    asyncio.run(make("worker-b", 0.3))
    other.join()
    (a0, a1), (b0, b1) = spans["worker-a"], spans["worker-b"]
    assert b0 >= a1 or a0 >= b1  # never both at once
