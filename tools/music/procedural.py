"""A procedural music generator in pure numpy: pads, bass, arpeggio and drums per mood; loopable, seeded.

Output is CC0 ("generated (reelforge, CC0)"): no samples, soundfonts or weights are used.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

RATE = 44100
LICENCE = "generated (reelforge, CC0)"


@dataclass(frozen=True)
class MoodStyle:
    bpm: int
    minor: bool
    progression: tuple[int, ...]  # scale degrees (0-based) of the chord roots, one chord per bar
    energy: float  # 0..1: drum density and loudness
    drums: str  # "" | "soft" | "full" | "sparse"
    arp_div: int  # arpeggio notes per beat (0 = none)
    pad: float  # pad level
    genre: str


STYLES: dict[str, MoodStyle] = {
    "upbeat": MoodStyle(118, False, (0, 4, 5, 3), 0.85, "full", 4, 0.5, "pop"),
    "calm": MoodStyle(76, False, (0, 5, 3, 4), 0.2, "", 2, 0.9, "ambient"),
    "dramatic": MoodStyle(90, True, (0, 5, 2, 6), 0.65, "sparse", 2, 0.9, "cinematic"),
    "corporate": MoodStyle(108, False, (0, 3, 5, 4), 0.55, "soft", 2, 0.6, "corporate"),
    "playful": MoodStyle(124, False, (0, 3, 4, 3), 0.75, "full", 4, 0.35, "quirky"),
    "dark": MoodStyle(70, True, (0, 5, 3, 4), 0.4, "sparse", 1, 1.0, "dark ambient"),
}
MAJOR = (0, 2, 4, 5, 7, 9, 11)
MINOR = (0, 2, 3, 5, 7, 8, 10)


def _hz(midi: float) -> float:
    return 440.0 * 2 ** ((midi - 69) / 12)


@lru_cache(maxsize=256)
def _env(n: int, attack: float, release: float) -> np.ndarray:
    a, r = max(1, int(attack * RATE)), max(1, int(release * RATE))
    env = np.ones(n, dtype=np.float32)
    env[: min(a, n)] = np.linspace(0, 1, min(a, n))
    env[max(0, n - r):] *= np.linspace(1, 0, min(r, n))
    env.setflags(write=False)
    return env


@lru_cache(maxsize=512)
def _tone(freq: float, n: int, harmonics: int, decay: float | None) -> np.ndarray:
    t = np.arange(n, dtype=np.float32) / RATE
    wave = sum(np.sin((2 * np.pi * freq * h) * t) / h for h in range(1, harmonics + 1))
    wave = wave * (np.exp(-t / decay) if decay else 1.0)
    wave.setflags(write=False)  # cached: shared between calls
    return wave


def _add(buf: np.ndarray, start: int, sound: np.ndarray, pan: float = 0.0) -> None:
    """Mix ``sound`` into the stereo loop ``buf`` at ``start``, wrapping around so the loop is seamless."""
    stereo = np.stack([sound * (1 - pan), sound * (1 + pan)], axis=1)
    n, pos, done = buf.shape[0], start % buf.shape[0], 0
    while done < len(stereo):
        take = min(n - pos, len(stereo) - done)
        buf[pos:pos + take] += stereo[done:done + take]
        done, pos = done + take, 0


def _drum(kind: str, rng: np.random.Generator) -> np.ndarray:
    n = int(0.25 * RATE)
    t = np.arange(n) / RATE
    if kind == "kick":
        phase = 2 * np.pi * np.cumsum(45 + 90 * np.exp(-t / 0.03)) / RATE
        return np.sin(phase) * np.exp(-t / 0.12)
    noise = rng.standard_normal(n)
    if kind == "snare":
        return (0.6 * noise + 0.5 * np.sin(2 * np.pi * 185 * t)) * np.exp(-t / 0.06) * 0.6
    hat = np.diff(noise, prepend=0.0)  # crude high-pass
    return hat * np.exp(-t / 0.02) * 0.18


def generate(mood: str, *, seed: int = 0, bars: int = 8, bpm: float | None = None,
             energy: float | None = None) -> tuple[np.ndarray, float]:
    """Render a seamless ``bars``-bar loop for ``mood``; returns (stereo float32 samples at 44.1 kHz, bpm)."""
    if mood not in STYLES:
        raise ValueError(f"unknown mood {mood!r}; use one of {', '.join(STYLES)}")
    style = STYLES[mood]
    rng = np.random.default_rng([seed, list(STYLES).index(mood)])
    tempo = float(bpm or style.bpm)
    level = style.energy if energy is None else float(np.clip(energy, 0, 1))
    beat = 60.0 / tempo
    beat_n = int(round(beat * RATE))
    bar_n = 4 * beat_n
    buf = np.zeros((bars * bar_n, 2))
    scale = MINOR if style.minor else MAJOR
    root = 45 + int(rng.integers(0, 7))  # A2..D#3
    arp_shape = rng.permutation([0, 1, 2, 3]) if rng.random() < 0.5 else np.array([0, 1, 2, 1])
    for bar in range(bars):
        degree = style.progression[bar % len(style.progression)]
        chord = [root + 12 + scale[(degree + k) % 7] + 12 * ((degree + k) // 7) for k in (0, 2, 4)]
        start = bar * bar_n
        for i, note in enumerate(chord):  # pad: whole bar, slow attack
            pad = _tone(_hz(note), bar_n + beat_n, 4, None) * _env(bar_n + beat_n, 0.4 * beat, beat)
            _add(buf, start, 0.09 * style.pad * pad, pan=(i - 1) * 0.4)
        for b in range(4):  # bass on every beat (every other beat when calm)
            if level < 0.3 and b % 2:
                continue
            bass = _tone(_hz(chord[0] - 12), beat_n, 2, 0.35 * beat) * _env(beat_n, 0.005, 0.05)
            _add(buf, start + b * beat_n, 0.22 * bass)
        if style.arp_div:
            step = beat_n // style.arp_div
            for k in range(4 * style.arp_div):
                note = chord[int(arp_shape[k % 4]) % 3] + 12 + (12 if k % 8 == 7 else 0)
                pluck = _tone(_hz(note), step * 2, 3, 0.25 * beat) * _env(step * 2, 0.003, 0.02)
                _add(buf, start + k * step, 0.07 * pluck, pan=0.3 if k % 2 else -0.3)
        _drums(buf, start, beat_n, style.drums, level, rng)
    buf /= max(1e-9, float(np.abs(buf).max())) / 0.8
    return buf.astype(np.float32), tempo


def _drums(buf: np.ndarray, start: int, beat_n: int, pattern: str, level: float, rng: np.random.Generator) -> None:
    if not pattern:
        return
    gain = 0.35 + 0.5 * level
    kicks = {"full": (0, 1, 2, 3), "soft": (0, 2), "sparse": (0,)}[pattern]
    for b in kicks:
        _add(buf, start + b * beat_n, gain * _drum("kick", rng))
    if pattern in ("full", "soft"):
        for b in (1, 3):
            _add(buf, start + b * beat_n, gain * _drum("snare", rng) * (0.6 if pattern == "soft" else 1.0))
    hats = 2 if pattern == "soft" or level < 0.6 else 4
    if pattern != "sparse":
        for k in range(4 * hats):
            _add(buf, start + k * beat_n // hats, gain * _drum("hat", rng), pan=0.5)
