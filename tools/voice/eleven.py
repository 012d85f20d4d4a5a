"""ElevenLabs through its official SDK: narration with timestamps, voices, instant cloning, music.

The SDK's own retries are off (``max_retries=0``); :func:`call` retries 429 / 5xx / network errors with
:class:`tools.clips.base.RetryPolicy` and maps every failure to a :class:`VoiceError` with a clear message.
"""

from __future__ import annotations

import base64
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import httpx
import numpy as np

from reelforge.tools.clips.base import RetryPolicy
from reelforge.tools.http_credentials import VendorClient
from reelforge.tools.media import write_wav
from reelforge.tools.production import WordTiming
from reelforge.tools.settings import Settings
from reelforge.tools.voice.base import VoiceError, VoiceInfo, wav_duration

KEY_NAME = "ELEVENLABS_API_KEY"
QUALITY_MODEL = "eleven_multilingual_v2"
CHEAP_MODEL = "eleven_flash_v2_5"
SAMPLE_RATE = 24000
OUTPUT_FORMAT = f"pcm_{SAMPLE_RATE}"  # raw s16le mono; safe on every plan
RETRY = RetryPolicy(attempts=3, base_s=1.0, cap_s=8.0)
LICENCE = "ElevenLabs generated speech (commercial use per your ElevenLabs plan)"
T = TypeVar("T")


def configured(settings: Settings) -> bool:
    return bool(settings.secret(KEY_NAME))


def client(settings: Settings) -> Any:
    """An SDK client with the key and base URL from settings (never the SDK's import-time env default)."""
    from elevenlabs.client import ElevenLabs

    key = settings.secret(KEY_NAME)
    if not key:
        raise VoiceError(f"ElevenLabs is not configured: set {KEY_NAME}", kind="auth")
    return ElevenLabs(api_key=key, base_url=settings.elevenlabs_base_url.rstrip("/"),
                      httpx_client=VendorClient(timeout=120))  # the xi-api-key never follows a redirect away


def model_for(settings: Settings, preference: str | None = None) -> str:
    """``eleven_multilingual_v2`` for quality/balanced, ``eleven_flash_v2_5`` (half price) for cheap/fast."""
    if settings.elevenlabs_model:
        return settings.elevenlabs_model
    pref = preference or settings.default_preference
    return CHEAP_MODEL if pref in ("cheap", "fast") else QUALITY_MODEL


def map_error(exc: Exception, settings: Settings) -> VoiceError:
    """Turn an SDK / network exception into a VoiceError with a message a user can act on."""
    from elevenlabs.core.api_error import ApiError

    if isinstance(exc, VoiceError):
        return exc
    if isinstance(exc, httpx.HTTPError):
        return VoiceError(f"cannot reach ElevenLabs at {settings.elevenlabs_base_url}: {type(exc).__name__}",
                          kind="provider")
    if not isinstance(exc, ApiError):
        return VoiceError(f"ElevenLabs call failed: {type(exc).__name__}", kind="provider")
    code = exc.status_code or 0
    detail = exc.body.get("detail") if isinstance(exc.body, dict) else None
    status = detail.get("status", "") if isinstance(detail, dict) else ""
    message = detail.get("message", "") if isinstance(detail, dict) else ""
    if isinstance(detail, list):  # FastAPI validation errors
        message = "; ".join(f"{'.'.join(map(str, d.get('loc', [])))}: {d.get('msg')}" for d in detail
                            if isinstance(d, dict))
    message = _scrub(message or str(exc.body)[:300], settings)
    if status == "quota_exceeded":
        err = VoiceError(f"ElevenLabs quota exceeded: {message} Top up credits, or use the offline voice "
                         "(voice=\"piper\").", kind="quota", status_code=code)
    elif code == 401:
        err = VoiceError(f"ElevenLabs rejected the API key ({status or 'unauthorized'}): check {KEY_NAME}.",
                         kind="auth", status_code=code)
    elif code == 429:
        err = VoiceError(f"ElevenLabs rate limit ({status or 'too many requests'}): {message}",
                         kind="rate_limit", status_code=code)
    elif code == 422:
        err = VoiceError(f"ElevenLabs refused the request as invalid: {message}", kind="invalid", status_code=code)
    elif status == "voice_not_found" or code == 404:
        err = VoiceError(f"ElevenLabs voice not found: {message}", kind="invalid", status_code=code)
    elif code >= 500:
        err = VoiceError(f"ElevenLabs server error {code}: {message}", kind="provider", status_code=code)
    else:
        err = VoiceError(f"ElevenLabs error {code} ({status}): {message}", kind="invalid", status_code=code)
    err.retry_after = _retry_after(exc)
    return err


def _scrub(text: str, settings: Settings) -> str:
    key = settings.secret(KEY_NAME)
    return text.replace(key, "***") if key else text


def _retry_after(exc: Any) -> float | None:
    headers = getattr(exc, "headers", None) or {}
    value = headers.get("retry-after") or headers.get("Retry-After")
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None


