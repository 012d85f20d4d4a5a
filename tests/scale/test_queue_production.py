"""Production on the task engine: a real Celery worker (Redis broker), the thread in PostgreSQL. The front door
dispatches and relays progress; a worker produces, renders and resumes the thread, which any replica can read."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from fakes.agent_studio import FakeStudio
from fakes.services import pg_url, redis_url  # noqa: F401 - fixtures

from reelforge.agent import jobs
from reelforge.agent.review import ReviewDecision
from reelforge.agent.service import AgentService
from reelforge.tools.settings import Settings, get_settings
from reelforge.tools.store import AssetStore
from reelforge.tools.uploads import Incoming


class WorkerStudio(FakeStudio):
    """The fake studio with an asset store, as the worker's tasks use it."""

    def __init__(self, settings: Settings | None = None, **kw: Any) -> None:
        super().__init__(settings, **kw)
        self.store = AssetStore(self.settings.store_dir)


@pytest.fixture
def queue_env(pg_url, redis_url, monkeypatch):  # noqa: F811
    pytest.importorskip("celery")
    monkeypatch.setenv("REELFORGE_DATABASE_URL", pg_url)
    monkeypatch.setenv("REELFORGE_QUEUE_URL", redis_url)
    monkeypatch.setenv("REELFORGE_QUEUE_PREFIX", f"rf-test-{uuid.uuid4().hex[:8]}")  # never another run's tasks
    monkeypatch.setattr(jobs, "_studio", lambda settings: WorkerStudio(settings))
    settings = get_settings()
    app = jobs.configure(settings)
    from celery.contrib.testing.worker import start_worker

    with start_worker(app, pool="threads", concurrency=2, perform_ping_check=False, shutdown_timeout=10,
                      queues=list(jobs.queue_names(settings).values())):
        yield settings


async def test_approved_storyboard_is_produced_by_a_worker_and_the_thread_resumes(queue_env) -> None:
    settings = queue_env
    tid = "web:queued1"
    async with AgentService.open(settings, studio=WorkerStudio(settings)) as door:
        await door.new_thread(origin="web", user="alice", thread_id=tid)
        events = [ev async for ev in door.send(tid, "a 9 second teaser for a bakery, vertical")]
        assert any(ev.type == "storyboard" for ev in events)
        events = [ev async for ev in door.resume(tid, ReviewDecision(action="approve"))]
        kinds = [ev.type for ev in events]
        texts = " ".join(getattr(ev, "text", "") for ev in events)
        assert "render workers" in texts  # dispatched, not rendered in the front door
        assert "progress" in kinds and kinds[-1] == "video", [getattr(e, "text", e.type) for e in events]
        video = events[-1]
        assert video.outputs and all(o.path.endswith(".mp4") for o in video.outputs)
        prod = await door.production(tid)
        assert prod.status == "delivered" and prod.job is None and prod.produced_version == 1
        assert "Your video is ready" in (await door.history(tid))[-1]["text"]
    async with AgentService.open(settings, studio=WorkerStudio(settings)) as other:  # another replica
        assert (await other.production(tid)).status == "delivered"
        assert [ev async for ev in other.follow(tid)] == []  # nothing running: nothing to relay


async def _until(check: Any, what: str, timeout_s: float = 60) -> None:
    deadline = time.monotonic() + timeout_s
    while not await check():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        await asyncio.sleep(0.05)


async def _approved_and_rendering(door: AgentService, tid: str) -> asyncio.Task[list[Any]]:
    """Brief, storyboard, approval: the render runs on the worker while ``door`` relays it (the returned task)."""
    [ev async for ev in door.send(tid, "a 9 second teaser for a bakery, vertical")]

    async def relayed(stream: AsyncIterator[Any]) -> list[Any]:
        return [ev async for ev in stream]

    render = asyncio.create_task(relayed(door.resume(tid, ReviewDecision(action="approve"))))
    await _until(lambda: _is(door, tid, "producing"), "the render to start")
    return render


async def _is(door: AgentService, tid: str, status: str) -> bool:
    prod = await door.production(tid)
    return prod is not None and prod.status == status


def _taken_up(events: list[Any]) -> list[str]:
    return [ev.text for ev in events if ev.type == "message" and "while I was busy" in ev.text]


async def test_a_message_sent_to_another_front_door_during_the_render_is_applied_once(queue_env, monkeypatch,
                                                                                     tmp_path: Path) -> None:
    settings = queue_env
    monkeypatch.setattr(jobs, "_studio", lambda s: WorkerStudio(s, shot_delay_s=0.3))  # a render that takes a while
    elsewhere = settings.model_copy(update={"home": tmp_path / "replica-b"})  # B shares only the database
    tid = "web:queued3"
    async with (AgentService.open(settings, studio=WorkerStudio(settings)) as door_a,
                AgentService.open(elsewhere, studio=WorkerStudio(elsewhere)) as door_b):
        render = await _approved_and_rendering(door_a, tid)
        ack = [ev async for ev in door_b.send(tid, "make the music calmer", event_id="slack:C1:2.0")]
        assert [ev.type for ev in ack] == ["message"] and "being made right now" in ack[0].text
        assert await door_a.waiting.count(tid) == 1  # front door A sees what B queued
        events = await asyncio.wait_for(render, 60)
        kinds = [ev.type for ev in events]
        taken = _taken_up(events)
        assert taken == ["Now for the message you sent while I was busy: “make the music calmer”"], kinds
        at = next(i for i, ev in enumerate(events) if ev.type == "message" and ev.text == taken[0])
        assert kinds.index("video") < at and "storyboard" in kinds[at:]  # after the delivery: version 2 for review
        assert await door_b.waiting.count(tid) == 0
        assert [ev async for ev in door_b.continue_run(tid)] == []  # nothing left to apply on B
        said = [h["text"] for h in await door_b.history(tid) if h["role"] == "user"]
        assert said.count("make the music calmer") == 1


