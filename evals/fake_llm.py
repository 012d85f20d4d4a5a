"""A scripted fake of an OpenAI-compatible chat-completions server, for the LLM-path scenarios, the tests and
bench/director.py. It answers both plain and ``stream: true`` requests (server-sent events, as OpenAI sends).

A scripted turn is one of ``{"content": "..."}``, ``{"tool_calls": [[name, arguments_json], ...]}`` (the
arguments are sent verbatim, so a script can send malformed JSON), ``{"content": ..., "tool_calls": ...}`` or
``{"error": {"status": 400, "message": "...", "code": "context_length_exceeded"}}``. When the script runs out,
``then`` answers every further request (e.g. a model that loops on one tool forever). Requests that force a
structured answer (``tool_choice`` naming a function: the review-reply reading) are answered from
``readings`` (each a JSON object) and are a 500 error when none is left, so the caller falls back; requests
without tools (the planner's narration) get a 500 too, so planning falls back to the offline planner.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from typing import Any

from reelforge.evals.loopback import Handler

Turn = dict[str, Any]


def _calls(turn: Turn, n: int) -> list[dict[str, Any]]:
    return [{"id": f"call_{n}_{i}", "type": "function", "function": {"name": name, "arguments": args}}
            for i, (name, args) in enumerate(turn.get("tool_calls") or [])]


def completion(turn: Turn, n: int, model: str, prompt_tokens: int = 10) -> dict[str, Any]:
    """A non-streaming chat.completion body for ``turn``."""
    msg: dict[str, Any] = {"role": "assistant", "content": turn.get("content")}
    if turn.get("tool_calls"):
        msg["tool_calls"] = _calls(turn, n)
    return {"id": f"chatcmpl-{n}", "object": "chat.completion", "created": int(time.time()), "model": model,
            "choices": [{"index": 0, "message": msg, "finish_reason": "tool_calls" if turn.get("tool_calls") else "stop"}],
            "usage": {"prompt_tokens": prompt_tokens, "completion_tokens": 5, "total_tokens": prompt_tokens + 5}}


def sse(turn: Turn, n: int, model: str) -> str:
    """The same turn as server-sent chat.completion.chunk events, ending with ``[DONE]``."""
    base = {"id": f"chatcmpl-{n}", "object": "chat.completion.chunk", "created": int(time.time()), "model": model}

    def chunk(delta: dict[str, Any], finish: str | None = None) -> dict[str, Any]:
        return {**base, "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]}

    chunks = [chunk({"role": "assistant", "content": ""})]
    if turn.get("content"):
        chunks += [chunk({"content": word + " "}) for word in turn["content"].split(" ")]
    for i, call in enumerate(_calls(turn, n)):
        chunks.append(chunk({"tool_calls": [{"index": i, **call}]}))
    chunks.append(chunk({}, "tool_calls" if turn.get("tool_calls") else "stop"))
    return "".join(f"data: {json.dumps(c)}\n\n" for c in chunks) + "data: [DONE]\n\n"


def prompt_tokens(body: dict[str, Any]) -> int:
    """Roughly what the server is asked to read: messages and tool schemas at ~4 characters a token."""
    return len(json.dumps(body.get("messages", [])) + json.dumps(body.get("tools", []))) // 4


@dataclass
class ScriptedLLM:
    """The script and what was asked of it (``bodies``: every request, ``forced``: structured-output ones)."""

    turns: list[Turn]
    then: Turn | None = None
    readings: list[dict[str, Any]] = field(default_factory=list)
    bodies: list[dict[str, Any]] = field(default_factory=list)
    forced: list[dict[str, Any]] = field(default_factory=list)
    other: list[dict[str, Any]] = field(default_factory=list)  # requests without tools (the planner's)

    @property
    def calls(self) -> int:
        """Requests answered so far (tool-loop calls and structured readings)."""
        return len(self.bodies) + len(self.forced)

    def handler(self) -> Handler:
        def handle(method: str, path: str, body: bytes) -> tuple[int, Any, dict[str, str]]:
            if method != "POST" or not path.endswith("/chat/completions"):
                return 404, {"error": {"message": f"no route {method} {path}", "type": "invalid_request_error"}}, {}
            req = json.loads(body or b"{}")
            model = req.get("model", "fake-model")
            if isinstance(req.get("tool_choice"), dict):  # a forced function: a structured answer
                self.forced.append(req)
                if not self.readings:
                    return 500, {"error": {"message": "no scripted reading", "type": "server_error"}}, {}
                reading = self.readings.pop(0)
                name = req["tool_choice"]["function"]["name"]
                turn = {"tool_calls": [[name, json.dumps(reading)]]}
            elif not req.get("tools"):  # not the director (e.g. the planner's narration): it falls back offline
                self.other.append(req)
                return 500, {"error": {"message": "no scripted answer without tools", "type": "server_error"}}, {}
            else:
                self.bodies.append(req)
                turn = self.turns.pop(0) if self.turns else self.then
                if turn is None:
                    return 500, {"error": {"message": "the fake ran out of scripted turns", "type": "server_error"}}, {}
            n = len(self.bodies) + len(self.forced)
            if "error" in turn:
                err = turn["error"]
                return int(err.get("status", 400)), {"error": {"message": err.get("message", "error"),
                                                               "type": "invalid_request_error",
                                                               "code": err.get("code")}}, {}
            if req.get("stream"):
                return 200, sse(turn, n, model).encode(), {"Content-Type": "text/event-stream"}
            return 200, completion(turn, n, model, prompt_tokens(req)), {}

        return handle
