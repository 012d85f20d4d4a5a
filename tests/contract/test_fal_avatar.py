"""Presenters through fal.ai against the loopback fake: storage uploads (no key on the signed URL), a photo
talking our narration (veed/fabric-1.0), a user's video lip-synced (sync-lipsync/v2), errors, expiry, and the
runner sending a consented upload plus the narration through the registry."""

from __future__ import annotations

import httpx
import pytest
from fakes import fal
from fakes.avatar_media import avatar_inputs
from fakes.contract_fixtures import fake_vendor_fixtures
from fakes.fal_avatar import make_app
from fakes.video_vendors import VIDEO, inject

from reelforge.tools.clips.base import ClipRequest, JobStatus, ProviderError, RetryPolicy
from reelforge.tools.clips.fal_avatar import FalAvatarProvider
from reelforge.tools.clips.registry import Registry
from reelforge.tools.clips.runner import generate_shot
from reelforge.tools.production import Brief, Consent, RouteChoice, Shot
from reelforge.tools.settings import get_settings
from reelforge.tools.store import AssetStore

server, app = fake_vendor_fixtures(make_app, {"FAL_KEY": fal.KEY}, state={"upload_auth_seen": False})


@pytest.fixture(scope="module")
def media(tmp_path_factory):
    return avatar_inputs(tmp_path_factory.mktemp("falavatar"))


def provider(app) -> FalAvatarProvider:
    return FalAvatarProvider(base_url=app.base_url, rest_url=app.base_url, client=httpx.AsyncClient(timeout=5),
                             retry=RetryPolicy(attempts=3, base_s=0.01))


def req(model: str, **params) -> ClipRequest:
    image = params.pop("image_path", None)
    return ClipRequest(shot_id="p1", prompt="the host talks to camera", seconds=2, gateway_model=model,
                       image_path=image, mode="image-to-video", params=params, idempotency_key="idem-1")


async def finish(p, job):
    while not job.status.done:
        job = await p.poll(job)
    return job


async def test_photo_talks_our_narration(app, media, tmp_path):
    p = provider(app)
    job = await p.submit(req("veed/fabric-1.0", image_path=str(media / "me.png"),
                             audio_path=str(media / "narration.wav"), resolution="720p", script="Hello."))
    inits = [r for r in app.requests if r.path == "/storage/upload/initiate"]
    assert [r.json()["content_type"] for r in inits] == ["image/png", "audio/wav"]
    puts = [r for r in app.requests if r.method == "PUT"]
    assert puts[1].body == (media / "narration.wav").read_bytes() and not app.state["upload_auth_seen"]
    body = next(r for r in app.requests if r.path == "/veed/fabric-1.0").json()
    assert set(body) == {"image_url", "audio_url", "resolution"}  # no prompt, no script, no local paths
    job = await finish(p, job)
    assert job.status is JobStatus.SUCCEEDED
    assert (await p.download(job, tmp_path / "talk.mp4")).read_bytes() == VIDEO
    await p.aclose()


async def test_user_video_is_lipsynced(app, media):
    p = provider(app)
    job = await p.submit(req("fal-ai/sync-lipsync/v2", video_path=str(media / "me.mp4"),
                             audio_path=str(media / "narration.wav"), sync_mode="loop"))
    body = next(r for r in app.requests if r.path == "/fal-ai/sync-lipsync/v2").json()
    assert body["sync_mode"] == "loop" and body["video_url"].startswith(app.base_url + "/cdn/")
    assert (await finish(p, job)).status is JobStatus.SUCCEEDED
    await p.aclose()


async def test_bad_input_is_refused_before_spending(app, media):
    p = provider(app)
    with pytest.raises(ProviderError) as e:  # no narration audio: these models cannot speak a script
        await p.submit(req("veed/fabric-1.0", image_path=str(media / "me.png"), script="Hello."))
    assert e.value.kind == "invalid" and "narration audio" in e.value.message
    with pytest.raises(ProviderError) as e:
        await p.submit(req("veed/fabric-1.0", audio_path=str(media / "narration.wav")))
    assert e.value.kind == "invalid"
    assert not [r for r in app.requests if r.path == "/veed/fabric-1.0"]
    with pytest.raises(ProviderError) as e:  # the model's own validation (no resolution) is typed, words kept
        await p.submit(req("veed/fabric-1.0", image_path=str(media / "me.png"), audio_path=str(media / "narration.wav")))
    assert e.value.kind == "invalid" and "resolution" in e.value.message
    await p.aclose()


async def test_429_retry_after_then_ok_and_expired_result(app, media, tmp_path):
    p = provider(app)
    inject(app, "status", (429, {"detail": "Too many requests"}, {"Retry-After": "0"}))
    job = await p.submit(req("fal-ai/sync-lipsync/v2", video_path=str(media / "me.mp4"),
                             audio_path=str(media / "narration.wav")))
    job = await finish(p, job)
    assert job.status is JobStatus.SUCCEEDED
    app.state["expired"].add(job.result_url.rsplit("/", 1)[-1])
    with pytest.raises(ProviderError) as e:
        await p.download(job, tmp_path / "x.mp4")
    assert e.value.kind == "expired"
    await p.aclose()


async def test_wrong_key_is_auth_and_never_echoed(app, media, monkeypatch):
    monkeypatch.setenv("FAL_KEY", "sk-secret-wrong")
    p = provider(app)
    with pytest.raises(ProviderError) as e:
        await p.submit(req("veed/fabric-1.0", image_path=str(media / "me.png"),
                           audio_path=str(media / "narration.wav"), resolution="720p"))
    assert e.value.kind == "auth" and "sk-secret-wrong" not in str(e.value)
    await p.aclose()


async def test_runner_sends_the_consented_video_and_narration_via_the_registry(app, media, monkeypatch, tmp_path):
    monkeypatch.setenv("REELFORGE_FAL_BASE_URL", app.base_url)
    monkeypatch.setenv("REELFORGE_FAL_REST_URL", app.base_url)
    monkeypatch.setattr(FalAvatarProvider, "poll_interval_s", 0.01)
    s = get_settings()
    reg = Registry.load(s)
    brief = Brief(goal="g", aspects=["9:16"], presenter_path=str(media / "me.mp4"),
                  presenter_consent=Consent(text="this is me", affirmed_by="me"))
    shot = Shot(id="p1", kind="presenter", narration="Hello there.", visual_prompt="the host talks", seconds=2,
                route=RouteChoice(model_id="fal-sync-lipsync", provider="avatar", gateway="fal", clip_seconds=2))
    asset = await generate_shot(shot, brief, reg, AssetStore(tmp_path / "store"), s,
                                narration_audio=lambda _s: media / "narration.wav")
    assert asset.provenance.model == "fal-sync-lipsync" and not asset.provenance.fell_back
    puts = [r.body for r in app.requests if r.method == "PUT"]
    assert (media / "me.mp4").read_bytes() in puts and (media / "narration.wav").read_bytes() in puts
