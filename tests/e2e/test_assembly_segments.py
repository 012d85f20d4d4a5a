"""Incremental assembly: a change to one clip re-encodes only its spans; the rest is frame-identical."""

from __future__ import annotations

import hashlib
from pathlib import Path

import av
import pytest
from fakes.media_inputs import ffmpeg_input, one_second_clips

from reelforge.tools.assembly.audio import MixLevels
from reelforge.tools.assembly.graph import EncodeSettings
from reelforge.tools.assembly.qc import run_qc
from reelforge.tools.assembly.render import render_one
from reelforge.tools.assembly.segment_cache import SegmentCache
from reelforge.tools.assembly.segments import plan_segments
from reelforge.tools.production import AudioPlacement, Overlay, Timeline, WordTiming

pytestmark = pytest.mark.slow
SIZE = (180, 320)
FPS = 30
ENCODE = EncodeSettings(preset="ultrafast", crf=23)


@pytest.fixture(scope="module")
def media(tmp_path_factory) -> dict[str, str]:
    d = tmp_path_factory.mktemp("segment-media")
    lav = ["-f", "lavfi", "-i"]
    clip = ["-t", "1.6", "-pix_fmt", "yuv420p", "-c:v", "libx264", "-preset", "ultrafast"]
    return {
        "a": ffmpeg_input([*lav, "testsrc2=s=320x240:r=30", *clip], d / "a.mp4"),
        "b": ffmpeg_input([*lav, "testsrc=s=320x240:r=24", *clip], d / "b.mp4"),
        "c": ffmpeg_input([*lav, "rgbtestsrc=s=320x240:r=30", *clip], d / "c.mp4"),
        "d": ffmpeg_input([*lav, "smptebars=s=320x240:r=30", *clip], d / "d.mp4"),
        "new": ffmpeg_input([*lav, "mandelbrot=s=320x240:r=30", *clip], d / "new.mp4"),
        "still": ffmpeg_input([*lav, "color=c=0x2060c0:s=300x200", "-frames:v", "1"], d / "still.png"),
        "pip": ffmpeg_input([*lav, "color=c=0x00ff00:s=100x100", "-frames:v", "1"], d / "pip.png"),
        "voice": ffmpeg_input([*lav, "sine=f=300:r=24000,volume=0.5", "-t", "3.0"], d / "voice.wav"),
        "music": ffmpeg_input([*lav, "sine=f=150:r=44100,volume=0.3", "-ac", "2", "-t", "5"], d / "music.mp3"),
    }


def _timeline(media: dict[str, str], second: str = "b") -> Timeline:
    """Five clips, one second each: crossfades into 1, 2 and 4, cuts into 3; captions, music, a presenter."""
    names = ["a", second, "c", "still", "d"]
    trans = [0.0, 0.2, 0.2, 0.0, 0.2, 0.0]
    clips = one_second_clips(media, names, trans)
    words = [WordTiming(word=f"word{i}", start=0.1 + 0.4 * i, end=0.4 + 0.4 * i) for i in range(12)]
    return Timeline(duration_s=5.0, fps=FPS, clips=clips, words=words, caption_preset="bold",
                    narration=[AudioPlacement(path=media["voice"], start=0.5, duration=3.0)],
                    music=AudioPlacement(path=media["music"], start=0.0, duration=5.0),
                    overlays=[Overlay(path=media["pip"], is_image=True, start=3.2, duration=1.0, scale=0.3)])


def _frames(path: Path) -> list[str]:
    with av.open(str(path)) as c:
        return [hashlib.sha256(f.to_ndarray(format="yuv420p").tobytes()).hexdigest() for f in c.decode(video=0)]


def _render(tl: Timeline, out: Path, cache: SegmentCache):
    return render_one(tl, *SIZE, out, encode=ENCODE, levels=MixLevels(), cache=cache)


def test_segments_tile_the_programme(media):
    segments = plan_segments(_timeline(media))
    assert segments[0].start_frame == 0 and segments[-1].end_frame == 5 * FPS
    assert [len(s.windows) for s in segments] == [1, 2, 1, 2, 1, 1, 2, 1]  # solo / transition spans
    assert all(a.end_frame == b.start_frame for a, b in zip(segments, segments[1:], strict=False))


def test_one_changed_clip_reencodes_its_spans_and_the_rest_is_frame_identical(media, tmp_path):
    cache = SegmentCache(tmp_path / "cache")
    before = _render(_timeline(media), tmp_path / "v1.mp4", cache)
    assert before.segments == before.segments_encoded == 8
    again = _render(_timeline(media), tmp_path / "v1-again.mp4", cache)
    assert again.segments_encoded == 0  # nothing changed: only the join (and the audio) runs

    edited = _timeline(media, second="new")
    after = _render(edited, tmp_path / "v2.mp4", cache)
    assert after.segments_encoded == 3  # the transition in, the clip alone, the transition out
    full = _render(edited, tmp_path / "v2-full.mp4", SegmentCache(tmp_path / "fresh"))
    assert full.segments_encoded == 8

    v1, v2, v2_full = _frames(tmp_path / "v1.mp4"), _frames(tmp_path / "v2.mp4"), _frames(tmp_path / "v2-full.mp4")
    assert len(v1) == len(v2) == len(v2_full) == 5 * FPS
    assert v2 == v2_full  # the incremental render is the full render, frame for frame
    touched = range(round(0.9 * FPS), round(2.1 * FPS))  # clip 1 and its crossfades
    assert all(v1[i] == v2[i] for i in range(len(v1)) if i not in touched)
    assert all(v1[i] != v2[i] for i in range(round(1.1 * FPS), round(1.9 * FPS)))
    for path in (tmp_path / "v2.mp4", tmp_path / "v2-full.mp4"):
        report = run_qc(path, expected_duration=5.0, width=SIZE[0], height=SIZE[1])
        assert {c.name: c.passed for c in report.checks}["duration"], report.summary()


def test_the_cache_stays_under_its_cap(media, tmp_path):
    cache = SegmentCache(tmp_path / "cache", cap_mb=0)
    _render(_timeline(media), tmp_path / "v1.mp4", cache)
    assert not list((tmp_path / "cache").glob("*/*.ts"))
    assert len(_frames(tmp_path / "v1.mp4")) == 5 * FPS  # pruned after the join, the output is whole
