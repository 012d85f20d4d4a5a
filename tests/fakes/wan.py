"""A loopback fake of Alibaba Cloud Model Studio's video synthesis (the DashScope async task API).

Follows the documented contract: ``X-DashScope-Async: enable`` is required on create; errors are
``{"code", "message", "request_id"}``; tasks walk PENDING → RUNNING → SUCCEEDED with ``output.video_url``.
``forbidden`` in a prompt → ``DataInspectionFailed`` (400) on create; ``risky`` → the task FAILS with that code;
``broken`` → FAILED with ``InternalError``.
"""

from __future__ import annotations

import itertools

from fakes.server import FakeApp
from fakes.video_vendors import advance, bearer_or_fault, file_url, task_app

API_KEY = "sk-dashscope-test"
T2V = {"wan2.6-t2v", "wan2.7-t2v"}
I2V = {"wan2.6-i2v", "wan2.7-i2v"}
SCRIPT = ["PENDING", "RUNNING", "SUCCEEDED"]
SIZES = {"1280*720", "720*1280", "960*960", "1920*1080", "1080*1920", "1440*1440"}


def error(code: str, message: str) -> dict:
    return {"code": code, "message": message, "request_id": "req-fake"}


def make_app() -> FakeApp:
    app = task_app()
    ids = itertools.count(1)

    def authed(req, key: str) -> tuple | None:
        return bearer_or_fault(app, req, API_KEY, (401, error("InvalidApiKey", "Invalid API-key provided.")), key)

    @app.route("POST", "/api/v1/services/aigc/video-generation/video-synthesis")
    def create(req):
        if bad := authed(req, "create"):
            return bad
        if req.headers.get("x-dashscope-async") != "enable":
            return 403, error("AccessDenied", "current user api does not support synchronous calls")
        body = req.json() or {}
        model, inputs, params = body.get("model"), body.get("input") or {}, body.get("parameters") or {}
        if model not in T2V | I2V:
            return 400, error("InvalidParameter", f"Model not exist: {model}")
        if not inputs.get("prompt"):
            return 400, error("InvalidParameter", "input.prompt is required")
        if model in I2V and not inputs.get("img_url"):
            return 400, error("InvalidParameter", "input.img_url is required for image-to-video")
        if model in T2V and params.get("size", "1920*1080") not in SIZES:
            return 400, error("InvalidParameter", f"size {params.get('size')} is not supported")
        if not 2 <= int(params.get("duration", 5)) <= 15:
            return 400, error("InvalidParameter", "duration must be in [2, 15]")
        if "forbidden" in inputs["prompt"]:
            return 400, error("DataInspectionFailed", "Input data may contain inappropriate content.")
        task_id = f"task-{next(ids)}"
        app.state["tasks"][task_id] = {"body": body}
        return 200, {"request_id": "req-fake", "output": {"task_id": task_id, "task_status": "PENDING"}}

    @app.route("GET", "/api/v1/tasks/{task_id}")
    def query(req):
        if bad := authed(req, "poll"):
            return bad
        task_id = req.params["task_id"]
        task = app.state["tasks"].get(task_id)
        if task is None:
            return 200, {"request_id": "req-fake", "output": {"task_id": task_id, "task_status": "UNKNOWN"}}
        status = advance(task, SCRIPT)
        prompt = task["body"]["input"]["prompt"]
        out: dict = {"task_id": task_id, "task_status": status}
        if status == "SUCCEEDED" and "risky" in prompt:
            out.update(task_status="FAILED", code="DataInspectionFailed", message="Output data may contain "
                                                                                 "inappropriate content.")
        elif status == "SUCCEEDED" and "broken" in prompt:
            out.update(task_status="FAILED", code="InternalError", message="generation failed")
        elif status == "SUCCEEDED":
            out["video_url"] = file_url(app, f"{task_id}.mp4")
        return 200, {"request_id": "req-fake", "output": out,
                     "usage": {"video_duration": task["body"]["parameters"].get("duration", 5)}}

    return app
