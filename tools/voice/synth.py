"""``synthesize``: narration from ElevenLabs, Piper or espeak-ng, cached, with word timings and provenance."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from reelforge.tools.files import write_durably
from reelforge.tools.media import write_wav
from reelforge.tools.pricing import audio_price
from reelforge.tools.production import Asset, Narration, Provenance, WordTiming
from reelforge.tools.settings import Settings, get_settings
from reelforge.tools.store import AssetStore
from reelforge.tools.voice import eleven, espeak_engine, openai_tts, piper_engine
from reelforge.tools.voice.align import align_words
from reelforge.tools.voice.base import VoiceError, VoiceInfo, load_mono
from reelforge.tools.voice.clone import find_clone
from reelforge.tools.voice.offline_engines import NO_OFFLINE
from reelforge.tools.voice.speech import Speech, shown_timings, to_speech

DEFAULT_ELEVENLABS_VOICE = "JBFqnCBsd6RMkjVDRZzb"  # "George", the SDK's example narrator


@dataclass(frozen=True)
class VoiceChoice:
    engine: str  # elevenlabs | piper | espeak
    voice_id: str = ""


def resolve(voice: str, settings: Settings, language: str = "en") -> VoiceChoice:
    """Turn ``"auto"``, ``"piper"``, ``"espeak"``, ``"elevenlabs[:<id>]"`` into an engine and voice id."""
    v = (voice or "auto").strip()
    if v == "auto":
        if eleven.configured(settings):
            return VoiceChoice("elevenlabs", DEFAULT_ELEVENLABS_VOICE)
        return offline_choice(language)
    if v == "elevenlabs" or v.startswith("elevenlabs:"):
        return VoiceChoice("elevenlabs", v.partition(":")[2] or DEFAULT_ELEVENLABS_VOICE)
    if v == "openai" or v.startswith("openai:"):
        return VoiceChoice("openai", v.partition(":")[2] or openai_tts.DEFAULT_VOICE)
    if v == "piper":
        return VoiceChoice("piper", piper_engine.VOICE_NAME)
    if v == "espeak":
        return VoiceChoice("espeak", espeak_engine.voice_for(language))
    if v == "offline":
        return offline_choice(language)
    raise VoiceError(f"unknown voice {voice!r}: use auto, piper, espeak, elevenlabs:<voice_id> or openai:<voice>",
                     kind="invalid")


def offline_choice(language: str = "en") -> VoiceChoice:
    """Piper for English (espeak-ng for other languages when present), else whichever is installed."""
    order = ["piper", "espeak"] if language.lower().startswith("en") else ["espeak", "piper"]
    for engine in order:
        if engine == "piper" and piper_engine.available():
            return VoiceChoice("piper", piper_engine.VOICE_NAME)
        if engine == "espeak" and espeak_engine.available():
            return VoiceChoice("espeak", espeak_engine.voice_for(language))
    raise VoiceError(NO_OFFLINE, kind="unavailable")


def synthesize(text: str, *, voice: str = "auto", language: str = "en", settings: Settings | None = None,
               store: AssetStore | None = None, prev_text: str | None = None, next_text: str | None = None,
               allow_fallback: bool = True, preference: str | None = None) -> Narration:
    """Narrate ``text``; word timings are relative to the file start and end within its duration.

    ``voice``: ``auto`` (ElevenLabs when ``ELEVENLABS_API_KEY`` is set, else Piper, else espeak-ng),
    ``elevenlabs:<voice_id>``, ``openai:<voice>`` (timings aligned offline), ``piper`` or ``espeak``. When a
    paid voice fails and ``allow_fallback`` the offline voice speaks instead and the provenance says so;
    otherwise the VoiceError is raised.
    """
    settings = settings or get_settings()
    store = store or AssetStore(settings.store_dir)
    speech = to_speech(text, language)
    spoken = speech.spoken
    if not spoken.strip():
        raise VoiceError("nothing to say: the narration text is empty", kind="invalid")
    choice = resolve(voice, settings, language)
    if choice.engine not in ("elevenlabs", "openai"):
        return as_written(_offline(spoken, choice, language, settings, store), speech)
    try:
        if choice.engine == "openai":
            return as_written(_openai(spoken, choice, language, settings, store, preference), speech)
        prev_spoken = to_speech(prev_text, language).spoken if prev_text else None
        next_spoken = to_speech(next_text, language).spoken if next_text else None
        return as_written(_elevenlabs(spoken, choice, language, settings, store, prev_spoken, next_spoken,
                                      preference), speech)
    except VoiceError as exc:
        if not allow_fallback:
            raise VoiceError(f"{exc} (voice fallback is off for this video, so nothing was narrated)",
                             kind=exc.kind, status_code=exc.status_code) from exc
        vendor = "OpenAI speech" if choice.engine == "openai" else "ElevenLabs"
        return as_written(_offline(spoken, offline_choice(language), language, settings, store,
                                   fell_back_reason=f"{vendor} failed: {exc}"), speech)


def as_written(narration: Narration, speech: Speech) -> Narration:
    """A narration of ``speech.spoken`` with the writer's text and words on top (captions show those)."""
    return narration.model_copy(update={"text": speech.shown, "spoken": speech.spoken,
                                        "spoken_words": narration.words,
                                        "words": shown_timings(speech, narration.words)})


