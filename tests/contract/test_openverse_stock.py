"""Openverse adapter against a loopback fake: keyless search, licence filter, CC attribution, 429."""

from __future__ import annotations

from fakes.contract_fixtures import stock_fixtures
from fakes.openverse import make_app
from fakes.stock_media import CATALOGUE
from fakes.video_vendors import provider_error

from reelforge.tools.clips.base import ClipRequest, RetryPolicy
from reelforge.tools.clips.openverse import OpenverseProvider, licence_name
from reelforge.tools.media import probe
from reelforge.tools.production import Asset, Provenance
from reelforge.tools.stock.licence import credits_for
from reelforge.tools.stock.provider import fetch_stock
from reelforge.tools.store import AssetStore

server, fake, openverse = stock_fixtures(make_app, OpenverseProvider)


def req(prompt: str, *, w: int = 320, h: int = 180, **kw) -> ClipRequest:
    return ClipRequest(shot_id="s1", prompt=prompt, seconds=1.0, width=w, height=h, fps=15, **kw)


async def test_openverse_needs_no_key_and_filters_licences(openverse, fake):
    job = await openverse.submit(req("lighthouse at night under the stars"))
    q = fake.requests[0].query
    assert "authorization" not in fake.requests[0].headers and "key" not in q
    assert q["license_type"] == "commercial,modification" and int(q["page_size"]) <= 20 and q["aspect_ratio"] == "wide"
    assert job.data["candidate"]["id"] == "uuid-201"


async def test_openverse_cc_by_attribution_is_kept_verbatim(openverse, isolated_home):
    store = AssetStore(isolated_home / "store")
    asset = await fetch_stock(openverse, req("mountain lake"), store)
    p = asset.provenance
    assert p.source == "openverse" and p.licence.startswith("CC BY 4.0")
    assert p.attribution.startswith('"mountain lake" by Ada Lovelace is licensed under CC BY 4.0')
    assert p.source_url == "https://flickr.com/photos/ada/203" and p.author == "Ada Lovelace"
    info = probe(asset.path)
    assert info.has_video and abs(info.duration_s - 1.0) < 0.2
    assert await fetch_stock(openverse, req("mountain lake"), store) == asset  # the store answers twice
    assert credits_for([asset]) == [p.attribution]


async def test_openverse_non_commercial_items_are_never_picked(openverse, fake, monkeypatch):
    nc = next(i for i in CATALOGUE if i.id == 201)
    monkeypatch.setattr(nc, "licence", "by-nc")
    err = await provider_error(openverse.submit(req("stars")))
    assert err.kind == "refused"


async def test_openverse_throttle_429_is_rate_limit(openverse, fake):
    fake.state["rate_limit"] = 10
    openverse.retry = RetryPolicy(attempts=2, base_s=0.01)
    err = await provider_error(openverse.submit(req("mountain lake")))
    assert err.kind == "rate_limit" and "throttled" in err.message
    fake.state["rate_limit"] = 0


def test_openverse_licence_names_and_credits_for_mixed_assets():
    assert licence_name("by-sa", "4.0") == "CC BY-SA 4.0"
    assert licence_name("cc0", "1.0") == "CC0 1.0" and licence_name("pdm", None) == "Public Domain Mark 1.0"

    def asset(source: str, attribution: str | None) -> Asset:
        return Asset(key=source, kind="clip", path="/x", provenance=Provenance(source=source, attribution=attribution))

    lines = credits_for([asset("pexels", "Video by A on Pexels (u)"), asset("motion", None),
                         asset("openverse", "CC line"), asset("pexels", "Video by A on Pexels (u)")])
    assert lines == ["Video by A on Pexels (u)", "CC line", "Stock media from Pexels (https://www.pexels.com)"]
