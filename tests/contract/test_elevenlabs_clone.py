"""Voice cloning with consent through the real SDK against the loopback fake."""

from __future__ import annotations

import numpy as np
import pytest
from fakes import elevenlabs as fake

from reelforge.tools.media import write_wav
from reelforge.tools.production import Consent
from reelforge.tools.settings import get_settings
from reelforge.tools.store import AssetStore
from reelforge.tools.voice import VoiceError, clone_voice, delete_clone, list_clones, synthesize

CONSENT = Consent(text="I have the right to clone this voice: it is my own.", affirmed_by="Ada Lovelace")


def speech_like(path, seconds: float, rate: int = 8000, freq: float = 180.0):
    t = np.arange(int(seconds * rate)) / rate
    return write_wav(path, 0.3 * np.sin(2 * np.pi * freq * t) * (0.6 + 0.4 * np.sin(2 * np.pi * 3 * t)), rate)


@pytest.fixture()
def el(monkeypatch, tmp_path):
    with fake.running(monkeypatch, attempts=2) as app:
        yield app, get_settings()


@pytest.fixture()
def samples(tmp_path):
    return [speech_like(tmp_path / "a.wav", 6.0), speech_like(tmp_path / "b.wav", 6.0, freq=200.0)]


def test_clone_with_consent_uploads_and_records_consent(el, samples):
    app, settings = el
    voice = clone_voice("Ada", samples, consent=CONSENT, settings=settings)
    assert app.state["uploads"] == [{"name": "Ada", "files": ["a.wav", "b.wav"]}]
    assert voice.voice_id in app.state["voices"] and voice.total_seconds == pytest.approx(12.0, abs=0.05)
    [stored] = list_clones(settings)
    assert stored.consent.text == CONSENT.text and stored.consent.affirmed_by == "Ada Lovelace"
    assert stored.consent.affirmed_at == CONSENT.affirmed_at


def test_clone_reused_for_same_name_and_samples(el, samples):
    app, settings = el
    first = clone_voice("Ada", samples, consent=CONSENT, settings=settings)
    second = clone_voice("Ada", list(reversed(samples)), consent=CONSENT, settings=settings)
    assert second.voice_id == first.voice_id and len(app.state["uploads"]) == 1


def test_clone_consent_travels_with_every_narration(el, samples):
    app, settings = el
    voice = clone_voice("Ada", samples, consent=CONSENT, settings=settings)
    n = synthesize("Hello from my clone.", voice=voice.id, settings=settings, store=AssetStore(settings.store_dir))
    assert n.asset.provenance.consent == CONSENT and "cloned voice 'Ada'" in n.asset.provenance.licence


@pytest.mark.parametrize("consent", [None, Consent(text="  ", affirmed_by="x"), Consent(text="ok", affirmed_by="")])
def test_clone_without_consent_refused_before_any_request(el, samples, consent):
    app, settings = el
    with pytest.raises(VoiceError, match="no consent") as info:
        clone_voice("Ada", samples, consent=consent, settings=settings)
    assert info.value.kind == "consent"
    assert app.requests == [] and list_clones(settings) == []


def test_clone_sample_checks_each_have_their_own_message(el, tmp_path):
    app, settings = el
    corrupt = tmp_path / "corrupt.mp3"
    corrupt.write_bytes(b"this is not audio at all" * 100)
    with pytest.raises(VoiceError, match="corrupt.mp3: cannot be decoded"):
        clone_voice("X", [corrupt], consent=CONSENT, settings=settings)
    with pytest.raises(VoiceError, match=r"samples too short: 4\.0 s in total; at least 10 s"):
        clone_voice("X", [speech_like(tmp_path / "short.wav", 4.0)], consent=CONSENT, settings=settings)
    with pytest.raises(VoiceError, match=r"samples too long: 200 s in total; at most 180 s"):
        clone_voice("X", [speech_like(tmp_path / "long.wav", 200.0, rate=4000)], consent=CONSENT, settings=settings)
    text = tmp_path / "notes.txt"
    text.write_text("hi")
    with pytest.raises(VoiceError, match="unsupported sample format .txt"):
        clone_voice("X", [text], consent=CONSENT, settings=settings)
    assert app.requests == []


def test_clone_delete_removes_voice_and_registry_entry(el, samples):
    app, settings = el
    voice = clone_voice("Ada", samples, consent=CONSENT, settings=settings)
    delete_clone(voice.id, settings)
    assert voice.voice_id not in app.state["voices"] and list_clones(settings) == []
    with pytest.raises(VoiceError, match="no cloned voice"):
        delete_clone(voice.id, settings)


def test_clone_needs_elevenlabs_key_after_consent(tmp_path):
    samples = [speech_like(tmp_path / "a.wav", 11.0)]
    with pytest.raises(VoiceError, match="set ELEVENLABS_API_KEY"):
        clone_voice("Ada", samples, consent=CONSENT, settings=get_settings())
