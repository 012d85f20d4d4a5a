"""Timeline + one output format → one ffmpeg command: normalised inputs, xfade chain, PiP, captions, mix.

Built with ffmpeg-python using keyword filter options only (its positional arguments are escaped twice);
every number is ours and every path is one we generated or a local file, so no user text enters the graph.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import ffmpeg
from PIL import Image, ImageDraw

from reelforge.tools.assembly.audio import MixLevels, audio_input, build_mix
from reelforge.tools.assembly.formats import cover_crop, even, fit_size, reframe_mode
from reelforge.tools.assembly.timeline import fit_clip
from reelforge.tools.assets import FONTS_DIR
from reelforge.tools.media import MediaInfo, probe
from reelforge.tools.production import Overlay, Timeline, TimelineClip

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


def reframe(v, src_w: int, src_h: int, width: int, height: int, focus: list[float] | None = None):
    """Crop to cover (around the subject's box ``focus`` when known), or fit over a cheap blurred fill (blurred at
    1/8 size) when a crop cuts too much or would cut the subject."""
    if reframe_mode(src_w, src_h, width, height, focus) == "crop":
        cw, ch, x, y = cover_crop(src_w, src_h, width, height, focus) or cover_crop(src_w, src_h, width, height)
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
    v = _normalised(v, c, info, width, height, fps, hold + 2 / fps)
    return v.filter("trim", end_frame=frames).filter("setpts", expr="PTS-STARTPTS").filter("settb", expr="AVTB")


def _normalised(v, c: TimelineClip, info: MediaInfo, width: int, height: int, fps: int, pad_s: float):
    """Reframed to ``width × height`` yuv420p at ``fps``, its last frame held ``pad_s`` seconds longer."""
    early_fps = not c.is_image and info.fps > fps + 1  # drop surplus frames before any per-frame work
    if early_fps:
        v = v.filter("fps", fps=fps)
    v = reframe(v, info.width, info.height, width, height, c.focus).filter("format", pix_fmts="yuv420p")
    if not early_fps and not c.is_image:
        v = v.filter("fps", fps=fps)
    v = v.filter("tpad", stop_mode="clone", stop_duration=f"{pad_s:.4f}")
    if c.is_image:  # a still is one frame: held first, then on the frame grid (an fps filter would drop it)
        v = v.filter("fps", fps=fps)
    return v


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
    v = _scale(v, w, h).filter("setsar", sar=1)
    if ov.is_image:  # one frame: held first, then on the frame grid (an fps filter alone drops it below 25 fps)
        v = v.filter("tpad", stop_mode="clone", stop_duration=f"{duration:.3f}").filter("fps", fps=tl.fps)
    else:
        v = v.filter("fps", fps=tl.fps)
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


def _joined(inputs: _Inputs, tl: Timeline, infos: dict[str, MediaInfo], width: int, height: int,
            first: int, last: int):
    """Clips ``first..last`` normalised and joined by their transitions; frame 0 is ``tl.clips[first].start``."""
    base = tl.clips[first].start
    video = None
    for k in range(first, last + 1):
        c = tl.clips[k]
        stream = _clip_stream(inputs, k, c, infos[c.path], width, height, tl.fps)
        if video is None:
            video = stream
        elif c.transition == "cut" or c.transition_s <= 0:
            video = ffmpeg.concat(video, stream, v=1, a=0)
        else:
            name = XFADE.get(c.transition)
            if name is None:
                raise ValueError(f"unknown transition {c.transition!r} on shot {c.shot_id}")
            video = ffmpeg.filter([video, stream], "xfade", transition=name,
                                  duration=f"{c.transition_s:.4f}", offset=f"{c.start - base:.4f}")
    return video


def _dress(video, inputs: _Inputs, tl: Timeline, width: int, height: int, ass_path: Path | None, work_dir: Path):
    """Picture-in-picture overlays and burned-in captions on a stream whose timestamps are programme time."""
    for j, ov in enumerate(tl.overlays):
        video = _overlay(inputs, video, ov, tl, width, height, work_dir, j)
    if ass_path is not None:
        video = video.filter("subtitles", filename=str(ass_path), fontsdir=str(FONTS_DIR))
    return video


def _x264(encode: EncodeSettings, fps: int) -> dict:
    return {"vcodec": "libx264", "preset": encode.preset, "crf": encode.crf, "pix_fmt": "yuv420p", "r": fps}


def _aac(encode: EncodeSettings) -> dict:
    return {"acodec": "aac", "audio_bitrate": encode.audio_bitrate, "ar": 48000, "ac": 2}


def build_command(tl: Timeline, width: int, height: int, out: Path, *, ass_path: Path | None,
                  levels: MixLevels, encode: EncodeSettings, work_dir: Path) -> list[str]:
    """The complete ffmpeg argument list (without the binary) for one output format, in one pass."""
    if not tl.clips:
        raise ValueError("the timeline has no clips")
    inputs = _Inputs()
    infos = {c.path: probe(c.path) for c in tl.clips}
    video = _dress(_joined(inputs, tl, infos, width, height, 0, len(tl.clips) - 1), inputs, tl, width, height,
                   ass_path, work_dir)

    def input_for(path: str, index: int, role: str):
        if role == "clip":
            return inputs.clip(index, tl.clips[index], infos[path])
        return inputs.new(path, stream_loop=-1) if role == "music" else inputs.new(path)

    audio = build_mix(tl, input_for, levels)
    output = ffmpeg.output(video, audio, str(out), **_x264(encode, tl.fps), **_aac(encode), movflags="+faststart",
                           t=f"{tl.duration_s:.6f}", **{"map_metadata": -1})
    return output.global_args("-progress", "pipe:1", "-nostats").get_args()


@dataclass(frozen=True)
class Chunk:
    """A run of the programme rendered on its own: clips ``first..last``, frames ``[start_frame, end_frame)``."""

    first: int
    last: int
    start_frame: int
    end_frame: int


def plan_chunks(tl: Timeline, max_clips: int) -> list[Chunk]:
    """Split the timeline where one clip is alone on screen, so no chunk holds more than ``max_clips`` clips.

    A clip at a boundary belongs to both neighbouring chunks (each renders its own part of it), so every
    transition is rendered whole inside one chunk and each frame is encoded exactly once.
    """
    fps, n = tl.fps, len(tl.clips)
    total = round(tl.duration_s * fps)
    chunks: list[Chunk] = []
    first, start = 0, 0
    while n - first > max_clips:
        cut = None
        for b in range(first + max_clips - 1, first, -1):  # the latest clip with a solo span to cut in
            solo_from = round((tl.clips[b].start + tl.clips[b].transition_s) * fps)
            solo_to = round(tl.clips[b + 1].start * fps)
            if solo_to - solo_from >= 2 and solo_from > start:
                cut = (b, (solo_from + solo_to) // 2)
                break
        if cut is None:
            break  # nowhere clean to cut: render the rest in one piece
        b, frame = cut
        chunks.append(Chunk(first, b, start, frame))
        first, start = b, frame
    chunks.append(Chunk(first, n - 1, start, total))
    return chunks


def build_chunk_command(tl: Timeline, chunk: Chunk, width: int, height: int, out: Path, *,
                        ass_path: Path | None, encode: EncodeSettings, work_dir: Path) -> list[str]:
    """ffmpeg arguments for one chunk's video only (same encoder settings as the single pass)."""
    fps = tl.fps
    inputs = _Inputs()
    infos = {tl.clips[k].path: probe(tl.clips[k].path) for k in range(chunk.first, chunk.last + 1)}
    base = tl.clips[chunk.first].start
    video = _joined(inputs, tl, infos, width, height, chunk.first, chunk.last)
    video = video.filter("setpts", expr=f"PTS+{base:.6f}/TB")  # programme time, for captions and overlays
    half = 0.5 / fps
    video = video.filter("trim", start=f"{chunk.start_frame / fps - half:.6f}",
                         end=f"{chunk.end_frame / fps - half:.6f}")
    t0, t1 = chunk.start_frame / fps, chunk.end_frame / fps
    seen = [ov for ov in tl.overlays if ov.start < t1 and (ov.duration is None or ov.start + ov.duration > t0)]
    video = _dress(video, inputs, tl.model_copy(update={"overlays": seen}), width, height, ass_path, work_dir)
    video = video.filter("setpts", expr="PTS-STARTPTS")
    output = ffmpeg.output(video, str(out), **_x264(encode, fps), an=None, format="mpegts",
                           **{"frames:v": chunk.end_frame - chunk.start_frame, "map_metadata": -1})
    return output.global_args("-progress", "pipe:1", "-nostats").get_args()


