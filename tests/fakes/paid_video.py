"""A paid text-to-video provider on loopback that speaks fal.ai's queue API (see tests/fakes/fal.py) with real
latency and real pixels, and counts what it is paid for.

Each accepted ``submit`` is a paid submission; its request digest (model, prompt, seed, size, duration) is
counted, so :func:`duplicate_paid_submissions` says how many times the same clip was paid for more than once.
Jobs finish ``latency_s`` after submission, whoever polls them; the result is an MP4 rendered offline once
(``video``), so assembly and QC work on real frames.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import threading
import time
from collections import Counter
from pathlib import Path

from fakes.fal import KEY
from fakes.server import FakeApp


def make_app(video: Path, *, latency_s: float = 3.0) -> FakeApp:
    app = FakeApp()
    lock = threading.Lock()
    ids = itertools.count(1)
    app.state.update(jobs={}, paid=Counter())
    data = video.read_bytes()

    def unauthorised(req) -> tuple | None:
        return (401, {"detail": "Invalid authentication credentials"}) if req.headers.get(
            "authorization") != f"Key {KEY}" else None

    def submit(req):
        bad = unauthorised(req)
        if bad:
            return bad
        parts = req.path.strip("/").split("/")
        body = req.json() or {}
        digest = hashlib.sha256(json.dumps({"model": "/".join(parts), **body}, sort_keys=True).encode()).hexdigest()
        with lock:
            rid = f"req-{next(ids)}"
            app.state["jobs"][rid] = {"at": time.monotonic(), "digest": digest}
            app.state["paid"][digest] += 1
        base = f"{app.base_url}/{parts[0]}/{parts[1]}/requests/{rid}"
        return 200, {"request_id": rid, "status_url": f"{base}/status", "response_url": base,
                     "cancel_url": f"{base}/cancel", "status": "IN_QUEUE", "queue_position": 0}

    for depth in range(2, 7):
        app.route("POST", "/" + "/".join(f"{{p{i}}}" for i in range(depth)))(submit)

    @app.route("GET", "/{owner}/{app_}/requests/{rid}/status")
    def status(req):
        job = app.state["jobs"].get(req.params["rid"])
        if unauthorised(req) or job is None:
            return unauthorised(req) or (404, {"detail": "Request not found"})
        done = time.monotonic() - job["at"] >= latency_s
        body = {"status": "COMPLETED" if done else "IN_PROGRESS", "request_id": req.params["rid"]}
        return (200, body) if done else (202, body)

    @app.route("GET", "/{owner}/{app_}/requests/{rid}")
    def result(req):
        if unauthorised(req) or req.params["rid"] not in app.state["jobs"]:
            return unauthorised(req) or (404, {"detail": "Request not found"})
        return 200, {"video": {"url": f"{app.base_url}/files/{req.params['rid']}.mp4", "content_type": "video/mp4"}}

    @app.route("GET", "/files/{name}")
    def files(req):
        return 200, data, {"Content-Type": "video/mp4"}

    return app


def paid_submissions(app: FakeApp) -> int:
    return sum(app.state["paid"].values())


def duplicate_paid_submissions(app: FakeApp) -> int:
    """Submissions of a request this provider had already been paid for."""
    return sum(n - 1 for n in app.state["paid"].values() if n > 1)
