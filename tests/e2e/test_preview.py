"""The preview before any spend: a low-resolution, watermarked animatic with narration, captions and music."""

from __future__ import annotations

import av
import numpy as np
import pytest
from PIL import Image

from reelforge.tools.assembly.formats import even
from reelforge.tools.assembly.handoff import grab_frame
from reelforge.tools.media import probe
from reelforge.tools.preview import PREVIEW_FPS, preview_size, preview_voice
from reelforge.tools.production import Brief
from reelforge.tools.studio import Studio

pytestmark = pytest.mark.slow


def test_preview_is_a_small_watermarked_animatic_with_sound(tmp_path):
    studio = Studio()
    brief = Brief(goal="How earthworms build healthy garden soil", duration_s=8, aspects=["9:16", "1:1"])
    board = studio.plan(brief)
    made = studio.preview(brief, board, tmp_path)
    info = probe(made.path)
    assert (info.width, info.height) == preview_size("9:16") == (360, 640)
    assert abs(info.duration_s - made.duration_s) < 0.2 and 5 < made.duration_s < 12
    assert info.audio_codec == "aac"
    with av.open(made.path) as c:
        assert round(float(c.streams.video[0].average_rate)) == PREVIEW_FPS
        samples = np.concatenate([f.to_ndarray()[0] for f in c.decode(audio=0)])
    assert np.abs(samples).max() > 0.05  # narration and music are there
    frame = np.asarray(grab_frame(made.path, 1.0)).astype(int)
    label = np.asarray(Image.open(studio.store.root / "preview" / "watermark.png").convert("RGBA"))
    w = even(0.45 * 360)  # the label's width on a 360 px wide frame, at the top-left margin
    h, margin = even(w * label.shape[0] / label.shape[1]), even(0.04 * 360)
    corner = frame[margin:margin + h, margin:margin + w]
    white = (corner.min(axis=2) > 200).mean()
    assert white > 0.05, white  # the PREVIEW lettering is drawn over the picture
    assert studio.store.root.joinpath("preview", "watermark.png").is_file()
    assert not list(studio.store.root.glob("**/*.mp4"))  # no clip was generated: keyframes stand in
    assert not list(studio.settings.outputs_dir.glob("**/*.mp4"))


def test_a_paid_voice_is_read_by_the_offline_voice_until_approved(monkeypatch):
    studio = Studio()
    monkeypatch.setenv("ELEVENLABS_API_KEY", "test-key-not-used")
    voice, note = preview_voice(Brief(goal="x", voice="elevenlabs:abc"), studio.settings)
    assert voice == "offline" and "approved" in note
    assert preview_voice(Brief(goal="x", voice="espeak"), studio.settings) == ("espeak", None)
