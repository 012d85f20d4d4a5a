"""The audio mix: narration + music (+ kept clip audio), sidechain ducking, measured loudness, limiter.

The same graph builder serves a cheap audio-only measuring pass and the single video pass, so the gain
applied in the video pass is the one that was measured.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

import ffmpeg

from reelforge.tools.assembly.timeline import fit_clip
from reelforge.tools.media import probe, run_ffmpeg
from reelforge.tools.production import Timeline

TARGET_LUFS = -14.0
MAX_TRUE_PEAK = -1.0
LIMIT_DB = -2.0  # first sample-peak ceiling of the limiter; lowered when inter-sample peaks still poke out
CODEC_HEADROOM_DB = 1.2  # true-peak room kept for the AAC encoder's overshoot (measured up to 0.8 dB)
PEAK_MARGIN_DB = 0.2  # extra room when the encoded file's true peak is corrected after the fact
MUSIC_DB = -15.0  # music bed under the voice before ducking
CLIP_AUDIO_DB = -14.0  # a clip's ambience before ducking under the voice (a bed, like the music)
SCENE_AUDIO_DB = -2.0  # a clip's sound when it is the scene's sound (nobody speaks over it)
RATE = 48000

InputFor = Callable[[str, int, str], "ffmpeg.nodes.FilterableStream"]


@dataclass(frozen=True)
class Loudness:
    """EBU R128 measurement: integrated loudness (LUFS) and true peak (dBTP)."""

    integrated: float
    true_peak: float

    @classmethod
    def from_log(cls, log: str) -> Loudness:
        """Integrated loudness and true peak from the summary an ``ebur128=peak=true`` filter logs."""
        tail = log[log.rfind("Summary:"):] if "Summary:" in log else ""
        i = re.search(r"I:\s+(-?[\d.]+|-inf)\s+LUFS", tail)
        p = re.search(r"True peak:\s*\n\s*Peak:\s+(-?[\d.]+|-inf)\s+dBFS", tail)
        if not i:
            raise ValueError("no ebur128 summary in the ffmpeg log")
        integrated = float(i.group(1)) if i.group(1) != "-inf" else -math.inf
        peak = float(p.group(1)) if p and p.group(1) != "-inf" else -math.inf
        return cls(integrated=integrated, true_peak=peak)


@dataclass(frozen=True)
class MixLevels:
    """What the video pass applies: a linear gain and, when peaks need it, a limiter ceiling (linear)."""

    gain_db: float = 0.0
    limit: float | None = None
    measured: Loudness | None = None


def _norm(stream):
    return stream.filter("aresample", RATE).filter("aformat", sample_fmts="fltp", channel_layouts="stereo")


def _mix(streams: list):
    if len(streams) == 1:
        return streams[0]
    return ffmpeg.filter(streams, "amix", inputs=len(streams), normalize=0, duration="longest",
                         dropout_transition=0)


def _span(stream, start: float, total: float):
    """Delay a normalised stream to ``start`` and pad/trim it to the whole programme length."""
    if start > 0:
        stream = stream.filter("adelay", delays=int(round(start * 1000)), all=1)
    return stream.filter("apad", whole_dur=f"{total:.6f}").filter("atrim", duration=f"{total:.6f}")


def build_mix(tl: Timeline, input_for: InputFor, levels: MixLevels = MixLevels()):
    """The mixed stereo 48 kHz programme audio as an ffmpeg-python stream.

    ``input_for(path, index, role)`` returns the input node for a narration, the music or a clip
    (role ``"narration"``, ``"music"``, ``"clip"``) so the video pass can share the clips' inputs.
    """
    total = tl.duration_s
    voices = [_span(_norm(input_for(n.path, k, "narration").audio).filter("atrim", duration=f"{n.duration:.6f}"),
                    n.start, total) for k, n in enumerate(tl.narration)]
    bed = []
    if tl.music is not None:
        m = _norm(input_for(tl.music.path, 0, "music").audio).filter("volume", volume=f"{MUSIC_DB}dB")
        fade_out = min(2.5, total / 4)
        m = m.filter("afade", type="in", duration=min(0.5, total / 4))
        m = m.filter("afade", type="out", start_time=f"{total - fade_out:.3f}", duration=f"{fade_out:.3f}")
        bed.append(_span(m, tl.music.start, total))
    for k, c in enumerate(tl.clips):
        if not (c.use_audio and c.has_audio):
            continue
        fit = fit_clip(probe(c.path).duration_s, c.duration)
        a = _norm(input_for(c.path, k, "clip").audio).filter("atrim", duration=f"{fit.read_s:.6f}")
        if fit.speed != 1.0:
            a = a.filter("atempo", tempo=f"{1 / fit.speed:.6f}")
        a = a.filter("apad", whole_dur=f"{c.duration:.6f}").filter("atrim", duration=f"{c.duration:.6f}")
        level = SCENE_AUDIO_DB if c.sound == "scene" else CLIP_AUDIO_DB
        bed.append(_span(a.filter("volume", volume=f"{level}dB"), c.start, total))
    if voices and bed:
        split = _mix(voices).filter_multi_output("asplit", outputs=2)
        voice, key = split[0], split[1]
        ducked = ffmpeg.filter([_mix(bed), key], "sidechaincompress", threshold=0.02, ratio=8, attack=20,
                               release=300)
        out = _mix([voice, ducked])
    elif voices or bed:
        out = _mix(voices or bed)
    else:
        out = ffmpeg.input(f"anullsrc=r={RATE}:cl=stereo", f="lavfi", t=f"{total:.6f}").audio
    if levels.gain_db:
        out = out.filter("volume", volume=f"{levels.gain_db:.3f}dB")
    if levels.limit is not None:
        out = out.filter("alimiter", limit=f"{levels.limit:.4f}", attack=5, release=50, level=0)
    return out.filter("atrim", duration=f"{total:.6f}")


def audio_input(path: str, index: int, role: str):
    """An audio-only input for :func:`build_mix` (no video decoded)."""
    opts: dict = {"vn": None, "protocol_whitelist": "file", "thread_queue_size": 64 + index}
    if role == "music":
        opts["stream_loop"] = -1
    return ffmpeg.input(path, **opts)


def measure_mix(tl: Timeline, levels: MixLevels = MixLevels()) -> Loudness:
    """Render only the audio mix (no video decode) and measure it with ebur128."""
    stream = build_mix(tl, audio_input, levels).filter("ebur128", peak="true", framelog="quiet")
    args = ffmpeg.output(stream, "-", format="null").get_args()
    log = run_ffmpeg(["-loglevel", "info", *args], what="audio loudness measurement")
    return Loudness.from_log(log)


def measure_file(path: str | Path) -> Loudness:
    """Integrated loudness and true peak of an encoded file's audio."""
    log = run_ffmpeg(["-loglevel", "info", "-i", str(path), "-map", "0:a:0", "-af", "ebur128=peak=true:framelog=quiet",
                      "-f", "null", "-"], what=f"loudness of {Path(path).name}")
    return Loudness.from_log(log)


