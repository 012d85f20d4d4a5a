"""Voice vocabulary: errors, voice descriptions, cloned voices, and small WAV helpers."""

from __future__ import annotations

import wave
from pathlib import Path

import numpy as np
from pydantic import BaseModel, Field

from reelforge.tools.production import Consent, now_iso


class VoiceError(RuntimeError):
    """A voice could not be produced; the message says why and what to do. Never contains a key.

    ``kind`` is one of ``auth``, ``quota``, ``rate_limit``, ``invalid``, ``provider``, ``unavailable``,
    ``consent``, ``sample``.
    """

    def __init__(self, message: str, *, kind: str = "provider", status_code: int | None = None) -> None:
        super().__init__(message)
        self.kind = kind
        self.status_code = status_code
        self.retry_after: float | None = None

    @property
    def retryable(self) -> bool:
        return self.kind in ("rate_limit", "provider")


class VoiceInfo(BaseModel):
    """A voice that :func:`tools.voice.synthesize` accepts as ``voice=<id>``."""

    id: str  # "piper", "espeak", "elevenlabs:<voice_id>", "openai:<voice>"
    name: str
    engine: str  # piper | espeak | elevenlabs | openai
    language: str = "en"
    category: str = "offline"  # offline | premade | cloned | generated | professional
    description: str = ""
    licence: str = ""
    available: bool = True


class ClonedVoice(BaseModel):
    """A cloned voice with the consent recorded when it was made."""

    id: str  # "elevenlabs:<voice_id>"
    voice_id: str
    name: str
    engine: str = "elevenlabs"
    sample_hashes: list[str]
    total_seconds: float
    consent: Consent
    created_at: str = Field(default_factory=now_iso)
    owner: str | None = None  # owner key of who cloned it; None: made before owners, the local user's
    shared: bool = False  # usable by everyone on this installation (only when its owner says so)




def wav_duration(path: str | Path) -> float:
    """Exact duration of a PCM WAV file in seconds."""
    with wave.open(str(path), "rb") as wf:
        return wf.getnframes() / float(wf.getframerate())


def load_mono(path: str | Path, sample_rate: int = 16000) -> np.ndarray:
    """Decode any audio file (PyAV) to mono float32 at ``sample_rate``. Raises VoiceError if undecodable."""
    import av

    try:
        with av.open(str(path)) as c:
            if not c.streams.audio:
                raise VoiceError(f"{Path(path).name}: no audio stream", kind="sample")
            res = av.AudioResampler(format="flt", layout="mono", rate=sample_rate)
            parts = [f.to_ndarray().reshape(-1) for frame in c.decode(audio=0) for f in res.resample(frame)]
            parts += [f.to_ndarray().reshape(-1) for f in res.resample(None)]
    except av.error.FFmpegError as exc:
        raise VoiceError(f"{Path(path).name}: cannot be decoded as audio ({exc})", kind="sample") from exc
    return np.concatenate(parts).astype(np.float32) if parts else np.zeros(0, np.float32)
