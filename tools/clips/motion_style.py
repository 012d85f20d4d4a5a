"""Prompt → look: the palette, pace and key of an offline motion-graphics shot.

:func:`style_for` reads mood, pace, colour and subject words in a visual prompt and returns a
:class:`MotionStyle`. The mapping is deterministic: words it does not know give a palette derived
from a hash of the prompt, so the same prompt always looks the same and different prompts differ.
"""

from __future__ import annotations

import colorsys
import hashlib
import re
from dataclasses import dataclass

RGB = tuple[int, int, int]


def _hex(code: str) -> RGB:
    code = code.lstrip("#")
    return int(code[0:2], 16), int(code[2:4], 16), int(code[4:6], 16)


def _pal(*codes: str) -> tuple[RGB, ...]:
    return tuple(_hex(c) for c in codes)


# Colour words a prompt may name directly.
COLOURS: dict[str, RGB] = {
    "red": _hex("d7263d"), "crimson": _hex("b3122e"), "scarlet": _hex("ff2400"), "orange": _hex("ff7f11"),
    "amber": _hex("ffb000"), "gold": _hex("e6b422"), "golden": _hex("f0b429"), "yellow": _hex("ffd60a"),
    "lime": _hex("a7e22e"), "green": _hex("2a9d4b"), "emerald": _hex("00a878"), "mint": _hex("98f5c0"),
    "teal": _hex("0f8b8d"), "turquoise": _hex("30d5c8"), "cyan": _hex("00e5ff"), "aqua": _hex("3ae0e0"),
    "blue": _hex("1f6feb"), "navy": _hex("0b1f4d"), "cobalt": _hex("0047ab"), "indigo": _hex("3a0ca3"),
    "violet": _hex("7f3fbf"), "purple": _hex("6a1b9a"), "lavender": _hex("b497e7"), "magenta": _hex("ff00aa"),
    "pink": _hex("ff6fb5"), "rose": _hex("e8577e"), "coral": _hex("ff6f59"), "peach": _hex("ffb38a"),
    "brown": _hex("7b4b2a"), "beige": _hex("e8d8b8"), "cream": _hex("f6ecd2"), "white": _hex("f4f6f8"),
    "silver": _hex("b8c2cc"), "grey": _hex("7d8590"), "gray": _hex("7d8590"), "black": _hex("0a0a0c"),
    "pastel": _hex("ffd1dc"), "neon": _hex("39ff14"),
}

