"""LumaProvider against the loopback Dream Machine fake, with Luma's own SDK as the wire-format oracle."""

from __future__ import annotations

import pytest
from fakes import luma as fake
from fakes.contract_fixtures import fake_vendor_fixtures, provider_fixture
from fakes.vendor_cases import VendorCases
from fakes.video_vendors import provider_error, run_job
from lumaai import AsyncLumaAI

from reelforge.tools.clips.base import JobStatus, ProviderError
from reelforge.tools.clips.luma import LumaProvider

server, app = fake_vendor_fixtures(fake.make_app, {"LUMAAI_API_KEY": fake.API_KEY})
make = provider_fixture(LumaProvider, "/dream-machine/v1")


class TestLuma(VendorCases):
    gateway_model = "ray-2"
    rate_limit_response = (429, {"detail": "Too many requests"}, {"Retry-After": "0"})

    async def test_refusal_texts_are_luma_own(self, app, make):
        err = await provider_error(make().submit(self.req(prompt="forbidden")))
        assert "blocked content" in err.message
        job = await run_job(make(), self.req(prompt="broken"))
        assert job.status == JobStatus.FAILED and job.message == "Internal server error"

    async def test_agents_api_is_refused_clearly(self, app, make):
        with pytest.raises(ProviderError, match="Agents API body schema is unverified"):
            await make().submit(self.req(params={"api": "agents"}))

    async def test_sdk_oracle_same_wire_format(self, app, make, png):
        image = "https://example.com/start.jpg"
        await make().submit(self.req(prompt="a lighthouse", seconds=7, aspect="4:5", resolution="720p",
                                     image_path=image))
        ours = app.requests[-1]
        sdk = AsyncLumaAI(auth_token=fake.API_KEY, base_url=app.base_url + "/dream-machine/v1", max_retries=0)
        await sdk.generations.create(model="ray-2", prompt="a lighthouse", aspect_ratio="3:4", duration="9s",
                                     resolution="720p", keyframes={"frame0": {"type": "image", "url": image}})
        theirs = app.requests[-1]
        assert (ours.method, ours.path) == (theirs.method, theirs.path)
        assert ours.headers["authorization"] == theirs.headers["authorization"]
        assert ours.json() == theirs.json()
        await sdk.close()
