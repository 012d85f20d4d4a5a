"""RunwayProvider against the loopback Runway fake, with Runway's own SDK as the wire-format oracle."""

from __future__ import annotations

import pytest
from fakes import runway as fake
from fakes.contract_fixtures import fake_vendor_fixtures, provider_fixture
from fakes.vendor_cases import VendorCases
from fakes.video_vendors import run_job
from runwayml import AsyncRunwayML

from reelforge.tools.clips.base import JobStatus, ProviderError
from reelforge.tools.clips.runway import RunwayProvider

server, app = fake_vendor_fixtures(fake.make_app, {"RUNWAYML_API_SECRET": fake.API_SECRET})
make = provider_fixture(RunwayProvider)


class TestRunway(VendorCases):
    gateway_model = "gen4.5"
    refusal_on_submit = False
    rate_limit_response = (429, {"error": "Too many requests"}, {"Retry-After": "0"})

    async def test_safety_failure_code_is_refusal_with_runway_text(self, app, make):
        job = await run_job(make(), self.req(prompt="a risky scene"))
        assert job.status == JobStatus.REFUSED
        assert job.message == "Your prompt was flagged by our content moderation. [SAFETY.INPUT.TEXT]"
        job = await run_job(make(), self.req(prompt="a broken scene"))
        assert job.status == JobStatus.FAILED and "INTERNAL.BAD_OUTPUT" in job.message

    async def test_retired_model_refused_before_sending(self, app, make):
        with pytest.raises(ProviderError, match="gen3a_turbo was retired"):
            await make().submit(self.req(gateway_model="gen3a_turbo", mode="image-to-video",
                                         image_path="https://example.com/a.png"))
        assert not app.requests

    async def test_throttled_is_queued_and_progress_kept(self, app, make):
        p = make()
        job = await p.submit(self.req())
        statuses = []
        while not job.status.done:
            job = await p.poll(job)
            statuses.append((job.status, job.progress))
        assert statuses == [(JobStatus.QUEUED, None), (JobStatus.RUNNING, 0.5), (JobStatus.SUCCEEDED, 0.5)]

    async def test_sdk_oracle_same_wire_format(self, app, make, png):
        """Runway's SDK and the adapter send the same path, headers and body for the same clip."""
        image = "https://example.com/start.png"
        await make().submit(self.req(prompt="waves", seconds=6, aspect="1:1", seed=7, image_path=image,
                                     gateway_model="gen4_turbo", mode="image-to-video"))
        ours = app.requests[-1]
        sdk = AsyncRunwayML(api_key=fake.API_SECRET, base_url=app.base_url, max_retries=0)
        await sdk.image_to_video.create(model="gen4_turbo", prompt_image=image, prompt_text="waves",
                                        ratio="960:960", duration=10, seed=7)
        theirs = app.requests[-1]
        assert (ours.method, ours.path) == (theirs.method, theirs.path) == ("POST", "/v1/image_to_video")
        for h in ("authorization", "x-runway-version"):
            assert ours.headers[h] == theirs.headers[h]
        assert ours.json() == theirs.json()
        await sdk.close()
