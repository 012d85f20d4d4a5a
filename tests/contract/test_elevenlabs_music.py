"""ElevenLabs Music through the real SDK against the loopback fake: only when allowed, fitted to the video."""

from __future__ import annotations

import pytest
from fakes import elevenlabs as fake

from reelforge.tools.media import probe
from reelforge.tools.music import select_music
from reelforge.tools.settings import get_settings
from reelforge.tools.store import AssetStore


@pytest.fixture()
def el(monkeypatch):
    with fake.running(monkeypatch, attempts=2) as app:
        settings = get_settings()
        yield app, settings, AssetStore(settings.store_dir)


def test_elevenlabs_music_when_allowed_is_fitted_and_credited(el):
    app, settings, store = el
    asset = select_music("upbeat", 6.0, settings=settings, store=store, allow_paid=True)
    [req] = [r for r in app.requests if r.path == "/v1/music"]
    body = req.json()
    assert body["force_instrumental"] is True and body["music_length_ms"] == 7000
    assert "upbeat" in body["prompt"] and "118 BPM" in body["prompt"]
    assert abs(probe(asset.path).duration_s - 6.0) <= 0.05
    prov = asset.provenance
    assert prov.source == "elevenlabs" and "ElevenLabs" in prov.licence and prov.attribution
    assert select_music("upbeat", 6.0, settings=settings, store=store, allow_paid=True).key == asset.key
    assert len([r for r in app.requests if r.path == "/v1/music"]) == 1  # cached: paid once


def test_elevenlabs_music_not_used_unless_allowed(el):
    app, settings, store = el
    asset = select_music("upbeat", 3.0, settings=settings, store=store)
    assert asset.provenance.source == "procedural" and app.requests == []


def test_elevenlabs_music_quota_error_falls_back_to_the_generator(el):
    app, settings, store = el
    app.state["errors"] = [fake.quota_error()]
    asset = select_music("calm", 3.0, settings=settings, store=store, allow_paid=True)
    prov = asset.provenance
    assert prov.source == "procedural" and prov.fell_back and "quota exceeded" in prov.fallback_reason
    assert fake.KEY not in prov.fallback_reason and abs(probe(asset.path).duration_s - 3.0) <= 0.05
