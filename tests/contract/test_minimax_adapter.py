"""MiniMaxProvider against the loopback Hailuo fake (base_resp codes, five statuses, files/retrieve)."""

from __future__ import annotations

import base64

from fakes import minimax as fake
from fakes.contract_fixtures import fake_vendor_fixtures, provider_fixture
from fakes.vendor_cases import VendorCases
from fakes.video_vendors import inject, provider_error, run_job

from reelforge.tools.clips.base import JobStatus
from reelforge.tools.clips.minimax import MiniMaxProvider

server, app = fake_vendor_fixtures(fake.make_app, {"MINIMAX_API_KEY": fake.API_KEY})
make = provider_fixture(MiniMaxProvider)


class TestMiniMax(VendorCases):
    gateway_model = "MiniMax-Hailuo-2.3"
    rate_limit_response = (429, fake.base(1002, "rate limit exceeded"), {"Retry-After": "0"})
    server_error_response = (502, "<html>Bad Gateway</html>")

    async def test_wire_format_and_status_walk(self, app, make, png):
        p = make()
        job = await p.submit(self.req(seconds=8, resolution="768p", image_path=str(png)))
        body = app.requests[0].json()
        assert body["duration"] == 10 and body["resolution"] == "768P" and body["prompt_optimizer"] is True
        head, _, data = body["first_frame_image"].partition(",")
        assert head == "data:image/png;base64" and base64.b64decode(data) == png.read_bytes()
        seen = []
        while not job.status.done:
            job = await p.poll(job)
            seen.append(job.status)
        assert seen == [JobStatus.QUEUED, JobStatus.RUNNING, JobStatus.SUCCEEDED]
        assert app.requests[-1].path == "/v1/files/retrieve" and app.requests[-1].query["file_id"].startswith("9")

    async def test_refusal_text_is_minimax_own(self, app, make):
        err = await provider_error(make().submit(self.req(prompt="forbidden")))
        assert err.message == "input new_sensitive (code 1026)"
        job = await run_job(make(), self.req(prompt="risky"))
        assert job.message == "output new_sensitive"

    async def test_generation_failure_is_failed(self, app, make):
        job = await run_job(make(), self.req(prompt="broken clip"))
        assert job.status == JobStatus.FAILED

    async def test_auth_and_balance_codes(self, app, make, monkeypatch):
        inject(app, "create", (200, fake.base(1008, "insufficient balance")))
        err = await provider_error(make().submit(self.req()))
        assert err.kind == "quota"
        monkeypatch.setenv("MINIMAX_API_KEY", "wrong-key")
        err = await provider_error(make().submit(self.req()))
        assert err.kind == "auth" and "wrong-key" not in str(err)
