"""Speech/silence analysis on mono samples: frame energy, speech bounds and pauses (numpy only)."""

from __future__ import annotations

import numpy as np

FRAME_S = 0.01


def frame_rms(samples: np.ndarray, sample_rate: int) -> np.ndarray:
    """RMS per 10 ms frame."""
    hop = max(1, int(sample_rate * FRAME_S))
    n = len(samples) // hop
    if n == 0:
        return np.zeros(0)
    frames = samples[: n * hop].astype(np.float64).reshape(n, hop)
    return np.sqrt((frames**2).mean(axis=1))


def voiced(samples: np.ndarray, sample_rate: int, rel_threshold: float = 0.06) -> np.ndarray:
    """Boolean per 10 ms frame: louder than ``rel_threshold`` × the 95th-percentile frame level."""
    rms = frame_rms(samples, sample_rate)
    if rms.size == 0:
        return np.zeros(0, dtype=bool)
    ref = float(np.percentile(rms, 95)) or 1.0
    return rms > ref * rel_threshold


def speech_bounds(flags: np.ndarray) -> tuple[float, float]:
    """(first, last) voiced time in seconds; (0, 0) when silent."""
    idx = np.flatnonzero(flags)
    if idx.size == 0:
        return 0.0, 0.0
    return idx[0] * FRAME_S, (idx[-1] + 1) * FRAME_S


def pauses(flags: np.ndarray, min_s: float = 0.08) -> list[tuple[float, float]]:
    """Silent runs of at least ``min_s`` strictly inside the speech, as (start, end) seconds."""
    first, last = speech_bounds(flags)
    out: list[tuple[float, float]] = []
    run_start = None
    for i, f in enumerate(flags):
        t = i * FRAME_S
        if not f and first < t < last:
            run_start = t if run_start is None else run_start
        elif run_start is not None:
            if t - run_start >= min_s:
                out.append((run_start, t))
            run_start = None
    return out


def trim_end(flags: np.ndarray, start: float, end: float) -> float:
    """Move ``end`` back over trailing silence, not before ``start`` + 50 ms."""
    i = min(int(end / FRAME_S), len(flags)) - 1
    floor = int((start + 0.05) / FRAME_S)
    while i > floor and not flags[i]:
        i -= 1
    return max(start + 0.05, min(end, (i + 1) * FRAME_S))
