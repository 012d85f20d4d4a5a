"""The preview before any spend: an animatic of a storyboard, made in seconds and free.

Low resolution (the short side 360 px) at 12 fps, with the real narration (the offline voice stands in
for a paid or cloned voice, which is only paid for after approval), the captions, the music, and each
shot's keyframe (the offline motion-graphics look) held in place of its generated clip, across the
storyboard's own timing and transitions. A "PREVIEW" watermark marks it. Nothing here calls a paid service.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PIL import Image, ImageDraw, ImageFont

from reelforge.tools.assembly.audio import LIMIT_DB, TARGET_LUFS, MixLevels, measure_mix
from reelforge.tools.assembly.formats import even, format_size
from reelforge.tools.assembly.graph import EncodeSettings
from reelforge.tools.assembly.render import render_one
from reelforge.tools.assembly.timeline import build_timeline
from reelforge.tools.assets import CAPTION_FONT
from reelforge.tools.production import Asset, Brief, Narration, Overlay, ProgressEvent, Provenance, Shot, Storyboard

PREVIEW_SHORT_SIDE = 360
PREVIEW_FPS = 12
PREVIEW_ENCODE = EncodeSettings(preset="ultrafast", crf=30, audio_bitrate="96k")
WATERMARK = "PREVIEW"
OFFLINE_ENGINES = ("piper", "espeak")


@dataclass
class Preview:
    """A rendered animatic and what stood in for what."""

    path: str
    width: int
    height: int
    fps: int
    duration_s: float
    storyboard_version: int
    voice: str
    notes: list[str] = field(default_factory=list)


def preview_size(aspect: str) -> tuple[int, int]:
    """The output size of ``aspect`` scaled so its short side is 360 px (even numbers)."""
    w, h = format_size(aspect)
    scale = PREVIEW_SHORT_SIDE / min(w, h)
    return even(w * scale), even(h * scale)


def preview_voice(brief: Brief, settings: Any) -> tuple[str, str | None]:
    """The voice the preview speaks with and, when it stands in for the brief's voice, a note saying so."""
    from reelforge.tools.voice.synth import resolve

    try:
        engine = resolve(brief.voice, settings, brief.language).engine
    except Exception:  # noqa: BLE001 - an unknown or unusable voice: the offline one speaks the preview
        engine = ""
    if engine in OFFLINE_ENGINES:
        return brief.voice, None
    return "offline", (f"the offline voice reads the preview; {brief.voice} narrates the video once it is approved"
                       if brief.voice != "auto" else
                       "the offline voice reads the preview; the paid voice narrates the video once it is approved")


def watermark(path: Path) -> Path:
    """A translucent "PREVIEW" label (PNG with alpha), drawn once."""
    if path.is_file():
        return path
    font = ImageFont.truetype(str(CAPTION_FONT), 96)
    left, top, right, bottom = font.getbbox(WATERMARK)
    pad = 24
    img = Image.new("RGBA", (right - left + 2 * pad, bottom - top + 2 * pad), (0, 0, 0, 0))
    draw = ImageDraw.Draw(img)
    draw.rounded_rectangle((0, 0, img.width - 1, img.height - 1), radius=24, fill=(0, 0, 0, 110))
    draw.text((pad - left, pad - top), WATERMARK, font=font, fill=(255, 255, 255, 215))
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp.png")
    img.save(tmp)
    tmp.replace(path)
    return path


def _keyframe(store: Any, shot: Shot, width: int, height: int, brand: Any) -> Asset:
    """The shot's keyframe at the preview size (cached by content)."""
    from reelforge.tools.clips.motion import keyframe

    key = store.key("preview-keyframe", shot.visual_prompt, shot.on_screen_text, shot.graphic, brand.fingerprint(),
                    shot.image_path, shot.seed, width, height)
    path = store.path_for(key, ".png")
    if not path.is_file():
        tmp = path.with_name(f".{path.stem}.tmp.png")
        keyframe(shot.visual_prompt, width, height, tmp, seed=shot.seed, on_screen_text=shot.on_screen_text,
                 image_path=shot.image_path, graphic=shot.graphic, brand=brand)
        tmp.replace(path)
    return Asset(key=key, kind="image", path=str(path), width=width, height=height,
                 provenance=Provenance(source="keyframe", prompt=shot.visual_prompt))


