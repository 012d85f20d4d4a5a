"""The offline motion renderer on real encodes: size, frame count, fps, determinism, looks, text, Ken Burns."""

from __future__ import annotations

import hashlib
import tempfile
from pathlib import Path

import av
import numpy as np
import pytest
from PIL import Image, ImageDraw

from reelforge.tools.clips.motion import keyframe, render_motion
from reelforge.tools.clips.motion_frames import (
    ass_escape,
    background_frames,
    drop_missing_symbols,
    filter_value,
    write_ass,
)
from reelforge.tools.media import probe

W, H, FPS = 160, 96, 20
HOSTILE = "It's 50%: a\\b, c; [d] %{x} {\\b1}bold}\nline two 🎬🐝"


def frames(path: Path) -> list[np.ndarray]:
    with av.open(str(path)) as c:
        return [f.to_ndarray(format="rgb24") for f in c.decode(video=0)]


def digest(fs: list[np.ndarray]) -> list[str]:
    return [hashlib.sha256(f.tobytes()).hexdigest() for f in fs]


@pytest.fixture(scope="module")
def outdir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("motion")


@pytest.fixture(scope="module")
def ocean(outdir) -> Path:
    return render_motion("calm ocean dusk", 1.5, W, H, FPS, outdir / "ocean.mp4", seed=3)


@pytest.fixture(scope="module")
def picture(outdir) -> Path:
    img = Image.new("RGB", (320, 240), (30, 60, 90))
    draw = ImageDraw.Draw(img)
    for i in range(0, 320, 20):
        draw.rectangle([i, 0, i + 9, 240], fill=(200, (i * 3) % 255, 40))
    draw.ellipse([100, 60, 220, 180], fill=(250, 250, 250))
    path = outdir / "picture.png"
    img.save(path)
    return path


def test_size_fps_codec_and_exact_frame_count(ocean):
    info = probe(ocean)
    assert (info.width, info.height) == (W, H)
    assert info.video_codec == "h264" and info.pix_fmt == "yuv420p"
    assert not info.has_audio
    assert info.fps == pytest.approx(FPS)
    assert info.duration_s == pytest.approx(1.5, abs=1 / FPS)
    assert len(frames(ocean)) == 30


def test_fractional_seconds_round_to_whole_frames(outdir):
    out = render_motion("minimal grey", 1.05, 96, 64, 24, outdir / "frac.mp4")
    assert len(frames(out)) == round(1.05 * 24)  # 25


def test_same_input_gives_identical_frames_and_seed_changes_them(ocean, outdir):
    again = render_motion("calm ocean dusk", 1.5, W, H, FPS, outdir / "ocean-again.mp4", seed=3)
    assert digest(frames(again)) == digest(frames(ocean))
    assert again.read_bytes() == ocean.read_bytes()  # fixed x264 threads, bitexact muxing
    other = render_motion("calm ocean dusk", 1.5, W, H, FPS, outdir / "ocean-seed4.mp4", seed=4)
    assert digest(frames(other))[0] != digest(frames(ocean))[0]


def test_background_moves(ocean):
    fs = frames(ocean)
    assert np.abs(fs[0].astype(int) - fs[-1].astype(int)).mean() > 1.0


def test_prompts_pick_palettes(ocean, outdir):
    bees = render_motion("honeybees golden", 1.5, W, H, FPS, outdir / "bees.mp4", seed=3)
    o = np.mean([f.reshape(-1, 3).mean(0) for f in frames(ocean)], axis=0)
    b = np.mean([f.reshape(-1, 3).mean(0) for f in frames(bees)], axis=0)
    assert o[2] > o[0], f"ocean should be blue-dominant, got {o}"
    assert b[0] > b[2] + 40, f"honeybees should be warm amber, got {b}"
    dark = render_motion("dark dramatic", 1.5, W, H, FPS, outdir / "dark.mp4", seed=3)
    assert np.mean(frames(dark)) < 0.6 * np.mean(frames(bees))


def test_pace_words_change_motion_energy():
    def energy(prompt: str) -> float:
        fs = [f.astype(np.float32) for f in background_frames(prompt, 12, 12, 96, 64, seed=1)]
        return float(np.mean([np.abs(a - b).mean() for a, b in zip(fs, fs[1:], strict=False)]))

    assert energy("fast action racing forest") > 2 * energy("slow calm serene forest")


