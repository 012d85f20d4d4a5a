"""A loopback fake of the Kling API (§1): JWT verification, text2video/image2video, ``succeed`` polling.

Prompt words steer it: ``forbidden`` → HTTP 400 code 1301 on create; ``risky`` → the task fails later
with a risk-control message; ``broken`` → the task fails for a technical reason.
"""

from __future__ import annotations

import itertools
import time

import jwt

from fakes.server import FakeApp
from fakes.video_vendors import advance, fault, file_url, task_app

ACCESS_KEY = "ak-test"
SECRET_KEY = "sk-test-secret-0123456789abcdef0123456789"
MODELS = {"kling-v1", "kling-v1-6", "kling-v2-master", "kling-v2-1-master", "kling-v2-5-turbo", "kling-v2-6", "kling-v3"}
SCRIPT = ["submitted", "processing", "succeed"]


def _envelope(data: dict | None, code: int = 0, message: str = "SUCCEED") -> dict:
    return {"code": code, "message": message, "request_id": "req-1", "data": data}


def _error(http: int, code: int, message: str, headers: dict | None = None) -> tuple:
    return (http, {"code": code, "message": message, "request_id": "req-err"}, headers or {})


def make_app() -> FakeApp:
    app = task_app()
    ids = itertools.count(86728374170000)

    def auth(req) -> tuple | None:
        header = req.headers.get("authorization", "")
        if not header.startswith("Bearer "):
            return _error(401, 1001, "Authorization is empty")
        try:
            claims = jwt.decode(header[7:], SECRET_KEY, algorithms=["HS256"], options={"require": ["exp", "nbf", "iss"]})
        except jwt.ImmatureSignatureError:
            return _error(401, 1003, "Authorization is not yet valid")
        except jwt.ExpiredSignatureError:
            return _error(401, 1004, "Authorization has expired")
        except jwt.InvalidTokenError:
            return _error(401, 1002, "Authorization is invalid")
        if claims["iss"] != ACCESS_KEY or claims["exp"] - time.time() > 3600:
            return _error(401, 1002, "Authorization is invalid")
        return None

    def create(kind: str):
        def handler(req):
            if (bad := auth(req)) or (bad := fault(app, "create")):
                return bad
            body = req.json()
            if body.get("model_name") not in MODELS:
                return _error(404, 1203, f"model {body.get('model_name')} does not exist")
            if body.get("duration") not in ("5", "10"):
                return _error(400, 1201, "duration must be the string '5' or '10'")
            if body.get("mode") not in ("std", "pro") or body.get("aspect_ratio") not in ("16:9", "9:16", "1:1"):
                return _error(400, 1201, "invalid mode or aspect_ratio")
            if not body.get("prompt") or len(body["prompt"]) > 2500:
                return _error(400, 1201, "prompt is required and at most 2500 characters")
            if kind == "image2video" and (not body.get("image") or str(body["image"]).startswith("data:")):
                return _error(400, 1201, "image must be a URL or raw base64 without a data: prefix")
            if "forbidden" in body["prompt"]:
                return _error(400, 1301, "Trigger the content security policy")
            task_id = str(next(ids))
            now = int(time.time() * 1000)
            app.state["tasks"][task_id] = {"kind": kind, "body": body, "created_at": now}
            return 200, _envelope({"task_id": task_id, "task_status": "submitted",
                                   "task_info": {"external_task_id": body.get("external_task_id")},
                                   "created_at": now, "updated_at": now})
        return handler

    app.route("POST", "/v1/videos/text2video")(create("text2video"))
    app.route("POST", "/v1/videos/image2video")(create("image2video"))

    @app.route("GET", "/v1/videos/{kind}/{task_id}")
    def query(req):
        if (bad := auth(req)) or (bad := fault(app, "poll")):
            return bad
        tid = req.params["task_id"]
        if tid not in app.state["tasks"]:  # the docs allow querying by your own external_task_id too
            tid = next((t for t, v in app.state["tasks"].items() if v["body"].get("external_task_id") == tid), tid)
        task = app.state["tasks"].get(tid)
        req.params["task_id"] = tid
        if task is None or task["kind"] != req.params["kind"]:
            return _error(404, 1203, "task not found")
        status = advance(task, SCRIPT)
        data: dict = {"task_id": req.params["task_id"], "task_status": status,
                      "created_at": task["created_at"], "updated_at": int(time.time() * 1000)}
        prompt = task["body"]["prompt"]
        if status == "succeed" and "risky" in prompt:
            data.update(task_status="failed", task_status_msg="Failure to pass the risk control system")
        elif status == "succeed" and "broken" in prompt:
            data.update(task_status="failed", task_status_msg="Internal error during generation")
        elif status == "succeed":
            name = f"kling-{req.params['task_id']}.mp4"
            data["task_result"] = {"videos": [{"id": "v1", "url": file_url(app, name), "duration": "5.042"}]}
        return 200, _envelope(data)

    return app
