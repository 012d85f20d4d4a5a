"""Review replies read by the director's LLM: the reply and a compact storyboard go in, a structured reading
comes out, is validated against the storyboard, and anything unusable falls back to the offline reading."""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from typing import Any, Literal

from pydantic import BaseModel, Field

from reelforge.agent.replies.answers import answer
from reelforge.agent.replies.offline import read_reply
from reelforge.agent.replies.reading import ReplyReading, Topic
from reelforge.agent.review import ReviewDecision, StoryboardReview

log = logging.getLogger(__name__)

PROMPT = """You read a user's reply to a video storyboard they are reviewing and say what they want.
Intents: approve (they accept it as it is and want it produced); change_scenes (edit, re-kind, re-model,
mute or un-mute (sound) or regenerate particular scenes, remove a scene, or move a scene to another position);
revise_all (change the whole video: tone, length, format, music, focus...; put their words in feedback);
regenerate_all (a completely new plan); question (they ask about cost, models, a scene's content, duration, or
what happens next; nothing changes); wait (they are not deciding yet: "not yet", "let me check with my team",
"I'll get back to you"; nothing changes); unclear (hesitation or nothing usable: ask ONE short clarifying
question). A reply that both approves and asks for a change is change_scenes or revise_all. Scene numbers are
1-based as shown, also in removals and moves. A move's position is where the scene ends up, counted after the
changes before it; a swap of scenes 2 and 3 is two moves: scene 2 to position 3, then scene 3 to position 2.
Removing something inside a scene ("drop the music in scene 2") is an edit, not a removal. Only use model ids
from the list.

Storyboard:
{board}

Model ids: {models}

Reply: {reply}"""


class SceneChange(BaseModel):
    """One scene's change."""

    action: Literal["edit", "model", "kind", "sound", "regenerate", "remove", "move"]
    scene: int = Field(description="1-based scene number")
    instruction: str = Field("", description="for edit: what to change, in the user's words")
    model_id: str = Field("", description="for model: one of the listed model ids")
    kind: Literal["presenter", "stock", "generated", ""] = ""
    sound: Literal["auto", "ambience", "scene", "mute", ""] = Field(
        "", description="for sound: what the scene does with the sound its video model makes")
    position: int | None = Field(None, description="for move: the 1-based position the scene moves to")


class LLMReading(BaseModel):
    """The structured answer asked of the LLM."""

    intent: Literal["approve", "change_scenes", "revise_all", "regenerate_all", "question", "wait", "unclear"]
    changes: list[SceneChange] = Field(default_factory=list)
    feedback: str = ""
    topic: Literal["cost", "models", "scene", "duration", "next", "other"] | None = None
    scene: int | None = None
    clarifying_question: str = ""


def compact_board(review: StoryboardReview) -> str:
    """The storyboard in a few lines: enough to resolve scene references and answer questions."""
    lines = [f"v{review.version} '{review.title}' {', '.join(review.aspects)}, {review.total_seconds:.0f} s, "
             f"${review.total_cost_usd:.2f} of ${review.budget_usd:.2f}"]
    lines += [f"{s.number}. [{s.kind}; {s.models}; {s.seconds:.0f}s; ${s.est_cost_usd:.2f}] {s.title} — {s.narration}"
              for s in review.scenes]
    return "\n".join(lines)


def to_reading(raw: LLMReading, review: StoryboardReview, models: Sequence[str]) -> ReplyReading:
    """Validate the LLM's reading against the storyboard; ValueError when it names what is not there."""
    count = len(review.scenes)

    def scene_ok(n: int | None) -> int | None:
        if n is not None and not 1 <= n <= count:
            raise ValueError(f"scene {n} does not exist")
        return n

    if raw.intent == "approve":
        return ReplyReading(intent="decide", decisions=[ReviewDecision(action="approve")], source="llm")
    if raw.intent == "regenerate_all":
        return ReplyReading(intent="decide", decisions=[ReviewDecision(action="regenerate")], source="llm")
    if raw.intent == "revise_all":
        if not raw.feedback.strip():
            raise ValueError("a revision needs feedback")
        return ReplyReading(intent="decide", decisions=[ReviewDecision(action="reject", feedback=raw.feedback.strip())],
                            source="llm")
    if raw.intent == "question":
        topic: Topic = raw.topic or "other"
        scene = scene_ok(raw.scene)
        return ReplyReading(intent="answer", topic=topic, scene=scene, text=answer(topic, review, scene), source="llm")
    if raw.intent == "wait":
        return ReplyReading(intent="answer", topic="wait", text=answer("wait", review), source="llm")
    if raw.intent == "unclear":
        question = raw.clarifying_question.strip()
        if not question.endswith("?") or len(question) > 300:
            raise ValueError("a clarifying question must be one short question")
        return ReplyReading(intent="clarify", text=question, source="llm")
    decisions = []
    for change in raw.changes:
        scene_ok(change.scene)
        if change.action == "model" and change.model_id not in models:
            raise ValueError(f"unknown model {change.model_id!r}")
        if change.action == "move":
            scene_ok(change.position)
        decisions.append(ReviewDecision(action=change.action, scene=change.scene, instruction=change.instruction,
                                        model_id=change.model_id, kind=change.kind, sound=change.sound,
                                        position=change.position if change.action == "move" else None))
    if not decisions:
        raise ValueError("change_scenes without changes")
    return ReplyReading(intent="decide", decisions=decisions, source="llm")


async def read_reply_llm(llm: Any, text: str, review: StoryboardReview, models: Sequence[str]) -> ReplyReading:
    """The LLM's validated reading, or the offline reading when the LLM fails or answers something invalid."""
    try:
        structured = llm.with_structured_output(LLMReading, method="function_calling")
        raw = await structured.ainvoke(PROMPT.format(board=compact_board(review), models=", ".join(models) or "-",
                                                     reply=json.dumps(text)))
        if isinstance(raw, dict):
            raw = LLMReading.model_validate(raw)
        return to_reading(raw, review, models)
    except Exception as exc:  # noqa: BLE001 - any failure of the LLM path falls back to the offline reading
        log.info("LLM reply reading failed (%s); using the offline reading", type(exc).__name__)
        return read_reply(text, review, models)
