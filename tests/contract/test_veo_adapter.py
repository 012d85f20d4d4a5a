"""VeoProvider (Gemini API) and VertexVeoProvider against the loopback Veo fake; google-genai as the
wire oracle for the Vertex request (this SDK version only sends generate_videos in Vertex mode)."""

from __future__ import annotations

import base64

import pytest
from fakes import veo as fake
from fakes.contract_fixtures import fake_vendor_fixtures, provider_factory, provider_fixture
from fakes.vendor_cases import VendorCases
from fakes.video_vendors import VIDEO, provider_error, request, run_job

from reelforge.tools.clips.base import JobStatus, ProviderError
from reelforge.tools.clips.veo import VeoProvider, VertexVeoProvider

server, app = fake_vendor_fixtures(fake.make_app, {"GEMINI_API_KEY": fake.API_KEY, "CLOUDSDK_AUTH_ACCESS_TOKEN": fake.TOKEN,
                                                   "GOOGLE_CLOUD_PROJECT": fake.PROJECT})
make = provider_fixture(VeoProvider, "/v1beta")
build_vertex = provider_factory(VertexVeoProvider, "/v1")


@pytest.fixture
def vertex(app):
    return build_vertex(app)


class TestVeoGemini(VendorCases):
    gateway_model = "veo-3.1-generate-preview"
    rate_limit_response = (429, {"error": {"code": 429, "message": "Resource has been exhausted",
                                           "status": "RESOURCE_EXHAUSTED"}}, {"Retry-After": "0"})

    async def test_rai_filter_is_refusal_with_google_reason(self, app, make):
        job = await run_job(make(), self.req(prompt="a risky scene"))
        assert job.status == JobStatus.REFUSED and job.message == "Video blocked: it may depict a real person."

    async def test_key_only_sent_to_trusted_hosts(self, app, make):
        p = make()
        assert p.download_headers("https://generativelanguage.googleapis.com/v1beta/files/x") == {
            "x-goog-api-key": fake.API_KEY}
        assert p.download_headers("https://cdn.example.com/x.mp4") == {}

    async def test_generate_audio_only_when_configured(self, app, make):
        p = make()
        assert "generateAudio" not in p.build_body(self.req(audio=True))["parameters"]
        body = p.build_body(self.req(audio=True, params={"send_generate_audio": True}, seconds=5, aspect="4:5"))
        assert body["parameters"] == {"aspectRatio": "9:16", "durationSeconds": 6, "generateAudio": True}

    async def test_extend_continues_the_veo_video(self, app, make, tmp_path):
        p = make()
        first = await run_job(p, self.req(seconds=8))
        job = await p.extend(first, self.req(seconds=15), 7)
        while not job.status.done:
            job = await p.poll(job)
        await p.download(job, tmp_path / "long.mp4")
        sent = [r.json() for r in app.requests if r.method == "POST"][-1]
        assert sent["instances"][0]["video"] == {"uri": first.result_url}
        assert job.status == JobStatus.SUCCEEDED and job.id != first.id

    async def test_references_go_as_asset_images_on_an_8s_landscape_prompt(self, app, make, tmp_path,
                                                                             reference_pictures):
        refs = [str(p) for p in reference_pictures]
        job = await run_job(make(), self.req(seconds=8, references=refs), tmp_path / "r.mp4")
        assert job.status == JobStatus.SUCCEEDED  # the fake holds the request to Veo 3.1's reference rules
        sent = app.requests[0].json()["instances"][0]["referenceImages"]
        assert [r["referenceType"] for r in sent] == ["ASSET", "ASSET"]
        assert [base64.b64decode(r["image"]["bytesBase64Encoded"]) for r in sent] == [
            p.read_bytes() for p in reference_pictures]
        assert {r["image"]["mimeType"] for r in sent} == {"image/png"}

    async def test_references_are_left_out_where_veo_cannot_take_them(self, app, make, reference_pictures, png_path):
        refs = [str(p) for p in reference_pictures]
        for req in (self.req(seconds=6, references=refs),
                    self.req(seconds=8, aspect="9:16", references=refs),
                    self.req(seconds=8, references=refs, image_path=str(png_path), mode="image-to-video")):
            await make().submit(req)  # neither refused nor made longer than asked (that would cost more)
            inst = app.requests[-1].json()["instances"][0]
            assert "referenceImages" not in inst
        assert app.requests[-1].json()["instances"][0]["image"]  # the approved first frame wins

    async def test_a_missing_reference_is_refused_before_sending(self, app, make, tmp_path):
        err = await provider_error(make().submit(self.req(seconds=8, references=[str(tmp_path / "gone.png")])))
        assert err.kind == "invalid" and "reference image 'gone.png'" in err.message and not app.requests

    async def test_operation_error_is_failed(self, app, make):
        job = await run_job(make(), self.req(prompt="broken"))
        assert job.status == JobStatus.FAILED and job.message == "Internal error. (code 13)"


