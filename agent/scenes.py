"""Storyboard changes the director makes on the user's word: force a model for a scene (kept even when it
does not fit the budget, so that production is then refused in plain words rather than the choice being
silently undone), mark a scene as presenter, stock or generated, make a scene one continuous take, set a
scene's own sound, change the look sheet, and draw real keyframes before approval."""

from __future__ import annotations

from typing import Any

from reelforge.agent.review import ReviewDecision
from reelforge.tools.production import Brief, Storyboard
from reelforge.tools.routing import budget_check
from reelforge.tools.studio_api import StudioAPI
from reelforge.tools.vocabulary import scene_kind


def budget_notes(brief: Brief, board: Storyboard) -> list[str]:
    """One line when models the user forced put the routed ``board`` over the budget (the router keeps
    them rather than silently swapping them, and production is refused until the budget or model changes)."""
    check = budget_check(board, brief)
    if not (check.over and check.forced):
        return []
    return [f"{check.message()}; production will be refused until then."]


def with_scene_shots(board: Storyboard, scene: int, **fields: Any) -> Storyboard:
    """The next version of ``board`` with ``fields`` set on every shot of scene ``scene``."""
    if not any(s.index == scene for s in board.scenes):
        raise ValueError(f"there is no scene {scene}; scenes are 1–{len(board.scenes)}")
    new = board.model_copy(deep=True)
    for shot in (shot for sc in new.scenes if sc.index == scene for shot in sc.shots):
        for name, value in fields.items():
            setattr(shot, name, value)
    new.version = board.version + 1
    return new


def change_model(studio: StudioAPI, brief: Brief, board: Storyboard, scene: int, model_id: str) -> tuple[Storyboard, str]:
    """Force ``model_id`` for one scene; the version goes up. Returns the storyboard and a budget warning."""
    new = studio.change_model(brief, board, scene, model_id)
    return new, " ".join(budget_notes(brief, new))


def set_scene_kind(studio: StudioAPI, brief: Brief, board: Storyboard, scene: int, kind: str) -> tuple[Storyboard, str]:
    """Mark every shot of one scene presenter / stock / generated and re-route it (a forced model on that
    scene is dropped: the kind decides the source). Returns the storyboard and an honest note."""
    kind = scene_kind(kind)
    new = with_scene_shots(board, scene, kind=kind, model_override=None)
    new = studio.route(brief, new)
    new = studio.thumbnails(brief, new)
    pins = budget_notes(brief, new)
    routed = next(s for s in new.scenes if s.index == scene).shots
    models = ", ".join(dict.fromkeys(s.route.model_id for s in routed if s.route)) or "—"
    note = f"Scene {scene} is now a {kind} scene ({models})."
    if kind != "generated" and not _specialist_used(studio, routed, kind):
        source = "stock library (Pexels, Pixabay, Openverse)" if kind == "stock" else "avatar service"
        note += f" No {source} is usable now, so it is made by {models} instead."
    if kind == "presenter" and brief.presenter_path:
        note += " Your own presenter upload appears picture-in-picture while the narration plays."
    elif kind == "presenter":
        note += " You can also upload a photo or short video of yourself (with consent) to appear on screen."
    return new, " ".join([note, *pins])


SOUND_WORDS = {"auto": "its own sound as ambience under the narration, full where nobody speaks",
               "ambience": "its own sound kept low and ducked under the narration",
               "scene": "its own sound at full level", "mute": "no sound of its own"}


def set_scene_sound(board: Storyboard, scene: int, sound: str) -> tuple[Storyboard, str]:
    """Choose what happens to the sound a video model makes for one scene's shots; the version goes up
    (the mix is part of what was approved)."""
    if sound not in SOUND_WORDS:
        raise ValueError(f"sound must be one of {', '.join(SOUND_WORDS)}")
    return with_scene_shots(board, scene, sound=sound), f"Scene {scene} now has {SOUND_WORDS[sound]} (where its video model makes sound)."


def set_scene_flow(board: Storyboard, scene: int, continuous: bool) -> tuple[Storyboard, str]:
    """Make one scene one continuous take (each shot after the first starts on the last frame of the one before,
    on video models that take a first frame) or let its shots cut between views; the version goes up (what is
    sent to the models changes, so it needs a new approval)."""
    new = with_scene_shots(board, scene)
    shots = next(s for s in new.scenes if s.index == scene).shots
    for i, shot in enumerate(shots):
        shot.continues = continuous and i > 0
    if len(shots) < 2:
        return new, f"Scene {scene} is a single shot, so there is nothing to join or cut."
    if continuous:
        return new, (f"Scene {scene} is now one continuous take: each shot starts on the last frame of the one "
                     "before (where its video model can start from a picture).")
    return new, f"Scene {scene} now cuts between its shots; each starts from its own picture."


