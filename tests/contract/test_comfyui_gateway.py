"""ComfyUIProvider against the loopback ComfyUI fake: workflow filling, history polling, outputs, errors."""

from __future__ import annotations

import httpx
import pytest
from fakes import comfyui as fake
from fakes.server import serve
from fakes.video_vendors import MALFORMED, VIDEO, expired_download_error, inject, provider_error, request, run_job

from reelforge.tools.clips.base import JobStatus, ProviderError, RetryPolicy
from reelforge.tools.clips.comfyui import ComfyUIProvider, fill, frame_plan, load_workflow


@pytest.fixture(scope="module")
def server():
    with serve(fake.make_app()) as app:
        yield app


@pytest.fixture
def app(server):
    server.state.update(faults={}, output_style="images")
    server.state["expired"].clear()
    server.requests.clear()
    return server


def provider(app, timeout: float = 5.0) -> ComfyUIProvider:
    return ComfyUIProvider(base_url=app.base_url, client=httpx.AsyncClient(timeout=timeout),
                           retry=RetryPolicy(attempts=3, base_s=0.01))


def test_frame_plan_respects_model_steps():
    plan = frame_plan(5, "9:16", {"fps": 24, "frame_step": 8, "size_multiple": 32, "long_side": 768})
    assert plan["frames"] == 121 and (plan["frames"] - 1) % 8 == 0
    assert plan["height"] == 768 and plan["width"] % 32 == 0 and plan["width"] < plan["height"]


def test_fill_keeps_types_and_strips_meta():
    wf = fill(load_workflow("wan22_ti2v"), {"prompt": "p", "negative_prompt": "", "seed": 7, "width": 1280,
                                            "height": 704, "frames": 121, "fps": 24, "filename_prefix": "x/s1"})
    assert "_reelforge" not in wf and wf["8"]["inputs"]["seed"] == 7 and wf["7"]["inputs"]["length"] == 121
    assert "{{" not in str(wf)


@pytest.mark.parametrize("style", ["images", "gifs"])
async def test_happy_path_both_output_styles(app, tmp_path, style):
    app.state["output_style"] = style
    p = provider(app)
    job = await p.submit(request(gateway_model="ltxv_t2v", seed=42, aspect="16:9", idempotency_key=f"key-{style}"))
    sent = app.requests[0].json()
    assert job.id == sent["prompt_id"] and sent["client_id"] == p.client_id
    nodes = sent["prompt"]
    assert nodes["3"]["inputs"]["text"].startswith("a red kite") and nodes["9"]["inputs"]["noise_seed"] == 42
    assert nodes["6"]["inputs"]["length"] == 121 and nodes["6"]["inputs"]["width"] == 768
    seen = []
    while not job.status.done:
        job = await p.poll(job)
        seen.append(job.status)
    assert seen == [JobStatus.QUEUED, JobStatus.RUNNING, JobStatus.SUCCEEDED]
    assert (await p.download(job, tmp_path / "v.mp4")).read_bytes() == VIDEO
    assert "subfolder=reelforge" in job.result_url


async def test_same_idempotency_key_same_prompt_id(app):
    p = provider(app)
    a = await p.submit(request(gateway_model="ltxv_t2v", idempotency_key="key-cd"))
    b = await p.submit(request(gateway_model="ltxv_t2v", idempotency_key="key-cd"))
    assert a.id == b.id


async def test_image_to_video_uploads_start_frame(app, tmp_path):
    img = tmp_path / "f.png"
    img.write_bytes(b"\x89PNG\r\n\x1a\nframe")
    await provider(app).submit(request(gateway_model="ltxv_i2v", image_path=str(img), mode="image-to-video"))
    assert app.requests[0].path == "/upload/image" and b"frame" in app.requests[0].body
    uploaded = app.requests[0].body
    name = next(n for n, body in app.state["uploads"].items() if body == uploaded)
    assert app.requests[1].json()["prompt"]["15"]["inputs"]["image"] == name


async def test_execution_error_is_failed_with_node_message(app):
    job = await run_job(provider(app), request(gateway_model="wan22_ti2v", prompt="broken kite"))
    assert job.status is JobStatus.FAILED and "KSampler" in job.message and "memory" in job.message


async def test_rejected_workflow_is_invalid(app):
    inject(app, "prompt", (400, {"error": {"type": "prompt_outputs_failed_validation", "message": "Prompt outputs failed validation"}, "node_errors": {"1": {}}}))
    err = await provider_error(provider(app).submit(request(gateway_model="wan22_ti2v")))
    assert err.kind == "invalid" and "failed validation" in err.message


async def test_unknown_template_is_invalid(app):
    with pytest.raises(ProviderError, match="no workflow template 'nope'"):
        await provider(app).submit(request(gateway_model="nope"))


async def test_server_busy_then_ok(app):
    inject(app, "prompt", (503, "busy", {"Retry-After": "0"}))
    assert (await provider(app).submit(request(gateway_model="ltxv_t2v"))).id


async def test_timeout(app):
    inject(app, "prompt", 0.5, 0.5, 0.5)
    err = await provider_error(provider(app, timeout=0.1).submit(request(gateway_model="ltxv_t2v")))
    assert err.kind == "timeout"


async def test_malformed_history(app):
    p = provider(app)
    job = await p.submit(request(gateway_model="ltxv_t2v"))
    inject(app, "history", MALFORMED)
    with pytest.raises(ProviderError, match="malformed"):
        await p.poll(job)


async def test_expired_output(app, tmp_path):
    p = provider(app)
    job = await run_job(p, request(gateway_model="ltxv_t2v"))
    err = await expired_download_error(app, p, job, f"{job.id}_00001_.mp4", tmp_path / "v.mp4")
    assert err.kind == "expired"


def test_needs_a_url(monkeypatch):
    with pytest.raises(ProviderError, match="REELFORGE_COMFYUI_URL"):
        ComfyUIProvider()
