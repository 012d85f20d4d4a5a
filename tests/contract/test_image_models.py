"""Image models (registry kind ``image``) against loopback fakes of their APIs, with the vendors' SDKs as the
wire oracle where reelforge's environment has them (openai, google-genai)."""

from __future__ import annotations

import asyncio
import base64
from pathlib import Path

import httpx
import pytest
from fakes import images as fake
from fakes.contract_fixtures import fake_vendor_fixtures
from fakes.video_vendors import provider_error
from PIL import Image

from reelforge.tools.clips.base import ClipRequest, ProviderError, RetryPolicy
from reelforge.tools.clips.registry import Registry
from reelforge.tools.images.google_images import GoogleImageProvider
from reelforge.tools.images.hosted import FalImageProvider, ReplicateImageProvider
from reelforge.tools.images.openai_images import OpenAIImageProvider
from reelforge.tools.settings import get_settings


def req(model: str, prompt: str = "a tern over the sea", aspect: str = "16:9", refs: list[str] | None = None,
        **params) -> ClipRequest:
    w, h = (1536, 864) if aspect == "16:9" else (864, 1536)
    return ClipRequest(shot_id="s1", prompt=prompt, seconds=0.0, aspect=aspect, width=w, height=h,
                       gateway_model=model, model_id=model, seed=3, references=list(refs or []), params=dict(params))


def fast(cls, base_url: str):
    return cls(base_url=base_url, client=httpx.AsyncClient(timeout=5), retry=RetryPolicy(attempts=2, base_s=0.01))


async def finish(provider, request: ClipRequest, dest: Path) -> Image.Image:
    job = await provider.submit(request)
    while not job.status.done:
        job = await provider.poll(job)
    await provider.download(job, dest)
    await provider.aclose()
    return Image.open(dest)


@pytest.fixture
def reference(tmp_path) -> str:
    path = tmp_path / "baker.png"
    Image.new("RGB", (32, 32), (10, 200, 10)).save(path)
    return str(path)


# --- OpenAI -------------------------------------------------------------------------------------------

openai_fake, openai_server = fake_vendor_fixtures(fake.openai_app, {"OPENAI_API_KEY": fake.OPENAI_KEY},
                                                  clear=("calls",), server_name="openai_fake")


async def test_openai_generates_at_the_nearest_size(openai_server, tmp_path):
    img = await finish(fast(OpenAIImageProvider, openai_server.base_url + "/v1"), req("gpt-image-1", aspect="9:16"),
                       tmp_path / "k.png")
    call = openai_server.state["calls"][-1]
    assert (call["endpoint"], call["size"], call["model"], call["quality"]) == (
        "generations", "1024x1536", "gpt-image-1", "medium")
    assert img.size == (128, 192)


async def test_openai_sends_references_to_the_edits_endpoint(openai_server, tmp_path, reference):
    await finish(fast(OpenAIImageProvider, openai_server.base_url + "/v1"),
                 req("gpt-image-1", refs=[reference, reference]), tmp_path / "k.png")
    call = openai_server.state["calls"][-1]
    assert call["endpoint"] == "edits" and call["images"] == 2 and call["size"] == "1536x1024"


async def test_openai_refusal_and_bad_key_are_typed(openai_server, monkeypatch, tmp_path):
    with pytest.raises(ProviderError) as refused:
        await fast(OpenAIImageProvider, openai_server.base_url + "/v1").submit(req("gpt-image-1", "forbidden act"))
    assert refused.value.kind == "refused" and not refused.value.retryable
    monkeypatch.setenv("OPENAI_API_KEY", "sk-wrong")
    with pytest.raises(ProviderError) as auth:
        await fast(OpenAIImageProvider, openai_server.base_url + "/v1").submit(req("gpt-image-1"))
    assert auth.value.kind == "auth" and "sk-wrong" not in str(auth.value)


async def test_the_openai_sdk_reads_the_fake_the_same_way(openai_server):
    from openai import AsyncOpenAI

    client = AsyncOpenAI(api_key=fake.OPENAI_KEY, base_url=openai_server.base_url + "/v1")
    out = await client.images.generate(model="gpt-image-1", prompt="a tern", size="1536x1024")
    assert base64.b64decode(out.data[0].b64_json).startswith(b"\x89PNG")
    await client.close()


# --- Google (Imagen and Gemini image) -----------------------------------------------------------------

gemini_fake, gemini_server = fake_vendor_fixtures(fake.gemini_app, {"GEMINI_API_KEY": fake.GEMINI_KEY},
                                                  clear=("calls",), server_name="gemini_fake")


async def test_gemini_image_asks_for_the_output_aspect(gemini_server, tmp_path):
    img = await finish(fast(GoogleImageProvider, gemini_server.base_url + "/v1"),
                       req("gemini-3-pro-image", aspect="9:16"), tmp_path / "k.png")
    call = gemini_server.state["calls"][-1]
    assert call["model"] == "gemini-3-pro-image"
    assert call["generationConfig"] == {"responseModalities": ["IMAGE"], "imageConfig": {"aspectRatio": "9:16"}}
    assert img.size == (90, 160)


