"""A loopback fake of the Kling API (§1): JWT verification, text2video/image2video/omni-video, ``succeed`` polling.

Omni models live on ``omni-video`` only: ``image_list`` items ``{"image_url", "type"?}`` (a URL or raw base64, at
most 7, ``type`` ``first_frame``/``end_frame`` or none for a reference), ``aspect_ratio`` required without a
first frame, and every ``<<<image_N>>>`` in the prompt must name an image of the list.

Prompt words steer it: ``forbidden`` → HTTP 400 code 1301 on create; ``risky`` → the task fails later
with a risk-control message; ``broken`` → the task fails for a technical reason.
"""

from __future__ import annotations

import itertools
import re
import time

import jwt

from fakes.server import FakeApp
from fakes.video_vendors import advance, fault, file_url, task_app

ACCESS_KEY = "ak-test"
SECRET_KEY = "sk-test-secret-0123456789abcdef0123456789"
MODELS = {"kling-v1", "kling-v1-6", "kling-v2-master", "kling-v2-1-master", "kling-v2-5-turbo", "kling-v2-6", "kling-v3"}
OMNI_MODELS = {"kling-video-o1", "kling-v3-omni"}
SCRIPT = ["submitted", "processing", "succeed"]
ASPECTS = ("16:9", "9:16", "1:1")
IMAGE_TAG = re.compile(r"<<<image_(\d+)>>>")


def _envelope(data: dict | None, code: int = 0, message: str = "SUCCEED") -> dict:
    return {"code": code, "message": message, "request_id": "req-1", "data": data}


def _error(http: int, code: int, message: str, headers: dict | None = None) -> tuple:
    return (http, {"code": code, "message": message, "request_id": "req-err"}, headers or {})


def _raw_image(value: object) -> bool:
    """A URL, or base64 without a ``data:`` prefix (§1.4)."""
    return isinstance(value, str) and bool(value) and not value.startswith("data:")


def classic_error(kind: str, body: dict) -> tuple | None:
    """What text2video / image2video reject, else None."""
    if body.get("model_name") not in MODELS:
        return _error(404, 1203, f"model {body.get('model_name')} does not exist")
    if body.get("duration") not in ("5", "10"):
        return _error(400, 1201, "duration must be the string '5' or '10'")
    if body.get("mode") not in ("std", "pro") or body.get("aspect_ratio") not in ASPECTS:
        return _error(400, 1201, "invalid mode or aspect_ratio")
    if kind == "image2video" and not _raw_image(body.get("image")):
        return _error(400, 1201, "image must be a URL or raw base64 without a data: prefix")
    return None


def omni_error(body: dict) -> tuple | None:
    """What omni-video rejects, else None."""
    if body.get("model_name") not in OMNI_MODELS:
        return _error(404, 1203, f"model {body.get('model_name')} does not exist")
    if body.get("duration") not in [str(d) for d in range(3, 16)] or body.get("mode") not in ("std", "pro"):
        return _error(400, 1201, "duration must be a string from '3' to '15' and mode std or pro")
    images = body.get("image_list") or []
    if len(images) > 7 or not all(_raw_image(i.get("image_url")) and i.get("type") in (None, "first_frame", "end_frame")
                                  for i in images):
        return _error(400, 1201, "image_list takes at most 7 images, each a URL or raw base64 with an optional type")
    first = [i for i in images if i.get("type") == "first_frame"]
    if len(first) > 1 or (not first and body.get("aspect_ratio") not in ASPECTS):
        return _error(400, 1201, "aspect_ratio is required without a first frame")
    if any(not 1 <= int(n) <= len(images) for n in IMAGE_TAG.findall(body.get("prompt") or "")):
        return _error(400, 1201, "the prompt names an image that is not in image_list")
    return None


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
            if bad := (omni_error(body) if kind == "omni-video" else classic_error(kind, body)):
                return bad
            if not body.get("prompt") or len(body["prompt"]) > 2500:
                return _error(400, 1201, "prompt is required and at most 2500 characters")
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
    app.route("POST", "/v1/videos/omni-video")(create("omni-video"))

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
