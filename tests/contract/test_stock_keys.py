"""Every keyed stock library (Pexels, Pixabay) against its loopback fake: a missing or wrong key is an auth
error that never shows the key, and a 429 is retried, then reported as a rate limit once it lasts."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fakes import pexels, pixabay
from fakes.contract_fixtures import stock_provider
from fakes.server import FakeApp, serve
from fakes.video_vendors import provider_error

from reelforge.tools.clips.base import ClipRequest, ProviderError, RetryPolicy
from reelforge.tools.clips.pexels import PexelsProvider
from reelforge.tools.clips.pixabay import PixabayProvider
from reelforge.tools.stock.provider import StockProvider

KEY = "stock-test-key"
LIBRARIES = {"PEXELS_API_KEY": (pexels.make_app, PexelsProvider),
             "PIXABAY_API_KEY": (pixabay.make_app, PixabayProvider)}


@pytest.fixture(params=sorted(LIBRARIES))
def library(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
            ) -> Iterator[tuple[str, FakeApp, StockProvider]]:
    """(the key's variable, the library's running fake, the adapter aimed at it), the key set."""
    key_env = request.param
    make_app, provider_cls = LIBRARIES[key_env]
    monkeypatch.setenv(key_env, KEY)
    with serve(make_app(KEY)) as fake:
        yield key_env, fake, stock_provider(provider_cls, fake)


def shot(prompt: str) -> ClipRequest:
    return ClipRequest(shot_id="s1", prompt=prompt, seconds=1.5, width=320, height=180, fps=15)


async def test_a_missing_key_is_an_auth_error_and_nothing_is_sent(library, monkeypatch):
    key_env, fake, stock = library
    monkeypatch.delenv(key_env)
    with pytest.raises(ProviderError, match=f"{key_env} is not set") as err:
        await stock.submit(shot("lighthouse"))
    assert err.value.kind == "auth" and not fake.requests


async def test_a_wrong_key_is_an_auth_error_that_never_shows_the_key(library, monkeypatch):
    key_env, _, stock = library
    monkeypatch.setenv(key_env, "wrong-secret-value")
    err = await provider_error(stock.submit(shot("lighthouse")))
    assert err.kind == "auth" and "wrong-secret-value" not in str(err)


async def test_a_429_is_retried_until_the_library_answers(library):
    _, fake, stock = library
    fake.state["rate_limit"] = 2
    job = await stock.submit(shot("lighthouse"))
    assert job.data["candidate"]["id"] == "101" and len(fake.requests) == 3


async def test_a_lasting_429_is_reported_as_a_rate_limit(library):
    _, fake, stock = library
    fake.state["rate_limit"] = 5
    stock.retry = RetryPolicy(attempts=2, base_s=0.01)
    err = await provider_error(stock.submit(shot("lighthouse")))
    assert err.kind == "rate_limit" and len(fake.requests) == 2
