"""LtxProvider against a loopback fake of the LTX API (synchronous MP4 answers, extend at the end)."""

from __future__ import annotations

from fakes import ltx as fake
from fakes.contract_fixtures import fake_vendor_fixtures, provider_factory
from fakes.video_vendors import MALFORMED, inject, provider_error, request, run_job
from PIL import Image

from reelforge.tools.clips.base import JobStatus
from reelforge.tools.clips.ltx import LtxProvider

server, app = fake_vendor_fixtures(fake.make_app, {"LTXV_API_KEY": fake.API_KEY}, clear=("paid",))
make = provider_factory(LtxProvider, attempts=3)


def req(**kw):
    return request(**{"gateway_model": "ltx-2-pro", "seconds": 8.0, **kw})


async def test_text_to_video_answers_with_the_clip(app, tmp_path):
    job = await run_job(make(app), req(aspect="9:16"), tmp_path / "a.mp4")
    assert job.status == JobStatus.SUCCEEDED and job.id == "req-1"
    assert fake.seconds_of((tmp_path / "a.mp4").read_bytes()) == 8
    body = app.requests[0].json()
    assert app.requests[0].path == "/v1/text-to-video"
    assert body == {"prompt": req().prompt, "model": "ltx-2-pro", "duration": 8, "resolution": "1080x1920"}
    assert len(app.state["paid"]) == 1 and len(app.requests) == 1  # no polling


async def test_image_to_video_sends_the_start_frame(app, tmp_path):
    png = tmp_path / "start.png"
    Image.new("RGB", (64, 64), (200, 40, 40)).save(png)
    await run_job(make(app), req(image_path=str(png), mode="image-to-video"), tmp_path / "b.mp4")
    assert app.requests[0].path == "/v1/image-to-video"
    assert app.requests[0].json()["image_uri"].startswith("data:image/png;base64,")


async def test_extend_continues_the_same_clip(app, tmp_path):
    p = make(app)
    job = await p.submit(req(seconds=10))
    longer = await p.extend(job, req(seconds=20), 10)
    await p.download(longer, tmp_path / "long.mp4")
    assert fake.seconds_of((tmp_path / "long.mp4").read_bytes()) == 20
    assert [x["kind"] for x in app.state["paid"]] == ["text-to-video", "extend"]
    assert app.requests[-1].json()["mode"] == "end"


async def test_refusal_is_typed_and_not_retried(app):
    err = await provider_error(make(app).submit(req(prompt="something forbidden")))
    assert err.kind == "refused" and "moderation" in err.message
    assert len(app.requests) == 1


async def test_429_then_success_and_5xx_then_success(app):
    inject(app, "create", (429, {"error": {"message": "slow down"}}, {"Retry-After": "0"}),
           (503, {"error": {"message": "busy"}}))
    job = await make(app).submit(req())
    assert job.status == JobStatus.SUCCEEDED and len(app.state["paid"]) == 1


async def test_auth_error_never_shows_the_key(app, monkeypatch):
    monkeypatch.setenv("LTXV_API_KEY", "ltx-wrong-key")
    err = await provider_error(make(app).submit(req()))
    assert err.kind == "auth" and "ltx-wrong-key" not in str(err)


async def test_a_non_video_answer_is_a_provider_error(app):
    inject(app, "create", MALFORMED)
    err = await provider_error(make(app).submit(req()))
    assert err.kind == "provider"


async def test_timeout_is_typed_and_never_resent(app):
    inject(app, "create", 0.4, 0.4)
    err = await provider_error(make(app, timeout=0.1, attempts=3).submit(req()))
    assert err.kind == "timeout"
    assert len(app.requests) == 1  # the render may be paid for already: a synchronous request is not resent
