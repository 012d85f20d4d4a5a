"""AgentService — the one facade every front end (terminal chat, Gradio, Slack) and the evals use.

It owns the checkpointer and the compiled graph, serialises writers per thread (two writers on one
thread would fork its history), de-duplicates repeated deliveries by event id, routes a message sent
while a storyboard is pending to a review decision, and turns graph streams into :mod:`agent.events`.
"""

from __future__ import annotations

import asyncio
import importlib
import logging
import sqlite3
from collections import OrderedDict
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Mapping
from contextlib import AbstractAsyncContextManager, asynccontextmanager, nullcontext, suppress
from pathlib import Path
from typing import Any
from uuid import uuid4

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, AIMessageChunk, HumanMessage, ToolMessage
from langgraph.errors import GraphRecursionError
from langgraph.types import Command
from pydantic import BaseModel, ValidationError

from reelforge.agent.brains import make_brain, reads_replies
from reelforge.agent.checkpointer import open_checkpointer
from reelforge.agent.dedupe import EventClaims, PostgresEvents, SeenEvents
from reelforge.agent.events import (
    ErrorEvent,
    Event,
    Message,
    MessageDelta,
    Progress,
    StoryboardEvent,
    ToolObservation,
    VideoEvent,
    error_event,
    redact,
)
from reelforge.agent.followup import FollowUp, delivered, next_version, read_followup
from reelforge.agent.graph import build_graph
from reelforge.agent.locks import LocalLocks, PostgresLocks, ThreadLocks
from reelforge.agent.previews import asks_for_preview, preview_dir, stream_preview
from reelforge.agent.queued import (
    MAX_QUEUED,
    WAITING_DB,
    Busy,
    PostgresWaiting,
    QueuedMessage,
    SqliteWaiting,
    ThreadActivity,
    WaitingMessages,
    acknowledgement,
    line_full,
    taking_up,
)
from reelforge.agent.replies import ReplyReading, interpret_reply
from reelforge.agent.review import ReviewDecision, StoryboardReview
from reelforge.agent.review_uploads import kept_reply, named_pictures, picture_decision, refused_reply, scene_changes
from reelforge.agent.state import Production
from reelforge.agent.thread_index import PostgresThreadIndex
from reelforge.tools.database import amigrate, open_pool, postgres_url
from reelforge.tools.masking import install_log_masking, mask
from reelforge.tools.owners import local_owner, may_act
from reelforge.tools.production import Brief, Cost, OutputFile, ProductionAssets, now_iso, parse_aspects
from reelforge.tools.settings import Settings, get_settings
from reelforge.tools.uploads import Attachment, Incoming, UploadError, find_upload, store_upload, uploads_folder

log = logging.getLogger(__name__)
RECURSION_LIMIT = 80
SEEN_EVENT_IDS = 2048
SEEN_EVENTS_DB = "agent-events.sqlite"


class ThreadInfo(BaseModel):
    """A thread as listed from the checkpointer."""

    thread_id: str
    title: str
    status: str
    origin: str = ""
    user: str | None = None
    owner: str | None = None
    pending_review: bool = False
    interrupted: bool = False  # a run stopped mid-way (crash): continue_run() finishes it


class _Outcome:
    """Whether processing one delivery failed (its claim is then released so a redelivery runs again)."""

    def __init__(self) -> None:
        self.failed = False

    async def track(self, events: AsyncIterator[Event]) -> AsyncIterator[Event]:
        async for ev in events:
            if isinstance(ev, ErrorEvent):
                self.failed = True
            yield ev


