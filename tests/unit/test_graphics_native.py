"""What reelforge draws is drawn for each output format; a motion-graphics scene is drawn by reelforge even
when video keys are set."""

from __future__ import annotations

import asyncio

from reelforge.tools.clips.registry import Registry
from reelforge.tools.clips.runner import generate_shot
from reelforge.tools.media import probe
from reelforge.tools.production import Brief, Graphic, Scene, Shot, Storyboard
from reelforge.tools.routing import route_storyboard
from reelforge.tools.settings import get_settings
from reelforge.tools.store import AssetStore

GRAPHIC = Graphic(layout="number", kicker="Speed", figure="390", unit="km/h")


async def test_each_format_gets_its_own_rendering_cached_by_content(tmp_path):
    settings = get_settings()
    registry, store = Registry.load(settings), AssetStore(tmp_path / "store")
    shot = Shot(id="s1", visual_prompt="falcon sky", seconds=0.5, graphic=GRAPHIC)
    brief = Brief(goal="g", aspects=["16:9", "9:16"])
    asset = await asyncio.wait_for(generate_shot(shot, brief, registry, store, settings), 180)
    wide, tall = probe(asset.path), probe(asset.variants["9:16"])
    assert (wide.width, wide.height, tall.width, tall.height) == (1920, 1080, 1080, 1920)
    again = await generate_shot(shot, brief, registry, store, settings)
    assert again.variants == asset.variants  # the second run renders nothing


def test_a_graphics_scene_routes_to_the_free_renderer_with_keys_set(monkeypatch):
    monkeypatch.setenv("FAL_KEY", "test-key")
    settings = get_settings()
    shot = Shot(id="s1", visual_prompt="falcon sky", seconds=4, kind="graphics", graphic=GRAPHIC,
                traits=["fast_action"])
    board = Storyboard(scenes=[Scene(index=1, narration="x", shots=[shot])])
    routed = route_storyboard(board, Brief(goal="g", budget_usd=50), Registry.load(settings), settings)
    assert routed.shots[0].route.model_id == "motion" and routed.shots[0].route.est_cost_usd == 0
