"""A user-provided presenter: validate an uploaded photo or short video, record consent, place it on screen.

The upload is checked before anything else touches it (magic bytes, a real decode with PyAV, type,
size and duration caps), consent to use the likeness is required and recorded in the asset's
provenance (as for voice cloning), and :func:`presenter_overlay` returns a
:class:`tools.production.Overlay` that assembly renders picture-in-picture over the scenes while the
narration plays. The same validated upload can be sent to a lip-sync avatar service instead.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from reelforge.tools.production import FORMATS, Asset, Consent, Overlay, Provenance, file_digest
from reelforge.tools.settings import Settings, get_settings
from reelforge.tools.store import AssetStore

MAX_IMAGE_BYTES = 15 * 1024 * 1024
MAX_VIDEO_BYTES = 100 * 1024 * 1024
MAX_VIDEO_S = 60.0
MIN_SIDE_PX = 96

Shape = Literal["circle", "rounded", "rect"]
Corner = Literal["bottom-right", "bottom-left", "top-right", "top-left"]

# Per format: where the presenter sits and how big (scale = fraction of the frame's shorter side).
# 16:9 - the usual lower-right bubble. 9:16 - top-left, clear of the captions (lower middle), the
# platform's right-hand button rail and the description at the bottom. Square and 4:5 feeds - top-right,
# above captions that sit low in the frame.
PLACEMENT: dict[str, tuple[Corner, Shape, float]] = {
    "16:9": ("bottom-right", "circle", 0.28),
    "9:16": ("top-left", "circle", 0.34),
    "1:1": ("top-right", "rounded", 0.3),
    "4:5": ("top-right", "rounded", 0.3),
}


class PresenterError(ValueError):
    """An upload or consent problem, worded for the user."""


@dataclass(frozen=True)
class Upload:
    """A validated presenter upload."""

    path: Path
    kind: Literal["image", "video"]
    mime: str
    width: int
    height: int
    duration_s: float
    size_bytes: int

    @property
    def is_image(self) -> bool:
        return self.kind == "image"


def sniff(head: bytes) -> str | None:
    """The MIME type from a file's first bytes, for the formats a presenter may use (else None)."""
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand in (b"heic", b"heix", b"mif1", b"msf1", b"avif"):
            return "image/heic"
        return "video/quicktime" if brand == b"qt  " else "video/mp4"
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return "video/webm"
    return None


def _decode(path: Path, kind: str) -> tuple[int, int, float]:
    """Decode the first frame with PyAV (and fully load a still with Pillow); return width, height, seconds."""
    import av
    from PIL import Image

    try:
        with av.open(str(path)) as container:
            stream = next(iter(container.streams.video), None)
            if stream is None:
                raise PresenterError(f"{path.name} has no picture in it")
            frame = next(container.decode(stream), None)
            if frame is None:
                raise PresenterError(f"{path.name} is corrupt: no frame could be decoded")
            seconds = float(container.duration) / 1e6 if container.duration else 0.0
            if not seconds and stream.duration and stream.time_base:
                seconds = float(stream.duration * stream.time_base)
            size = (frame.width, frame.height)
        if kind == "image":
            with Image.open(path) as im:
                im.load()  # raises on a truncated file that the first-frame decode let through
    except (av.error.FFmpegError, OSError, StopIteration, ValueError) as exc:
        if isinstance(exc, PresenterError):
            raise
        raise PresenterError(f"{path.name} is corrupt or truncated and cannot be decoded ({type(exc).__name__})") \
            from exc
    return size[0], size[1], seconds


def validate_upload(path: str | Path, *, max_image_bytes: int = MAX_IMAGE_BYTES,
                    max_video_bytes: int = MAX_VIDEO_BYTES, max_video_s: float = MAX_VIDEO_S) -> Upload:
    """Check a presenter photo (PNG/JPEG/WebP) or short video (MP4/MOV/WebM); raise :class:`PresenterError`."""
    p = Path(path)
    if not p.is_file():
        raise PresenterError(f"presenter upload {p.name!r} was not found")
    size = p.stat().st_size
    if size == 0:
        raise PresenterError(f"{p.name} is empty")
    with p.open("rb") as fh:
        mime = sniff(fh.read(32))
    if mime == "image/heic":
        raise PresenterError(f"{p.name} is a HEIC/AVIF photo; please upload it as JPEG or PNG")
    if mime is None:
        raise PresenterError(f"{p.name} is not an image or a video: upload a photo (PNG, JPEG, WebP) "
                             "or a short video (MP4, MOV, WebM)")
    kind: Literal["image", "video"] = "image" if mime.startswith("image/") else "video"
    cap = max_image_bytes if kind == "image" else max_video_bytes
    if size > cap:
        raise PresenterError(f"{p.name} is {size / 1e6:.1f} MB; a presenter {'photo' if kind == 'image' else 'video'} "
                             f"may be at most {cap / 1e6:.0f} MB")
    width, height, seconds = _decode(p, kind)
    if min(width, height) < MIN_SIDE_PX:
        raise PresenterError(f"{p.name} is only {width}x{height} pixels; use at least {MIN_SIDE_PX} px on each side")
    if kind == "video" and seconds > max_video_s:
        raise PresenterError(f"{p.name} is {seconds:.0f} s long; a presenter video may be at most {max_video_s:.0f} s")
    return Upload(p, kind, mime, width, height, 0.0 if kind == "image" else seconds, size)


