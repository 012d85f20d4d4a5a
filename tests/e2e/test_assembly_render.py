"""Assembly end to end on real files: every format, mixed inputs, captions, PiP, ducking, loudness, hand-off."""

from __future__ import annotations

import math
from pathlib import Path

import av
import numpy as np
import opentimelineio as otio
import pytest
from fakes.media_inputs import ffmpeg_input, one_second_clips

from reelforge.tools.assembly import assemble, build_timeline
from reelforge.tools.assembly.audio import MAX_TRUE_PEAK, MixLevels, measure_file, plan_levels
from reelforge.tools.assembly.graph import EncodeSettings, build_command
from reelforge.tools.assembly.handoff import grab_frame, write_handoff
from reelforge.tools.assembly.qc import run_qc
from reelforge.tools.assembly.render import render_one, settle_true_peak
from reelforge.tools.media import probe
from reelforge.tools.production import (
    Asset,
    AudioPlacement,
    Brief,
    Narration,
    Overlay,
    Provenance,
    Scene,
    Shot,
    Storyboard,
    Timeline,
    TimelineClip,
    WordTiming,
)
from reelforge.tools.settings import get_settings

pytestmark = pytest.mark.slow
HOSTILE = ["it's:", "a\\N", "[x],", "y;", "%{pts}", "🎉ok", "line\nbreak", "{\\fs300}"]


@pytest.fixture(scope="module")
def media(tmp_path_factory) -> dict[str, str]:
    d = tmp_path_factory.mktemp("assembly-media")
    lav = ["-f", "lavfi", "-i"]
    return {
        "p720": ffmpeg_input([*lav, "testsrc2=s=1280x720:r=24", "-t", "1.5", "-pix_fmt", "yuv420p"], d / "p720.mp4"),
        "p1080": ffmpeg_input([*lav, "testsrc=s=1920x1080:r=30", *lav, "sine=f=440:r=44100", "-t", "1.2",
                       "-pix_fmt", "yuv444p", "-c:a", "aac"], d / "p1080 it's, odd.mp4"),
        "still": ffmpeg_input([*lav, "color=c=0x2060c0:s=900x700", "-frames:v", "1"], d / "still.png"),
        "presenter": ffmpeg_input([*lav, "color=c=0x00ff00:s=400x400", "-frames:v", "1"], d / "presenter.png"),
        "voice": ffmpeg_input([*lav, "sine=f=1000:r=24000,volume=0.5", "-t", "1.2"], d / "voice.wav"),
        "music": ffmpeg_input([*lav, "sine=f=150:r=44100,volume=0.5", "-ac", "2", "-t", "6"], d / "music.mp3"),
    }


def _asset(path: str, kind: str = "clip", **kw) -> Asset:
    return Asset(key=Path(path).stem, kind=kind, path=path, provenance=Provenance(source="test"), **kw)


@pytest.fixture(scope="module")
def timeline(media) -> Timeline:
    board = Storyboard(scenes=[
        Scene(index=0, narration="v", shots=[Shot(id="s720", visual_prompt="x", seconds=1.0),
                                             Shot(id="s1080", visual_prompt="x", seconds=1.0)]),
        Scene(index=1, narration="", transition="crossfade", shots=[Shot(id="still", visual_prompt="x", seconds=1.0)]),
    ])
    clips = {"s720": _asset(media["p720"]), "s1080": _asset(media["p1080"], has_audio=True),
             "still": _asset(media["still"], "image")}
    words = [WordTiming(word=w, start=0.1 + 0.3 * i, end=0.35 + 0.3 * i) for i, w in enumerate(["Hello", "there", "world"])]
    narr = Narration(text="hello there world", asset=_asset(media["voice"], "narration"), words=words, duration_s=1.2)
    tl = build_timeline(board, clips, [narr], _asset(media["music"], "music"), Brief(goal="t"), keep_clip_audio=True)
    tl.overlays = [Overlay(path=media["presenter"], is_image=True, shape="circle", scale=0.3)]
    return tl


@pytest.fixture(scope="module")
def rendered(timeline, tmp_path_factory):
    out = tmp_path_factory.mktemp("assembly-out")
    seen: dict[str, float] = {}
    files = assemble(timeline, ["9:16", "16:9", "1:1", "4:5"], out, "demo", settings=get_settings(),
                     on_progress=lambda a, f: seen.__setitem__(a, max(f, seen.get(a, 0.0))))
    return out, files, seen


def test_every_format_right_size_duration_streams_and_qc(rendered, timeline):
    out, files, seen = rendered
    assert [f.aspect for f in files] == ["9:16", "16:9", "1:1", "4:5"]
    assert seen == {"9:16": 1.0, "16:9": 1.0, "1:1": 1.0, "4:5": 1.0}
    for f in files:
        assert Path(f.path).name == f"demo-{f.width}x{f.height}.mp4"
        info = probe(f.path)
        assert (info.width, info.height) == (f.width, f.height)
        assert abs(info.duration_s - timeline.duration_s) <= 1 / 30 + 0.025
        assert (info.video_codec, info.audio_codec, info.sample_rate) == ("h264", "aac", 48000)
        report = run_qc(f.path, expected_duration=timeline.duration_s, width=f.width, height=f.height,
                        words=timeline.words)
        assert report.passed, report.summary()
        loud = {c.name: c.value for c in report.checks}
        assert abs(loud["loudness"] + 14) <= 1 and loud["true_peak"] <= -1
    with open(files[0].path, "rb") as fh:  # faststart: moov before mdat
        head = fh.read(4096)
    assert head.find(b"moov") != -1 and (head.find(b"mdat") == -1 or head.find(b"moov") < head.find(b"mdat"))


