"""The review node: the ONLY place the graph pauses. It shows the versioned storyboard and applies the
reviewer's typed decision (approve / edit scene / change model / scene sound / look / keyframes / regenerate /
remove or move scenes / reject), then goes to production
(approved), back to the brain (rejected), to the review again (a new version) or ends (approval refused)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any, Literal

from langchain_core.messages import AIMessage, HumanMessage
from langchain_core.runnables import RunnableConfig
from langgraph.graph import END
from langgraph.types import Command, interrupt

from reelforge.agent import scene_order, scenes
from reelforge.agent.review import (
    BOARD_ACTIONS,
    ORDER_ACTIONS,
    ReviewDecision,
    ReviewDecisions,
    ReviewResume,
    StoryboardReview,
)
from reelforge.agent.state import DirectorState, Production
from reelforge.tools.routing import budget_check
from reelforge.tools.studio_api import StudioAPI
from reelforge.tools.uploads import find_upload, reference_picture

AfterReview = Literal["review_storyboard", "produce", "converse", "__end__"]


def make_review(studio: StudioAPI) -> Callable[[DirectorState, RunnableConfig], Awaitable[Command[AfterReview]]]:
    """Pause with the storyboard; on resume apply the decision. Nothing above ``interrupt`` costs anything."""

    async def review_storyboard(state: DirectorState, config: RunnableConfig) -> Command[AfterReview]:
        prod: Production = state["production"].model_copy(deep=True)
        assert prod.brief is not None and prod.storyboard is not None
        prod.reopen_if_changed()  # deterministic, so the re-run on resume shows and approves the same version
        # every paid item, re-used from the cache or to pay
        items = await asyncio.to_thread(studio.estimate, prod.brief, prod.storyboard)
        payload = StoryboardReview.build(prod.brief, prod.storyboard, items).model_dump(mode="json")
        raw = interrupt(payload, response_schema=ReviewResume)
        decisions = resume_decisions(raw)
        thread_id = str((config.get("configurable") or {}).get("thread_id", ""))
        if len(decisions) == 1:
            return await apply_decision(studio, prod, decisions[0], thread_id=thread_id)
        return await apply_changes(studio, prod, decisions, thread_id=thread_id)

    return review_storyboard


def resume_decisions(raw: Any) -> list[ReviewDecision]:
    """The typed decisions a resume carries: one decision (a button, a form) or several scene changes."""
    if isinstance(raw, ReviewDecisions):
        return raw.decisions
    if isinstance(raw, ReviewDecision):
        return [raw]
    if isinstance(raw, dict) and "decisions" in raw:
        return ReviewDecisions.model_validate(raw).decisions
    return [ReviewDecision.model_validate(raw)]


async def apply_changes(studio: StudioAPI, prod: Production, decisions: list[ReviewDecision], *,
                        thread_id: str = "") -> Command[AfterReview]:
    """Several changes from one reply, applied to one new storyboard version: the scene and look changes first
    (by the scene numbers shown), then the removals and moves together (see :mod:`agent.scene_order`).
    ``thread_id``: whose uploads a look change's reference picture is."""
    brief, board = prod.brief, prod.storyboard
    assert brief is not None and board is not None
    numbers = [s.index for s in board.scenes]
    arranging = [d for d in decisions if d.action in ORDER_ACTIONS]
    new, texts, order = board, [], None
    if arranging:
        try:
            order = scene_order.plan_order(numbers, arranging)
        except ValueError as exc:
            texts.append(f"nothing removed or moved ({exc})")
    for decision in decisions:
        if decision.action in ORDER_ACTIONS:
            continue
        if decision.action in ("approve", "reject") or (decision.scene is None and decision.action not in BOARD_ACTIONS):
            raise ValueError("only scene and look changes can be combined in one reply")
        if order is not None and decision.scene is not None and decision.scene not in order:
            texts.append(f"scene {decision.scene} is removed, so it was not changed")
            continue
        try:
            new, text = await _scene_change(studio, prod, new, decision, thread_id)
        except (ValueError, KeyError) as exc:
            texts.append(f"scene {decision.scene}: I couldn't do that ({exc})")
            continue
        texts.append(text)
    if order is not None:
        new = await asyncio.to_thread(scene_order.arrange, studio, brief, new, order)
        prod.scene_choices = scene_order.renumber_choices(prod.scene_choices, order)
        shorter = f" (the video is now about {new.total_seconds:.0f} s)" if len(order) < len(numbers) else ""
        texts.append(scene_order.describe(numbers, order) + shorter)
    if new is board:
        return _review_again(prod, "I couldn't make those changes: " + "; ".join(texts)
                             + ". The storyboard is unchanged.")
    return _new_version(prod, board, new, "; ".join(texts))


