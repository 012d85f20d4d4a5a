"""`reelforge make` / `plan` / `preview` read the length, formats, budget and wishes a prompt states; flags win."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from reelforge.ui.cli import app
from reelforge.ui.cli_make import build_brief


@pytest.mark.parametrize(("prompt", "duration", "aspects"), [
    ("a 15 second vertical teaser for a neighbourhood bakery", 15, ["9:16"]),
    ("a one minute YouTube explainer on how tides work", 60, ["16:9"]),
    ("half a minute for Instagram feed about our new cafe", 30, ["4:5"]),
    ("a video about honeybees", 30, ["9:16"]),  # nothing said: the defaults
])
def test_the_prompt_sets_what_no_flag_set(prompt, duration, aspects):
    brief = build_brief(prompt, script=None, duration=None, aspect=None, voice="auto", music=None)
    assert brief.duration_s == duration and brief.aspects == aspects


def test_flags_win_over_the_prompt_and_wishes_are_read():
    brief = build_brief("a 15 second vertical teaser, no music, skip the subtitles, my budget is three dollars",
                        script=None, duration=20, aspect="1:1", voice="auto", music=None)
    assert brief.duration_s == 20 and brief.aspects == ["1:1"]
    assert brief.music_mood == "none" and brief.captions is False and brief.budget_usd == 3


def test_plan_json_follows_the_prompt():
    out = CliRunner().invoke(app, ["plan", "a 15 second vertical teaser for a bakery", "--json"])
    assert out.exit_code == 0, out.output
    board = json.loads(out.output)
    seconds = sum(shot["seconds"] for scene in board["scenes"] for shot in scene["shots"])
    assert abs(seconds - 15) <= 3
