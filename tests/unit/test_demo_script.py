"""The built-in demo: a script of checked facts (with sources), numbers on screen, no template filler."""

from __future__ import annotations

import re

from reelforge.tools.assets import DEMO_SCRIPT
from reelforge.tools.ingest import source_from_text
from reelforge.tools.planning import plan_storyboard
from reelforge.tools.production import Brief
from reelforge.tools.voice.speech import to_speech

FILLER = re.compile(r"here is a quick look|the big idea behind|start with the big picture|in plain words", re.I)


def _board():
    text = DEMO_SCRIPT.read_text(encoding="utf-8")
    return plan_storyboard(Brief(goal="demo", source_kind="script", source_text=text, duration_s=40))


def test_demo_narrates_facts_with_numbers_and_shows_them():
    board = _board()
    assert board.title == "The Moon, by the numbers"
    assert not FILLER.search(board.narration)
    with_numbers = [s for s in board.scenes if re.search(r"\d", s.narration)]
    assert len(with_numbers) >= 3
    for scene in board.scenes:  # the writer's figure is on screen, exactly as written
        shown = {shot.on_screen_text for shot in scene.shots}
        assert all(t and re.search(r"\d", t) for t in shown), (scene.title, shown)
    assert [s.title for s in board.scenes][:2] == ["How far", "One month"]
    assert not any("not padded" in n or "trimmed" in n for n in board.notes)


def test_demo_numbers_are_spoken_as_words():
    spoken = to_speech(_board().narration).spoken
    assert "three hundred and eighty four thousand four hundred kilometres" in spoken
    assert "one point six two metres per second squared" in spoken and "one sixth" in spoken
    assert not re.search(r"\d", spoken)


def test_every_demo_figure_has_a_source():
    sources = (DEMO_SCRIPT.parent / "SOURCES.md").read_text(encoding="utf-8")
    for figure in ("384,400 km", "1.3 s", "27.3 days", "1.62 m/s²", "1/6", "12", "1969", "1972", "3.8 cm"):
        assert figure in DEMO_SCRIPT.read_text(encoding="utf-8")
        assert figure in sources, figure
    assert sources.count("https://") >= 4


def test_on_screen_directions_are_shown_text_not_visual_prompts():
    doc = source_from_text("# Coffee\n\n## Ratio\n\n[ON-SCREEN: 1:16]\n[VISUAL: a kettle pouring]\n"
                           "The golden ratio is 1:16.\n\n## Bloom\n\nWait 30 s. [GRAPHIC: 30 s bloom]\n")
    assert [(s.heading, s.on_screen) for s in doc.sections] == [("Ratio", "1:16"), ("Bloom", "30 s bloom")]
    board = plan_storyboard(Brief(goal="coffee", duration_s=10), doc)
    first = board.scenes[0].shots[0]
    assert first.on_screen_text == "1:16" and "1:16" not in first.visual_prompt
    assert "kettle" in first.visual_prompt
    assert board.scenes[1].shots[0].on_screen_text == "30 s bloom"
