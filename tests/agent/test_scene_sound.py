"""A scene's native-audio choice is part of the storyboard: changing it makes a new version to approve."""

from __future__ import annotations

import pytest

from reelforge.agent import scenes
from reelforge.tools.approval import approve, changed_since
from reelforge.tools.production import Brief, Scene, Shot, Storyboard


def _board() -> Storyboard:
    return Storyboard(version=3, scenes=[
        Scene(index=1, narration="a", shots=[Shot(id="s1", visual_prompt="x", seconds=4),
                                             Shot(id="s1b", visual_prompt="y", seconds=3)]),
        Scene(index=2, narration="", shots=[Shot(id="s2", visual_prompt="z", seconds=4)])])


def test_set_scene_sound_changes_every_shot_of_the_scene_and_needs_a_new_approval():
    brief, board = Brief(goal="g"), _board()
    approval = approve(brief, board)
    new, note = scenes.set_scene_sound(board, 1, "mute")
    assert [s.sound for s in new.scenes[0].shots] == ["mute", "mute"] and new.scenes[1].shots[0].sound == "auto"
    assert new.version == 4 and "no sound of its own" in note
    assert changed_since(approval, brief, new)


@pytest.mark.parametrize(("scene", "sound"), [(9, "mute"), (1, "loud")])
def test_bad_scene_or_sound_is_refused_plainly(scene, sound):
    with pytest.raises(ValueError, match="scene|sound must be"):
        scenes.set_scene_sound(_board(), scene, sound)
