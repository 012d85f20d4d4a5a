"""Pexels adapter against a loopback fake: search, rank, pick, licence, fit, errors, cache.

Keys and 429s are tested for every keyed library in test_stock_keys.py.
"""

from __future__ import annotations

import json

from fakes.contract_fixtures import stock_fixtures
from fakes.pexels import make_app
from fakes.video_vendors import provider_error

from reelforge.tools.clips.base import ClipRequest
from reelforge.tools.clips.pexels import PexelsProvider
from reelforge.tools.media import probe

KEY = "pexels-test-key"


server, fake, pexels = stock_fixtures(lambda: make_app(KEY), PexelsProvider, {"PEXELS_API_KEY": KEY})


def req(prompt: str, *, w: int = 320, h: int = 180, seconds: float = 2.0, **kw) -> ClipRequest:
    return ClipRequest(shot_id="s1", prompt=prompt, seconds=seconds, width=w, height=h, fps=15,
                       aspect="16:9" if w > h else "9:16", **kw)


async def test_pexels_video_is_searched_picked_fitted_and_credited(pexels, fake, tmp_path):
    job = await pexels.submit(req("Cinematic aerial shot of a lighthouse at dusk, 35mm; palette: teal"))
    assert job.status.done and job.data["candidate"]["id"] == "101"
    sent = fake.requests[0]
    assert sent.path == "/videos/search" and sent.headers["authorization"] == KEY
    assert sent.query["orientation"] == "landscape" and sent.query["query"] == "aerial lighthouse dusk"
    assert job.result_url.endswith("101-sd.mp4") or job.result_url.endswith("101-hd.mp4")
    prov = job.data["provenance"]
    assert prov["source"] == "pexels" and prov["licence"].startswith("Pexels License")
    assert prov["attribution"] == "Video by Ada Lovelace on Pexels (https://www.pexels.com/video/aerial-view-of-a-lighthouse-at-dusk-101/)"
    assert prov["author"] == "Ada Lovelace" and prov["source_url"].startswith("https://www.pexels.com/video/")
    out = await pexels.download(job, tmp_path / "shot.mp4")
    info = probe(out)
    assert (info.width, info.height) == (320, 180) and abs(info.duration_s - 2.0) < 0.2 and not info.has_audio
    assert not list(tmp_path.glob("*.source.*"))


async def test_pexels_portrait_shot_gets_the_vertical_clip(pexels, fake):
    job = await pexels.submit(req("lighthouse", w=180, h=320))
    assert job.data["candidate"]["id"] == "102"
    assert fake.requests[0].query["orientation"] == "portrait"


async def test_pexels_reformulates_when_nothing_fits(pexels):
    job = await pexels.submit(req("lighthouse photographed through a kaleidoscope prism"))
    assert job.data["query"] == "lighthouse"
    assert len(job.data["queries_tried"]) > 2 and job.data["queries_tried"][0].startswith("videos:lighthouse photo")


async def test_pexels_refuses_with_the_queries_it_tried(pexels):
    err = await provider_error(pexels.submit(req("quantum zebra hologram")))
    assert err.kind == "refused" and "quantum zebra hologram" in err.message


async def test_pexels_photo_route_becomes_a_ken_burns_shot(pexels, fake, tmp_path):
    job = await pexels.submit(req("mountain lake at sunrise", gateway_model="photos"))
    assert job.data["candidate"]["kind"] == "image" and fake.requests[-1].path == "/v1/search"
    assert job.data["provenance"]["attribution"].startswith("Photo by Ada Lovelace on Pexels")
    info = probe(await pexels.download(job, tmp_path / "still.mp4"))
    assert (info.width, info.height) == (320, 180) and abs(info.duration_s - 2.0) < 0.2


async def test_pexels_responses_are_cached_without_the_key(pexels, fake, isolated_home):
    await pexels.submit(req("lighthouse"))
    await pexels.submit(req("lighthouse"))
    assert len(fake.requests) == 1
    files = list((isolated_home / "cache" / "stock" / "pexels").glob("*.json"))
    assert files and all(KEY not in f.read_text() for f in files)
    assert json.loads(files[0].read_text())["body"]["videos"][0]["id"] == 101


async def test_pexels_expired_file_url_is_reported(pexels, tmp_path):
    job = await pexels.submit(req("lighthouse"))
    job.data["candidate"]["url"] = job.data["candidate"]["url"].rsplit("/", 1)[0] + "/gone.mp4"
    err = await provider_error(pexels.download(job, tmp_path / "x.mp4"))
    assert err.kind == "expired"