def test_hostile_on_screen_text_renders_and_changes_pixels(ocean, outdir):
    text = render_motion("calm ocean dusk", 1.5, W, H, FPS, outdir / "text.mp4", seed=3, on_screen_text=HOSTILE)
    with_text, without = frames(text), frames(ocean)
    assert len(with_text) == len(without)
    late = -5  # the kinetic text has finished animating in
    assert np.abs(with_text[late].astype(int) - without[late].astype(int)).max() > 100
    # Kinetic: the text is still coming in on the first frame, so it differs from a late frame's text.
    diff_first = np.abs(with_text[0].astype(int) - without[0].astype(int)).mean()
    diff_late = np.abs(with_text[late].astype(int) - without[late].astype(int)).mean()
    assert diff_first < diff_late


def test_ass_escape_keeps_user_text_literal():
    out = ass_escape("a{\\b1}b}\nc\\Nd\r\ne")
    assert "\n" not in out and "\r" not in out
    assert out.count("\\N") == 2  # the two real newlines only; the typed "\N" is neutralised
    # No unescaped brace survives, so no override block can open.
    assert "{" not in out.replace("\\{", "") and "}" not in out.replace("\\}", "")


def test_ass_file_puts_text_only_in_the_event(tmp_path):
    ass = write_ass("Hi, there: {x}", 2.0, 320, 180, tmp_path / "t.ass").read_text()
    event = [line for line in ass.splitlines() if line.startswith("Dialogue:")]
    assert len(event) == 1 and event[0].endswith("Hi, there: \\{x\\}")
    assert "PlayResX: 320" in ass and "DejaVu Sans" in ass


def test_symbols_the_font_lacks_are_dropped_not_boxed():
    assert drop_missing_symbols("go 🎬🐝 → ★ 中") == "go  → ★ 中"


def test_filter_value_survives_odd_paths(tmp_path, monkeypatch):
    assert filter_value("/a/b") == "\\'/a/b\\'"
    odd = tmp_path / "we'ird, [dir]; x:y"
    odd.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(odd))
    out = keyframe("neon city", 96, 64, tmp_path / "odd.png", on_screen_text="Hi")
    assert Image.open(out).size == (96, 64)


def test_ken_burns_moves_over_the_image(picture, outdir):
    out = render_motion("ignored look", 1.0, 96, 160, FPS, outdir / "kb.mp4", seed=5, image_path=picture)
    info = probe(out)
    assert (info.width, info.height) == (96, 160)
    fs = frames(out)
    assert len(fs) == FPS
    steps = [np.abs(a.astype(int) - b.astype(int)).mean() for a, b in zip(fs, fs[1:], strict=False)]
    assert sum(s > 0 for s in steps) >= len(steps) - 2
    assert np.abs(fs[0].astype(int) - fs[-1].astype(int)).mean() > 2
    # It shows the picture (white disc, warm stripes), not a drawn background.
    assert fs[0][80, 48].mean() > 150


def test_keyframe_png(picture, tmp_path):
    plain = keyframe("calm ocean dusk", 480, 270, tmp_path / "k.png", seed=3)
    titled = keyframe("calm ocean dusk", 480, 270, tmp_path / "kt.png", seed=3, on_screen_text=HOSTILE)
    a, b = np.asarray(Image.open(plain)), np.asarray(Image.open(titled))
    assert a.shape == (270, 480, 3)
    assert np.abs(a.astype(int) - b.astype(int)).max() > 100
    still = keyframe("x", 64, 96, tmp_path / "ki.png", image_path=picture)
    assert Image.open(still).size == (64, 96)


@pytest.mark.parametrize(("kwargs", "match"), [
    ({"seconds": 0}, "seconds must be a positive"),
    ({"seconds": -1.0}, "seconds must be a positive"),
    ({"seconds": float("nan")}, "seconds must be a positive"),
    ({"width": 101}, "width must be even"),
    ({"height": 0}, "height must be a positive"),
    ({"fps": 0}, "fps must be"),
    ({"seconds": 0.01, "fps": 24}, "less than one frame"),
    ({"image_path": "missing.png"}, "does not exist"),
    ({"out": "clip.mov"}, r"\.mp4"),
])
def test_bad_input_is_a_clear_value_error(kwargs, match, tmp_path):
    args = {"prompt": "x", "seconds": 1.0, "width": 64, "height": 64, "fps": 10, "out": tmp_path / "o.mp4"} | kwargs
    with pytest.raises(ValueError, match=match):
        render_motion(**args)


def test_keyframe_rejects_bad_input(tmp_path):
    with pytest.raises(ValueError, match="height must be even"):
        keyframe("x", 64, 63, tmp_path / "k.png")
    with pytest.raises(ValueError, match=r"\.png"):
        keyframe("x", 64, 64, tmp_path / "k.jpg")
