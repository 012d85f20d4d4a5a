"""The contract cases every direct video-vendor adapter must pass, as a base class for its test module.

A vendor test module subclasses :class:`VendorCases` and provides the fixtures ``app`` (its running
fake, faults cleared, credentials set) and ``make`` (``make(timeout=, attempts=) -> provider``), and sets
``gateway_model`` (the vendor model id :meth:`VendorCases.req` asks for). Fakes follow one convention: fault keys ``create``/``poll``; the prompt word
``forbidden`` is refused at submission, ``risky`` is refused after it; result files live under /files/.
"""

from __future__ import annotations

import pytest
from PIL import Image

from fakes.video_vendors import MALFORMED, VIDEO, inject, request, run_job
from reelforge.tools.clips.base import ClipRequest, JobStatus, ProviderError


class VendorCases:
    rate_limit_response: tuple = (429, {"error": {"message": "rate limited"}}, {"Retry-After": "0"})
    server_error_response: tuple = (503, {"error": {"message": "temporarily unavailable"}})
    refusal_on_submit: bool = True  # False when the vendor only refuses after submission
    image_req: dict = {"mode": "image-to-video"}

    gateway_model: str  # the vendor's model id for text-to-video requests; set by each subclass

    def req(self, **kw) -> ClipRequest:
        """A small clip request for this vendor's ``gateway_model`` (``kw`` overrides any field)."""
        return request(**{"gateway_model": self.gateway_model, **kw})

    @pytest.fixture
    def png(self, tmp_path):
        path = tmp_path / "start.png"
        Image.new("RGB", (320, 320), (30, 90, 200)).save(path)
        return path

    async def test_text_to_video_happy_path(self, app, make, tmp_path):
        job = await run_job(make(), self.req(), tmp_path / "out.mp4")
        assert job.status == JobStatus.SUCCEEDED
        assert (tmp_path / "out.mp4").read_bytes() == VIDEO
        assert len(app.requests) >= 3  # create, at least two polls

    async def test_image_to_video_happy_path(self, app, make, tmp_path, png):
        job = await run_job(make(), self.req(image_path=str(png), **self.image_req), tmp_path / "i.mp4")
        assert job.status == JobStatus.SUCCEEDED
        assert (tmp_path / "i.mp4").read_bytes() == VIDEO

    async def test_refusal_on_submit(self, app, make):
        if not self.refusal_on_submit:
            pytest.skip("this vendor reports refusals on the task only")
        with pytest.raises(ProviderError) as err:
            await run_job(make(), self.req(prompt="something forbidden"))
        assert err.value.kind == "refused" and err.value.message
        assert len([r for r in app.requests if r.method == "POST"]) == 1  # a refusal is never retried

    async def test_refusal_after_submission(self, app, make):
        job = await run_job(make(), self.req(prompt="a risky scene"))
        assert job.status == JobStatus.REFUSED and job.message

    async def test_429_retry_after_then_success(self, app, make):
        inject(app, "create", self.rate_limit_response)
        job = await run_job(make(), self.req())
        assert job.status == JobStatus.SUCCEEDED

    async def test_429_exhausted_is_typed(self, app, make):
        inject(app, "create", self.rate_limit_response, self.rate_limit_response)
        with pytest.raises(ProviderError) as err:
            await make(attempts=2).submit(self.req())
        assert err.value.kind == "rate_limit" and err.value.retry_after == 0

    async def test_5xx_then_success(self, app, make):
        inject(app, "create", self.server_error_response)
        inject(app, "poll", self.server_error_response)
        job = await run_job(make(), self.req())
        assert job.status == JobStatus.SUCCEEDED

    async def test_timeout(self, app, make):
        inject(app, "create", 0.4, 0.4)
        with pytest.raises(ProviderError) as err:
            await make(timeout=0.1, attempts=2).submit(self.req())
        assert err.value.kind == "timeout"

    async def test_malformed_body(self, app, make):
        inject(app, "poll", MALFORMED)
        p = make()
        job = await p.submit(self.req())
        with pytest.raises(ProviderError) as err:
            await p.poll(job)
        assert err.value.kind == "provider" and "malformed" in err.value.message

    async def test_expired_url(self, app, make, tmp_path):
        p = make()
        job = await run_job(p, self.req())
        app.state["expired"].add(job.result_url.rsplit("/", 1)[1].split("?")[0])
        with pytest.raises(ProviderError) as err:
            await p.download(job, tmp_path / "late.mp4")
        assert err.value.kind == "expired"
        assert not (tmp_path / "late.mp4").exists()

    async def test_prompt_limit_checked_before_sending(self, app, make):
        p = make()
        with pytest.raises(ProviderError) as err:
            await p.submit(self.req(prompt="x" * (p.max_prompt_chars + 1)))
        assert err.value.kind == "invalid" and not app.requests
