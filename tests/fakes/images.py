"""Loopback fakes of the image APIs reelforge calls, following each vendor's documented contract.

- OpenAI Images: ``POST /v1/images/generations`` (JSON) and ``/v1/images/edits`` (multipart, ``image[]``),
  answer ``{"created", "data": [{"b64_json"}]}``; a prompt with "forbidden" → 400 ``moderation_blocked``.
- Gemini API: ``POST /{v1,v1beta}/models/{model}:generateContent`` (Gemini image models,
  ``candidates[0].content.parts[].inlineData``); "forbidden" → ``promptFeedback.blockReason``.
- fal queue: submit → status ``COMPLETED`` → response ``{"images": [{"url"}]}``; the file at that URL.
- Replicate: ``POST /v1/models/{owner}/{name}/predictions`` → ``succeeded`` with ``output: [url]``.

Every image is a real PNG of the requested size (or 64x64), so downstream code can open it.
"""

from __future__ import annotations

import base64
import io
import uuid

from PIL import Image

from fakes.server import FakeApp
from fakes.sora import parse_form

OPENAI_KEY = "sk-test-images"
GEMINI_KEY = "gm-test-images"
FAL_KEY = "fal-test-images"
REPLICATE_KEY = "r8-test-images"
RATIO_SIZES = {"16:9": (160, 90), "9:16": (90, 160), "1:1": (96, 96), "3:4": (72, 96), "4:3": (96, 72),
               "4:5": (80, 100), "3:2": (144, 96), "2:3": (96, 144)}


def png(width: int = 64, height: int = 64, colour: tuple[int, int, int] = (200, 120, 40)) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(buf, "PNG")
    return buf.getvalue()


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def openai_app() -> FakeApp:
    app = FakeApp()

    def answer(req, prompt: str, size: str) -> tuple:
        if req.headers.get("authorization") != f"Bearer {OPENAI_KEY}":
            return 401, {"error": {"message": "Incorrect API key provided", "type": "invalid_request_error",
                                   "code": "invalid_api_key"}}
        if "forbidden" in prompt:
            return 400, {"error": {"message": "Your request was rejected by the safety system.",
                                   "type": "image_generation_user_error", "code": "moderation_blocked"}}
        w, h = (int(x) // 8 for x in size.split("x"))
        return 200, {"created": 1, "data": [{"b64_json": _b64(png(w, h))}],
                     "usage": {"input_tokens": 10, "output_tokens": 1056, "total_tokens": 1066}}

    @app.route("POST", "/v1/images/generations")
    def generations(req):
        body = req.json()
        app.state.setdefault("calls", []).append({"endpoint": "generations", **body})
        return answer(req, body["prompt"], body.get("size", "1024x1024"))

    @app.route("POST", "/v1/images/edits")
    def edits(req):
        form = parse_form(req)  # repeated image[] parts collapse in the dict: count them in the body
        images = req.body.count(b'name="image[]"')
        app.state.setdefault("calls", []).append({"endpoint": "edits", "images": images,
                                                   **{k: v for k, v in form.items() if isinstance(v, str)}})
        return answer(req, str(form["prompt"]), str(form.get("size", "1024x1024")))

    return app


def gemini_app() -> FakeApp:
    app = FakeApp()

    def authorised(req) -> bool:
        return req.headers.get("x-goog-api-key") == GEMINI_KEY

    @app.route("POST", "/{version}/models/{model}:generateContent")
    def generate(req):
        if not authorised(req):
            return 400, {"error": {"code": 400, "message": "API key not valid.", "status": "INVALID_ARGUMENT"}}
        body = req.json()
        parts = body["contents"][0]["parts"]
        app.state.setdefault("calls", []).append({"model": req.params["model"], **body})
        text = " ".join(p.get("text", "") for p in parts)
        if "forbidden" in text:
            return 200, {"promptFeedback": {"blockReason": "PROHIBITED_CONTENT"}}
        ratio = body.get("generationConfig", {}).get("imageConfig", {}).get("aspectRatio", "1:1")
        w, h = RATIO_SIZES.get(ratio, (64, 64))
        return 200, {"candidates": [{"content": {"role": "model", "parts": [
            {"text": "Here is the image."},
            {"inlineData": {"mimeType": "image/png", "data": _b64(png(w, h))}}]}, "finishReason": "STOP"}],
            "usageMetadata": {"promptTokenCount": 10, "candidatesTokenCount": 1290}}

    return app


def add_png_files(app: FakeApp) -> None:
    """``GET /files/{W}x{H}.png`` serves a PNG of that size; any other name, a 64x64 one."""

    @app.route("GET", "/files/{name}")
    def file(req):
        name = req.params["name"]
        w, h = (int(x) for x in name.removesuffix(".png").split("x")) if "x" in name else (64, 64)
        return 200, png(w, h), {"Content-Type": "image/png"}


def fal_app() -> FakeApp:
    app = FakeApp()
    add_png_files(app)

    @app.route("POST", "/fal-ai/{a}/{b}")
    def submit(req):
        if req.headers.get("authorization") != f"Key {FAL_KEY}":
            return 401, {"detail": "Invalid key"}
        rid = uuid.uuid4().hex
        body = req.json()
        app.state.setdefault("calls", []).append({"model": f"fal-ai/{req.params['a']}/{req.params['b']}", **body})
        app.state.setdefault("jobs", {})[rid] = body
        base = f"{app.base_url}/fal-ai/{req.params['a']}/requests/{rid}"
        return 200, {"request_id": rid, "status_url": f"{base}/status", "response_url": base}

    @app.route("GET", "/fal-ai/{a}/requests/{rid}/status")
    def status(req):
        return 200, {"status": "COMPLETED", "request_id": req.params["rid"]}

    @app.route("GET", "/fal-ai/{a}/requests/{rid}")
    def result(req):
        body = app.state["jobs"][req.params["rid"]]
        if "forbidden" in body["prompt"]:
            return 200, {"images": [{"url": f"{app.base_url}/files/black.png"}], "has_nsfw_concepts": [True]}
        size = body.get("image_size") or {"width": 64, "height": 64}
        name = f"{size['width'] // 8}x{size['height'] // 8}.png"
        return 200, {"images": [{"url": f"{app.base_url}/files/{name}", "content_type": "image/png"}],
                     "seed": body.get("seed"), "has_nsfw_concepts": [False]}

    return app


def replicate_app() -> FakeApp:
    app = FakeApp()
    add_png_files(app)

    @app.route("POST", "/v1/models/{owner}/{name}/predictions")
    def create(req):
        if req.headers.get("authorization") != f"Bearer {REPLICATE_KEY}":
            return 401, {"detail": "Unauthenticated"}
        body = req.json()
        app.state.setdefault("calls", []).append({"model": f"{req.params['owner']}/{req.params['name']}", **body})
        pid = uuid.uuid4().hex[:12]
        w, h = RATIO_SIZES.get(body["input"].get("aspect_ratio", "1:1"), (64, 64))
        if "forbidden" in body["input"]["prompt"]:
            return 201, {"id": pid, "status": "failed", "error": "NSFW content detected. Try a different prompt.",
                         "urls": {"get": f"{app.base_url}/v1/predictions/{pid}"}}
        return 201, {"id": pid, "status": "succeeded", "output": [f"{app.base_url}/files/{w}x{h}.png"],
                     "urls": {"get": f"{app.base_url}/v1/predictions/{pid}"}}

    return app
