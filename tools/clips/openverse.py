"""Openverse: openly licensed images, no key needed (https://api.openverse.org/v1/).

``GET /v1/images/?q=&license_type=commercial,modification&aspect_ratio=&page_size=`` (anonymous:
page_size <= 20, about 20 requests/min). Every result carries its own Creative Commons licence;
attribution is mandatory except for CC0 and the Public Domain Mark, and the ``attribution`` string
Openverse returns is recorded verbatim.
"""

from __future__ import annotations

from typing import Any

from reelforge.tools.clips.base import RetryPolicy
from reelforge.tools.stock.provider import StockProvider
from reelforge.tools.stock.rank import Candidate, Want

ASPECT = {"landscape": "wide", "portrait": "tall", "square": "square"}


def licence_name(code: str, version: str | None) -> str:
    """``("by-sa", "4.0")`` -> ``"CC BY-SA 4.0"``; ``cc0`` -> ``"CC0 1.0"``; ``pdm`` -> ``"Public Domain Mark 1.0"``."""
    code = (code or "").lower()
    if code == "cc0":
        return f"CC0 {version or '1.0'}"
    if code == "pdm":
        return f"Public Domain Mark {version or '1.0'}"
    return f"CC {code.upper()} {version or ''}".strip()


class OpenverseProvider(StockProvider):
    """Openverse images (gateway model ``images``); commercial and modifiable licences only by default."""

    name = "openverse"
    base_url = "https://api.openverse.org"
    env = ()
    media_kinds = ("images",)
    page_size = 20  # the anonymous maximum

    def __init__(self, *, retry: RetryPolicy | None = None, **kwargs: Any) -> None:
        # Keyless, so the router may pick it on a machine without network: fail over fast, don't hammer.
        super().__init__(retry=retry or RetryPolicy(attempts=2, base_s=0.5, cap_s=5.0), **kwargs)

    async def search(self, query: str, want: Want, media: str) -> list[Candidate]:
        params = {"q": query, "license_type": "commercial,modification", "aspect_ratio": ASPECT[want.orientation],
                  "page_size": self.page_size, "mature": "false"}
        body = await self.get_json("/v1/images/", params)
        return [self._image(r) for r in body.get("results") or [] if r.get("url")]

    def _image(self, r: dict[str, Any]) -> Candidate:
        tags = [t.get("name", "") if isinstance(t, dict) else str(t) for t in r.get("tags") or []]
        return Candidate(provider=self.name, id=str(r["id"]), kind="image", url=r["url"],
                         page_url=r.get("foreign_landing_url") or r.get("url", ""),
                         width=int(r.get("width") or 0), height=int(r.get("height") or 0),
                         title=r.get("title") or "", tags=[t for t in tags if t],
                         author=r.get("creator") or "", author_url=r.get("creator_url") or "",
                         licence=licence_name(r.get("license", ""), r.get("license_version")),
                         licence_url=r.get("license_url") or "", attribution=r.get("attribution") or "")