class AgentService:
    """Async API over the director graph. Use ``async with AgentService.open() as svc:``."""

    def __init__(self, graph: Any, checkpointer: Any, settings: Settings, studio: Any = None, *,
                 locks: ThreadLocks | None = None, claims: EventClaims | None = None,
                 thread_index: PostgresThreadIndex | None = None, waiting: WaitingMessages | None = None,
                 reply_llm: Any = None) -> None:
        self.graph = graph
        self.reply_llm = reply_llm  # the director's LLM reads review replies too; None: the offline reading
        self._models: list[str] | None = None
        self.checkpointer = checkpointer
        self.settings = settings
        self.studio = studio
        self.locks: ThreadLocks = locks or LocalLocks()
        self.thread_index = thread_index
        self._seen: OrderedDict[str, None] = OrderedDict()
        self._claims: EventClaims | None = claims
        if claims is None:
            try:
                self._claims = SeenEvents(settings.home / SEEN_EVENTS_DB)
            except (OSError, sqlite3.Error):  # read-only data dir: de-duplicate in this process only
                self._claims = None
        self._meta: dict[str, dict[str, Any]] = {}
        # messages sent while a thread is busy (agent.queued): kept outside the process, so any replica applies them
        self.waiting: WaitingMessages = waiting or SqliteWaiting(settings.home / WAITING_DB)
        self._activity = ThreadActivity()  # what this process is doing on each thread

    @classmethod
    @asynccontextmanager
    async def open(cls, settings: Settings | None = None, brain: BaseChatModel | None = None,
                   studio: Any = None) -> AsyncIterator[AgentService]:
        """Open the checkpointer and compile the graph (offline brain and real Studio by default).

        With ``REELFORGE_DATABASE_URL=postgresql://…`` the thread locks, event claims, thread index and waiting
        messages live in the same database as the checkpoints (migrated on open), so any replica can serve any
        thread.
        """
        install_log_masking()  # every front door and worker logs through the one masking function
        if studio is None:
            from reelforge.tools.studio import Studio

            studio = Studio(settings or get_settings())
        settings = settings or studio.settings
        url = postgres_url(settings)
        if url:
            await amigrate(url)
        if brain is None:
            brain = make_brain(settings)
        reply_llm = brain if reads_replies(brain) else None
        async with open_checkpointer(settings) as saver:
            graph = build_graph(saver, brain=brain, studio=studio)
            if not url:
                yield cls(graph, saver, settings, studio, reply_llm=reply_llm)
                return
            pool = await open_pool(url)
            try:
                yield cls(graph, saver, settings, studio, locks=PostgresLocks(url, pool=pool),
                          claims=PostgresEvents(url, pool=pool), thread_index=PostgresThreadIndex(url, pool=pool),
                          waiting=PostgresWaiting(url, pool=pool), reply_llm=reply_llm)
            finally:
                await pool.close()

    async def warm(self) -> None:
        """Run one throwaway turn (offline director, in-memory checkpoints, this studio) up to its storyboard, so
        what loads lazily — the request parser's language model, the planner, the keyframe renderer, the model
        registry — is loaded before a freshly started front door meets its first users. Nothing is stored in the
        thread database and nothing is spent (keyframes are drawn offline)."""
        from langgraph.checkpoint.memory import InMemorySaver

        from reelforge.agent.brains.offline import OfflineDirector

        graph = build_graph(InMemorySaver(), brain=OfflineDirector(), studio=self.studio)
        turn = {"messages": [HumanMessage("a 5 second vertical teaser for a cafe")],
                "production": Production(brief_defaults={"keyframes": "off"})}  # never an image model: free
        with suppress(Exception):  # warming is an optimisation; a failure shows up again on real use
            await asyncio.to_thread(importlib.import_module, "reelforge.tools.ingest")  # scripts and articles
            await graph.ainvoke(turn, self._config("warm-up"))

    # --- threads ------------------------------------------------------------------------------------

    async def new_thread(self, origin: str = "cli", user: str | None = None, thread_id: str | None = None,
                         owner: str | None = None) -> str:
        """A new thread id (``<origin>:<random>`` unless given); it is persisted at its first message.
        ``owner`` is an :mod:`tools.owners` key (default: the local user)."""
        tid = thread_id or f"{origin}:{uuid4().hex[:12]}"
        self._meta[tid] = {"origin": origin, "user": user, "owner": owner or local_owner()}
        return tid

    async def owner(self, thread_id: str) -> str | None:
        """The owner key of a thread (also one created but not yet written); None when there is no such
        thread. A stored thread without a recorded owner belongs to the local user."""
        prod = await self.production(thread_id)
        if prod is not None:
            return prod.owner or local_owner()
        meta = self._meta.get(thread_id)
        return meta.get("owner") if meta else None

    async def may_act(self, thread_id: str, who: str, *, approvers: Iterable[str] = ()) -> bool:
        """True when ``who`` (an owner key) owns the thread or is a named approver; False for a thread
        that does not exist (a refusal must not tell the two apart)."""
        owner = await self.owner(thread_id)
        return owner is not None and may_act(owner, who, approvers=approvers)

    def _config(self, thread_id: str) -> dict[str, Any]:
        return {"configurable": {"thread_id": thread_id}, "recursion_limit": RECURSION_LIMIT}

    def _lock(self, thread_id: str) -> AbstractAsyncContextManager[None]:
        return self.locks.hold(thread_id)

    async def _claim(self, event_id: str | None) -> bool:
        """False when ``event_id`` was (or is being) processed already: a repeated delivery to ignore."""
        if not event_id:
            return True
        if event_id in self._seen:
            return False
        self._seen[event_id] = None
        while len(self._seen) > SEEN_EVENT_IDS:
            self._seen.popitem(last=False)
        if self._claims is not None:
            try:
                return await self._claims.claim(event_id)
            except (sqlite3.Error, OSError):  # a locked or broken file: this process's memory still de-duplicates
                return True
        return True

    async def _settle(self, event_id: str | None, ok: bool) -> None:
        """Mark a claimed event done, or release it after a failure so that a redelivery is processed again."""
        if not event_id:
            return
        if not ok:
            self._seen.pop(event_id, None)
        if self._claims is not None:
            with suppress(sqlite3.Error, OSError):
                await (self._claims.done(event_id) if ok else self._claims.release(event_id))

    @asynccontextmanager
    async def _once(self, event_id: str | None) -> AsyncIterator[_Outcome | None]:
        """Process a delivery once: yields None for a duplicate, else an outcome the caller marks failed."""
        if not await self._claim(event_id):
            yield None
            return
        outcome = _Outcome()
        try:
            yield outcome
        except BaseException:
            outcome.failed = True
            raise
        finally:
            await self._settle(event_id, not outcome.failed)

    # --- writing ------------------------------------------------------------------------------------

    async def send(self, thread_id: str, text: str, *, attachments: Iterable[str | Path | Incoming] = (),
                   brief_patch: Mapping[str, Any] | None = None, event_id: str | None = None
                   ) -> AsyncIterator[Event]:
        """Send a user message; stream the director's events. While a storyboard awaits review the text is
        read by :func:`agent.replies.interpret_reply`: an approval, scene changes or a revision resume the
        review; a question is answered and a hesitation gets one clarifying question, with nothing changed.
        A repeated ``event_id`` is ignored; one whose processing failed is not.

        ``attachments`` are files the front door received: each is copied into the thread's own uploads
        folder and recorded on the thread and on the message (never written into the text); the tools
        open only those.

        While the thread is busy (a render, or the director still on the previous message) the message is
        queued and acknowledged at once, with its files already stored in the thread's uploads folder, and
        whoever finishes the thread's work applies it (:mod:`agent.queued`); it is never dropped."""
        files = tuple(attachments)
        async for ev in self._serve(thread_id, event_id, lambda: self._send(thread_id, text, files, brief_patch),
                                    waits=lambda: self._waiting_message(thread_id, text, files, brief_patch)):
            yield ev

    async def _serve(self, thread_id: str, event_id: str | None, work: Callable[[], AsyncIterator[Event]], *,
                     waits: Callable[[], Awaitable[QueuedMessage]] | None = None) -> AsyncIterator[Event]:
        """Run one turn: de-duplicated by ``event_id``, then the work, the production it started on the workers,
        and the messages that waited meanwhile. A message (``waits`` makes its waiting form) for a thread that is
        busy — a turn in this process works on it, or its production runs on the workers — is queued and
        acknowledged instead; one that finds older messages still waiting goes behind them."""
        entered = False
        try:
            async with self._watch(thread_id) as watch:
                async with self._once(event_id) as outcome:
                    if outcome is None:
                        return
                    if waits is not None and (told := await self._queue_if_busy(thread_id, waits)) is not None:
                        outcome.failed = isinstance(told, ErrorEvent)
                        yield told
                        if (outcome.failed or await self._producing_elsewhere(thread_id)
                                or self._activity.active(thread_id)):
                            return
                        # the busy turn ended while this message was being put in line (after its last look
                        # at the line): nobody else will take the line up, so this turn does
                        self._activity.enter(thread_id)
                        entered = True
                    else:
                        self._activity.enter(thread_id)
                        entered = True
                        async for ev in self._first_turn(thread_id, outcome, work, waits):
                            yield ev
                while entered:
                    async for ev in self._queued_turns(thread_id, watch):
                        yield ev
                    self._activity.leave(thread_id)
                    entered = False
                    # a message queued in this process after the line was found empty, with no turn left to take it
                    if await self.waiting.count(thread_id) and not self._activity.active(thread_id):
                        self._activity.enter(thread_id)
                        entered = True
        finally:
            if entered:
                self._activity.leave(thread_id)

    async def _first_turn(self, thread_id: str, outcome: _Outcome, work: Callable[[], AsyncIterator[Event]],
                          waits: Callable[[], Awaitable[QueuedMessage]] | None) -> AsyncIterator[Event]:
        """The turn's own work, unless older messages still wait (left by a turn that was cut off, or by a
        production no front door followed to its end): then this message goes behind them, and the caller
        takes the line up."""
        if waits is not None and await self.waiting.count(thread_id):
            if (told := await self._line_up(thread_id, waits, None)) is not None:
                outcome.failed = isinstance(told, ErrorEvent)
                yield told
            return
        async for ev in outcome.track(work()):
            yield ev

    async def _queue_if_busy(self, thread_id: str, waits: Callable[[], Awaitable[QueuedMessage]]) -> Event | None:
        """Queue the message when the thread is busy; what to tell the person, or None when it is not busy."""
        if self._activity.active(thread_id):
            return await self._line_up(thread_id, waits, self._activity.busy.get(thread_id, "planning"))
        if not await self._producing_elsewhere(thread_id):
            return None
        return await self._line_up(thread_id, waits, "production", while_producing=True)

    async def _line_up(self, thread_id: str, waits: Callable[[], Awaitable[QueuedMessage]], busy: Busy | None, *,
                       while_producing: bool = False) -> Event | None:
        """Add the message to the end of the thread's waiting line. Returns the acknowledgement (``busy``: what
        the thread is doing; None: the line is taken up at once, nothing to say), or why it cannot wait.
        ``while_producing``: only while the thread's production still runs on the workers, checked under the
        thread's lock (None when it has ended meanwhile: the message is then handled at once)."""
        if await self.waiting.count(thread_id) >= MAX_QUEUED:
            return Message(text=line_full())
        try:
            message = await waits()
        except UploadError as exc:
            return ErrorEvent(message=str(exc))
        if while_producing:
            # complete_job ends the production under this lock, so a message added while it still runs is
            # seen by whoever takes up the line after the delivery
            async with self._lock(thread_id):
                if not await self._producing_elsewhere(thread_id):
                    return None
                position = await self.waiting.add(thread_id, message)
        else:
            position = await self.waiting.add(thread_id, message)
        if position is None:
            return Message(text=line_full())
        return Message(text=acknowledgement(message.text, busy, position)) if busy else None

    async def _waiting_message(self, thread_id: str, text: str, attachments: Iterable[str | Path | Incoming],
                               brief_patch: Mapping[str, Any] | None) -> QueuedMessage:
        """The message as it waits: its files are copied into the thread's uploads folder now, since the front
        door's temporary files may be gone (or on another machine) by the time it is applied."""
        owner = await self.owner(thread_id) or local_owner()
        stored = await asyncio.to_thread(self._store_uploads, thread_id, owner, attachments)
        return QueuedMessage(text=mask(text), attachments=stored,
                             brief_patch=dict(brief_patch) if brief_patch else None)

    async def _queued_turns(self, thread_id: str, watch: Any = None) -> AsyncIterator[Event]:
        """Relay the thread's production on the workers, if any, then take up the messages that waited, oldest
        first: each is taken off the line under the thread's lock (so front doors taking up the same line apply
        each message once, in order), and the production it starts is relayed before the next."""
        while True:
            async for ev in self.follow(thread_id, watch):
                yield ev
            if not await self.waiting.count(thread_id):
                return
            async with self._lock(thread_id):
                if await self._producing_elsewhere(thread_id):  # a message taken up elsewhere started one
                    continue
                waiting = await self.waiting.pop(thread_id)
                if waiting is None:
                    continue
                yield Message(text=taking_up(waiting.text))
                async for ev in self._apply(thread_id, waiting.text, waiting.attachments, waiting.brief_patch):
                    yield ev

    async def _producing_elsewhere(self, thread_id: str) -> bool:
        """The thread's production runs on the workers (``REELFORGE_QUEUE_URL``) and has not finished."""
        if not self.settings.queue_url:
            return False
        prod = await self.production(thread_id)
        return prod is not None and prod.status in ("producing", "assembling") and prod.job is not None

    async def _send(self, thread_id: str, text: str, attachments: Iterable[str | Path | Incoming],
                    brief_patch: Mapping[str, Any] | None) -> AsyncIterator[Event]:
        async with self._lock(thread_id):
            async for ev in self._apply(thread_id, text, attachments, brief_patch):
                yield ev

    async def _apply(self, thread_id: str, text: str, attachments: Iterable[str | Path | Incoming | Attachment],
                     brief_patch: Mapping[str, Any] | None) -> AsyncIterator[Event]:
        """One user message, under the thread's lock (the caller holds it)."""
        cfg = self._config(thread_id)
        snap = await self.graph.aget_state(cfg)
        if asks_for_preview(text) and not attachments:  # free: no approval needed, nothing changes
            async for ev in stream_preview(self.studio, snap.values.get("production"),
                                           preview_dir(self.settings.outputs_dir, thread_id)):
                yield ev
            return
        if snap.interrupts:
            review = StoryboardReview.model_validate(snap.interrupts[0].value)
            async for ev in self._review_reply(thread_id, text, attachments, review, snap.values["production"]):
                yield ev
            return
        if snap.next:  # a run stopped mid-way (crash): finish it before the new message
            async for ev in self._run(None, thread_id):
                yield ev
            snap = await self.graph.aget_state(cfg)
        prod: Production | None = snap.values.get("production")
        if delivered(prod) and not brief_patch and not attachments:
            assert prod is not None
            follow = await read_followup(text, prod, self.read_reply)
            if follow is not None:  # a change to the delivered video: its next version, for approval
                async for ev in self._next_version(thread_id, text, prod, follow):
                    yield ev
                return
        inp: dict[str, Any] = {}
        if prod is None:
            meta = self._meta.get(thread_id) or {"origin": thread_id.split(":", 1)[0], "owner": local_owner()}
            prod = Production(**meta)
            inp["production"] = prod
            if self.thread_index is not None:
                await self.thread_index.record(thread_id, prod.origin, prod.owner)
        if brief_patch:
            try:
                inp["production"] = prod = _patched(prod, dict(brief_patch))
                self._check_voice(brief_patch.get("voice"), prod.owner)
            except (ValueError, ValidationError) as exc:
                yield ErrorEvent(message=f"Invalid brief settings: {exc}".splitlines()[0])
                return
        try:
            stored = await asyncio.to_thread(self._store_uploads, thread_id, prod.owner, attachments)
        except UploadError as exc:
            yield ErrorEvent(message=str(exc))
            return
        if stored:
            inp["production"] = prod.model_copy(update={"uploads": [*prod.uploads, *stored]})
        inp["messages"] = [HumanMessage(mask(text), additional_kwargs=_turn_record(prod, stored))]
        async for ev in self._run(inp, thread_id):
            yield ev

    async def _review_reply(self, thread_id: str, text: str,
                            attachments: Iterable[str | Path | Incoming | Attachment], review: StoryboardReview,
                            prod: Production) -> AsyncIterator[Event]:
        """A message sent while ``review`` waits: its files first; a picture it names among the thread's uploads
        ("use photo.jpg for the baker"); else the reply's reading resumes the review, or is answered."""
        if attachments:
            async for ev in self._files_in_review(thread_id, text, attachments, review, prod):
                yield ev
            return
        named = named_pictures(text, prod.uploads)
        if named and (decision := picture_decision(text, named, review, named=True)) is not None:
            async for ev in self._run(Command(resume=decision.model_dump()), thread_id):
                yield ev
            return
        reading = await self.read_reply(text, review)
        if reading.intent != "decide":
            yield Message(text=reading.text)
            return
        resume = {"decisions": [d.model_dump() for d in reading.decisions]}
        async for ev in self._run(Command(resume=resume), thread_id):
            yield ev

    async def _files_in_review(self, thread_id: str, text: str, attachments: Iterable[str | Path | Incoming | Attachment],
                               review: StoryboardReview, prod: Production) -> AsyncIterator[Event]:
        """Files sent while the storyboard waits for review (see :mod:`agent.review_uploads`): stored and recorded on
        the thread; a picture the message gives a subject makes a new version to approve, else the storyboard stays
        pending and the reply says how to use them. A refused file changes nothing."""
        try:
            stored = await asyncio.to_thread(self._store_uploads, thread_id, prod.owner, attachments)
        except UploadError as exc:
            yield ErrorEvent(message=refused_reply(str(exc), review))
            return
        try:
            decision = picture_decision(text, stored, review)
        except UploadError as exc:
            reply = refused_reply(str(exc), review, kept=stored)
            await self._keep_in_review(thread_id, text, prod, stored, reply)
            yield ErrorEvent(message=reply)
            return
        if decision is None:  # the files are kept; what the words ask of the storyboard itself is still done
            reading = await self.read_reply(text, review) if text.strip() else None
            changes = scene_changes(reading) if reading is not None else []
            reply = kept_reply(stored, review, changing=bool(changes))
            await self._keep_in_review(thread_id, text, prod, stored, reply)
            if reading is not None and reading.intent == "answer":
                yield Message(text=reading.text)
            yield Message(text=reply)
            if changes:
                resume = {"decisions": [d.model_dump() for d in changes]}
                async for ev in self._run(Command(resume=resume), thread_id):
                    yield ev
            return
        await self._keep_in_review(thread_id, text, prod, stored, None)
        async for ev in self._run(Command(resume=decision.model_dump()), thread_id):
            yield ev

    async def _keep_in_review(self, thread_id: str, text: str, prod: Production, stored: list[Attachment],
                              reply: str | None) -> None:
        """Record the message, its files (on the production, so the tools can open them) and ``reply`` on the
        thread, and leave the same storyboard waiting for review: the review is shown again without a word."""
        cfg = self._config(thread_id)
        messages: list[Any] = [HumanMessage(mask(text), additional_kwargs=_turn_record(prod, stored))]
        if reply:
            messages.append(AIMessage(reply))
        update = {"production": prod.model_copy(update={"uploads": [*prod.uploads, *stored]}), "messages": messages}
        await self.graph.aupdate_state(cfg, Command(update=update, goto="review_storyboard"), as_node="tools")
        async for _ in self.graph.astream(None, cfg, durability="sync"):
            pass  # the review node pauses again on the unchanged storyboard (free: nothing is produced)

    async def preview(self, thread_id: str) -> AsyncIterator[Event]:
        """An animatic of the thread's current storyboard (low resolution, watermarked, free, seconds): progress
        events, then a ``preview`` event with the file. The studio's button and Slack's action call this."""
        async for ev in stream_preview(self.studio, await self.production(thread_id),
                                       preview_dir(self.settings.outputs_dir, thread_id)):
            yield ev

    async def _next_version(self, thread_id: str, text: str, prod: Production, follow: FollowUp
                            ) -> AsyncIterator[Event]:
        """Open the delivered video's next version (see :mod:`agent.followup`) and show it for review."""
        try:
            changed, reply, opened = await next_version(self.studio, prod, follow)
        except (ValueError, KeyError) as exc:
            yield ErrorEvent(message=f"I couldn't change the video: {redact(str(exc))}")
            return
        update: dict[str, Any] = {"messages": [HumanMessage(text), AIMessage(reply)]}
        if not opened:
            await self.graph.aupdate_state(self._config(thread_id), update, as_node="deliver")
            yield Message(text=reply)
            return
        update["production"] = changed
        # as if the director had submitted it: the graph goes on to the review of the new version
        await self.graph.aupdate_state(self._config(thread_id), Command(update=update, goto="review_storyboard"),
                                       as_node="tools")
        yield Message(text=reply)
        async for ev in self._run(None, thread_id):
            yield ev

    async def read_reply(self, text: str, review: StoryboardReview) -> ReplyReading:
        """What a reply to ``review`` means (the director's LLM when it has one, else the offline reading)."""
        return await interpret_reply(text, review, llm=self.reply_llm, models=self._model_ids())

    def _model_ids(self) -> list[str]:
        if self._models is None:
            try:
                self._models = [str(m["id"]) for m in self.studio.models()]
            except Exception:  # noqa: BLE001 - a studio without a registry: model names are not recognised
                self._models = []
        return self._models

    def _check_voice(self, voice: Any, owner: str | None) -> None:
        """A front end may not pick another owner's private cloned voice."""
        refusal = self.studio.voice_refusal(str(voice), owner) if voice else None
        if refusal:
            raise ValueError(refusal)

    def _store_uploads(self, thread_id: str, owner: str | None,
                       attachments: Iterable[str | Path | Incoming | Attachment]) -> list[Attachment]:
        """Copy the front door's files into the thread's uploads folder (all or none). A file already stored
        there (a queued message's) is checked again: it must still be a plain file in that folder."""
        stored: list[Attachment] = []
        copied: list[Attachment] = []
        folder = uploads_folder(self.settings.home, thread_id)
        kept_before = {p.name for p in folder.iterdir()} if folder.is_dir() else set()  # never removed below
        try:
            for item in attachments:
                if isinstance(item, Attachment):
                    stored.append(self._kept_upload(thread_id, item))
                    continue
                given = item if isinstance(item, Incoming) else Incoming(path=str(item))
                copied.append(store_upload(self.settings.home, thread_id, given.path, owner=owner,
                                           max_bytes=self.settings.max_upload_bytes, name=given.name,
                                           consent=given.consent))
                stored.append(copied[-1])
        except UploadError:
            for a in copied:
                if Path(a.path).name not in kept_before:  # an identical earlier upload is reused, not copied
                    Path(a.path).unlink(missing_ok=True)
            raise
        return stored

    def _kept_upload(self, thread_id: str, kept: Attachment) -> Attachment:
        """A queued message's file, as stored when it was queued (on a replica that does not share the data
        directory it is not there: the person is asked to attach it again)."""
        try:
            return find_upload(self.settings.home, thread_id, [kept], kept.path,
                               max_bytes=self.settings.max_upload_bytes)
        except UploadError:
            raise UploadError(f"I couldn't find {kept.name}, which you sent while I was busy; please attach it "
                              "again.") from None

    async def resume(self, thread_id: str, decision: ReviewDecision, *, event_id: str | None = None
                     ) -> AsyncIterator[Event]:
        """Answer the pending storyboard review. A repeated ``event_id`` (e.g. a double click) is ignored.
        Messages sent while it runs are applied after it."""
        async for ev in self._serve(thread_id, event_id, lambda: self._resume(thread_id, decision)):
            yield ev

    async def _resume(self, thread_id: str, decision: ReviewDecision) -> AsyncIterator[Event]:
        async with self._lock(thread_id):
            snap = await self.graph.aget_state(self._config(thread_id))
            if not snap.interrupts:
                yield ErrorEvent(message="No storyboard is waiting for review in this thread "
                                         "(it may already have been approved).")
                return
            async for ev in self._run(Command(resume=decision.model_dump()), thread_id):
                yield ev

    def _watch(self, thread_id: str) -> AbstractAsyncContextManager[Any]:
        """Listen to the thread's progress channel for the length of a turn when production runs on workers
        (listening starts before the turn, so a fast worker's first progress is not missed)."""
        from reelforge.agent.bus import events_url, subscribe

        url = events_url(self.settings) if self.settings.queue_url else None
        return subscribe(url, thread_id) if url else nullcontext()

    async def follow(self, thread_id: str, watch: Any = None) -> AsyncIterator[Event]:
        """While the thread's production runs on the workers (``REELFORGE_QUEUE_URL``), relay its progress and
        its outcome (the video, or the error) from whichever worker has it. Returns at once otherwise; the
        thread's lock is not held, so the conversation can go on meanwhile."""
        prod = await self.production(thread_id)
        if prod is None or prod.status not in ("producing", "assembling") or prod.job is None:
            return
        from reelforge.agent.relay import relay

        async for ev in relay(self, thread_id, prod.job, watch):
            yield ev

    async def continue_run(self, thread_id: str) -> AsyncIterator[Event]:
        """Finish a run that stopped mid-way (e.g. the process died during production), then any messages
        that were waiting."""
        async for ev in self._serve(thread_id, None, lambda: self._continue(thread_id)):
            yield ev

    async def _continue(self, thread_id: str) -> AsyncIterator[Event]:
        async with self._lock(thread_id):
            snap = await self.graph.aget_state(self._config(thread_id))
            if snap.next and not snap.interrupts:
                async for ev in self._run(None, thread_id):
                    yield ev

    async def _run(self, inp: Any, thread_id: str) -> AsyncIterator[Event]:
        cfg = self._config(thread_id)
        delivered = False
        self._activity.busy[thread_id] = "planning"
        try:
            async for mode, chunk in self.graph.astream(inp, cfg, stream_mode=["messages", "updates", "custom"],
                                                        durability="sync"):
                if mode == "messages":
                    msg, meta = chunk
                    if (isinstance(msg, AIMessageChunk) and meta.get("langgraph_node") == "converse"
                            and isinstance(msg.content, str) and msg.content):
                        yield MessageDelta(text=msg.content)
                elif mode == "custom":
                    if isinstance(chunk, dict) and chunk.get("kind") == "progress":
                        self._activity.busy[thread_id] = "production"
                        yield Progress(**{k: v for k, v in chunk.items() if k != "kind"})
                else:
                    for node, update in chunk.items():
                        if node == "__interrupt__":
                            for intr in update:
                                yield StoryboardEvent(review=StoryboardReview.model_validate(intr.value))
                            continue
                        delivered = delivered or node == "deliver"
                        for ev in _update_events(update):
                            yield ev
        except GraphRecursionError:
            event = ErrorEvent(message="I went round in circles on that request; please rephrase it.")
            await self._close_failed_turn(cfg, event.message)
            yield event
            return
        except Exception as exc:  # noqa: BLE001 - front ends get plain words, never a traceback
            event = error_event(exc, "working on your video")
            await self._close_failed_turn(cfg, event.message)
            yield event
            return
        finally:
            self._activity.busy.pop(thread_id, None)
        if delivered:
            prod = await self.production(thread_id)
            if prod is not None:
                yield VideoEvent(outputs=prod.outputs, manifest_path=prod.manifest_path,
                                 qc_summary=prod.qc_summary, cost_usd=prod.cost.actual_usd)

    async def _close_failed_turn(self, cfg: dict[str, Any], text: str) -> None:
        """A conversation turn that failed (the model's server errored, the loop went round) ends here, in the
        thread's history, so the next message starts fresh instead of silently re-running it. Production and
        assembly are left resumable: they are continued, not re-decided."""
        try:
            snap = await self.graph.aget_state(cfg)
            if not snap.next or snap.interrupts or not set(snap.next) <= {"converse", "tools"}:
                return
            last = snap.values.get("messages", [])[-1:] or [None]
            if isinstance(last[0], AIMessage) and last[0].tool_calls:  # calls that never ran get their answer
                await self.graph.aupdate_state(cfg, {"messages": [
                    ToolMessage("Not run: the turn stopped.", tool_call_id=c["id"] or "", name=c["name"],
                                status="error") for c in last[0].tool_calls]}, as_node="tools")
            await self.graph.aupdate_state(cfg, {"messages": [AIMessage(f"(This request stopped: {text})")]},
                                           as_node="converse")
        except Exception:  # noqa: BLE001 - the error was already reported; the next message still works
            log.warning("could not close a failed turn", exc_info=True)

    async def complete_job(self, thread_id: str, task_id: str, *, result: Mapping[str, Any] | None = None,
                           assets: Mapping[str, Any] | None = None, error: str | None = None) -> list[Event]:
        """The workers finished (or gave up on) the production ``task_id``: record the outcome in the thread and
        let the graph deliver. Idempotent: a repeated completion, or one for a production the thread no longer
        waits for, changes nothing and returns no events."""
        async with self._lock(thread_id):
            cfg = self._config(thread_id)
            snap = await self.graph.aget_state(cfg)
            prod: Production | None = snap.values.get("production")
            if prod is None or prod.job is None or prod.job.task_id != task_id:
                return []
            prod = prod.model_copy(deep=True)
            version, prod.job = prod.job.version, None
            if error or result is None:
                prod.status = "failed"
                prod.error = redact(error or "the workers returned no result")
                update: dict[str, Any] = {"production": prod, "messages": [AIMessage(
                    f"Production failed: {prod.error}. Finished shots are kept; say 'retry' to try again.")]}
                await self.graph.aupdate_state(cfg, update, as_node="assemble")
                return [Message(text=update["messages"][0].content)]
            if assets is not None:
                prod.assets = ProductionAssets.model_validate(assets)
            prod.produced_version = version
            prod.outputs = [OutputFile.model_validate(o) for o in result.get("outputs", [])]
            prod.cost = Cost.model_validate(result.get("cost") or {})
            prod.manifest_path = result.get("manifest_path")
            prod.qc_summary = str(result.get("qc_summary", ""))
            prod.status = "delivered"
            # the workers assembled it: the graph goes on from assembly to delivery
            await self.graph.aupdate_state(cfg, Command(update={"production": prod}, goto="deliver"),
                                           as_node="assemble")
            return [ev async for ev in self._run(None, thread_id)]

    # --- reading ------------------------------------------------------------------------------------

    async def voices(self, owner: str | None = None) -> list[dict[str, Any]]:
        """Narration voices for a picker: ``{"id", "name", "engine", "language", "available", "description"}``,
        "auto" first, without other owners' private clones. Listing never fails the caller: a studio error
        gives just the offline choices."""
        out: list[dict[str, Any]] = [{"id": "auto", "name": "Automatic (best available)", "engine": "auto",
                                      "language": "multi", "available": True, "description": ""}]
        try:
            found = await asyncio.to_thread(self.studio.list_voices)
        except Exception:  # noqa: BLE001 - e.g. a voice service outage; the picker still works
            return out
        for v in found:
            data = dict(v) if isinstance(v, dict) else v.model_dump()
            if self.studio.voice_refusal(str(data["id"]), owner):
                continue
            out.append({"id": str(data["id"]), "name": str(data.get("name") or data["id"]),
                        "engine": str(data.get("engine", "")), "language": str(data.get("language", "")),
                        "available": bool(data.get("available", True)),
                        "description": redact(str(data.get("description", "")))})
        return out

    async def pending(self, thread_id: str) -> StoryboardReview | None:
        """The storyboard awaiting review in this thread, if any."""
        snap = await self.graph.aget_state(self._config(thread_id))
        for intr in snap.interrupts:
            return StoryboardReview.model_validate(intr.value)
        return None

    async def production(self, thread_id: str) -> Production | None:
        """The thread's production (brief, storyboard, approval, outputs, costs)."""
        snap = await self.graph.aget_state(self._config(thread_id))
        return snap.values.get("production")

    async def history(self, thread_id: str) -> list[dict[str, str]]:
        """The conversation as ``{"role": user|assistant|tool, "text": ..., "name": ...}`` items."""
        snap = await self.graph.aget_state(self._config(thread_id))
        out: list[dict[str, str]] = []
        for m in snap.values.get("messages", []):
            if isinstance(m, HumanMessage):
                out.append({"role": "user", "text": str(m.content)})
            elif isinstance(m, AIMessage) and _text(m):
                out.append({"role": "assistant", "text": _text(m)})
            elif isinstance(m, ToolMessage):
                out.append({"role": "tool", "text": str(m.content), "name": m.name or ""})
        return out

    async def threads(self, owner: str | None = None) -> list[ThreadInfo]:
        """Every thread (only ``owner``'s when given), most recently updated first, with titles."""
        if self.thread_index is not None:
            ordered = await self.thread_index.ids(owner=None if owner in (None, local_owner()) else owner)
        else:
            ordered = await self._thread_ids_from_checkpoints()
        out: list[ThreadInfo] = []
        for tid in ordered:
            snap = await self.graph.aget_state(self._config(tid))
            prod: Production = snap.values.get("production") or Production()
            if owner is not None and not may_act(prod.owner, owner):
                continue
            first = next((str(m.content) for m in snap.values.get("messages", []) if isinstance(m, HumanMessage)), "")
            out.append(ThreadInfo(thread_id=tid, title=prod.title or first[:60] or tid, status=prod.status,
                                  origin=prod.origin, user=prod.user, owner=prod.owner or local_owner(),
                                  pending_review=bool(snap.interrupts),
                                  interrupted=bool(snap.next) and not snap.interrupts))
        return out

    async def _thread_ids_from_checkpoints(self) -> list[str]:
        latest: dict[str, str] = {}
        async for tup in self.checkpointer.alist(None):
            tid = tup.config["configurable"]["thread_id"]
            if tup.config["configurable"].get("checkpoint_ns"):
                continue
            cid = tup.checkpoint["id"]
            if cid > latest.get(tid, ""):
                latest[tid] = cid
        return sorted(latest, key=latest.__getitem__, reverse=True)