def change_look(studio: StudioAPI, brief: Brief, board: Storyboard, decision: ReviewDecision,
                reference: str | None = None) -> tuple[Storyboard, str]:
    """Apply a look-sheet decision (the style, or one subject described, added, given a reference picture or taken
    off); the keyframes of the shots it reaches are redrawn. ``reference`` is the vetted path of the upload that
    ``decision.reference`` names. Returns the storyboard and what changed, in plain words."""
    new = studio.update_look(brief, board, style=decision.style or None, subject=decision.subject or None,
                             description=decision.instruction or None, reference=reference, remove=decision.remove)
    if decision.remove:
        text = f"{decision.subject[:1].upper()}{decision.subject[1:]} is off the look sheet"
    elif reference:
        text = f"{decision.subject[:1].upper()}{decision.subject[1:]} is now drawn from {decision.reference}"
    elif decision.subject:
        text = f"The look sheet now has {decision.subject}: {decision.instruction}"
    else:
        text = f"The look is now: {decision.style}"
    before = {s.id: s.keyframe for s in board.shots}
    redrawn = sum(1 for s in new.shots if s.keyframe and s.keyframe != before.get(s.id))
    if redrawn:
        text += f" ({redrawn} keyframe{'s' if redrawn != 1 else ''} redrawn)"
    return new, text


def draw_keyframes(studio: StudioAPI, brief: Brief, board: Storyboard) -> tuple[Brief, Storyboard, str]:
    """Turn real keyframes on (the person asked to pay an image model before approving) and draw them.
    ``ValueError`` when no image model can draw them within the budget."""
    wanted = brief.model_copy(update={"keyframes": "on"})
    new = studio.thumbnails(wanted, studio.route(wanted, board.model_copy(deep=True)))
    line = next((x for x in new.paid_extras if x.item == "keyframes"), None)
    if line is None:
        raise ValueError("no image model is usable with the keys configured, or the keyframes would not fit the "
                         "budget, so there are no keyframes to draw")
    shots = sum(1 for s in new.shots if s.keyframe)
    return wanted, new, (f"Real keyframes drawn for {shots} shot{'s' if shots != 1 else ''} "
                         f"(${line.estimated_usd:.2f}, on the estimate)")


def _specialist_used(studio: StudioAPI, shots: list[Any], kind: str) -> bool:
    """Whether the routed shots went to a stock / avatar model (as the kind asks)."""
    wanted = {"stock": "stock", "presenter": "avatar"}[kind]
    try:
        kinds = {m["id"]: m.get("kind") for m in studio.models()}
    except Exception:  # noqa: BLE001 - a studio without a registry: judge by the model id
        kinds = {}
    return all(s.route is not None and kinds.get(s.route.model_id, "") == wanted for s in shots)


def regenerate_scene(studio: StudioAPI, brief: Brief, board: Storyboard, scene: int) -> Storyboard:
    """A fresh take of one scene: same narration and prompts, new seeds, so its shots (and keyframe) are made
    again; the other scenes keep their cache keys. The version goes up."""
    if not any(s.index == scene for s in board.scenes):
        raise ValueError(f"there is no scene {scene}; scenes are 1–{len(board.scenes)}")
    new = board.model_copy(deep=True)
    new.version = board.version + 1
    for sc in new.scenes:
        if sc.index == scene:
            for i, shot in enumerate(sc.shots):
                shot.seed = (shot.seed + 7919 * new.version + i) % 2**31
    new = studio.thumbnails(brief, new)
    return new


def remember(choices: dict[str, dict[str, str]], scene: int, **choice: str) -> None:
    """Record what the user chose for a scene (kind or model), so a re-plan keeps it. A kind drops the model."""
    entry = choices.setdefault(str(scene), {})
    if "kind" in choice:
        entry.pop("model", None)
    entry.update(choice)


def reapply(studio: StudioAPI, brief: Brief, board: Storyboard, choices: dict[str, dict[str, str]]
            ) -> tuple[Storyboard, list[str]]:
    """After a re-plan: give scenes the kinds and models the user chose before (where the scene still
    exists) and re-route. Returns the storyboard and one line per kept choice."""
    if not choices:
        return board, []
    new = board.model_copy(deep=True)
    kept: list[str] = []
    for sc in new.scenes:
        choice = choices.get(str(sc.index))
        if not choice:
            continue
        for shot in sc.shots:
            if choice.get("kind"):
                shot.kind = choice["kind"]  # type: ignore[assignment]
            if choice.get("model"):
                shot.model_override = choice["model"]
        kept.append(f"scene {sc.index}: " + ", ".join(v for v in (choice.get("kind"), choice.get("model")) if v))
    if not kept:
        return board, []
    routed = studio.route(brief, new)
    return routed, [f"kept your choices ({'; '.join(kept)})", *budget_notes(brief, routed)]
