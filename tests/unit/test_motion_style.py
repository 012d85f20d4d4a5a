"""Prompt → motion style: palettes, pace and key follow the words; unknown prompts hash to a palette."""

from __future__ import annotations

from reelforge.tools.clips.motion_style import COLOURS, hashed_palette, style_for


def warmth(palette) -> float:
    return sum(r - b for r, _g, b in palette) / len(palette)


def test_subject_and_mood_palettes():
    assert warmth(style_for("honeybees golden").palette) > 80
    ocean = style_for("calm ocean dusk")
    assert warmth(ocean.palette[:3]) < 0  # cool blues...
    assert warmth(ocean.palette[3:]) > 80  # ...with a dusk-orange accent
    neon = style_for("energetic neon city").palette
    assert (255, 0, 170) in neon and (0, 229, 255) in neon  # magenta and cyan
    assert style_for("energetic neon city").saturation > 1


def test_colour_words_tint_the_palette():
    pal = style_for("a product shot in red and teal").palette
    assert COLOURS["red"] in pal and COLOURS["teal"] in pal


def test_pace_and_key_words():
    fast, slow = style_for("fast action sport"), style_for("slow calm cinematic")
    neutral = style_for("a table").speed
    assert fast.speed > 2 * neutral and slow.speed < 0.6 * neutral
    dark = style_for("dark dramatic")
    assert dark.key < 0.7 and dark.pulse > 0 and dark.speed < 1


def test_unknown_words_hash_to_a_stable_palette():
    a, b = style_for("zxq blorp"), style_for("zxq blorp")
    assert a == b and a.palette == hashed_palette("zxq blorp")
    assert style_for("zxq blorp").palette != style_for("vorp quux").palette
    assert a.matched == ()
