"""The look sheet's reference picture through the real runner and registry, to loopback vendor fakes: Veo and
Seedance take references (each in its own documented form), Hailuo 2.3 takes none; on fal, Veo 3.1 and Kling O3
take them at their reference-to-video endpoints."""

from __future__ import annotations

import base64
import contextlib
from pathlib import Path

import pytest
from fakes import fal, minimax, seedance, veo
from fakes.server import serve
from fakes.video_vendors import VIDEO
from PIL import Image

from reelforge.tools.clips.fal import FalProvider
from reelforge.tools.clips.minimax import MiniMaxProvider
from reelforge.tools.clips.registry import Registry
from reelforge.tools.clips.runner import generate_all
from reelforge.tools.clips.seedance import SeedanceProvider
from reelforge.tools.clips.veo import VeoProvider
from reelforge.tools.production import Brief, LookSheet, LookSubject, RouteChoice, Shot
from reelforge.tools.settings import get_settings
from reelforge.tools.store import AssetStore


@pytest.fixture
def fakes(monkeypatch):
    with contextlib.ExitStack() as stack:
        apps = {name: stack.enter_context(serve(mod.make_app())) for name, mod in
                (("veo", veo), ("seedance", seedance), ("minimax", minimax))}
        env = {"GEMINI_API_KEY": veo.API_KEY, "ARK_API_KEY": seedance.API_KEY, "MINIMAX_API_KEY": minimax.API_KEY,
               "REELFORGE_VEO_BASE_URL": f"{apps['veo'].base_url}/v1beta",
               "REELFORGE_SEEDANCE_BASE_URL": f"{apps['seedance'].base_url}/api/v3",
               "REELFORGE_MINIMAX_BASE_URL": apps["minimax"].base_url}
        for key, value in env.items():
            monkeypatch.setenv(key, value)
        for cls in (VeoProvider, SeedanceProvider, MiniMaxProvider):
            monkeypatch.setattr(cls, "poll_interval_s", 0.01)
        yield apps


def shot(shot_id: str, model_id: str, family: str, seconds: float, gateway: str = "direct") -> Shot:
    return Shot(id=shot_id, visual_prompt="Marie kneads dough in her bakery", seconds=seconds, route=RouteChoice(
        model_id=model_id, provider=family, gateway=gateway, clip_seconds=seconds, fallbacks=["motion"]))


@pytest.fixture
def picture(tmp_path) -> Path:
    path = tmp_path / "marie.png"
    Image.new("RGB", (320, 320), (200, 120, 60)).save(path)
    return path


@pytest.fixture
def look(picture) -> LookSheet:
    return LookSheet(style="warm tungsten light", subjects=[
        LookSubject(name="Marie", description="a baker in her sixties", reference=str(picture))])


def data_url_bytes(url: str) -> bytes:
    return base64.b64decode(url.partition(",")[2])


async def test_the_reference_reaches_the_models_that_take_it_and_no_other(fakes, tmp_path, picture, look):
    shots = [shot("s1", "veo-3-1", "veo", 8), shot("s2", "seedance-2-0", "seedance", 5),
             shot("s3", "hailuo-2-3", "minimax", 6)]
    settings = get_settings()
    assets = await generate_all(shots, Brief(goal="bakery", aspects=["16:9"]), Registry.load(settings),
                                AssetStore(tmp_path / "store"), settings, look=look)

    assert {sid: a.provenance.model for sid, a in assets.items()} == {
        "s1": "veo-3-1", "s2": "seedance-2-0", "s3": "hailuo-2-3"}  # nothing fell back
    assert all(Path(a.path).read_bytes() == VIDEO for a in assets.values())
    sent = {name: next(r.json() for r in app.requests if r.method == "POST") for name, app in fakes.items()}
    veo_refs = sent["veo"]["instances"][0]["referenceImages"]
    assert [base64.b64decode(r["image"]["bytesBase64Encoded"]) for r in veo_refs] == [picture.read_bytes()]
    seedance_refs = [c for c in sent["seedance"]["content"] if c.get("role") == "reference_image"]
    assert len(seedance_refs) == 1
    assert data_url_bytes(seedance_refs[0]["image_url"]["url"]) == picture.read_bytes()
    assert base64.b64encode(picture.read_bytes()).decode() not in str(sent["minimax"])  # Hailuo 2.3 takes none
    assert all("Marie: a baker in her sixties" in str(body) for body in sent.values())  # the words reach all three


async def test_fal_takes_it_at_the_reference_to_video_endpoints(monkeypatch, tmp_path, picture, look):
    with serve(fal.make_app()) as app:
        monkeypatch.setenv("FAL_KEY", fal.KEY)
        monkeypatch.setenv("REELFORGE_FAL_BASE_URL", app.base_url)
        monkeypatch.setattr(FalProvider, "poll_interval_s", 0.01)
        settings = get_settings()
        shots = [shot("s1", "veo-3-1", "veo", 8, "fal"), shot("s2", "kling-v3-omni", "kling", 5, "fal")]
        assets = await generate_all(shots, Brief(goal="bakery", aspects=["9:16"]), Registry.load(settings),
                                    AssetStore(tmp_path / "store"), settings, look=look)
    assert {a.provenance.model for a in assets.values()} == {"veo-3-1", "kling-v3-omni"}  # nothing fell back
    sent = {r.path: r.json() for r in app.requests if r.method == "POST"}
    assert set(sent) == {"/fal-ai/veo3.1/reference-to-video", "/fal-ai/kling-video/o3/pro/reference-to-video"}
    for body in sent.values():  # the fake holds each endpoint to its schema
        assert [data_url_bytes(u) for u in body["image_urls"]] == [picture.read_bytes()]
    assert "@Image1" in sent["/fal-ai/kling-video/o3/pro/reference-to-video"]["prompt"]