async def test_vertex_happy_path_with_inline_bytes(vertex, app, tmp_path, png_path):
    job = await run_job(vertex, request(gateway_model="veo-3.1-generate-001", image_path=str(png_path), audio=True),
                        tmp_path / "v.mp4")
    assert job.status == JobStatus.SUCCEEDED and (tmp_path / "v.mp4").read_bytes() == VIDEO
    create, poll = app.requests[0], app.requests[1]
    assert create.path.endswith("/veo-3.1-generate-001:predictLongRunning")
    assert create.json()["parameters"]["generateAudio"] is True
    assert poll.path.endswith(":fetchPredictOperation") and poll.json() == {"operationName": job.id}


async def test_vertex_refusal_and_missing_project(vertex, app, monkeypatch):
    job = await run_job(vertex, request(gateway_model="veo-3.1-generate-001", prompt="risky"))
    assert job.status == JobStatus.REFUSED and "real person" in job.message
    monkeypatch.delenv("GOOGLE_CLOUD_PROJECT")
    with pytest.raises(ProviderError, match="GOOGLE_CLOUD_PROJECT is not set"):
        await vertex.submit(request(gateway_model="veo-3.1-generate-001"))


async def test_vertex_sdk_oracle_same_wire_format(vertex, app, png_path):
    from google import genai
    from google.genai import types
    from google.oauth2.credentials import Credentials

    await vertex.submit(request(gateway_model="veo-3.1-generate-001", prompt="surf at dusk", seconds=6, seed=3,
                                negative_prompt="text", image_path=str(png_path), resolution="720p"))
    ours = app.requests[-1]
    sdk = genai.Client(vertexai=True, project=fake.PROJECT, location=fake.LOCATION,
                       credentials=Credentials(token=fake.TOKEN),
                       http_options=types.HttpOptions(base_url=app.base_url, api_version="v1"))
    image = types.Image(image_bytes=png_path.read_bytes(), mime_type="image/png")
    await sdk.aio.models.generate_videos(
        model="veo-3.1-generate-001", source=types.GenerateVideosSource(prompt="surf at dusk", image=image),
        config=types.GenerateVideosConfig(aspect_ratio="16:9", duration_seconds=6, resolution="720p",
                                          negative_prompt="text", seed=3, generate_audio=False))
    theirs = app.requests[-1]
    assert (ours.method, ours.path) == (theirs.method, theirs.path)
    assert ours.headers["authorization"] == theirs.headers["authorization"]
    assert ours.json() == theirs.json()
    assert base64.b64decode(ours.json()["instances"][0]["image"]["bytesBase64Encoded"]) == png_path.read_bytes()


async def test_vertex_sdk_oracle_same_reference_images(vertex, app, reference_pictures):
    from google import genai
    from google.genai import types
    from google.oauth2.credentials import Credentials

    await vertex.submit(request(gateway_model="veo-3.1-generate-001", prompt="a baker at dawn", seconds=8,
                                references=[str(p) for p in reference_pictures]))
    ours = app.requests[-1]
    sdk = genai.Client(vertexai=True, project=fake.PROJECT, location=fake.LOCATION,
                       credentials=Credentials(token=fake.TOKEN),
                       http_options=types.HttpOptions(base_url=app.base_url, api_version="v1"))
    refs = [types.VideoGenerationReferenceImage(image=types.Image(image_bytes=p.read_bytes(), mime_type="image/png"),
                                                reference_type="asset") for p in reference_pictures]
    await sdk.aio.models.generate_videos(
        model="veo-3.1-generate-001", source=types.GenerateVideosSource(prompt="a baker at dawn"),
        config=types.GenerateVideosConfig(aspect_ratio="16:9", duration_seconds=8, reference_images=refs,
                                          generate_audio=False))
    assert ours.json() == app.requests[-1].json()


@pytest.fixture
def png_path(tmp_path):
    from PIL import Image

    path = tmp_path / "start.png"
    Image.new("RGB", (320, 320), (10, 120, 60)).save(path)
    return path
