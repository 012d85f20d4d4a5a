"""Pika 2.2 registry ids driven through FalProvider against the fal fake with Pika's input schema."""

from __future__ import annotations

import httpx
from fakes import fal
from fakes import pika as fake
from fakes.contract_fixtures import fake_vendor_fixtures
from fakes.video_vendors import MALFORMED, VIDEO, expired_download_error, inject, provider_error, run_job
from PIL import Image

from reelforge.tools.clips.base import ClipRequest, JobStatus, RetryPolicy
from reelforge.tools.clips.fal import FalProvider
from reelforge.tools.clips.registry import Registry
from reelforge.tools.settings import Settings

server, app = fake_vendor_fixtures(fake.make_app, {"FAL_KEY": fal.KEY}, base_url_env="REELFORGE_FAL_BASE_URL")


def pika_request(image_path: str | None = None, **kw) -> ClipRequest:
    """A request built from the registry's pika-2-2 fal gateway, as the runner would."""
    spec = Registry.load(Settings()).get("pika-2-2")
    gw = spec.gateways["fal"]
    i2v = image_path is not None
    kw["seconds"] = spec.clip_length(kw.get("seconds", 5))  # the runner snaps to a supported length
    return ClipRequest(**{"shot_id": "p1", "prompt": "paper cranes take flight", "aspect": "4:5",
                          "model_id": "pika-2-2", "gateway_model": gw.model_i2v if i2v else gw.model,
                          "params": dict(gw.params), "image_path": image_path,
                          "mode": "image-to-video" if i2v else "text-to-video", **kw})


def provider(timeout: float = 5.0, attempts: int = 4) -> FalProvider:
    return FalProvider(settings=Settings(), client=httpx.AsyncClient(timeout=timeout),
                       retry=RetryPolicy(attempts=attempts, base_s=0.01))


async def test_registry_provider_text_to_video(app, tmp_path):
    p = Registry.load(Settings()).provider_for("pika-2-2", "fal", Settings())
    assert isinstance(p, FalProvider)
    job = await run_job(p, pika_request(seconds=8), tmp_path / "p.mp4")
    assert job.status == JobStatus.SUCCEEDED and (tmp_path / "p.mp4").read_bytes() == VIDEO
    create = app.requests[0]
    assert create.path == "/fal-ai/pika/v2.2/text-to-video" and create.headers["authorization"] == f"Key {fal.KEY}"
    body = create.json()
    assert (body["duration"], body["aspect_ratio"], body["resolution"]) == (10, "4:5", "720p")


async def test_image_to_video(app, tmp_path):
    png = tmp_path / "s.png"
    Image.new("RGB", (320, 320), (250, 200, 0)).save(png)
    job = await run_job(provider(), pika_request(str(png)), tmp_path / "i.mp4")
    assert job.status == JobStatus.SUCCEEDED
    assert app.requests[0].path == "/fal-ai/pika/v2.2/image-to-video"
    assert app.requests[0].json()["image_url"].startswith("data:image/png;base64,")


async def test_schema_rejection_is_invalid(app):
    err = await provider_error(provider().submit(pika_request(aspect="21:9")))
    assert err.kind == "invalid" and "aspect_ratio" in err.message


async def test_content_policy_is_refused(app):
    job = await run_job(provider(), pika_request(prompt="something forbidden"))
    assert job.status == JobStatus.REFUSED and "content checker" in job.message


async def test_429_retry_after_and_5xx_then_success(app):
    inject(app, "submit", (429, {"detail": "Too many requests"}, {"Retry-After": "0"}))
    inject(app, "status", (503, {"detail": "Service unavailable"}))
    job = await run_job(provider(), pika_request())
    assert job.status == JobStatus.SUCCEEDED


async def test_timeout_and_malformed(app):
    inject(app, "submit", 0.4, 0.4)
    err = await provider_error(provider(timeout=0.1, attempts=2).submit(pika_request()))
    assert err.kind == "timeout"
    inject(app, "status", MALFORMED)
    p = provider()
    job = await p.submit(pika_request())
    err = await provider_error(p.poll(job))
    assert err.kind == "provider"


async def test_expired_url(app, tmp_path):
    p = provider()
    job = await run_job(p, pika_request())
    err = await expired_download_error(app, p, job, job.result_url.rsplit("/", 1)[1], tmp_path / "late.mp4")
    assert err.kind == "expired"
