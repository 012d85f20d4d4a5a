"""Layouts: a :class:`~tools.production.Graphic` → animated layers, designed for the frame it is drawn in.

Every layout measures its frame: wide frames put items side by side (columns, A | B), tall frames stack
them (rows, A over B) and wrap text to the narrower measure; sizes follow the short side so that type
reads the same in 16:9 and 9:16. Nothing is drawn in the bottom band where captions sit.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from PIL import Image, ImageDraw

from reelforge.tools.graphics.brand import BrandKit
from reelforge.tools.graphics.icons import icon_sprite
from reelforge.tools.graphics.layers import Layer, ease_out
from reelforge.tools.production import Graphic

RGB = tuple[int, int, int]
COUNT_S = 1.4  # a figure counts up over this long


@dataclass(frozen=True)
class Frame:
    """The canvas (``w`` x ``h``, ``wide`` or tall) and its safe area: items stay between ``left`` and ``right``
    and between ``top`` and ``bottom`` (captions sit below ``bottom``). ``u``, the short side, is the unit of
    every size."""

    w: int
    h: int
    wide: bool
    u: int
    left: int
    right: int
    top: int
    bottom: int

    @classmethod
    def of(cls, w: int, h: int) -> Frame:
        """The frame of a ``w`` x ``h`` canvas; wide frames keep slimmer margins than tall ones."""
        wide = w >= h * 1.2
        side, top, bottom = (0.08, 0.1, 0.8) if wide else (0.09, 0.11, 0.76)
        left = round(w * side)
        return cls(w, h, wide, min(w, h), left, w - left, round(h * top), round(h * bottom))

    @property
    def width(self) -> int:
        """The width of the safe area."""
        return self.right - self.left


@dataclass(frozen=True)
class Palette:
    """The colours a layout draws with (RGBA)."""

    text: tuple[int, int, int, int]
    accent: tuple[int, int, int, int]
    panel: tuple[int, int, int, int]
    on_accent: tuple[int, int, int, int]


def palette_for(kit: BrandKit, look: tuple[RGB, ...]) -> Palette:
    """Brand colours where set, else the look's accent; panels are the darkest tone, translucent."""
    accent = kit.accent or _bright(look[-1])
    dark = kit.background or look[0]
    lum = 0.299 * accent[0] + 0.587 * accent[1] + 0.114 * accent[2]
    on_accent = (20, 20, 24, 255) if lum > 150 else (255, 255, 255, 255)
    return Palette(text=(*kit.text, 255), accent=(*accent, 255), panel=(*dark, 190), on_accent=on_accent)


def _bright(c: RGB) -> RGB:
    """Lift a dark accent so it reads on a dark background."""
    m = max(c)
    if m >= 170:
        return c
    k = 200 / max(1, m)
    return min(255, round(c[0] * k)), min(255, round(c[1] * k)), min(255, round(c[2] * k))


