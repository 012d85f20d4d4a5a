"""The stock-library provider: "submit" searches, ranks and picks; "download" fetches and fits the file.

A stock search is synchronous, so :meth:`StockProvider.submit` returns a job that has already
succeeded; its ``data`` carries the picked candidate, the queries tried and a ``provenance`` dict
(licence, attribution, source URL, author) for the asset record. A still becomes a shot through a Ken
Burns move; a clip is cover-cropped and trimmed (or looped) to the shot's length.
"""

from __future__ import annotations

from abc import abstractmethod
from dataclasses import asdict
from pathlib import Path
from typing import Any

from reelforge.tools.clips.base import ClipRequest, HttpProvider, Job, JobStatus, ProviderError, RetryPolicy
from reelforge.tools.media import probe
from reelforge.tools.production import Asset, Provenance
from reelforge.tools.settings import Settings, get_settings
from reelforge.tools.stock.cache import ResponseCache
from reelforge.tools.stock.fit import fit_clip, still_clip
from reelforge.tools.stock.licence import provenance_for
from reelforge.tools.stock.query import query_variants
from reelforge.tools.stock.rank import Candidate, Want, fits, rank
from reelforge.tools.stock.ratelimit import TokenBucket, bucket_for
from reelforge.tools.store import AssetStore

MEDIA_KIND = {"videos": "video", "photos": "image", "images": "image"}


class StockProvider(HttpProvider):
    """Base for stock libraries. Subclasses set ``name``, ``env``, ``media_kinds`` and implement :meth:`search`."""

    env: tuple[str, ...] = ()
    media_kinds: tuple[str, ...] = ("videos", "photos")  # first = default; later ones are fallbacks
    per_page = 30  # results asked for per search
    concurrency = 2
    poll_interval_s = 0.0
    max_prompt_chars = 2000
    max_queries = 5

    def __init__(self, *, settings: Settings | None = None, base_url: str | None = None, client: Any = None,
                 retry: RetryPolicy | None = None, cache: ResponseCache | None = None,
                 bucket: TokenBucket | None = None) -> None:
        super().__init__(base_url=base_url, client=client, retry=retry, timeout_s=30.0)
        self.settings = settings or get_settings()
        self.cache = cache or ResponseCache(self.settings.home / "cache" / "stock")
        self.bucket = bucket or bucket_for(self.name)

    # --- to implement per library -------------------------------------------------------------------

    @abstractmethod
    async def search(self, query: str, want: Want, media: str) -> list[Candidate]:
        """One search of ``media`` (``videos`` / ``photos`` / ``images``) for ``query``."""

    # --- shared machinery --------------------------------------------------------------------------

    def api_key(self) -> str | None:
        return self.settings.secret(self.env[0]) if self.env else None

    def require_key(self) -> str:
        key = self.api_key()
        if self.env and not key:
            raise ProviderError(self.name, "auth", f"{self.env[0]} is not set; add it to the environment or .env")
        return key or ""

    async def get_json(self, path: str, params: dict[str, Any]) -> Any:
        """GET through the 24 h response cache and the rate limiter."""
        cached = self.cache.get(self.name, path, params)
        if cached is not None:
            return cached
        await self.bucket.acquire()
        resp = await self.request("GET", path, params=params)
        self.bucket.observe(resp.headers.get("x-ratelimit-remaining"), resp.headers.get("x-ratelimit-reset"))
        try:
            body = resp.json()
        except ValueError as exc:
            raise ProviderError(self.name, "provider", f"malformed search response from {path}") from exc
        self.cache.put(self.name, path, params, body)
        return body

    def media_order(self, req: ClipRequest) -> list[str]:
        first = req.gateway_model or self.media_kinds[0]
        if first not in self.media_kinds:
            raise ProviderError(self.name, "invalid",
                                f"unknown media {first!r}; this library offers {', '.join(self.media_kinds)}")
        if MEDIA_KIND.get(first) == "image":
            return [first]  # a photo route never turns into footage
        return [first, *[m for m in self.media_kinds if m != first]]

    async def pick(self, req: ClipRequest) -> tuple[Candidate, str, list[str]]:
        """Search with each query variant (specific to broad) until a candidate fits the shot."""
        traits = list(req.params.get("traits", []))
        queries = query_variants(req.prompt, traits, query=req.params.get("query"))[: self.max_queries]
        tried: list[str] = []
        best: Candidate | None = None
        for q in queries:
            for media in self.media_order(req):
                want = Want(q, req.width, req.height, req.seconds, kind=MEDIA_KIND[media])  # type: ignore[arg-type]
                tried.append(f"{media}:{q}")
                ranked = rank(await self.search(q, want, media), want)
                for c in ranked:
                    if fits(c, want):
                        return c, q, tried
                if ranked and (best is None or ranked[0].score > best.score):
                    best = ranked[0]
        near = f"; best near miss scored {best.score:.2f} ({', '.join(best.reasons)})" if best else ""
        raise ProviderError(self.name, "refused",
                            f"no stock result fits this shot; tried {', '.join(repr(t) for t in tried)}{near}")

    async def submit(self, req: ClipRequest) -> Job:
        """Search, rank and pick; the job is returned already succeeded."""
        self.check_request(req)
        self.require_key()
        c, query, tried = await self.pick(req)
        prov = provenance_for(c, prompt=req.prompt, query=query)
        return Job(id=f"{self.name}:{c.kind}:{c.id}", provider=self.name, status=JobStatus.SUCCEEDED,
                   message=f"picked {c.kind} {c.id} for {query!r} (score {c.score:.2f})", result_url=c.url,
                   data={"candidate": asdict(c), "query": query, "queries_tried": tried,
                         "provenance": prov.model_dump(mode="json"),
                         "shot": {"seconds": req.seconds, "width": req.width, "height": req.height,
                                  "fps": req.fps, "prompt": req.prompt, "seed": req.seed}})

    async def poll(self, job: Job) -> Job:
        return job

    async def download(self, job: Job, dest: Path) -> Path:
        """Fetch the picked file (never hotlinked) and fit it to the shot as an MP4 at ``dest``."""
        c = Candidate(**job.data["candidate"])
        shot = job.data["shot"]
        suffix = Path(c.url.split("?")[0]).suffix.lower() or (".mp4" if c.kind == "video" else ".jpg")
        raw = dest.with_name(dest.stem + ".source" + suffix)
        await self.fetch_file(c.url, raw)
        try:
            if c.kind == "video":
                fit_clip(raw, shot["seconds"], shot["width"], shot["height"], shot["fps"], dest)
            else:
                still_clip(raw, shot["seconds"], shot["width"], shot["height"], shot["fps"], dest,
                           prompt=shot["prompt"], seed=shot["seed"])
        finally:
            raw.unlink(missing_ok=True)
        return dest


async def fetch_stock(provider: StockProvider, req: ClipRequest, store: AssetStore) -> Asset:
    """Search, pick, download and store one stock shot; the asset's provenance carries the licence."""
    key = store.key(provider.name, req.gateway_model, req.prompt, req.seconds, req.width, req.height,
                    req.params.get("query"))
    hit = store.get(key)
    if hit is not None:
        return hit
    job = await provider.submit(req)
    tmp = store.scratch(".mp4")
    await provider.download(job, tmp)
    info = probe(tmp)
    asset = Asset(key=key, kind="clip", path=str(tmp), duration_s=info.duration_s, width=info.width,
                  height=info.height, provenance=Provenance(**job.data["provenance"]))
    stored = store.put(asset, tmp)
    tmp.unlink(missing_ok=True)
    return stored
