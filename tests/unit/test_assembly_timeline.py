"""build_timeline / fit_clip / formats: pure placement arithmetic on the frame grid."""

from __future__ import annotations

import pytest

from reelforge.tools.assembly.formats import cover_crop, output_path, reframe_mode
from reelforge.tools.assembly.timeline import build_timeline, fit_clip
from reelforge.tools.production import Asset, Brief, Narration, Provenance, Scene, Shot, Storyboard, WordTiming


def _asset(path: str, kind: str = "clip", **kw) -> Asset:
    return Asset(key=path, kind=kind, path=path, provenance=Provenance(source="test"), **kw)


def _narration(seconds: float, words: list[tuple[str, float, float]]) -> Narration:
    return Narration(text="x", asset=_asset(f"n{seconds}.wav", "narration"), duration_s=seconds,
                     words=[WordTiming(word=w, start=s, end=e) for w, s, e in words])


@pytest.fixture
def board() -> Storyboard:
    return Storyboard(scenes=[
        Scene(index=0, narration="one", shots=[Shot(id="a", visual_prompt="a", seconds=3),
                                               Shot(id="b", visual_prompt="b", seconds=1)]),
        Scene(index=1, narration="two", transition="dip", shots=[Shot(id="c", visual_prompt="c", seconds=4)]),
        Scene(index=2, narration="", transition="wipeleft", shots=[Shot(id="d", visual_prompt="d", seconds=2)]),
    ])


def test_narration_back_to_back_and_shots_share_the_span(board):
    clips = {s: _asset(f"{s}.mp4") for s in "abc"} | {"d": _asset("d.png", "image")}
    narr = [_narration(4.0, [("hello", 0.1, 0.5), ("world", 0.6, 1.0)]), _narration(2.0, [("again", 0.0, 0.4)])]
    tl = build_timeline(board, clips, narr, _asset("m.mp3", "music"), Brief(goal="g", caption_preset="box"))
    fps = tl.fps
    # scene spans: narration + gap, then the planned 2 s of the silent scene
    assert tl.duration_s == pytest.approx((round(4.35 * fps) + round(2.35 * fps) + 2 * fps) / fps)
    assert [p.start for p in tl.narration] == pytest.approx([5 / fps, (round(4.35 * fps) + 5) / fps], abs=1e-3)
    # words shifted to absolute time
    assert tl.words[0].start == pytest.approx(5 / fps + 0.1, abs=1e-3)
    assert tl.words[2].start == pytest.approx(tl.narration[1].start, abs=1e-3)
    a, b, c, d = tl.clips
    # 3:1 split of scene one; a cut inside the scene, the scene's transition into the next
    assert a.duration == pytest.approx(3 * (b.duration - c.transition_s / 2), abs=2 / fps)
    assert (b.transition, c.transition, d.transition) == ("cut", "dip", "wipeleft")
    # overlaps equal the transition length; everything on the frame grid and ends at the total
    assert b.start == pytest.approx(a.start + a.duration)
    assert c.start == pytest.approx(b.start + b.duration - c.transition_s)
    assert d.start + d.duration == pytest.approx(tl.duration_s)
    for clip in tl.clips:
        assert abs(clip.start * fps - round(clip.start * fps)) < 1e-6
    assert d.is_image and not a.is_image
    assert tl.music is not None and tl.music.duration == pytest.approx(tl.duration_s)
    assert tl.caption_preset == "box"


def test_a_generated_clips_own_sound_follows_its_shot(board):
    clips = {s: _asset(f"{s}.mp4", has_audio=(s in "ab")) for s in "abcd"}
    auto = build_timeline(board, clips, [], None, Brief(goal="g")).clips
    assert [c.sound for c in auto] == ["scene", "scene", "mute", "mute"]  # nobody speaks: the shot's own sound
    assert [c.use_audio for c in auto] == [True, True, False, False]
    muted = board.model_copy(deep=True)
    muted.scenes[0].shots[0].sound = "mute"
    muted.scenes[0].shots[1].kind = "stock"  # stock footage's sound is not the video's unless asked
    assert [c.sound for c in build_timeline(muted, clips, [], None, Brief(goal="g")).clips][:2] == ["mute", "mute"]
    kept = build_timeline(board, clips, [], None, Brief(goal="g"), keep_clip_audio=True)
    assert [c.sound for c in kept.clips] == ["ambience", "ambience", "mute", "mute"]
    assert kept.music is None and kept.duration_s == pytest.approx(board.total_seconds)


def test_missing_clip_is_named(board):
    with pytest.raises(ValueError, match="shot\\(s\\) c"):
        build_timeline(board, {s: _asset(f"{s}.mp4") for s in "abd"}, [], None, Brief(goal="g"))


@pytest.mark.parametrize(("source", "needed", "speed", "hold"), [
    (6.0, 4.0, 1.0, 0.0),  # trim
    (4.0, 4.3, 4.3 / 4.0, 0.0),  # slow down ≤ 10 %
    (4.0, 6.0, 1.0, 2.0),  # hold the last frame
    (0.0, 3.0, 1.0, 3.0),  # a still
])
def test_fit_clip(source, needed, speed, hold):
    fit = fit_clip(source, needed)
    assert fit.speed == pytest.approx(speed) and fit.hold_s == pytest.approx(hold)
    assert fit.read_s * fit.speed + fit.hold_s == pytest.approx(needed)
    assert 0.9 <= fit.speed <= 1.1


