"""A loopback fake of HeyGen API v3: assets, videos (avatar | image), lip-syncs, looks, voices, errors."""

from __future__ import annotations

import itertools

from fakes.server import FakeApp, Req
from fakes.stock_media import add_clip_route

RUNNING = {"videos": ["pending", "processing"], "lipsyncs": ["pending", "running"]}


def _err(status: int, code: str, message: str, param: str | None = None, headers: dict | None = None) -> tuple:
    body = {"error": {"code": code, "message": message, **({"param": param} if param else {})}}
    return (status, body, headers) if headers else (status, body)


def make_app(api_key: str = "heygen-test-key") -> FakeApp:
    """State knobs: ``rate_limit`` (n x 429), ``fail_next`` (failure_code for the next job), ``odd_status``."""
    app = FakeApp()
    ids = itertools.count(1)
    app.state.update(jobs={}, assets={}, rate_limit=0, fail_next=None, idem={})

    def guard(req: Req) -> tuple | None:
        if req.headers.get("x-api-key") != api_key:
            return _err(401, "unauthorized", "Invalid API key")
        if app.state["rate_limit"] > 0:
            app.state["rate_limit"] -= 1
            return _err(429, "rate_limit_exceeded", "Too many concurrent jobs", headers={"Retry-After": "0"})
        return None

    @app.route("POST", "/v3/assets")
    def upload(req: Req) -> tuple:
        if (g := guard(req)) is not None:
            return g
        ctype = req.headers.get("content-type", "")
        if not ctype.startswith("multipart/form-data") or b'name="file"' not in req.body:
            return _err(400, "invalid_parameter", "multipart field 'file' is required", "file")
        if len(req.body) > 32 * 1024 * 1024:
            return _err(413, "payload_too_large", "file exceeds 32 MB")
        aid = f"asset_{next(ids)}"
        app.state["assets"][aid] = req.body
        return 200, {"data": {"asset_id": aid, "url": f"{app.base_url}/assets/{aid}", "mime_type": "x",
                              "size_bytes": len(req.body)}}

    def known(asset: dict | None) -> bool:
        return bool(asset) and asset.get("type") == "asset_id" and asset.get("asset_id") in app.state["assets"]

    def create(kind: str, req: Req, data: dict) -> tuple:
        idem = req.headers.get("idempotency-key")
        if idem and idem in app.state["idem"]:
            return 200, {"data": app.state["idem"][idem]}
        jid = f"{kind[:-1]}_{next(ids)}"
        app.state["jobs"][jid] = {"kind": kind, "polls": 0, "fail": app.state["fail_next"], "body": data}
        app.state["fail_next"] = None
        out = {"video_id": jid, "status": "waiting"} if kind == "videos" else {"lipsync_id": jid}
        if idem:
            app.state["idem"][idem] = out
        return 200, {"data": out}

    @app.route("POST", "/v3/videos")
    def videos(req: Req) -> tuple:
        if (g := guard(req)) is not None:
            return g
        b = req.json() or {}
        if b.get("type") == "avatar":
            if not b.get("avatar_id"):
                return _err(400, "validation_error", "avatar_id is required", "avatar_id")
            if b["avatar_id"] == "missing":
                return _err(404, "avatar_not_found", "Avatar look not found")
        elif b.get("type") == "image":
            if not known(b.get("image")):
                return _err(400, "invalid_parameter", "image must reference an uploaded asset", "image")
        else:
            return _err(400, "validation_error", "type must be avatar, image, cinematic_avatar or studio", "type")
        has_audio = bool(b.get("audio_asset_id") or b.get("audio_url"))
        if has_audio == bool(b.get("script")):
            return _err(400, "validation_error", "give exactly one of script or audio", "script")
        if b.get("audio_asset_id") and b["audio_asset_id"] not in app.state["assets"]:
            return _err(400, "asset_not_available", "audio asset not found", "audio_asset_id")
        if b.get("script") and len(b["script"]) > 5000:
            return _err(400, "validation_error", "script exceeds 5000 characters", "script")
        if b.get("aspect_ratio") not in (None, "16:9", "9:16", "4:5", "5:4", "1:1", "auto"):
            return _err(400, "validation_error", "bad aspect_ratio", "aspect_ratio")
        if b.get("resolution") not in (None, "4k", "1080p", "720p"):
            return _err(400, "validation_error", "bad resolution", "resolution")
        if b.get("script", "").startswith("NO CREDIT"):
            return _err(402, "insufficient_credit", "Wallet balance too low")
        return create("videos", req, b)

    @app.route("POST", "/v3/lipsyncs")
    def lipsyncs(req: Req) -> tuple:
        if (g := guard(req)) is not None:
            return g
        b = req.json() or {}
        if not (known(b.get("video")) and known(b.get("audio"))):
            return _err(400, "validation_error", "video and audio are required", "video")
        if b.get("mode", "speed") not in ("speed", "precision"):
            return _err(400, "validation_error", "mode must be speed or precision", "mode")
        return create("lipsyncs", req, b)

    @app.route("GET", "/v3/videos/{jid}")
    def video_status(req: Req) -> tuple:
        return status("videos", req)

    @app.route("GET", "/v3/lipsyncs/{jid}")
    def lipsync_status(req: Req) -> tuple:
        return status("lipsyncs", req)

    def status(kind: str, req: Req) -> tuple:
        if (g := guard(req)) is not None:
            return g
        job = app.state["jobs"].get(req.params["jid"])
        if job is None or job["kind"] != kind:
            return _err(404, "video_not_found", "No such job")
        job["polls"] += 1
        steps = RUNNING[kind]
        if app.state.get("odd_status") and job["polls"] == 1:
            return 200, {"data": {"id": req.params["jid"], "status": "thinking_hard"}}
        if job["polls"] <= len(steps):
            return 200, {"data": {"id": req.params["jid"], "status": steps[job["polls"] - 1]}}
        if job["fail"]:
            return 200, {"data": {"id": req.params["jid"], "status": "failed", "failure_code": job["fail"],
                                  "failure_message": f"render failed: {job['fail']}"}}
        return 200, {"data": {"id": req.params["jid"], "status": "completed", "duration": 2.0,
                              "video_url": f"{app.base_url}/files/{req.params['jid']}.mp4?sig=abc"}}

    add_clip_route(app, "/files/{name}")

    @app.route("GET", "/v3/avatars/looks")
    def looks(req: Req) -> tuple:
        if (g := guard(req)) is not None:
            return g
        page = [{"id": "look_anna", "name": "Anna", "gender": "female", "default_voice_id": "voice_1",
                 "preferred_orientation": "portrait", "supported_api_engines": ["avatar_iv"],
                 "preview_image_url": "https://x/anna.png"}]
        if req.query.get("token") == "p2":
            return 200, {"data": [{**page[0], "id": "look_ben", "name": "Ben"}], "has_more": False, "next_token": None}
        return 200, {"data": page, "has_more": True, "next_token": "p2"}

    @app.route("GET", "/v3/voices")
    def voices(req: Req) -> tuple:
        if (g := guard(req)) is not None:
            return g
        return 200, {"data": [{"voice_id": "voice_1", "name": "Warm", "language": req.query.get("language", "en"),
                               "gender": "female", "type": "public"}], "has_more": False}

    return app
