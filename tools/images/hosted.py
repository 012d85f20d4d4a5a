"""FLUX and other image models hosted on fal.ai (queue API) and Replicate (predictions API).

The queue / prediction lifecycle is the video adapters'; only the input and the result differ:
fal image models take ``image_size`` as ``{"width", "height"}`` and answer ``images[0].url``; Replicate image
models take ``aspect_ratio`` and answer ``output`` as a URL or a list of URLs. Reference images (FLUX Kontext
and other edit models) go as data URLs in the field the registry names (``_references_field``).
"""

from __future__ import annotations

from typing import Any

from reelforge.tools.clips.base import ClipRequest, Job, JobStatus, ProviderError
from reelforge.tools.clips.fal import FalProvider
from reelforge.tools.clips.replicate import ReplicateProvider
from reelforge.tools.clips.vendor_common import image_data_url
from reelforge.tools.images.request import MAX_REFERENCE_BYTES, ratio_for

REPLICATE_RATIOS = ["1:1", "16:9", "21:9", "3:2", "2:3", "4:5", "5:4", "3:4", "4:3", "9:16", "9:21"]


def image_input(req: ClipRequest, provider: str, *, size: Any) -> dict[str, Any]:
    """Prompt, size, seed, references and the registry's other params for a hosted image model."""
    params = dict(req.params)
    ref_field = params.pop("_references_field", "")
    ref_many = params.pop("_references_many", True)
    body: dict[str, Any] = {"prompt": req.prompt, "seed": req.seed, **size}
    refs = [image_data_url(p, max_bytes=MAX_REFERENCE_BYTES, provider=provider) for p in req.references]
    if refs and ref_field:
        body[ref_field] = refs if ref_many else refs[0]
    for k, v in params.items():
        if k.startswith("_"):
            continue
        if v is None:
            body.pop(k, None)
        else:
            body[k] = v
    return body


class FalImageProvider(FalProvider):
    """Any fal.ai image model (FLUX dev / pro / Kontext, Imagen, ...)."""

    name = "fal-images"
    poll_interval_s = 1.0

    async def submit(self, req: ClipRequest) -> Job:
        if not req.gateway_model:
            raise ProviderError(self.name, "invalid", f"no fal model id for {req.model_id or req.shot_id}")
        self.check_request(req)
        size = {"image_size": {"width": req.width, "height": req.height}, "num_images": 1}
        return await self.enqueue(req.gateway_model, image_input(req, self.name, size=size))

    async def find_job(self, req: ClipRequest, since: float) -> Job | None:
        return None  # an interrupted image request is cheap: it is made again

    async def _result(self, job: Job, url: str) -> Job:
        try:
            out = await self.json("GET", url)
        except ProviderError as exc:
            if exc.kind in ("invalid", "quota"):
                return self._failed(job, exc.message, "")
            raise
        images = out.get("images") if isinstance(out, dict) else None
        first = images[0] if isinstance(images, list) and images and isinstance(images[0], dict) else {}
        if isinstance(out, dict) and any(out.get("has_nsfw_concepts") or []):
            return self._failed(job, "the image was flagged by the safety checker", "content_policy_violation")
        if not first.get("url"):
            raise ProviderError(self.name, "provider", "result has no images[0].url")
        job.status, job.result_url = JobStatus.SUCCEEDED, str(first["url"])
        return job


class ReplicateImageProvider(ReplicateProvider):
    """Any Replicate image model (black-forest-labs/flux-*, google/imagen-*, ...)."""

    name = "replicate-images"

    def input_for(self, req: ClipRequest) -> dict[str, Any]:
        size = {"aspect_ratio": ratio_for(req, REPLICATE_RATIOS), "output_format": "png"}
        return image_input(req, self.name, size=size)

    async def find_job(self, req: ClipRequest, since: float) -> Job | None:
        return None  # an interrupted image request is cheap: it is made again
