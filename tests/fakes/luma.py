"""A loopback fake of Luma's Dream Machine API (§7.1): generations, keyframes, queued/dreaming/completed/failed.

``forbidden`` → HTTP 400 ``{"detail": ...}`` on create (prompt moderation); ``risky`` → ``state: failed``
with a moderation ``failure_reason``; ``broken`` → a technical ``failure_reason``.
"""

from __future__ import annotations

import uuid

from fakes.server import FakeApp
from fakes.video_vendors import bearer_or_fault, file_url, now_iso, poll_route, task_app

API_KEY = "luma-test-key"
SCRIPT = ["queued", "dreaming", "completed"]
ASPECTS = {"1:1", "16:9", "9:16", "4:3", "3:4", "21:9", "9:21"}


def make_app() -> FakeApp:
    app = task_app("gens")

    def check(req) -> tuple | None:
        return bearer_or_fault(app, req, API_KEY, (401, {"detail": "Invalid API key"}))

    def generation(gid: str, state: str, body: dict, **extra) -> dict:
        created = app.state["gens"].get(gid, {}).get("created_at", "2026-11-01T00:00:00Z")
        return {"id": gid, "state": state, "failure_reason": None, "created_at": created,
                "model": body["model"], "generation_type": "video", "request": body,
                "assets": {"video": None, "image": None, "progress_video": None}, **extra}

    @app.route("POST", "/dream-machine/v1/generations/video")
    def create(req):
        if bad := check(req):
            return bad
        body = req.json()
        if body.get("model") not in ("ray-2", "ray-flash-2", "ray-1-6"):
            return 400, {"detail": "model: Input should be 'ray-2' or 'ray-flash-2'"}
        if body.get("aspect_ratio", "16:9") not in ASPECTS or body.get("duration", "5s") not in ("5s", "9s"):
            return 400, {"detail": "invalid aspect_ratio or duration"}
        frame0 = (body.get("keyframes") or {}).get("frame0")
        if frame0 is not None and (frame0.get("type") != "image" or not frame0.get("url")):
            return 400, {"detail": "keyframes.frame0 must be {type: image, url}"}
        if "forbidden" in body.get("prompt", ""):
            return 400, {"detail": "Prompt not allowed because it contains blocked content"}
        gid = str(uuid.uuid4())
        app.state["gens"][gid] = {"body": body, "created_at": now_iso()}
        return 201, generation(gid, "queued", body)

    @app.route("GET", "/dream-machine/v1/generations")
    def listing(req):  # newest first, paged by limit / offset (as Luma's SDK lists them)
        if bad := check(req):
            return bad
        limit, offset = int(req.query.get("limit", 10)), int(req.query.get("offset", 0))
        ids = list(app.state["gens"])[::-1]
        page = [generation(gid, "queued", app.state["gens"][gid]["body"]) for gid in ids[offset:offset + limit]]
        return 200, {"generations": page, "count": len(page), "has_more": offset + limit < len(ids)}

    @poll_route(app, "/dream-machine/v1/generations/{gid}", check, SCRIPT, (404, {"detail": "Generation not found"}),
                table="gens")
    def get(gid: str, g: dict, state: str) -> tuple:
        prompt = g["body"].get("prompt", "")
        if state == "completed" and "risky" in prompt:
            return 200, generation(gid, "failed", g["body"], failure_reason="Generation failed moderation")
        if state == "completed" and "broken" in prompt:
            return 200, generation(gid, "failed", g["body"], failure_reason="Internal server error")
        out = generation(gid, state, g["body"])
        if state == "completed":
            out["assets"]["video"] = file_url(app, f"luma-{gid}.mp4")
        return 200, out

    return app
