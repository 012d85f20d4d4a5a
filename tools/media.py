"""The ffmpeg binary, running it without a shell, and probing media files with PyAV (no ffprobe needed)."""

from __future__ import annotations

import os
import shutil
import subprocess
import wave
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from reelforge.tools.children import child_options


class MediaError(RuntimeError):
    """An ffmpeg run or a probe failed; the message says which file and why."""


@lru_cache(maxsize=4)
def _locate(configured: str | None) -> tuple[str, str]:
    if configured:
        if not (Path(configured).is_file() and os.access(configured, os.X_OK)):
            raise MediaError(f"REELFORGE_FFMPEG={configured} is not an executable file")
        return configured, "REELFORGE_FFMPEG"
    on_path = shutil.which("ffmpeg")
    if on_path:
        return on_path, "PATH"
    try:
        import imageio_ffmpeg

        return imageio_ffmpeg.get_ffmpeg_exe(), "imageio-ffmpeg"
    except Exception as exc:  # noqa: BLE001 - any failure means "not found"
        raise MediaError("no ffmpeg found: install ffmpeg, set REELFORGE_FFMPEG, or pip install imageio-ffmpeg") from exc


def ffmpeg_exe() -> str:
    """Path of the ffmpeg binary: ``REELFORGE_FFMPEG``, else ``ffmpeg`` on PATH, else imageio-ffmpeg's build."""
    return _locate(os.environ.get("REELFORGE_FFMPEG") or None)[0]


def ffmpeg_origin() -> str:
    """Where :func:`ffmpeg_exe` found the binary (for ``reelforge doctor``)."""
    return _locate(os.environ.get("REELFORGE_FFMPEG") or None)[1]


def run_ffmpeg(args: list[str], *, what: str = "ffmpeg", timeout: float | None = None) -> str:
    """Run ffmpeg with ``args`` (no shell); return stderr. Raises :class:`MediaError` with the tail of the log."""
    cmd = [ffmpeg_exe(), "-hide_banner", "-nostdin", "-y", *args]
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False,
                              **child_options())
    except subprocess.TimeoutExpired as exc:
        raise MediaError(f"{what}: ffmpeg timed out after {timeout:.0f} s") from exc
    if proc.returncode != 0:
        tail = "\n".join(proc.stderr.strip().splitlines()[-6:])
        raise MediaError(f"{what} failed (ffmpeg exit {proc.returncode}): {tail}")
    return proc.stderr


@dataclass(frozen=True)
class MediaInfo:
    """What a probe learned about a file."""

    path: str
    duration_s: float
    width: int = 0
    height: int = 0
    fps: float = 0.0
    has_video: bool = False
    has_audio: bool = False
    video_codec: str = ""
    audio_codec: str = ""
    sample_rate: int = 0
    pix_fmt: str = ""


def probe(path: str | Path) -> MediaInfo:
    """Probe a media file with PyAV. Raises :class:`MediaError` when it cannot be decoded."""
    import av

    p = str(path)
    if not Path(p).is_file():
        raise MediaError(f"{p}: no such file")
    try:
        with av.open(p) as c:
            v = next(iter(c.streams.video), None)
            a = next(iter(c.streams.audio), None)
            duration = float(c.duration) / 1_000_000 if c.duration else 0.0
            if not duration:
                for s in (v, a):
                    if s is not None and s.duration and s.time_base:
                        duration = max(duration, float(s.duration * s.time_base))
            return MediaInfo(
                path=p,
                duration_s=duration,
                width=v.codec_context.width if v else 0,
                height=v.codec_context.height if v else 0,
                fps=float(v.average_rate) if v is not None and v.average_rate else 0.0,
                has_video=v is not None,
                has_audio=a is not None,
                video_codec=v.codec_context.name if v else "",
                audio_codec=a.codec_context.name if a else "",
                sample_rate=a.codec_context.sample_rate if a else 0,
                pix_fmt=(v.codec_context.pix_fmt or "") if v else "",
            )
    except av.error.FFmpegError as exc:
        raise MediaError(f"{p}: cannot be decoded ({exc})") from exc


IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".webp", ".bmp"}


def is_image(path: str | Path) -> bool:
    return Path(path).suffix.lower() in IMAGE_SUFFIXES


def write_wav(path: str | Path, samples: Any, sample_rate: int) -> Path:
    """Write float [-1, 1] or int16 samples as a 16-bit PCM WAV: mono (n,) or interleaved stereo (n, 2)."""
    import numpy as np

    data = samples if samples.dtype == np.int16 else (np.clip(samples, -1, 1) * 32767).astype("<i2")
    with wave.open(str(path), "wb") as wf:
        wf.setnchannels(1 if data.ndim == 1 else data.shape[1])
        wf.setsampwidth(2)
        wf.setframerate(sample_rate)
        wf.writeframes(data.tobytes())
    return Path(path)
