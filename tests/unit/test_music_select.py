"""Music: procedural moods, deterministic selection, exact fitted lengths, loudness, library sidecars."""

from __future__ import annotations

import json

import numpy as np
import pytest

from reelforge.tools.media import probe
from reelforge.tools.music import choose, list_library, normalise_mood, procedural_tracks, select_music
from reelforge.tools.music.fit import RATE, fit_length, integrated_lufs, load_stereo, write_stereo
from reelforge.tools.music.procedural import STYLES, generate
from reelforge.tools.production import MOODS
from reelforge.tools.settings import get_settings
from reelforge.tools.store import AssetStore


@pytest.fixture()
def env():
    settings = get_settings()
    return settings, AssetStore(settings.store_dir)


def tone_file(path, seconds: float, freq: float = 220.0):
    t = np.arange(int(seconds * RATE)) / RATE
    mono = 0.3 * np.sin(2 * np.pi * freq * t)
    return write_stereo(path, np.stack([mono, mono], axis=1))


@pytest.mark.parametrize("mood", MOODS)
def test_each_mood_renders_a_deterministic_loop(mood):
    a, bpm = generate(mood, seed=7, bars=4)
    b, _ = generate(mood, seed=7, bars=4)
    assert np.array_equal(a, b) and a.shape[1] == 2
    bar = round(4 * 60 / bpm * RATE)
    assert abs(len(a) - 4 * bar) <= 4 and float(np.sqrt((a**2).mean())) > 0.02 and np.abs(a).max() <= 0.81
    assert not np.array_equal(a, generate(mood, seed=8, bars=4)[0])


def test_moods_differ_in_tempo_and_auto_has_a_default():
    assert STYLES["upbeat"].bpm > STYLES["calm"].bpm and STYLES["dark"].minor
    assert normalise_mood("auto") == "corporate" and normalise_mood("Epic") == "dramatic"
    with pytest.raises(ValueError, match="unknown music mood 'polka'"):
        normalise_mood("polka")


@pytest.mark.parametrize(("mood", "seconds"), [("upbeat", 2.5), ("calm", 13.37), ("dramatic", 40.0)])
def test_selected_bed_has_video_length_and_reference_loudness(env, mood, seconds):
    settings, store = env
    asset = select_music(mood, seconds, settings=settings, store=store, seed=1)
    assert abs(probe(asset.path).duration_s - seconds) <= 0.05 and asset.duration_s == pytest.approx(seconds, abs=0.05)
    assert asset.provenance.licence == "generated (reelforge, CC0)" and asset.provenance.attribution
    if seconds > 10:
        assert integrated_lufs(asset.path) == pytest.approx(-16.0, abs=1.0)
    assert select_music(mood, seconds, settings=settings, store=store, seed=1).key == asset.key  # cached


def test_fit_loops_with_crossfade_and_trims_with_fades():
    src = np.ones((RATE * 2, 2), dtype=np.float32) * 0.5
    looped = fit_length(src, 5.0, bpm=120)
    assert len(looped) == 5 * RATE and looped[0, 0] == 0.0 and abs(looped[-1, 0]) < 1e-3
    assert np.allclose(looped[int(2.5 * RATE), 0], 0.5, atol=0.05)  # no hole at the loop seam
    assert len(fit_length(src, 1.234)) == round(1.234 * RATE)


def test_selection_is_deterministic_and_seeded_among_ties():
    tracks = procedural_tracks()
    assert choose(tracks, "calm", 30, seed=3).id == "procedural:calm"
    ties = [tracks[0].model_copy(update={"id": f"procedural:x{i}"}) for i in range(6)]
    picks = {choose(ties, "upbeat", 30, seed=s).id for s in range(12)}
    assert len(picks) > 1 and choose(ties, "upbeat", 30, seed=5).id == choose(ties, "upbeat", 30, seed=5).id


def test_library_sidecar_metadata_is_read_and_preferred(env, monkeypatch, tmp_path):
    lib = tmp_path / "mymusic"
    lib.mkdir()
    monkeypatch.setenv("REELFORGE_MUSIC_DIR", str(lib))
    tone_file(lib / "sunrise.wav", 3.0)
    (lib / "sunrise.json").write_text(json.dumps({"title": "Sunrise", "artist": "Kim", "mood": "calm, warm",
                                                  "bpm": 120, "energy": 0.2, "licence": "CC-BY-4.0"}))
    tone_file(lib / "night.wav", 3.0, 110.0)
    (lib / "night.yaml").write_text("title: Night\nmoods: [calm]\nlicence: CC-BY-NC-4.0\n")
    settings = get_settings()
    tracks = {t.title: t for t in list_library(settings)}
    assert tracks["Sunrise"].moods == ["calm", "warm"] and tracks["Sunrise"].bpm == 120
    assert tracks["Night"].licence == "CC-BY-NC-4.0" and abs(tracks["Sunrise"].duration_s - 3.0) < 0.05
    asset = select_music("calm", 7.0, settings=settings, store=AssetStore(settings.store_dir), energy=0.2)
    assert asset.provenance.source == "library" and asset.provenance.licence == "CC-BY-4.0"
    assert asset.provenance.attribution == '"Sunrise" by Kim (CC-BY-4.0)'
    assert abs(len(load_stereo(asset.path)) / RATE - 7.0) <= 0.05  # looped at bar boundaries


def test_selection_ranks_by_mood_energy_and_tempo():
    from reelforge.tools.music import Track
    from reelforge.tools.music.select import targets

    def lib(title, **kw):
        return Track(id=f"library:{title}", source="library", title=title, path=f"/m/{title}.mp3", duration_s=200, **kw)

    slow = lib("slow", moods=["calm"], energy=0.2, bpm=76)
    fast = lib("fast", moods=["calm"], energy=0.9, bpm=140)
    tracks = [fast, slow, *procedural_tracks()]
    assert targets("calm") == (0.2, 76.0) and targets("upbeat", energy=0.5) == (0.5, 118.0)
    assert choose(tracks, "calm", 60, **dict(zip(("energy", "bpm"), targets("calm"), strict=True))).id == slow.id
    assert choose(tracks, "calm", 60, energy=0.9, bpm=140).id == fast.id
    untagged = lib("untagged", moods=["calm"])  # the user's own calm track without energy/tempo tags...
    assert choose([untagged, *procedural_tracks()], "calm", 60, energy=0.2, bpm=76).id == untagged.id
    wrong = lib("wrong", moods=["calm"], energy=1.0, bpm=170)  # ...but not one whose tags say it does not fit
    assert choose([wrong, *procedural_tracks()], "calm", 60, energy=0.2, bpm=76).id == "procedural:calm"