# Mood, setting and subject words → palette (dark → light, the accent last).
PALETTES: dict[str, tuple[RGB, ...]] = {
    "ocean": _pal("06224a", "0d5c8c", "2bb3c0", "9be7ef"),
    "sea": _pal("062a4a", "0e6c8f", "38b6c9", "b6f0f5"),
    "water": _pal("08305a", "1c73a8", "5cc6e0", "c9f3ff"),
    "underwater": _pal("021f33", "05506e", "0f8fa3", "7fe0d9"),
    "beach": _pal("1b6ca8", "4fc0d0", "f3d9a4", "ffb37b"),
    "sky": _pal("1e4f91", "4a90d9", "a7d3f5", "ffffff"),
    "dusk": _pal("1d1b3f", "4b3a78", "d9734e", "f7b267"),
    "sunset": _pal("2b1055", "b33f62", "f26a4f", "ffc857"),
    "sunrise": _pal("33264f", "d96c75", "ffab76", "ffe29a"),
    "dawn": _pal("2c2a4a", "8f6aa8", "f0a693", "fde2c4"),
    "night": _pal("03040f", "0c1445", "23306b", "7a8ed9"),
    "space": _pal("020008", "170b3b", "3f1d7a", "b9a3ff"),
    "galaxy": _pal("05010f", "2a0a4f", "7b2cbf", "f28fff"),
    "stars": _pal("02030a", "0f1a3c", "35508c", "e6ecff"),
    "neon": _pal("0b0221", "ff00aa", "00e5ff", "f9f871"),
    "city": _pal("0d1321", "1d2d44", "3e5c76", "f0c987"),
    "cyberpunk": _pal("0a0014", "ff2079", "00f0ff", "f5e960"),
    "retro": _pal("2d1e2f", "ef6f6c", "f7b267", "6fd3c9"),
    "synthwave": _pal("1a0933", "ff3f8e", "ffb347", "2de2e6"),
    "forest": _pal("0b2414", "1f5130", "4f8a3a", "c1d37f"),
    "jungle": _pal("06220f", "0f5a2a", "3f9b3f", "d7e36a"),
    "nature": _pal("12331d", "3c7a3a", "8fbf5a", "f1e6a0"),
    "garden": _pal("183a1d", "52a447", "f6c6ea", "fff6bd"),
    "flower": _pal("3b1f3f", "c9578b", "f7a1c4", "ffe3a3"),
    "spring": _pal("2f5d34", "8cc152", "ffd1dc", "fff3b0"),
    "autumn": _pal("3b1d0f", "9c3d10", "e07a1f", "f6c453"),
    "fall": _pal("3b1d0f", "a0431a", "e08a2c", "f3cf6b"),
    "winter": _pal("1b2a41", "5c7aa6", "b8d0eb", "f5fbff"),
    "snow": _pal("2a3b55", "8aa6c8", "d8e6f5", "ffffff"),
    "ice": _pal("0d2b45", "3a7ca5", "a6e1fa", "f0fbff"),
    "mountain": _pal("1b263b", "415a77", "8fa5bd", "e0e1dd"),
    "desert": _pal("5a2e0e", "b5651d", "e8a85c", "f9dfa5"),
    "fire": _pal("1a0500", "8a1c00", "ff5a00", "ffd000"),
    "lava": _pal("140200", "6b0f00", "e63900", "ffb000"),
    "honeybee": _pal("2b1700", "8a5200", "e8a317", "ffe08a"),
    "honeybees": _pal("2b1700", "8a5200", "e8a317", "ffe08a"),
    "bee": _pal("2b1700", "8a5200", "e8a317", "ffe08a"),
    "bees": _pal("2b1700", "8a5200", "e8a317", "ffe08a"),
    "honey": _pal("3a2000", "a05a00", "f0a81c", "ffe29a"),
    "coffee": _pal("1e120c", "4b2e1f", "a0704d", "e8cfb0"),
    "chocolate": _pal("1a0d07", "4a2514", "7b3f1d", "c48b5b"),
    "wine": _pal("1a0008", "5c0b24", "9e2a47", "e7a0b1"),
    "tech": _pal("050d1f", "0b3d91", "1f8ef1", "7ef9ff"),
    "technology": _pal("050d1f", "0b3d91", "1f8ef1", "7ef9ff"),
    "ai": _pal("07061a", "3a1c71", "5f6fff", "74f2ce"),
    "data": _pal("041421", "0a3d62", "3c6382", "82ccdd"),
    "digital": _pal("060b1a", "16307a", "4361ee", "4cc9f0"),
    "software": _pal("0b1020", "1e2a5a", "3f7cff", "a6c8ff"),
    "startup": _pal("0d1b2a", "4361ee", "7209b7", "f72585"),
    "corporate": _pal("0f1c2e", "1f3b63", "3d6fa8", "d8e2ee"),
    "business": _pal("101820", "23395b", "406e8e", "cbd5e1"),
    "finance": _pal("0a1a12", "14452f", "2e8b57", "d4af37"),
    "money": _pal("0a1a12", "1b5e20", "43a047", "d4af37"),
    "health": _pal("0c2a2a", "1f7a7a", "6cc4a1", "e8f7f0"),
    "medical": _pal("0b2239", "2a6f97", "61a5c2", "e6f4f1"),
    "science": _pal("0a1128", "1c3f60", "2ec4b6", "cbf3f0"),
    "food": _pal("3a1308", "b23a48", "fcb9b2", "ffe0a3"),
    "kitchen": _pal("2b1b12", "8c5a3c", "e0a96d", "fbe7c6"),
    "fitness": _pal("0d0d0d", "d00000", "ff7b00", "ffba08"),
    "sport": _pal("081c15", "1b4332", "ff6d00", "ffd60a"),
    "sports": _pal("081c15", "1b4332", "ff6d00", "ffd60a"),
    "music": _pal("10002b", "5a189a", "e0aaff", "ff6d00"),
    "party": _pal("13002b", "ff0a54", "ffbe0b", "3a86ff"),
    "love": _pal("2b0010", "a4133c", "ff4d6d", "ffccd5"),
    "romance": _pal("2b0010", "a4133c", "ff758f", "ffe5ec"),
    "kids": _pal("1d3557", "e63946", "ffb703", "8ecae6"),
    "travel": _pal("0b3954", "087e8b", "ff5a5f", "f6d8ae"),
    "history": _pal("2b2118", "6f4e37", "b08968", "ede0d4"),
    "vintage": _pal("2e2216", "7f5539", "c9a66b", "efe3c2"),
    "luxury": _pal("0b0b0b", "2b2b2b", "b8860b", "f3e5ab"),
    "fashion": _pal("111111", "6d1a36", "d4a5a5", "f6e7e7"),
    "rain": _pal("0e1621", "263646", "4e6a85", "a9bcd0"),
    "storm": _pal("07090f", "1f2937", "4b5563", "c7d2fe"),
    "fog": _pal("3b4451", "6b7683", "a4adb6", "dde2e6"),
    "dark": _pal("030305", "14121c", "2d1f3d", "7d5ba6"),
    "dramatic": _pal("050204", "2a0a12", "6b1020", "d9a441"),
    "noir": _pal("040404", "1a1a1a", "4a4a4a", "d0d0d0"),
    "horror": _pal("020000", "1f0000", "5c0000", "b30000"),
    "mystery": _pal("05040d", "1b1333", "3d2c6e", "9d8df1"),
    "calm": _pal("16324f", "2e6f95", "8ecae6", "f1faee"),
    "peaceful": _pal("1d3a4a", "5b8e7d", "bcd8c1", "f4f1de"),
    "energetic": _pal("12002b", "ff006e", "fb5607", "ffbe0b"),
    "playful": _pal("3a0ca3", "f72585", "4cc9f0", "ffd60a"),
    "happy": _pal("ff8c42", "ffd23f", "3bceac", "ffffff"),
    "upbeat": _pal("240046", "ff006e", "ffbe0b", "3a86ff"),
    "dreamy": _pal("2d1e4f", "8e7dbe", "f2b5d4", "f7d6e0"),
    "elegant": _pal("121212", "2c2c54", "a5a58d", "f1e3d3"),
    "minimal": _pal("1c1c1e", "3a3a3c", "8e8e93", "f2f2f7"),
}

