"""Timeline + one output format → one ffmpeg command: normalised inputs, xfade chain, PiP, captions, mix.

Built with ffmpeg-python using keyword filter options only (its positional arguments are escaped twice);
every number is ours and every path is one we generated or a local file, so no user text enters the graph.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import ffmpeg
from PIL import Image, ImageDraw

from tools.assembly.audio import MixLevels, build_mix
from tools.assembly.formats import cover_crop, even, fit_size, reframe_mode
from tools.assembly.timeline import fit_clip
from tools.assets import FONTS_DIR
from tools.media import MediaInfo, probe
from tools.production import Overlay, Timeline, TimelineClip

XFADE = {"crossfade": "fade", "dip": "fadeblack", "wipeleft": "wipeleft", "wiperight": "wiperight",
         "slideleft": "slideleft", "slideup": "slideup", "fade": "fade", "fadeblack": "fadeblack"}
BLUR_DOWNSCALE = 8


@dataclass(frozen=True)
class EncodeSettings:
    """x264 / AAC settings for the single encode."""

    preset: str = "veryfast"
    crf: int = 20
    audio_bitrate: str = "192k"


class _Inputs:
    """Creates each input once, with a unique harmless option so ffmpeg-python never merges two uses."""

    def __init__(self) -> None:
        self._count = 0
        self._clips: dict[int, object] = {}

    def new(self, path: str, **opts):
        self._count += 1
        return ffmpeg.input(path, protocol_whitelist="file", thread_queue_size=8 + self._count, **opts)

    def clip(self, k: int, c: TimelineClip, info: MediaInfo):
        if k not in self._clips:
            if c.is_image:
                self._clips[k] = self.new(c.path)
            else:
                fit = fit_clip(info.duration_s, c.duration)
                self._clips[k] = self.new(c.path, t=f"{fit.read_s + 0.5:.3f}", threads=1)
        return self._clips[k]


def _scale(v, w: int, h: int, flags: str = "bicubic"):
    return v.filter("scale", w=w, h=h, flags=flags)


def reframe(v, src_w: int, src_h: int, width: int, height: int):
    """Centre crop to cover, or fit over a cheap blurred fill (blurred at 1/8 size) when a crop cuts too much."""
    if reframe_mode(src_w, src_h, width, height) == "crop":
        cw, ch, x, y = cover_crop(src_w, src_h, width, height)
        if (cw, ch) != (src_w, src_h):
            v = v.filter("crop", w=cw, h=ch, x=x, y=y)
        if (cw, ch) != (width, height):
            v = _scale(v, width, height)
        return v.filter("setsar", sar=1)
    split = v.filter_multi_output("split", outputs=2)
    bw, bh = even(width / BLUR_DOWNSCALE), even(height / BLUR_DOWNSCALE)
    cw, ch, x, y = cover_crop(src_w, src_h, bw * 4, bh * 4)
    bg = split[0].filter("crop", w=cw, h=ch, x=x, y=y)
    bg = _scale(bg, bw, bh, "fast_bilinear").filter("boxblur", luma_radius=6, luma_power=2)
    bg = _scale(bg, width, height, "bilinear").filter("setsar", sar=1)
    fw, fh = fit_size(src_w, src_h, width, height)
    fg = _scale(split[1], fw, fh).filter("setsar", sar=1)
    return ffmpeg.overlay(bg, fg, x=(width - fw) // 2, y=(height - fh) // 2)


def _clip_stream(inputs: _Inputs, k: int, c: TimelineClip, info: MediaInfo, width: int, height: int, fps: int):
    frames = round(c.duration * fps)
    v = inputs.clip(k, c, info).video
    if c.is_image:
        hold = c.duration
    else:
        fit = fit_clip(info.duration_s, c.duration)
        if fit.speed != 1.0:
            v = v.filter("setpts", expr=f"{fit.speed:.6f}*PTS")
        hold = fit.hold_s
    early_fps = info.fps > fps + 1  # drop surplus frames before any per-frame work
    if early_fps:
        v = v.filter("fps", fps=fps)
    v = reframe(v, info.width, info.height, width, height).filter("format", pix_fmts="yuv420p")
    if not early_fps:
        v = v.filter("fps", fps=fps)
    v = v.filter("tpad", stop_mode="clone", stop_duration=f"{hold + 2 / fps:.4f}")
    return v.filter("trim", end_frame=frames).filter("setpts", expr="PTS-STARTPTS").filter("settb", expr="AVTB")


def overlay_mask(shape: str, w: int, h: int, path: Path) -> Path:
    """A greyscale alpha mask (circle or rounded rectangle), drawn antialiased at 4× and downsampled."""
    big = Image.new("L", (w * 4, h * 4), 0)
    draw = ImageDraw.Draw(big)
    if shape == "circle":
        draw.ellipse((0, 0, w * 4 - 1, h * 4 - 1), fill=255)
    else:
        draw.rounded_rectangle((0, 0, w * 4 - 1, h * 4 - 1), radius=int(min(w, h) * 4 * 0.14), fill=255)
    big.resize((w, h), Image.LANCZOS).save(path)
    return path


def _overlay(inputs: _Inputs, base, ov: Overlay, tl: Timeline, width: int, height: int, work: Path, j: int):
    info = probe(ov.path)
    box = even(max(0.05, min(ov.scale, 0.9)) * min(width, height))
    w, h = (box, box) if ov.shape == "circle" else (box, even(box * info.height / max(1, info.width)))
    duration = min(ov.duration or tl.duration_s - ov.start, tl.duration_s - ov.start)
    src = inputs.new(ov.path) if ov.is_image else inputs.new(ov.path, t=f"{duration:.3f}", threads=1)
    cw, ch, x, y = cover_crop(info.width, info.height, w, h)
    v = src.video.filter("crop", w=cw, h=ch, x=x, y=y)
    v = _scale(v, w, h).filter("setsar", sar=1).filter("fps", fps=tl.fps)
    v = v.filter("tpad", stop_mode="clone", stop_duration=f"{duration:.3f}" if ov.is_image else "0")
    v = v.filter("trim", duration=f"{duration:.4f}").filter("format", pix_fmts="yuva420p")
    if ov.shape != "rect":
        mask = inputs.new(str(overlay_mask(ov.shape, w, h, work / f"pip-mask-{j}-{w}x{h}.png")), loop=1,
                          framerate=tl.fps, t=f"{duration:.3f}")
        v = ffmpeg.filter([v, mask.video.filter("format", pix_fmts="gray")], "alphamerge")
    v = v.filter("setpts", expr=f"PTS-STARTPTS+{ov.start:.4f}/TB")
    margin = even(0.04 * min(width, height))
    x = margin if ov.corner.endswith("left") else width - w - margin
    y = margin if ov.corner.startswith("top") else height - h - margin
    return ffmpeg.overlay(base, v, x=x, y=y, eof_action="pass", format="yuv420")


def build_command(tl: Timeline, width: int, height: int, out: Path, *, ass_path: Path | None,
                  levels: MixLevels, encode: EncodeSettings, work_dir: Path) -> list[str]:
    """The complete ffmpeg argument list (without the binary) for one output format."""
    if not tl.clips:
        raise ValueError("the timeline has no clips")
    fps = tl.fps
    inputs = _Inputs()
    infos = {c.path: probe(c.path) for c in tl.clips}
    streams = [_clip_stream(inputs, k, c, infos[c.path], width, height, fps) for k, c in enumerate(tl.clips)]
    video = streams[0]
    for k in range(1, len(streams)):
        c = tl.clips[k]
        if c.transition == "cut" or c.transition_s <= 0:
            video = ffmpeg.concat(video, streams[k], v=1, a=0)
        else:
            name = XFADE.get(c.transition)
            if name is None:
                raise ValueError(f"unknown transition {c.transition!r} on shot {c.shot_id}")
            video = ffmpeg.filter([video, streams[k]], "xfade", transition=name,
                                  duration=f"{c.transition_s:.4f}", offset=f"{c.start:.4f}")
    for j, ov in enumerate(tl.overlays):
        video = _overlay(inputs, video, ov, tl, width, height, work_dir, j)
    if ass_path is not None:
        video = video.filter("subtitles", filename=str(ass_path), fontsdir=str(FONTS_DIR))

    def input_for(path: str, index: int, role: str):
        if role == "clip":
            return inputs.clip(index, tl.clips[index], infos[path])
        return inputs.new(path, stream_loop=-1) if role == "music" else inputs.new(path)

    audio = build_mix(tl, input_for, levels)
    output = ffmpeg.output(
        video, audio, str(out), vcodec="libx264", preset=encode.preset, crf=encode.crf, pix_fmt="yuv420p",
        r=fps, acodec="aac", audio_bitrate=encode.audio_bitrate, ar=48000, ac=2, movflags="+faststart",
        t=f"{tl.duration_s:.6f}", **{"map_metadata": -1})
    return output.global_args("-progress", "pipe:1", "-nostats").get_args()
