"""Reconciling an interrupted submission: each adapter finds the job its lost ``submit`` created (fal and
Replicate by the exact input in their request lists, Kling by its external id, Luma by its generation list)
and answers None for a request it never received; an adapter without a lookup says it cannot tell."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from fakes import fal, kling, luma, replicate
from fakes.server import serve
from fakes.video_vendors import request

from reelforge.tools.clips.base import ClipProvider, LookupUnsupported, RetryPolicy
from reelforge.tools.clips.fal import FalProvider
from reelforge.tools.clips.kling import KlingProvider
from reelforge.tools.clips.luma import LumaProvider
from reelforge.tools.clips.minimax import MiniMaxProvider
from reelforge.tools.clips.replicate import ReplicateProvider

RETRY = RetryPolicy(attempts=2, base_s=0.01)


def _fal(app: Any, mp: pytest.MonkeyPatch) -> ClipProvider:
    mp.setenv("REELFORGE_FAL_API_URL", app.base_url + "/v1")
    return FalProvider(base_url=app.base_url, api_key=fal.KEY, retry=RETRY)


def _replicate(app: Any, mp: pytest.MonkeyPatch) -> ClipProvider:
    return ReplicateProvider(base_url=app.base_url + "/v1", api_key=replicate.TOKEN, retry=RETRY, wait_s=1)


def _kling(app: Any, mp: pytest.MonkeyPatch) -> ClipProvider:
    mp.setenv("KLING_ACCESS_KEY", kling.ACCESS_KEY)
    mp.setenv("KLING_SECRET_KEY", kling.SECRET_KEY)
    return KlingProvider(base_url=app.base_url, client=httpx.AsyncClient(timeout=5), retry=RETRY)


def _luma(app: Any, mp: pytest.MonkeyPatch) -> ClipProvider:
    mp.setenv("LUMAAI_API_KEY", luma.API_KEY)
    return LumaProvider(base_url=app.base_url + "/dream-machine/v1", client=httpx.AsyncClient(timeout=5), retry=RETRY)


CASES: dict[str, tuple[Any, Callable[..., ClipProvider], dict[str, Any]]] = {
    "fal": (fal, _fal, {"gateway_model": "fal-ai/kling-video/v2.5-turbo/pro/text-to-video"}),
    "replicate": (replicate, _replicate, {"gateway_model": "kwaivgi/kling-v2.5-turbo-pro"}),
    "kling": (kling, _kling, {"gateway_model": "kling-v2-5-turbo", "params": {"mode": "pro", "durations": [5, 10]}}),
    "luma": (luma, _luma, {"gateway_model": "ray-2", "params": {"durations": [5, 9]}}),
}


@pytest.mark.parametrize("name", list(CASES))
async def test_the_lost_submission_is_found_and_an_unsent_one_is_not(name: str, monkeypatch) -> None:
    module, make, extra = CASES[name]
    with serve(module.make_app()) as app:
        provider = make(app, monkeypatch)
        since = time.time()
        sent = request(idempotency_key=f"rf-key-{name}", **extra)
        job = await provider.submit(sent)  # the answer that never reached the journal
        found = await provider.find_job(sent, since)
        assert found is not None and found.id == job.id
        await provider.poll(found)  # and it can be resumed
        never = request(idempotency_key=f"rf-other-{name}", prompt="a different shot entirely", **extra)
        assert await provider.find_job(never, since) is None
        await provider.aclose()


async def test_a_provider_without_a_lookup_cannot_tell() -> None:
    with pytest.raises(LookupUnsupported):
        await MiniMaxProvider(base_url="http://127.0.0.1:9").find_job(request(), time.time())
