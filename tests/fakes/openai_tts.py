"""A loopback fake of OpenAI's speech endpoint (``POST /v1/audio/speech``), driven by the real ``openai`` SDK.

The speech is real: espeak-ng speaks the request's ``input``, so the offline aligner has words to find, and
``app.state["truth"]`` keeps espeak's own word timings for measuring the alignment error. Like a streamed
OpenAI WAV, the RIFF and data sizes are 0xFFFFFFFF. ``app.state["errors"]`` is a queue of ``(status, body)``
answered before routing.
"""

from __future__ import annotations

import json
import struct
import tempfile
from pathlib import Path

from fakes.server import FakeApp, Req

KEY = "sk-test-openai-speech"


def make_app() -> FakeApp:
    from reelforge.tools.voice import espeak_engine

    app = FakeApp()
    app.state.update(errors=[], truth=[], bodies=[])
    original = app.dispatch

    def dispatch(req: Req) -> tuple[int, bytes, dict[str, str]]:
        if req.headers.get("authorization") != f"Bearer {KEY}":
            app.requests.append(req)
            body = {"error": {"message": "Incorrect API key provided: sk-te***ch.", "type": "invalid_request_error",
                              "code": "invalid_api_key"}}
            return 401, json.dumps(body).encode(), {"Content-Type": "application/json"}
        if app.state["errors"]:
            app.requests.append(req)
            status, body = app.state["errors"].pop(0)
            return status, json.dumps(body).encode(), {"Content-Type": "application/json"}
        return original(req)

    app.dispatch = dispatch  # type: ignore[method-assign]

    @app.route("POST", "/v1/audio/speech")
    def speech(req: Req) -> tuple:
        body = req.json()
        app.state["bodies"].append(body)
        if not body.get("input"):
            return 400, {"error": {"message": "input is required", "type": "invalid_request_error", "code": None}}
        with tempfile.TemporaryDirectory() as tmp:
            wav = Path(tmp) / "speech.wav"
            _, words = espeak_engine.synthesize_espeak(body["input"], wav)
            data = bytearray(wav.read_bytes())
        app.state["truth"].append(words)
        data[4:8] = struct.pack("<I", 0xFFFFFFFF)  # streamed: unknown lengths
        pos = data.find(b"data")
        data[pos + 4:pos + 8] = struct.pack("<I", 0xFFFFFFFF)
        return 200, bytes(data), {"Content-Type": "audio/wav"}

    return app


def quota_error() -> tuple:
    return 429, {"error": {"message": "You exceeded your current quota, please check your plan and billing details.",
                           "type": "insufficient_quota", "code": "insufficient_quota"}}