def quick_levels(timeline: Any) -> MixLevels:
    """Loudness for a preview from one measurement: gain to the target and a fixed limiter (the delivered
    video measures again after limiting, see :func:`tools.assembly.audio.plan_levels`)."""
    measured = measure_mix(timeline)
    if not math.isfinite(measured.integrated):  # silence
        return MixLevels(measured=measured)
    return MixLevels(gain_db=TARGET_LUFS - measured.integrated, limit=10 ** (LIMIT_DB / 20), measured=measured)


def _narrate(studio: Any, brief: Brief, storyboard: Storyboard, emit: Callable[[ProgressEvent], None]
             ) -> list[Narration]:
    """Each scene's narration; a scene without words gets a silent placeholder (it lasts its planned time)."""
    said = [i for i, scene in enumerate(storyboard.scenes) if scene.narration.strip()]
    spoken = studio._narrate(brief, storyboard.model_copy(update={"scenes": [storyboard.scenes[i] for i in said]}),
                             emit) if said else []
    silent = Narration(text="", words=[], duration_s=0.0, asset=Asset(key="silent", kind="narration", path="",
                                                                      provenance=Provenance(source="none")))
    by_scene = dict(zip(said, spoken, strict=True))
    return [by_scene.get(i, silent) for i in range(len(storyboard.scenes))]


def make_preview(studio: Any, brief: Brief, storyboard: Storyboard, out_dir: str | Path, *,
                 on_event: Callable[[ProgressEvent], None] | None = None) -> Preview:
    """Render the animatic of ``storyboard`` to ``out_dir/preview-v<version>-<w>x<h>.mp4``; free, no approval."""
    emit = on_event or (lambda _e: None)
    from reelforge.tools.graphics import brand_from_settings

    settings, store = studio.settings, studio.store
    brand = brand_from_settings(settings)
    aspect = brief.aspects[0]
    width, height = preview_size(aspect)
    notes: list[str] = []
    voice, note = preview_voice(brief, settings)
    if note:
        notes.append(note)
    spoken = brief.model_copy(update={"voice": voice, "allow_voice_fallback": True})
    emit(ProgressEvent(stage="plan", status="running", percent=5, message="keyframes"))
    with ThreadPoolExecutor(max_workers=2) as pool:  # keyframes are drawn while the narration is spoken
        drawing = pool.map(lambda s: _keyframe(store, s, width, height, brand), storyboard.shots)
        narrations = _narrate(studio, spoken, storyboard, emit)
        frames = list(drawing)
    clips = {shot.id: frame for shot, frame in zip(storyboard.shots, frames, strict=True)}
    total = sum(n.duration_s for n in narrations) or storyboard.total_seconds
    music = studio._music(brief, max(total, storyboard.total_seconds), emit)
    target = None if brief.source_kind == "script" else brief.duration_s
    timeline = build_timeline(storyboard, clips, narrations, music, brief, fps=PREVIEW_FPS, target_s=target)
    mark = watermark(store.root / "preview" / "watermark.png")
    timeline = timeline.model_copy(update={"overlays": [Overlay(path=str(mark), is_image=True, shape="rect",
                                                                corner="top-left", scale=0.45)]})
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"preview-v{storyboard.version}-{width}x{height}.mp4"
    emit(ProgressEvent(stage="assemble", status="running", percent=0, message=f"preview {width}x{height}"))

    def progress(fraction: float) -> None:
        emit(ProgressEvent(stage="assemble", status="running", percent=100 * fraction, message="preview"))

    render_one(timeline, width, height, path, encode=PREVIEW_ENCODE, levels=quick_levels(timeline),
               on_fraction=progress)
    emit(ProgressEvent(stage="done", status="done", percent=100, message=str(path)))
    return Preview(path=str(path), width=width, height=height, fps=PREVIEW_FPS, duration_s=timeline.duration_s,
                   storyboard_version=storyboard.version, voice=voice, notes=notes)