def test_pip_presenter_drawn_with_circle_mask(rendered):
    _, files, _ = rendered
    for f in files[:2]:  # 9:16 and 16:9
        img = np.asarray(grab_frame(f.path, 0.5)).astype(int)
        box = round(0.3 * min(f.width, f.height) / 2) * 2
        margin = round(0.04 * min(f.width, f.height) / 2) * 2
        x0, y0 = f.width - box - margin, f.height - box - margin
        centre = img[y0 + box // 2 - 5:y0 + box // 2 + 5, x0 + box // 2 - 5:x0 + box // 2 + 5].mean(axis=(0, 1))
        assert centre[1] > 200 and centre[0] < 60 and centre[2] < 60, centre  # green presenter
        corner = img[y0 + 2:y0 + 8, x0 + 2:x0 + 8].mean(axis=(0, 1))
        assert not (corner[1] > 200 and corner[0] < 60), corner  # outside the circle: the scene shows


def test_handoff_files(rendered, timeline):
    out, _, _ = rendered
    files = write_handoff(timeline, None, out, "demo")
    tl = otio.adapters.read_from_file(files["otio"])
    kinds = [t.kind for t in tl.tracks]
    assert kinds == ["Video", "Audio", "Audio"]
    clips = list(tl.tracks[0].find_clips())
    assert len(clips) == 3 and all(Path(c.media_reference.target_url.removeprefix("file://")).name for c in clips)
    assert abs(tl.tracks[0].duration().to_seconds() - timeline.duration_s) < 0.05
    from PIL import Image
    assert Image.open(files["contact_sheet"]).size[0] >= 320 * 3
    assert Image.open(files["thumbnail"]).size in {(f.width, f.height) for f in rendered[1]}


SMALL = (360, 640)


def _render_small(tl: Timeline, out: Path, levels: MixLevels = MixLevels()) -> Path:
    render_one(tl, *SMALL, out, encode=EncodeSettings(preset="ultrafast", crf=23), levels=levels)
    return out


def _caption_timeline(media, words: list[str], captions: bool = True) -> Timeline:
    ws = [WordTiming(word=w, start=0.2 + 0.25 * i, end=0.4 + 0.25 * i) for i, w in enumerate(words)]
    return Timeline(duration_s=2.0, clips=[TimelineClip(shot_id="a", path=media["still"], start=0, duration=2.0,
                                                        is_image=True)],
                    narration=[AudioPlacement(path=media["voice"], start=0.0, duration=1.2)],
                    words=ws, captions=captions, caption_preset="box")


def test_captions_visible_and_hostile_text_changes_nothing_else(media, tmp_path):
    plain = _render_small(_caption_timeline(media, ["x"] * 8, captions=False), tmp_path / "plain.mp4")
    benign_tl = _caption_timeline(media, ["one", "two", "six", "ten", "red", "big", "cat", "dog"])
    hostile_tl = _caption_timeline(media, HOSTILE)
    args = [build_command(tl, *SMALL, tmp_path / "h.mp4", ass_path=tmp_path / "h.ass", levels=MixLevels(),
                          encode=EncodeSettings(), work_dir=tmp_path) for tl in (benign_tl, hostile_tl)]
    assert args[0] == args[1]  # caption text never reaches the command line or the filtergraph
    hostile = _render_small(hostile_tl, tmp_path / "hostile.mp4")
    for i in range(len(HOSTILE) - 1):
        t = hostile_tl.words[i].start + 0.1
        a = np.asarray(grab_frame(plain, t)).astype(int)
        b = np.asarray(grab_frame(hostile, t)).astype(int)
        changed = np.abs(a - b).max(axis=2) > 40
        rows = np.nonzero(changed.any(axis=1))[0]
        assert changed.sum() > 150, f"no caption drawn for {HOSTILE[i]!r}"
        assert rows.min() > SMALL[1] * 0.4  # only the caption area changed, nothing else
    assert "\\N" not in (tmp_path / "hostile.ass").read_text().split("[Events]")[1].replace("}\\N", "").split(
        "Text")[1].replace("\\\u2060N", "")


def _band_db(samples: np.ndarray, rate: int, freq: float, t0: float, t1: float) -> float:
    seg = samples[int(t0 * rate):int(t1 * rate)]
    spec = np.abs(np.fft.rfft(seg * np.hanning(len(seg))))
    freqs = np.fft.rfftfreq(len(seg), 1 / rate)
    band = spec[(freqs > freq - 20) & (freqs < freq + 20)]
    return 20 * math.log10(float(band.max()) + 1e-12)


def test_ducking_lowers_music_under_speech_and_loudness_is_measured(media, tmp_path):
    tl = Timeline(duration_s=4.0, clips=[TimelineClip(shot_id="a", path=media["still"], start=0, duration=4.0,
                                                      is_image=True)],
                  narration=[AudioPlacement(path=media["voice"], start=1.4, duration=1.2)],
                  music=AudioPlacement(path=media["music"], start=0.0, duration=4.0), captions=False)
    levels = plan_levels(tl)
    out = _render_small(tl, tmp_path / "duck.mp4", levels)
    with av.open(str(out)) as c:
        rate = c.streams.audio[0].rate
        samples = np.concatenate([f.to_ndarray()[0] for f in c.decode(audio=0)])
    before = _band_db(samples, rate, 150, 0.6, 1.3)
    under = _band_db(samples, rate, 150, 1.9, 2.5)
    assert under < before - 6, (before, under)
    assert _band_db(samples, rate, 1000, 1.9, 2.5) > under  # the voice is on top
    report = run_qc(out, expected_duration=4.0, width=SMALL[0], height=SMALL[1])
    checks = {c.name: c for c in report.checks}
    assert checks["loudness"].passed and checks["true_peak"].passed, report.summary()


def test_a_long_timeline_renders_in_chunks_that_match_the_single_pass(media, tmp_path):
    from reelforge.tools.assembly.graph import plan_chunks

    kinds = ["p720", "p1080", "still", "p720", "p1080", "still"]
    trans = [0.0, 0.2, 0.2, 0.0, 0.2, 0.2, 0.0]  # into each clip (a cut at 0 and 3 s), on the 30 fps grid
    clips = one_second_clips(media, kinds, trans, shot_prefix="c")
    words = [WordTiming(word=f"w{i}", start=0.1 + 0.5 * i, end=0.4 + 0.5 * i) for i in range(11)]
    tl = Timeline(duration_s=6.0, clips=clips, narration=[AudioPlacement(path=media["voice"], start=0.5, duration=1.2)],
                  music=AudioPlacement(path=media["music"], start=0.0, duration=6.0), words=words, caption_preset="box")
    chunks = plan_chunks(tl, 3)
    assert len(chunks) >= 2 and chunks[0].start_frame == 0 and chunks[-1].end_frame == 180
    assert all(a.end_frame == b.start_frame and a.last == b.first for a, b in zip(chunks, chunks[1:], strict=False))
    assert all(c.last - c.first + 1 <= 3 for c in chunks[:-1])
    seen: list[float] = []
    render_one(tl, *SMALL, tmp_path / "chunked.mp4", encode=EncodeSettings(preset="ultrafast", crf=18),
               levels=MixLevels(), max_clips=3, on_fraction=seen.append)
    render_one(tl, *SMALL, tmp_path / "single.mp4", encode=EncodeSettings(preset="ultrafast", crf=18),
               levels=MixLevels(), max_clips=99)
    assert seen == sorted(seen) and seen[-1] > 0.9
    with av.open(str(tmp_path / "chunked.mp4")) as c:
        frames = sum(1 for _ in c.decode(video=0))
    assert frames == 180
    info = probe(tmp_path / "chunked.mp4")
    assert abs(info.duration_s - 6.0) <= 1 / 30 + 0.025 and info.audio_codec == "aac"
    for t in (0.5, 1.0, 1.95, 2.5, 3.0, 4.0, 5.5):  # same picture (clips, transitions, captions) at every time
        a = np.asarray(grab_frame(tmp_path / "chunked.mp4", t)).astype(int)
        b = np.asarray(grab_frame(tmp_path / "single.mp4", t)).astype(int)
        assert np.abs(a - b).mean() < 4, t


def test_an_encoded_true_peak_over_the_limit_is_mixed_again_and_the_video_kept(media, tmp_path):
    square = ffmpeg_input(["-f", "lavfi", "-i", "aevalsrc=0.98*sgn(sin(2*PI*997*t)):s=48000", "-t", "3"],
                          tmp_path / "square.wav")  # hard edges: inter-sample peaks well over the sample peak
    tl = Timeline(duration_s=3.0, clips=[TimelineClip(shot_id="a", path=media["still"], start=0, duration=3.0,
                                                      is_image=True)],
                  music=AudioPlacement(path=square, start=0.0, duration=3.0), captions=False)
    out = _render_small(tl, tmp_path / "hot.mp4", MixLevels(gain_db=17.0))  # planned without any peak room
    assert measure_file(out).true_peak > MAX_TRUE_PEAK
    with av.open(str(out)) as c:
        frames_before = [f.to_ndarray().tobytes() for f in c.decode(video=0)]
    settle_true_peak(tl, out, MixLevels(gain_db=17.0), EncodeSettings(preset="ultrafast", crf=23))
    assert measure_file(out).true_peak <= MAX_TRUE_PEAK
    with av.open(str(out)) as c:
        assert [f.to_ndarray().tobytes() for f in c.decode(video=0)] == frames_before  # the video was copied
    assert not list(tmp_path.glob("*.tmp*"))  # no temporary file left behind
