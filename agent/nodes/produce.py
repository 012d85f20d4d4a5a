"""The produce node: clips ∥ voice ∥ music for the approved storyboard (the studio bounds concurrency per
provider and caches by content, so a resumed or re-run production never pays twice for a finished shot), then
assembly; the run ends here when production was refused, failed, or was handed to the render workers."""

from __future__ import annotations

import asyncio
import contextvars
import threading
from collections.abc import Awaitable, Callable
from typing import Any, Literal

from langchain_core.messages import AIMessage
from langchain_core.runnables import RunnableConfig
from langgraph.config import get_stream_writer
from langgraph.graph import END
from langgraph.types import Command

from reelforge.agent.events import plain_reason
from reelforge.agent.state import DirectorState, Production
from reelforge.tools.production import ProgressEvent
from reelforge.tools.studio_api import StudioAPI


def progress_sink() -> Callable[[ProgressEvent], None]:
    """An ``on_event`` callback forwarding studio ProgressEvents to the graph's custom stream, from any thread."""
    writer = get_stream_writer()
    loop = asyncio.get_running_loop()
    owner = threading.get_ident()
    node_context = contextvars.copy_context()  # the writer reads the node's run config from context

    def on_event(event: ProgressEvent) -> None:
        payload = {"kind": "progress", **event.model_dump(mode="json")}
        if threading.get_ident() == owner:
            writer(payload)
        else:
            loop.call_soon_threadsafe(writer, payload, context=node_context)

    return on_event


def failed(prod: Production, exc: BaseException, message: str) -> Command[Literal["__end__"]]:
    """A step that failed ends the run: the reason in plain words, ``message`` (with ``{}`` for the reason) in
    chat, and the thread left ready for 'retry'."""
    prod.status = "failed"
    prod.error = plain_reason(exc)
    return Command(update={"production": prod, "messages": [AIMessage(message.format(prod.error))]}, goto=END)


AfterProduce = Literal["assemble", "__end__"]


def make_produce(studio: StudioAPI) -> Callable[[DirectorState, RunnableConfig], Awaitable[Command[AfterProduce]]]:
    """Produce the approved storyboard; refuses (in code) anything unapproved or over budget. With a task engine
    configured (``REELFORGE_QUEUE_URL``) the work is dispatched to the workers and the thread rests until they
    resume it (see :mod:`agent.jobs`); otherwise it runs here."""

    async def produce(state: DirectorState, config: RunnableConfig) -> Command[AfterProduce]:
        prod: Production = state["production"].model_copy(deep=True)
        refusal = prod.refusal()
        if refusal:
            prod.status = "briefing"
            return Command(update={"production": prod, "messages": [AIMessage(refusal)]}, goto=END)
        assert prod.brief is not None and prod.storyboard is not None
        if studio.settings.queue_url:
            thread_id = str(config.get("configurable", {}).get("thread_id", ""))
            return await _dispatch(studio.settings, thread_id, prod)
        try:
            assets = await studio.produce(prod.brief, prod.storyboard, approval=prod.approval,
                                          on_event=progress_sink())
        except Exception as exc:  # noqa: BLE001 - reported in chat; the user may retry
            return failed(prod, exc, "Production failed: {}. Finished shots are kept; say 'retry' to try again.")
        prod.assets = assets
        prod.produced_version = prod.storyboard.version
        prod.status = "assembling"
        return Command(update={"production": prod}, goto="assemble")

    return produce


async def _dispatch(settings: Any, thread_id: str, prod: Production) -> Command[Literal["__end__"]]:
    """Hand the production to the workers; the run ends and the thread rests in ``producing`` until they
    finish and resume it at delivery (see :meth:`agent.service.DirectorService.complete_job`)."""
    from reelforge.agent.jobs import dispatch

    assert prod.storyboard is not None
    version = prod.storyboard.version
    if prod.job is not None and prod.job.version == version:
        prod.status = "producing"
        return Command(update={"production": prod, "messages": [
            AIMessage(f"Storyboard v{version} is already being produced.")]}, goto=END)
    try:
        prod.job = await dispatch(settings, thread_id, prod)
    except Exception as exc:  # noqa: BLE001 - e.g. the broker is down: nothing was spent, the user may retry
        return failed(prod, exc, "Could not start production: {}. Say 'retry' to try again.")
    prod.status = "producing"
    return Command(update={"production": prod, "messages": [AIMessage(
        f"Producing storyboard v{version} on the render workers; I'll post progress and the video here.")]}, goto=END)
