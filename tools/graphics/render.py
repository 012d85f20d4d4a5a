"""Render a motion graphic: a toned-down animated background (or a still with a camera move) plus the
layout's layers, composed per frame at the output size and piped as raw RGB into one ffmpeg encode.

Deterministic: the same graphic, prompt, seed, size and brand give the same frames. The layout is built for
the frame being rendered, so 16:9 and 9:16 are each designed, never a crop or a blurred pillarbox.
"""

from __future__ import annotations

import dataclasses
import math
import tempfile
from collections.abc import Iterator
from pathlib import Path

import numpy as np
from PIL import Image

from reelforge.tools.clips.motion import Background, bg_size, encode_args, pipe_frames
from reelforge.tools.clips.motion_style import MotionStyle, prompt_digest, style_for
from reelforge.tools.graphics.brand import BrandKit
from reelforge.tools.graphics.layers import Layer
from reelforge.tools.graphics.layouts import Designer, Frame, palette_for
from reelforge.tools.production import Graphic

CAMERA_ZOOM = 0.1


def graphic_style(prompt: str, seed: int, kit: BrandKit) -> MotionStyle:
    """The shot's look, calmed so that words stay readable: darker, fewer particles, no sweep or pulse."""
    style = style_for(prompt, seed)
    palette = style.palette
    if kit.background or kit.accent:
        bg = kit.background or palette[0]
        accent = kit.accent or palette[-1]
        mid = tuple(round(b * 0.6 + a * 0.4) for b, a in zip(bg, accent, strict=True))
        palette = (bg, tuple(round(c * 0.8) for c in bg), mid, accent)
    return dataclasses.replace(style, palette=palette, key=min(style.key, 1.0) * 0.62, particles=min(style.particles, 8),
                               shape_count=1, sweep=False, pulse=0.0, speed=min(style.speed, 1.2))


class _Drawn:
    """The drawn background at reduced resolution, scaled up per frame."""

    def __init__(self, style: MotionStyle, prompt: str, seed: int, w: int, h: int) -> None:
        bw, bh = bg_size(w, h)
        rng = np.random.default_rng(int.from_bytes(prompt_digest(prompt, seed)[:8], "big"))
        self.bg, self.size = Background(style, bw, bh, rng), (w, h)

    def frame(self, t: float) -> Image.Image:
        planar = self.bg.frame(t)  # gbrp
        rgb = np.ascontiguousarray(np.stack([planar[2], planar[0], planar[1]], axis=-1))
        return Image.fromarray(rgb).resize(self.size, Image.BILINEAR)


class _Camera:
    """A still with a slow camera move (zoom and drift, direction from the seed), cropped to the frame."""

    def __init__(self, image_path: str | Path, seed: int, w: int, h: int, seconds: float) -> None:
        with Image.open(image_path) as src:
            img = src.convert("RGB")
        scale = max(w / img.width, h / img.height) * (1 + CAMERA_ZOOM)
        self.img = img.resize((max(w, math.ceil(img.width * scale)), max(h, math.ceil(img.height * scale))),
                              Image.LANCZOS)
        rng = np.random.default_rng(seed + 7919)
        self.zoom_in = bool(rng.integers(0, 2))
        self.pan = [float(v) for v in rng.uniform(0.2, 0.8, 4)]
        self.size, self.seconds = (w, h), max(seconds, 1e-3)

    def frame(self, t: float) -> Image.Image:
        p = min(1.0, t / self.seconds)
        p = p * p * (3 - 2 * p)  # smoothstep: starts and ends gently
        z = 1 + CAMERA_ZOOM * (p if self.zoom_in else 1 - p)
        w, h = self.size
        iw, ih = self.img.size
        cw, ch = iw / z, ih / z
        ratio = w / h  # the crop keeps the output's aspect inside the enlarged image
        if cw / ch > ratio:
            cw = ch * ratio
        else:
            ch = cw / ratio
        px = self.pan[0] + (self.pan[2] - self.pan[0]) * p
        py = self.pan[1] + (self.pan[3] - self.pan[1]) * p
        x0, y0 = (iw - cw) * px, (ih - ch) * py
        return self.img.resize(self.size, Image.BILINEAR, box=(x0, y0, x0 + cw, y0 + ch))


def layers_for(graphic: Graphic, width: int, height: int, seconds: float, style: MotionStyle,
               kit: BrandKit) -> list[Layer]:
    """The graphic's layers designed for a ``width × height`` frame."""
    return Designer(Frame(width, height), kit, palette_for(kit, style.palette), seconds).build(graphic)


def frames(graphic: Graphic | None, prompt: str, n: int, fps: float, width: int, height: int, *, seed: int = 0,
           kit: BrandKit | None = None, image_path: str | Path | None = None, final: bool = False
           ) -> Iterator[Image.Image]:
    """``n`` composed RGB frames; ``final`` draws every layer fully entered (a storyboard still)."""
    kit = kit or BrandKit()
    style = graphic_style(prompt, seed, kit)
    seconds = n / fps
    source = _Camera(image_path, seed, width, height, seconds) if image_path else _Drawn(style, prompt, seed,
                                                                                          width, height)
    layers = layers_for(graphic, width, height, seconds, style, kit) if graphic else []
    settle = max((layer.start + layer.duration for layer in layers), default=0.0) + 1.6
    for i in range(n):
        t = i / fps
        img = source.frame(t)
        for layer in layers:
            layer.paste(img, settle if final else t)
        yield img


def render_graphic(graphic: Graphic | None, prompt: str, seconds: float, width: int, height: int, fps: float,
                   out: str | Path, *, seed: int = 0, kit: BrandKit | None = None,
                   image_path: str | Path | None = None) -> Path:
    """Render the graphic to an H.264 MP4 (exactly ``round(seconds * fps)`` frames) or, for ``.png``, a still
    with everything shown."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    still = out.suffix.lower() == ".png"
    n = 1 if still else max(1, round(seconds * fps))
    pictures = frames(graphic, prompt, n, fps, width, height, seed=seed, kit=kit, image_path=image_path,
                      final=still)
    raw = (np.asarray(img) for img in pictures)
    graph = "format=rgb24" if still else "scale=out_color_matrix=bt709:out_range=tv,format=yuv420p"
    args = ["-f", "rawvideo", "-pix_fmt", "rgb24", "-s", f"{width}x{height}", "-framerate", f"{fps:g}",
            "-i", "pipe:0", "-vf", graph, *encode_args(n, fps, out)]
    with tempfile.TemporaryDirectory(prefix="reelforge-graphic-") as tmp:
        pipe_frames(args, raw, Path(tmp) / "ffmpeg.log", what=f"motion graphic {out.name}")
    return out
