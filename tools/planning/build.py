"""Scene drafts → a Storyboard: shots of at most ~8 s with narration spans, linted visual prompts, traits,
kinds, negative prompts, on-screen text for figures, chapters, and the continuity sheet on every prompt."""

from __future__ import annotations

import re

from reelforge.tools.graphics.pick import pick_graphic
from reelforge.tools.planning.drafts import DraftPlan, SceneDraft
from reelforge.tools.planning.pacing import MAX_SHOT_S, MIN_SHOT_S, chapter_groups, speak_seconds, split_spans
from reelforge.tools.planning.text import headline_number, keywords
from reelforge.tools.planning.visual import (
    VisualSpec,
    camera_for,
    choose_kind,
    continuity_for,
    infer_traits,
    lighting_for,
    lint_prompt,
    motion_for,
    negative_prompt,
)
from reelforge.tools.production import SHOT_KINDS, Brief, ContinuitySheet, Graphic, Scene, Shot, Storyboard

VISUAL_ONLY_S = 3.0
#: A style asking for these makes every shot a motion graphic (drawn by reelforge, free, with or without keys).
GRAPHICS_STYLE = re.compile(r"\b(motion[ -]graphics?|infographics?|kinetic (?:type|typography)|animated text|"
                            r"explainer graphics)\b", re.I)


def subject_for(draft: SceneDraft, span: str) -> str:
    """One focus: the visual direction when given, else the span's key words (scene words as context)."""
    if draft.visual_hint:
        return draft.visual_hint
    words = keywords(span, 3) or keywords(draft.narration, 3) or [draft.title.lower() or "the subject"]
    return "close view of " + " and ".join(words) if len(words) < 3 else f"{words[0]} with {words[1]} and {words[2]}"


def continuity_text(sheet: ContinuitySheet) -> str:
    """The continuity sheet minus the style (which has its own prompt slot)."""
    return sheet.model_copy(update={"style": ""}).suffix()


def graphic_for(draft: SceneDraft, span: str, *, first_shot: bool, last_scene: bool) -> Graphic:
    """The motion graphic that carries this span's words (the planner's own on-screen text wins a plain title)."""
    graphic = pick_graphic(span, title=draft.title, last_scene=last_scene, first_shot=first_shot)
    if draft.on_screen_text and graphic.layout == "title":
        return graphic.model_copy(update={"title": draft.on_screen_text.strip(), "kicker": ""})
    return graphic


def make_shot(brief: Brief, draft: SceneDraft, span: str, seconds: float, shot_id: str, variant: int,
              continuity: ContinuitySheet, *, last_scene: bool = False) -> tuple[Shot, list[str]]:
    """One shot for a narration span, with the motion graphic that shows its words."""
    context = " ".join([draft.visual_hint, span, draft.title])
    traits = infer_traits(context, style=brief.style)
    figure = headline_number(span)
    if figure:
        traits = [t for t in (*traits, "text_on_screen") if t]
        traits = list(dict.fromkeys(traits))
    spec = VisualSpec(subject=subject_for(draft, span), motion=motion_for(traits),
                      lighting=lighting_for(context, brief.tone), camera=camera_for(traits, variant),
                      style=continuity.style, continuity=continuity_text(continuity))
    if draft.spec:  # an LLM's slots win; the continuity sheet is still appended
        spec = spec.with_(**{k: v for k, v in draft.spec.items() if v and k in ("subject", "motion", "lighting",
                                                                                 "camera", "style")})
    prompt, issues = lint_prompt(spec.render())
    kind = draft.kind if draft.kind in SHOT_KINDS else choose_kind(traits, presenter=draft.presenter)
    if kind == "generated" and GRAPHICS_STYLE.search(f"{brief.style} {brief.goal}"):
        kind = "graphics"
    graphic = graphic_for(draft, span, first_shot=variant == 0, last_scene=last_scene)
    return Shot(id=shot_id, narration=span, visual_prompt=prompt, negative_prompt=negative_prompt(traits),
                traits=traits, seconds=round(seconds, 3), kind=kind, on_screen_text=draft.on_screen_text or figure,
                graphic=graphic, importance=draft.importance, seed=variant), issues


def continues(draft: SceneDraft, prev: Shot, shot: Shot) -> bool:
    """Whether ``shot`` continues ``prev`` (the shot before it in the scene) as one action, starting on its last
    frame: both are generated footage and the scene is continuous — as the planner said, or by default when
    one visual direction (the same subject) runs through it."""
    if draft.continuous is False or prev.kind != "generated" or shot.kind != "generated":
        return False
    return bool(draft.continuous or draft.visual_hint or (draft.spec or {}).get("subject"))


def shots_for(brief: Brief, draft: SceneDraft, scene_no: int, continuity: ContinuitySheet, *,
              last_scene: bool = False) -> tuple[list[Shot], list[str]]:
    """Split a scene's narration into ≤ 8 s spans, one shot each (see :func:`continues` for which continue the
    one before). A visual-only scene holds ``draft.hold_s`` (default 3 s) in shots of at most 8 s."""
    if draft.narration:
        spans = split_spans(draft.narration, brief.language)
        holds = [0.0] * len(spans)
    else:
        hold = draft.hold_s or VISUAL_ONLY_S
        n = max(1, -int(-hold // MAX_SHOT_S))
        spans, holds = [""] * n, [round(hold / n, 3)] * n
    shots: list[Shot] = []
    issues: list[str] = []
    for k, span in enumerate(spans):
        seconds = speak_seconds(span, brief.language) if span else holds[k]
        shot, found = make_shot(brief, draft, span, max(seconds, MIN_SHOT_S if span else seconds),
                                f"s{scene_no:02d}-{k + 1}", k, continuity, last_scene=last_scene)
        shot.continues = bool(shots) and continues(draft, shots[-1], shot)
        shots.append(shot)
        issues.extend(f"shot {shot.id}: {i}" for i in found)
    return shots, issues


def _fill_chapters(scenes: list[Scene]) -> None:
    """Scenes without a chapter (a hook, an ending) join their neighbour's chapter when others have one."""
    named = [s.chapter for s in scenes if s.chapter]
    if not named:
        return
    current = named[0]
    for scene in scenes:
        current = scene.chapter or current
        scene.chapter = current


def build_storyboard(brief: Brief, plan: DraftPlan) -> Storyboard:
    """Turn a draft plan into a versioned Storyboard (version 1)."""
    from reelforge.tools.planning.drafts import wants_presenter

    continuity = continuity_for(brief, plan.setting, presenter=wants_presenter(brief))
    scenes: list[Scene] = []
    notes = list(plan.notes)
    for i, draft in enumerate(plan.drafts, start=1):
        shots, issues = shots_for(brief, draft, i, continuity, last_scene=i == len(plan.drafts))
        notes.extend(issues)
        scenes.append(Scene(index=i, title=draft.title, narration=draft.narration, shots=shots,
                            chapter=draft.chapter, transition="cut" if i == 1 else "crossfade",
                            source_sentences=list(draft.source_sentences)))
    _fill_chapters(scenes)
    total = sum(s.seconds for s in scenes)
    if total >= 180 and not any(s.chapter for s in scenes):
        groups = chapter_groups([s.seconds for s in scenes], total)
        names: dict[int, str] = {}
        for scene, g in zip(scenes, groups, strict=True):
            names.setdefault(g, f"Chapter {g + 1}: {scene.title}")
            scene.chapter = names[g]
    return Storyboard(version=1, title=plan.title or brief.title or brief.goal[:60], scenes=scenes,
                      continuity=continuity, notes=notes, warnings=list(plan.warnings))
