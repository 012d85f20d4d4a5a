"""Stock query writing, ranking, the response cache and the token bucket."""

from __future__ import annotations

import pytest

from reelforge.tools.clips.base import ProviderError
from reelforge.tools.stock.cache import ResponseCache
from reelforge.tools.stock.query import query_variants, shot_query
from reelforge.tools.stock.rank import Candidate, Want, fits, orientation_of, rank, relevance
from reelforge.tools.stock.ratelimit import TokenBucket


def cand(id: str, w: int, h: int, *, title: str = "lighthouse at dusk", dur: float = 10.0,
         kind: str = "video") -> Candidate:
    return Candidate(provider="pexels", id=id, kind=kind, url=f"u{id}", page_url=f"p{id}", width=w, height=h,
                     duration_s=dur, title=title)


def test_stock_query_drops_camera_and_style_words():
    assert shot_query("Cinematic slow dolly shot of a lighthouse at dusk, 35mm, moody; palette: teal") == \
        "lighthouse dusk"
    assert shot_query("AERIAL drone footage over a coastline") == "aerial drone coastline"
    with pytest.raises(ValueError, match="no content words"):
        shot_query("cinematic 4k shot")


def test_stock_query_variants_go_from_specific_to_broad_with_trait_hint():
    v = query_variants("busy city street at night with neon signs", ["real_place"], query="tokyo street")
    assert v[0] == "tokyo street" and v[1] == "busy city street night neon"
    assert "city street" in v and v.index("busy city street") < v.index("city street")
    assert len(v) == len(set(v)) and all(len(q) <= 100 for q in v)


def test_stock_rank_prefers_matching_orientation_size_and_duration():
    want = Want("lighthouse dusk", 1080, 1920, 6.0)
    ranked = rank([cand("land", 1920, 1080), cand("port", 1080, 1920), cand("small", 270, 480),
                   cand("short", 1080, 1920, dur=2.0)], want)
    assert [c.id for c in ranked][:2] == ["port", "short"]
    assert orientation_of(1000, 1050) == "square"
    assert not fits(next(c for c in ranked if c.id == "small"), want)  # too small for a 1080-wide frame


def test_stock_relevance_counts_title_and_tag_matches():
    assert relevance("lighthouses dusk", "A lighthouse", ["dusk", "sea"]) == 1.0
    assert relevance("lighthouse dusk", "office", ["laptop"]) == 0.0
    off = rank([cand("off", 1920, 1080, title="office workers")], Want("lighthouse", 1920, 1080, 4))[0]
    assert not fits(off, Want("lighthouse", 1920, 1080, 4))


def test_stock_cache_expires_and_ignores_credentials(tmp_path):
    now = [0.0]
    c = ResponseCache(tmp_path, ttl_s=10, clock=lambda: now[0])
    c.put("pixabay", "/api/", {"q": "x", "key": "SECRET"}, {"hits": [1]})
    assert c.get("pixabay", "/api/", {"q": "x", "key": "OTHER"}) == {"hits": [1]}
    assert "SECRET" not in next(tmp_path.rglob("*.json")).read_text()
    now[0] = 11
    assert c.get("pixabay", "/api/", {"q": "x"}) is None and c.purge() == 1


async def test_stock_token_bucket_waits_and_refuses_long_waits():
    now = [0.0]
    b = TokenBucket("pexels", 2, 2.0, max_wait_s=5, clock=lambda: now[0])
    assert b.try_take() == 0 and b.try_take() == 0
    assert b.try_take() == pytest.approx(1.0)  # one token per second
    now[0] = 1.0
    await b.acquire()
    b.observe("0", "100")  # server says: empty for 100 s
    with pytest.raises(ProviderError) as err:
        await b.acquire()
    assert err.value.kind == "rate_limit"