async def test_a_message_no_front_door_follows_is_applied_at_the_next_turn(queue_env, monkeypatch,
                                                                         tmp_path: Path) -> None:
    settings = queue_env
    monkeypatch.setattr(jobs, "_studio", lambda s: WorkerStudio(s, shot_delay_s=0.3))
    tid = "web:queued4"
    menu = tmp_path / "upload-tmp" / "menu.txt"  # the receiving front door's temporary file
    menu.parent.mkdir()
    menu.write_text("Sourdough, croissants, rye.")
    async with (AgentService.open(settings, studio=WorkerStudio(settings)) as door_a,
                AgentService.open(settings, studio=WorkerStudio(settings)) as door_b):
        render = await _approved_and_rendering(door_a, tid)
        ack = [ev async for ev in door_b.send(tid, "here is the menu", attachments=[Incoming(str(menu))])]
        assert "being made right now" in ack[0].text
        menu.unlink()  # the front door's temporary file is gone: the queued message kept its own copy
        render.cancel()  # front door A went away: nobody relays the render
        await _until(lambda: _is(door_b, tid, "delivered"), "the worker to deliver")
        assert await door_b.waiting.count(tid) == 1  # still waiting, not dropped
    async with AgentService.open(settings, studio=WorkerStudio(settings)) as door_c:  # the thread opened again
        events = [ev async for ev in door_c.continue_run(tid)]
        assert _taken_up(events) == ["Now for the message you sent while I was busy: “here is the menu”"]
        uploads = (await door_c.production(tid)).uploads
        assert [u.name for u in uploads] == ["menu.txt"] and Path(uploads[0].path).read_text().startswith("Sourdough")
        assert await door_c.waiting.count(tid) == 0
        assert _taken_up([ev async for ev in door_c.continue_run(tid)]) == []


async def test_completion_is_idempotent_and_failures_reach_the_thread(queue_env) -> None:
    settings = queue_env
    tid = "web:queued2"
    async with AgentService.open(settings, studio=WorkerStudio(settings)) as door:
        [ev async for ev in door.send(tid, "a 9 second teaser for a bakery, vertical")]
        prod = await door.production(tid)
        prod.job = jobs.ProductionJob(task_id="produce-x", version=prod.storyboard.version)
        prod.status = "producing"
        await door.graph.aupdate_state(door._config(tid), {"production": prod}, as_node="produce")
        assert await door.complete_job(tid, "produce-other", error="nope") == []  # not this thread's job
        events = await door.complete_job(tid, "produce-x", error="the provider is down")
        assert [ev.type for ev in events] == ["message"] and "the provider is down" in events[0].text
        assert await door.complete_job(tid, "produce-x", error="again") == []  # a redelivered completion
        assert (await door.production(tid)).status == "failed"


async def test_dispatch_is_once_per_thread_and_version(pg_url, monkeypatch) -> None:  # noqa: F811
    from reelforge.tools import database

    monkeypatch.setenv("REELFORGE_DATABASE_URL", pg_url)
    monkeypatch.setenv("REELFORGE_QUEUE_URL", "amqp://guest:guest@127.0.0.1:5672//")
    settings = get_settings()
    await database.amigrate(pg_url)
    sent: list[dict[str, Any]] = []
    monkeypatch.setattr(jobs, "_send", lambda _settings, job: sent.append(job))
    async with AgentService.open(settings, studio=WorkerStudio(settings)) as door:
        [ev async for ev in door.send("web:d1", "a 9 second teaser for a bakery, vertical")]
        prod = await door.production("web:d1")
    first = await jobs.dispatch(settings, "web:d1", prod)
    again = await jobs.dispatch(settings, "web:d1", prod)  # the produce node ran again after a crash
    assert first == again and len(sent) == 1 and sent[0]["task_id"] == first.task_id
    await jobs.forget_dispatch(settings, "web:d1", first.version)  # ended: a retry may dispatch anew
    assert (await jobs.dispatch(settings, "web:d1", prod)).task_id != first.task_id and len(sent) == 2

    def broker_down(_settings: Settings, _job: dict[str, Any]) -> None:
        raise ConnectionError("broker unreachable")

    monkeypatch.setattr(jobs, "_send", broker_down)
    prod.storyboard.version = 2
    with pytest.raises(ConnectionError):
        await jobs.dispatch(settings, "web:d1", prod)
    monkeypatch.setattr(jobs, "_send", lambda _settings, job: sent.append(job))
    await jobs.dispatch(settings, "web:d1", prod)  # nothing was left claimed by the failed send
    assert len(sent) == 3
