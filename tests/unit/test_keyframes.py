"""Keyframe-first production with fake image and video providers: a keyframe per shot on the storyboard,
the approved keyframe as the first frame of image-to-video, the look sheet's references passed on, one
edited scene redrawing one keyframe, and the keyframes priced on the estimate."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from reelforge.tools.clips.base import ClipProvider, ClipRequest, Job, JobStatus
from reelforge.tools.clips.gateway_input import build_input
from reelforge.tools.clips.registry import Registry
from reelforge.tools.clips.runner import build_request
from reelforge.tools.images.keyframes import draw_keyframes, pick_image_model
from reelforge.tools.production import Brief, LookSheet, LookSubject, Scene, Shot, Storyboard
from reelforge.tools.settings import get_settings
from reelforge.tools.store import AssetStore


class FakeImages(ClipProvider):
    """An image model that answers at once with a small PNG and records every request."""

    name = "fake-images"
    poll_interval_s = 0.0
    calls: list[ClipRequest] = []

    async def submit(self, req: ClipRequest) -> Job:
        FakeImages.calls.append(req)
        return Job(id=f"img{len(FakeImages.calls)}", provider=self.name, status=JobStatus.SUCCEEDED)

    async def poll(self, job: Job) -> Job:
        return job

    async def download(self, job: Job, dest: Path) -> Path:
        Image.new("RGB", (64, 36), (30, 90, 160)).save(dest, "PNG")
        return dest


@pytest.fixture
def studio_parts(monkeypatch, tmp_path):
    monkeypatch.setenv("GEMINI_API_KEY", "test-key")  # makes the Gemini image (and Veo) rows usable
    FakeImages.calls = []
    settings = get_settings()
    registry = Registry.load(settings)
    for model in ("gemini-2-5-flash-image", "gemini-3-pro-image"):
        registry.use(model, "direct", FakeImages)
    return settings, registry, AssetStore(tmp_path / "store")


def board(look: LookSheet | None = None) -> Storyboard:
    scenes = [Scene(index=i, narration=f"scene {i}", shots=[
        Shot(id=f"s{i:02d}-1", visual_prompt=f"a baker kneading dough, take {i}", seconds=4, seed=i)])
        for i in (1, 2, 3)]
    return Storyboard(scenes=scenes, look=look)


async def test_the_storyboard_carries_one_keyframe_per_shot_priced_on_the_estimate(studio_parts):
    settings, registry, store = studio_parts
    brief = Brief(goal="bakery", aspects=["9:16"], budget_usd=5, keyframes="on")
    drawn = await draw_keyframes(board(), brief, registry, store, settings)
    assert all(s.keyframe and Path(s.keyframe).is_file() for s in drawn.shots)
    assert len(FakeImages.calls) == 3 and {c.aspect for c in FakeImages.calls} == {"9:16"}
    assert all(c.height > c.width for c in FakeImages.calls)  # drawn at the output's aspect
    line = next(x for x in drawn.paid_extras if x.item == "keyframes")
    assert line.kind == "image" and line.quantity == 3 and line.estimated_usd > 0
    assert drawn.estimated_cost_usd >= line.estimated_usd


async def test_editing_one_scene_redraws_one_keyframe(studio_parts):
    settings, registry, store = studio_parts
    brief = Brief(goal="bakery", budget_usd=5, keyframes="on")
    first = await draw_keyframes(board(), brief, registry, store, settings)
    edited = first.model_copy(deep=True)
    edited.scenes[1].shots[0].visual_prompt = "the baker, older, at dawn"
    again = await draw_keyframes(edited, brief, registry, store, settings)
    assert len(FakeImages.calls) == 4  # three, then only the edited one
    assert again.scenes[1].shots[0].keyframe != first.scenes[1].shots[0].keyframe
    assert again.scenes[0].shots[0].keyframe == first.scenes[0].shots[0].keyframe
    assert next(x for x in again.paid_extras if x.item == "keyframes").actual_usd > 0


async def test_no_keyframes_when_off_or_over_the_budget_share(studio_parts):
    settings, registry, store = studio_parts
    off = await draw_keyframes(board(), Brief(goal="b", keyframes="off"), registry, store, settings)
    poor = await draw_keyframes(board(), Brief(goal="b", budget_usd=0.05, keyframes="on"), registry, store, settings)
    assert not FakeImages.calls and not any(s.keyframe for s in off.shots + poor.shots)


def test_the_approved_keyframe_is_the_first_frame_of_image_to_video(studio_parts, tmp_path):
    settings, registry, _store = studio_parts
    frame = tmp_path / "kf.png"
    Image.new("RGB", (64, 36)).save(frame)
    shot = Shot(id="s1", visual_prompt="a baker", seconds=6, keyframe=str(frame))
    req = build_request(shot, Brief(goal="b"), registry, "veo-3-1", "direct", settings)
    assert req.mode == "image-to-video" and req.image_path == str(frame)
    plain = build_request(shot.model_copy(update={"keyframe": None}), Brief(goal="b"), registry, "veo-3-1",
                          "direct", settings)
    assert plain.mode == "text-to-video" and plain.image_path is None


async def test_the_look_sheet_reaches_the_models_that_take_references(studio_parts, tmp_path):
    settings, registry, store = studio_parts
    ref = tmp_path / "baker.png"
    Image.new("RGB", (32, 32), (200, 50, 50)).save(ref)
    look = LookSheet(style="warm tungsten light, 35mm, soft grade",
                     subjects=[LookSubject(name="Marie", description="a baker in her sixties", reference=str(ref))])
    assert pick_image_model(registry, settings, Brief(goal="b"), want_references=True).model.references
    await draw_keyframes(board(look), Brief(goal="b", budget_usd=5), registry, store, settings)
    assert all(c.references == [str(ref)] for c in FakeImages.calls)
    assert all("Marie: a baker in her sixties" in c.prompt for c in FakeImages.calls)
    # a hosted video model whose registry row names its reference field gets them as data URLs
    shot = Shot(id="s1", visual_prompt="a baker", seconds=8)
    req = build_request(shot, Brief(goal="b"), registry, "veo-3-1", "fal", settings, look=look)
    body = build_input(req, "fal")
    assert req.gateway_model == "fal-ai/veo3.1/reference-to-video"
    assert body["image_urls"][0].startswith("data:image/png;base64,") and "references" not in body
    assert "warm tungsten light" in req.prompt


def test_a_still_shot_is_drawn_by_the_free_renderer_over_its_keyframe(studio_parts, tmp_path):
    settings, registry, _store = studio_parts
    frame = tmp_path / "kf.png"
    Image.new("RGB", (64, 36)).save(frame)
    from reelforge.tools.production import Graphic
    from reelforge.tools.routing import route_storyboard

    shot = Shot(id="s1", visual_prompt="a baker", seconds=4, kind="still", keyframe=str(frame),
                graphic=Graphic(layout="title", title="Bakery"))
    routed = route_storyboard(Storyboard(scenes=[Scene(index=1, narration="x", shots=[shot])]),
                              Brief(goal="b", budget_usd=20), registry, settings)
    assert routed.shots[0].route.model_id == "motion"
    req = build_request(routed.shots[0], Brief(goal="b"), registry, "motion", "local", settings)
    assert req.image_path == str(frame) and "graphic" not in req.params  # the keyframe alone, moved by a camera


def test_changing_the_look_redraws_the_keyframes_and_shows_in_the_storyboard(studio_parts):
    from reelforge.agent.director_tools import DirectorContext, storyboard_summary
    from reelforge.agent.state import Production
    from reelforge.tools.studio import Studio

    settings, registry, _store = studio_parts
    studio = Studio(settings)
    studio._registry = registry
    brief = Brief(goal="bakery", budget_usd=5, music_mood="none", keyframes="on")
    first = studio.route(brief, board())
    assert len(FakeImages.calls) == 3
    older = studio.update_look(brief, first, subject="the baker", description="in her sixties")
    assert len(FakeImages.calls) == 6 and older.version == first.version + 1
    assert all("the baker: in her sixties" in c.prompt for c in FakeImages.calls[3:])
    ctx = DirectorContext(studio=studio, production=Production(brief=brief, storyboard=older))
    text = storyboard_summary(ctx)
    assert "[keyframe drawn]" in text and "Look:" in text and "the baker: in her sixties" in text


def test_still_is_a_scene_kind_the_user_can_name():
    from reelforge.tools.vocabulary import scene_kind

    assert scene_kind("still image") == scene_kind("ken burns") == "still"


async def test_nothing_is_paid_for_keyframes_before_the_person_asks(studio_parts):
    settings, registry, store = studio_parts
    offered = await draw_keyframes(board(), Brief(goal="bakery", budget_usd=5), registry, store, settings)
    assert not FakeImages.calls and not any(s.keyframe for s in offered.shots)
    assert any(n.startswith("Real keyframes:") and "draw keyframes" in n for n in offered.notes)


def test_changing_one_subject_redraws_only_the_keyframes_that_show_it(studio_parts):
    from reelforge.tools.studio import Studio

    settings, registry, _store = studio_parts
    studio = Studio(settings)
    studio._registry = registry
    look = LookSheet(style="warm light", subjects=[LookSubject(name="the baker", description="a woman in her thirties"),
                                                   LookSubject(name="the dog", description="a small terrier")])
    prompts = ["the baker kneads dough", "the dog sleeps by the oven", "the shop front at dawn"]
    scenes = [Scene(index=i + 1, narration=p, shots=[Shot(id=f"s{i + 1}", visual_prompt=p, seconds=4, seed=i)])
              for i, p in enumerate(prompts)]
    brief = Brief(goal="bakery", budget_usd=5, music_mood="none", keyframes="on")
    first = studio.route(brief, Storyboard(scenes=scenes, look=look))
    asked = {c.shot_id: c.prompt for c in FakeImages.calls}
    assert len(asked) == 3 and "terrier" not in asked["s1"] and "terrier" in asked["s3"] and "thirties" not in asked["s2"]
    older = studio.update_look(brief, first, subject="the baker", description="a woman in her sixties")
    redrawn = FakeImages.calls[3:]
    assert sorted(c.shot_id for c in redrawn) == ["s1", "s3"]  # the baker's shot and the one naming nobody
    assert older.shots[1].keyframe == first.shots[1].keyframe and older.shots[0].keyframe != first.shots[0].keyframe
    warmer = studio.update_look(brief, older, style="cool blue light")
    assert len(FakeImages.calls) == 5 + 3 and warmer.version == older.version + 1  # a style changes every shot
