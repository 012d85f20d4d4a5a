"""OpenAI text-to-speech through the official ``openai`` SDK; word timings by offline alignment.

The speech endpoint returns audio only (no timestamps), so the words are placed with
:func:`tools.voice.align.align_words` (MFCC + DTW against the offline reference voice). The SDK's own retries
are off; :func:`speak` retries 429 / 5xx / network errors with :class:`tools.clips.base.RetryPolicy` and maps
every failure to a :class:`VoiceError` whose message never contains the key.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from reelforge.tools.clips.base import RetryPolicy
from reelforge.tools.settings import Settings
from reelforge.tools.voice.base import VoiceError

KEY_NAME = "OPENAI_API_KEY"
QUALITY_MODEL = "tts-1-hd"
CHEAP_MODEL = "tts-1"
# USD per 1,000 characters (OpenAI list prices: tts-1 $15 / 1M characters, tts-1-hd $30 / 1M).
VOICES = ("alloy", "ash", "coral", "echo", "fable", "nova", "onyx", "sage", "shimmer")
DEFAULT_VOICE = "alloy"
RETRY = RetryPolicy(attempts=3, base_s=1.0, cap_s=8.0)
LICENCE = "OpenAI TTS generated speech (tell viewers the voice is AI-generated, per OpenAI's usage policies)"


def configured(settings: Settings) -> bool:
    """An OpenAI key is set (a bare OPENAI_BASE_URL is usually a local chat server without speech)."""
    return bool(settings.secret(KEY_NAME))


def model_for(preference: str | None) -> str:
    return CHEAP_MODEL if preference in ("cheap", "fast") else QUALITY_MODEL


def _client(settings: Settings) -> Any:
    from openai import OpenAI

    key = settings.secret(KEY_NAME)
    if not key:
        raise VoiceError(f"OpenAI speech is not configured: set {KEY_NAME}", kind="auth")
    return OpenAI(api_key=key, base_url=settings.secret("OPENAI_BASE_URL") or None, max_retries=0, timeout=120)


def map_error(exc: Exception, settings: Settings) -> VoiceError:
    """An SDK / network exception as a VoiceError a user can act on (auth, quota, rate limit, invalid...)."""
    import openai

    if isinstance(exc, VoiceError):
        return exc
    if isinstance(exc, openai.APIConnectionError):
        return VoiceError(f"cannot reach the OpenAI speech endpoint: {type(exc).__name__}", kind="provider")
    if not isinstance(exc, openai.APIStatusError):
        return VoiceError(f"OpenAI speech failed: {type(exc).__name__}", kind="provider")
    body = exc.body if isinstance(exc.body, dict) else {}
    err = body.get("error", body) if isinstance(body.get("error", body), dict) else {}
    code, message = str(err.get("code") or ""), str(err.get("message") or "")[:300]
    key = settings.secret(KEY_NAME)
    if key:
        message = message.replace(key, "***")
    status = exc.status_code
    if code == "insufficient_quota":
        out = VoiceError(f"OpenAI quota exceeded: {message} Add credits, or use the offline voice.", kind="quota",
                         status_code=status)
    elif status == 401:
        out = VoiceError(f"OpenAI rejected the API key: check {KEY_NAME}.", kind="auth", status_code=status)
    elif status == 429:
        out = VoiceError(f"OpenAI rate limit: {message}", kind="rate_limit", status_code=status)
    elif status >= 500:
        out = VoiceError(f"OpenAI server error {status}: {message}", kind="provider", status_code=status)
    else:
        out = VoiceError(f"OpenAI refused the speech request ({status}): {message}", kind="invalid",
                         status_code=status)
    retry_after = exc.response.headers.get("retry-after") if exc.response is not None else None
    try:
        out.retry_after = float(retry_after) if retry_after else None
    except ValueError:
        out.retry_after = None
    return out


def speak(text: str, voice: str, out: Path, settings: Settings, *, model: str) -> Path:
    """Speak ``text`` with an OpenAI voice into the WAV ``out`` (retries our own policy). Raises VoiceError."""
    if voice not in VOICES:
        raise VoiceError(f"unknown OpenAI voice {voice!r}; use one of {', '.join(VOICES)}", kind="invalid")
    client = _client(settings)
    for attempt in range(RETRY.attempts):
        try:
            audio = client.audio.speech.create(model=model, voice=voice, input=text, response_format="wav").read()
            break
        except Exception as exc:  # noqa: BLE001 - mapped below
            err = map_error(exc, settings)
            if not err.retryable or attempt == RETRY.attempts - 1:
                raise err from None
            time.sleep(RETRY.delay(attempt, err.retry_after))
    if not audio:
        raise VoiceError("OpenAI returned no audio", kind="provider")
    out.write_bytes(audio)
    return out