async def test_gemini_image_takes_references_as_inline_parts(gemini_server, tmp_path, reference):
    await finish(fast(GoogleImageProvider, gemini_server.base_url + "/v1"),
                 req("gemini-2.5-flash-image", refs=[reference]), tmp_path / "k.png")
    call = gemini_server.state["calls"][-1]
    parts = call["contents"][0]["parts"]
    assert parts[0]["inlineData"]["mimeType"] == "image/png" and parts[-1]["text"] == "a tern over the sea"
    assert call["generationConfig"]["imageConfig"]["aspectRatio"] == "16:9"


async def test_google_blocked_prompts_are_refusals(gemini_server):
    for model in ("gemini-3-pro-image", "gemini-2.5-flash-image"):
        err = await provider_error(fast(GoogleImageProvider, gemini_server.base_url + "/v1").submit(req(model, "forbidden")))
        assert err.kind == "refused"


async def test_the_google_genai_sdk_sends_what_we_send(gemini_server, tmp_path):
    from google import genai
    from google.genai import types

    client = genai.Client(api_key=fake.GEMINI_KEY, http_options=types.HttpOptions(base_url=gemini_server.base_url))
    config = types.GenerateContentConfig(response_modalities=["IMAGE"],
                                         image_config=types.ImageConfig(aspect_ratio="16:9"))
    out = await asyncio.to_thread(client.models.generate_content, model="gemini-2.5-flash-image",
                                  contents="a tern over the sea", config=config)
    assert any(p.inline_data and p.inline_data.data.startswith(b"\x89PNG") for p in out.candidates[0].content.parts)
    await finish(fast(GoogleImageProvider, gemini_server.base_url + "/v1"), req("gemini-2.5-flash-image"),
                 tmp_path / "k.png")
    sdk, ours = gemini_server.state["calls"]
    assert sdk["contents"][0]["parts"] == ours["contents"][0]["parts"]
    assert sdk["generationConfig"] == ours["generationConfig"]


# --- fal and Replicate (FLUX) -------------------------------------------------------------------------

fal_fake, fal_server = fake_vendor_fixtures(fake.fal_app, {"FAL_KEY": fake.FAL_KEY},
                                            clear=("calls",), server_name="fal_fake")


async def test_fal_flux_queue_round_trip_with_exact_size(fal_server, tmp_path):
    provider = fast(FalImageProvider, fal_server.base_url)
    provider.poll_interval_s = 0
    img = await finish(provider, req("fal-ai/flux-pro/v1.1"), tmp_path / "k.png")
    call = fal_server.state["calls"][-1]
    assert call["image_size"] == {"width": 1536, "height": 864} and call["seed"] == 3
    assert "references" not in call and img.size == (192, 108)


async def test_fal_kontext_sends_the_reference_in_the_registry_field(fal_server, tmp_path, reference):
    r = req("fal-ai/flux-pro/kontext", refs=[reference], _references_field="image_url", _references_many=False)
    await finish(fast(FalImageProvider, fal_server.base_url), r, tmp_path / "k.png")
    call = fal_server.state["calls"][-1]
    assert call["image_url"].startswith("data:image/png;base64,")
    assert not any(k.startswith("_") for k in call)


async def test_fal_safety_flag_is_a_refusal(fal_server):
    provider = fast(FalImageProvider, fal_server.base_url)
    job = await provider.submit(req("fal-ai/flux-pro/v1.1", "forbidden"))
    job = await provider.poll(job)
    assert job.status.value == "refused"


replicate_fake, replicate_server = fake_vendor_fixtures(
    fake.replicate_app, {"REPLICATE_API_TOKEN": fake.REPLICATE_KEY}, clear=("calls",), server_name="replicate_fake")


async def test_replicate_flux_prediction(replicate_server, tmp_path):
    img = await finish(fast(ReplicateImageProvider, replicate_server.base_url + "/v1"),
                       req("black-forest-labs/flux-schnell", aspect="9:16"), tmp_path / "k.png")
    call = replicate_server.state["calls"][-1]
    assert call["model"] == "black-forest-labs/flux-schnell"
    assert call["input"]["aspect_ratio"] == "9:16" and "duration" not in call["input"]
    assert img.size == (90, 160)
    provider = fast(ReplicateImageProvider, replicate_server.base_url + "/v1")
    job = await provider.submit(req("black-forest-labs/flux-schnell", "forbidden"))
    assert job.status.value in ("refused", "failed")


def test_every_image_model_is_priced_per_image_and_never_routed_as_a_clip():
    registry = Registry.load(get_settings())
    images = [m for m in registry.models.values() if m.kind == "image"]
    assert {m.family for m in images} >= {"openai-image", "gemini-image", "flux"}
    assert all(m.price_per_image > 0 and m.price_source for m in images)
    assert {g for m in images for g in m.gateways} >= {"direct", "fal", "replicate"}
