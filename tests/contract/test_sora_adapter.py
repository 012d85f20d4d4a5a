"""SoraProvider against the loopback OpenAI videos fake, with the ``openai`` SDK as the wire oracle."""

from __future__ import annotations

from fakes import sora as fake
from fakes.contract_fixtures import fake_vendor_fixtures, provider_fixture
from fakes.vendor_cases import VendorCases
from openai import AsyncOpenAI

from reelforge.tools.clips.sora import SoraProvider
from reelforge.tools.settings import Settings

server, app = fake_vendor_fixtures(fake.make_app, {"OPENAI_API_KEY": fake.API_KEY})
make = provider_fixture(SoraProvider, "/v1")


class TestSora(VendorCases):
    gateway_model = "sora-2"
    rate_limit_response = (*fake.error(429, "Rate limit reached", "rate_limit_exceeded", type_="requests"),
                           {"Retry-After": "0"})

    async def test_moderation_codes_and_poll_hint(self, app, make):
        p = make()
        job = await p.submit(self.req(prompt="a risky scene"))
        job = await p.poll(job)
        assert job.data["poll_after_s"] == 1.5 and job.progress == 0.5
        job = await p.poll(job)
        assert job.status == "refused"
        assert job.message == "The generated video was blocked by our moderation system. [moderation_blocked]"

    def test_openai_base_url_does_not_hijack_video_calls(self, monkeypatch):
        monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:11434/v1")
        assert SoraProvider(settings=Settings()).base_url == "https://api.openai.com/v1"
        monkeypatch.setenv("REELFORGE_SORA_BASE_URL", "https://my.openai.azure.com/openai/v1")
        monkeypatch.setenv("AZURE_OPENAI_API_KEY", "azure-key")
        p = SoraProvider(settings=Settings())
        assert p.base_url == "https://my.openai.azure.com/openai/v1" and p.headers() == {"api-key": "azure-key"}

    async def test_sdk_oracle_same_wire_format(self, app, make, png):
        await make().submit(self.req(prompt="a paper boat", seconds=7, aspect="9:16", image_path=str(png),
                                     idempotency_key=""))
        ours = app.requests[-1]
        sdk = AsyncOpenAI(api_key=fake.API_KEY, base_url=app.base_url + "/v1", max_retries=0)
        await sdk.videos.create(prompt="a paper boat", model="sora-2", seconds="8", size="720x1280",
                                input_reference=(png.name, png.read_bytes(), "image/png"))
        theirs = app.requests[-1]
        assert (ours.method, ours.path) == (theirs.method, theirs.path) == ("POST", "/v1/videos")
        assert ours.headers["authorization"] == theirs.headers["authorization"]
        assert ours.headers["content-type"].startswith("multipart/form-data")
        assert theirs.headers["content-type"].startswith("multipart/form-data")
        assert fake.parse_form(ours) == fake.parse_form(theirs)
        await sdk.close()
