"""Tool calls a model wrote as JSON in its message text (common with small local models served by Ollama):
``{"name": "plan_scenes", "arguments": {}}``, a ```json fenced block, ``<tool_call>…</tool_call>``, or a list
of such objects. They are recognised only for the tools the director offers and become real tool calls."""

from __future__ import annotations

import json
from collections.abc import Collection
from typing import Any
from uuid import uuid4

from langchain_core.messages import AIMessage

NAME_KEYS = ("name", "tool", "tool_name", "function")
ARG_KEYS = ("arguments", "args", "parameters", "input")


def _objects(text: str) -> list[Any]:
    """Every top-level JSON value (object or list) in ``text``, in order."""
    decoder = json.JSONDecoder()
    out: list[Any] = []
    i = 0
    while i < len(text):
        start = min((p for p in (text.find("{", i), text.find("[", i)) if p >= 0), default=-1)
        if start < 0:
            break
        try:
            value, end = decoder.raw_decode(text, start)
        except json.JSONDecodeError:
            i = start + 1
            continue
        out.append(value)
        i = end
    return out


def _call(obj: Any, tools: Collection[str]) -> dict[str, Any] | None:
    if not isinstance(obj, dict):
        return None
    if isinstance(obj.get("function"), dict):  # the OpenAI wire shape
        obj = obj["function"]
    name = next((obj[k] for k in NAME_KEYS if isinstance(obj.get(k), str)), None)
    if name not in tools:
        return None
    args = next((obj[k] for k in ARG_KEYS if k in obj), {})
    if isinstance(args, str):
        try:
            args = json.loads(args or "{}")
        except json.JSONDecodeError:
            return None
    if not isinstance(args, dict):
        return None
    return {"name": name, "args": args, "id": f"text_{uuid4().hex[:12]}", "type": "tool_call"}


def tool_calls_in_text(text: str, tools: Collection[str]) -> list[dict[str, Any]]:
    """The tool calls written in ``text`` for the named ``tools`` (none when the JSON names no such tool)."""
    calls: list[dict[str, Any]] = []
    for value in _objects(text):
        for obj in value if isinstance(value, list) else [value]:
            if (call := _call(obj, tools)) is not None:
                calls.append(call)
    return calls


def with_text_tool_calls(reply: AIMessage, tools: Collection[str]) -> AIMessage:
    """``reply`` with the tool calls its text contains, when it has no real ones; unchanged otherwise."""
    if reply.tool_calls or reply.invalid_tool_calls or not isinstance(reply.content, str):
        return reply
    calls = tool_calls_in_text(reply.content, tools)
    if not calls:
        return reply
    return AIMessage(content="", tool_calls=calls, id=reply.id, response_metadata=reply.response_metadata)
