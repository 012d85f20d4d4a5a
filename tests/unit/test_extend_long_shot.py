"""A long continuous shot on a model that can extend is one clip plus extensions, not unrelated clips."""

from __future__ import annotations

from pathlib import Path

import pytest
from fakes import ltx as fake
from fakes.server import serve

from reelforge.tools.clips.registry import Registry
from reelforge.tools.clips.runner import generate_shot
from reelforge.tools.production import Brief, Shot
from reelforge.tools.routing.router import choose
from reelforge.tools.settings import get_settings
from reelforge.tools.store import AssetStore


@pytest.fixture
def ltx(monkeypatch):
    with serve(fake.make_app()) as app:
        monkeypatch.setenv("LTXV_API_KEY", fake.API_KEY)
        monkeypatch.setenv("REELFORGE_LTX_BASE_URL", app.base_url)
        yield app


def test_registry_lists_capabilities_and_the_adapter_that_drives_extend():
    registry = Registry.load(get_settings())
    ltx2 = registry.get("ltx-2-pro")
    assert ltx2.capabilities["extend"] and ltx2.extension_plan(20) == [10]
    assert ltx2.extension_plan(8) == [] and ltx2.extension_plan(45) == []  # one take, or beyond reach
    assert registry.can_extend(ltx2, "direct")
    assert not registry.can_extend(registry.get("veo-3-1"), "fal")  # fal's queue API has no extend here


async def test_a_20_second_take_is_one_clip_plus_one_extension(ltx, tmp_path):
    settings = get_settings()
    registry = Registry.load(settings)
    brief = Brief(goal="a slow push-in over a misty valley", aspects=["16:9"], budget_usd=20)
    shot = Shot(id="s1", visual_prompt="a slow continuous push-in over a misty valley at dawn", seconds=20,
                traits=["slow_cinematic", "nature"])
    route = choose(shot, brief, registry, settings)
    assert route.model_id == "ltx-2-pro" and route.clip_seconds == 10 and route.extend_s == [10]
    assert "one continuous 20 s take" in route.reason
    asset = await generate_shot(shot.model_copy(update={"route": route}), brief, registry,
                                AssetStore(tmp_path / "store"), settings)
    assert [p["kind"] for p in ltx.state["paid"]] == ["text-to-video", "extend"]
    assert fake.seconds_of(Path(asset.path).read_bytes()) == 20  # the extended clip, not two clips
    assert asset.provenance.cost_usd == pytest.approx(20 * 0.06)