def narrate_scenes(texts: list[str], *, voice: str = "auto", language: str = "en", settings: Settings | None = None,
                   store: AssetStore | None = None, allow_fallback: bool = True, preference: str | None = None,
                   on_progress: Callable[[int, str], None] | None = None,
                   on_fallback: Callable[[str], None] | None = None) -> list[Narration]:
    """Narrate every scene of a video in one voice, each with its neighbours' text for prosody continuity.

    When a paid voice (ElevenLabs, OpenAI) fails part-way (quota, key, outage) and ``allow_fallback``,
    ``on_fallback`` is told why, the offline voice takes over, and the scenes already narrated are re-spoken
    offline too, so the video never switches voice half-way (offline speech is free; the paid audio stays cached
    for a retry). Without ``allow_fallback`` the VoiceError propagates and nothing is narrated.
    """
    settings = settings or get_settings()
    store = store or AssetStore(settings.store_dir)
    out: list[Narration] = []
    reason: str | None = None
    for i, text in enumerate(texts):
        if on_progress:
            on_progress(i, text)
        if not to_speech(text, language).spoken.strip():  # a scene without words (a title card) stays silent
            out.append(silence())
            continue
        if reason is not None:  # already fell back: the rest of the video speaks offline, no more failing calls
            out.append(_fallback(text, language, settings, store, reason))
            continue
        n = synthesize(text, voice=voice, language=language, settings=settings, store=store,
                       prev_text=texts[i - 1] if i else None, next_text=texts[i + 1] if i + 1 < len(texts) else None,
                       allow_fallback=allow_fallback, preference=preference)
        if n.asset.provenance.fell_back:
            reason = n.asset.provenance.fallback_reason or "the voice service failed"
            if on_fallback:
                on_fallback(f"narration of scene {i + 1} fell back to the offline voice: {reason}"
                            + (f"; scenes 1–{i} are re-spoken offline so the voice stays the same" if i else ""))
            out = [_fallback(t, language, settings, store, reason) if o.duration_s > 0 else o
                   for t, o in zip(texts[:i], out, strict=True)]
        out.append(n)
    return out


def silence() -> Narration:
    """The narration of a scene with nothing to say: no file, no words, zero seconds (assembly plays the scene's
    planned length without a voice)."""
    return Narration(text="", asset=Asset(key="silence", kind="narration", path="", duration_s=0.0,
                                          provenance=Provenance(source="none", model="silence")),
                     words=[], duration_s=0.0)


