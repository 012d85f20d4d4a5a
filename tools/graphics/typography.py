"""Typography for motion graphics: the bundled open fonts by role, wrapping to a box, text sprites.

Roles: ``display`` (big figures, condensed bold), ``heading`` (bold), ``body`` (regular) and ``quote``
(serif italic). The fonts are DejaVu (free licence, ``tools/assets/fonts/DejaVu-LICENSE.txt``); a brand kit
may replace any role with its own TrueType / OpenType file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter, ImageFont

from reelforge.tools.assets import FONTS_DIR

RGBA = tuple[int, int, int, int]
ROLES = ("display", "heading", "body", "quote")
BUNDLED: dict[str, Path] = {
    "display": FONTS_DIR / "DejaVuSansCondensed-Bold.ttf",
    "heading": FONTS_DIR / "DejaVuSans-Bold.ttf",
    "body": FONTS_DIR / "DejaVuSans.ttf",
    "quote": FONTS_DIR / "DejaVuSerif-Italic.ttf",
}


@lru_cache(maxsize=256)
def _font(path: str, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(path, size)


@dataclass(frozen=True)
class Typography:
    """Font files by role (bundled unless a brand kit overrides one)."""

    fonts: dict[str, Path] = field(default_factory=lambda: dict(BUNDLED))

    def font(self, role: str, size: int) -> ImageFont.FreeTypeFont:
        return _font(str(self.fonts.get(role, BUNDLED[role])), max(6, int(size)))

    def wrap(self, text: str, role: str, size: int, max_w: float) -> list[str]:
        """Greedy word wrap of ``text`` to ``max_w`` pixels (a word longer than the line stays whole)."""
        font = self.font(role, size)
        lines: list[str] = []
        for para in text.split("\n"):
            line = ""
            for word in para.split():
                trial = f"{line} {word}".strip()
                if line and font.getlength(trial) > max_w:
                    lines.append(line)
                    line = word
                else:
                    line = trial
            if line:
                lines.append(line)
        return lines or [""]

    def fit(self, text: str, role: str, max_w: float, max_h: float, *, size: int, min_size: int = 12,
            max_lines: int = 4, line_gap: float = 0.18) -> tuple[int, list[str]]:
        """The largest size ≤ ``size`` at which ``text`` wraps into the box within ``max_lines`` lines."""
        s = int(size)
        while True:
            lines = self.wrap(text, role, s, max_w)
            font = self.font(role, s)
            widest = max(font.getlength(ln) for ln in lines)
            height = len(lines) * s * (1 + line_gap)
            if s <= min_size or (len(lines) <= max_lines and widest <= max_w and height <= max_h):
                return s, lines
            s = max(min_size, int(s * 0.92))

    def sprite(self, lines: list[str], role: str, size: int, colour: RGBA, *, align: str = "center",
               line_gap: float = 0.18, shadow: bool = True) -> Image.Image:
        """Lines of text as a tight RGBA image, with a soft drop shadow for legibility on any background."""
        font = self.font(role, size)
        pad = max(2, size // 8)
        widths = [font.getlength(ln) for ln in lines]
        step = round(size * (1 + line_gap))
        ascent, descent = font.getmetrics()
        w = int(max(widths or [1])) + 2 * pad
        h = step * (len(lines) - 1) + ascent + descent + 2 * pad
        img = Image.new("RGBA", (w, h), (0, 0, 0, 0))
        draw = ImageDraw.Draw(img)
        for i, (ln, lw) in enumerate(zip(lines, widths, strict=True)):
            x = pad + {"left": 0, "right": w - 2 * pad - lw}.get(align, (w - 2 * pad - lw) / 2)
            draw.text((x, pad + i * step), ln, font=font, fill=colour)
        if not shadow:
            return img
        alpha = img.getchannel("A").filter(ImageFilter.GaussianBlur(max(1, size // 14)))
        shade = Image.new("RGBA", img.size, (0, 0, 0, 0))
        shade.putalpha(alpha.point(lambda a: a * 0.7))
        offset = max(1, size // 24)
        out = Image.new("RGBA", img.size, (0, 0, 0, 0))
        out.alpha_composite(shade.crop((0, 0, w - offset, h - offset)), (offset, offset))
        out.alpha_composite(img)
        return out
