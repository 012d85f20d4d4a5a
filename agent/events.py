"""Normalised events that :class:`agent.service.AgentService` streams to every front end."""

from __future__ import annotations

import os
import re
from typing import Annotated, Literal

from pydantic import BaseModel, Field, TypeAdapter

from reelforge.agent.review import StoryboardReview
from reelforge.tools.production import OutputFile


class MessageDelta(BaseModel):
    type: Literal["message_delta"] = "message_delta"
    text: str


class Message(BaseModel):
    type: Literal["message"] = "message"
    text: str
    role: Literal["assistant", "user"] = "assistant"


class ToolObservation(BaseModel):
    type: Literal["tool"] = "tool"
    name: str
    text: str
    ok: bool = True


class Progress(BaseModel):
    type: Literal["progress"] = "progress"
    stage: str
    status: str
    percent: float = 0.0
    shot_id: str | None = None
    message: str = ""


class StoryboardEvent(BaseModel):
    type: Literal["storyboard"] = "storyboard"
    review: StoryboardReview


class VideoEvent(BaseModel):
    type: Literal["video"] = "video"
    outputs: list[OutputFile]
    manifest_path: str | None = None
    qc_summary: str = ""
    cost_usd: float = 0.0


class ErrorEvent(BaseModel):
    type: Literal["error"] = "error"
    message: str


Event = Annotated[
    MessageDelta | Message | ToolObservation | Progress | StoryboardEvent | VideoEvent | ErrorEvent,
    Field(discriminator="type"),
]
EVENT_ADAPTER: TypeAdapter[Event] = TypeAdapter(Event)

_SECRET_NAME = re.compile(r"(KEY|TOKEN|SECRET|PASSWORD)", re.IGNORECASE)


def redact(text: str) -> str:
    """Remove the value of every secret-looking environment variable (and URL passwords) from ``text``."""
    for name, value in os.environ.items():
        if value and len(value) >= 6 and _SECRET_NAME.search(name):
            text = text.replace(value, "***")
    return re.sub(r"(://[^:/@\s]+:)[^@\s]+@", r"\1***@", text)


def error_event(exc: BaseException, during: str) -> ErrorEvent:
    """An error in plain words: one line, no traceback, no secrets."""
    msg = getattr(exc, "message", None) or str(exc) or type(exc).__name__
    first = msg.strip().splitlines()[0] if msg.strip() else type(exc).__name__
    return ErrorEvent(message=redact(f"Something went wrong while {during}: {first}")[:500])
