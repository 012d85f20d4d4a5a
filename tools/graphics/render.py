"""Render a motion graphic: a toned-down animated background (or a still with a camera move) under the
layout's layers, in one ffmpeg run.

ffmpeg draws and scales the background (raw frames piped from numpy, or the still through ``zoompan``); Python
draws only the distinct foregrounds (each entrance frame once, then one picture for as long as nothing moves)
as transparent PNGs, which ffmpeg overlays from a concat list. Deterministic: the same graphic, prompt, seed,
size and brand give the same frames. The layout is built for the frame being rendered, so 16:9 and 9:16 are
each designed, never a crop or a blurred pillarbox.
"""

from __future__ import annotations

import dataclasses
import tempfile
from pathlib import Path

from PIL import Image

from reelforge.tools.clips.motion_frames import (
    background_frames,
    bg_size,
    encode_args,
    kenburns_chain,
    pipe_frames,
    rate,
    to_video,
)
from reelforge.tools.clips.motion_style import MotionStyle, style_for
from reelforge.tools.graphics.brand import BrandKit
from reelforge.tools.graphics.layers import Layer
from reelforge.tools.graphics.layouts import Designer, Frame, palette_for
from reelforge.tools.media import run_ffmpeg
from reelforge.tools.production import Graphic

SETTLED_T = 1e6  # a time after every entrance and count-up


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


def layers_for(graphic: Graphic, width: int, height: int, seconds: float, style: MotionStyle,
               kit: BrandKit) -> list[Layer]:
    """The graphic's layers designed for a ``width × height`` frame."""
    return Designer(Frame.of(width, height), kit, palette_for(kit, style.palette), seconds).build(graphic)


def extent(layers: list[Layer], width: int, height: int) -> tuple[int, int, int, int]:
    """The part of the frame any layer touches while it enters (a rising layer starts lower), even-aligned."""
    x0 = min(layer.x for layer in layers)
    y0 = min(layer.y for layer in layers)
    x1 = max(layer.x + layer.image.width for layer in layers)
    y1 = max(layer.y + layer.image.height + (round(max(8, layer.image.height * 0.25)) if layer.effect == "rise"
                                               else 0) for layer in layers)
    x0, y0 = max(0, x0) // 2 * 2, max(0, y0) // 2 * 2
    return x0, y0, min(width, x1 + 1) // 2 * 2, min(height, y1 + 1) // 2 * 2


def foreground(layers: list[Layer], t: float, box: tuple[int, int, int, int]) -> Image.Image:
    """The layers at ``t`` on a transparent canvas covering ``box`` of the frame."""
    x0, y0, x1, y1 = box
    canvas = Image.new("RGBA", (x1 - x0, y1 - y0), (0, 0, 0, 0))
    for layer in layers:
        layer.draw(canvas, t, origin=(x0, y0))
    return canvas


def write_foregrounds(layers: list[Layer], n: int, fps: float, box: tuple[int, int, int, int],
                      folder: Path) -> Path:
    """Each distinct foreground of ``n`` frames as a PNG, listed with its duration in an ffconcat file."""
    entries: list[tuple[str, int]] = []
    last = None
    for i in range(n):
        t = i / fps
        key = tuple(layer.key(t) for layer in layers)
        if key == last:
            entries[-1] = (entries[-1][0], entries[-1][1] + 1)
            continue
        last = key
        name = f"fg{len(entries):04d}.png"
        foreground(layers, t, box).save(folder / name, compress_level=0)
        entries.append((name, 1))
    lines = ["ffconcat version 1.0"]
    for name, frames in entries:
        lines += [f"file '{name}'", f"duration {frames / fps:.6f}"]
    lines.append(f"file '{entries[-1][0]}'")  # the concat demuxer needs the last file twice to honour its duration
    listing = folder / "foreground.ffconcat"
    listing.write_text("\n".join(lines) + "\n")
    return listing


def render_graphic(graphic: Graphic | None, prompt: str, seconds: float, width: int, height: int, fps: float,
                   out: str | Path, *, seed: int = 0, kit: BrandKit | None = None,
                   image_path: str | Path | None = None) -> Path:
    """Render the graphic to an H.264 MP4 (exactly ``round(seconds * fps)`` frames) or, for ``.png``, a still
    with everything shown."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    kit = kit or BrandKit()
    still = out.suffix.lower() == ".png"
    n = 1 if still else max(1, round(seconds * fps))
    style = graphic_style(prompt, seed, kit)
    layers = layers_for(graphic, width, height, seconds, style, kit) if graphic else []
    box = extent(layers, width, height) if layers else (0, 0, 2, 2)
    with tempfile.TemporaryDirectory(prefix="reelforge-graphic-") as tmp:
        work = Path(tmp)
        if not layers:
            fg_input = []
        elif still:
            foreground(layers, SETTLED_T, box).save(work / "fg.png")
            fg_input = ["-i", str(work / "fg.png")]
        else:
            listing = write_foregrounds(layers, n, fps, box, work)
            fg_input = ["-f", "concat", "-safe", "0", "-i", str(listing)]
        if image_path is not None:
            bg_input = ["-i", str(image_path)]
            bg = f"[0:v]{kenburns_chain(n, fps, width, height, seed)}"
        else:
            bw, bh = bg_size(width, height)
            bg_input = ["-f", "rawvideo", "-pix_fmt", "gbrp", "-s", f"{bw}x{bh}", "-framerate", rate(fps),
                        "-i", "pipe:0"]
            bg = f"[0:v]{to_video(out)},scale={width}:{height}:flags=bicubic"
        if fg_input:  # overlaid in the output's pixel format: no full-frame RGB pass
            fmt = "rgb" if still else "yuv420"
            graph = (f"{bg}[bg];[1:v]format=rgba[fg];[bg][fg]overlay=x={box[0]}:y={box[1]}:eof_action=repeat"
                     f":format={fmt},{to_video(out)}[v]")
        else:
            graph = f"{bg},{to_video(out)}[v]"
        args = [*bg_input, *fg_input, "-filter_complex", graph, "-map", "[v]", *encode_args(n, fps, out)]
        if image_path is not None:
            run_ffmpeg(args, what=f"motion graphic {out.name}")
        else:
            bw, bh = bg_size(width, height)
            frames = background_frames(prompt, n, fps, bw, bh, seed, style=style)
            pipe_frames(args, frames, work / "ffmpeg.log", what=f"motion graphic {out.name}")
    return out
