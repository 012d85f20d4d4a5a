"""Animated layers: an RGBA sprite placed on the frame, entering with a short eased effect.

A :class:`Layer` knows where it ends up and when it enters; :meth:`Layer.draw` composes its state at time
``t`` onto a transparent foreground. :meth:`Layer.key` names that state, so that a renderer draws each
distinct foreground once (after the entrances, the foreground no longer changes). Dynamic content (a figure
counting up) comes from ``content(t)``, a function returning a sprite the size of the final one, and
``label(t)``, the text it shows.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass

from PIL import Image

EFFECTS = ("rise", "pop", "wipe", "fade", "none")


def ease_out(p: float) -> float:
    """Cubic ease-out on [0, 1]."""
    p = min(1.0, max(0.0, p))
    return 1 - (1 - p) ** 3


def composite(canvas: Image.Image, sprite: Image.Image, x: int, y: int) -> None:
    """Alpha-composite ``sprite`` onto ``canvas`` at (x, y), clipped to the canvas."""
    x0, y0 = max(0, x), max(0, y)
    x1, y1 = min(canvas.width, x + sprite.width), min(canvas.height, y + sprite.height)
    if x0 < x1 and y0 < y1:
        canvas.alpha_composite(sprite.crop((x0 - x, y0 - y, x1 - x, y1 - y)), (x0, y0))


@dataclass
class Layer:
    """A sprite at its final top-left ``(x, y)``, entering at ``start`` seconds with ``effect``."""

    image: Image.Image
    x: int
    y: int
    start: float = 0.0
    effect: str = "rise"
    duration: float = 0.5
    content: Callable[[float], Image.Image] | None = None
    label: Callable[[float], str] | None = None

    @property
    def box(self) -> tuple[int, int, int, int]:
        return self.x, self.y, self.x + self.image.width, self.y + self.image.height

    @property
    def settled_at(self) -> float:
        """When the layer stops changing."""
        return self.start + self.duration

    def progress(self, t: float) -> float:
        return ease_out((t - self.start) / self.duration) if self.duration > 0 else 1.0

    def key(self, t: float) -> Hashable:
        """What the layer looks like at ``t``: equal keys draw equal pixels."""
        if t < self.start:
            return None
        shown = self.label(t) if self.label is not None else ""
        p = self.progress(t)
        return (round(p, 4) if p < 1.0 else 1.0, shown)

    def draw(self, canvas: Image.Image, t: float, origin: tuple[int, int] = (0, 0)) -> None:
        """Compose this layer's state at ``t`` onto ``canvas`` (RGBA, in place), whose top-left is ``origin``
        in frame coordinates."""
        if t < self.start:
            return
        p = self.progress(t)
        img = self.content(t) if self.content is not None else self.image
        x, y = self.x - origin[0], self.y - origin[1]
        effect = self.effect if p < 1.0 else "none"
        if effect == "rise":
            y += round((1 - p) * max(8, img.height * 0.25))
        elif effect == "pop":
            scale = 0.6 + 0.4 * p
            w, h = max(1, round(img.width * scale)), max(1, round(img.height * scale))
            x, y = x + (img.width - w) // 2, y + (img.height - h) // 2
            img = img.resize((w, h), Image.BILINEAR)
        elif effect == "wipe":
            img = img.crop((0, 0, max(1, round(img.width * p)), img.height))
        if effect in ("rise", "pop", "fade"):
            img = img.copy()
            img.putalpha(img.getchannel("A").point(lambda a, f=p: round(a * f)))
        composite(canvas, img, x, y)
