"""The brand kit: colours, fonts and logo for every motion graphic, from settings.

``REELFORGE_BRAND_COLORS="#0b1f4d,#ffb000,#ffffff"`` (background, accent, text), ``REELFORGE_BRAND_FONT``,
``REELFORGE_BRAND_DISPLAY_FONT`` and ``REELFORGE_BRAND_LOGO`` (paths). Without them a graphic takes its
colours from the shot's look (:func:`tools.clips.motion_style.style_for`), white text and the bundled fonts.
A brand file that is missing or unreadable is an error with its name, never silently ignored.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reelforge.tools.graphics.typography import BUNDLED, Typography
from reelforge.tools.settings import Settings

RGB = tuple[int, int, int]
_HEX = re.compile(r"^#?([0-9a-fA-F]{6})$")
FONT_SUFFIXES = (".ttf", ".otf", ".ttc")


class BrandError(ValueError):
    """A brand setting that cannot be used (bad colour, missing font or logo)."""


def parse_colour(text: str) -> RGB:
    m = _HEX.match(text.strip())
    if not m:
        raise BrandError(f"brand colour {text.strip()!r} is not a #rrggbb hex colour")
    code = m.group(1)
    return int(code[0:2], 16), int(code[2:4], 16), int(code[4:6], 16)


@dataclass(frozen=True)
class BrandKit:
    """Colours (None = from the shot's look), fonts by role and an optional logo."""

    background: RGB | None = None
    accent: RGB | None = None
    text: RGB = (255, 255, 255)
    typography: Typography = field(default_factory=Typography)
    logo: Path | None = None

    def fingerprint(self) -> list[Any]:
        """What the brand changes in a rendering (for cache keys)."""
        fonts = {k: str(v) for k, v in sorted(self.typography.fonts.items())}
        return [self.background, self.accent, self.text, fonts, str(self.logo) if self.logo else None]


def _file(path: Path | None, what: str, suffixes: tuple[str, ...]) -> Path | None:
    if path is None or not str(path).strip():
        return None
    p = Path(path).expanduser()
    if not p.is_file():
        raise BrandError(f"{what} {p} does not exist")
    if p.suffix.lower() not in suffixes:
        raise BrandError(f"{what} {p} should be one of {', '.join(suffixes)}")
    return p


def brand_from_settings(settings: Settings | None) -> BrandKit:
    """The brand kit the settings describe (the default look when they describe none)."""
    if settings is None:
        return BrandKit()
    colours = [c for c in settings.brand_colors.split(",") if c.strip()]
    parsed = [parse_colour(c) for c in colours[:3]]
    font = _file(settings.brand_font, "brand font", FONT_SUFFIXES)
    display = _file(settings.brand_display_font, "brand display font", FONT_SUFFIXES) or font
    fonts = dict(BUNDLED)
    if font:
        fonts.update(heading=font, body=font, quote=font)
    if display:
        fonts["display"] = display
    if font or display:
        from PIL import ImageFont

        for path in set(fonts.values()):
            try:
                ImageFont.truetype(str(path), 12)
            except OSError as exc:
                raise BrandError(f"brand font {path} cannot be read ({exc})") from None
    logo = _file(settings.brand_logo, "brand logo", (".png", ".webp", ".jpg", ".jpeg"))
    return BrandKit(background=parsed[0] if parsed else None, accent=parsed[1] if len(parsed) > 1 else None,
                    text=parsed[2] if len(parsed) > 2 else (255, 255, 255), typography=Typography(fonts), logo=logo)
