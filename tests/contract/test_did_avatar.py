"""D-ID talks avatar adapter against a loopback fake: uploads, create, poll, moderation, credits, 429."""

from __future__ import annotations

import pytest
from fakes.avatar_media import avatar_inputs
from fakes.contract_fixtures import fake_vendor_fixtures
from fakes.did import make_app
from fakes.video_vendors import provider_error

from reelforge.tools.clips.base import ClipRequest, JobStatus, ProviderError, RetryPolicy
from reelforge.tools.clips.did import DIDProvider, billed_seconds
from reelforge.tools.media import probe

KEY = "user@example.com:secretpass"


server, fake = fake_vendor_fixtures(lambda: make_app(KEY), {"DID_API_KEY": KEY}, clear=(),
                                    state={"rate_limit": 0, "talk_outcome": "done", "credits": True})


@pytest.fixture(scope="module")
def inputs(tmp_path_factory):
    d = avatar_inputs(tmp_path_factory.mktemp("did"), narration_s=1, video=False)
    (d / "celebrity.png").write_bytes((d / "me.png").read_bytes() + b"CELEBRITY")
    return d


@pytest.fixture
def did(fake):
    return DIDProvider(base_url=fake.base_url, retry=RetryPolicy(attempts=3, base_s=0.01))


def req(image: str | None = None, **params) -> ClipRequest:
    return ClipRequest(shot_id="p1", prompt="Hello from the presenter.", seconds=2, image_path=image, params=params)


async def finish(p: DIDProvider, job):
    while not job.status.done:
        job = await p.poll(job)
    return job


async def test_did_avatar_photo_talks_our_narration(did, fake, inputs, tmp_path):
    job = await did.submit(req(str(inputs / "me.png"), audio_path=str(inputs / "narration.wav")))
    paths = [r.path for r in fake.requests]
    assert paths == ["/images", "/audios", "/talks"]
    assert fake.requests[0].headers["authorization"] == f"Basic {KEY}"
    body = fake.requests[2].json()
    assert body["source_url"].startswith("s3://") and body["script"]["type"] == "audio"
    assert body["config"]["result_format"] == "mp4" and job.status == JobStatus.QUEUED
    job = await did.poll(job)
    assert job.status == JobStatus.RUNNING
    job = await did.poll(job)
    assert job.status == JobStatus.SUCCEEDED and job.data["billed_s"] == 30.0
    assert probe(await did.download(job, tmp_path / "talk.mp4")).has_video


async def test_did_avatar_text_script_with_stock_presenter_url_and_voices(did, fake):
    await did.submit(req(avatar_id="https://example.com/presenter.jpg", voice_id="en-GB-SoniaNeural"))
    body = fake.requests[-1].json()
    assert body["source_url"] == "https://example.com/presenter.jpg"
    assert body["script"] == {"type": "text", "input": "Hello from the presenter.",
                              "provider": {"type": "microsoft", "voice_id": "en-GB-SoniaNeural"}}
    assert (await did.list_voices())[0]["id"] == "en-US-JennyNeural"


async def test_did_avatar_moderation_credit_and_rate_limit(did, fake, inputs):
    err = await provider_error(did.submit(req(str(inputs / "celebrity.png"), script="hi")))
    assert err.kind == "refused" and "CelebrityRecognizedError" in err.message
    fake.state["credits"] = False
    err = await provider_error(did.submit(req(str(inputs / "me.png"))))
    assert err.kind == "quota"
    fake.state.update(credits=True, rate_limit=1)
    job = await did.submit(req(str(inputs / "me.png")))
    assert job.id.startswith("tlk_")


@pytest.mark.parametrize(("outcome", "status", "words"), [("rejected", JobStatus.REFUSED, "FaceError"),
                                                          ("error", JobStatus.FAILED, "render crashed")])
async def test_did_avatar_failed_talks_keep_the_reason(did, fake, inputs, outcome, status, words):
    fake.state["talk_outcome"] = outcome
    job = await finish(did, await did.submit(req(str(inputs / "me.png"))))
    assert job.status == status and words in job.message


async def test_did_avatar_refuses_bad_input_before_spending(did, fake, inputs, monkeypatch):
    with pytest.raises(ProviderError, match="needs HeyGen"):
        await did.submit(req(video_path=str(inputs / "narration.wav"), avatar_id="x"))
    with pytest.raises(ProviderError, match="presenter photo or an image URL"):
        await did.submit(req(avatar_id="amy"))
    with pytest.raises(ProviderError, match="was not found"):
        await did.submit(req(str(inputs / "nope.png")))
    assert not fake.requests
    monkeypatch.setenv("DID_API_KEY", "bad:key")
    err = await provider_error(did.submit(req(str(inputs / "me.png"))))
    assert err.kind == "auth" and "bad:key" not in str(err)
    assert billed_seconds(15) == 15 and billed_seconds(15.1) == 30
