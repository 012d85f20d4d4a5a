"""Pixabay stock photos and videos (https://pixabay.com/api/docs/).

Auth: the ``key`` query parameter (never logged, never part of a cache key). Photos ``GET /api/``,
videos ``GET /api/videos/``; ``q`` <= 100 characters, ``per_page`` 3..200, 100 requests per 60 s.
The terms require caching responses for 24 h, forbid permanent hotlinking (files are downloaded) and
ask to show users where the media came from (a credit line is always recorded).
"""

from __future__ import annotations

from typing import Any

import httpx

from reelforge.tools.clips.base import ProviderError, default_error
from reelforge.tools.stock.provider import StockProvider
from reelforge.tools.stock.rank import Candidate, Want

LICENCE = "Pixabay Content License"
LICENCE_URL = "https://pixabay.com/service/license-summary/"
ORIENTATION = {"landscape": "horizontal", "portrait": "vertical", "square": "all"}


def _tags(text: str) -> list[str]:
    return [t.strip() for t in (text or "").split(",") if t.strip()]


class PixabayProvider(StockProvider):
    """Pixabay videos (gateway model ``videos``, falls back to photos) or photos (``photos``)."""

    name = "pixabay"
    base_url = "https://pixabay.com"
    env = ("PIXABAY_API_KEY",)

    def map_error(self, resp: httpx.Response) -> ProviderError:
        # Pixabay answers a bad key with HTTP 400 and a plain-text "[ERROR 400] Invalid or missing API key".
        if resp.status_code == 400 and "key" in resp.text.lower():
            return ProviderError(self.name, "auth", "PIXABAY_API_KEY was rejected (invalid or missing API key)",
                                 status_code=400)
        return default_error(self.name, resp)

    async def search(self, query: str, want: Want, media: str) -> list[Candidate]:
        params: dict[str, Any] = {"key": self.require_key(), "q": query[:100], "safesearch": "true",
                                  "per_page": self.per_page}
        if media == "videos":
            params["video_type"] = "film"
            body = await self.get_json("/api/videos/", params)
            return [c for v in body.get("hits") or [] if (c := self._video(v, want))]
        params.update(image_type="photo", orientation=ORIENTATION[want.orientation],
                      min_width=min(want.width, 1920) // 2)
        body = await self.get_json("/api/", params)
        return [self._photo(p) for p in body.get("hits") or []]

    def _credit(self, h: dict[str, Any]) -> dict[str, str]:
        user, uid = h.get("user", ""), h.get("user_id", "")
        return {"author": user, "author_url": f"https://pixabay.com/users/{user}-{uid}/" if user else ""}

    def _video(self, v: dict[str, Any], want: Want) -> Candidate | None:
        renditions = [r for r in (v.get("videos") or {}).values() if r.get("url") and r.get("width")]
        if not renditions:
            return None
        need = min(want.width, want.height)
        covering = [r for r in renditions if min(r["width"], r["height"]) >= need]
        r = (min if covering else max)(covering or renditions, key=lambda r: r["width"] * r["height"])
        return Candidate(provider=self.name, id=str(v["id"]), kind="video", url=r["url"],
                         page_url=v.get("pageURL", ""), width=int(r["width"]), height=int(r["height"]),
                         duration_s=float(v.get("duration") or 0), tags=_tags(v.get("tags", "")),
                         licence=LICENCE, licence_url=LICENCE_URL, **self._credit(v))

    def _photo(self, p: dict[str, Any]) -> Candidate:
        return Candidate(provider=self.name, id=str(p["id"]), kind="image",
                         url=p.get("largeImageURL") or p.get("webformatURL", ""), page_url=p.get("pageURL", ""),
                         width=int(p.get("imageWidth") or 0), height=int(p.get("imageHeight") or 0),
                         tags=_tags(p.get("tags", "")), licence=LICENCE, licence_url=LICENCE_URL, **self._credit(p))