def _turn_record(prod: Production, stored: list[Attachment]) -> dict[str, Any]:
    """What travels with a user message besides its text: who sent it, when, and which uploads it carried."""
    record: dict[str, Any] = {"sent_by": prod.owner or local_owner(), "sent_at": now_iso()}
    if stored:
        record["attachments"] = [{"name": a.name, "kind": a.kind} for a in stored]
    return record


def _text(msg: AIMessage) -> str:
    if isinstance(msg.content, str):
        return msg.content
    return "".join(p.get("text", "") for p in msg.content if isinstance(p, dict))


def _update_events(update: Any) -> list[Event]:
    """Chat events for one node's state update."""
    if not isinstance(update, dict):
        return []
    events: list[Event] = []
    for m in update.get("messages", []):
        if isinstance(m, AIMessage) and _text(m):
            events.append(Message(text=_text(m)))
        elif isinstance(m, ToolMessage):
            events.append(ToolObservation(name=m.name or "", text=str(m.content), ok=m.status != "error"))
    return events


def _patched(prod: Production, patch: dict[str, Any]) -> Production:
    """Apply a front end's brief settings (e.g. aspect checkboxes) to the production."""
    if "aspects" in patch:
        patch["aspects"] = parse_aspects(patch["aspects"])
    unknown = set(patch) - set(Brief.model_fields)
    if unknown:
        raise ValueError(f"unknown brief fields: {', '.join(sorted(unknown))}")
    prod = prod.model_copy(deep=True)
    if prod.brief is None:
        Brief.model_validate({"goal": "check", **patch})
        prod.brief_defaults.update(patch)
    else:
        prod.brief = Brief.model_validate({**prod.brief.model_dump(), **patch})
    return prod
