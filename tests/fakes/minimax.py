"""A loopback fake of the MiniMax Hailuo video API (§2): base_resp errors, five statuses, files/retrieve.

``forbidden`` in a prompt → code 1026 on create; ``risky`` → the task ends with code 1027 (output
moderation); ``broken`` → ``status: "Fail"``.
"""

from __future__ import annotations

import itertools

from fakes.server import FakeApp
from fakes.video_vendors import advance, bearer_or_fault, file_url, task_app

API_KEY = "mm-test-key"
MODELS = {"MiniMax-Hailuo-2.3", "MiniMax-Hailuo-2.3-Fast", "MiniMax-Hailuo-02", "T2V-01", "I2V-01"}
SCRIPT = ["Queueing", "Preparing", "Processing", "Success"]


def base(code: int = 0, msg: str = "success") -> dict:
    return {"base_resp": {"status_code": code, "status_msg": msg}}


def make_app() -> FakeApp:
    app = task_app()
    ids = itertools.count(106916112212032)

    def authed(req) -> tuple | None:
        return bearer_or_fault(app, req, API_KEY, (200, base(1004, "login fail: Please carefully check the API secret key")))

    @app.route("POST", "/v1/video_generation")
    def create(req):
        if bad := authed(req):
            return bad
        body = req.json()
        if body.get("model") not in MODELS:
            return 200, base(2013, f"invalid params, model {body.get('model')} not supported")
        if body.get("duration") not in (6, 10) or body.get("resolution") not in ("512P", "720P", "768P", "1080P"):
            return 200, base(2013, "invalid params, duration or resolution")
        if body["resolution"] == "1080P" and body["duration"] != 6:
            return 200, base(2013, "invalid params, 1080P supports 6 s only")
        if not body.get("prompt") or len(body["prompt"]) > 2000:
            return 200, base(2013, "invalid params, prompt")
        if body["model"].startswith("I2V") and not body.get("first_frame_image"):
            return 200, base(2013, "invalid params, first_frame_image is required")
        if "forbidden" in body["prompt"]:
            return 200, base(1026, "input new_sensitive")
        task_id = str(next(ids))
        app.state["tasks"][task_id] = {"body": body}
        return 200, {"task_id": task_id, **base()}

    @app.route("GET", "/v1/query/video_generation")
    def query(req):
        if bad := authed(req):
            return bad
        task = app.state["tasks"].get(req.query.get("task_id", ""))
        if task is None:
            return 200, base(2013, "invalid params, task not found")
        status = advance(task, SCRIPT)
        prompt = task["body"]["prompt"]
        if status == "Success" and "risky" in prompt:
            return 200, {"task_id": req.query["task_id"], "status": "Fail", **base(1027, "output new_sensitive")}
        if status == "Success" and "broken" in prompt:
            return 200, {"task_id": req.query["task_id"], "status": "Fail", **base(0, "generation failed")}
        out = {"task_id": req.query["task_id"], "status": status, **base()}
        if status == "Success":
            out.update(file_id=f"9{req.query['task_id']}", video_width=1366, video_height=768)
        return 200, out

    @app.route("GET", "/v1/files/retrieve")
    def retrieve(req):
        if bad := authed(req):
            return bad
        file_id = req.query.get("file_id", "")
        if not file_id.isdigit():
            return 200, base(2013, "invalid params, file_id")
        return 200, {"file": {"file_id": int(file_id), "bytes": 0, "created_at": 1700469398,
                              "filename": "output.mp4", "purpose": "video_generation",
                              "download_url": file_url(app, f"mm-{file_id}.mp4")}, **base()}

    return app
