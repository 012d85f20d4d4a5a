"""`Studio.make` with a stock scene (Openverse fake) and a licensed music track: the end card the plan drew is
drawn again with their credits, and the credits file next to the video lists them in full."""

from __future__ import annotations

import json

import numpy as np
import pytest
from fakes.openverse import make_app as make_openverse
from fakes.server import serve

from reelforge.tools.graphics.layouts import Designer
from reelforge.tools.music.fit import RATE, write_stereo
from reelforge.tools.production import Brief, Graphic, Scene, Shot, Storyboard
from reelforge.tools.settings import get_settings
from reelforge.tools.studio import Studio


@pytest.mark.slow
async def test_the_made_video_ends_on_a_card_crediting_its_stock_and_music(isolated_home, monkeypatch, tmp_path):
    monkeypatch.setenv("REELFORGE_X264_PRESET", "ultrafast")
    monkeypatch.setenv("REELFORGE_OPENVERSE", "1")
    music = isolated_home / "music"
    music.mkdir(parents=True)
    t = np.arange(int(6 * RATE)) / RATE
    write_stereo(music / "tide.wav", np.stack([0.2 * np.sin(2 * np.pi * 196 * t)] * 2, axis=1))
    (music / "tide.json").write_text(json.dumps({"title": "Slow Tide", "artist": "Kai", "licence": "CC BY 4.0",
                                                 "moods": ["calm"], "loopable": True}))
    board = Storyboard(title="lakes", scenes=[
        Scene(index=1, narration="Mountain lakes are calm.", shots=[
            Shot(id="s1.1", kind="stock", narration="Mountain lakes are calm.", visual_prompt="mountain lake",
                 traits=["nature", "real_place"], seconds=2)]),
        Scene(index=2, narration="Visit the lakes this summer.", shots=[
            Shot(id="s2.1", kind="graphics", narration="Visit the lakes this summer.", visual_prompt="lake at dusk",
                 seconds=2, graphic=Graphic(layout="end_card", title="Visit the lakes this summer"))]),
    ])
    brief = Brief(goal="mountain lakes", aspects=["16:9"], duration_s=4, music_mood="calm", captions=False,
                  budget_usd=1)
    drawn: list[str] = []
    typeset = Designer.text
    monkeypatch.setattr(Designer, "text", lambda self, text, *a, **k: drawn.append(text) or typeset(self, text, *a, **k))
    with serve(make_openverse()) as ov:
        monkeypatch.setenv("REELFORGE_OPENVERSE_BASE_URL", ov.base_url)
        studio = Studio(get_settings())
        routed = studio.route(brief, board)
        assert [s.route.model_id for s in routed.shots] == ["openverse-image", "motion"]
        manifest = await studio.make(brief, routed, out_dir=tmp_path / "out")
    stock = next(a.provenance for a in manifest.assets if a.provenance.source == "openverse")
    on_screen = "\n".join(drawn)
    assert stock.author and stock.author in on_screen and "CC BY" in on_screen  # the card names what was used
    assert 'Music: "Slow Tide" by Kai (CC BY 4.0)' in on_screen
    assert "http" not in on_screen  # links belong in the description, not on screen
    credits = (tmp_path / "out" / manifest.sidecars["credits"]).read_text()
    assert stock.attribution in credits and "Slow Tide" in credits  # the full lines, for the description
