"""Normalised events that :class:`agent.service.AgentService` streams to every front end."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, Field, TypeAdapter

from reelforge.agent.review import StoryboardReview
from reelforge.tools.masking import mask
from reelforge.tools.production import OutputFile, ProgressEvent

Masked = Annotated[str, AfterValidator(mask)]  # text an event carries out of the process: secrets masked


class MessageDelta(BaseModel):
    type: Literal["message_delta"] = "message_delta"
    text: Masked


class Message(BaseModel):
    type: Literal["message"] = "message"
    text: Masked
    role: Literal["assistant", "user"] = "assistant"


class ToolObservation(BaseModel):
    type: Literal["tool"] = "tool"
    name: str
    text: Masked
    ok: bool = True


class Progress(BaseModel):
    type: Literal["progress"] = "progress"
    stage: str
    status: str
    percent: float = 0.0
    shot_id: str | None = None
    message: Masked = ""


def progress_of(event: ProgressEvent) -> Progress:
    """A studio's production step as the event the front doors show."""
    return Progress(**event.model_dump(mode="json"))


class StoryboardEvent(BaseModel):
    type: Literal["storyboard"] = "storyboard"
    review: StoryboardReview


class VideoEvent(BaseModel):
    type: Literal["video"] = "video"
    outputs: list[OutputFile]
    manifest_path: str | None = None
    qc_summary: Masked = ""
    cost_usd: float = 0.0


class PreviewEvent(BaseModel):
    """An animatic of the storyboard under review (tools.preview): low resolution, free, watermarked."""

    type: Literal["preview"] = "preview"
    path: str
    storyboard_version: int
    width: int
    height: int
    duration_s: float
    notes: list[Masked] = Field(default_factory=list)


class ErrorEvent(BaseModel):
    type: Literal["error"] = "error"
    message: Masked


Event = Annotated[
    MessageDelta | Message | ToolObservation | Progress | StoryboardEvent | VideoEvent | PreviewEvent | ErrorEvent,
    Field(discriminator="type"),
]
EVENT_ADAPTER: TypeAdapter[Event] = TypeAdapter(Event)

def redact(text: str) -> str:
    """Mask every secret in ``text`` (the one masking function, :func:`tools.masking.mask`)."""
    return mask(text)


def plain_reason(exc: BaseException) -> str:
    """An exception as one line a person may read: its own message (``ProviderError.message`` first), masked."""
    msg = str(getattr(exc, "message", None) or exc or "").strip()
    return redact(msg.splitlines()[0] if msg else type(exc).__name__)[:500]


def error_event(exc: BaseException, during: str) -> ErrorEvent:
    """An error in plain words: one line, no traceback, no secrets."""
    return ErrorEvent(message=f"Something went wrong while {during}: {plain_reason(exc)}"[:500])
