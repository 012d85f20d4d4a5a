"""Scale-out benchmark: 2 front doors, 2 workers, 16 conversations at once, one worker killed mid-way.

Starts, on this machine, against the local PostgreSQL, RabbitMQ (the task broker), Redis (progress) and an
S3-compatible server (moto on loopback):
- two Slack front doors (``reelforge slack --http``) behind the repository's fake Slack Web API;
- two workers (``reelforge worker``), each with its own data directory as if on its own host;
- a fake paid video provider (fal.ai's queue API, 3 s per clip, counting every paid submission) whose clips
  are real frames rendered offline (fal's image models are switched off in each process's models.toml, so
  storyboard keyframes are drawn offline).

Drives N conversations (default 16), spread over both front doors: an @mention with a brief → the storyboard
(time to storyboard) → Approve clicked on the *other* front door → the finished video uploaded into the Slack
thread (time to video). When the provider has been paid for a third of the clips, one worker is killed with
SIGKILL (its whole process group); its jobs go to the other worker. Prints one JSON line:

    {"conversations": 16, "delivered": 16, "duplicate_paid_submissions": 0, "worker_killed": true,
     "p50_storyboard_s": …, "p95_storyboard_s": …, "p50_video_s": …, "p95_video_s": …, …}

Usage: ``.venv/bin/python bench/scale.py [--conversations 16] [--latency 3] [--keep DIR]``. Service URLs:
``REELFORGE_TEST_POSTGRES``, ``REELFORGE_TEST_REDIS``, ``REELFORGE_TEST_AMQP`` (see tests/fakes/services.py).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from fakes import paid_video  # noqa: E402
from fakes.fal import KEY as FAL_KEY  # noqa: E402
from fakes.server import serve  # noqa: E402
from fakes.services import (  # noqa: E402
    AMQP,
    POSTGRES,
    REDIS,
    S3_ENV,
    _reachable,
    free_port,
    make_bucket,
    moto_server,
    scratch_database,
)
from fakes.slack_api import (  # noqa: E402
    BOT_TOKEN,
    SIGNING_SECRET,
    button_click,
    calls,
    event_body,
    interactive_body,
    mention,
    sign,
    slack_api,
)

BIN = Path(sys.executable).parent / "reelforge"
BUSINESSES = ["coffee shop", "bakery", "bike repair shop", "yoga studio", "bookstore", "flower shop", "barber",
              "taco truck", "pet groomer", "climbing gym", "tea house", "record store", "ice cream parlour",
              "surf school", "pottery studio", "vegan deli", "jazz bar", "plant nursery", "dog walker", "gelato cart"]
VIDEO_TIMEOUT_S = 1500.0
STORYBOARD_TIMEOUT_S = 120.0
# The fake paid provider speaks fal's queue API for videos only: fal's image models (storyboard keyframes) are
# switched off through the ordinary registry override, so keyframes are drawn offline as without an image key.
NO_IMAGE_MODELS = "".join(f'[models.{m}]\nretired = true\nretire_reason = "bench: the fake provider makes videos only"\n'
                          for m in ("flux-1-1-pro", "flux-kontext-pro"))
KILL_AFTER_S = 1.0  # after the submission that triggers it: the worker is polling (bench/crash.py covers submit)


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1))))
    return round(ordered[k], 2)


class Stack:
    """The processes under test: front doors and workers, each in its own session and data directory."""

    def __init__(self, work: Path, env: dict[str, str]) -> None:
        self.work, self.env = work, env
        self.procs: dict[str, subprocess.Popen[bytes]] = {}

    def spawn(self, name: str, args: list[str]) -> subprocess.Popen[bytes]:
        home = self.work / name
        home.mkdir(parents=True, exist_ok=True)
        (home / "models.toml").write_text(NO_IMAGE_MODELS)
        log = (self.work / f"{name}.log").open("wb")
        proc = subprocess.Popen([str(BIN), *args], cwd=home, env={**self.env, "REELFORGE_HOME": str(home)},
                                stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        self.procs[name] = proc
        return proc

    def log(self, name: str) -> str:
        return (self.work / f"{name}.log").read_text(errors="replace")

    def kill(self, name: str, sig: int = signal.SIGKILL) -> None:
        proc = self.procs[name]
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, sig)

    def close(self) -> None:
        for name, proc in self.procs.items():
            if proc.poll() is None:
                self.kill(name, signal.SIGTERM)
        deadline = time.monotonic() + 20
        for name, proc in self.procs.items():
            try:
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                self.kill(name)
                proc.wait()


def wait_until(check: Any, timeout: float, what: str, every: float = 0.1) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        got = check()
        if got:
            return got
        time.sleep(every)
    raise TimeoutError(f"timed out waiting for {what}")


def signed_post(url: str, body: str, content_type: str) -> int:
    ts = int(time.time())
    headers = {"content-type": content_type, "x-slack-request-timestamp": str(ts),
               "x-slack-signature": sign(body, ts, SIGNING_SECRET)}
    return httpx.post(url, content=body, headers=headers, timeout=30).status_code


def messages(api: Any) -> list[dict[str, Any]]:
    for _ in range(20):  # the fake's server threads add messages while we read
        try:
            return list(api.state["messages"].values())
        except RuntimeError:
            time.sleep(0.01)
    return []


def storyboard_in(api: Any, thread_ts: str) -> dict[str, Any] | None:
    for m in messages(api):
        blocks = m.get("blocks") or []
        if m.get("thread_ts") == thread_ts and blocks and str(blocks[0].get("text", {}).get("text", "")).startswith(
                "Storyboard v"):
            return m
    return None


def video_in(api: Any, thread_ts: str) -> bool:
    return any(c.get("thread_ts") == thread_ts and c.get("channel_id") for c in calls(api, "files.completeUploadExternal"))


class Conversation(threading.Thread):
    """One user: brief on one front door, Approve on the other, wait for the video in the thread."""

    def __init__(self, i: int, doors: list[str], api: Any, start: threading.Event) -> None:
        super().__init__(daemon=True)
        self.i, self.doors, self.api, self.start_evt = i, doors, api, start
        self.ts = f"1700{i:06d}.000100"
        self.storyboard_s: float | None = None
        self.video_s: float | None = None
        self.error = ""

    def run(self) -> None:
        try:
            self.start_evt.wait()
            door = self.doors[self.i % 2]
            brief = f"an 8 second vertical teaser for our {BUSINESSES[self.i % len(BUSINESSES)]}"
            t0 = time.monotonic()
            body = event_body(mention(brief, ts=self.ts, channel="C1", user=f"U{self.i}"), event_id=f"Ev{self.i}")
            signed_post(door, body, "application/json")
            board = wait_until(lambda: storyboard_in(self.api, self.ts), STORYBOARD_TIMEOUT_S, "the storyboard")
            self.storyboard_s = time.monotonic() - t0
            wait_until(lambda: any(b["type"] == "actions" for b in (storyboard_in(self.api, self.ts) or {}).get(
                "blocks", [])), 30, "the review buttons")
            board = storyboard_in(self.api, self.ts)
            click = button_click(board, "storyboard_approve", channel="C1", user=f"U{self.i}")
            other = self.doors[(self.i + 1) % 2]  # any replica continues any thread
            signed_post(other, interactive_body(click), "application/x-www-form-urlencoded")
            wait_until(lambda: video_in(self.api, self.ts), VIDEO_TIMEOUT_S, "the video", every=0.5)
            self.video_s = time.monotonic() - t0
        except Exception as exc:  # noqa: BLE001 - reported in the JSON line
            self.error = f"{type(exc).__name__}: {exc}"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--conversations", type=int, default=16)
    ap.add_argument("--latency", type=float, default=3.0, help="seconds the fake paid provider takes per clip")
    ap.add_argument("--keep", default="", help="keep logs and data directories in this folder")
    args = ap.parse_args()
    missing = [name for name, url, port in (("PostgreSQL", POSTGRES, 5432), ("Redis", REDIS, 6379),
                                            ("RabbitMQ", AMQP, 5672)) if not _reachable(url, port)]
    if missing:
        print(json.dumps({"error": f"not running: {', '.join(missing)}"}))
        return 1
    work = Path(args.keep or tempfile.mkdtemp(prefix="reelforge-scale-"))
    work.mkdir(parents=True, exist_ok=True)
    from reelforge.tools.clips.motion import render_motion

    clip = render_motion("city lights at dusk, slow pan", 10, 270, 480, 24, work / "provider-clip.mp4", seed=3)
    result: dict[str, Any] = {}
    try:
        with scratch_database() as db, moto_server() as s3, serve(slack_api()) as api, \
                serve(paid_video.make_app(clip, latency_s=args.latency)) as paid:
            make_bucket(s3, "reelforge-bench")
            env = {k: v for k, v in os.environ.items() if not k.startswith(("REELFORGE_", "SLACK_", "OPENAI_"))}
            env.update(S3_ENV)
            env.update({
                "REELFORGE_DATABASE_URL": db, "REELFORGE_QUEUE_URL": AMQP, "REELFORGE_EVENTS_URL": REDIS,
                "REELFORGE_QUEUE_PREFIX": f"bench-{uuid.uuid4().hex[:8]}",
                "REELFORGE_ASSET_STORE": "s3://reelforge-bench/run", "REELFORGE_S3_ENDPOINT_URL": s3,
                "FAL_KEY": FAL_KEY, "REELFORGE_FAL_BASE_URL": paid.base_url,
                "SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_SIGNING_SECRET": SIGNING_SECRET,
                "REELFORGE_SLACK_API_URL": api.base_url + "/api/", "REELFORGE_BRAIN": "offline",
                "REELFORGE_DEFAULT_BUDGET_USD": "100", "REELFORGE_X264_PRESET": "ultrafast", "REELFORGE_FPS": "24",
            })
            stack = Stack(work, env)
            try:
                result = run(stack, api, paid, args.conversations)
            finally:
                stack.close()
                drop_queues(env["REELFORGE_QUEUE_PREFIX"])
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    print(json.dumps(result))
    return 0 if result.get("delivered") == result.get("conversations") else 1


def run(stack: Stack, api: Any, paid: Any, n: int) -> dict[str, Any]:
    ports = [free_port(), free_port()]
    for k, port in enumerate(ports):
        stack.spawn(f"door{k}", ["slack", "--http", "--host", "127.0.0.1", "--port", str(port)])
    for k in range(2):
        stack.spawn(f"worker{k}", ["worker", "--queues", "clips,render", "--pool", "threads", "--concurrency", "4",
                                   "--nice", "19", "--name", f"bench-worker{k}@%h"])  # hosts shared with doors
    for k, port in enumerate(ports):
        wait_until(lambda p=port: _healthy(p), 120, f"front door {k}")
    for k in range(2):
        wait_until(lambda k=k: " ready." in stack.log(f"worker{k}"), 120, f"worker {k}")
    doors = [f"http://127.0.0.1:{p}/slack/events" for p in ports]
    go = threading.Event()
    convs = [Conversation(i, doors, api, go) for i in range(n)]
    for c in convs:
        c.start()
    killed = threading.Event()

    def killer() -> None:  # a third of the clips paid for and being polled: kill a worker mid-production
        wait_until(lambda: paid_video.paid_submissions(paid) >= max(2, n // 3) or all(
            not c.is_alive() for c in convs), VIDEO_TIMEOUT_S, "paid submissions")
        time.sleep(KILL_AFTER_S)
        if any(c.is_alive() for c in convs):
            stack.kill("worker0")
            killed.set()

    threading.Thread(target=killer, daemon=True).start()
    t0 = time.monotonic()
    go.set()
    for c in convs:
        c.join(VIDEO_TIMEOUT_S + STORYBOARD_TIMEOUT_S)
    boards = [c.storyboard_s for c in convs if c.storyboard_s is not None]
    videos = [c.video_s for c in convs if c.video_s is not None]
    errors = sorted({c.error for c in convs if c.error})
    return {"conversations": n, "delivered": len(videos),
            "duplicate_paid_submissions": paid_video.duplicate_paid_submissions(paid),
            "worker_killed": killed.is_set(),
            "p50_storyboard_s": percentile(boards, 50), "p95_storyboard_s": percentile(boards, 95),
            "p50_video_s": percentile(videos, 50), "p95_video_s": percentile(videos, 95),
            "paid_submissions": paid_video.paid_submissions(paid), "wall_s": round(time.monotonic() - t0, 1),
            "front_doors": 2, "workers": 2, "cpus": os.cpu_count(), **({"errors": errors[:3]} if errors else {})}


def drop_queues(prefix: str) -> None:
    """Remove this run's queues from the broker (each run has its own names)."""
    from kombu import Connection

    with contextlib.suppress(Exception), Connection(AMQP) as conn:
        channel = conn.default_channel
        for kind in ("clips", "render"):
            channel.queue_delete(f"{prefix}.{kind}")


def _healthy(port: int) -> bool:
    try:
        return httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


if __name__ == "__main__":
    sys.exit(main())
