"""Planning: a Brief (and optionally a SourceDoc) → a paced, grounded Storyboard; and one-scene edits."""

from __future__ import annotations

import logging
from typing import Any

from reelforge.tools.ingest import source_from_text
from reelforge.tools.ingest.source import SourceDoc
from reelforge.tools.planning.build import build_storyboard, shots_for
from reelforge.tools.planning.drafts import (
    DraftPlan,
    article_drafts,
    outline_drafts,
    prompt_drafts,
    script_drafts,
    wants_presenter,
)
from reelforge.tools.planning.edit import apply_edit
from reelforge.tools.planning.pacing import speak_seconds, target_words
from reelforge.tools.planning.text import word_count
from reelforge.tools.planning.visual import continuity_for
from reelforge.tools.production import Brief, Storyboard

log = logging.getLogger(__name__)

__all__ = ["edit_scene", "plan_storyboard"]


def _resolve_source(brief: Brief, source: SourceDoc | None) -> SourceDoc | None:
    if source is not None:
        return source
    if brief.source_text.strip() and brief.source_kind != "prompt":
        return source_from_text(brief.source_text, brief.source_kind, title=brief.title)
    return None


def _offline(brief: Brief, source: SourceDoc | None) -> DraftPlan:
    if source is None or source.kind == "prompt":
        return prompt_drafts(brief if source is None else brief.model_copy(update={"goal": source.text}))
    if source.kind == "article":
        return article_drafts(source, brief)
    if source.kind == "outline":
        return outline_drafts(source, brief)
    return script_drafts(source, brief)


def _failure(exc: Exception) -> str:
    return f"the language model planner failed ({type(exc).__name__}); used the offline planner instead"


def plan_storyboard(brief: Brief, source: SourceDoc | None = None, *, llm: Any = None) -> Storyboard:
    """Plan scenes and shots for ``brief``: with ``llm`` (a LangChain chat model) via structured output, else
    (or when the model fails) with the offline planner. Narration is fitted to ``brief.duration_s``."""
    source = _resolve_source(brief, source)
    plan: DraftPlan | None = None
    fallback_note: str | None = None
    if llm is not None:
        try:
            if source is not None and source.kind == "outline" and source.sections:
                from reelforge.tools.planning.llm_planner import llm_expand_outline

                plan = outline_drafts(source, brief, llm_expand_outline(brief, source, llm))
            elif source is None or source.kind != "script":
                from reelforge.tools.planning.llm_planner import llm_plan

                plan = llm_plan(brief, source, llm)
        except Exception as exc:  # noqa: BLE001 - any model failure falls back to the offline planner
            log.warning("LLM planner failed: %s", type(exc).__name__)
            fallback_note = _failure(exc)
            plan = None
    if plan is None:
        plan = _offline(brief, source)
    if fallback_note:
        plan.notes.insert(0, fallback_note)
    board = build_storyboard(brief, plan)
    if not board.scenes:
        raise ValueError("nothing to plan: the source has no usable text")
    short = length_warning(brief, board, source, expanded=llm is not None and fallback_note is None)
    if short:
        board.warnings.append(short)
    return board


_FILLS = {
    "prompt": "a script, an outline or an article link, or a language model (OPENAI_API_KEY)",
    "outline": "more bullets or sub-points, a full script or an article link, or a language model (OPENAI_API_KEY) "
               "to expand the bullets",
    "script": "more text in the script, or a shorter target length",
    "article": "a longer article or a second source, or a shorter target length",
}


def _clock(seconds: float) -> str:
    m, s = divmod(round(seconds), 60)
    return f"{m} min {s} s" if m and s else f"{m} min" if m else f"{s} s"


def length_warning(brief: Brief, board: Storyboard, source: SourceDoc | None, *, expanded: bool = False) -> str | None:
    """When the narration cannot fill the requested length: the real length and what would fill it, in plain
    words, for the storyboard (shown before approval). A prompt plan is held to the length with on-screen key
    terms, so its shortfall is the narration, said by its own warning."""
    kind = source.kind if source is not None else "prompt"
    if kind == "prompt":
        return None
    spoken = sum(speak_seconds(s.narration, brief.language) for s in board.scenes if s.narration)
    if spoken >= 0.85 * brief.duration_s:
        return None
    need = target_words(brief.duration_s, brief.language)
    have = sum(word_count(s.narration) for s in board.scenes)
    what = "outline" if kind == "outline" else kind
    fill = "more source text, or a shorter target length" if expanded else _FILLS.get(kind, _FILLS["script"])
    return (f"This {what} fills about {_clock(spoken)} of the {_clock(brief.duration_s)} you asked for: it gives "
            f"{have} words of narration and about {need} are needed. Nothing was padded; to fill the length, add "
            f"{fill}. Approve to make the shorter video as it is.")


def edit_scene(brief: Brief, storyboard: Storyboard, scene_index: int, instruction: str, *,
               llm: Any = None) -> Storyboard:
    """Apply ``instruction`` to the scene whose ``Scene.index`` is ``scene_index`` (1-based, as users count).

    Returns a new storyboard with ``version + 1``; every other scene is unchanged.
    """
    if not instruction.strip():
        raise ValueError("the edit instruction is empty")
    pos = next((i for i, s in enumerate(storyboard.scenes) if s.index == scene_index), None)
    if pos is None:
        raise ValueError(f"there is no scene {scene_index}; scenes are numbered "
                         f"{storyboard.scenes[0].index}–{storyboard.scenes[-1].index}" if storyboard.scenes
                         else "the storyboard has no scenes")
    old = storyboard.scenes[pos]
    notes: list[str] = []
    new = None
    if llm is not None:
        try:
            from reelforge.tools.planning.llm_planner import llm_edit_scene

            draft = llm_edit_scene(brief, old, instruction, llm)
            draft.presenter = draft.kind == "presenter"
            continuity = storyboard.continuity or continuity_for(brief, presenter=wants_presenter(brief))
            shots, issues = shots_for(brief, draft, old.index, continuity)
            notes.extend(issues)
            new = old.model_copy(update={"title": draft.title, "narration": draft.narration, "shots": shots})
        except Exception as exc:  # noqa: BLE001
            log.warning("LLM scene edit failed: %s", type(exc).__name__)
            notes.append(_failure(exc).replace("planner", "scene editor"))
    if new is None:
        new, issues = apply_edit(old, instruction)
        notes.extend(issues)
    scenes = list(storyboard.scenes)
    scenes[pos] = new
    notes.append(f"v{storyboard.version + 1}: scene {scene_index} edited: {instruction.strip()[:120]}")
    return storyboard.model_copy(update={"version": storyboard.version + 1, "scenes": scenes,
                                         "notes": [*storyboard.notes, *notes]})