def build_join_command(tl: Timeline, chunk_list: Path, out: Path, *, levels: MixLevels,
                       encode: EncodeSettings) -> list[str]:
    """ffmpeg arguments that join the encoded chunks (stream copy) and add the mixed, encoded audio."""
    video = ffmpeg.input(str(chunk_list), f="concat", safe=0, protocol_whitelist="file")
    return _with_mix(tl, video, out, levels=levels, encode=encode)


def build_remix_command(tl: Timeline, rendered: Path, out: Path, *, levels: MixLevels,
                        encode: EncodeSettings) -> list[str]:
    """ffmpeg arguments that keep a rendered file's video (stream copy) and mix its audio again at ``levels``."""
    return _with_mix(tl, ffmpeg.input(str(rendered)), out, levels=levels, encode=encode)


def _with_mix(tl: Timeline, video: ffmpeg.nodes.FilterableStream, out: Path, *, levels: MixLevels,
              encode: EncodeSettings) -> list[str]:
    audio = build_mix(tl, audio_input, levels)
    output = ffmpeg.output(video.video, audio, str(out), vcodec="copy", **_aac(encode), movflags="+faststart",
                           t=f"{tl.duration_s:.6f}", **{"map_metadata": -1})
    return output.global_args("-progress", "pipe:1", "-nostats").get_args()
