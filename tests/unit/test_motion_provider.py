"""MotionProvider through the clip-provider protocol: submit → poll → download, errors typed."""

from __future__ import annotations

from pathlib import Path

import pytest

from reelforge.tools.clips.base import ClipProvider, ClipRequest, JobStatus, ProviderError
from reelforge.tools.clips.motion import MotionProvider
from reelforge.tools.media import probe
from reelforge.tools.settings import Settings


def request(**kw) -> ClipRequest:
    base = {"shot_id": "s1", "prompt": "playful kids", "seconds": 1.0, "width": 96, "height": 64, "fps": 12,
            "seed": 2, "params": {"on_screen_text": "Hello {there}"}}
    return ClipRequest(**(base | kw))


async def test_round_trip(tmp_path):
    provider = MotionProvider(Settings(home=tmp_path / "home"))
    assert isinstance(provider, ClipProvider) and provider.name == "motion"
    assert provider.available() and provider.estimate_cost(request()) == 0.0
    job = await provider.submit(request())
    assert job.status is JobStatus.SUCCEEDED and job.provider == "motion"
    scratch = Path(job.data["path"])
    assert scratch.is_file() and scratch.is_relative_to(tmp_path / "home")
    assert (await provider.poll(job)).status is JobStatus.SUCCEEDED
    dest = await provider.download(job, tmp_path / "out" / "clip.mp4")
    info = probe(dest)
    assert (info.width, info.height, round(info.fps)) == (96, 64, 12)
    assert info.duration_s == pytest.approx(1.0, abs=0.1)
    assert not scratch.exists()  # moved, not copied
    with pytest.raises(ProviderError) as err:
        await provider.download(job, tmp_path / "again.mp4")
    assert err.value.kind == "expired"
    assert (await provider.poll(job)).status is JobStatus.FAILED


async def test_bad_requests_are_invalid_before_rendering(tmp_path):
    provider = MotionProvider(scratch_dir=tmp_path)
    for bad in (request(seconds=0), request(width=95), request(image_path=str(tmp_path / "nope.png"))):
        with pytest.raises(ProviderError) as err:
            await provider.submit(bad)
        assert err.value.kind == "invalid" and not err.value.retryable
    assert list(tmp_path.iterdir()) == []  # nothing left behind