FAST_WORDS = {"fast", "action", "energetic", "energy", "dynamic", "hype", "rapid", "explosive", "racing",
              "race", "speed", "sport", "sports", "intense", "upbeat", "party", "frantic", "quick", "exciting",
              "neon", "punchy", "fitness", "dance"}
SLOW_WORDS = {"slow", "calm", "serene", "peaceful", "cinematic", "gentle", "relaxing", "relaxed", "dreamy",
              "meditation", "meditative", "tranquil", "quiet", "soft", "dusk", "ambient", "elegant", "luxury",
              "lazy", "still", "drifting", "ocean", "fog"}
DARK_WORDS = {"dark", "dramatic", "night", "noir", "moody", "horror", "mystery", "ominous", "sinister",
              "gloomy", "shadow", "shadows", "storm", "thriller", "tense", "low-key", "lowkey"}
BRIGHT_WORDS = {"bright", "happy", "sunny", "cheerful", "light", "airy", "pastel", "white", "clean", "fresh"}
SATURATED_WORDS = {"neon", "vivid", "saturated", "vibrant", "colorful", "colourful", "bold", "electric",
                   "cyberpunk", "synthwave", "party", "energetic", "psychedelic"}
GEOMETRIC_WORDS = {"geometric", "abstract", "tech", "technology", "data", "digital", "corporate", "business",
                   "startup", "software", "ai", "shapes", "grid", "modern", "minimal", "infographic", "science"}

MOOD_WORDS = {"calm", "peaceful", "energetic", "playful", "happy", "upbeat", "dreamy", "elegant", "minimal",
              "dark", "dramatic", "mystery", "horror"}
LOOK_WORDS = {"neon", "cyberpunk", "synthwave", "retro", "vintage", "noir"}

SHAPES = ("rings", "squares", "triangles")


@dataclass(frozen=True)
class MotionStyle:
    """How a motion-graphics shot looks and moves."""

    palette: tuple[RGB, ...]  # 3-4 colours, dark → light, accent last
    speed: float = 1.0  # motion speed multiplier (0.35 slow … 2.2 fast)
    key: float = 1.0  # overall brightness (0.5 low-key … 1.1 bright)
    saturation: float = 1.0
    pulse: float = 0.0  # depth of a slow brightness pulse (dark, dramatic)
    particles: int = 18
    shape: str = "rings"
    shape_count: int = 3
    sweep: bool = True
    matched: tuple[str, ...] = ()  # the words that shaped the look (for logs and tests)


