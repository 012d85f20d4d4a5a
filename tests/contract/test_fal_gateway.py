"""FalProvider against the loopback fal.ai queue fake: statuses, URLs, errors, retries, expiry."""

from __future__ import annotations

import pytest
from fakes import fal as fake
from fakes.contract_fixtures import fake_vendor_fixtures, provider_factory
from fakes.video_vendors import MALFORMED, VIDEO, expired_download_error, inject, provider_error, request, run_job

from reelforge.tools.clips.base import JobStatus, ProviderError
from reelforge.tools.clips.fal import FalProvider

MODEL = "fal-ai/kling-video/v2.5-turbo/pro/text-to-video"


server, app = fake_vendor_fixtures(fake.make_app, {"FAL_KEY": fake.KEY})
provider = provider_factory(FalProvider, attempts=3)


def req(**kw):
    kw.setdefault("params", {"_duration": "str", "_seed": False})
    return request(gateway_model=MODEL, **kw)


async def test_happy_path_uses_returned_urls_and_key_auth(app, tmp_path):
    p = provider(app)
    job = await p.submit(req(aspect="9:16"))
    assert job.status is JobStatus.QUEUED and job.data["status_url"].endswith(f"/fal-ai/kling-video/requests/{job.id}/status")
    seen = []
    while not job.status.done:
        job = await p.poll(job)
        seen.append(job.status)
    assert seen == [JobStatus.RUNNING, JobStatus.SUCCEEDED]
    out = await p.download(job, tmp_path / "clip.mp4")
    assert out.read_bytes() == VIDEO
    sub = app.requests[0]
    assert sub.path == "/" + MODEL and sub.headers["authorization"] == f"Key {fake.KEY}"
    assert sub.json() == {"prompt": "a red kite over green hills at dawn", "duration": "5", "aspect_ratio": "9:16"}
    assert [r.path for r in app.requests[1:3]] == [f"/fal-ai/kling-video/requests/{job.id}/status"] * 2
    await p.aclose()


async def test_image_to_video_sends_data_url(app, tmp_path):
    img = tmp_path / "start.png"
    img.write_bytes(b"\x89PNG\r\n\x1a\nfake")
    p = provider(app)
    await p.submit(req(mode="image-to-video", image_path=str(img), params={"_image_field": "start_image_url"}))
    assert app.requests[-1].json()["start_image_url"].startswith("data:image/png;base64,")
    await p.aclose()


async def test_content_policy_result_is_refused(app):
    job = await run_job(provider(app), req(prompt="something forbidden"))
    assert job.status is JobStatus.REFUSED and "content checker" in job.message


async def test_completed_with_error_is_failed(app):
    job = await run_job(provider(app), req(prompt="crash please"))
    assert job.status is JobStatus.FAILED and "runner_disconnected" in job.message


async def test_bad_key_is_auth_error(app, monkeypatch):
    monkeypatch.setenv("FAL_KEY", "wrong")
    err = await provider_error(provider(app).submit(req()))
    assert err.kind == "auth" and "wrong" not in str(err)


async def test_missing_key_fails_before_any_request(app, monkeypatch):
    monkeypatch.delenv("FAL_KEY")
    assert "FAL_KEY is not set" in str(await provider_error(provider(app).submit(req())))
    assert app.requests == []


async def test_429_with_retry_after_then_success(app):
    inject(app, "submit", (429, {"detail": "Too many requests"}, {"Retry-After": "0"}))
    job = await provider(app).submit(req())
    assert job.id and len(app.requests) == 2


async def test_5xx_exhausts_retries(app):
    inject(app, "submit", *[(503, {"detail": "unavailable"})] * 3)
    err = await provider_error(provider(app).submit(req()))
    assert err.kind == "provider" and len(app.requests) == 3


async def test_timeout_is_typed(app):
    inject(app, "submit", 0.5, 0.5, 0.5)
    err = await provider_error(provider(app, timeout=0.1).submit(req()))
    assert err.kind == "timeout"


async def test_malformed_status_json_is_provider_error(app):
    p = provider(app)
    job = await p.submit(req())
    inject(app, "status", MALFORMED)
    with pytest.raises(ProviderError, match="malformed"):
        await p.poll(job)


async def test_expired_result_url(app, tmp_path):
    p = provider(app)
    job = await run_job(p, req())
    err = await expired_download_error(app, p, job, f"{job.id}.mp4", tmp_path / "x.mp4")
    assert err.kind == "expired"


async def test_expired_response_url_is_expired(app):
    p = provider(app)
    job = await p.submit(req())
    job = await p.poll(job)
    inject(app, "result", (404, {"detail": "Request not found"}))
    err = await provider_error(p.poll(job))
    assert err.kind == "expired"
