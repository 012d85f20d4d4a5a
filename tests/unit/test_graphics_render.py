"""Motion graphics drawn natively per format, with real type, icons, a count-up and the brand kit."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from reelforge.tools.clips.motion import keyframe, render_motion
from reelforge.tools.clips.motion_style import style_for
from reelforge.tools.graphics import BrandError, BrandKit, brand_from_settings
from reelforge.tools.graphics.icons import icon_for, icon_sprite
from reelforge.tools.graphics.layouts import format_figure, parse_figure
from reelforge.tools.graphics.render import graphic_style, layers_for
from reelforge.tools.media import probe
from reelforge.tools.production import Graphic, Timeline, TimelineClip
from reelforge.tools.settings import Settings

LIST = Graphic(layout="list", title="Three cues guide them", items=["Sun", "Stars", "Earth's magnetic field"],
               icons=["sun", "star", "magnet"])


def _layers(g: Graphic, w: int, h: int):
    return layers_for(g, w, h, 4.0, graphic_style("birds", 0, BrandKit()), BrandKit())


def test_a_list_is_columns_in_landscape_and_rows_in_portrait():
    wide = [layer for layer in _layers(LIST, 1920, 1080) if layer.effect == "pop"]  # the three badges
    tall = [layer for layer in _layers(LIST, 1080, 1920) if layer.effect == "pop"]
    assert len(wide) == len(tall) == 3
    assert len({b.y for b in wide}) == 1 and len({b.x for b in wide}) == 3
    assert len({b.x for b in tall}) == 1 and len({b.y for b in tall}) == 3


@pytest.mark.parametrize("layout", ["title", "list", "steps", "number", "quote", "comparison", "lower_third",
                                    "location", "end_card"])
@pytest.mark.parametrize("size", [(1920, 1080), (1080, 1920), (1080, 1080)])
def test_every_layout_stays_inside_the_frame_and_above_the_captions(layout, size):
    g = Graphic(layout=layout, kicker="Distance", title="A rather long headline that has to wrap somewhere",
                body="Arctic terns fly every year", figure="70,000", unit="km", attribution="one ornithologist",
                items=["The sun", "The stars", "The Earth's magnetic field"], icons=["sun", "star", "magnet"])
    w, h = size
    layers = _layers(g, w, h)
    assert layers
    for layer in layers:
        x0, y0, x1, y1 = layer.box
        assert x0 >= 0 and x1 <= w and y0 >= 0, (layout, layer.box)
        assert y1 <= h * 0.81, (layout, layer.box)  # the caption band stays clear


def test_figures_count_up_in_their_own_format():
    parsed = parse_figure("70,000")
    assert parsed is not None and parsed[1] == 70000
    assert format_figure(parsed, 35000) == "35,000"
    assert format_figure(parse_figure("3,5"), 1.25) == "1,2" or format_figure(parse_figure("3,5"), 1.25) == "1,3"
    assert format_figure(parse_figure("$1.5"), 0.75) in ("$0.8", "$0.7")
    assert parse_figure("many") is None


def test_icons_come_from_the_open_icon_set():
    assert icon_for("the sun") == "sun" and icon_for("kilometres") == "route" and icon_for("zzzz") is None
    sprite = icon_sprite("sun", 64, (255, 255, 255, 255))
    assert sprite is not None and sprite.getchannel("A").getextrema()[1] == 255


def test_keyframe_shows_the_graphic_designed_for_each_aspect(tmp_path):
    g = Graphic(layout="number", kicker="Speed", figure="390", unit="km/h")
    wide = keyframe("falcon sky", 320, 180, tmp_path / "w.png", graphic=g)
    tall = keyframe("falcon sky", 180, 320, tmp_path / "t.png", graphic=g)
    plain = keyframe("falcon sky", 320, 180, tmp_path / "p.png")
    a, b = np.asarray(Image.open(wide)), np.asarray(Image.open(plain))
    assert Image.open(tall).size == (180, 320)
    assert np.abs(a.astype(int) - b.astype(int)).max() > 100  # the number is drawn, not just the background


def test_render_motion_with_a_graphic_is_exact_and_deterministic(tmp_path):
    g = Graphic(layout="number", figure="70,000", unit="km")
    one = render_motion("ocean", 1.0, 160, 96, 12, tmp_path / "a.mp4", graphic=g.model_dump())
    two = render_motion("ocean", 1.0, 160, 96, 12, tmp_path / "b.mp4", graphic=g)
    info = probe(one)
    assert (info.width, info.height) == (160, 96) and info.duration_s == pytest.approx(1.0, abs=1 / 12)
    assert one.read_bytes() == two.read_bytes()
    with pytest.raises(ValueError):
        render_motion("ocean", 1.0, 160, 96, 12, tmp_path / "c.mp4", graphic={"layout": "nonsense"})


def test_brand_colours_fonts_and_logo(tmp_path):
    logo = tmp_path / "logo.png"
    Image.new("RGBA", (40, 20), (255, 0, 0, 255)).save(logo)
    kit = brand_from_settings(Settings(home=tmp_path, brand_colors="#101820,#ffb000", brand_logo=logo))
    assert kit.background == (16, 24, 32) and kit.accent == (255, 176, 0) and kit.logo == logo
    assert graphic_style("ocean", 0, kit).palette[0] == (16, 24, 32)
    card = keyframe("ocean", 320, 180, tmp_path / "k.png", graphic=Graphic(layout="end_card", title="Visit us"),
                    brand=kit)
    px = np.asarray(Image.open(card)).reshape(-1, 3)
    assert ((px[:, 0] > 200) & (px[:, 1] < 60) & (px[:, 2] < 60)).any()  # the logo is on the end card
    with pytest.raises(BrandError, match="not a #rrggbb"):
        brand_from_settings(Settings(home=tmp_path, brand_colors="teal"))
    with pytest.raises(BrandError, match="does not exist"):
        brand_from_settings(Settings(home=tmp_path, brand_font=tmp_path / "missing.ttf"))
    assert style_for("ocean").palette != graphic_style("ocean", 0, kit).palette


def test_timeline_uses_the_native_rendering_for_each_aspect():
    clip = TimelineClip(shot_id="s1", path="wide.mp4", start=0, duration=1, variants={"9:16": "tall.mp4"})
    tl = Timeline(duration_s=1, clips=[clip])
    assert tl.for_aspect("9:16").clips[0].path == "tall.mp4"
    assert tl.for_aspect("16:9").clips[0].path == "wide.mp4"
