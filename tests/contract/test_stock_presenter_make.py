"""A planned storyboard with a stock scene (Openverse fake) and a presenter scene (HeyGen fake) becomes a
video whose manifest lists every licence and attribution, with a credits file for the CC-BY image."""

from __future__ import annotations

import json

import pytest
from fakes.heygen import make_app as make_heygen
from fakes.openverse import make_app as make_openverse
from fakes.server import serve

from tools.clips.heygen import HeyGenProvider
from tools.production import Brief, Scene, Shot, Storyboard
from tools.settings import get_settings
from tools.studio import Studio

KEY = "heygen-test-key"


@pytest.mark.slow
async def test_stock_and_presenter_scenes_end_in_a_credited_manifest(isolated_home, monkeypatch, tmp_path):
    monkeypatch.setenv("REELFORGE_X264_PRESET", "ultrafast")
    monkeypatch.setenv("HEYGEN_API_KEY", KEY)
    monkeypatch.setenv("REELFORGE_OPENVERSE", "1")
    monkeypatch.setattr(HeyGenProvider, "poll_interval_s", 0.01)
    isolated_home.mkdir(parents=True, exist_ok=True)
    (isolated_home / "models.toml").write_text('[models.heygen-avatar-iv.gateways.direct.params]\navatar_id = "look_anna"\n')
    board = Storyboard(title="lakes", scenes=[
        Scene(index=1, narration="Mountain lakes are calm.", shots=[
            Shot(id="s1.1", kind="stock", narration="Mountain lakes are calm.", visual_prompt="mountain lake",
                 traits=["nature", "real_place"], seconds=2)]),
        Scene(index=2, narration="I walk there every summer.", shots=[
            Shot(id="s2.1", kind="presenter", narration="I walk there every summer.",
                 visual_prompt="the host talks to camera", seconds=2)]),
    ])
    brief = Brief(goal="mountain lakes", aspects=["16:9"], duration_s=5, music_mood="none", captions=False,
                  budget_usd=5)
    with serve(make_openverse()) as ov, serve(make_heygen(KEY)) as hg:
        monkeypatch.setenv("REELFORGE_OPENVERSE_BASE_URL", ov.base_url)
        monkeypatch.setenv("REELFORGE_HEYGEN_BASE_URL", hg.base_url)
        studio = Studio(get_settings())
        routed = studio.route(brief, board)
        assert [s.route.model_id for s in routed.shots] == ["openverse-image", "heygen-avatar-iv"]
        manifest = await studio.make(brief, routed, out_dir=tmp_path / "out")
        assert any(r.path == "/v3/assets" for r in hg.requests)  # the narration went to the presenter
    by_model = {a.provenance.model: a.provenance for a in manifest.assets if a.kind == "clip"}
    assert not any(p.fell_back for p in by_model.values()), [(p.model, p.fallback_reason) for p in by_model.values()]
    stock = next(p for p in by_model.values() if p.source == "openverse")
    assert stock.licence.startswith("CC BY") and stock.attribution and stock.source_url
    assert all(a.provenance.licence for a in manifest.assets), [a.provenance for a in manifest.assets]
    assert stock.attribution in manifest.credits
    credits = (tmp_path / "out" / manifest.sidecars["credits"]).read_text()
    assert stock.attribution in credits
    saved = json.loads((tmp_path / "out" / "manifest.json").read_text())
    assert stock.attribution in saved["credits"] and saved["outputs"][0]["aspect"] == "16:9"
