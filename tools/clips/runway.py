"""Runway API: text_to_video / image_to_video tasks polled at ``/v1/tasks/{id}``.

Contract: ../shared/research/providers.md §4 (and Runway's own SDK, used as the wire oracle in tests).
Credential ``RUNWAYML_API_SECRET``; ``X-Runway-Version`` from ``REELFORGE_RUNWAY_API_VERSION``;
base URL ``REELFORGE_RUNWAY_BASE_URL``. Registry params: ``durations``, ``ratios`` (pixel ratio strings
this model accepts), ``audio_param`` (true for veo3.1/seedance2 on Runway), ``public_figure_threshold``.
"""

from __future__ import annotations

import httpx

from reelforge.tools.clips.base import ClipRequest, Job, JobStatus, ProviderError
from reelforge.tools.clips.vendor_common import VendorProvider, image_data_url, map_status, nearest_ratio

STATUS = {"PENDING": JobStatus.QUEUED, "THROTTLED": JobStatus.QUEUED, "RUNNING": JobStatus.RUNNING,
          "SUCCEEDED": JobStatus.SUCCEEDED, "FAILED": JobStatus.FAILED, "CANCELLED": JobStatus.CANCELLED}
RETIRED = {"gen3a_turbo": "2026-06-10", "gen3a": "2026-06-10"}
GEN4_RATIOS = ["1280:720", "720:1280", "1104:832", "960:960", "832:1104", "1584:672"]
VEO_RATIOS = ["1280:720", "720:1280", "1920:1080", "1080:1920"]
# Ratios per model (research §4.3); registry ``ratios`` overrides. gen4.5 text-to-video: 16:9 / 9:16 only.
MODEL_RATIOS = {"gen4.5": GEN4_RATIOS, "gen4_turbo": GEN4_RATIOS, "veo3.1": VEO_RATIOS,
                "veo3.1_fast": VEO_RATIOS, "veo3": VEO_RATIOS}
T2V_RATIOS = {"gen4.5": ["1280:720", "720:1280"]}


def prompt_units(text: str) -> int:
    """Runway counts prompt length in UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2


class RunwayProvider(VendorProvider):
    """Runway gen4.5 / gen4_turbo (and the Veo models Runway resells)."""

    name = "runway"
    base_url = "https://api.dev.runwayml.com"
    base_url_setting = "runway_base_url"
    poll_interval_s = 6.0
    max_prompt_chars = 1000
    default_durations = [5, 10]
    max_image_bytes = 5 * 1024 * 1024  # data URIs up to 5 MB

    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.require('RUNWAYML_API_SECRET')}",
                "X-Runway-Version": self.settings.runway_api_version}

    def map_error(self, resp: httpx.Response) -> ProviderError:
        err = super().map_error(resp)
        if resp.status_code in (404, 410):  # an unknown task or model, not an expired file
            err.kind = "invalid"
        return err

    def check_request(self, req: ClipRequest) -> None:
        model = self.model_for(req)
        if model in RETIRED:
            raise ProviderError(self.name, "invalid", f"{model} was retired from the Runway API on {RETIRED[model]}; "
                                                      "use gen4_turbo or gen4.5")
        limit = int(req.params.get("max_prompt_chars", self.max_prompt_chars))
        if prompt_units(req.prompt) > limit:
            raise ProviderError(self.name, "invalid",
                                f"prompt is {prompt_units(req.prompt)} UTF-16 units; this model accepts {limit}")
        super().check_request(req)

    def build_body(self, req: ClipRequest) -> tuple[str, dict]:
        model = self.model_for(req)
        image = self.uses_image(req)
        ratios = req.params.get("ratios") or (T2V_RATIOS.get(model) if not image else None) \
            or MODEL_RATIOS.get(model, GEN4_RATIOS)
        body: dict = {"model": model, "ratio": nearest_ratio(req.aspect, list(ratios)),
                      "duration": int(self.duration_for(req))}
        if req.prompt:
            body["promptText"] = req.prompt
        if req.seed:
            body["seed"] = req.seed % 4294967296
        if req.audio and req.params.get("audio_param"):
            body["audio"] = True
        if req.negative_prompt and model.startswith("veo"):
            body["negativePrompt"] = req.negative_prompt
        if threshold := req.params.get("public_figure_threshold"):
            body["contentModeration"] = {"publicFigureThreshold": threshold}
        if image:
            assert req.image_path
            body["promptImage"] = image_data_url(req.image_path, max_bytes=self.max_image_bytes, provider=self.name)
        return ("/v1/image_to_video" if image else "/v1/text_to_video"), body

    async def submit(self, req: ClipRequest) -> Job:
        self.check_request(req)
        return await self.create_task(*self.build_body(req))

    async def poll(self, job: Job) -> Job:
        task = await self.get_task(f"/v1/tasks/{job.id}")
        status = map_status(self.name, task.get("status"), STATUS)
        if status == JobStatus.FAILED:
            code = str(task.get("failureCode") or "")
            message = str(task.get("failure") or code or "")
            return self.failed(job, message, code=code, refused=code.startswith("SAFETY"))
        job.status = status
        job.progress = task.get("progress") if isinstance(task.get("progress"), (int, float)) else job.progress
        if status == JobStatus.SUCCEEDED:
            output = task.get("output")
            if not isinstance(output, list) or not output:
                raise ProviderError(self.name, "provider", f"task {job.id} succeeded without output")
            job.result_url = str(output[0])
        return job
