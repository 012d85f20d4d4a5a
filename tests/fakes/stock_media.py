"""Tiny real media files and a shared catalogue for the stock-library fakes (Pexels, Pixabay, Openverse)."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from fakes.server import FakeApp, Req


@dataclass
class Item:
    """One library item; each fake renders it in its own API's JSON shape."""

    id: int
    kind: str  # "video" | "image"
    title: str
    tags: list[str]
    width: int
    height: int
    duration: int = 0
    author: str = "Ada Lovelace"
    licence: str = "by"  # Openverse only
    extra: dict = field(default_factory=dict)

    def orientation(self) -> str:
        r = self.width / self.height
        return "square" if 0.9 <= r <= 1.1 else ("landscape" if r > 1 else "portrait")

    def matches(self, q: str) -> bool:
        """Every word of ``q`` appears in the title or tags (the libraries AND their keywords)."""
        text = " ".join([self.title, *self.tags]).lower()
        return bool(q.split()) and all(w in text for w in q.lower().split())


CATALOGUE = [
    Item(101, "video", "aerial view of a lighthouse at dusk", ["lighthouse", "sea", "dusk"], 1920, 1080, 12),
    Item(102, "video", "lighthouse on a cliff vertical", ["lighthouse", "cliff"], 1080, 1920, 8),
    Item(103, "video", "office workers typing", ["office", "work", "laptop"], 1920, 1080, 2),
    Item(104, "video", "tiny coffee cup", ["coffee"], 320, 180, 10),
    Item(201, "image", "lighthouse at night", ["lighthouse", "night", "stars"], 1600, 1200),
    Item(202, "image", "red apple on a table", ["apple", "fruit", "food"], 1200, 1600),
    Item(203, "image", "mountain lake", ["mountain", "lake", "nature", "landscape"], 2400, 1600),
]


@lru_cache(maxsize=1)
def media_bytes() -> dict[str, bytes]:
    """A 2-s 320x180 H.264 MP4 and a 320x240 JPEG, made once per test session."""
    import tempfile

    from PIL import Image

    from reelforge.tools.media import run_ffmpeg

    out = Path(tempfile.mkdtemp(prefix="stockmedia-")) / "clip.mp4"
    run_ffmpeg(["-f", "lavfi", "-i", "testsrc2=s=320x180:r=15:d=2", "-c:v", "libx264", "-preset", "ultrafast",
                "-pix_fmt", "yuv420p", str(out)], what="fake stock clip")
    img = Image.new("RGB", (320, 240))
    for x in range(320):
        for y in range(0, 240, 8):
            img.putpixel((x, y), (x % 256, y, 128))
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=85)
    return {"mp4": out.read_bytes(), "jpg": buf.getvalue()}


def add_media_routes(app: FakeApp) -> None:
    """``GET /media/<id>.mp4`` and ``/media/<id>.jpg`` serve the tiny files; ``/media/gone.*`` is 404."""

    @app.route("GET", "/media/{name}")
    def media(req: Req) -> tuple:
        name = req.params["name"]
        if name.startswith("gone"):
            return 404, {"error": "not found"}
        ext = name.rsplit(".", 1)[-1]
        if ext not in ("mp4", "jpg"):
            return 404, {"error": f"no media {name}"}
        ctype = "video/mp4" if ext == "mp4" else "image/jpeg"
        return 200, media_bytes()[ext], {"Content-Type": ctype}


def add_clip_route(app: FakeApp, path: str) -> None:
    """``GET path`` serves the tiny MP4 of :func:`media_bytes`, whatever name the path carries."""

    @app.route("GET", path)
    def clip(req: Req) -> tuple:
        return 200, media_bytes()["mp4"], {"Content-Type": "video/mp4"}


def rate_limited(app: FakeApp, headers: dict[str, str] | None = None) -> tuple | None:
    """When ``app.state['rate_limit']`` > 0, answer 429 (and count it down)."""
    if app.state.get("rate_limit", 0) > 0:
        app.state["rate_limit"] -= 1
        return 429, {"error": "Rate limit exceeded"}, {"Retry-After": "0", **(headers or {})}
    return None


def search(q: str, kind: str, orientation: str | None = None) -> list[Item]:
    """Catalogue items of ``kind`` matching every word of ``q`` (and the orientation, when given)."""
    return [i for i in CATALOGUE if i.kind == kind and i.matches(q)
            and (orientation in (None, "", "all") or i.orientation() == orientation)]
