"""The real runner driving FalProvider (built from the registry) against the loopback fal fake."""

from __future__ import annotations

from pathlib import Path

import pytest
from fakes import fal as fake
from fakes.server import serve
from fakes.video_vendors import VIDEO

from reelforge.tools.clips.fal import FalProvider
from reelforge.tools.clips.registry import Registry
from reelforge.tools.clips.runner import generate_shot
from reelforge.tools.media import probe
from reelforge.tools.production import Brief, RouteChoice, Shot
from reelforge.tools.settings import get_settings
from reelforge.tools.store import AssetStore


@pytest.fixture
def env(monkeypatch, tmp_path):
    with serve(fake.make_app()) as app:
        monkeypatch.setenv("FAL_KEY", fake.KEY)
        monkeypatch.setenv("REELFORGE_FAL_BASE_URL", app.base_url)
        monkeypatch.setattr(FalProvider, "poll_interval_s", 0.01)
        yield app, AssetStore(tmp_path / "store")


def shot(prompt: str) -> Shot:
    return Shot(id="s1", visual_prompt=prompt, seconds=1, route=RouteChoice(
        model_id="pika-2-2", provider="pika", gateway="fal", clip_seconds=5, fallbacks=["motion"]))


async def test_runner_fetches_the_clip_through_fal(env):
    app, store = env
    s = get_settings()
    asset = await generate_shot(shot("a paper boat on a pond"), Brief(goal="g", aspects=["1:1"]), Registry.load(s),
                                store, s)
    assert Path(asset.path).read_bytes() == VIDEO
    assert asset.provenance.source == "fal" and asset.provenance.cost_usd == pytest.approx(0.2)
    body = app.requests[0].json()
    assert app.requests[0].path == "/fal-ai/pika/v2.2/text-to-video"
    assert body["duration"] == 5 and body["aspect_ratio"] == "1:1" and body["resolution"] == "720p"


async def test_refusal_falls_back_to_the_offline_renderer(env):
    app, store = env
    s = get_settings()
    asset = await generate_shot(shot("something forbidden"), Brief(goal="g", aspects=["1:1"]), Registry.load(s),
                                store, s)
    assert asset.provenance.model == "motion" and asset.provenance.fell_back
    assert "refused" in asset.provenance.fallback_reason
    assert sum(r.method == "POST" for r in app.requests) == 1  # the refusal was not retried
    assert probe(asset.path).has_video
