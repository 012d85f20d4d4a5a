"""ReplicateProvider against the loopback Replicate fake: statuses, sync mode, errors, retries, expiry."""

from __future__ import annotations

import pytest
from fakes import replicate as fake
from fakes.contract_fixtures import fake_vendor_fixtures, provider_factory
from fakes.video_vendors import MALFORMED, VIDEO, expired_download_error, inject, provider_error, request, run_job

from reelforge.tools.clips.base import JobStatus
from reelforge.tools.clips.replicate import ReplicateProvider

server, app = fake_vendor_fixtures(fake.make_app, {"REPLICATE_API_TOKEN": fake.TOKEN})
provider = provider_factory(ReplicateProvider, "/v1", attempts=3, wait_s=5)


def req(**kw):
    kw.setdefault("gateway_model", "kwaivgi/kling-v2.5-turbo-pro")
    kw.setdefault("params", {"_seed": False})
    return request(**kw)


async def test_official_model_happy_path(app, tmp_path):
    p = provider(app)
    job = await p.submit(req(aspect="1:1"))
    assert job.status is JobStatus.QUEUED and job.data["get_url"].endswith(f"/v1/predictions/{job.id}")
    create = app.requests[0]
    assert create.path == "/v1/models/kwaivgi/kling-v2.5-turbo-pro/predictions"
    assert create.headers["prefer"] == "wait=5" and create.headers["authorization"] == f"Bearer {fake.TOKEN}"
    assert create.json() == {"input": {"prompt": "a red kite over green hills at dawn", "duration": 5,
                                       "aspect_ratio": "1:1"}}
    seen = []
    while not job.status.done:
        job = await p.poll(job)
        seen.append(job.status)
    assert seen == [JobStatus.RUNNING, JobStatus.SUCCEEDED]
    assert (await p.download(job, tmp_path / "c.mp4")).read_bytes() == VIDEO


async def test_version_pinned_model_uses_predictions(app):
    job = await provider(app).submit(req(gateway_model="someone/wan:abc123"))
    assert app.requests[0].path == "/v1/predictions" and app.requests[0].json()["version"] == "abc123"
    assert job.id


async def test_sync_mode_can_finish_on_create(app):
    job = await provider(app).submit(req(prompt="instant kite"))
    assert job.status is JobStatus.SUCCEEDED and job.result_url


@pytest.mark.parametrize(("word", "status", "text"), [
    ("forbidden", JobStatus.REFUSED, "NSFW"), ("broken", JobStatus.FAILED, "CUDA"),
    ("cancel", JobStatus.CANCELLED, "canceled"), ("abort", JobStatus.FAILED, "aborted")])
async def test_terminal_statuses(app, word, status, text):
    job = await run_job(provider(app), req(prompt=f"a {word} kite"))
    assert job.status is status and text in job.message


async def test_validation_error_is_invalid(app):
    err = await provider_error(provider(app).submit(req(prompt="")))
    assert err.kind == "invalid" and "prompt is required" in err.message


async def test_bad_token_is_auth(app, monkeypatch):
    monkeypatch.setenv("REPLICATE_API_TOKEN", "nope")
    err = await provider_error(provider(app).submit(req()))
    assert err.kind == "auth"


async def test_429_retry_after_then_success(app):
    inject(app, "create", (429, {"detail": "Request was throttled."}, {"Retry-After": "0"}))
    job = await provider(app).submit(req())
    assert job.id and len(app.requests) == 2


async def test_poll_5xx_then_recovers(app):
    p = provider(app)
    job = await p.submit(req())
    inject(app, "get", (500, {"detail": "internal"}))
    job = await p.poll(job)
    assert job.status is JobStatus.RUNNING


async def test_timeout(app):
    inject(app, "create", 0.5, 0.5, 0.5)
    err = await provider_error(provider(app, timeout=0.1).submit(req()))
    assert err.kind == "timeout"


async def test_malformed_json(app):
    inject(app, "create", MALFORMED)
    assert "malformed" in str(await provider_error(provider(app).submit(req())))


async def test_expired_output(app, tmp_path):
    p = provider(app)
    job = await run_job(p, req())
    err = await expired_download_error(app, p, job, f"{job.id}.mp4", tmp_path / "c.mp4")
    assert err.kind == "expired"
