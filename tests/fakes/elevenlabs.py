"""A loopback fake of the ElevenLabs API (routes per research §1.7), driven by the real ``elevenlabs`` SDK.

Speech is a real PCM tone, 60 ms per character (silent on spaces), with character timings from the
same clock. ``app.state["errors"]`` is a queue of ``(status, body[, headers])`` answered before routing
(``None`` in the queue lets one request through).
"""

from __future__ import annotations

import base64
import json
import math
import re
import struct
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from fakes.server import FakeApp, Req, serve

CHAR_S = 0.06
RATE = 24000
KEY = "test-eleven-key"


def pcm_for(text: str) -> bytes:
    """s16le mono 24 kHz: a 220 Hz tone for each non-space character, silence for spaces."""
    n = int(RATE * CHAR_S)
    out = bytearray()
    for ch in text:
        amp = 0 if ch.isspace() else 8000
        out += b"".join(struct.pack("<h", int(amp * math.sin(2 * math.pi * 220 * i / RATE))) for i in range(n))
    return bytes(out)


def alignment_for(text: str) -> dict:
    return {"characters": list(text),
            "character_start_times_seconds": [round(i * CHAR_S, 3) for i in range(len(text))],
            "character_end_times_seconds": [round((i + 1) * CHAR_S, 3) for i in range(len(text))]}


def quota_error() -> tuple:
    return 401, {"detail": {"status": "quota_exceeded", "message": "This request exceeds your quota of 10000. "
                            "You have 0 credits remaining, while 91 credits are required for this request."}}


def make_app() -> FakeApp:
    app = FakeApp()
    app.state.update(errors=[], voices={"JBFqnCBsd6RMkjVDRZzb": {"voice_id": "JBFqnCBsd6RMkjVDRZzb",
                     "name": "George", "category": "premade", "labels": {"accent": "british"}}}, uploads=[])
    original = app.dispatch

    def dispatch(req: Req) -> tuple[int, bytes, dict[str, str]]:
        if req.headers.get("xi-api-key") != KEY:
            app.requests.append(req)
            body = {"detail": {"status": "invalid_api_key", "message": "Invalid API key"}}
            return 401, json.dumps(body).encode(), {"Content-Type": "application/json"}
        if app.state["errors"] and app.state["errors"][0] is None:
            app.state["errors"].pop(0)
        elif app.state["errors"]:
            app.requests.append(req)
            err = app.state["errors"].pop(0)
            return err[0], json.dumps(err[1]).encode(), {"Content-Type": "application/json", **(err[2] if len(err) > 2 else {})}
        return original(req)

    app.dispatch = dispatch  # type: ignore[method-assign]

    def check_voice(voice_id: str) -> tuple | None:
        if voice_id not in app.state["voices"]:
            return 404, {"detail": {"status": "voice_not_found", "message": f"voice {voice_id} not found"}}
        return None

    @app.route("POST", "/v1/text-to-speech/{voice_id}/with-timestamps")
    def tts_ts(req: Req) -> tuple:
        body = req.json()
        if not body.get("text"):
            return 422, {"detail": [{"loc": ["body", "text"], "msg": "field required", "type": "missing"}]}
        if (bad := check_voice(req.params["voice_id"])) is not None:
            return bad
        text = body["text"]
        return 200, {"audio_base64": base64.b64encode(pcm_for(text)).decode(), "alignment": alignment_for(text),
                     "normalized_alignment": alignment_for(text)}, {"request-id": uuid.uuid4().hex}

    @app.route("POST", "/v1/text-to-speech/{voice_id}")
    def tts(req: Req) -> tuple:
        return 200, pcm_for(req.json()["text"]), {"Content-Type": "audio/pcm"}

    @app.route("GET", "/v2/voices")
    def search(req: Req) -> tuple:
        needle = (req.query.get("search") or "").lower()
        voices = [v for v in app.state["voices"].values() if needle in json.dumps(v).lower()]
        return 200, {"voices": voices, "has_more": False, "total_count": len(voices), "next_page_token": None}

    @app.route("GET", "/v1/voices")
    def get_all(req: Req) -> tuple:
        return 200, {"voices": list(app.state["voices"].values())}

    @app.route("GET", "/v1/voices/{voice_id}")
    def get_voice(req: Req) -> tuple:
        return check_voice(req.params["voice_id"]) or (200, app.state["voices"][req.params["voice_id"]])

    @app.route("DELETE", "/v1/voices/{voice_id}")
    def delete(req: Req) -> tuple:
        if (bad := check_voice(req.params["voice_id"])) is not None:
            return bad
        del app.state["voices"][req.params["voice_id"]]
        return 200, {"status": "ok"}

    @app.route("POST", "/v1/voices/add")
    def add(req: Req) -> tuple:
        assert req.headers.get("content-type", "").startswith("multipart/form-data")
        name = re.search(rb'name="name"\r\n\r\n(.*?)\r\n', req.body, re.S)
        files = re.findall(rb'name="files"; filename="([^"]*)"', req.body)
        if not name or not files:
            return 422, {"detail": [{"loc": ["body", "files"], "msg": "field required", "type": "missing"}]}
        voice_id = uuid.uuid4().hex[:20]
        app.state["voices"][voice_id] = {"voice_id": voice_id, "name": name.group(1).decode(), "category": "cloned",
                                         "labels": {}}
        app.state["uploads"].append({"name": name.group(1).decode(), "files": [f.decode() for f in files]})
        return 200, {"voice_id": voice_id, "requires_verification": False, "library_voice_match": None}

    @app.route("GET", "/v1/models")
    def models(req: Req) -> tuple:
        return 200, [{"model_id": m, "name": m, "can_do_text_to_speech": True, "maximum_text_length_per_request": n,
                      "languages": [{"language_id": "en", "name": "English"}]}
                     for m, n in (("eleven_multilingual_v2", 10000), ("eleven_flash_v2_5", 40000))]

    @app.route("GET", "/v1/user/subscription")
    def subscription(req: Req) -> tuple:
        return 200, {"tier": "creator", "character_count": 100, "character_limit": 100000}

    @app.route("POST", "/v1/music")
    def music(req: Req) -> tuple:
        body = req.json()
        seconds = int(body.get("music_length_ms", 3000)) / 1000
        return 200, wav_tone(seconds, 44100), {"Content-Type": "audio/wav"}

    return app


def wav_tone(seconds: float, rate: int = 44100, freq: float = 330.0) -> bytes:
    """A mono 16-bit WAV file (bytes) holding a soft tone."""
    n = int(seconds * rate)
    data = b"".join(struct.pack("<h", int(6000 * math.sin(2 * math.pi * freq * i / rate))) for i in range(n))
    header = b"RIFF" + struct.pack("<I", 36 + len(data)) + b"WAVEfmt " + struct.pack("<IHHIIHH", 16, 1, 1, rate,
                                                                                    rate * 2, 2, 16)
    return header + b"data" + struct.pack("<I", len(data)) + data


@contextmanager
def running(monkeypatch, *, attempts: int = 3) -> Iterator[FakeApp]:
    """The fake on loopback with reelforge pointed at it (key, base URL) and quick retries."""
    from reelforge.tools.voice import eleven

    with serve(make_app()) as app:
        monkeypatch.setenv("ELEVENLABS_API_KEY", KEY)
        monkeypatch.setenv("REELFORGE_ELEVENLABS_BASE_URL", app.base_url)
        monkeypatch.setattr(eleven, "RETRY", eleven.RetryPolicy(attempts=attempts, base_s=0.01, cap_s=0.05))
        yield app