def quieter_peaks(levels: MixLevels, over_db: float) -> MixLevels:
    """``levels`` with the limiter's ceiling lowered by ``over_db`` (and a little more): the encoder's true-peak
    overshoot came out larger than ``CODEC_HEADROOM_DB``. Loudness barely moves: only peaks are held down."""
    ceiling_db = 20 * math.log10(levels.limit) if levels.limit else MAX_TRUE_PEAK - CODEC_HEADROOM_DB
    return replace(levels, limit=10 ** ((ceiling_db - over_db - PEAK_MARGIN_DB) / 20))


def plan_levels(tl: Timeline, *, target: float = TARGET_LUFS, max_tp: float = MAX_TRUE_PEAK) -> MixLevels:
    """Measure the mix and choose gain (and limiter) so the output lands on ``target`` LUFS, TP ≤ ``max_tp``.

    The limited mix is measured again: a limiter takes a little loudness away (topped up by gain) and a
    sample-peak limiter lets inter-sample peaks through (its ceiling is lowered by the measured excess).
    ``CODEC_HEADROOM_DB`` is kept free for the AAC encoder's own overshoot.
    """
    first = measure_mix(tl)
    if not math.isfinite(first.integrated):
        return MixLevels(measured=first)  # silence: nothing to normalise
    ceiling = max_tp - CODEC_HEADROOM_DB
    gain = target - first.integrated
    if first.true_peak + gain <= ceiling:
        return MixLevels(gain_db=gain, measured=first)
    limit_db = min(LIMIT_DB, ceiling)
    levels = MixLevels(gain_db=gain, limit=10 ** (limit_db / 20), measured=first)
    for _ in range(3):
        check = measure_mix(tl, levels)
        loud_ok = abs(check.integrated - target) <= 0.3
        peak_ok = check.true_peak <= ceiling
        if loud_ok and peak_ok:
            return MixLevels(gain_db=levels.gain_db, limit=levels.limit, measured=check)
        if not peak_ok:
            limit_db -= check.true_peak - ceiling + 0.1
        gain = levels.gain_db + (target - check.integrated if not loud_ok else 0.0)
        levels = MixLevels(gain_db=gain, limit=10 ** (limit_db / 20), measured=check)
    return levels
