"""A loopback fake of D-ID Talks: image/audio uploads, talks create/poll, voices, moderation and credit errors."""

from __future__ import annotations

import itertools

from fakes.server import FakeApp, Req
from fakes.stock_media import add_clip_route


def _err(status: int, kind: str, description: str, headers: dict | None = None) -> tuple:
    body = {"kind": kind, "description": description}
    return (status, body, headers) if headers else (status, body)


def make_app(api_key: str = "user:pass") -> FakeApp:
    """State knobs: ``rate_limit``, ``talk_outcome`` ("done" | "error" | "rejected"), ``credits`` (False -> 402)."""
    app = FakeApp()
    ids = itertools.count(1)
    app.state.update(talks={}, uploads=set(), rate_limit=0, talk_outcome="done", credits=True)

    def guard(req: Req) -> tuple | None:
        if req.headers.get("authorization") != f"Basic {api_key}":
            return _err(401, "AuthorizationError", "Unauthorized")
        if app.state["rate_limit"] > 0:
            app.state["rate_limit"] -= 1
            return _err(429, "TooManyRequestsError", "Too Many Requests", {"Retry-After": "0"})
        return None

    def upload(req: Req, field: str, cap: int) -> tuple:
        if (g := guard(req)) is not None:
            return g
        if f'name="{field}"'.encode() not in req.body:
            return _err(400, "ValidationError", f"multipart field '{field}' is required")
        if len(req.body) > cap:
            return _err(400, "ValidationError", f"{field} is too large")
        if field == "image" and b"CELEBRITY" in req.body:
            return _err(451, "CelebrityRecognizedError", "A celebrity was recognised in the image")
        url = f"s3://d-id-{field}s-prod/auth0|1/{field}_{next(ids)}"
        app.state["uploads"].add(url)
        return 201, {"id": url.rsplit("/", 1)[-1], "url": url}

    @app.route("POST", "/images")
    def images(req: Req) -> tuple:
        return upload(req, "image", 10 * 1024 * 1024)

    @app.route("POST", "/audios")
    def audios(req: Req) -> tuple:
        return upload(req, "audio", 6 * 1024 * 1024)

    @app.route("POST", "/talks")
    def create(req: Req) -> tuple:
        if (g := guard(req)) is not None:
            return g
        b = req.json() or {}
        src, script = b.get("source_url"), b.get("script") or {}
        if not src or (src.startswith("s3://") and src not in app.state["uploads"]):
            return _err(400, "ValidationError", "source_url is required and must be reachable")
        if script.get("type") == "audio":
            if script.get("audio_url") not in app.state["uploads"]:
                return _err(400, "ValidationError", "script.audio_url must be an uploaded audio")
        elif script.get("type") == "text":
            if not script.get("input") or len(script["input"]) > 10_000:
                return _err(400, "ValidationError", "script.input must be 1..10000 characters")
        else:
            return _err(400, "ValidationError", "script.type must be text or audio")
        if not app.state["credits"]:
            return _err(402, "InsufficientCreditsError", "not enough credits")
        tid = f"tlk_{next(ids)}"
        app.state["talks"][tid] = {"polls": 0, "outcome": app.state["talk_outcome"]}
        return 201, {"id": tid, "object": "talk", "created_at": "2026-01-01T00:00:00Z", "status": "created"}

    @app.route("GET", "/talks/{tid}")
    def get(req: Req) -> tuple:
        if (g := guard(req)) is not None:
            return g
        t = app.state["talks"].get(req.params["tid"])
        if t is None:
            return _err(404, "NotFoundError", "talk not found")
        t["polls"] += 1
        tid = req.params["tid"]
        if t["polls"] == 1:
            return 200, {"id": tid, "status": "started"}
        if t["outcome"] == "done":
            return 200, {"id": tid, "status": "done", "duration": 16.2,
                         "result_url": f"{app.base_url}/results/{tid}.mp4?X-Amz-Signature=x"}
        if t["outcome"] == "rejected":
            return 200, {"id": tid, "status": "rejected", "error": {"kind": "FaceError", "description": "no face"}}
        return 200, {"id": tid, "status": "error", "error": {"kind": "InternalError", "description": "render crashed"}}

    add_clip_route(app, "/results/{name}")

    @app.route("GET", "/tts/voices")
    def voices(req: Req) -> tuple:
        if (g := guard(req)) is not None:
            return g
        return 200, [{"id": "en-US-JennyNeural", "name": "Jenny", "gender": "female", "provider": "microsoft",
                      "languages": [{"language": "English (United States)"}]}]

    return app