def words(prompt: str) -> list[str]:
    """Lower-case words of a prompt (letters, digits, hyphen)."""
    return re.findall(r"[a-z0-9][a-z0-9\-]*", prompt.lower())


def prompt_digest(prompt: str, seed: int = 0) -> bytes:
    """A stable digest of (prompt, seed): the root of every pseudo-random choice."""
    return hashlib.sha256(f"{seed}\x00{prompt.strip().lower()}".encode()).digest()


def hashed_palette(prompt: str) -> tuple[RGB, ...]:
    """A pleasant 4-colour palette derived deterministically from the prompt text."""
    d = hashlib.sha256(prompt.strip().lower().encode()).digest()
    hue = d[0] / 255.0
    spread = 0.08 + d[1] / 255.0 * 0.25
    out: list[RGB] = []
    for i, (sat, val) in enumerate(((0.75, 0.16), (0.7, 0.42), (0.6, 0.72), (0.45, 0.95))):
        h = (hue + spread * i * (1 if d[2] & 1 else -1)) % 1.0
        r, g, b = colorsys.hsv_to_rgb(h, sat, val)
        out.append((round(r * 255), round(g * 255), round(b * 255)))
    return tuple(out)


def _shade(colour: RGB, value: float) -> RGB:
    h, s, _v = colorsys.rgb_to_hsv(*(c / 255 for c in colour))
    r, g, b = colorsys.hsv_to_rgb(h, s, value)
    return round(r * 255), round(g * 255), round(b * 255)


def _from_colours(colours: list[RGB]) -> tuple[RGB, ...]:
    """A dark → light palette built around the colours a prompt names."""
    if len(colours) == 1:
        c = colours[0]
        return (_shade(c, 0.14), _shade(c, 0.45), c, _shade(c, 0.98))
    base = sorted(colours, key=lambda c: sum(c))
    dark = _shade(base[0], 0.15)
    return (dark, *base[:3]) if len(base) < 4 else tuple(base[:4])


def style_for(prompt: str, seed: int = 0) -> MotionStyle:
    """The motion style for a visual prompt (deterministic in ``prompt`` and ``seed``)."""
    ws = words(prompt)
    wset = set(ws)
    colours = [COLOURS[w] for w in ws if w in COLOURS and w not in PALETTES]
    # Looks ("neon") lead, then subjects and settings; moods ("calm", "dark") lead only when alone.
    subjects = sorted(dict.fromkeys(w for w in ws if w in PALETTES),
                      key=lambda w: 0 if w in LOOK_WORDS else 2 if w in MOOD_WORDS else 1)
    matched = tuple(dict.fromkeys([w for w in ws if w in COLOURS or w in PALETTES or w in FAST_WORDS
                                   or w in SLOW_WORDS or w in DARK_WORDS]))
    if subjects:
        palette = list(PALETTES[subjects[0]])
        # Named colours tint the mid-tone and accent; a second subject lends its accent.
        if len(subjects) > 1:
            palette[3] = PALETTES[subjects[1]][3]
        for i, c in enumerate(colours[:2]):
            palette[2 + i] = c
        palette_t = tuple(palette)
    elif colours:
        palette_t = _from_colours(colours)
    else:
        palette_t = hashed_palette(prompt)

    fast = len(wset & FAST_WORDS)
    slow = len(wset & SLOW_WORDS)
    speed = 1.0 * (1.6 ** min(fast, 2)) / (1.7 ** min(slow, 2))
    dark = bool(wset & DARK_WORDS)
    key = 0.55 if dark else (1.08 if wset & BRIGHT_WORDS else 1.0)
    if dark:
        speed *= 0.7
    saturation = 1.3 if wset & SATURATED_WORDS else 1.0
    d = prompt_digest(prompt, seed)
    geometric = bool(wset & GEOMETRIC_WORDS)
    return MotionStyle(
        palette=palette_t,
        speed=max(0.3, min(2.6, speed)),
        key=key,
        saturation=saturation,
        pulse=0.35 if dark else 0.0,
        particles=(10 if dark else 14 + d[3] % 10) + (8 if fast else 0),
        shape=SHAPES[d[4] % len(SHAPES)] if geometric or d[5] % 2 else "rings",
        shape_count=(4 if geometric else 2) + d[6] % 2,
        sweep=not dark or bool(d[7] % 2),
        matched=matched,
    )
