"""Luma Dream Machine API: ``POST /generations/video``, poll ``GET /generations/{id}``, ``assets.video``.

Contract: ../shared/research/providers.md §7.1 and Luma's own SDK (the wire oracle in tests: it posts
to ``/generations/video``; older clients used ``/generations`` — registry param ``create_path``).
Credential ``LUMAAI_API_KEY``; base URL ``REELFORGE_LUMA_BASE_URL``. Image-to-video sends the start frame
as ``keyframes.frame0`` ``{"type": "image", "url": ...}``: Luma documents public URLs; a local file goes
as a data URL, which is UNVERIFIED (set ``image_data_urls = false`` to refuse local files instead).

The newer Luma Agents API (``https://agents.lumalabs.ai/v1``, ``ray-3.2``, research §7.2) has no
verified body schema, so it is not implemented: ``api = "agents"`` is refused with that explanation.
"""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Any

from reelforge.tools.clips.base import ClipRequest, Job, JobStatus, ProviderError
from reelforge.tools.clips.vendor_common import (
    VendorProvider,
    dig,
    image_data_url,
    is_url,
    map_status,
    nearest_ratio,
    recent_jobs,
)

STATUS = {"queued": JobStatus.QUEUED, "dreaming": JobStatus.RUNNING, "completed": JobStatus.SUCCEEDED,
          "failed": JobStatus.FAILED}
ASPECTS = ["16:9", "9:16", "1:1", "4:3", "3:4", "21:9", "9:21"]


class LumaProvider(VendorProvider):
    """Luma ray-2 / ray-flash-2 (Dream Machine generations API)."""

    name = "luma"
    base_url = "https://api.lumalabs.ai/dream-machine/v1"
    base_url_setting = "luma_base_url"
    poll_interval_s = 5.0
    max_prompt_chars = 5000  # no documented limit; keep a sane ceiling (override: max_prompt_chars)
    default_durations = [5, 9]

    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.require('LUMAAI_API_KEY')}"}

    def check_request(self, req: ClipRequest) -> None:
        if req.params.get("api", "dream-machine") != "dream-machine":
            raise ProviderError(self.name, "invalid", "the Luma Agents API body schema is unverified and not "
                                                      "implemented; use the Dream Machine API (api = 'dream-machine')")
        if req.image_path and not is_url(req.image_path) and not req.params.get("image_data_urls", True):
            raise ProviderError(self.name, "invalid", "Luma needs a public https URL for the start image")
        super().check_request(req)

    def build_body(self, req: ClipRequest) -> dict:
        body: dict = {"model": self.model_for(req), "prompt": req.prompt,
                      "aspect_ratio": nearest_ratio(req.aspect, ASPECTS),
                      "duration": f"{int(self.duration_for(req))}s"}
        if resolution := (req.params.get("resolution") or req.resolution):
            body["resolution"] = resolution
        if "loop" in req.params:
            body["loop"] = bool(req.params["loop"])
        if self.uses_image(req):
            assert req.image_path
            url = image_data_url(req.image_path, max_bytes=self.max_image_bytes, provider=self.name)
            body["keyframes"] = {"frame0": {"type": "image", "url": url}}
        return body

    async def submit(self, req: ClipRequest) -> Job:
        self.check_request(req)
        path = str(req.params.get("create_path", "/generations/video"))
        gen = await self.json("POST", path, json=self.build_body(req))
        if not isinstance(gen, dict) or not gen.get("id"):
            raise ProviderError(self.name, "provider", "malformed response (no generation id)")
        return self._apply(Job(id=str(gen["id"]), provider=self.name), gen)

    async def find_job(self, req: ClipRequest, since: float) -> Job | None:
        """The generation an interrupted create made: Luma has no idempotency key, so the account's generation
        list (``GET /generations``, newest first, as Luma's SDK pages it) is searched, back to a minute before
        ``since``, for a generation whose ``request`` holds exactly what was sent."""
        body = self.build_body(req)

        def page(offset: int) -> Awaitable[Any]:
            return self.json("GET", "/generations", params={"limit": 100, "offset": offset})

        def next_offset(listing: dict, offset: int) -> int | None:
            return offset + 100 if listing.get("has_more") else None

        async for gen in recent_jobs(page, 0, "generations", next_offset, since):
            sent = gen.get("request") if isinstance(gen.get("request"), dict) else {}
            if gen.get("id") and all(sent.get(k) == v for k, v in body.items()):
                return self._apply(Job(id=str(gen["id"]), provider=self.name), gen)
        return None

    async def poll(self, job: Job) -> Job:
        gen = await self.json("GET", f"/generations/{job.id}")
        if not isinstance(gen, dict):
            raise ProviderError(self.name, "provider", "malformed response (generation is not an object)")
        return self._apply(job, gen)

    def _apply(self, job: Job, gen: dict) -> Job:
        status = map_status(self.name, gen.get("state"), STATUS)
        if status == JobStatus.FAILED:
            return self.failed(job, str(gen.get("failure_reason") or ""))
        return self.settle(job, status, dig(gen, "assets", "video"), "assets.video")
