"""A loopback fake of BytePlus ModelArk video tasks (§6): content items, prompt flags vs body fields.

``forbidden`` → HTTP 400 ``InputTextSensitiveContentDetected``; ``risky`` → the task fails with
``OutputVideoSensitiveContentDetected``; ``broken`` → ``InternalServiceError``. Reference images (role
``reference_image``) are taken by Seedance 2.x only (up to 9 on 2.0, 30 on 2.5), never mixed with a first or
last frame, each a URL or a base64 ``data:image/...`` URL.
"""

from __future__ import annotations

import itertools
import re

from fakes.server import FakeApp
from fakes.video_vendors import bearer_or_fault, file_url, poll_route, task_app

API_KEY = "ark-test-key"
MODELS = {"seedance-1-0-pro-250528", "seedance-1-0-pro-fast-251015", "seedance-1-5-pro-251215",
          "dreamina-seedance-2-0-260128", "dreamina-seedance-2-5"}
MAX_REFERENCES = {"dreamina-seedance-2-0-260128": 9, "dreamina-seedance-2-5": 30}
SCRIPT = ["queued", "running", "succeeded"]
FLAG = re.compile(r"--(rs|dur|rt|wm|seed|resolution|duration|ratio)\b")


def err(status: int, code: str, message: str) -> tuple:
    return status, {"error": {"code": code, "message": message, "param": "", "type": "BadRequest"}}


def reference_error(model: str, images: list[dict]) -> tuple | None:
    """The 400 Ark answers for reference images this model cannot take, else None."""
    refs = [c for c in images if c["role"] == "reference_image"]
    if not refs:
        return None
    if len(refs) > MAX_REFERENCES.get(model, 0):
        return err(400, "InvalidParameter", f"{model} takes at most {MAX_REFERENCES.get(model, 0)} reference images")
    if len(refs) != len(images):
        return err(400, "InvalidParameter", "The parameter `content` specified in the request is not valid: "
                                            "first/last frame content cannot be mixed with reference media content.")
    if not all(str(c["image_url"]["url"]).startswith(("https://", "http://", "data:image/")) for c in refs):
        return err(400, "InvalidParameter", "a reference image must be a URL or a base64 data URL")
    return None


def make_app() -> FakeApp:
    app = task_app()
    ids = itertools.count(1)

    def check(req) -> tuple | None:
        return bearer_or_fault(app, req, API_KEY,
                               err(401, "AuthenticationError", "the API key in the request is missing or invalid"))

    @app.route("POST", "/api/v3/contents/generations/tasks")
    def create(req):
        if bad := check(req):
            return bad
        body = req.json()
        model = body.get("model")
        if model not in MODELS:
            return err(404, "InvalidEndpointOrModel.NotFound", f"model {model} does not exist")
        content = body.get("content") or []
        texts = [c for c in content if c.get("type") == "text"]
        if len(texts) != 1:
            return err(400, "InvalidParameter", "exactly one text content item is required")
        images = [c for c in content if c.get("type") == "image_url"]
        if any(c.get("role") not in ("first_frame", "last_frame", "reference_image") or not c["image_url"].get("url")
               for c in images):
            return err(400, "InvalidParameter", "image_url items need a url and a role")
        if bad := reference_error(model, images):
            return bad
        has_flags = bool(FLAG.search(texts[0]["text"]))
        if "seedance-2-0" in model and has_flags:
            return err(400, "InvalidParameter", "text commands are not supported by this model")
        if not has_flags and (body.get("ratio") not in ("16:9", "4:3", "1:1", "3:4", "9:16", "21:9", "adaptive")
                              or not isinstance(body.get("duration"), int)):
            return err(400, "InvalidParameter", "ratio and duration are required")
        if "forbidden" in texts[0]["text"]:
            return err(400, "InputTextSensitiveContentDetected", "The request failed because the input text may contain sensitive information.")
        tid = f"cgt-2026110{next(ids):05d}-abcd"
        app.state["tasks"][tid] = {"body": body, "text": texts[0]["text"]}
        return 200, {"id": tid}

    @poll_route(app, "/api/v3/contents/generations/tasks/{tid}", check, SCRIPT,
                err(404, "ResourceNotFound", "task not found"))
    def get(tid: str, t: dict, status: str) -> tuple:
        out: dict = {"id": tid, "model": t["body"]["model"], "status": status,
                     "created_at": 1773297205, "updated_at": 1773297260}
        if status == "succeeded" and "risky" in t["text"]:
            out.update(status="failed", error={"code": "OutputVideoSensitiveContentDetected",
                                               "message": "The generated video may contain sensitive information."})
        elif status == "succeeded" and "broken" in t["text"]:
            out.update(status="failed", error={"code": "InternalServiceError", "message": "internal error"})
        elif status == "succeeded":
            out.update(content={"video_url": file_url(app, f"sd-{tid}.mp4")}, resolution="720p", duration=5,
                       ratio="16:9", framespersecond=24, usage={"completion_tokens": 246000, "total_tokens": 246000})
        return 200, out

    return app
