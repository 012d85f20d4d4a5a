"""A loopback fake of Replicate's predictions API (providers.md §9.2).

``POST /v1/models/{owner}/{name}/predictions`` or ``POST /v1/predictions`` (``version``), Bearer auth,
``Prefer: wait=N`` answered with the prediction as it stands; ``GET /v1/predictions/{id}`` moves it
along ``starting → processing → succeeded``. Prompt words: ``forbidden`` → failed with an NSFW error;
``broken`` → failed; ``cancel`` → canceled; ``abort`` → aborted; ``instant`` → already succeeded
on create (sync mode). Faults: ``inject(app, "create"|"get", ...)``.
"""

from __future__ import annotations

import itertools

from fakes.server import FakeApp
from fakes.video_vendors import advance, fault, file_url, now_iso, task_app

TOKEN = "r8_test_token"
SCRIPT = ["starting", "processing", "succeeded"]
ENDINGS = {"forbidden": ("failed", "NSFW content detected. Try running it again, or try a different prompt."),
           "broken": ("failed", "CUDA out of memory"), "cancel": ("canceled", None), "abort": ("aborted", None)}


def make_app() -> FakeApp:
    app = task_app("preds", expired_status=404)
    ids = itertools.count(1)

    def unauthorised(req) -> tuple | None:
        if req.headers.get("authorization") != f"Bearer {TOKEN}":
            return 401, {"title": "Unauthenticated", "detail": "You did not pass a valid authentication token",
                         "status": 401}
        return None

    def view(pid: str) -> dict:
        p = app.state["preds"][pid]
        body = {"id": pid, "model": p["model"], "version": p.get("version"), "input": p["input"],
                "created_at": p.get("created_at"),
                "status": p["status"], "output": None, "error": None, "logs": "",
                "urls": {"get": f"{app.base_url}/v1/predictions/{pid}",
                         "cancel": f"{app.base_url}/v1/predictions/{pid}/cancel"}}
        if p["status"] == "succeeded":
            body["output"] = file_url(app, f"{pid}.mp4")
        if p["status"] == "failed":
            body["error"] = p["error"]
        return body

    def create(req, model: str, version: str | None = None):
        bad = unauthorised(req) or fault(app, "create")
        if bad:
            return bad
        payload = req.json() or {}
        if not isinstance(payload.get("input"), dict) or not payload["input"].get("prompt"):
            return 422, {"title": "Input validation failed", "detail": "- input: prompt is required", "status": 422}
        pid = f"pred{next(ids)}"
        instant = "instant" in payload["input"]["prompt"]
        app.state["preds"][pid] = {"model": model, "version": version, "input": payload["input"],
                                   "status": "succeeded" if instant else "starting", "polls": 0,
                                   "prefer": req.headers.get("prefer"), "created_at": now_iso()}
        return 201, view(pid)

    @app.route("POST", "/v1/models/{owner}/{name}/predictions")
    def create_official(req):
        return create(req, f"{req.params['owner']}/{req.params['name']}")

    @app.route("POST", "/v1/predictions")
    def create_version(req):
        return create(req, "community/model", (req.json() or {}).get("version"))

    @app.route("GET", "/v1/predictions")
    def listing(req):  # newest first, one page of 100 then a ``next`` cursor URL
        bad = unauthorised(req)
        if bad:
            return bad
        ids = list(app.state["preds"])[::-1]
        start = int(req.query.get("cursor", 0))
        more = start + 100 < len(ids)
        return 200, {"results": [view(pid) for pid in ids[start:start + 100]], "previous": None,
                     "next": f"{app.base_url}/v1/predictions?cursor={start + 100}" if more else None}

    @app.route("GET", "/v1/predictions/{pid}")
    def get(req):
        bad = unauthorised(req) or fault(app, "get")
        if bad:
            return bad
        p = app.state["preds"].get(req.params["pid"])
        if p is None:
            return 404, {"title": "Not found", "detail": "Prediction not found", "status": 404}
        if p["status"] not in ("succeeded", "failed", "canceled", "aborted"):
            p["status"] = advance(p, SCRIPT)
            for word, (end, error) in ENDINGS.items():
                if word in p["input"]["prompt"] and p["status"] == "succeeded":
                    p["status"], p["error"] = end, error
        return 200, view(req.params["pid"])

    return app
