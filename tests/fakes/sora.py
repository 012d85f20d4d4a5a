"""A loopback fake of the OpenAI videos API (§5): multipart create, status polling, content download.

``forbidden`` → HTTP 400 ``moderation_blocked`` on create; ``risky`` → ``failed`` with a moderation
error; ``broken`` → ``failed`` with an internal error. ``app.state["expired"]`` holding ``"content"``
makes every content download answer 404 (the asset passed ``expires_at``).
"""

from __future__ import annotations

import email.parser
import email.policy
import time
import uuid

from fakes.server import FakeApp
from fakes.video_vendors import VIDEO, advance, bearer_or_fault

API_KEY = "sk-test-sora"
SCRIPT = ["queued", "in_progress", "completed"]
SIZES = {"720x1280", "1280x720", "1024x1792", "1792x1024"}


def parse_form(req) -> dict[str, object]:
    """multipart/form-data → {name: str or (filename, bytes)}."""
    ctype = req.headers.get("content-type", "")
    if not ctype.startswith("multipart/form-data"):
        raise ValueError(f"expected multipart/form-data, got {ctype!r}")
    msg = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
        b"Content-Type: " + ctype.encode() + b"\r\n\r\n" + req.body)
    out: dict[str, object] = {}
    for part in msg.iter_parts():
        name = part.get_param("name", header="content-disposition")
        payload = part.get_payload(decode=True)
        filename = part.get_filename()
        out[name] = (filename, payload) if filename else payload.decode()
    return out


def error(status: int, message: str, code: str, type_: str = "invalid_request_error") -> tuple:
    return status, {"error": {"message": message, "type": type_, "param": None, "code": code}}


def make_app() -> FakeApp:
    app = FakeApp()
    app.state.update(videos={}, expired=set())

    def check(req, key: str) -> tuple | None:
        return bearer_or_fault(app, req, API_KEY, error(401, "Incorrect API key provided", "invalid_api_key"), key)

    def video(vid: str, v: dict, status: str, **extra) -> dict:
        return {"id": vid, "object": "video", "model": v["model"], "status": status,
                "progress": {"queued": 0, "in_progress": 50}.get(status, 100), "created_at": v["created_at"],
                "completed_at": None, "expires_at": None, "seconds": v["seconds"], "size": v["size"],
                "prompt": v["prompt"], "remixed_from_video_id": None, "error": None, **extra}

    @app.route("POST", "/v1/videos")
    def create(req):
        if bad := check(req, "create"):
            return bad
        try:
            form = parse_form(req)
        except ValueError as exc:
            return error(400, str(exc), "invalid_content_type")
        if form.get("model", "sora-2") not in ("sora-2", "sora-2-pro"):
            return error(400, "Invalid model", "invalid_value")
        if form.get("seconds", "4") not in ("4", "8", "12") or form.get("size", "720x1280") not in SIZES:
            return error(400, "Invalid seconds or size", "invalid_value")
        if not form.get("prompt"):
            return error(400, "Missing required parameter: 'prompt'", "missing_required_parameter")
        if "forbidden" in form["prompt"]:
            return error(400, "Your request was blocked by our moderation system.", "moderation_blocked")
        vid = f"video_{uuid.uuid4().hex[:20]}"
        v = {"model": form.get("model", "sora-2"), "seconds": form.get("seconds", "4"), "form": form,
             "size": form.get("size", "720x1280"), "prompt": form["prompt"], "created_at": int(time.time())}
        app.state["videos"][vid] = v
        return 200, video(vid, v, "queued")

    @app.route("GET", "/v1/videos/{vid}")
    def get(req):
        if bad := check(req, "poll"):
            return bad
        v = app.state["videos"].get(req.params["vid"])
        if v is None:
            return error(404, "Video not found", "not_found")
        status = advance(v, SCRIPT)
        if status == "completed" and "risky" in v["prompt"]:
            return 200, video(req.params["vid"], v, "failed", error={
                "code": "moderation_blocked", "message": "The generated video was blocked by our moderation system."})
        if status == "completed" and "broken" in v["prompt"]:
            return 200, video(req.params["vid"], v, "failed", error={"code": "internal_error",
                                                                      "message": "Video generation failed."})
        return 200, video(req.params["vid"], v, status), {"openai-poll-after-ms": "1500"}

    @app.route("GET", "/v1/videos/{vid}/content")
    def content(req):
        if bad := check(req, "content"):
            return bad
        if req.params["vid"] not in app.state["videos"] or "content" in app.state["expired"]:
            return error(404, "Video content not found or expired", "not_found")
        return 200, VIDEO, {"Content-Type": "video/mp4"}

    return app
