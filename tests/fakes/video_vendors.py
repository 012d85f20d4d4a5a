"""Pieces every direct video-vendor fake shares: fault injection, expiring result files, a job driver.

A vendor fake (tests/fakes/kling.py, ...) builds a :class:`~fakes.server.FakeApp` and calls
:func:`fault` at the top of each handler, so a test can queue ``inject(app, "create", (429, ...))``
(a canned response) or ``inject(app, "create", 0.3)`` (sleep 0.3 s first, to trip a client timeout).
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest

from fakes.server import FakeApp, Req
from reelforge.tools.clips.base import ClipProvider, ClipRequest, Job, JobStatus, ProviderError

# A few bytes that start like an MP4; the adapters only move bytes, the tests compare them exactly.
VIDEO = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + bytes(range(256)) * 8
MALFORMED = (200, b"{this is not json", {"Content-Type": "application/json"})


def inject(app: FakeApp, key: str, *responses: object) -> None:
    """Queue faults for the handler named ``key``: a response tuple, or a number = delay in seconds."""
    app.state.setdefault("faults", {}).setdefault(key, []).extend(responses)


def fault(app: FakeApp, key: str) -> tuple | None:
    """Pop the next fault for ``key``: a canned response to return, or ``None`` to answer normally."""
    queue = app.state.get("faults", {}).get(key) or []
    while queue:
        item = queue.pop(0)
        if isinstance(item, (int, float)):
            time.sleep(item)
            continue
        return item  # type: ignore[return-value]
    return None


def add_files(app: FakeApp, *, expired_status: int = 403) -> None:
    """``GET /files/{name}`` serves :data:`VIDEO`; names in ``app.state["expired"]`` answer as expired."""
    app.state.setdefault("expired", set())

    @app.route("GET", "/files/{name}")
    def files(req):
        if req.params["name"] in app.state["expired"]:
            return expired_status, "<Error><Code>AccessDenied</Code><Message>Request has expired</Message></Error>"
        return 200, VIDEO, {"Content-Type": "video/mp4"}


def task_app(table: str = "tasks", *, expired_status: int = 403) -> FakeApp:
    """A new vendor fake: an empty job table ``app.state[table]`` and ``/files/`` serving :data:`VIDEO`."""
    app = FakeApp()
    app.state[table] = {}
    add_files(app, expired_status=expired_status)
    return app


def bearer_or_fault(app: FakeApp, req: Req, key: str, unauthorized: tuple, fault_key: str | None = None) -> tuple | None:
    """The start of a handler: ``unauthorized`` unless the request carries ``Authorization: Bearer <key>``,
    else the next queued fault for ``fault_key`` (by default ``create`` for POST, ``poll`` otherwise)."""
    if req.headers.get("authorization") != f"Bearer {key}":
        return unauthorized
    return fault(app, fault_key or ("create" if req.method == "POST" else "poll"))


def now_iso() -> str:
    """The current time as the vendors write it (ISO 8601, UTC, ``Z``)."""
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime()) + f".{int(time.time() * 1000) % 1000:03d}Z"


def file_url(app: FakeApp, name: str) -> str:
    return f"{app.base_url}/files/{name}"


def advance(task: dict, script: list[str]) -> str:
    """Each poll moves a task one step along ``script`` (and stays on the last step)."""
    task["polls"] = task.get("polls", 0) + 1
    return script[min(task["polls"], len(script) - 1)]


PollAnswer = Callable[[str, dict, str], tuple]


def poll_route(app: FakeApp, path: str, check: Callable[[Req], tuple | None], script: list[str],
               not_found: tuple, table: str = "tasks") -> Callable[[PollAnswer], PollAnswer]:
    """Register ``GET path`` as a task poll: ``check(req)`` first (auth, queued faults), ``not_found`` when the
    id (the path's one ``{...}`` parameter) is not in ``app.state[table]``, else the task moves one step along
    ``script`` (:func:`advance`) and the decorated ``answer(task_id, task, status)`` writes the response."""

    def register(answer: PollAnswer) -> PollAnswer:
        @app.route("GET", path)
        def poll(req: Req) -> tuple:
            if bad := check(req):
                return bad
            (task_id,) = req.params.values()
            task = app.state[table].get(task_id)
            if task is None:
                return not_found
            return answer(task_id, task, advance(task, script))

        return answer

    return register


def request(**kw: object) -> ClipRequest:
    """A small default clip request for contract tests."""
    base: dict = {"shot_id": "s1", "prompt": "a red kite over green hills at dawn", "seconds": 5.0,
                  "idempotency_key": "idem-123"}
    base.update(kw)
    return ClipRequest(**base)  # type: ignore[arg-type]


async def provider_error(call: Awaitable[object]) -> ProviderError:
    """Await an adapter call the test expects to fail (``provider_error(p.submit(req))``); the
    :class:`ProviderError` it raised (the test fails when it raises nothing)."""
    with pytest.raises(ProviderError) as err:
        await call
    return err.value


async def expired_download_error(app: FakeApp, provider: ClipProvider, job: Job, file_name: str,
                                 dest: Path) -> ProviderError:
    """Expire ``file_name`` on the fake's ``/files/`` (see :func:`add_files`), then download ``job``'s result;
    the :class:`ProviderError` the adapter raised."""
    app.state["expired"].add(file_name)
    return await provider_error(provider.download(job, dest))


async def run_job(provider: ClipProvider, req: ClipRequest, dest: Path | None = None,
                  *, max_polls: int = 10) -> Job:
    """submit → poll until done → download when it succeeded (no sleeping: fakes advance per poll)."""
    job = await provider.submit(req)
    for _ in range(max_polls):
        if job.status.done:
            break
        job = await provider.poll(job)
    assert job.status.done, f"job still {job.status} after {max_polls} polls"
    if job.status == JobStatus.SUCCEEDED and dest is not None:
        await provider.download(job, dest)
    return job
