"""Pexels stock photos and videos (https://www.pexels.com/api/documentation/).

Auth: ``Authorization: <PEXELS_API_KEY>`` (no "Bearer"). Videos ``GET /videos/search``, photos
``GET /v1/search``; both take ``query``, ``orientation`` (landscape/portrait/square), ``size`` and
``per_page`` (<= 80). Default limit 200 requests/hour; ``X-Ratelimit-*`` headers; 429 when exceeded.
"""

from __future__ import annotations

import re
from typing import Any

from reelforge.tools.stock.provider import StockProvider
from reelforge.tools.stock.rank import Candidate, Want

LICENCE = "Pexels License"
LICENCE_URL = "https://www.pexels.com/license/"


def title_from_page(url: str) -> str:
    """Pexels has no title field; its page slug (``/video/aerial-view-of-a-lighthouse-123/``) is one."""
    slug = url.rstrip("/").rsplit("/", 1)[-1]
    return re.sub(r"-?\d+$", "", slug).replace("-", " ").strip()


def best_rendition(files: list[dict[str, Any]], want: Want) -> dict[str, Any] | None:
    """The smallest MP4 rendition that covers the shot, else the largest one."""
    mp4 = [f for f in files if f.get("quality") != "hls" and f.get("width") and f.get("height")
           and str(f.get("file_type", "video/mp4")).endswith("mp4")]
    if not mp4:
        return None
    need = min(want.width, want.height)
    covering = [f for f in mp4 if min(f["width"], f["height"]) >= need]
    pool = covering or mp4
    pick = min if covering else max
    return pick(pool, key=lambda f: f["width"] * f["height"])


class PexelsProvider(StockProvider):
    """Pexels videos (gateway model ``videos``, falls back to photos) or photos (``photos``)."""

    name = "pexels"
    base_url = "https://api.pexels.com"
    env = ("PEXELS_API_KEY",)

    def headers(self) -> dict[str, str]:
        return {"Authorization": self.require_key()}

    async def search(self, query: str, want: Want, media: str) -> list[Candidate]:
        params = {"query": query, "orientation": want.orientation, "per_page": self.per_page,
                  "size": "medium" if max(want.width, want.height) >= 1920 else "small"}
        if media == "videos":
            body = await self.get_json("/videos/search", params)
            return [c for v in body.get("videos") or [] if (c := self._video(v, want))]
        body = await self.get_json("/v1/search", params)
        return [self._photo(p, want) for p in body.get("photos") or []]

    def _video(self, v: dict[str, Any], want: Want) -> Candidate | None:
        f = best_rendition(v.get("video_files") or [], want)
        if f is None:
            return None
        user = v.get("user") or {}
        page = v.get("url", "")
        return Candidate(provider=self.name, id=str(v["id"]), kind="video", url=f["link"], page_url=page,
                         width=int(f["width"]), height=int(f["height"]), duration_s=float(v.get("duration") or 0),
                         title=title_from_page(page), tags=list(v.get("tags") or []),
                         author=user.get("name", ""), author_url=user.get("url", ""),
                         licence=LICENCE, licence_url=LICENCE_URL)

    def _photo(self, p: dict[str, Any], want: Want) -> Candidate:
        src = p.get("src") or {}
        w, h = int(p.get("width") or 0), int(p.get("height") or 0)
        # "large2x" is 940 px tall at 2x density; the original is needed for full-HD frames.
        url = src.get("large2x") if max(want.width, want.height) <= 1280 and src.get("large2x") else src.get("original")
        page = p.get("url", "")
        return Candidate(provider=self.name, id=str(p["id"]), kind="image", url=url or "", page_url=page,
                         width=w, height=h, title=p.get("alt") or title_from_page(page),
                         author=p.get("photographer", ""), author_url=p.get("photographer_url", ""),
                         licence=LICENCE, licence_url=LICENCE_URL)


PexelsVideoProvider = PexelsProvider  # registry name used in stock.toml