def call(fn: Callable[..., T], settings: Settings, *args: Any, **kwargs: Any) -> T:
    """Call an SDK method with SDK retries off; retry rate limits / 5xx / network errors ourselves."""
    kwargs["request_options"] = {"max_retries": 0}
    for attempt in range(RETRY.attempts):
        try:
            return fn(*args, **kwargs)
        except Exception as exc:  # noqa: BLE001 - mapped below
            err = map_error(exc, settings)
            if not err.retryable or attempt == RETRY.attempts - 1:
                raise err from None
            time.sleep(RETRY.delay(attempt, err.retry_after))
    raise AssertionError("unreachable")


def words_from_alignment(alignment: Any) -> list[WordTiming]:
    """Group ElevenLabs character timings into words (split on whitespace)."""
    if alignment is None:
        return []
    words: list[WordTiming] = []
    chars = alignment.characters
    starts = alignment.character_start_times_seconds
    ends = alignment.character_end_times_seconds
    cur, t0, t1 = "", 0.0, 0.0
    for ch, s, e in zip(chars, starts, ends, strict=False):
        if ch.isspace():
            if cur:
                words.append(WordTiming(word=cur, start=round(t0, 3), end=round(t1, 3)))
            cur = ""
            continue
        if not cur:
            t0 = s
        cur, t1 = cur + ch, e
    if cur:
        words.append(WordTiming(word=cur, start=round(t0, 3), end=round(t1, 3)))
    return [w for w in words if any(c.isalnum() for c in w.word)]


def tts(text: str, voice_id: str, out: Path, settings: Settings, *, model_id: str, language: str = "en",
        prev_text: str | None = None, next_text: str | None = None) -> tuple[float, list[WordTiming]]:
    """Narrate ``text`` with ``convert_with_timestamps`` into the WAV ``out``; return (duration, words)."""
    el = client(settings)
    kwargs: dict[str, Any] = {"text": text, "model_id": model_id, "output_format": OUTPUT_FORMAT}
    if language and model_id != QUALITY_MODEL:  # multilingual_v2 ignores language_code
        kwargs["language_code"] = language.split("-")[0]
    if prev_text:
        kwargs["previous_text"] = prev_text
    if next_text:
        kwargs["next_text"] = next_text
    resp = call(el.text_to_speech.convert_with_timestamps, settings, voice_id, **kwargs)
    audio = base64.b64decode(resp.audio_base_64 or "")
    if not audio:
        raise VoiceError("ElevenLabs returned no audio", kind="provider")
    if audio[:4] == b"RIFF":
        out.write_bytes(audio)
        duration = wav_duration(out)
    else:
        pcm = np.frombuffer(audio[: len(audio) // 2 * 2], dtype="<i2")
        write_wav(out, pcm.astype(np.int16), SAMPLE_RATE)
        duration = len(pcm) / SAMPLE_RATE
    words = [w.model_copy(update={"end": min(w.end, duration)}) for w in words_from_alignment(resp.alignment)]
    return duration, words


def list_voices(settings: Settings, search: str | None = None) -> list[VoiceInfo]:
    """The account's voices (premade, cloned, ...) via ``voices.search`` (up to 100)."""
    kwargs: dict[str, Any] = {"page_size": 100}
    if search:
        kwargs["search"] = search
    resp = call(client(settings).voices.search, settings, **kwargs)
    out = []
    for v in resp.voices:
        labels = v.labels or {}
        out.append(VoiceInfo(id=f"elevenlabs:{v.voice_id}", name=v.name or v.voice_id, engine="elevenlabs",
                             language=labels.get("language", "multi"), category=v.category or "premade",
                             description=", ".join(f"{k}: {val}" for k, val in labels.items()), licence=LICENCE))
    return out


def create_clone(name: str, files: list[tuple[str, bytes, str]], settings: Settings, *,
                 description: str | None = None) -> str:
    """Instant voice clone (``voices.ivc.create``); returns the new voice id."""
    kwargs: dict[str, Any] = {"name": name, "files": files}
    if description:
        kwargs["description"] = description
    resp = call(client(settings).voices.ivc.create, settings, **kwargs)
    return resp.voice_id


def delete_voice(voice_id: str, settings: Settings) -> None:
    call(client(settings).voices.delete, settings, voice_id)


def compose_music(prompt: str, seconds: float, out: Path, settings: Settings) -> Path:
    """ElevenLabs Music (``POST /v1/music``), instrumental; written next to ``out`` as .mp3 (or .wav)."""
    length_ms = int(min(600_000, max(3000, seconds * 1000)))
    el = client(settings)
    data = call(lambda **kw: b"".join(el.music.compose(**kw)), settings, prompt=prompt,
                music_length_ms=length_ms, force_instrumental=True)
    if not data:
        raise VoiceError("ElevenLabs Music returned no audio", kind="provider")
    out = out.with_suffix(".wav" if data[:4] == b"RIFF" else ".mp3")
    out.write_bytes(data)
    return out
