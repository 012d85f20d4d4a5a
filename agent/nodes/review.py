"""The review node: the ONLY place the graph pauses. It shows the versioned storyboard and applies the
reviewer's typed decision (approve / edit scene / change model / regenerate / reject)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

from langchain_core.messages import AIMessage, HumanMessage
from langgraph.types import interrupt

from reelforge.agent import scenes
from reelforge.agent.review import ReviewDecision, StoryboardReview
from reelforge.agent.state import DirectorState, Production
from reelforge.tools.routing import budget_check


def make_review(studio: Any) -> Callable[[DirectorState], Awaitable[dict[str, Any]]]:
    """Pause with the storyboard; on resume apply the decision. Nothing above ``interrupt`` costs anything."""

    async def review_storyboard(state: DirectorState) -> dict[str, Any]:
        prod: Production = state["production"].model_copy(deep=True)
        assert prod.brief is not None and prod.storyboard is not None
        prod.reopen_if_changed()  # deterministic, so the re-run on resume shows and approves the same version
        estimate = getattr(studio, "estimate", None)  # every paid item, re-used from the cache or to pay
        items = await asyncio.to_thread(estimate, prod.brief, prod.storyboard) if estimate else None
        payload = StoryboardReview.build(prod.brief, prod.storyboard, items).model_dump(mode="json")
        raw = interrupt(payload, response_schema=ReviewDecision)
        decision = raw if isinstance(raw, ReviewDecision) else ReviewDecision.model_validate(raw)
        return await apply_decision(studio, prod, decision)

    return review_storyboard


async def apply_decision(studio: Any, prod: Production, decision: ReviewDecision) -> dict[str, Any]:
    """The state update for one decision; studio errors become a message and the review is shown again."""
    brief, board = prod.brief, prod.storyboard
    assert brief is not None and board is not None
    if decision.action == "approve":
        prod.record_approval()
        prod.status = "approved"
        refusal = prod.refusal()
        text = f"Storyboard v{board.version} approved."
        if refusal:
            text += " " + refusal
            prod.status = "briefing"
        return {"production": prod, "messages": [AIMessage(text)]}
    if decision.action == "reject":
        prod.status = "rejected"
        prod.feedback = decision.feedback
        note = decision.feedback or "no reason given"
        return {"production": prod,
                "messages": [HumanMessage(f"I reject storyboard v{board.version}: {note}")]}
    note = ""
    try:
        if decision.action == "edit":
            new = await asyncio.to_thread(studio.edit_scene, brief, board, decision.scene, decision.instruction)
            text, note = f"Scene {decision.scene} rewritten", " ".join(scenes.budget_notes(brief, new))
        elif decision.action == "model":
            new, note = await asyncio.to_thread(scenes.change_model, studio, brief, board, decision.scene,
                                                decision.model_id)
            text = f"Scene {decision.scene} now uses {decision.model_id}"
            scenes.remember(prod.scene_choices, decision.scene, model=decision.model_id)
        elif decision.action == "kind":
            new, note = await asyncio.to_thread(scenes.set_scene_kind, studio, brief, board, decision.scene,
                                                decision.kind)
            text, note = note.rstrip("."), ""
            scenes.remember(prod.scene_choices, decision.scene, kind=decision.kind)
        elif decision.scene is not None:
            new = await asyncio.to_thread(scenes.regenerate_scene, studio, brief, board, decision.scene)
            text = f"Scene {decision.scene} will be made again (a fresh take)"
        else:
            new = await asyncio.to_thread(studio.plan, brief, None)
            new, kept = await asyncio.to_thread(scenes.reapply, studio, brief, new, prod.scene_choices)
            text = "Storyboard re-planned" + (f" ({'; '.join(kept)})" if kept else "")
    except (ValueError, KeyError) as exc:
        prod.status = "review_requested"
        return {"production": prod, "messages": [AIMessage(f"I couldn't do that: {exc}. The storyboard is unchanged.")]}
    if new.version <= board.version:
        new = new.model_copy(update={"version": board.version + 1})
    prod.storyboard = new
    prod.status = "review_requested"
    over = ""
    if budget_check(new, brief).over:
        over = (f" That is over the ${brief.budget_usd:.2f} budget: approving it will be refused until the budget"
                " is raised or a cheaper model is chosen.")
    return {"production": prod, "messages": [AIMessage(
        f"{text}: storyboard v{new.version}, estimate ${new.estimated_cost_usd:.2f}.{over} "
        "Please review it again.")]}
