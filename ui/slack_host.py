"""ServiceHost: runs one :class:`agent.service.AgentService` on a private event loop thread.

Bolt's (sync) listeners run on worker threads; they reach the async service through :meth:`call` (one
awaitable) and :meth:`stream` (an event stream, consumed as a plain iterator). Each stream is pumped by a
single task on the loop, so the graph's context variables never cross tasks, and a run keeps going to
the end even if the Slack side of it fails.
"""

from __future__ import annotations

import asyncio
import queue
import threading
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import AbstractAsyncContextManager
from typing import Any, TypeVar

from agent.events import Event
from agent.service import AgentService

T = TypeVar("T")
_DONE = object()


class _Failed:
    def __init__(self, exc: BaseException) -> None:
        self.exc = exc


class ServiceHost:
    """Owns the loop thread and the opened service. Use as a context manager or call start()/close()."""

    def __init__(self, opener: Callable[[], AbstractAsyncContextManager[AgentService]]) -> None:
        self._opener = opener
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="reelforge-slack-loop", daemon=True)
        self._cm: AbstractAsyncContextManager[AgentService] | None = None
        self._service: AgentService | None = None
        self._pumps: set[asyncio.Future[Any]] = set()

    @property
    def service(self) -> AgentService:
        if self._service is None:
            raise RuntimeError("the agent service is not started")
        return self._service

    def start(self) -> ServiceHost:
        """Start the loop thread and open the service on it."""
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
