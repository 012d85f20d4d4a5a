"""A loopback fake of the OpenAI chat-completions API that replays scripted assistant turns.

Each scripted turn is ``{"content": "..."}`` or ``{"tool_calls": [(name, arguments_json_string), ...]}``
(the arguments are sent verbatim, so a test can script malformed JSON). Both plain and ``stream: true``
(server-sent events, as the OpenAI API sends them) requests are answered. Requests are recorded in
``app.requests``; ``app.state["bodies"]`` holds the parsed request bodies.
"""

from __future__ import annotations

import json
import time
from typing import Any

from fakes.server import FakeApp, Req

Turn = dict[str, Any]


def _message(turn: Turn, n: int) -> dict[str, Any]:
    msg: dict[str, Any] = {"role": "assistant", "content": turn.get("content")}
    if turn.get("tool_calls"):
        msg["tool_calls"] = [{"id": f"call_{n}_{i}", "type": "function",
                              "function": {"name": name, "arguments": args}}
                             for i, (name, args) in enumerate(turn["tool_calls"])]
    return msg


def _sse(turn: Turn, n: int, model: str) -> str:
    base = {"id": f"chatcmpl-{n}", "object": "chat.completion.chunk", "created": int(time.time()), "model": model}
    chunks: list[dict[str, Any]] = [{**base, "choices": [{"index": 0, "delta": {"role": "assistant", "content": ""},
                                                          "finish_reason": None}]}]
    if turn.get("content"):
        for word in turn["content"].split(" "):
            chunks.append({**base, "choices": [{"index": 0, "delta": {"content": word + " "}, "finish_reason": None}]})
    for i, (name, args) in enumerate(turn.get("tool_calls") or []):
        chunks.append({**base, "choices": [{"index": 0, "finish_reason": None, "delta": {"tool_calls": [{
            "index": i, "id": f"call_{n}_{i}", "type": "function", "function": {"name": name, "arguments": args}}]}}]})
    finish = "tool_calls" if turn.get("tool_calls") else "stop"
    chunks.append({**base, "choices": [{"index": 0, "delta": {}, "finish_reason": finish}]})
    return "".join(f"data: {json.dumps(c)}\n\n" for c in chunks) + "data: [DONE]\n\n"


def openai_app(turns: list[Turn], *, api_key: str = "sk-test") -> FakeApp:
    """A FakeApp serving ``POST /v1/chat/completions`` from ``turns`` in order (401 on a wrong key)."""
    app = FakeApp()
    app.state.update(turns=list(turns), bodies=[])

    @app.route("POST", "/v1/chat/completions")
    def completions(req: Req) -> tuple:
        if req.headers.get("authorization") != f"Bearer {api_key}":
            return 401, {"error": {"message": "Incorrect API key provided", "type": "invalid_request_error"}}
        body = req.json()
        app.state["bodies"].append(body)
        n = len(app.state["bodies"])
        if not app.state["turns"]:
            return 500, {"error": {"message": "the fake ran out of scripted turns", "type": "server_error"}}
        turn = app.state["turns"].pop(0)
        model = body.get("model", "fake-model")
        if body.get("stream"):
            return 200, _sse(turn, n, model), {"Content-Type": "text/event-stream"}
        finish = "tool_calls" if turn.get("tool_calls") else "stop"
        return 200, {"id": f"chatcmpl-{n}", "object": "chat.completion", "created": int(time.time()), "model": model,
                     "choices": [{"index": 0, "message": _message(turn, n), "finish_reason": finish}],
                     "usage": {"prompt_tokens": 10, "completion_tokens": 5, "total_tokens": 15}}

    return app
