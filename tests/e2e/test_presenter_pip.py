"""End to end: a user's photo and a user's video appear picture-in-picture in 9:16 and 16:9 outputs."""

from __future__ import annotations

import av
import numpy as np
import pytest
from PIL import Image

from reelforge.tools.assembly.render import assemble
from reelforge.tools.media import run_ffmpeg
from reelforge.tools.presenter import presenter_overlay
from reelforge.tools.production import Consent, Timeline, TimelineClip
from reelforge.tools.settings import get_settings
from reelforge.tools.store import AssetStore

CONSENT = Consent(text="I am the person shown and agree to appear as the presenter.", affirmed_by="ada")
SECONDS = 1.5
BLUE = np.array([0, 0, 255])


@pytest.fixture(scope="module")
def sources(tmp_path_factory):
    d = tmp_path_factory.mktemp("pip")
    run_ffmpeg(["-f", "lavfi", "-i", f"color=c=blue:s=320x180:r=30:d={SECONDS}", "-c:v", "libx264",
                "-preset", "ultrafast", "-pix_fmt", "yuv420p", str(d / "bg.mp4")], what="background")
    run_ffmpeg(["-f", "lavfi", "-i", f"sine=f=220:d={SECONDS}", "-ar", "48000", str(d / "voice.wav")], what="voice")
    Image.new("RGB", (300, 400), (230, 30, 30)).save(d / "me.jpg", "JPEG")
    run_ffmpeg(["-f", "lavfi", "-i", "color=c=yellow:s=200x200:r=25:d=1", "-c:v", "libx264", "-preset",
                "ultrafast", "-pix_fmt", "yuv420p", str(d / "me.mp4")], what="presenter clip")
    return d


def frame_at(path: str, t: float) -> np.ndarray:
    with av.open(path) as c:
        frames = [f for f in c.decode(video=0)]
    idx = min(len(frames) - 1, int(t * 30))
    return frames[idx].to_ndarray(format="rgb24").astype(int)


def region(width: int, height: int, scale: float, corner: str) -> tuple[int, int, int]:
    """x, y, size of the presenter box as assembly places it (scale of the short side, 4 % margin)."""
    short = min(width, height)
    box = int(scale * short) // 2 * 2
    margin = int(0.04 * short) // 2 * 2
    x = margin if corner.endswith("left") else width - box - margin
    y = margin if corner.startswith("top") else height - box - margin
    return x, y, box


@pytest.mark.slow
@pytest.mark.parametrize(("upload", "colour"), [("me.jpg", (230, 30, 30)), ("me.mp4", (255, 255, 0))])
def test_presenter_pip_is_drawn_over_the_scene_in_each_format(sources, tmp_path, isolated_home, upload, colour,
                                                             monkeypatch):
    monkeypatch.setenv("REELFORGE_X264_PRESET", "ultrafast")
    store = AssetStore(isolated_home / "store")
    outs = {}
    for aspect in ("9:16", "16:9"):
        ov = presenter_overlay(sources / upload, CONSENT, aspect, store=store)
        tl = Timeline(duration_s=SECONDS, clips=[TimelineClip(shot_id="s1", path=str(sources / "bg.mp4"), start=0,
                                                              duration=SECONDS)],
                      narration=[{"path": str(sources / "voice.wav"), "start": 0, "duration": SECONDS}],
                      captions=False, overlays=[ov])
        [out] = assemble(tl, [aspect], tmp_path, f"pip-{aspect.replace(':', 'x')}", settings=get_settings())
        outs[aspect] = (out, ov)
    for aspect, (out, ov) in outs.items():
        img = frame_at(out.path, SECONDS / 2)
        h, w = img.shape[:2]
        assert (w, h) == (out.width, out.height)
        x, y, box = region(w, h, ov.scale, ov.corner)
        centre = img[y + box // 2 - 5: y + box // 2 + 5, x + box // 2 - 5: x + box // 2 + 5].reshape(-1, 3).mean(0)
        assert np.abs(centre - np.array(colour)).max() < 60, (aspect, centre)  # the presenter is there
        assert np.abs(centre - BLUE).max() > 100
        far = img[h // 2 - 5: h // 2 + 5, (w - x - box // 2) - 5: (w - x - box // 2) + 5].reshape(-1, 3).mean(0)
        assert np.abs(far - BLUE).max() < 60, (aspect, far)  # the scene elsewhere is untouched
        if ov.shape == "circle":  # the mask: the box's own corner still shows the scene
            corner_px = img[y + 3: y + 8, x + 3: x + 8].reshape(-1, 3).mean(0)
            assert np.abs(corner_px - BLUE).max() < 60, (aspect, corner_px)
