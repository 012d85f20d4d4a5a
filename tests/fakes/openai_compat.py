"""A loopback fake of the OpenAI chat-completions API that replays scripted assistant turns.

The wire shapes (plain and ``stream: true`` server-sent events) are those of
:mod:`reelforge.evals.fake_llm`; this FakeApp adds the API-key check and ``app.state["bodies"]`` (the parsed
request bodies). A turn is ``{"content": "..."}`` or ``{"tool_calls": [(name, arguments_json_string), ...]}``.
"""

from __future__ import annotations

from typing import Any

from fakes.server import FakeApp, Req
from reelforge.evals.fake_llm import completion, sse

Turn = dict[str, Any]


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
            return 200, sse(turn, n, model), {"Content-Type": "text/event-stream"}
        return 200, completion(turn, n, model)

    return app
