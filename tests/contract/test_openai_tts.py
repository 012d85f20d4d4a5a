"""OpenAI speech through the real SDK against the loopback fake; word timings from the offline aligner."""

from __future__ import annotations

import numpy as np
import pytest
from fakes import openai_tts as fake
from fakes.server import serve

from reelforge.tools.settings import get_settings
from reelforge.tools.store import AssetStore
from reelforge.tools.voice import VoiceError, espeak_engine, list_voices, openai_tts, piper_engine, synthesize
from reelforge.tools.voice.base import wav_duration

pytestmark = pytest.mark.skipif(not (espeak_engine.available() and piper_engine.available()),
                                reason="the fake speaks with espeak-ng; the aligner's reference is Piper")
TEXT = "The harbour wakes at dawn. Boats rock gently on the tide, and the gulls begin to call."


@pytest.fixture()
def oa(monkeypatch):
    with serve(fake.make_app()) as app:
        monkeypatch.setenv("OPENAI_API_KEY", fake.KEY)
        monkeypatch.setenv("OPENAI_BASE_URL", f"{app.base_url}/v1")
        monkeypatch.setattr(openai_tts, "RETRY", openai_tts.RetryPolicy(attempts=2, base_s=0.01, cap_s=0.02))
        settings = get_settings()
        yield app, settings, AssetStore(settings.store_dir)


def test_openai_speech_gets_aligned_word_timings(oa):
    app, settings, store = oa
    n = synthesize(TEXT, voice="openai:nova", settings=settings, store=store, preference="cheap")
    assert app.state["bodies"] == [{"model": "tts-1", "voice": "nova", "input": TEXT, "response_format": "wav"}]
    assert n.duration_s == pytest.approx(wav_duration(n.asset.path), abs=1e-3) and n.duration_s > 3
    [truth] = app.state["truth"]
    assert [w.word for w in n.words] == [w.word for w in truth]
    mae = float(np.mean([abs(a.start - b.start) for a, b in zip(n.words, truth, strict=True)]))
    assert mae <= 0.15, f"espeak speech aligned against Piper: {mae * 1000:.0f} ms mean word-start error"
    prov = n.asset.provenance
    assert prov.source == "openai-tts" and prov.model == "tts-1/nova" and prov.cost_usd > 0 and "AI" in prov.licence
    assert synthesize(TEXT, voice="openai:nova", settings=settings, store=store, preference="cheap").asset.key \
        == n.asset.key and len(app.state["bodies"]) == 1  # cached: paid once


def test_openai_speech_errors_and_fallback(oa):
    app, settings, store = oa
    app.state["errors"] = [fake.quota_error()]
    with pytest.raises(VoiceError, match="OpenAI quota exceeded.*fallback is off") as info:
        synthesize("Hello there.", voice="openai", settings=settings, store=store, allow_fallback=False)
    assert info.value.kind == "quota" and fake.KEY not in str(info.value) and len(app.requests) == 1
    app.state["errors"] = [(500, {"error": {"message": "boom", "type": "server_error", "code": None}})]
    n = synthesize("Hello there.", voice="openai", settings=settings, store=store)  # retried, then succeeds
    assert n.asset.provenance.source == "openai-tts" and len(app.requests) == 3
    app.state["errors"] = [fake.quota_error()]
    n = synthesize("Quota gone.", voice="openai:alloy", settings=settings, store=store)
    assert n.asset.provenance.fell_back and "OpenAI speech failed" in n.asset.provenance.fallback_reason
    with pytest.raises(VoiceError, match="unknown OpenAI voice 'bob'"):
        synthesize("Hi.", voice="openai:bob", settings=settings, store=store, allow_fallback=False)
    assert {v.id for v in list_voices(settings, "nova")} == {"openai:nova"}
