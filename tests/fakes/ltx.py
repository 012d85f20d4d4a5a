"""A loopback fake of the LTX API: synchronous text-to-video, image-to-video and extend answering with MP4 bytes.

The MP4 it returns encodes the request so tests can tell clips apart: ``VIDEO`` plus ``#<seconds>`` of
footage; an extension answers with the source clip's bytes plus the added seconds. ``forbidden`` in a
prompt → 422 moderation error. Every accepted (paid) generation is counted in ``app.state["paid"]``.
"""

from __future__ import annotations

import base64
from collections.abc import Callable

from fakes.server import FakeApp
from fakes.video_vendors import VIDEO, fault

API_KEY = "ltx-test-key"
MODELS = {"ltx-2-pro", "ltx-2-fast"}
RESOLUTIONS = {"1920x1080", "1080x1920"}


def clip(seconds: float) -> bytes:
    return VIDEO + f"#{seconds:g}s".encode()


def seconds_of(data: bytes) -> float:
    """The total seconds of footage a fake clip stands for."""
    return sum(float(part.split(b"s")[0]) for part in data[len(VIDEO):].split(b"#") if part)


def make_app() -> FakeApp:
    app = FakeApp()
    app.state["paid"] = []

    def check(req, key: str) -> tuple | None:
        if req.headers.get("authorization") != f"Bearer {API_KEY}":
            return 401, {"error": {"type": "authentication_error", "message": "Invalid API key"}}
        if bad := fault(app, key):
            return bad
        body = req.json() or {}
        if body.get("model") not in MODELS:
            return 400, {"error": {"type": "invalid_request", "message": f"unknown model {body.get('model')}"}}
        if "forbidden" in str(body.get("prompt", "")):
            return 422, {"error": {"type": "content_moderation", "message": "prompt rejected by moderation"}}
        return None

    def video(data: bytes, kind: str, body: dict) -> tuple:
        app.state["paid"].append({"kind": kind, "duration": body.get("duration")})
        return 200, data, {"Content-Type": "video/mp4", "x-request-id": f"req-{len(app.state['paid'])}"}

    def create(kind: str, valid: Callable[[dict], bool], problem: str) -> Callable:
        """A generation endpoint: ``problem`` as a 400 unless ``valid(body)``, else the clip for ``kind``."""

        def handler(req):
            if bad := check(req, "create"):
                return bad
            body = req.json()
            if not valid(body):
                return 400, {"error": {"type": "invalid_request", "message": problem}}
            return video(clip(body["duration"]), kind, body)

        return handler

    app.route("POST", "/v1/text-to-video")(create(
        "text-to-video", lambda body: body.get("resolution") in RESOLUTIONS and 1 <= int(body.get("duration", 0)) <= 20,
        "bad duration or resolution"))
    app.route("POST", "/v1/image-to-video")(create(
        "image-to-video", lambda body: str(body.get("image_uri", "")).startswith(("data:image/", "http")),
        "image_uri is required"))

    @app.route("POST", "/v1/extend")
    def extend(req):
        if bad := check(req, "extend"):
            return bad
        body = req.json()
        head, _, data = str(body.get("video_uri", "")).partition(",")
        if not head.startswith("data:video/") or not 2 <= int(body.get("duration", 0)) <= 20:
            return 400, {"error": {"type": "invalid_request", "message": "video_uri and a 2-20 s duration"}}
        source = base64.b64decode(data)
        return video(source + f"#{body['duration']:g}s".encode(), "extend", body)

    return app