def _fallback(text: str, language: str, settings: Settings, store: AssetStore, reason: str) -> Narration:
    speech = to_speech(text, language)
    return as_written(_offline(speech.spoken, offline_choice(language), language, settings, store,
                               fell_back_reason=reason), speech)


def paid_key(store: AssetStore, engine: str, voice_id: str, model: str, language: str, spoken: str,
             prev_spoken: str | None = None, next_spoken: str | None = None) -> str:
    """Where a paid voice's narration of ``spoken`` is cached (ElevenLabs also hears its neighbours)."""
    if engine == "openai":
        return store.key("voice", "openai", voice_id, model, language, spoken)
    return store.key("voice", "elevenlabs", voice_id, model, language, spoken, prev_spoken, next_spoken)


def narration_reused(texts: list[str], *, voice: str, language: str, settings: Settings, store: AssetStore,
                     preference: str | None = None) -> bool:
    """True when a paid voice already narrated every one of ``texts`` (as :func:`narrate_scenes` would ask):
    producing them again pays nothing. False for a free voice or when anything is missing."""
    try:
        choice = resolve(voice, settings, language)
    except VoiceError:
        return False
    if choice.engine not in ("elevenlabs", "openai"):
        return False
    model = (eleven.model_for(settings, preference) if choice.engine == "elevenlabs"
             else openai_tts.model_for(preference or settings.default_preference))
    spoken = [to_speech(t, language).spoken for t in texts]
    for i, text in enumerate(spoken):
        key = paid_key(store, choice.engine, choice.voice_id, model, language, text,
                       spoken[i - 1] if i else None, spoken[i + 1] if i + 1 < len(spoken) else None)
        if store.get(key) is None or not store.path_for(key, ".words.json").is_file():
            return False
    return True


def _cached(store: AssetStore, key: str, text: str) -> Narration | None:
    asset = store.get(key)
    words_file = store.path_for(key, ".words.json")
    if asset is None or not words_file.is_file():
        return None
    words = [WordTiming.model_validate(w) for w in json.loads(words_file.read_text())]
    return Narration(text=text, asset=asset, words=words, duration_s=asset.duration_s or 0.0)


def _record(store: AssetStore, key: str, text: str, wav: Path, duration: float, words: list[WordTiming],
            provenance: Provenance) -> Narration:
    words = [w for w in words if w.start < duration]
    words = [w.model_copy(update={"end": min(max(w.end, w.start), duration)}) for w in words]
    # the timings first, then the audio: a cache hit needs both, so a crash in between never pays twice
    write_durably(store.path_for(key, ".words.json"), json.dumps([w.model_dump() for w in words]).encode())
    asset = store.put(Asset(key=key, kind="narration", path=str(wav), duration_s=round(duration, 4),
                            has_audio=True, provenance=provenance), wav)
    wav.unlink(missing_ok=True)
    return Narration(text=text, asset=asset, words=words, duration_s=asset.duration_s or duration)


def _offline(text: str, choice: VoiceChoice, language: str, settings: Settings, store: AssetStore, *,
             fell_back_reason: str | None = None) -> Narration:
    pace = settings.piper_length_scale if choice.engine == "piper" else None
    key = store.key("voice", choice.engine, choice.voice_id, language, text, bool(fell_back_reason), pace)
    hit = _cached(store, key, text)
    if hit is not None:
        return hit
    wav = store.scratch(".wav")
    if choice.engine == "piper":
        duration, words = piper_engine.synthesize_piper(text, wav, settings, length_scale=pace)
        licence = piper_engine.LICENCE
    else:
        duration, words = espeak_engine.synthesize_espeak(text, wav, language=language)
        licence = espeak_engine.LICENCE
    prov = Provenance(source=choice.engine, model=choice.voice_id, prompt=text, licence=licence,
                      fell_back=fell_back_reason is not None, fallback_reason=fell_back_reason)
    return _record(store, key, text, wav, duration, words, prov)


