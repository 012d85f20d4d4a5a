"""What a scenario run observed: per turn, the events streamed and a snapshot of the thread afterwards."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from reelforge.agent.events import Event, ToolObservation
from reelforge.agent.review import StoryboardReview
from reelforge.agent.state import Production

PRODUCTION_STAGES = ("clips", "voice", "music", "assemble", "qc", "done")


class TurnRecord(BaseModel):
    """One scripted turn: what was sent, what came back, and the thread's state after it."""

    index: int
    label: str
    events: list[Event] = Field(default_factory=list)
    production: Production | None = None
    pending: StoryboardReview | None = None
    seconds: float = 0.0
    model_calls: int = 0  # requests the scripted LLM server got during this turn (fake_llm scenarios)

    @property
    def tools(self) -> list[ToolObservation]:
        """The tool results streamed in this turn (name, ok, text)."""
        return [e for e in self.events if isinstance(e, ToolObservation)]

    @property
    def reply(self) -> str:
        return "\n".join(e.text for e in self.events if e.type == "message")

    @property
    def errors(self) -> list[str]:
        return [e.message for e in self.events if e.type == "error"]

    @property
    def produced(self) -> bool:
        """Any generation or assembly progress in this turn (spending happens only here)."""
        return any(e.type == "progress" and e.stage in PRODUCTION_STAGES for e in self.events)

    def brief_dump(self) -> dict[str, Any]:
        return self.production.brief.model_dump() if self.production and self.production.brief else {}


class Transcript(BaseModel):
    """All turns of one run."""

    turns: list[TurnRecord] = Field(default_factory=list)

    @property
    def last(self) -> TurnRecord | None:
        return self.turns[-1] if self.turns else None

    def as_text(self) -> str:
        """A readable conversation, for the report and an LLM judge."""
        lines: list[str] = []
        for t in self.turns:
            lines.append(f"USER ({t.label})")
            for e in t.events:
                if e.type == "message":
                    lines.append(f"  director: {e.text}")
                elif e.type == "tool":
                    lines.append(f"  tool {e.name} ({'ok' if e.ok else 'error'}): {e.text.splitlines()[0][:160]}")
                elif e.type == "storyboard":
                    lines.append("  storyboard: " + e.review.text().replace("\n", "\n    "))
                elif e.type == "video":
                    lines.append(f"  video: {', '.join(o.path for o in e.outputs)} — {e.qc_summary}")
                elif e.type == "error":
                    lines.append(f"  error: {e.message}")
        return "\n".join(lines)
