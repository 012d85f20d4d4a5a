"""A planned storyboard with a stock scene (Openverse fake) and a presenter scene (HeyGen fake) becomes a
video whose manifest lists every licence and attribution, with a credits file for the CC-BY image."""

from __future__ import annotations

import json

import pytest
from fakes.heygen import make_app as make_heygen
from fakes.openverse import make_app as make_openverse
from fakes.server import serve
from PIL import Image

from reelforge.tools.clips.heygen import HeyGenProvider
from reelforge.tools.production import Brief, Consent, ProductionAssets, Scene, Shot, Storyboard, Timeline, TimelineClip
from reelforge.tools.settings import get_settings
from reelforge.tools.studio import Studio

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
    Image.new("RGB", (240, 320), (230, 30, 30)).save(tmp_path / "me.jpg", "JPEG")
    consent = Consent(text="I am the person in this photo and agree to appear", affirmed_by="ada")
    brief = Brief(goal="mountain lakes", aspects=["16:9"], duration_s=5, music_mood="none", captions=False,
                  budget_usd=5, presenter_path=str(tmp_path / "me.jpg"), presenter_consent=consent)
    with serve(make_openverse()) as ov, serve(make_heygen(KEY)) as hg:
        monkeypatch.setenv("REELFORGE_OPENVERSE_BASE_URL", ov.base_url)
        monkeypatch.setenv("REELFORGE_HEYGEN_BASE_URL", hg.base_url)
        studio = Studio(get_settings())
        routed = studio.route(brief, board)
        assert [s.route.model_id for s in routed.shots] == ["openverse-image", "heygen-avatar-iv"]
        manifest = await studio.make(brief, routed, out_dir=tmp_path / "out")
        assert any(r.path == "/v3/assets" for r in hg.requests)  # the narration went to the presenter
        assert next(r for r in hg.requests if r.path == "/v3/videos").json()["type"] == "image"  # the user's photo
        tl = Timeline(duration_s=5, clips=[TimelineClip(shot_id="s1.1", path="a.mp4", start=0, duration=2.6),
                                           TimelineClip(shot_id="s2.1", path="b.mp4", start=2.4, duration=2.6)])
        assert studio._avatar_shots(studio_assets(manifest)) == {"s2.1"}
        pip = studio._with_presenter(brief, tl, "16:9", {"s2.1"}).overlays
        assert [(o.start, o.duration) for o in pip] == [(0.0, 2.4)]  # PiP over the stock scene, not the avatar
        # no avatar service made the presenter scene: the PiP shows over that scene only
        pip = studio._with_presenter(brief, tl, "16:9", set(), only={"s2.1"}).overlays
        assert [(o.start, o.duration) for o in pip] == [(2.6, 2.4)]
        assert studio._with_presenter(brief, tl, "16:9", {"s2.1"}, only={"s2.1"}).overlays == []
    by_model = {a.provenance.model: a.provenance for a in manifest.assets if a.kind == "clip"}
    assert not any(p.fell_back for p in by_model.values()), [(p.model, p.fallback_reason) for p in by_model.values()]
    stock = next(p for p in by_model.values() if p.source == "openverse")
    assert stock.licence.startswith("CC BY") and stock.attribution and stock.source_url
    assert all(a.provenance.licence for a in manifest.assets), [a.provenance for a in manifest.assets]
    assert by_model["heygen-avatar-iv"].consent == consent  # the likeness on screen carries its consent
    assert any(a.provenance.model == "presenter-upload" and a.provenance.consent == consent for a in manifest.assets)
    assert stock.attribution in manifest.credits
    credits = (tmp_path / "out" / manifest.sidecars["credits"]).read_text()
    assert stock.attribution in credits
    saved = json.loads((tmp_path / "out" / "manifest.json").read_text())
    assert stock.attribution in saved["credits"] and saved["outputs"][0]["aspect"] == "16:9"



def studio_assets(manifest) -> ProductionAssets:
    """The manifest's clips keyed by shot, as produce() returned them."""
    clips = [a for a in manifest.assets if a.kind == "clip" and a.provenance.model != "presenter-upload"]
    return ProductionAssets(clips={"s1.1" if a.provenance.source == "openverse" else "s2.1": a for a in clips})
