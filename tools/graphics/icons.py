"""Icons for motion graphics: Font Awesome Free's solid set, drawn locally from its font file.

The ``fontawesomefree`` package ships the font (SIL OFL 1.1) and its metadata (names, unicode points,
search terms). :func:`icon_for` picks an icon for a few words (exact name, then a search term, then a
shared stem); :func:`icon_sprite` draws it as an RGBA image. Credits: :data:`ICON_CREDIT`.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

ICON_CREDIT = "Icons: Font Awesome Free by Fonticons, Inc. (fontawesome.com), SIL OFL 1.1 / CC BY 4.0"
# Words whose best icon is not found by name or search term.
HINTS: dict[str, str] = {
    "km": "route", "kilometre": "route", "kilometer": "route", "mile": "route", "distance": "route",
    "metre": "ruler", "meter": "ruler", "km/h": "gauge-high", "mph": "gauge-high", "speed": "gauge-high",
    "fast": "gauge-high", "%": "percent", "percent": "percent", "year": "calendar", "day": "calendar-day",
    "hour": "clock", "minute": "stopwatch", "second": "stopwatch", "dollar": "sack-dollar", "euro": "euro-sign",
    "pound": "sterling-sign", "price": "tag", "cost": "coins", "money": "coins", "people": "users",
    "person": "user", "bird": "dove", "migration": "dove", "fly": "dove", "quote": "quote-left",
    "place": "location-dot", "city": "city", "star": "star", "magnetic": "magnet", "field": "magnet",
    "idea": "lightbulb", "step": "shoe-prints", "compare": "scale-balanced", "versus": "scale-balanced",
    "subscribe": "bell", "follow": "user-plus", "visit": "globe", "order": "cart-shopping", "shop": "store",
    "bread": "bread-slice", "bakery": "bread-slice", "coffee": "mug-hot", "water": "droplet", "tree": "tree",
    "plant": "seedling", "compost": "seedling", "food": "utensils", "home": "house", "house": "house",
}
_STOP = set(["the", "and", "for", "with", "that", "this", "their", "them", "they", "its", "his", "her", "our", "your", "from", "into", "about", "every", "each", "can", "will", "are", "was", "were", "has", "have", "one", "where", "when", "what", "which", "who", "how", "why", "there", "here", "then", "than", "other", "others", "tell", "tells", "told", "make", "makes", "made", "get", "gets", "take", "takes", "give", "gives", "come", "comes", "goes", "going", "just", "also", "very", "much", "many", "more", "most", "some", "any", "all", "each", "both", "only", "even", "still", "like", "over", "under", "after", "before", "while", "during", "without", "within", "across", "around"])


@dataclass(frozen=True)
class Icon:
    name: str
    char: str


def _metadata_dir() -> Path | None:
    try:
        import fontawesomefree
    except ImportError:
        return None
    root = Path(fontawesomefree.__file__).parent / "static" / "fontawesomefree"
    return root if (root / "metadata" / "icons.json").is_file() else None


@lru_cache(maxsize=1)
def _index() -> tuple[dict[str, Icon], dict[str, list[str]], Path | None]:
    """(icons by name, icon names by search term, the solid font file); empty without the package."""
    root = _metadata_dir()
    if root is None:
        return {}, {}, None
    font = root / "webfonts" / "fa-solid-900.ttf"
    data = json.loads((root / "metadata" / "icons.json").read_text(encoding="utf-8"))
    icons: dict[str, Icon] = {}
    terms: dict[str, list[str]] = {}
    for name, meta in data.items():
        if "solid" not in meta.get("free", meta.get("styles", [])) or not meta.get("unicode"):
            continue
        icons[name] = Icon(name, chr(int(meta["unicode"], 16)))
        for term in meta.get("search", {}).get("terms", []) or []:
            terms.setdefault(str(term).lower(), []).append(name)
    return icons, terms, font if font.is_file() else None


def _stems(text: str) -> list[str]:
    out = []
    for w in re.findall(r"[a-z%][a-z/%'-]*", text.lower()):
        w = re.sub(r"'s$", "", w)
        if len(w) < 2 or w in _STOP:
            continue
        out.append(w)
        if len(w) > 3 and w.endswith("s") and not w.endswith("ss"):
            out.append(w[:-1])
        if w.endswith("res"):  # kilometres → kilometre
            out.append(w[:-1])
    return out


def available() -> bool:
    """True when the icon font is installed."""
    return _index()[2] is not None


def icon_for(text: str) -> str | None:
    """The name of an icon for a few words, or None (no match, or no icon set installed)."""
    icons, terms, _font = _index()
    if not icons:
        return None
    stems = _stems(text)
    for w in stems:  # an icon named by the word itself
        if w in icons:
            return w
    for w in stems:
        if HINTS.get(w) in icons:
            return HINTS[w]
    for w in stems:  # a search term of an icon
        if w in terms:
            return terms[w][0]
    for w in stems:  # a shared stem: "magnetic" → "magnet"
        if len(w) >= 6:
            hit = next((n for n in icons if len(n) >= 5 and w.startswith(n)), None)
            if hit:
                return hit
    return None


@lru_cache(maxsize=128)
def icon_sprite(name: str, size: int, colour: tuple[int, int, int, int]) -> Image.Image | None:
    """The icon ``name`` drawn ``size`` pixels tall in ``colour``, or None when it is unknown."""
    icons, _terms, font_path = _index()
    icon = icons.get(name)
    if icon is None or font_path is None:
        return None
    font = ImageFont.truetype(str(font_path), max(8, int(size)))
    left, top, right, bottom = font.getbbox(icon.char)
    img = Image.new("RGBA", (max(1, right - left), max(1, bottom - top)), (0, 0, 0, 0))
    ImageDraw.Draw(img).text((-left, -top), icon.char, font=font, fill=colour)
    return img
