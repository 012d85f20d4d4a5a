"""KlingProvider against the loopback Kling fake (JWT, envelopes, succeed spelling, business codes)."""

from __future__ import annotations

import base64

import jwt
import pytest
from fakes import kling as fake
from fakes.contract_fixtures import fake_vendor_fixtures, provider_factory
from fakes.video_vendors import MALFORMED, VIDEO, expired_download_error, inject, provider_error, request, run_job
from PIL import Image

from reelforge.tools.clips.base import JobStatus, ProviderError
from reelforge.tools.clips.kling import KlingProvider, kling_token

server, app = fake_vendor_fixtures(fake.make_app,
                                   {"KLING_ACCESS_KEY": fake.ACCESS_KEY, "KLING_SECRET_KEY": fake.SECRET_KEY})
provider = provider_factory(KlingProvider)


def req(**kw):
    return request(**{"gateway_model": "kling-v2-5-turbo", "params": {"mode": "pro"}, **kw})


@pytest.fixture
def png(tmp_path):
    path = tmp_path / "start.png"
    Image.new("RGB", (320, 320), (200, 40, 40)).save(path)
    return path


SK = "s" * 32


def test_token_is_hs256_with_iss_and_short_validity():
    token = kling_token("ak", SK, now=1_000_000)
    claims = jwt.decode(token, SK, algorithms=["HS256"], options={"verify_exp": False, "verify_nbf": False})
    assert claims == {"iss": "ak", "exp": 1_001_800, "nbf": 999_995}
    assert jwt.get_unverified_header(token) == {"alg": "HS256", "typ": "JWT"}


async def test_text_to_video_happy_path(app, tmp_path):
    p = provider(app)
    job = await run_job(p, req(seconds=7, aspect="4:5", audio=True), tmp_path / "out.mp4")
    assert job.status == JobStatus.SUCCEEDED
    assert (tmp_path / "out.mp4").read_bytes() == VIDEO
    create = app.requests[0]
    assert create.path == "/v1/videos/text2video"
    body = create.json()
    assert body["duration"] == "10" and body["aspect_ratio"] == "1:1" and body["mode"] == "pro"
    assert body["sound"] == "on" and body["external_task_id"] == "idem-123"
    assert [r.path for r in app.requests[1:3]] == [f"/v1/videos/text2video/{job.id}"] * 2


async def test_image_to_video_sends_raw_base64(app, tmp_path, png):
    job = await run_job(provider(app), req(mode="image-to-video", image_path=str(png)), tmp_path / "o.mp4")
    assert job.status == JobStatus.SUCCEEDED
    body = app.requests[0].json()
    assert app.requests[0].path == "/v1/videos/image2video"
    assert base64.b64decode(body["image"]) == png.read_bytes()


def omni(**kw):
    return req(**{"gateway_model": "kling-v3-omni", "params": {"mode": "pro", "durations": list(range(3, 16))}, **kw})


async def test_omni_references_go_in_image_list_and_are_named_in_the_prompt(app, tmp_path, reference_pictures):
    refs = [str(p) for p in reference_pictures]
    job = await run_job(provider(app), omni(seconds=6, references=refs), tmp_path / "o.mp4")
    assert job.status == JobStatus.SUCCEEDED  # the fake holds the body to the omni-video contract
    create = app.requests[0]
    assert create.path == "/v1/videos/omni-video" and app.requests[1].path == f"/v1/videos/omni-video/{job.id}"
    body = create.json()
    assert [base64.b64decode(i["image_url"]) for i in body["image_list"]] == [p.read_bytes()
                                                                            for p in reference_pictures]
    assert all("type" not in i for i in body["image_list"])  # references, not frames
    assert "<<<image_1>>>" in body["prompt"] and "<<<image_2>>>" in body["prompt"]
    assert body["prompt"].startswith("a red kite over green hills at dawn")
    assert (body["model_name"], body["duration"], body["aspect_ratio"]) == ("kling-v3-omni", "6", "16:9")