def test_reframe_and_names():
    assert reframe_mode(1920, 1080, 1080, 1920) == "crop"  # keeps 32 % of a landscape picture
    assert reframe_mode(1080, 1920, 1920, 1080) == "fill"  # a portrait source is never cropped to landscape
    assert reframe_mode(1000, 1000, 1920, 1080) == "crop"
    assert cover_crop(1920, 1080, 1080, 1920) == (608, 1080, 656, 0)
    assert output_path("o", "my-video", 1080, 1920).name == "my-video-1080x1920.mp4"
    for bad in ("../x", "a/b", "", "a b"):
        with pytest.raises(ValueError, match="slug"):
            output_path("o", bad, 1, 1)


def test_planned_static_spans_cover_stills(board):
    from reelforge.tools.assembly.qc import _allowed, planned_static_spans

    clips = {s: _asset(f"{s}.png", "image") for s in "abcd"}
    tl = build_timeline(board, clips, [], None, Brief(goal="g"))
    spans = planned_static_spans(tl)
    assert len(spans) == 4 and spans[-1][1] == pytest.approx(tl.duration_s)
    assert _allowed((tl.clips[2].start + 0.05, tl.clips[2].start + 2.0), spans, tl.duration_s)
    assert not _allowed((0.0, tl.duration_s), spans, tl.duration_s)


def test_a_fast_voice_is_paced_to_the_target_with_longer_pauses(board):
    clips = {s: _asset(f"{s}.mp4") for s in "abcd"}
    narr = [_narration(4.0, []), _narration(2.0, [])]
    natural = build_timeline(board, clips, narr, None, Brief(goal="g"))
    paced = build_timeline(board, clips, narr, None, Brief(goal="g"), target_s=natural.duration_s + 3.0)
    assert paced.duration_s == pytest.approx(natural.duration_s + 3.0, abs=1e-6)
    # the extra time is pause around the narration, never a stretched voice
    assert [p.duration for p in paced.narration] == [4.0, 2.0]
    assert paced.narration[0].start > natural.narration[0].start


def test_pacing_adds_at_most_a_few_seconds_per_scene_and_only_shrinks_pauses(board):
    clips = {s: _asset(f"{s}.mp4") for s in "abcd"}
    narr = [_narration(4.0, []), _narration(2.0, [])]
    natural = build_timeline(board, clips, narr, None, Brief(goal="g"))
    far = build_timeline(board, clips, narr, None, Brief(goal="g"), target_s=natural.duration_s + 60)
    assert far.duration_s == pytest.approx(natural.duration_s + 2 * 4.0, abs=1e-6)  # capped, not padded to 60 s
    short = build_timeline(board, clips, narr, None, Brief(goal="g"), target_s=1.0)
    assert natural.duration_s - 2 * 0.25 - 0.04 < short.duration_s < natural.duration_s  # pauses trimmed only
    ends = [p.start + p.duration for p in short.narration]
    assert ends[0] <= short.narration[1].start  # narration never overlaps


def test_bigger_sources_render_fewer_clips_per_ffmpeg_run(monkeypatch):
    from types import SimpleNamespace

    from reelforge.tools.assembly import render
    from reelforge.tools.production import Timeline, TimelineClip

    sizes = {"hd.mp4": (1920, 1080), "uhd.mp4": (3840, 2160), "still.png": (8000, 8000)}
    monkeypatch.setattr(render, "probe", lambda p: SimpleNamespace(width=sizes[p][0], height=sizes[p][1]))

    def timeline(*paths):
        return Timeline(duration_s=3, clips=[TimelineClip(shot_id=str(i), path=p, start=i, duration=1,
                                                          is_image=p.endswith(".png")) for i, p in enumerate(paths)])

    assert render._clips_per_run(timeline("hd.mp4", "still.png"), 12) == 12  # stills are not decoded streams
    assert render._clips_per_run(timeline("hd.mp4", "uhd.mp4"), 12) == 3


def test_timeline_markers_keep_the_writers_line(board, tmp_path):
    import opentimelineio as otio

    from reelforge.tools.assembly.handoff import write_otio

    clips = {s: _asset(f"{s}.mp4") for s in "abc"} | {"d": _asset("d.png", "image")}
    written = _narration(4.0, [("Pour", 0.1, 0.5), ("50", 0.6, 1.0), ("g.", 1.0, 1.6)]).model_copy(
        update={"text": "Pour 50 g.", "spoken": "Pour fifty grams."})
    tl = build_timeline(board, clips, [written, _narration(2.0, [("x", 0.0, 0.4)])], None, Brief(goal="g"))
    assert (tl.narration[0].text, tl.narration[0].spoken) == ("Pour 50 g.", "Pour fifty grams.")
    back = otio.adapters.read_from_file(str(write_otio(tl, tmp_path / "t.otio")))
    [track] = [t for t in back.tracks if t.name == "Narration"]
    first = track.markers[0]
    assert first.name == "Pour 50 g." and first.metadata["reelforge"]["spoken"] == "Pour fifty grams."
    assert first.marked_range.start_time.to_seconds() == pytest.approx(tl.narration[0].start, abs=1 / tl.fps)
