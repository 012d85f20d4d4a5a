"""Output formats: sizes, output file names, caption safe areas and how a source is reframed."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from reelforge.tools.production import FORMATS

_SLUG = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,95}$")


def format_size(aspect: str) -> tuple[int, int]:
    """``(width, height)`` of a known aspect ratio; ``ValueError`` naming the unknown one."""
    if aspect not in FORMATS:
        raise ValueError(f"unknown aspect ratio {aspect!r}; use one of {', '.join(FORMATS)}")
    return FORMATS[aspect]


def output_path(out_dir: str | Path, slug: str, width: int, height: int) -> Path:
    """``out_dir/<slug>-<w>x<h>.mp4``; the slug must be a plain file-name fragment."""
    if not _SLUG.match(slug):
        raise ValueError(f"slug {slug!r} must be letters, digits, '.', '_' or '-' (no path separators)")
    return Path(out_dir) / f"{slug}-{width}x{height}.mp4"


def even(x: float) -> int:
    """Round to the nearest even integer ≥ 2 (yuv420p needs even sizes)."""
    return max(2, int(round(x / 2.0)) * 2)


@dataclass(frozen=True)
class SafeArea:
    """Where captions may go on a frame: bottom margin, side margins, widest allowed line (pixels)."""

    margin_v: int
    margin_l: int
    margin_r: int

    def max_width(self, width: int) -> int:
        return width - self.margin_l - self.margin_r


def caption_safe_area(width: int, height: int) -> SafeArea:
    """Caption safe area per format: vertical video keeps clear of the platform UI (bottom and right rail)."""
    ratio = width / height
    if ratio < 0.7:  # 9:16: captions around 68 % of the height, away from the right-hand buttons
        return SafeArea(margin_v=int(height * 0.30), margin_l=int(width * 0.08), margin_r=int(width * 0.14))
    if ratio < 0.9:  # 4:5
        return SafeArea(margin_v=int(height * 0.18), margin_l=int(width * 0.08), margin_r=int(width * 0.08))
    if ratio < 1.2:  # 1:1
        return SafeArea(margin_v=int(height * 0.14), margin_l=int(width * 0.08), margin_r=int(width * 0.08))
    return SafeArea(margin_v=int(height * 0.09), margin_l=int(width * 0.12), margin_r=int(width * 0.12))


MIN_CROP_KEEP = 0.30  # a centre crop may drop up to 70 % of the source area


def reframe_mode(src_w: int, src_h: int, width: int, height: int, focus: list[float] | None = None) -> str:
    """``"crop"`` (a crop to cover) or ``"fill"`` (fit over a blurred copy).

    With the subject's box (``focus``, see :mod:`tools.assembly.subject`): crop whenever the subject fits in a
    crop window, else fill. Without it: crop unless it would keep less than :data:`MIN_CROP_KEEP` of the
    picture, or it would turn a portrait source into a landscape frame (that crop cuts heads off).
    """
    if focus is not None:
        return "crop" if cover_crop(src_w, src_h, width, height, focus) is not None else "fill"
    src_ar, dst_ar = src_w / src_h, width / height
    keep = min(src_ar, dst_ar) / max(src_ar, dst_ar)
    if src_ar < 0.9 and dst_ar > 1.1:
        return "fill"
    return "crop" if keep >= MIN_CROP_KEEP else "fill"


def cover_crop(src_w: int, src_h: int, width: int, height: int, focus: list[float] | None = None):
    """The ``(w, h, x, y)`` crop of the source with the output's aspect ratio: centred, or centred on the
    subject's box ``focus`` (normalised x0, y0, x1, y1) and kept inside the picture. With a ``focus`` that
    cannot fit in the crop window, None."""
    dst_ar = width / height
    if src_w / src_h > dst_ar:
        cw, ch = even(src_h * dst_ar), src_h - src_h % 2
    else:
        cw, ch = src_w - src_w % 2, even(src_w / dst_ar)
    cw, ch = min(cw, src_w), min(ch, src_h)
    if focus is None:
        return cw, ch, (src_w - cw) // 2, (src_h - ch) // 2
    x0, y0, x1, y1 = focus[0] * src_w, focus[1] * src_h, focus[2] * src_w, focus[3] * src_h
    if x1 - x0 > cw + 1 or y1 - y0 > ch + 1:
        return None
    x = min(max(0, round((x0 + x1) / 2 - cw / 2)), src_w - cw)
    y = min(max(0, round((y0 + y1) / 2 - ch / 2)), src_h - ch)
    return cw, ch, x, y


def fit_size(src_w: int, src_h: int, width: int, height: int) -> tuple[int, int]:
    """The largest even size with the source's aspect ratio that fits inside ``width × height``."""
    scale = min(width / src_w, height / src_h)
    return min(width, even(src_w * scale)), min(height, even(src_h * scale))
