"""A synchronous face of :class:`agent.service.AgentService`, for callers that are not async.

:class:`ServiceHost` runs one AgentService on a private event loop thread: worker threads (Bolt's sync
listeners, a script, a notebook) reach it through :meth:`ServiceHost.call` (one awaitable) and
:meth:`ServiceHost.stream` (an event stream, consumed as a plain iterator). Each stream is pumped by a
single task on the loop, so the graph's context variables never cross tasks, and a run keeps going to
the end even if the consuming side fails. :class:`SyncAgentService` adds the service's methods.
"""

from __future__ import annotations

import asyncio
import queue
import threading
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import AbstractAsyncContextManager
from typing import Any, TypeVar

from reelforge.agent.events import Event
from reelforge.agent.review import ReviewDecision, StoryboardReview
from reelforge.agent.service import AgentService, ThreadInfo
from reelforge.agent.state import Production
from reelforge.tools.settings import Settings

T = TypeVar("T")
_DONE = object()


class _Failed:
    def __init__(self, exc: BaseException) -> None:
        self.exc = exc


class ServiceHost:
    """Owns the loop thread and the opened service. Use as a context manager or call start()/close()."""

    def __init__(self, opener: Callable[[], AbstractAsyncContextManager[AgentService]], *,
                 name: str = "reelforge-agent-loop") -> None:
        self._opener = opener
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name=name, daemon=True)
        self._cm: AbstractAsyncContextManager[AgentService] | None = None
        self._service: AgentService | None = None
        self._pumps: set[asyncio.Future[Any]] = set()

    @property
    def service(self) -> AgentService:
        if self._service is None:
            raise RuntimeError("the agent service is not started")
        return self._service

    def start(self) -> ServiceHost:
        """Start the loop thread and open the service on it (a second call does nothing)."""
        if self._service is not None:
            return self
        self._thread.start()
        self._cm = self._opener()
        self._service = self._submit(self._cm.__aenter__()).result()
        return self

    def close(self, timeout: float = 30.0) -> None:
        """Let running streams finish (up to ``timeout``), close the service and stop the loop."""
        if not self._thread.is_alive():
            return
        if self._cm is not None:
            self._submit(self._shutdown(timeout)).result()
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=5)

    async def _shutdown(self, timeout: float) -> None:
        if self._pumps:
            await asyncio.wait(list(self._pumps), timeout=timeout)
        assert self._cm is not None
        await self._cm.__aexit__(None, None, None)

    def __enter__(self) -> ServiceHost:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _submit(self, coro: Awaitable[T]) -> Any:
        return asyncio.run_coroutine_threadsafe(coro, self._loop)  # type: ignore[arg-type]

    def call(self, fn: Callable[[AgentService], Awaitable[T]], timeout: float | None = 60.0) -> T:
        """Run ``fn(service)`` on the loop and wait for its result."""
        async def run() -> T:
            return await fn(self.service)

        return self._submit(run()).result(timeout)

    def stream(self, fn: Callable[[AgentService], AsyncIterator[Event]]) -> Iterator[Event]:
        """Iterate ``fn(service)`` from this thread; an exception inside the stream is re-raised here."""
        items: queue.Queue[Any] = queue.Queue()

        async def pump() -> None:
            try:
                async for ev in fn(self.service):
                    items.put(ev)
            except Exception as exc:  # noqa: BLE001 - handed to the consuming thread
                items.put(_Failed(exc))
            finally:
                items.put(_DONE)

        fut = self._submit(pump())
        self._loop.call_soon_threadsafe(self._track, fut)
        while True:
            item = items.get()
            if item is _DONE:
                return
            if isinstance(item, _Failed):
                raise item.exc
            yield item

    def _track(self, fut: Any) -> None:
        wrapped = asyncio.wrap_future(fut, loop=self._loop)
        self._pumps.add(wrapped)
        wrapped.add_done_callback(self._pumps.discard)


class SyncAgentService(ServiceHost):
    """The :class:`AgentService` API for code that is not async (scripts, notebooks, thread-based bots).

    ``with SyncAgentService.open() as svc: tid = svc.new_thread(); events = svc.send(tid, "a 20 s teaser")``.
    ``send`` / ``resume`` / ``continue_run`` return the whole event list; the ``*_stream`` forms yield events
    as they come. Every call runs on the one private loop thread, so the per-thread locks still hold.
    """

    @classmethod
    def open(cls, settings: Settings | None = None, brain: Any = None, studio: Any = None) -> SyncAgentService:
        """A started service (close it, or use ``with``)."""
        return cls(lambda: AgentService.open(settings, brain=brain, studio=studio)).start()  # type: ignore[return-value]

    def new_thread(self, origin: str = "cli", user: str | None = None, thread_id: str | None = None) -> str:
        return self.call(lambda s: s.new_thread(origin, user, thread_id))

    def send_stream(self, thread_id: str, text: str, **kwargs: Any) -> Iterator[Event]:
        return self.stream(lambda s: s.send(thread_id, text, **kwargs))

    def send(self, thread_id: str, text: str, **kwargs: Any) -> list[Event]:
        return list(self.send_stream(thread_id, text, **kwargs))

    def resume_stream(self, thread_id: str, decision: ReviewDecision | str, **kwargs: Any) -> Iterator[Event]:
        if isinstance(decision, str):
            decision = ReviewDecision.parse(decision)
        return self.stream(lambda s: s.resume(thread_id, decision, **kwargs))

    def resume(self, thread_id: str, decision: ReviewDecision | str, **kwargs: Any) -> list[Event]:
        return list(self.resume_stream(thread_id, decision, **kwargs))

    def continue_run(self, thread_id: str) -> list[Event]:
        return list(self.stream(lambda s: s.continue_run(thread_id)))

    def pending(self, thread_id: str) -> StoryboardReview | None:
        return self.call(lambda s: s.pending(thread_id))

    def production(self, thread_id: str) -> Production | None:
        return self.call(lambda s: s.production(thread_id))

    def history(self, thread_id: str) -> list[dict[str, str]]:
        return self.call(lambda s: s.history(thread_id))

    def threads(self) -> list[ThreadInfo]:
        return self.call(lambda s: s.threads())

    def voices(self) -> list[dict[str, Any]]:
        return self.call(lambda s: s.voices())
