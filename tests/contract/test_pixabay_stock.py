"""Pixabay adapter against a loopback fake: key parameter, ranking, credits, 24 h cache.

Keys and 429s are tested for every keyed library in test_stock_keys.py.
"""

from __future__ import annotations

from fakes.contract_fixtures import stock_fixtures
from fakes.pixabay import make_app

from reelforge.tools.clips.base import ClipRequest
from reelforge.tools.clips.pixabay import PixabayProvider
from reelforge.tools.media import probe
from reelforge.tools.stock.cache import ResponseCache
from reelforge.tools.stock.ratelimit import TokenBucket

KEY = "pixabay-test-key"


server, fake, pixabay = stock_fixtures(lambda: make_app(KEY), PixabayProvider, {"PIXABAY_API_KEY": KEY})


def req(prompt: str, *, w: int = 320, h: int = 180, seconds: float = 1.5, **kw) -> ClipRequest:
    return ClipRequest(shot_id="s1", prompt=prompt, seconds=seconds, width=w, height=h, fps=15, **kw)


async def test_pixabay_video_pick_records_where_it_came_from(pixabay, fake, tmp_path):
    job = await pixabay.submit(req("a lighthouse on the sea at dusk", w=640, h=360))
    sent = fake.requests[0]
    assert sent.path == "/api/videos/" and sent.query["key"] == KEY and sent.query["video_type"] == "film"
    c = job.data["candidate"]
    assert c["id"] == "101" and c["tags"] == ["lighthouse", "sea", "dusk"]
    assert c["url"].endswith("-small.mp4")  # smallest rendition that still covers 640x360
    prov = job.data["provenance"]
    assert prov["licence"].startswith("Pixabay Content License") and prov["author"] == "AdaLovelace"
    assert prov["attribution"] == ("Video by AdaLovelace on Pixabay "
                                   "(https://pixabay.com/videos/aerial-view-of-a-lighthouse-at-dusk-101/)")
    info = probe(await pixabay.download(job, tmp_path / "shot.mp4"))
    assert (info.width, info.height) == (640, 360) and abs(info.duration_s - 1.5) < 0.2


async def test_pixabay_short_clip_loses_to_a_long_enough_one(pixabay):
    # 103 "office workers typing" is 2 s long; a 6-s shot still takes it (only candidate) but scores lower
    short = (await pixabay.submit(req("office workers", seconds=1.5))).data["candidate"]["score"]
    long_ = (await pixabay.submit(req("office workers", seconds=6))).data["candidate"]["score"]
    assert short > long_


async def test_pixabay_photo_route_sends_orientation_and_min_width(pixabay, fake):
    job = await pixabay.submit(req("red apple", w=180, h=320, gateway_model="photos"))
    q = fake.requests[0].query
    assert fake.requests[0].path == "/api/" and q["orientation"] == "vertical" and q["image_type"] == "photo"
    assert job.data["candidate"]["id"] == "202" and job.data["provenance"]["attribution"].startswith("Photo by")


async def test_pixabay_cache_is_honoured_for_24_hours(fake, monkeypatch, isolated_home):
    monkeypatch.setenv("PIXABAY_API_KEY", KEY)
    fake.requests.clear()
    now = [1_000_000.0]
    cache = ResponseCache(isolated_home / "c", clock=lambda: now[0])
    p = PixabayProvider(base_url=fake.base_url, cache=cache, bucket=TokenBucket("pixabay", 100, 1.0))
    await p.submit(req("lighthouse"))
    now[0] += 23 * 3600
    await p.submit(req("lighthouse"))
    assert len(fake.requests) == 1  # served from the cache within 24 h
    now[0] += 2 * 3600
    await p.submit(req("lighthouse"))
    assert len(fake.requests) == 2  # refreshed after 24 h
    assert all(KEY not in f.read_text() and KEY not in f.name for f in (isolated_home / "c").rglob("*.json"))
