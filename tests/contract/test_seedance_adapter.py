"""SeedanceProvider against the loopback ModelArk fake (prompt flags for 1.0, body fields for newer)."""

from __future__ import annotations

import base64

import pytest
from fakes import seedance as fake
from fakes.contract_fixtures import fake_vendor_fixtures, provider_fixture
from fakes.vendor_cases import VendorCases
from fakes.video_vendors import provider_error, run_job
from PIL import Image

from reelforge.tools.clips.base import JobStatus, ProviderError
from reelforge.tools.clips.seedance import SeedanceProvider

server, app = fake_vendor_fixtures(fake.make_app, {"ARK_API_KEY": fake.API_KEY})
make = provider_fixture(SeedanceProvider, "/api/v3")


def data_url_bytes(url: str) -> bytes:
    head, _, data = url.partition(",")
    assert head == "data:image/png;base64"
    return base64.b64decode(data)


class TestSeedance(VendorCases):
    gateway_model = "seedance-1-5-pro-251215"
    rate_limit_response = (429, {"error": {"code": "RateLimitExceeded.EndpointRPMExceeded", "message": "slow down"}},
                           {"Retry-After": "0"})

    async def test_one_zero_models_use_prompt_flags(self, app, make):
        job = await run_job(make(), self.req(gateway_model="seedance-1-0-pro-250528", seconds=4, aspect="4:5",
                                             resolution="1080p", seed=11))
        assert job.status == JobStatus.SUCCEEDED
        body = app.requests[0].json()
        assert body["content"][0]["text"].endswith("--rs 1080p --dur 5 --rt 3:4 --wm false --seed 11")
        assert "ratio" not in body and "duration" not in body

    async def test_newer_models_use_body_fields_and_audio(self, app, make, png):
        await make().submit(self.req(gateway_model="dreamina-seedance-2-0-260128", audio=True, image_path=str(png),
                                     params={"durations": list(range(4, 16))}, seconds=7))
        body = app.requests[0].json()
        assert (body["ratio"], body["duration"], body["generate_audio"]) == ("16:9", 7, True)
        assert body["content"][0] == {"type": "text", "text": "a red kite over green hills at dawn"}
        assert body["content"][1]["role"] == "first_frame"
        assert body["content"][1]["image_url"]["url"].startswith("data:image/png;base64,")

    async def test_references_go_as_reference_image_items(self, app, make, png, tmp_path):
        ref = tmp_path / "baker.png"
        Image.new("RGB", (320, 320), (200, 120, 60)).save(ref)
        job = await run_job(make(), self.req(gateway_model="dreamina-seedance-2-0-260128", seconds=5,
                                             references=[str(ref), str(png)]), tmp_path / "r.mp4")
        assert job.status == JobStatus.SUCCEEDED  # the fake holds the request to Ark's reference rules
        items = app.requests[0].json()["content"][1:]
        assert [i["role"] for i in items] == ["reference_image", "reference_image"]
        assert [data_url_bytes(i["image_url"]["url"]) for i in items] == [ref.read_bytes(), png.read_bytes()]

    async def test_a_start_frame_is_never_mixed_with_references(self, app, make, png, tmp_path):
        ref = tmp_path / "baker.png"
        Image.new("RGB", (320, 320), (200, 120, 60)).save(ref)
        job = await run_job(make(), self.req(gateway_model="dreamina-seedance-2-0-260128", image_path=str(png),
                                             mode="image-to-video", references=[str(ref)]))
        assert job.status == JobStatus.SUCCEEDED
        assert [i["role"] for i in app.requests[0].json()["content"][1:]] == ["first_frame"]

    async def test_refusal_codes_kept(self, app, make):
        err = await provider_error(make().submit(self.req(prompt="forbidden")))
        assert err.kind == "refused" and "[InputTextSensitiveContentDetected]" in err.message
        job = await run_job(make(), self.req(prompt="broken"))
        assert job.status == JobStatus.FAILED and job.message == "internal error [InternalServiceError]"

    def test_bad_settings_style_is_clear(self, make):
        with pytest.raises(ProviderError, match="settings_style must be"):
            make().build_body(self.req(params={"settings_style": "yaml"}))
