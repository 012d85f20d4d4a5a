"""WanProvider (Alibaba Cloud Model Studio) against a loopback fake of the DashScope video API, and the
wire format checked against DashScope's own SDK."""

from __future__ import annotations

import asyncio

import pytest
from fakes import wan as fake
from fakes.contract_fixtures import fake_vendor_fixtures, provider_fixture
from fakes.vendor_cases import VendorCases
from fakes.video_vendors import provider_error, run_job

from reelforge.tools.clips.alibaba import WanProvider
from reelforge.tools.clips.base import JobStatus

server, app = fake_vendor_fixtures(fake.make_app, {"DASHSCOPE_API_KEY": fake.API_KEY})
make = provider_fixture(WanProvider)


class TestWan(VendorCases):
    gateway_model = "wan2.6-t2v"
    rate_limit_response = (429, fake.error("Throttling.RateQuota", "Requests rate limit exceeded"),
                           {"Retry-After": "0"})
    server_error_response = (500, fake.error("InternalError", "internal error"))
    image_req = {"mode": "image-to-video", "gateway_model": "wan2.6-i2v"}

    async def test_wire_format(self, app, make):
        job = await make().submit(self.req(seconds=9, aspect="9:16", audio=True, negative_prompt="blur"))
        sent = app.requests[0]
        body = sent.json()
        assert sent.headers["x-dashscope-async"] == "enable"
        assert body["model"] == "wan2.6-t2v" and body["input"]["negative_prompt"] == "blur"
        assert body["parameters"] == {"duration": 10, "audio": True, "prompt_extend": True, "size": "720*1280"}
        assert job.status == JobStatus.QUEUED and job.id.startswith("task-")

    async def test_refusals_keep_alibaba_words(self, app, make):
        err = await provider_error(make().submit(self.req(prompt="forbidden")))
        assert err.kind == "refused" and "inappropriate" in err.message
        job = await run_job(make(), self.req(prompt="risky"))
        assert job.status == JobStatus.REFUSED and "DataInspectionFailed" in job.message

    async def test_expired_task_id_fails_plainly(self, app, make):
        from reelforge.tools.clips.base import Job

        job = await make().poll(Job(id="task-gone", provider="wan"))
        assert job.status == JobStatus.FAILED and "expired" in job.message

    async def test_bad_key_is_auth_without_the_key(self, app, make, monkeypatch):
        monkeypatch.setenv("DASHSCOPE_API_KEY", "sk-wrong-key")
        err = await provider_error(make().submit(self.req()))
        assert err.kind == "auth" and "sk-wrong-key" not in str(err)

    async def test_same_wire_format_as_the_dashscope_sdk(self, app, make):
        dashscope = pytest.importorskip("dashscope")
        from dashscope import VideoSynthesis

        dashscope.base_http_api_url = f"{app.base_url}/api/v1"
        try:
            resp = await asyncio.to_thread(VideoSynthesis.async_call, model="wan2.6-t2v", prompt="a red kite",
                                           size="1280*720", duration=5, api_key=fake.API_KEY)
        finally:
            dashscope.base_http_api_url = "https://dashscope.aliyuncs.com/api/v1"
        assert resp.status_code == 200 and resp.output.task_id
        sdk = app.requests[-1]
        await make().submit(self.req(prompt="a red kite", seconds=5))
        ours = app.requests[-1]
        assert ours.path == sdk.path
        assert ours.headers["x-dashscope-async"] == sdk.headers["x-dashscope-async"] == "enable"
        assert ours.headers["authorization"] == sdk.headers["authorization"]
        s, o = sdk.json(), ours.json()
        assert o["model"] == s["model"] and o["input"]["prompt"] == s["input"]["prompt"]
        assert o["parameters"]["size"] == s["parameters"]["size"] and o["parameters"]["duration"] == s["parameters"]["duration"]
