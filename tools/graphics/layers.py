"""Animated layers: an RGBA sprite placed on the frame, entering with a short eased effect.

A :class:`Layer` knows where it ends up and when it enters; :meth:`Layer.paste` draws its state at time
``t`` onto a frame. Dynamic content (a figure counting up) comes from ``content(t)``, a function that returns
a sprite of the same size as the final one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PIL import Image

EFFECTS = ("rise", "pop", "wipe", "fade", "none")


def ease_out(p: float) -> float:
    """Cubic ease-out on [0, 1]."""
    p = min(1.0, max(0.0, p))
    return 1 - (1 - p) ** 3


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

    @property
    def box(self) -> tuple[int, int, int, int]:
        return self.x, self.y, self.x + self.image.width, self.y + self.image.height

    def paste(self, frame: Image.Image, t: float) -> None:
        """Draw this layer's state at ``t`` seconds onto ``frame`` (RGB, in place)."""
        if t < self.start:
            return
        p = ease_out((t - self.start) / self.duration) if self.duration > 0 else 1.0
        img = self.content(t) if self.content is not None else self.image
        x, y = self.x, self.y
        effect = self.effect if p < 1.0 else "none"
        if effect == "rise":
            y += round((1 - p) * max(8, img.height * 0.25))
        elif effect == "pop":
            scale = 0.6 + 0.4 * p
            w, h = max(1, round(img.width * scale)), max(1, round(img.height * scale))
            x, y = x + (img.width - w) // 2, y + (img.height - h) // 2
            img = img.resize((w, h), Image.BILINEAR)
        elif effect == "wipe":
            shown = max(1, round(img.width * p))
            img = img.crop((0, 0, shown, img.height))
        alpha = img.getchannel("A")
        if effect in ("rise", "pop", "fade"):
            alpha = alpha.point(lambda a, f=p: round(a * f))
        frame.paste(img.convert("RGB"), (x, y), alpha)