def require_consent(consent: Consent | None) -> Consent:
    """The consent record, or :class:`PresenterError` when it is missing or blank."""
    if consent is None:
        raise PresenterError("consent is required: confirm that you are the person shown, or have their "
                             "permission, before their likeness is used as a presenter")
    if not consent.text.strip() or not consent.affirmed_by.strip():
        raise PresenterError("consent must say what was agreed and who agreed to it")
    return consent


def presenter_asset(upload_path: str | Path, consent: Consent | None, *, store: AssetStore | None = None,
                    settings: Settings | None = None) -> Asset:
    """Validate the upload, require consent, and keep a copy in the asset store with the consent recorded."""
    consent = require_consent(consent)
    up = validate_upload(upload_path)
    store = store or AssetStore((settings or get_settings()).store_dir)
    key = store.key("presenter", file_digest(up.path), consent.model_dump(mode="json"))
    asset = Asset(key=key, kind="image" if up.is_image else "clip", path=str(up.path),
                  duration_s=up.duration_s or None, width=up.width, height=up.height,
                  provenance=Provenance(source="user", model="presenter-upload", licence="user-provided likeness",
                                        consent=consent))
    suffix = {"image/png": ".png", "image/jpeg": ".jpg", "image/webp": ".webp", "video/mp4": ".mp4",
              "video/quicktime": ".mov", "video/webm": ".webm"}[up.mime]
    tmp = store.scratch(suffix)
    shutil.copyfile(up.path, tmp)
    stored = store.put(asset, tmp)
    tmp.unlink(missing_ok=True)
    return stored


def presenter_overlay(upload_path: str | Path, consent: Consent | None, aspect: str, *, start: float = 0.0,
                      duration: float | None = None, shape: Shape | None = None, corner: Corner | None = None,
                      scale: float | None = None, store: AssetStore | None = None,
                      settings: Settings | None = None) -> Overlay:
    """A picture-in-picture presenter for ``aspect`` (per-format corner, mask and size unless given)."""
    if aspect not in FORMATS:
        raise PresenterError(f"unknown aspect ratio {aspect!r}; use one of {', '.join(FORMATS)}")
    if scale is not None and not 0.05 <= scale <= 0.9:
        raise PresenterError(f"presenter scale {scale} is outside 0.05..0.9 of the frame")
    if start < 0 or (duration is not None and duration <= 0):
        raise PresenterError("presenter start must be >= 0 and its duration positive")
    asset = presenter_asset(upload_path, consent, store=store, settings=settings)
    d_corner, d_shape, d_scale = PLACEMENT[aspect]
    return Overlay(path=asset.path, is_image=asset.kind == "image", shape=shape or d_shape,
                   corner=corner or d_corner, scale=scale or d_scale, start=start, duration=duration)


def overlay_spans(timeline_clips: list, total_s: float, skip: set[str], *, min_s: float = 0.5) -> list[tuple[float, float]]:
    """``(start, duration)`` spans of the timeline not covered by the clips in ``skip`` (e.g. shots where an
    avatar already presents full-frame), so the picture-in-picture presenter never doubles them.
    Spans shorter than ``min_s`` are dropped. With nothing to skip: one span over the whole timeline."""
    covered = sorted((c.start, c.start + c.duration) for c in timeline_clips if c.shot_id in skip)
    spans: list[tuple[float, float]] = []
    cursor = 0.0
    for a, b in covered:
        if a - cursor >= min_s:
            spans.append((round(cursor, 4), round(a - cursor, 4)))
        cursor = max(cursor, b)
    if total_s - cursor >= min_s:
        spans.append((round(cursor, 4), round(total_s - cursor, 4)))
    return spans
