"""Inputs the avatar / presenter tests share: a narration tone, the user's photo and a short video of them."""

from __future__ import annotations

from pathlib import Path

from PIL import Image

from reelforge.tools.media import run_ffmpeg


def avatar_inputs(d: Path, *, narration_s: float = 1.5, video: bool = True) -> Path:
    """Write ``narration.wav`` (16 kHz tone), ``me.png`` and, with ``video``, ``me.mp4`` into ``d``."""
    run_ffmpeg(["-f", "lavfi", "-i", f"sine=f=220:d={narration_s}", "-ar", "16000", str(d / "narration.wav")],
               what="audio")
    Image.new("RGB", (256, 256), (90, 140, 200)).save(d / "me.png")
    if video:
        run_ffmpeg(["-f", "lavfi", "-i", "testsrc2=s=160x160:r=10:d=1", "-c:v", "libx264", "-preset", "ultrafast",
                    "-pix_fmt", "yuv420p", str(d / "me.mp4")], what="clip")
    return d
