"""The front door's side of a production running on the workers: relay the thread's progress and outcome from
the bus (:mod:`agent.bus`) to whoever holds the user's connection, and fall back on the thread's checkpoint
(the record every replica shares) so that nothing is missed — not a message published before we listened, nor
an outcome whose announcement was lost with a worker. Delivered files made on another machine are fetched
from object storage through their download link."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, nullcontext
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx

from reelforge.agent.bus import DONE, events_url, subscribe
from reelforge.agent.events import EVENT_ADAPTER, Event, Message, VideoEvent
from reelforge.agent.state import Production, ProductionJob
from reelforge.tools.production import OutputFile

if TYPE_CHECKING:
    from reelforge.agent.service import AgentService

CHECK_S = 3.0  # how often the checkpoint is read while the bus is quiet
RELAY_MAX_S = 6 * 3600.0
FETCH_TIMEOUT_S = 600.0


async def relay(svc: AgentService, thread_id: str, job: ProductionJob, watch: Any = None) -> AsyncIterator[Event]:
    """Progress, then the closing message and the video (or the failure), for one dispatched production.
    ``watch``: a subscription to the thread's channel opened earlier (else one is opened here)."""
    url = events_url(svc.settings)
    deadline = time.monotonic() + RELAY_MAX_S
    listening: AbstractAsyncContextManager[Any] = (
        nullcontext(watch) if watch is not None else subscribe(url, thread_id) if url else nullcontext())
    async with listening as sub:
        while time.monotonic() < deadline:
            prod = await svc.production(thread_id)
            if prod is None or prod.job is None or prod.job.task_id != job.task_id:
                async for ev in _outcome(svc, thread_id, prod):
                    yield ev
                return
            if sub is None:
                await asyncio.sleep(CHECK_S)
                continue
            while True:
                msg = await sub.get_message(ignore_subscribe_messages=True, timeout=CHECK_S)
                if msg is None:
                    break  # quiet: look at the checkpoint again
                ev = _parse(msg.get("data"))
                if ev == DONE:
                    return
                if isinstance(ev, VideoEvent):
                    ev = await localized(svc, thread_id, ev)
                if ev is not None and not isinstance(ev, str):
                    yield ev


def _parse(raw: Any) -> Event | str | None:
    try:
        data = json.loads(raw)
        if data.get("type") == DONE:
            return DONE
        return EVENT_ADAPTER.validate_python(data)
    except (ValueError, TypeError, AttributeError):
        return None


async def _outcome(svc: AgentService, thread_id: str, prod: Production | None) -> AsyncIterator[Event]:
    """The production ended while we were not listening: tell it from the checkpoint."""
    history = await svc.history(thread_id)
    last = next((h["text"] for h in reversed(history) if h["role"] == "assistant"), "")
    if last:
        yield Message(text=last)
    if prod is not None and prod.status == "delivered":
        yield await localized(svc, thread_id, VideoEvent(outputs=prod.outputs, manifest_path=prod.manifest_path,
                                                         qc_summary=prod.qc_summary, cost_usd=prod.cost.actual_usd))


async def localized(svc: AgentService, thread_id: str, ev: VideoEvent) -> VideoEvent:
    """The video event with files on this machine: outputs made elsewhere are downloaded through their links."""
    from reelforge.agent.nodes.assemble import output_dir

    outputs: list[OutputFile] = []
    for out in ev.outputs:
        if not Path(out.path).is_file() and out.url:
            version = Path(out.path).parent.name.removeprefix("v")
            here = output_dir(svc.settings.outputs_dir, thread_id, int(version) if version.isdigit() else 0)
            dest = here / Path(out.path).name
            if not dest.is_file():
                await _download(out.url, dest)
            out = out.model_copy(update={"path": str(dest)})
        outputs.append(out)
    return ev.model_copy(update={"outputs": outputs})


async def _download(url: str, dest: Path) -> None:
    dest.parent.mkdir(parents=True, exist_ok=True)
    part = dest.with_name(dest.name + ".part")
    async with httpx.AsyncClient(timeout=FETCH_TIMEOUT_S) as client, client.stream("GET", url) as resp:
        resp.raise_for_status()
        with part.open("wb") as fh:
            async for chunk in resp.aiter_bytes():
                fh.write(chunk)
    part.replace(dest)
