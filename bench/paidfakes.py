"""Loopback paid providers for the fault and crash benches: the contract fakes of tests/fakes (fal, Replicate,
Kling, Luma), each wrapped in a ledger that counts the paid submissions it accepted and what became of them.

A job is *dead* when the provider refused or failed it, or its result file expired (paying for another one is
then legitimate); a *duplicate* is a second live job for the same request; an output is *lost* when a live job
was never downloaded. The wrapper can also kill a client process at a chosen moment (SIGKILL right after a
submission was accepted, or while it polls), and a :class:`Gate` in front of a fake drops new connections so
that connecting times out.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

import contextlib

from fakes import fal, kling, luma, replicate, video_vendors  # noqa: E402
from fakes.server import FakeApp, Req  # noqa: E402


@dataclass(frozen=True)
class Vendor:
    """How to reach one fake and read its answers."""

    name: str
    module: Any
    model: str  # registry model id
    gateway: str
    submit_fault: str  # the fake's fault key for submissions
    poll_fault: str  # ... and for status checks
    env: Callable[[str], dict[str, str]]  # base URL -> environment for the client
    job_id: Callable[[Any], str | None]  # accepted submit answer -> job id
    file_name: Callable[[str], str]  # job id -> result file name


def _kling_id(body: Any) -> str | None:
    data = body.get("data") if isinstance(body, dict) else None
    return str(data["task_id"]) if isinstance(data, dict) and data.get("task_id") else None


VENDORS: dict[str, Vendor] = {
    "fal": Vendor("fal", fal, "kling-v2-5-turbo-pro", "fal", "submit", "status",
                  lambda url: {"FAL_KEY": fal.KEY, "REELFORGE_FAL_BASE_URL": url, "REELFORGE_FAL_API_URL": url + "/v1"},
                  lambda b: b.get("request_id"), lambda j: f"{j}.mp4"),
    "replicate": Vendor("replicate", replicate, "kling-v2-5-turbo-pro", "replicate", "create", "get",
                        lambda url: {"REPLICATE_API_TOKEN": replicate.TOKEN, "REELFORGE_REPLICATE_BASE_URL": url + "/v1"},
                        lambda b: b.get("id"), lambda j: f"{j}.mp4"),
    "kling": Vendor("kling", kling, "kling-v2-5-turbo-pro", "direct", "create", "poll",
                    lambda url: {"KLING_ACCESS_KEY": kling.ACCESS_KEY, "KLING_SECRET_KEY": kling.SECRET_KEY,
                                 "REELFORGE_KLING_BASE_URL": url},
                    _kling_id, lambda j: f"kling-{j}.mp4"),
    "luma": Vendor("luma", luma, "luma-ray-2", "direct", "create", "poll",
                   lambda url: {"LUMAAI_API_KEY": luma.API_KEY, "REELFORGE_LUMA_BASE_URL": url + "/dream-machine/v1"},
                   lambda b: b.get("id"), lambda j: f"luma-{j}.mp4"),
}
DEAD_WORDS = ("failed", "canceled", "cancelled", "aborted")


@dataclass
class PaidJob:
    vendor: str
    job_id: str
    prompt: str
    dead: bool = False
    downloaded: bool = False


@dataclass
class Ledger:
    """Every paid submission the fakes accepted, and what became of it."""

    jobs: dict[str, PaidJob] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def for_prompt(self, prompt: str) -> list[PaidJob]:
        return [j for j in self.jobs.values() if j.prompt == prompt]

    def duplicates(self) -> int:
        """Second (third...) live jobs for one request: money paid twice for the same clip."""
        prompts = {j.prompt for j in self.jobs.values()}
        return sum(max(0, len([j for j in self.for_prompt(p) if not j.dead]) - 1) for p in prompts)

    def lost(self) -> int:
        """Live jobs whose result nobody downloaded: paid for and thrown away."""
        return len([j for j in self.jobs.values() if not j.dead and not j.downloaded])


def _prompt(req: Req) -> str:
    try:
        body = req.json()
    except ValueError:
        return ""
    if isinstance(body, dict) and isinstance(body.get("input"), dict):
        body = body["input"]
    return str(body.get("prompt", "")) if isinstance(body, dict) else ""


class PaidFake:
    """One fake provider on loopback with its ledger, fault injection and an optional victim to kill."""

    def __init__(self, vendor: Vendor, ledger: Ledger, video: bytes) -> None:
        video_vendors.VIDEO = video  # every fake serves this real (tiny) MP4 as its result
        self.vendor, self.ledger = vendor, ledger
        self.app: FakeApp = vendor.module.make_app()
        self.victim: int | None = None  # a client pid to SIGKILL ...
        self.kill_on: str | None = None  # ... "submit" (after accepting) or "poll" (on the 2nd status check)
        self.expire_first = False  # the first accepted job's result URL is already expired
        self.polls = 0
        real = self.app.dispatch

        def dispatch(req: Req) -> tuple[int, bytes, dict[str, str]]:
            if self._poll_request(req):
                self.polls += 1
                if self.kill_on == "poll" and self.polls == 2:
                    self._kill()
            status, data, headers = real(req)
            self._account(req, status, data)
            if self.kill_on == "submit" and req.method == "POST" and status < 300:
                self._kill()  # accepted and paid, but the answer never reaches the journal
            return status, data, headers

        self.app.dispatch = dispatch  # type: ignore[method-assign]

    def _poll_request(self, req: Req) -> bool:
        return req.method == "GET" and "/files/" not in req.path and "requests/by-endpoint" not in req.path \
            and not req.path.endswith(("/predictions", "/generations"))

    def _kill(self) -> None:
        if self.victim is not None:
            os.kill(self.victim, signal.SIGKILL)
            self.victim, self.kill_on = None, None

    def _account(self, req: Req, status: int, data: bytes) -> None:
        try:
            body = json.loads(data) if data[:1] in (b"{", b"[") else None
        except ValueError:
            body = None
        with self.ledger.lock:
            if req.method == "POST" and status < 300 and isinstance(body, dict):
                job_id = self.vendor.job_id(body)
                if job_id and job_id not in self.ledger.jobs:
                    self.ledger.jobs[job_id] = PaidJob(self.vendor.name, job_id, _prompt(req))
                    if self.expire_first:
                        self.app.state["expired"].add(self.vendor.file_name(job_id))
                        self.expire_first = False
                return
            if req.method != "GET":
                return
            for job in self.ledger.jobs.values():
                if job.vendor != self.vendor.name or job.job_id not in req.path:
                    continue
                if "/files/" in req.path:
                    job.downloaded = job.downloaded or status == 200
                    job.dead = job.dead or status in (403, 404, 410)
                elif status in (400, 422) or _says_dead(body):
                    job.dead = True

    def env(self) -> dict[str, str]:
        return self.vendor.env(self.app.base_url)


def _says_dead(body: Any) -> bool:
    if not isinstance(body, dict):
        return False
    data = body.get("data") if isinstance(body.get("data"), dict) else body
    state = str(data.get("status") or data.get("state") or data.get("task_status") or "").lower()
    return state in DEAD_WORDS


class Gate:
    """A TCP forwarder to ``port`` that first lets no connection in: its accept queue is kept full, so a new
    connection's SYN is dropped and connecting times out, until :meth:`open` starts accepting and forwarding."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(0)
        self.address = self.sock.getsockname()
        self.fillers = []
        for _ in range(3):  # fill the accept queue (backlog 0 holds one or two on Linux)
            s = socket.socket()
            s.setblocking(False)
            with contextlib.suppress(BlockingIOError):
                s.connect(self.address)
            self.fillers.append(s)
        time.sleep(0.1)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.address[1]}"

    def open(self) -> None:
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            try:
                upstream = socket.create_connection(("127.0.0.1", self.port))
            except OSError:
                conn.close()
                continue
            for a, b in ((conn, upstream), (upstream, conn)):
                threading.Thread(target=_pipe, args=(a, b), daemon=True).start()

    def close(self) -> None:
        for s in self.fillers:
            s.close()
        self.sock.close()


def _pipe(src: socket.socket, dst: socket.socket) -> None:
    try:
        while data := src.recv(65536):
            dst.sendall(data)
    except OSError:
        pass
    finally:
        for s in (src, dst):
            with contextlib.suppress(OSError):
                s.shutdown(socket.SHUT_RDWR)


def tiny_video(path: Path, seconds: float = 5.0) -> bytes:
    """A real, small MP4 (the offline motion renderer at 180x320) for the fakes to serve as their result."""
    from reelforge.tools.clips.motion import render_motion

    if not path.is_file():
        render_motion("calm water, a paper boat drifting", seconds, 180, 320, 12, path, seed=1)
    return path.read_bytes()


def only_models(keep: set[str]) -> str:
    """A user ``models.toml`` that retires every bundled model but ``keep`` (so routing picks the fake's)."""
    from reelforge.tools.clips.registry import Registry
    from reelforge.tools.settings import Settings

    names = [m for m in Registry.load(Settings()).models if m not in keep]
    return "".join(f'[models.{m}]\nretired = true\nretire_reason = "not part of this bench"\n\n' for m in names)
