"""ElevenLabs narration through the real SDK against the loopback fake: timings, retries, error mapping, fallback."""

from __future__ import annotations

import pytest
from fakes import elevenlabs as fake

from reelforge.tools.settings import get_settings
from reelforge.tools.store import AssetStore
from reelforge.tools.voice import (
    VoiceError,
    eleven,
    espeak_engine,
    list_voices,
    narrate_scenes,
    piper_engine,
    synthesize,
)
from reelforge.tools.voice.base import wav_duration

OFFLINE = piper_engine.available() or espeak_engine.available()


@pytest.fixture()
def el(monkeypatch):
    with fake.running(monkeypatch) as app:
        settings = get_settings()
        yield app, settings, AssetStore(settings.store_dir)


def tts_requests(app):
    return [r for r in app.requests if r.path.endswith("/with-timestamps")]


def test_elevenlabs_narration_word_timings_from_character_alignment(el):
    app, settings, store = el
    n = synthesize("Hello big world. It costs $5.", voice="elevenlabs:JBFqnCBsd6RMkjVDRZzb", settings=settings,
                   store=store, prev_text="Before.", next_text="After.")
    assert n.spoken == "Hello big world. It costs five dollars." and n.text == "Hello big world. It costs $5."
    assert [w.word for w in n.spoken_words] == ["Hello", "big", "world.", "It", "costs", "five", "dollars."]
    assert [w.word for w in n.words] == ["Hello", "big", "world.", "It", "costs", "$5."]  # captions: as written
    assert n.words[0].start == 0.0 and n.words[1].start == pytest.approx(6 * fake.CHAR_S)
    assert n.words[-1].end == pytest.approx(len(n.spoken) * fake.CHAR_S, abs=1e-3)
    assert n.words[-1].start == n.spoken_words[-2].start  # "$5." lasts while "five dollars." is said
    assert n.duration_s == pytest.approx(wav_duration(n.asset.path), abs=1e-3)
    assert n.asset.provenance.source == "elevenlabs" and not n.asset.provenance.fell_back
    body = tts_requests(app)[0].json()
    assert body["previous_text"] == "Before." and body["next_text"] == "After."
    assert body["model_id"] == eleven.QUALITY_MODEL and tts_requests(app)[0].query["output_format"] == "pcm_24000"
    again = synthesize("Hello big world. It costs $5.", voice="elevenlabs:JBFqnCBsd6RMkjVDRZzb",
                       settings=settings, store=store, prev_text="Before.", next_text="After.")
    assert again.asset.key == n.asset.key and len(tts_requests(app)) == 1  # cached: paid once


def test_elevenlabs_cheap_preference_uses_flash_with_language(el):
    app, settings, store = el
    synthesize("Hola mundo.", voice="elevenlabs", language="es", settings=settings, store=store, preference="cheap")
    body = tts_requests(app)[0].json()
    assert body["model_id"] == eleven.CHEAP_MODEL and body["language_code"] == "es"


def test_elevenlabs_rate_limit_is_retried_then_succeeds(el):
    app, settings, store = el
    app.state["errors"] = [(429, {"detail": {"status": "too_many_concurrent_requests", "message": "busy"}},
                            {"retry-after": "0"})]
    n = synthesize("Retry me.", voice="elevenlabs", settings=settings, store=store)
    assert [w.word for w in n.words] == ["Retry", "me."]
    assert len(tts_requests(app)) == 2


@pytest.mark.parametrize(("error", "kind", "text"), [
    (fake.quota_error(), "quota", "quota exceeded"),
    ((401, {"detail": {"status": "invalid_api_key", "message": "Invalid API key"}}), "auth", "ELEVENLABS_API_KEY"),
    ((422, {"detail": [{"loc": ["body", "text"], "msg": "too long", "type": "value_error"}]}), "invalid", "body.text: too long"),
    ((404, {"detail": {"status": "voice_not_found", "message": "no such voice"}}), "invalid", "voice not found"),
])
def test_elevenlabs_errors_are_clear_without_fallback(el, error, kind, text):
    app, settings, store = el
    app.state["errors"] = [error]
    with pytest.raises(VoiceError) as info:
        synthesize("Hello.", voice="elevenlabs", settings=settings, store=store, allow_fallback=False)
    assert info.value.kind == kind and text in str(info.value) and "fallback is off" in str(info.value)
    assert fake.KEY not in str(info.value)
    assert len(tts_requests(app)) == 1  # not retried


def test_elevenlabs_wrong_key_is_reported_as_invalid_key(el, monkeypatch):
    app, settings, store = el
    monkeypatch.setenv("ELEVENLABS_API_KEY", "wrong-key-123")
    with pytest.raises(VoiceError, match="rejected the API key") as info:
        synthesize("Hello.", voice="elevenlabs", settings=get_settings(), store=store, allow_fallback=False)
    assert "wrong-key-123" not in str(info.value)