async def _scene_change(studio: StudioAPI, prod: Production, board: Any, decision: ReviewDecision,
                        thread_id: str) -> tuple[Any, str]:
    """One scene change, or a change of the look or the keyframes: (new storyboard, what was done). Being over
    budget is said when the new version is shown (see :func:`_new_version`)."""
    brief = prod.brief
    assert brief is not None
    if decision.action == "look":
        reference = None
        if decision.reference:  # one of the thread's recorded uploads, checked again on disk
            settings = studio.settings
            reference = reference_picture(find_upload(settings.home, thread_id, prod.uploads, decision.reference,
                                                      max_bytes=settings.max_upload_bytes)).path
        return await asyncio.to_thread(scenes.change_look, studio, brief, board, decision, reference)
    if decision.action == "keyframes":
        prod.brief, new, text = await asyncio.to_thread(scenes.draw_keyframes, studio, brief, board)
        return new, text
    assert decision.scene is not None
    if decision.action == "edit":
        new = await asyncio.to_thread(studio.edit_scene, brief, board, decision.scene, decision.instruction)
        text = f"Scene {decision.scene} rewritten"
    elif decision.action == "model":
        new, _ = await asyncio.to_thread(scenes.change_model, studio, brief, board, decision.scene,
                                         decision.model_id)
        text = f"Scene {decision.scene} now uses {decision.model_id}"
        scenes.remember(prod.scene_choices, decision.scene, model=decision.model_id)
    elif decision.action == "kind":
        new, note = await asyncio.to_thread(scenes.set_scene_kind, studio, brief, board, decision.scene,
                                            decision.kind)
        text = note.rstrip(".")
        scenes.remember(prod.scene_choices, decision.scene, kind=decision.kind)
    elif decision.action == "sound":
        new, text = scenes.set_scene_sound(board, decision.scene, decision.sound)
        text = text.rstrip(".")
    else:
        new = await asyncio.to_thread(scenes.regenerate_scene, studio, brief, board, decision.scene)
        text = f"Scene {decision.scene} will be made again (a fresh take)"
    return new, text


async def apply_decision(studio: StudioAPI, prod: Production, decision: ReviewDecision, *,
                         thread_id: str = "") -> Command[AfterReview]:
    """The state update and the next node for one decision; studio errors become a message and the review is
    shown again."""
    brief, board = prod.brief, prod.storyboard
    assert brief is not None and board is not None
    if decision.action == "approve":
        prod.record_approval()
        prod.status = "approved"
        refusal = prod.refusal()
        text = f"Storyboard v{board.version} approved."
        if refusal:  # e.g. over budget: back to talking about the brief, nothing is produced
            prod.status = "briefing"
            return Command(update={"production": prod, "messages": [AIMessage(f"{text} {refusal}")]}, goto=END)
        return Command(update={"production": prod, "messages": [AIMessage(text)]}, goto="produce")
    if decision.action in ORDER_ACTIONS:
        return await apply_changes(studio, prod, [decision], thread_id=thread_id)
    if decision.action == "reject":
        prod.status = "rejected"
        prod.feedback = decision.feedback
        note = decision.feedback or "no reason given"
        return Command(update={"production": prod, "messages": [
            HumanMessage(f"I reject storyboard v{board.version}: {note}")]}, goto="converse")
    try:
        if decision.scene is not None or decision.action in BOARD_ACTIONS:
            new, text = await _scene_change(studio, prod, board, decision, thread_id)
        else:
            new = await asyncio.to_thread(studio.plan, brief, None)
            new, kept = await asyncio.to_thread(scenes.reapply, studio, brief, new, prod.scene_choices)
            text = "Storyboard re-planned" + (f" ({'; '.join(kept)})" if kept else "")
    except (ValueError, KeyError) as exc:
        return _review_again(prod, f"I couldn't do that: {exc}. The storyboard is unchanged.")
    return _new_version(prod, board, new, text)


def _review_again(prod: Production, text: str) -> Command[AfterReview]:
    """Say ``text`` and show the storyboard for review again."""
    prod.status = "in_review"
    return Command(update={"production": prod, "messages": [AIMessage(text)]}, goto="review_storyboard")


def _new_version(prod: Production, board: Any, new: Any, text: str) -> Command[AfterReview]:
    """Show a changed storyboard for review again (its version one above the reviewed one)."""
    brief = prod.brief
    assert brief is not None
    if new.version != board.version + 1:
        new = new.model_copy(update={"version": board.version + 1})
    prod.storyboard = new
    over = ""
    if budget_check(new, brief).over:
        over = (f" That is over the ${brief.budget_usd:.2f} budget: approving it will be refused until the budget"
                " is raised or a cheaper model is chosen.")
    return _review_again(prod, f"{text}: storyboard v{new.version}, estimate ${new.estimated_cost_usd:.2f}.{over} "
                               "Please review it again.")