def _elevenlabs(text: str, choice: VoiceChoice, language: str, settings: Settings, store: AssetStore,
                prev_text: str | None, next_text: str | None, preference: str | None) -> Narration:
    model = eleven.model_for(settings, preference)
    key = paid_key(store, "elevenlabs", choice.voice_id, model, language, text, prev_text, next_text)
    hit = _cached(store, key, text)
    if hit is not None:
        return hit
    wav = store.scratch(".wav")
    duration, words = eleven.tts(text, choice.voice_id, wav, settings, model_id=model, language=language,
                                 prev_text=prev_text, next_text=next_text)
    clone = find_clone(settings, choice.voice_id)
    prov = Provenance(source="elevenlabs", model=f"{model}/{choice.voice_id}", prompt=text,
                      cost_usd=audio_price("narration", "elevenlabs", model, settings).cost(len(text)),
                      licence=eleven.LICENCE + (f"; cloned voice {clone.name!r}" if clone else ""),
                      consent=clone.consent if clone else None)
    return _record(store, key, text, wav, duration, words, prov)


def _openai(text: str, choice: VoiceChoice, language: str, settings: Settings, store: AssetStore,
            preference: str | None) -> Narration:
    """OpenAI speech (audio only); word timings from the offline aligner (MFCC + DTW, ~10–45 ms)."""

    model = openai_tts.model_for(preference or settings.default_preference)
    key = paid_key(store, "openai", choice.voice_id, model, language, text)
    hit = _cached(store, key, text)
    if hit is not None:
        return hit
    raw = openai_tts.speak(text, choice.voice_id, store.scratch(".wav"), settings, model=model)
    try:
        audio = load_mono(raw, 24000)  # re-written: a streamed WAV header may carry no real length
    finally:
        raw.unlink(missing_ok=True)
    if audio.size == 0:
        raise VoiceError("OpenAI returned audio without samples", kind="provider")
    wav = write_wav(store.scratch(".wav"), audio, 24000)
    try:
        words = align_words(wav, text, language=language, settings=settings)
    except VoiceError:
        wav.unlink(missing_ok=True)
        raise
    prov = Provenance(source="openai-tts", model=f"{model}/{choice.voice_id}", prompt=text,
                      cost_usd=audio_price("narration", "openai", model, settings).cost(len(text)),
                      licence=openai_tts.LICENCE)
    return _record(store, key, text, wav, audio.size / 24000, words, prov)


def list_voices(settings: Settings | None = None, search: str | None = None) -> list[VoiceInfo]:
    """Offline voices (marked unavailable when not installed) plus the ElevenLabs account's voices.

    ``search`` filters by name / description / labels: ElevenLabs searches the account server-side
    (``voices.search``), the offline voices are matched here.
    """
    settings = settings or get_settings()
    out = [
        VoiceInfo(id="piper", name="Joe (US English, Piper)", engine="piper", licence=piper_engine.LICENCE,
                  available=piper_engine.available(),
                  description="" if piper_engine.available() else piper_engine.INSTALL_HINT),
        VoiceInfo(id="espeak", name="espeak-ng (robotic, ~100 languages)", engine="espeak", language="multi",
                  licence=espeak_engine.LICENCE, available=espeak_engine.available(),
                  description="" if espeak_engine.available() else espeak_engine.INSTALL_HINT),
    ]
    if search:
        needle = search.lower()
        out = [v for v in out if needle in f"{v.id} {v.name} {v.description} {v.language}".lower()]
    if openai_tts.configured(settings):
        out += [VoiceInfo(id=f"openai:{v}", name=f"{v.title()} (OpenAI)", engine="openai", language="multi",
                          category="premade", licence=openai_tts.LICENCE,
                          description="word timings aligned offline") for v in openai_tts.VOICES
                if not search or search.lower() in f"openai {v}"]
    if eleven.configured(settings):
        try:
            out += eleven.list_voices(settings, search)
        except VoiceError as exc:
            out.append(VoiceInfo(id="elevenlabs", name="ElevenLabs", engine="elevenlabs", category="premade",
                                 available=False, description=str(exc)))
    return out
