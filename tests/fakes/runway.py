"""A loopback fake of the Runway API (§4): version header, camelCase bodies, task statuses, failureCode.

``risky`` in a prompt → the task fails with ``SAFETY.INPUT.TEXT``; ``broken`` → ``INTERNAL.BAD_OUTPUT.CODE01``.
"""

from __future__ import annotations

import uuid

from fakes.server import FakeApp
from fakes.video_vendors import bearer_or_fault, file_url, poll_route, task_app

API_SECRET = "key_runway_test"
VERSION = "2024-11-06"
SCRIPT = ["PENDING", "THROTTLED", "RUNNING", "SUCCEEDED"]
RATIOS = {"gen4.5": {"1280:720", "720:1280", "1104:832", "960:960", "832:1104", "1584:672"},
          "gen4_turbo": {"1280:720", "720:1280", "1104:832", "960:960", "832:1104", "1584:672"},
          "veo3.1": {"1280:720", "720:1280", "1920:1080", "1080:1920"}}


def make_app() -> FakeApp:
    app = task_app()

    def check(req) -> tuple | None:
        if req.headers.get("authorization") == f"Bearer {API_SECRET}" and req.headers.get("x-runway-version") != VERSION:
            return 400, {"error": "Invalid or missing X-Runway-Version header"}
        return bearer_or_fault(app, req, API_SECRET, (401, {"error": "Invalid API key"}))

    def create(image: bool):
        def handler(req):
            if bad := check(req):
                return bad
            body = req.json()
            model = body.get("model")
            if model not in RATIOS or (model == "gen4_turbo" and not image):
                return 400, {"error": "Validation of body failed", "issues": [{"path": ["model"]}]}
            if body.get("ratio") not in RATIOS[model] or not isinstance(body.get("duration"), int):
                return 400, {"error": "Validation of body failed", "issues": [{"path": ["ratio"]}]}
            if image and not str(body.get("promptImage", "")).startswith(("https://", "http://", "data:image/")):
                return 400, {"error": "promptImage must be an HTTPS URL or a data URI"}
            if not image and not body.get("promptText"):
                return 400, {"error": "promptText is required"}
            task_id = str(uuid.uuid4())
            app.state["tasks"][task_id] = {"body": body}
            return 200, {"id": task_id}
        return handler

    app.route("POST", "/v1/text_to_video")(create(False))
    app.route("POST", "/v1/image_to_video")(create(True))

    @poll_route(app, "/v1/tasks/{task_id}", check, SCRIPT, (404, {"error": "Task not found"}))
    def task(tid: str, t: dict, status: str) -> tuple:
        out: dict = {"id": tid, "createdAt": "2026-11-11T21:48:50.448Z", "status": status}
        prompt = t["body"].get("promptText", "")
        if status == "RUNNING":
            out["progress"] = 0.5
        if status == "SUCCEEDED" and "risky" in prompt:
            out.update(status="FAILED", failure="Your prompt was flagged by our content moderation.",
                       failureCode="SAFETY.INPUT.TEXT")
        elif status == "SUCCEEDED" and "broken" in prompt:
            out.update(status="FAILED", failure="An unexpected error occurred.", failureCode="INTERNAL.BAD_OUTPUT.CODE01")
        elif status == "SUCCEEDED":
            out["output"] = [file_url(app, f"rw-{tid}.mp4") + "?_jwt=abc"]
        return 200, out

    return app
