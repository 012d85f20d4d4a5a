"""A presenter shot on an avatar service lip-syncs the production's narration (HeyGen / D-ID loopback fakes).

The runner asks ``narration_audio(shot)`` for the narration under the shot, uploads it to the avatar
service (never the visual prompt as a script), sends a consented user photo as the presenter, and skips
the avatar with the reason when consent is missing; the studio wires its narration into the runner.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from fakes.contract_fixtures import fake_vendor_fixtures
from fakes.did import make_app as make_did
from fakes.heygen import make_app as make_heygen
from fakes.server import serve
from PIL import Image

from reelforge.tools.clips.did import DIDProvider
from reelforge.tools.clips.heygen import HeyGenProvider
from reelforge.tools.clips.registry import Registry
from reelforge.tools.clips.runner import generate_shot, presenter_windows, shot_narration
from reelforge.tools.media import probe, run_ffmpeg
from reelforge.tools.production import (
    Asset,
    Brief,
    Consent,
    Narration,
    Provenance,
    RouteChoice,
    Scene,
    Shot,
    Storyboard,
    WordTiming,
)
from reelforge.tools.settings import get_settings
from reelforge.tools.store import AssetStore

HEYGEN_KEY, DID_KEY = "heygen-test-key", "did-test-key"
USER_MODELS = """
[models.heygen-avatar-iv.gateways.direct.params]
avatar_id = "look_anna"
"""


heygen_fake, heygen_app = fake_vendor_fixtures(
    lambda: make_heygen(HEYGEN_KEY), {"HEYGEN_API_KEY": HEYGEN_KEY}, clear=(),
    state={"rate_limit": 0, "fail_next": None, "odd_status": False}, base_url_env="REELFORGE_HEYGEN_BASE_URL",
    server_name="heygen_fake")


@pytest.fixture(scope="module")
def media(tmp_path_factory):
    d = tmp_path_factory.mktemp("narr")
    run_ffmpeg(["-f", "lavfi", "-i", "sine=f=220:d=3", "-ar", "24000", str(d / "scene1.wav")], what="audio")
    run_ffmpeg(["-f", "lavfi", "-i", "sine=f=330:d=4", "-ar", "24000", str(d / "scene2.wav")], what="audio")
    Image.new("RGB", (256, 256), (90, 140, 200)).save(d / "me.png")
    (d / "notes.txt").write_text("not a picture")
    return d


def narration(path, text: str, seconds: float) -> Narration:
    words = text.split()
    step = seconds / len(words)
    timings = [WordTiming(word=w, start=round(i * step + 0.05, 3), end=round((i + 1) * step - 0.05, 3))
               for i, w in enumerate(words)]
    asset = Asset(key=hashlib.sha1(str(path).encode()).hexdigest(), kind="narration", path=str(path), duration_s=seconds,
                  provenance=Provenance(source="test", model="sine"))
    return Narration(text=text, asset=asset, words=timings, duration_s=seconds)


def route(model: str = "heygen-avatar-iv") -> RouteChoice:
    return RouteChoice(model_id=model, provider="avatar", gateway="direct", clip_seconds=3, fallbacks=["motion"])


@pytest.fixture
def board(media):
    s1 = Shot(id="s1.1", kind="presenter", narration="Hello and welcome to the show.", seconds=3,
              visual_prompt="a friendly host talks to camera in a bright studio", route=route())
    s2a = Shot(id="s2.1", kind="generated", narration="Bees fly far.", seconds=2, visual_prompt="bees over a meadow")
    s2b = Shot(id="s2.2", kind="presenter", narration="And they always come home.", seconds=2,
               visual_prompt="the host smiles and points", route=route())
    sb = Storyboard(scenes=[Scene(index=1, narration=s1.narration, shots=[s1]),
                            Scene(index=2, narration="Bees fly far. And they always come home.", shots=[s2a, s2b])])
    narrs = [narration(media / "scene1.wav", s1.narration, 3.0),
             narration(media / "scene2.wav", "Bees fly far. And they always come home.", 4.0)]
    return sb, narrs


@pytest.fixture
def heygen_env(heygen_app, monkeypatch):
    """The HeyGen fake reset for this test, with the registry pointed at it and polling fast."""
    monkeypatch.setattr(HeyGenProvider, "poll_interval_s", 0.01)
    return heygen_app


def registry(home) -> Registry:
    home.mkdir(parents=True, exist_ok=True)
    (home / "models.toml").write_text(USER_MODELS)
    return Registry.load(get_settings())


def test_shot_narration_is_the_whole_scene_or_the_shots_words(board, tmp_path):
    sb, narrs = board
    store = AssetStore(tmp_path / "store")
    assert str(shot_narration(sb, narrs, "s1.1", store)) == narrs[0].asset.path
    part = shot_narration(sb, narrs, "s2.2", store)
    words = narrs[1].words  # "And" is word 3 of 8: the slice starts between "far." and "And"
    expect = narrs[1].duration_s - (words[2].end + words[3].start) / 2
    assert part is not None and probe(part).duration_s == pytest.approx(expect, abs=0.06)
    assert shot_narration(sb, [], "s2.2", store) is None and shot_narration(sb, narrs, "nope", store) is None


async def test_presenter_shot_lipsyncs_the_scene_narration_on_heygen(board, heygen_env, isolated_home, tmp_path):
    sb, narrs = board
    reg, store = registry(isolated_home), AssetStore(tmp_path / "store")
    asked = []

    async def audio_for(shot):
        asked.append(shot.id)
        return shot_narration(sb, narrs, shot.id, store)

    asset = await generate_shot(sb.shots[0], Brief(goal="bees", aspects=["9:16"]), reg, store, get_settings(),
                                narration_audio=audio_for)
    assert asked == ["s1.1"] and not asset.provenance.fell_back and asset.provenance.model == "heygen-avatar-iv"
    upload = next(r for r in heygen_env.requests if r.path == "/v3/assets")
    assert Path(narrs[0].asset.path).read_bytes() in upload.body
    create = next(r for r in heygen_env.requests if r.path == "/v3/videos").json()
    assert create["type"] == "avatar" and create["avatar_id"] == "look_anna"
    assert create["audio_asset_id"].startswith("asset_") and "script" not in create
    assert asset.provenance.cost_usd == pytest.approx(2.0 * 0.0667, abs=1e-3)  # the seconds HeyGen reported
    # the second scene's presenter gets only its own words' slice of the narration
    heygen_env.requests.clear()
    await generate_shot(sb.shots[2], Brief(goal="bees", aspects=["9:16"]), reg, store, get_settings(),
                        narration_audio=audio_for)
    upload = next(r for r in heygen_env.requests if r.path == "/v3/assets")
    assert Path(shot_narration(sb, narrs, "s2.2", store)).read_bytes() in upload.body


async def test_without_audio_the_avatar_speaks_the_shots_words_never_the_prompt(board, heygen_env, isolated_home,
                                                                                tmp_path):
    sb, _ = board
    reg, store = registry(isolated_home), AssetStore(tmp_path / "store")
    await generate_shot(sb.shots[0], Brief(goal="bees", aspects=["9:16"]), reg, store, get_settings())
    create = next(r for r in heygen_env.requests if r.path == "/v3/videos").json()
    assert create["script"] == "Hello and welcome to the show."
    silent = sb.shots[0].model_copy(update={"narration": "", "id": "s9"})
    heygen_env.requests.clear()
    asset = await generate_shot(silent, Brief(goal="bees", aspects=["9:16"]), reg, store, get_settings())
    assert asset.provenance.fell_back and "no narration to speak" in asset.provenance.fallback_reason
    assert not [r for r in heygen_env.requests if r.path == "/v3/videos"]


async def test_user_photo_needs_consent_then_becomes_the_presenter(board, heygen_env, isolated_home, media, tmp_path):
    sb, narrs = board
    store = AssetStore(tmp_path / "store")
    isolated_home.mkdir(parents=True, exist_ok=True)
    reg = Registry.load(get_settings())  # no stock avatar configured: only the user's photo may speak
    brief = Brief(goal="bees", aspects=["9:16"], presenter_path=str(media / "me.png"))
    asset = await generate_shot(sb.shots[0], brief, reg, store, get_settings(),
                                narration_audio=lambda s: shot_narration(sb, narrs, s.id, store))
    assert asset.provenance.fell_back and "consent is required" in asset.provenance.fallback_reason
    assert not heygen_env.requests  # nothing of the user's likeness left the machine
    consent = Consent(text="I am the person in this photo and agree to its use", affirmed_by="me")
    asset = await generate_shot(sb.shots[0], brief.model_copy(update={"presenter_consent": consent}), reg, store,
                                get_settings(), narration_audio=lambda s: shot_narration(sb, narrs, s.id, store))
    assert not asset.provenance.fell_back and asset.provenance.consent == consent  # recorded with the clip
    assert "likeness" in asset.provenance.licence
    create = next(r for r in heygen_env.requests if r.path == "/v3/videos").json()
    assert create["type"] == "image" and create["audio_asset_id"].startswith("asset_")
    bad = brief.model_copy(update={"presenter_path": str(media / "notes.txt"), "presenter_consent": consent})
    heygen_env.requests.clear()
    asset = await generate_shot(sb.shots[0].model_copy(update={"id": "s8", "visual_prompt": "the host waves"}), bad, reg, store, get_settings())
    assert asset.provenance.fell_back and "not an image or a video" in asset.provenance.fallback_reason


async def test_did_talk_gets_the_narration_audio(board, media, monkeypatch, tmp_path):
    sb, narrs = board
    monkeypatch.setenv("DID_API_KEY", DID_KEY)
    monkeypatch.setattr(DIDProvider, "poll_interval_s", 0.01)
    consent = Consent(text="my own photo", affirmed_by="me")
    brief = Brief(goal="bees", aspects=["9:16"], presenter_path=str(media / "me.png"), presenter_consent=consent)
    shot = sb.shots[0].model_copy(update={"route": route("did-talks")})
    with serve(make_did(DID_KEY)) as fake:
        monkeypatch.setenv("REELFORGE_DID_BASE_URL", fake.base_url)
        store = AssetStore(tmp_path / "store")
        asset = await generate_shot(shot, brief, Registry.load(get_settings()), store, get_settings(),
                                    narration_audio=lambda s: shot_narration(sb, narrs, s.id, store))
        assert not asset.provenance.fell_back and asset.provenance.model == "did-talks"
        audio = next(r for r in fake.requests if r.path == "/audios")
        assert Path(narrs[0].asset.path).read_bytes() in audio.body
        talk = next(r for r in fake.requests if r.path == "/talks" and r.method == "POST").json()
        assert talk["script"]["type"] == "audio"


async def test_studio_produce_hands_its_narration_to_the_avatar(board, heygen_env, isolated_home):
    from reelforge.tools.approval import approve
    from reelforge.tools.studio import Studio

    sb, _ = board
    registry(isolated_home)
    one = Storyboard(scenes=[sb.scenes[0]])
    studio = Studio(get_settings())
    approved = Brief(goal="bees", aspects=["9:16"], music_mood="none")
    assets = await studio.produce(approved, one, approval=approve(approved, one, "test"))
    clip = assets.clips["s1.1"]
    assert clip.provenance.model == "heygen-avatar-iv" and not clip.provenance.fell_back
    upload = next(r for r in heygen_env.requests if r.path == "/v3/assets")
    brief = Brief(goal="bees", aspects=["9:16"], music_mood="none")
    window = presenter_windows(one, assets.narrations, brief, fps=get_settings().fps, target_s=brief.duration_s)
    lead, t0, t1 = window["s1.1"]
    assert lead > 0 and t0 == 0  # the voice starts after the scene's first frame: the avatar waits as long
    sent = shot_narration(one, assets.narrations, "s1.1", studio.store, window=window["s1.1"])
    assert sent.read_bytes() in upload.body
    assert probe(sent).duration_s == pytest.approx(lead + t1 - t0, abs=0.06)


def test_presenter_windows_match_where_assembly_puts_the_voice(board):
    from reelforge.tools.assembly import build_timeline

    sb, narrs = board
    brief = Brief(goal="bees", aspects=["9:16"])
    for target in (None, 20.0):
        win = presenter_windows(sb, narrs, brief, fps=30, target_s=target)
        assert set(win) == {"s1.1", "s2.2"}
        clips = {s.id: Asset(key=s.id, kind="clip", path=f"{s.id}.mp4", provenance=Provenance(source="t", model="t"))
                 for s in sb.shots}
        tl = build_timeline(sb, clips, narrs, None, brief, fps=30, target_s=target)
        clip = {c.shot_id: c for c in tl.clips}
        for sid, placed in (("s1.1", tl.narration[0]), ("s2.2", tl.narration[1])):
            lead, t0, t1 = win[sid]
            # the clip's first spoken sample is the narration at t0, heard at clip start + lead
            assert clip[sid].start + lead == pytest.approx(placed.start + t0, abs=1e-3)
            assert t1 == pytest.approx(min(placed.duration, clip[sid].start + clip[sid].duration - placed.start),
                                       abs=1e-3)
        assert win["s2.2"][0] == 0 and win["s2.2"][1] > 0  # the second shot joins mid-scene: no silence, a cut
