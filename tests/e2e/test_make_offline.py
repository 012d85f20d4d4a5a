"""The acceptance path of the whole product: `reelforge make` offline, checked on the real file."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import av
import numpy as np
import pytest

from reelforge.tools.media import ffmpeg_exe, probe

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def made(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("make-out")
    home = tmp_path_factory.mktemp("home")
    env = {"PATH": "/usr/bin:/bin", "REELFORGE_HOME": str(home), "HOME": str(home)}
    proc = subprocess.run(
        [sys.executable, "-m", "reelforge", "make", "A 60-second explainer on how honeybees make honey",
         "--duration", "60", "--aspect", "9:16", "-o", str(out)],
        capture_output=True, text=True, env=env, cwd=Path(__file__).resolve().parents[2], timeout=900,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    return out


def _loudness(path: Path) -> tuple[float, float]:
    log = subprocess.run([ffmpeg_exe(), "-hide_banner", "-nostats", "-i", str(path), "-map", "0:a:0",
                          "-af", "ebur128=peak=true", "-f", "null", "-"], capture_output=True, text=True).stderr
    integrated = float(re.findall(r"I:\s+(-?[\d.]+) LUFS", log)[-1])
    peak = float(re.findall(r"Peak:\s+(-?[\d.]+) dBFS", log)[-1])
    return integrated, peak


def test_video_has_the_right_shape(made):
    videos = sorted(made.glob("*-1080x1920.mp4"))
    assert len(videos) == 1, sorted(p.name for p in made.iterdir())
    video = videos[0]
    info = probe(video)
    assert (info.width, info.height) == (1080, 1920)
    assert info.video_codec == "h264" and info.audio_codec == "aac"
    assert 57 <= info.duration_s <= 63
    integrated, _ = _loudness(video)
    assert abs(integrated + 14) <= 1.5


def test_manifest_and_captions(made):
    manifest = json.loads((made / "manifest.json").read_text())
    assert manifest["cost"]["actual_usd"] == 0
    kinds = {a["kind"] for a in manifest["assets"]}
    assert {"clip", "narration", "music"} <= kinds
    assert all(a["provenance"]["licence"] for a in manifest["assets"])
    srt = next(made.glob("*.srt")).read_text()
    assert "-->" in srt and "honey" in srt.lower()


def _frame_at(path: Path, t: float) -> np.ndarray:
    with av.open(str(path)) as c:
        stream = c.streams.video[0]
        c.seek(int(t / stream.time_base), stream=stream)
        for frame in c.decode(stream):
            if frame.time >= t:
                return frame.to_ndarray(format="rgb24")
    raise AssertionError("no frame")


def test_captions_are_burned_in_and_narration_is_audible(made):
    video = next(made.glob("*-1080x1920.mp4"))
    manifest = json.loads((made / "manifest.json").read_text())
    srt = next(made.glob("*.srt")).read_text()
    first = re.search(r"(\d\d):(\d\d):(\d\d),(\d\d\d) --> (\d\d):(\d\d):(\d\d),(\d\d\d)", srt)
    h, m, s, ms = map(int, first.groups()[:4])
    h2, m2, s2, ms2 = map(int, first.groups()[4:])
    t = ((h * 3600 + m * 60 + s + ms / 1000) + (h2 * 3600 + m2 * 60 + s2 + ms2 / 1000)) / 2
    frame = _frame_at(video, t).astype(int)
    # Caption text is bright fill with a dark outline: many near-white pixels next to near-black ones.
    region = frame[int(1920 * 0.55):int(1920 * 0.85)]
    white = (region.min(axis=2) > 225).sum()
    dark = (region.max(axis=2) < 40).sum()
    assert white > 500 and dark > 500, (white, dark)
    # Narration: offline, a bare prompt is narrated only in the user's own words (the title card), the rest of
    # the length holds the key terms on screen, and the storyboard says so instead of padding with filler.
    narr = [a for a in manifest["assets"] if a["kind"] == "narration"]
    assert sum(a["duration_s"] for a in narr) > 1
    assert manifest["narration"][0]["text"] == "How honeybees make honey."
    assert any("cannot write about" in w for w in manifest["storyboard"]["warnings"])