async def test_omni_start_frame_comes_first_and_references_after_it(app, png, reference_pictures):
    await provider(app).submit(omni(mode="image-to-video", image_path=str(png),
                                    references=[str(reference_pictures[0])]))
    body = app.requests[0].json()
    assert [i.get("type") for i in body["image_list"]] == ["first_frame", None]
    assert base64.b64decode(body["image_list"][0]["image_url"]) == png.read_bytes()
    assert "<<<image_2>>>" in body["prompt"] and "<<<image_1>>>" not in body["prompt"]
    assert "aspect_ratio" not in body  # the start frame sets it


def test_omni_prompt_limit_counts_the_reference_names(app, reference_pictures):
    refs = [str(p) for p in reference_pictures]
    provider(app).check_request(omni(prompt="x" * 2400, references=refs))
    with pytest.raises(ProviderError, match="with its reference names"):
        provider(app).check_request(omni(prompt="x" * 2490, references=refs))
    assert not app.requests


async def test_classic_models_send_no_references(app, reference_pictures):
    await provider(app).submit(req(references=[str(p) for p in reference_pictures]))
    body = app.requests[0].json()
    assert app.requests[0].path == "/v1/videos/text2video" and "image_list" not in body and "<<<" not in body["prompt"]


async def test_refusal_on_create_keeps_kling_message(app):
    err = await provider_error(provider(app).submit(req(prompt="something forbidden")))
    assert err.kind == "refused" and "content security policy" in err.message
    assert "1301" in err.message and len(app.requests) == 1  # never retried


async def test_refusal_after_submission(app):
    job = await run_job(provider(app), req(prompt="a risky scene"))
    assert job.status == JobStatus.REFUSED and job.message == "Failure to pass the risk control system"


async def test_technical_failure_is_failed_not_refused(app):
    job = await run_job(provider(app), req(prompt="a broken scene"))
    assert job.status == JobStatus.FAILED and "Internal error" in job.message


async def test_concurrency_1303_is_backpressure_then_succeeds(app):
    inject(app, "create", (429, {"code": 1303, "message": "parallel task over resource pack limit"},
                           {"Retry-After": "0"}))
    job = await provider(app).submit(req())
    assert job.status == JobStatus.QUEUED
    assert len([r for r in app.requests if r.method == "POST"]) == 2


async def test_429_honours_retry_after_and_gives_up_typed(app):
    inject(app, "create", *[(429, {"code": 1302, "message": "too fast"}, {"Retry-After": "0"})] * 2)
    err = await provider_error(provider(app, attempts=2).submit(req()))
    assert err.kind == "rate_limit" and err.retry_after == 0


async def test_5xx_then_success(app):
    inject(app, "poll", (500, {"code": 5000, "message": "internal error"}))
    job = await run_job(provider(app), req())
    assert job.status == JobStatus.SUCCEEDED


async def test_quota_and_auth_codes_are_not_retried(app, monkeypatch):
    inject(app, "create", (429, {"code": 1102, "message": "resource pack depleted"}))
    err = await provider_error(provider(app).submit(req()))
    assert err.kind == "quota"
    monkeypatch.setenv("KLING_SECRET_KEY", "wrong-" + "x" * 32)
    err = await provider_error(provider(app).submit(req()))
    assert err.kind == "auth" and "wrong" not in str(err)


async def test_missing_keys_is_auth_error(app, monkeypatch):
    monkeypatch.delenv("KLING_SECRET_KEY")
    assert "KLING_SECRET_KEY is not set" in str(await provider_error(provider(app).submit(req())))


async def test_timeout(app):
    inject(app, "create", 0.4, 0.4)
    err = await provider_error(provider(app, timeout=0.1, attempts=2).submit(req()))
    assert err.kind == "timeout"


async def test_malformed_body(app):
    inject(app, "create", MALFORMED)
    err = await provider_error(provider(app).submit(req()))
    assert err.kind == "provider" and "malformed" in err.message


async def test_expired_url(app, tmp_path):
    p = provider(app)
    job = await run_job(p, req())
    err = await expired_download_error(app, p, job, job.result_url.rsplit("/", 1)[1], tmp_path / "late.mp4")
    assert err.kind == "expired"


def test_prompt_limit_checked_before_sending(app):
    with pytest.raises(ProviderError, match="2501 characters"):
        provider(app).check_request(req(prompt="x" * 2501))
    with pytest.raises(ProviderError, match="accepts 500"):
        provider(app).check_request(req(prompt="x" * 501, params={"max_prompt_chars": 500}))