@pytest.mark.skipif(not OFFLINE, reason="no offline voice installed")
def test_elevenlabs_quota_error_falls_back_to_offline_voice(el):
    app, settings, store = el
    app.state["errors"] = [fake.quota_error()]
    n = synthesize("The ocean is deep.", voice="auto", settings=settings, store=store)
    prov = n.asset.provenance
    assert prov.fell_back and "quota exceeded" in prov.fallback_reason and prov.source in ("piper", "espeak")
    assert [w.word for w in n.words] == ["The", "ocean", "is", "deep."]
    assert 0 < n.words[-1].end <= n.duration_s


def test_elevenlabs_voice_list_includes_account_voices(el):
    app, settings, _ = el
    voices = {v.id: v for v in list_voices(settings)}
    assert voices["elevenlabs:JBFqnCBsd6RMkjVDRZzb"].name == "George"
    assert "piper" in voices and "espeak" in voices
    assert any(r.path == "/v2/voices" and r.headers["xi-api-key"] == fake.KEY for r in app.requests)


def test_elevenlabs_unreachable_server_is_a_clear_error(monkeypatch):
    monkeypatch.setenv("ELEVENLABS_API_KEY", fake.KEY)
    monkeypatch.setenv("REELFORGE_ELEVENLABS_BASE_URL", "http://127.0.0.1:9")
    monkeypatch.setattr(eleven, "RETRY", eleven.RetryPolicy(attempts=2, base_s=0.01, cap_s=0.02))
    with pytest.raises(VoiceError, match="cannot reach ElevenLabs"):
        synthesize("Hi.", voice="elevenlabs", allow_fallback=False)


@pytest.mark.skipif(not OFFLINE, reason="no offline voice installed")
def test_elevenlabs_failing_mid_video_tells_the_user_and_keeps_one_voice(el):
    app, settings, store = el
    app.state["errors"] = [None, fake.quota_error()]  # scene 1 narrated, then the credits run out
    told: list[str] = []
    scenes = ["The tide comes in.", "The tide goes out.", "And then it turns again."]
    out = narrate_scenes(scenes, voice="elevenlabs", settings=settings, store=store, on_fallback=told.append)
    assert len(tts_requests(app)) == 2  # scene 3 never tried ElevenLabs again
    assert [n.asset.provenance.source for n in out] == [out[0].asset.provenance.source] * 3
    assert all(n.asset.provenance.fell_back and "quota exceeded" in n.asset.provenance.fallback_reason for n in out)
    assert out[0].asset.provenance.source in ("piper", "espeak")  # scene 1 re-spoken offline: one voice
    [message] = told
    assert "scene 2" in message and "quota exceeded" in message and "re-spoken" in message
    assert fake.KEY not in message


def test_elevenlabs_failing_mid_video_without_permission_stops(el):
    app, settings, store = el
    app.state["errors"] = [None, fake.quota_error()]
    with pytest.raises(VoiceError, match="quota exceeded.*fallback is off"):
        narrate_scenes(["One scene.", "Two scenes."], voice="elevenlabs", settings=settings, store=store,
                       allow_fallback=False)
    assert len(tts_requests(app)) == 2


def test_elevenlabs_voice_search(el):
    app, settings, _ = el
    assert [v.name for v in list_voices(settings, "george") if v.engine == "elevenlabs"] == ["George"]
    assert [v for v in list_voices(settings, "british")][0].name == "George"  # labels are searched too
    assert not [v for v in list_voices(settings, "nobody-by-that-name")]
    searches = [r for r in app.requests if r.path == "/v2/voices"]
    assert searches[0].query["search"] == "george"
    assert {v.id for v in list_voices(settings, "piper")} == {"piper"}  # offline voices matched locally


def test_narrate_scenes_passes_neighbours_and_keeps_every_scene(el):
    app, settings, store = el
    scenes = ["First scene.", "Second scene.", "Third scene."]
    progress: list[int] = []
    out = narrate_scenes(scenes, voice="elevenlabs", settings=settings, store=store, preference="cheap",
                         on_progress=lambda i, _t: progress.append(i))
    assert [n.text for n in out] == scenes and progress == [0, 1, 2]
    assert all(n.asset.provenance.source == "elevenlabs" and not n.asset.provenance.fell_back for n in out)
    bodies = [r.json() for r in tts_requests(app)]
    assert [b.get("previous_text") for b in bodies] == [None, "First scene.", "Second scene."]
    assert [b.get("next_text") for b in bodies] == ["Second scene.", "Third scene.", None]
    assert {b["model_id"] for b in bodies} == {eleven.CHEAP_MODEL}
