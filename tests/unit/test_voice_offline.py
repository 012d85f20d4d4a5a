"""Offline voice: Piper exact word timings, the aligner's measured error, espeak-ng, text normalisation."""

from __future__ import annotations

import numpy as np
import pytest

from reelforge.tools.media import write_wav
from reelforge.tools.planning.pacing import speak_seconds
from reelforge.tools.production import WordTiming
from reelforge.tools.settings import Settings
from reelforge.tools.store import AssetStore
from reelforge.tools.voice import VoiceError, align_words, espeak_engine, normalize_text, piper_engine, synthesize
from reelforge.tools.voice.base import load_mono, wav_duration
from reelforge.tools.voice.words import map_words

TEXT = ("Welcome to our channel. Today we explore three surprising facts about the deep ocean, and why they "
        "matter for all of us. The ocean covers 71% of the planet. Most of it has never been seen by human eyes!")


def test_normalize_spells_numbers_currency_and_abbreviations():
    assert normalize_text("In 2024, Dr. Smith sold 3,500 units at $4.99 each (12.5% off) on the 3rd day.") == (
        "In twenty twenty four, Doctor Smith sold three thousand five hundred units at four dollars and ninety "
        "nine cents each (twelve point five percent off) on the third day.")


def test_map_words_handles_engine_merges_by_length():
    spans = [(0.0, 0.49), (0.55, 0.9), (0.95, 1.16), (1.2, 1.9)]  # "in the" spoken as one unit
    words = map_words(["Welcome", "in", "the", "end", "everything."], spans)
    assert [w.word for w in words] == ["Welcome", "in", "the", "end", "everything."]
    assert words[1].start == 0.55 and words[2].end == 0.9 and words[1].end == words[2].start == 0.69
    assert words[3] == WordTiming(word="end", start=0.95, end=1.16)


needs_piper = pytest.mark.skipif(not piper_engine.available(), reason="Piper (the offline extra) is not installed")


@pytest.fixture(scope="module")
def piper_narration(tmp_path_factory):
    """One Piper narration of TEXT at the default pace, shared by the tests below (synthesis is slow)."""
    settings = Settings(home=tmp_path_factory.mktemp("piper-home"))
    return settings, synthesize(TEXT, voice="piper", settings=settings, store=AssetStore(settings.store_dir))


@needs_piper
def test_piper_exact_timings(piper_narration):
    _, n = piper_narration
    assert n.duration_s == pytest.approx(wav_duration(n.asset.path), abs=1e-3)
    assert [w.word for w in n.spoken_words] == normalize_text(TEXT).split()
    assert [w.word for w in n.words] == TEXT.split()  # captions show the writer's "71%"
    pct = n.words[TEXT.split().index("71%")]
    said = [w for w in n.spoken_words if pct.start <= w.start < pct.end]
    assert [w.word for w in said] == ["seventy", "one", "percent"]
    assert all(a.end <= b.start + 1e-3 for a, b in zip(n.words, n.words[1:], strict=False))
    assert n.duration_s - 0.6 < n.words[-1].end <= n.duration_s  # word timings reach the end of the audio
    assert n.asset.provenance.source == "piper" and "CC0" in n.asset.provenance.licence


@needs_piper
def test_piper_default_pace_fits_the_planned_length(piper_narration):
    """The planner budgets words at wpm("en"); Piper at ``piper_length_scale`` must not run over that budget
    (timeline pauses absorb a faster voice), nor be so fast that a quarter of the video is silence."""
    settings, n = piper_narration
    planned = speak_seconds(TEXT, "en")
    assert 0.75 * planned <= n.duration_s <= planned, (n.duration_s, planned)


@needs_piper
def test_aligner_word_start_error_under_100ms(piper_narration, tmp_path):
    """Truth: the narration's exact timings (pace 1.2). The aligner's reference speaks at pace 1.0, so it must
    stretch each sentence onto the padded audio blind."""
    settings, truth = piper_narration
    pad = 0.7
    audio = load_mono(truth.asset.path, 22050)
    padded = write_wav(tmp_path / "padded.wav", np.concatenate([np.zeros(int(pad * 22050)), audio,
                                                                np.zeros(11025)]), 22050)
    est = align_words(padded, TEXT, settings=settings)
    assert [w.word for w in est] == [w.word for w in truth.words]
    mae = float(np.mean([abs(e.start - (t.start + pad)) for e, t in zip(est, truth.words, strict=True)]))
    assert mae <= 0.100, f"mean absolute word-start error {mae * 1000:.0f} ms"
    print(f"aligner mean absolute word-start error: {mae * 1000:.0f} ms")


@pytest.mark.skipif(not espeak_engine.available(), reason="espeak-ng is not installed (apt-get install espeak-ng)")
def test_espeak_word_events_give_timings(tmp_path):
    n = synthesize("In the end, it is 2 pm.", voice="espeak")
    assert [w.word for w in n.words] == ["In", "the", "end,", "it", "is", "2", "pm."]  # the writer's words
    assert [w.word for w in n.spoken_words] == ["In", "the", "end,", "it", "is", "two", "pm."]  # what was said
    assert all(0 <= w.start < w.end <= n.duration_s for w in n.words)
    assert n.asset.provenance.source == "espeak"


def test_no_offline_engine_names_the_fix(monkeypatch):
    monkeypatch.setattr(piper_engine, "available", lambda: False)
    monkeypatch.setattr(espeak_engine, "available", lambda: False)
    with pytest.raises(VoiceError, match=r"make demo.*apt-get install espeak-ng"):
        synthesize("Hello.", voice="auto")


def test_unknown_voice_is_rejected():
    with pytest.raises(VoiceError, match="unknown voice 'robot'"):
        synthesize("Hello.", voice="robot")


def test_a_scene_without_words_is_silent_not_an_error(tmp_path) -> None:
    """A title-card scene (no narration) gets a zero-length narration; its neighbours are spoken."""
    from reelforge.tools.store import AssetStore
    from reelforge.tools.voice.synth import narrate_scenes

    out = narrate_scenes(["Fresh bread every morning.", "", "  "], voice="auto", store=AssetStore(tmp_path))
    assert [n.duration_s > 0 for n in out] == [True, False, False]
    assert out[1].words == [] and out[1].asset.path == ""
