"""Messages that arrive while the director is busy on a thread: kept in order, acknowledged at once, and applied
by the run that holds the thread as soon as its current work is done — never dropped, never a second writer.

Every front door goes through :meth:`agent.service.AgentService.send`, so a message typed in the studio, a
Slack reply or a line in ``reelforge chat`` during a render is handled the same way. The queue lives in the
process whose turn is working on the thread; when production runs on the workers, the turn that relays it
applies the queue once the video is delivered.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

Busy = Literal["production", "planning"]
MAX_QUEUED = 20  # per thread: a stuck run cannot collect messages without bound
PREVIEW_CHARS = 80


@dataclass(frozen=True)
class QueuedMessage:
    """A user's message waiting for the thread's current run to finish."""

    text: str
    attachments: Sequence[str] = ()
    brief_patch: Mapping[str, Any] | None = None


@dataclass
class MessageQueue:
    """Per-thread FIFO of waiting messages, and what each busy thread is doing (for the acknowledgement)."""

    waiting: dict[str, deque[QueuedMessage]] = field(default_factory=dict)
    busy: dict[str, Busy] = field(default_factory=dict)
    turns: dict[str, int] = field(default_factory=dict)  # turns in progress per thread, in this process

    def enter(self, thread_id: str) -> None:
        """A turn starts working on ``thread_id``."""
        self.turns[thread_id] = self.turns.get(thread_id, 0) + 1

    def leave(self, thread_id: str) -> None:
        left = self.turns.get(thread_id, 1) - 1
        if left > 0:
            self.turns[thread_id] = left
        else:
            self.turns.pop(thread_id, None)

    def active(self, thread_id: str) -> bool:
        """A turn is working on ``thread_id`` right now."""
        return bool(self.turns.get(thread_id))

    def add(self, thread_id: str, message: QueuedMessage) -> str:
        """Queue ``message``; returns the acknowledgement to show (or why it was not queued)."""
        line = self.waiting.setdefault(thread_id, deque())
        if len(line) >= MAX_QUEUED:
            return (f"I already have {MAX_QUEUED} messages waiting in this conversation; please send this again "
                    "once the current work is done.")
        line.append(message)
        return acknowledgement(message.text, self.busy.get(thread_id, "planning"), len(line))

    def pop(self, thread_id: str) -> QueuedMessage | None:
        line = self.waiting.get(thread_id)
        if not line:
            self.waiting.pop(thread_id, None)
            return None
        return line.popleft()

    def has(self, thread_id: str) -> bool:
        return bool(self.waiting.get(thread_id))


def _preview(text: str) -> str:
    one = " ".join(text.split())
    return one if len(one) <= PREVIEW_CHARS else one[:PREVIEW_CHARS - 1].rstrip() + "…"


def acknowledgement(text: str, busy: Busy, position: int) -> str:
    """What the user is told at once: that the message is kept, and when it will be applied."""
    quoted = f"“{_preview(text)}”" if text.strip() else "your message"
    after = f" (after {position - 1} other message{'s' if position > 2 else ''})" if position > 1 else ""
    if busy == "production":
        return (f"Got it — your video is being made right now, so I'll apply {quoted} as soon as the render "
                f"finishes{after}. Anything that changes the video comes back to you for approval first.")
    return f"Got it — I'll get to {quoted} as soon as I've finished the current step{after}."


def taking_up(text: str) -> str:
    """Said when a queued message is taken up."""
    return f"Now for the message you sent while I was busy: “{_preview(text)}”"
