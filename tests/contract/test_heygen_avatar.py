"""HeyGen v3 avatar adapter against a loopback fake: catalogue, uploads, create, poll, lip-sync, errors."""

from __future__ import annotations

import itertools

import pytest
from fakes.avatar_media import avatar_inputs
from fakes.contract_fixtures import fake_vendor_fixtures
from fakes.heygen import make_app
from fakes.video_vendors import provider_error

from reelforge.tools.clips.base import ClipRequest, JobStatus, ProviderError, RetryPolicy
from reelforge.tools.clips.heygen import HeyGenProvider
from reelforge.tools.media import probe

KEY = "heygen-test-key"


server, fake = fake_vendor_fixtures(lambda: make_app(KEY), {"HEYGEN_API_KEY": KEY}, clear=(),
                                    state={"rate_limit": 0, "fail_next": None, "odd_status": False})


@pytest.fixture(scope="module")
def inputs(tmp_path_factory):
    return avatar_inputs(tmp_path_factory.mktemp("heygen"))


@pytest.fixture
def heygen(fake):
    return HeyGenProvider(base_url=fake.base_url, retry=RetryPolicy(attempts=3, base_s=0.01))


_n = itertools.count()


def req(**params) -> ClipRequest:
    image = params.pop("image_path", None)
    gm = params.pop("gateway_model", "video")
    return ClipRequest(shot_id="presenter-1", prompt="Welcome to the show.", seconds=2, aspect="9:16", width=720,
                       height=1280, image_path=image, gateway_model=gm, params=params, idempotency_key=f"idem-{next(_n)}")


async def run(p: HeyGenProvider, job):
    while not job.status.done:
        job = await p.poll(job)
    return job


async def test_heygen_lists_avatar_looks_across_pages_and_voices(heygen, fake):
    looks = await heygen.list_avatars()
    assert [lk["id"] for lk in looks] == ["look_anna", "look_ben"] and looks[0]["default_voice_id"] == "voice_1"
    assert fake.requests[1].query["token"] == "p2" and fake.requests[0].headers["x-api-key"] == KEY
    assert (await heygen.list_voices(language="de"))[0]["language"] == "de"


async def test_heygen_stock_avatar_speaks_our_narration(heygen, fake, inputs, tmp_path):
    job = await heygen.submit(req(avatar_id="look_anna", audio_path=str(inputs / "narration.wav")))
    assert job.status == JobStatus.QUEUED
    upload, create = fake.requests[0], fake.requests[1]
    assert upload.path == "/v3/assets" and b'filename="narration.wav"' in upload.body
    body = create.json()
    assert body["type"] == "avatar" and body["audio_asset_id"].startswith("asset_") and "script" not in body
    assert body["aspect_ratio"] == "9:16" and body["resolution"] == "720p"
    assert create.headers["idempotency-key"].startswith("idem-")
    seen = []
    while not job.status.done:
        job = await heygen.poll(job)
        seen.append(job.status)
    assert seen == [JobStatus.QUEUED, JobStatus.RUNNING, JobStatus.SUCCEEDED] and job.data["duration_s"] == 2.0
    out = await heygen.download(job, tmp_path / "presenter.mp4")
    assert probe(out).has_video


async def test_heygen_user_photo_is_animated_and_user_video_lipsynced(heygen, fake, inputs):
    job = await heygen.submit(req(image_path=str(inputs / "me.png"), audio_path=str(inputs / "narration.wav")))
    body = fake.requests[-1].json()
    assert body["type"] == "image" and body["image"]["type"] == "asset_id"
    assert (await run(heygen, job)).status == JobStatus.SUCCEEDED
    lip = await heygen.submit(req(video_path=str(inputs / "me.mp4"), audio_path=str(inputs / "narration.wav"),
                                  gateway_model="lipsync:precision"))
    assert fake.requests[-1].path == "/v3/lipsyncs" and fake.requests[-1].json()["mode"] == "precision"
    assert lip.data["resource"] == "lipsyncs" and (await run(heygen, lip)).status == JobStatus.SUCCEEDED


async def test_heygen_script_with_voice_when_no_audio(heygen, fake):
    await heygen.submit(req(avatar_id="look_anna", voice_id="voice_1", script="Hello there."))
    body = fake.requests[-1].json()
    assert body["script"] == "Hello there." and body["voice_id"] == "voice_1"


@pytest.mark.parametrize(("params", "kind", "words"), [
    ({"avatar_id": "missing", "script": "hi"}, "invalid", "avatar_not_found"),
    ({"avatar_id": "look_anna", "script": "NO CREDIT please"}, "quota", "insufficient_credit"),
    ({"script": "hi"}, "invalid", "choose an avatar"),
    ({"avatar_id": "look_anna", "script": ""}, "invalid", "narration audio or a script"),
])
async def test_heygen_errors_are_typed(heygen, params, kind, words):
    r = req(**params)
    if params.get("script") == "":
        r.prompt = ""
    err = await provider_error(heygen.submit(r))
    assert err.kind == kind and words in err.message


async def test_heygen_auth_429_failure_and_unknown_status(heygen, fake, monkeypatch):
    fake.state["rate_limit"] = 1
    job = await heygen.submit(req(avatar_id="look_anna", script="hi"))
    assert [r.path for r in fake.requests].count("/v3/videos") == 2  # 429 then accepted
    fake.state["odd_status"] = True
    job = await heygen.poll(job)
    assert job.status == JobStatus.RUNNING  # an unknown word never means success
    fake.state["fail_next"] = "download_failed"
    failed = await run(heygen, await heygen.submit(req(avatar_id="look_anna", script="bye", )))
    assert failed.status == JobStatus.FAILED and "download_failed" in failed.message
    monkeypatch.setenv("HEYGEN_API_KEY", "wrong-key-xyz")
    err = await provider_error(heygen.list_avatars())
    assert err.kind == "auth" and "wrong-key-xyz" not in str(err)
    monkeypatch.delenv("HEYGEN_API_KEY")
    with pytest.raises(ProviderError, match="HEYGEN_API_KEY is not set"):
        await heygen.list_voices()
