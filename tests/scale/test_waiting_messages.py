"""Where messages sent during a busy thread wait (agent.queued): a SQLite file in the data directory and the
``reelforge_waiting`` table in PostgreSQL (real server on loopback). Oldest first, capped per thread, taken
once even when two processes take from the same line at the same time, and not lost with the process."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from fakes.agent_studio import FakeStudio
from fakes.services import pg_url  # noqa: F401 - fixture

from reelforge.agent.brains.offline import OfflineDirector
from reelforge.agent.queued import WAITING_DB, PostgresWaiting, QueuedMessage, SqliteWaiting, WaitingMessages
from reelforge.agent.service import AgentService
from reelforge.tools import database
from reelforge.tools.settings import get_settings
from reelforge.tools.uploads import Attachment


@pytest.fixture(params=["sqlite", "postgres"])
def stores(request, tmp_path: Path):
    """A factory of stores over one shared line (each call: another process's view, its own connections)."""
    if request.param == "sqlite":
        return lambda limit=20: SqliteWaiting(tmp_path / "agent-waiting.sqlite", limit=limit)
    url = request.getfixturevalue("pg_url")
    database.migrate(url)
    return lambda limit=20: PostgresWaiting(url, limit=limit)


async def test_messages_wait_in_order_per_thread_with_their_files(stores) -> None:
    store: WaitingMessages = stores()
    photo = Attachment(name="cake.png", path="/data/threads/t-1/uploads/cake.png", kind="picture", size_bytes=3,
                       sha256="ab" * 32, owner="local")
    assert await store.pop("web:t1") is None and await store.count("web:t1") == 0
    assert await store.add("web:t1", QueuedMessage(text="make the music calmer")) == 1
    assert await store.add("web:t2", QueuedMessage(text="another conversation")) == 1
    assert await store.add("web:t1", QueuedMessage(text="use this photo", attachments=[photo],
                                                   brief_patch={"aspects": ["1:1"]})) == 2
    assert await store.count("web:t1") == 2
    first, second = await store.pop("web:t1"), await store.pop("web:t1")
    assert first == QueuedMessage(text="make the music calmer")
    assert second is not None and second.attachments == [photo] and second.brief_patch == {"aspects": ["1:1"]}
    assert await store.pop("web:t1") is None
    assert (await store.pop("web:t2")).text == "another conversation"


async def test_the_line_is_capped_even_when_two_processes_add_at_once(stores) -> None:
    one, two = stores(limit=5), stores(limit=5)
    positions = await asyncio.gather(*(store.add("slack-T1-C1-1.0", QueuedMessage(text=f"m{i}"))
                                       for i, store in enumerate([one, two] * 5)))
    assert sorted(p for p in positions if p is not None) == [1, 2, 3, 4, 5]
    assert positions.count(None) == 5 and await one.count("slack-T1-C1-1.0") == 5
    await one.pop("slack-T1-C1-1.0")
    assert await two.add("slack-T1-C1-1.0", QueuedMessage(text="room again")) == 5


async def test_two_processes_taking_from_one_line_never_get_the_same_message(stores) -> None:
    one, two = stores(), stores()
    for i in range(20):
        assert await one.add("web:busy", QueuedMessage(text=f"m{i:02d}")) is not None

    async def take(store: WaitingMessages) -> list[str]:
        got: list[str] = []
        while (msg := await store.pop("web:busy")) is not None:
            got.append(msg.text)
        return got

    a, b = await asyncio.gather(take(one), take(two))
    assert sorted(a + b) == [f"m{i:02d}" for i in range(20)]  # every message once: none lost, none twice
    assert a == sorted(a) and b == sorted(b)  # each taker sees them oldest first
    assert await one.count("web:busy") == 0


async def test_messages_left_by_a_process_that_died_are_taken_up_first_at_the_next_message(isolated_home) -> None:
    async with AgentService.open(brain=OfflineDirector(), studio=FakeStudio()) as svc:
        tid = await svc.new_thread(origin="test")
        [ev async for ev in svc.send(tid, "a 9 second teaser for a coffee shop, vertical")]
    # queued while the director was busy; the process died before taking it up
    await SqliteWaiting(get_settings().home / WAITING_DB).add(tid, QueuedMessage(text="how much will it cost?"))
    async with AgentService.open(brain=OfflineDirector(), studio=FakeStudio()) as svc:  # restarted
        events = [ev async for ev in svc.send(tid, "which models are you using?")]
        taken = [ev.text for ev in events if ev.type == "message" and "while I was busy" in ev.text]
        assert taken == ["Now for the message you sent while I was busy: “how much will it cost?”",
                         "Now for the message you sent while I was busy: “which models are you using?”"]
        assert await svc.waiting.count(tid) == 0 and await svc.pending(tid) is not None  # questions change nothing
