"""What a reply to a storyboard review means: a typed reading the service acts on.

The interpreter (LLM structured output or the offline intent layer) only *proposes* a reading; the review
node validates each decision against the storyboard and applies it in code.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field, model_validator

from reelforge.agent.review import ReviewDecision

Intent = Literal["decide", "answer", "clarify"]
Topic = Literal["cost", "models", "scene", "duration", "next", "other", "wait"]  # "wait": not deciding yet


class ReplyReading(BaseModel):
    """``decide``: apply ``decisions`` in order (approve, edits, kinds, models, fresh takes, removed or moved
    scenes or a revision of the whole storyboard); ``answer``: a question about the storyboard (``topic``,
    optionally one ``scene``) is answered, or — topic ``wait`` — the person is not deciding yet ("let me check
    with my team"), and nothing changes; ``clarify``: nothing changes and ``text`` asks one short question."""

    intent: Intent
    decisions: list[ReviewDecision] = Field(default_factory=list)
    topic: Topic | None = None
    scene: int | None = None
    text: str = ""  # the answer or the clarifying question, when there is one
    source: Literal["offline", "llm"] = "offline"

    @model_validator(mode="after")
    def _consistent(self) -> ReplyReading:
        if self.intent == "decide" and not self.decisions:
            raise ValueError("a decision reading needs at least one decision")
        if self.intent != "decide" and self.decisions:
            raise ValueError(f"an {self.intent} reading changes nothing, so it carries no decisions")
        if self.intent == "answer" and self.topic is None:
            raise ValueError("an answer reading needs a topic")
        if any(d.action == "approve" for d in self.decisions) and len(self.decisions) > 1:
            raise ValueError("an approval cannot be combined with changes: the changed storyboard is reviewed first")
        return self

    @property
    def approves(self) -> bool:
        return self.intent == "decide" and self.decisions[0].action == "approve"

    def label(self) -> str:
        """A compact label (``approve``, ``edit 2 + edit 4``, ``remove 4``, ``move 4 1``, ``ask cost 3``, ``wait``,
        ``clarify``...) for tests and benches."""
        if self.intent == "clarify":
            return "clarify"
        if self.intent == "answer" and self.topic == "wait":
            return "wait"
        if self.intent == "answer":
            return " ".join(x for x in ("ask", self.topic or "", str(self.scene or "")) if x)
        return " + ".join(_decision_label(d) for d in self.decisions)


def _decision_label(d: ReviewDecision) -> str:
    if d.action == "reject":
        return "revise"
    parts = [d.action, str(d.scene) if d.scene is not None else ""]
    if d.action == "kind":
        parts.append(d.kind)
    if d.action == "model":
        parts.append(d.model_id)
    if d.action == "sound":
        parts.append(d.sound)
    if d.action == "move":
        parts.append(str(d.position))
    if d.action == "look":  # "look style", "look baker", "look - dog" (taken off the sheet)
        parts += ["-"] * d.remove + [d.subject.split()[-1].lower() if d.subject else "style"]
    return " ".join(p for p in parts if p)
