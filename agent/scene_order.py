"""Which scenes a storyboard has and in what order: removing a scene and moving one, on the person's word.

Removals and moves name scenes by the numbers of the storyboard as shown; :func:`plan_order` turns them,
validated, into the new order (the shown numbers of the scenes kept, first to last), and :func:`arrange`
makes the next storyboard version from it: scenes renumbered 1..N, shot ids kept unique, the estimate priced
again. Nothing is rendered: the new version is shown for its own approval.
"""

from __future__ import annotations

from reelforge.agent.review import ORDER_ACTIONS, ReviewDecision
from reelforge.tools.production import Brief, Storyboard
from reelforge.tools.studio_api import StudioAPI


def plan_order(numbers: list[int], decisions: list[ReviewDecision]) -> list[int]:
    """The shown numbers of the scenes left, in their new order, after ``decisions`` (removals and moves, in
    order; a move's ``position`` counts in the order left by the decisions before it). ``ValueError`` when one
    names a scene that is not there, would remove every scene, moves past the end, or when nothing changes."""
    order = list(numbers)
    for d in decisions:
        if d.action not in ORDER_ACTIONS or d.scene is None:
            raise ValueError(f"'{d.action}' does not remove or move a scene")
        if d.scene not in order:
            gone = d.scene in numbers
            raise ValueError(f"scene {d.scene} is already removed" if gone else
                             f"there is no scene {d.scene}; scenes are {_span(numbers)}")
        if d.action == "remove":
            if len(order) == 1:
                raise ValueError("a video needs at least one scene, so the last one left stays "
                                 "(say \"regenerate\" for a new plan instead)")
            order.remove(d.scene)
            continue
        assert d.position is not None  # the decision validates it
        if not 1 <= d.position <= len(order):
            raise ValueError(f"position {d.position} is out of range; there are {len(order)} scenes")
        order.remove(d.scene)
        order.insert(d.position - 1, d.scene)
    if order == numbers:
        raise ValueError("the scenes are already in that order")
    return order


def _span(numbers: list[int]) -> str:
    return f"{numbers[0]}–{numbers[-1]}" if len(numbers) > 1 else str(numbers[0])


def describe(numbers: list[int], order: list[int]) -> str:
    """What the new order did, in plain words: "Scene 4 removed; the scenes are now 1–3" or "Scenes
    reordered: the new 1–4 are the old 1, 3, 2, 4"."""
    removed = [n for n in numbers if n not in order]
    kept = [n for n in numbers if n in order]
    parts = []
    if removed:
        names = ", ".join(map(str, removed[:-1])) + (" and " if len(removed) > 1 else "") + str(removed[-1])
        parts.append(f"Scene{'s' if len(removed) > 1 else ''} {names} removed")
    if order != kept:
        parts.append(f"scenes reordered: the new {_span(list(range(1, len(order) + 1)))} are the old "
                     f"{', '.join(map(str, order))}")
    elif removed:
        parts.append(f"the scenes are now numbered {_span(list(range(1, len(order) + 1)))}")
    text = "; ".join(parts)
    return text[:1].upper() + text[1:]


def arrange(studio: StudioAPI, brief: Brief, board: Storyboard, order: list[int]) -> Storyboard:
    """The next version of ``board`` with the scenes of ``order`` (shown numbers) in that order, numbered 1..N.
    A scene that changes number gets shot ids of its new number (``s02-1``), so ids stay unique when a scene
    is later re-planned under its number; the routes are kept and narration and music are priced again."""
    by_number = {s.index: s for s in board.scenes}
    new = board.model_copy(deep=True, update={"scenes": []})
    for position, number in enumerate(order, start=1):
        scene = by_number[number].model_copy(deep=True, update={"index": position})
        if number != position:
            for k, shot in enumerate(scene.shots, start=1):
                shot.id = f"s{position:02d}-{k}"
        new.scenes.append(scene)
    ids = [shot.id for shot in new.shots]
    if len(set(ids)) != len(ids):  # ids that followed no numbering: number them all
        for scene in new.scenes:
            for k, shot in enumerate(scene.shots, start=1):
                shot.id = f"s{scene.index:02d}-{k}"
    new.version = board.version + 1
    new.notes = [*board.notes, f"v{new.version}: {describe([s.index for s in board.scenes], order)}"]
    return studio.price(brief, new)


def renumber_choices(choices: dict[str, dict[str, str]], order: list[int]) -> dict[str, dict[str, str]]:
    """The kinds and models chosen per scene number (``Production.scene_choices``), under the scenes' new
    numbers; a removed scene's choices go with it."""
    return {str(position): dict(choices[str(number)]) for position, number in enumerate(order, start=1)
            if str(number) in choices}