class Designer:
    """Builds the layers of one graphic for one frame."""

    def __init__(self, frame: Frame, kit: BrandKit, pal: Palette, seconds: float) -> None:
        self.f, self.kit, self.pal, self.seconds = frame, kit, pal, seconds
        self.type = kit.typography

    # --- building blocks ---------------------------------------------------------------------------

    def text(self, text: str, role: str, size: float, *, max_w: float | None = None, max_h: float | None = None,
             max_lines: int = 3, colour=None, align: str = "center", upper: bool = False) -> Image.Image:
        text = text.upper() if upper else text
        max_w = max_w or self.f.width
        s, lines = self.type.fit(text, role, max_w, max_h or self.f.h, size=round(size),
                                 min_size=max(12, round(self.f.u * 0.022)), max_lines=max_lines)
        return self.type.sprite(lines, role, s, colour or self.pal.text, align=align)

    def icon(self, name: str | None, size: float, colour=None) -> Image.Image | None:
        if not name:
            return None
        return icon_sprite(name, round(size), colour or self.pal.accent)

    def badge(self, size: float, *, label: str = "", icon: str | None = None) -> Image.Image:
        """A filled accent disc with a number or an icon in it."""
        d = round(size)
        img = Image.new("RGBA", (d * 4, d * 4), (0, 0, 0, 0))
        ImageDraw.Draw(img).ellipse((0, 0, d * 4 - 1, d * 4 - 1), fill=self.pal.accent)
        img = img.resize((d, d), Image.LANCZOS)
        inner = self.icon(icon, d * 0.5, self.pal.on_accent) if icon else None
        if inner is None and label:
            inner = self.type.sprite([label], "heading", round(d * 0.5), self.pal.on_accent, shadow=False)
        if inner is not None:
            img.alpha_composite(inner, ((d - inner.width) // 2, (d - inner.height) // 2))
        return img

    def panel(self, w: float, h: float, *, colour=None, radius: float = 0.14) -> Image.Image:
        """A translucent rounded rectangle (antialiased)."""
        w, h = max(2, round(w)), max(2, round(h))
        big = Image.new("RGBA", (w * 2, h * 2), (0, 0, 0, 0))
        ImageDraw.Draw(big).rounded_rectangle((0, 0, w * 2 - 1, h * 2 - 1), radius=round(min(w, h) * radius * 2),
                                              fill=colour or self.pal.panel)
        return big.resize((w, h), Image.LANCZOS)

    def bar(self, w: float, h: float) -> Image.Image:
        return Image.new("RGBA", (max(1, round(w)), max(1, round(h))), self.pal.accent)

    def logo(self, height: float) -> Image.Image | None:
        if not self.kit.logo:
            return None
        img = Image.open(self.kit.logo).convert("RGBA")
        k = height / max(1, img.height)
        return img.resize((max(1, round(img.width * k)), max(1, round(height))), Image.LANCZOS)

    def stack(self, blocks: list[Image.Image | None], *, top: float | None = None, bottom: float | None = None,
              gap: float = 0.03, start: float = 0.15, step: float = 0.25, effect: str = "rise") -> list[Layer]:
        """Blocks centred horizontally, stacked and centred vertically between ``top`` and ``bottom``."""
        items = [b for b in blocks if b is not None]
        top = self.f.top if top is None else top
        bottom = self.f.bottom if bottom is None else bottom
        g = round(self.f.u * gap)
        total = sum(b.height for b in items) + g * (len(items) - 1)
        y = round(top + max(0, (bottom - top - total) / 2))
        out = []
        for i, b in enumerate(items):
            out.append(Layer(b, round((self.f.w - b.width) / 2), y, start=start + i * step, effect=effect))
            y += b.height + g
        return out

    def stagger(self, n: int) -> float:
        """Seconds between items entering, so all are in by ~60 % of the shot."""
        return max(0.12, min(0.7, (self.seconds * 0.6 - 0.5) / max(1, n)))

    # --- layouts ---------------------------------------------------------------------------------------

    def title(self, g: Graphic) -> list[Layer]:
        u = self.f.u
        icon = self.icon(g.icons[0] if g.icons else None, u * 0.13)
        logo = self.logo(u * 0.08)
        kicker = self.text(g.kicker, "heading", u * 0.04, colour=self.pal.accent, upper=True, max_lines=1) \
            if g.kicker else None
        head = self.text(g.title or g.body, "heading", u * (0.095 if self.f.wide else 0.085), max_lines=3)
        body = self.text(g.body, "body", u * 0.045, max_lines=2) if g.body and g.title else None
        rule = self.bar(u * 0.16, max(3, u * 0.01))
        layers = self.stack([logo, icon, kicker, head, rule, body])
        for layer in layers:
            if layer.image is rule:
                layer.effect, layer.duration = "wipe", 0.6
        return layers

    def number(self, g: Graphic) -> list[Layer]:
        u, f = self.f.u, self.f
        gap = round(u * 0.03)
        scale = 1.0
        while True:  # everything at one scale, smaller until the stack fits between the margins
            kicker = self.text(g.kicker, "heading", u * 0.045 * scale, colour=self.pal.accent, upper=True,
                               max_lines=1) if g.kicker else None
            icon = self.icon(g.icons[0] if g.icons else None, u * 0.11 * scale)
            unit = self.text(g.unit, "heading", u * (0.1 if f.wide else 0.085) * scale, colour=self.pal.accent,
                             max_lines=1) if g.unit else None
            # The unit sits beside the figure when the figure can keep at least half the width; else below it.
            beside = f.width - (unit.width + gap if unit else 0)
            room = beside if beside >= f.width * 0.5 else f.width
            fig_size, fig_lines = self.type.fit(g.figure, "display", room, f.h * 0.3, size=round(u * 0.26 * scale),
                                                max_lines=1)
            figure = self.type.sprite(fig_lines, "display", fig_size, self.pal.text)
            side = unit is not None and figure.width + unit.width + gap <= f.width
            body = self.text(g.body, "body", u * 0.048 * scale, max_lines=3) if g.body else None
            blocks = [b for b in (icon, kicker, figure, None if side else unit, body) if b is not None]
            total = sum(b.height for b in blocks) + gap * (len(blocks) - 1)
            if total <= f.bottom - f.top or scale < 0.5:
                break
            scale *= 0.88
        # The figure (and its unit beside it when it fits) is one row of the stack.
        row_w = figure.width + (unit.width + gap if side and unit else 0)
        row = Image.new("RGBA", (row_w, figure.height), (0, 0, 0, 0))
        layers = self.stack([icon, kicker, row, None if side else unit, body], step=0.2)
        row_layer = next(layer for layer in layers if layer.image is row)
        layers.remove(row_layer)
        shown, draw = _counter(g.figure, self.type, fig_size, self.pal.text, figure.size, row_layer.start)
        count = Layer(figure, row_layer.x, row_layer.y, start=row_layer.start, effect="fade", duration=0.3,
                      content=draw, label=shown)
        layers.append(count)
        if side and unit:
            uy = row_layer.y + figure.height - unit.height - round(fig_size * 0.08)
            layers.append(Layer(unit, row_layer.x + figure.width + gap, uy, start=row_layer.start + COUNT_S * 0.6,
                                effect="rise"))
        return layers

    def items(self, g: Graphic, numbered: bool) -> list[Layer]:
        u, f = self.f.u, self.f
        n = max(1, len(g.items))
        head = self.text(g.title, "heading", u * 0.06, max_lines=2) if g.title else None
        step = self.stagger(n)
        layers: list[Layer] = []
        top = f.top
        if head is not None:
            layers.append(Layer(head, (f.w - head.width) // 2, top, start=0.1))
            top += head.height + round(u * 0.05)
        icons = g.icons if len(g.icons) == len(g.items) else [None] * n
        room = f.bottom - top
        if f.wide:  # columns
            col_w = f.width / n
            scale = 1.0
            while True:
                d = min(u * 0.17, col_w * 0.45) * scale
                labels = [self.text(t, "heading", u * 0.048 * scale, max_w=col_w * 0.86, max_lines=3)
                          for t in g.items]
                block = d + u * 0.035 + max(lb.height for lb in labels)
                if block <= room or scale < 0.5:
                    break
                scale *= 0.85
            y = round(top + max(0, (room - block) / 2))
            if numbered and n > 1:  # the timeline line behind the badges
                line = self.bar(col_w * (n - 1), max(3, u * 0.008))
                layers.append(Layer(line, round(f.left + col_w / 2), round(y + d / 2), start=0.3, effect="wipe",
                                    duration=step * n))
            for i, label in enumerate(labels):
                cx = f.left + col_w * (i + 0.5)
                badge = self.badge(d, label=str(i + 1) if numbered or not icons[i] else "",
                                   icon=None if numbered else icons[i])
                t0 = 0.4 + i * step
                layers.append(Layer(badge, round(cx - d / 2), y, start=t0, effect="pop", duration=0.35))
                layers.append(Layer(label, round(cx - label.width / 2), round(y + d + u * 0.035), start=t0 + 0.1))
        else:  # rows
            scale = 1.0
            while True:
                d = u * (0.15 if n <= 3 else 0.12) * scale
                gap = u * 0.05 * scale
                label_w = f.width - d - u * 0.05
                labels = [self.text(t, "heading", u * 0.058 * scale, max_w=label_w, max_lines=3, align="left")
                          for t in g.items]
                rows = [max(d, lb.height) for lb in labels]
                total = sum(rows) + gap * (n - 1)
                if total <= room or scale < 0.5:
                    break
                scale *= 0.85
            y = top + max(0, (room - total) / 2)
            if numbered and n > 1:
                first_c = y + rows[0] / 2
                last_c = y + sum(rows[:-1]) + gap * (n - 1) + rows[-1] / 2
                line = self.bar(max(3, u * 0.008), last_c - first_c)
                layers.append(Layer(line, round(f.left + d / 2 - line.width / 2), round(first_c), start=0.3,
                                    effect="fade", duration=step * n))
            for i, (label, rh) in enumerate(zip(labels, rows, strict=True)):
                badge = self.badge(d, label=str(i + 1) if numbered or not icons[i] else "",
                                   icon=None if numbered else icons[i])
                t0 = 0.4 + i * step
                layers.append(Layer(badge, f.left, round(y + (rh - d) / 2), start=t0, effect="pop", duration=0.35))
                layers.append(Layer(label, round(f.left + d + u * 0.05), round(y + (rh - label.height) / 2),
                                    start=t0 + 0.1))
                y += rh + gap
        return layers

    def quote(self, g: Graphic) -> list[Layer]:
        u, f = self.f.u, self.f
        mark = self.type.sprite(["\u201c"], "quote", round(u * 0.3), self.pal.accent, shadow=False)
        mark = mark.crop(mark.getbbox() or (0, 0, mark.width, mark.height))
        size = u * (0.085 if f.wide else 0.075)
        s, lines = self.type.fit(g.body, "quote", f.width * (0.8 if f.wide else 1.0), f.h * 0.45, size=round(size),
                                 max_lines=5 if f.wide else 7)
        line_sprites = [self.type.sprite([ln], "quote", s, self.pal.text) for ln in lines]
        attribution = self.text(f"\u2014 {g.attribution}", "body", u * 0.045, colour=self.pal.accent, max_lines=2) \
            if g.attribution else None
        step = min(0.35, max(0.1, (self.seconds * 0.5) / max(1, len(lines))))
        layers = self.stack([mark, *line_sprites, attribution], gap=0.012, step=step)
        if layers:
            layers[0].effect = "pop"
            if attribution is not None:
                layers[-1].start += 0.3
        return layers

    def comparison(self, g: Graphic) -> list[Layer]:
        u, f = self.f.u, self.f
        a, b = (g.items + ["", ""])[:2]
        head = self.text(g.title, "heading", u * 0.055, max_lines=2) if g.title else None
        top = f.top + (head.height + round(u * 0.05) if head else 0)
        vs = self.badge(u * 0.14, label="VS")
        layers: list[Layer] = []
        if head is not None:
            layers.append(Layer(head, (f.w - head.width) // 2, f.top, start=0.1))
        if f.wide:
            pw, ph = (f.width - vs.width - u * 0.06) / 2, min(f.bottom - top, u * 0.5)
            py = round(top + (f.bottom - top - ph) / 2)
            boxes = [(f.left, py), (round(f.right - pw), py)]
        else:
            pw, ph = f.width, min((f.bottom - top - vs.height - u * 0.06) / 2, u * 0.42)
            py = top + (f.bottom - top - 2 * ph - vs.height - u * 0.06) / 2
            boxes = [(f.left, round(py)), (f.left, round(py + ph + vs.height + u * 0.06))]
        for i, (text, (x, y)) in enumerate(zip((a, b), boxes, strict=True)):
            panel = self.panel(pw, ph)
            label = self.text(text, "heading", u * 0.07, max_w=pw * 0.85, max_h=ph * 0.85, max_lines=4)
            panel.alpha_composite(label, ((panel.width - label.width) // 2, (panel.height - label.height) // 2))
            layers.append(Layer(panel, x, y, start=0.3 + i * 0.5, effect="rise"))
        if f.wide:
            vx, vy = (f.w - vs.width) // 2, boxes[0][1] + round(ph / 2 - vs.height / 2)
        else:
            vx, vy = (f.w - vs.width) // 2, round(boxes[0][1] + ph + u * 0.03)
        layers.append(Layer(vs, vx, vy, start=0.6, effect="pop"))
        return layers

    def lower_third(self, g: Graphic) -> list[Layer]:
        u, f = self.f.u, self.f
        name = self.text(g.title, "heading", u * 0.06, max_w=f.width * 0.8, max_lines=1, align="left")
        role = self.text(g.body, "body", u * 0.04, max_w=f.width * 0.8, max_lines=2, align="left") if g.body else None
        pad = round(u * 0.03)
        w = max(name.width, role.width if role else 0) + 2 * pad
        h = name.height + (role.height if role else 0) + 2 * pad
        y = round(f.bottom - h - u * 0.02)
        strip = self.bar(max(4, u * 0.012), h)
        layers = [Layer(strip, f.left, y, start=0.2, effect="fade", duration=0.3),
                  Layer(self.panel(w, h, radius=0.08), f.left + strip.width, y, start=0.3, effect="wipe",
                        duration=0.45),
                  Layer(name, f.left + strip.width + pad, y + pad, start=0.55, effect="rise")]
        if role is not None:
            layers.append(Layer(role, f.left + strip.width + pad, y + pad + name.height, start=0.75, effect="rise"))
        return layers

    def location(self, g: Graphic) -> list[Layer]:
        u = self.f.u
        pin = self.icon(g.icons[0] if g.icons else "location-dot", u * 0.16) or self.badge(u * 0.16)
        place = self.text(g.title, "heading", u * 0.09, max_lines=2)
        region = self.text(g.body, "body", u * 0.048, colour=self.pal.accent, max_lines=2) if g.body else None
        layers = self.stack([pin, place, self.bar(u * 0.12, max(3, u * 0.008)), region])
        layers[0].effect = "pop"
        if len(layers) > 2:
            layers[2].effect, layers[2].duration = "wipe", 0.5
        return layers

    def end_card(self, g: Graphic) -> list[Layer]:
        u, f = self.f.u, self.f
        logo = self.logo(u * 0.1)
        cta = self.text(g.title or "Thanks for watching", "heading", u * 0.085, max_lines=3)
        button = None
        if g.body:
            label = self.text(g.body, "heading", u * 0.045, colour=self.pal.on_accent, max_lines=1)
            button = self.panel(label.width + u * 0.08, label.height + u * 0.04, colour=self.pal.accent, radius=0.5)
            button.alpha_composite(label, ((button.width - label.width) // 2, (button.height - label.height) // 2))
        credits = self.text("\n".join(g.items[:6]), "body", u * 0.026, max_lines=6) if g.items else None
        layers = self.stack([logo, cta, button], bottom=f.bottom - (credits.height if credits else 0))
        if credits is not None:
            layers.append(Layer(credits, (f.w - credits.width) // 2, f.bottom - credits.height, start=0.9,
                                effect="fade", duration=0.6))
        return layers

    def build(self, g: Graphic) -> list[Layer]:
        """The layers of ``g`` (a layout without its words falls back to a title of what it has)."""
        builders: dict[str, Callable[[Graphic], list[Layer]]] = {
            "title": self.title, "number": self.number, "quote": self.quote, "comparison": self.comparison,
            "lower_third": self.lower_third, "location": self.location, "end_card": self.end_card,
            "list": lambda gr: self.items(gr, numbered=False), "steps": lambda gr: self.items(gr, numbered=True),
        }
        if g.layout in ("list", "steps", "comparison") and len(g.items) < 2 or (
                g.layout == "number" and not g.figure) or (g.layout == "quote" and not g.body):
            g = Graphic(layout="title", kicker=g.kicker, title=g.title or g.words(), icons=g.icons)
        return builders[g.layout](g)


# --- counting up ---------------------------------------------------------------------------------------

_FIGURE = re.compile(r"^([^\d]*)(\d{1,3}(?:([,.\u202f ])\d{3})+|\d+)(?:([.,])(\d+))?(.*)$")


def parse_figure(text: str) -> tuple[str, float, int, str, str, str] | None:
    """``"70,000"`` → (prefix, value, decimals, thousands separator, decimal mark, suffix); None if no number."""
    m = _FIGURE.match(text.strip())
    if not m:
        return None
    prefix, whole, sep, mark, frac, suffix = m.group(1), m.group(2), m.group(3) or "", m.group(4) or "", \
        m.group(5) or "", m.group(6)
    value = float(whole.replace(sep, "") if sep else whole) + (float(f"0.{frac}") if frac else 0.0)
    return prefix, value, len(frac), sep, mark or ".", suffix


def format_figure(parsed: tuple[str, float, int, str, str, str], value: float) -> str:
    prefix, _final, decimals, sep, mark, suffix = parsed
    text = f"{value:,.{decimals}f}"
    text = text.replace(",", "\x00").replace(".", mark).replace("\x00", sep)
    return f"{prefix}{text}{suffix}"


def _counter(figure: str, typography, size: int, colour, final_size: tuple[int, int], start: float):
    """(text shown at t, sprite at t) for a figure counting from 0 to its value over ``COUNT_S`` s, right-aligned."""
    parsed = parse_figure(figure)

    @lru_cache(maxsize=64)
    def sprite(text: str) -> Image.Image:
        img = typography.sprite([text], "display", size, colour)
        canvas = Image.new("RGBA", final_size, (0, 0, 0, 0))
        canvas.alpha_composite(img.crop((0, 0, min(img.width, final_size[0]), min(img.height, final_size[1]))),
                               (max(0, final_size[0] - img.width), 0))
        return canvas

    def shown(t: float) -> str:
        if parsed is None:
            return figure
        p = ease_out((t - start) / COUNT_S)
        value = parsed[1] if p >= 1 else parsed[1] * p
        return format_figure(parsed, round(value) if parsed[2] == 0 else value)

    def draw(t: float) -> Image.Image:
        return sprite(shown(t))

    return shown, draw
