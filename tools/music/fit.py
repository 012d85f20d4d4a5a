"""Fit a music bed to a video: loop at bar boundaries with a crossfade or trim, fade, normalise loudness."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np

from reelforge.tools.media import MediaError, run_ffmpeg, write_wav

RATE = 44100
REFERENCE_LUFS = -16.0  # the bed before mixing; assembly ducks it under the voice and masters to -14
PEAK = 0.89  # -1 dBFS


def load_stereo(path: str | Path) -> np.ndarray:
    """Decode any audio file to float32 stereo at 44.1 kHz (PyAV). Raises MediaError when undecodable."""
    import av

    try:
        with av.open(str(path)) as c:
            if not c.streams.audio:
                raise MediaError(f"{Path(path).name}: no audio stream")
            res = av.AudioResampler(format="fltp", layout="stereo", rate=RATE)
            parts = [f.to_ndarray() for frame in c.decode(audio=0) for f in res.resample(frame)]
            parts += [f.to_ndarray() for f in res.resample(None)]
    except av.error.FFmpegError as exc:
        raise MediaError(f"{Path(path).name}: cannot be decoded ({exc})") from exc
    if not parts:
        raise MediaError(f"{Path(path).name}: no audio samples")
    return np.concatenate(parts, axis=1).T.astype(np.float32)


def write_stereo(path: str | Path, audio: np.ndarray) -> Path:
    """Write float stereo samples (n, 2) as a 16-bit 44.1 kHz WAV."""
    return write_wav(path, audio, RATE)


def fit_length(audio: np.ndarray, seconds: float, *, bpm: float | None = None, crossfade_s: float = 0.25,
               fade_in_s: float = 0.5, fade_out_s: float = 2.0) -> np.ndarray:
    """Exactly ``seconds`` long: loop whole bars with an equal-power crossfade, or trim; then fade in/out."""
    target = int(round(seconds * RATE))
    if target <= 0:
        raise ValueError(f"music length must be positive, got {seconds}")
    loop = audio
    if len(audio) < target and bpm:
        bar = int(round(4 * 60.0 / bpm * RATE))
        whole = (len(audio) // bar) * bar
        if whole >= bar:
            loop = audio[:whole + min(int(crossfade_s * RATE), len(audio) - whole)]
    xf = min(int(crossfade_s * RATE), len(loop) // 4)
    out = loop.copy()
    while len(out) < target:
        ramp = np.sin(np.linspace(0, np.pi / 2, xf, dtype=np.float32))[:, None]
        head = loop[:xf] * ramp
        tail = out[len(out) - xf:] * ramp[::-1]
        out = np.concatenate([out[: len(out) - xf], tail + head, loop[xf:]])
    out = out[:target].copy()
    fi, fo = min(int(fade_in_s * RATE), target // 4), min(int(fade_out_s * RATE), target // 3)
    out[:fi] *= np.linspace(0, 1, fi, dtype=np.float32)[:, None]
    out[target - fo:] *= np.linspace(1, 0, fo, dtype=np.float32)[:, None]
    return out


def integrated_lufs(path: str | Path) -> float:
    """Integrated loudness (EBU R128, LUFS) of a file, measured with ffmpeg's ebur128 filter."""
    log = run_ffmpeg(["-nostats", "-i", str(path), "-af", "ebur128", "-f", "null", "-"], what="loudness analysis")
    found = re.findall(r"I:\s+(-?[\d.]+|-inf) LUFS", log)
    if not found:
        raise MediaError("loudness analysis printed no result")
    return -70.0 if found[-1] == "-inf" else float(found[-1])


def soft_limit(audio: np.ndarray, threshold: float = 0.6) -> np.ndarray:
    """Compress peaks above ``threshold`` smoothly (tanh knee) so nothing exceeds -1 dBFS."""
    mag = np.abs(audio)
    room = PEAK - threshold
    over = mag > threshold
    out = audio.copy()
    out[over] = np.sign(audio[over]) * (threshold + room * np.tanh((mag[over] - threshold) / room))
    return out


def normalise(path: Path, audio: np.ndarray, target_lufs: float = REFERENCE_LUFS) -> np.ndarray:
    """Level ``audio`` (already written at ``path``) to ``target_lufs`` with a soft limiter on the peaks.

    Two measured passes: gain + limiter, then a residual gain correction (the limiter lowers loudness a little).
    """
    current = integrated_lufs(path)
    if current <= -69:
        return audio
    out = soft_limit(audio * 10 ** ((target_lufs - current) / 20))
    write_stereo(path, out)
    residual = target_lufs - integrated_lufs(path)
    return soft_limit(out * 10 ** (residual / 20))
