"""A generated clip's own sound (a video model's native audio) is ambience ducked under the narration, the
scene's sound where nobody speaks, and the mix still lands on the loudness target."""

from __future__ import annotations

from pathlib import Path

import ffmpeg
import numpy as np
import pytest

from reelforge.tools.assembly import build_timeline
from reelforge.tools.assembly.audio import TARGET_LUFS, audio_input, build_mix, measure_mix, plan_levels
from reelforge.tools.media import run_ffmpeg
from reelforge.tools.production import Asset, Brief, Narration, Provenance, Scene, Shot, Storyboard

pytestmark = pytest.mark.slow
AMBIENCE_HZ, VOICE_HZ, RATE = 300, 1000, 48000


def _gen(args: list[str], out: Path) -> str:
    run_ffmpeg(["-f", "lavfi", "-i", *args, str(out)], what=f"test input {out.name}")
    return str(out)


def _asset(path: str, kind: str = "clip", **kw) -> Asset:
    return Asset(key=Path(path).stem, kind=kind, path=path, provenance=Provenance(source="test"), **kw)


def _band(samples: np.ndarray, hz: int) -> float:
    """Energy of one pure tone in a mono block (a single DFT bin)."""
    t = np.arange(len(samples)) / RATE
    return float(abs(np.dot(samples, np.exp(-2j * np.pi * hz * t))) / len(samples))


@pytest.fixture(scope="module")
def timeline(tmp_path_factory):
    d = tmp_path_factory.mktemp("native-audio")
    clip = _gen(["testsrc2=s=640x360:r=24", "-f", "lavfi", "-i", f"sine=f={AMBIENCE_HZ}:r=48000", "-t", "6",
                 "-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest"], d / "native.mp4")
    voice = _gen([f"sine=f={VOICE_HZ}:r=24000,volume=0.5", "-t", "2.5"], d / "voice.wav")
    board = Storyboard(scenes=[
        Scene(index=0, narration="over the valley", shots=[Shot(id="s1", visual_prompt="valley", seconds=3)]),
        Scene(index=1, narration="", shots=[Shot(id="s2", visual_prompt="river", seconds=3)]),
    ])
    clips = {"s1": _asset(clip, has_audio=True), "s2": _asset(clip, has_audio=True)}
    narr = Narration(text="over the valley", asset=_asset(voice, "narration"), words=[], duration_s=2.5)
    return build_timeline(board, clips, [narr], None, Brief(goal="t"))


def test_native_audio_is_ambience_under_the_voice_and_the_scene_sound_after(timeline, tmp_path):
    assert [c.sound for c in timeline.clips] == ["ambience", "scene"]
    levels = plan_levels(timeline)
    assert abs(measure_mix(timeline, levels).integrated - TARGET_LUFS) <= 1.0
    out = tmp_path / "mix.wav"
    stream = build_mix(timeline, audio_input, levels)
    run_ffmpeg([*ffmpeg.output(stream, str(out), ac=1, ar=RATE).get_args(), "-y"], what="mix render")
    pcm = _read(out)
    voice = timeline.narration[0]
    during = pcm[int((voice.start + 0.5) * RATE):int((voice.start + 2.0) * RATE)]
    second = timeline.clips[1]
    after = pcm[int((second.start + second.transition_s + 0.5) * RATE):int((second.start + 2.5) * RATE)]
    assert _band(during, VOICE_HZ) > 3 * _band(during, AMBIENCE_HZ) > 0  # the voice is on top, ambience kept
    assert _band(after, AMBIENCE_HZ) > 4 * _band(during, AMBIENCE_HZ)  # ducked under the voice, full after


def _read(path: Path) -> np.ndarray:
    import wave

    with wave.open(str(path)) as w:
        raw = w.readframes(w.getnframes())
        width = w.getsampwidth()
    dtype = {2: np.int16, 4: np.int32}[width]
    return np.frombuffer(raw, dtype).astype(np.float64) / float(np.iinfo(dtype).max)
