"""Chained shots: a shot that continues the one before starts on that clip's last frame, runs after it while
unchained shots run in parallel, is cached on that frame's content, and is shown and approved as such."""

from __future__ import annotations

import asyncio
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from reelforge.agent.review import StoryboardReview
from reelforge.tools.approval import PLAN_ONLY_BRIEF_FIELDS, STORYBOARD_LABELS, approve, changed_since, fingerprint
from reelforge.tools.clips.base import ClipProvider, ClipRequest, Job, JobStatus
from reelforge.tools.clips.chaining import chain_links
from reelforge.tools.clips.registry import Registry
from reelforge.tools.clips.runner import generate_all
from reelforge.tools.media import run_ffmpeg
from reelforge.tools.production import Brief, RouteChoice, Scene, Shot, Storyboard, stable_hash
from reelforge.tools.settings import get_settings
from reelforge.tools.store import AssetStore

ADAPTER = "reelforge.tools.clips.motion:MotionProvider"
BRIEF = Brief(goal="a baker at work", aspects=["16:9"])


class FakeImageToVideo(ClipProvider):
    """A text- and image-to-video model: records each request (with the bytes of its first frame) and the order
    of submissions and downloads; each clip opens blue, then ends on a red of its own (from prompt and seed)."""

    name = "fake-i2v"
    poll_interval_s = 0.01

    def __init__(self, log: dict) -> None:
        self.log = log

    async def submit(self, req: ClipRequest) -> Job:
        sent = Path(req.image_path).read_bytes() if req.image_path else None
        self.log["requests"].append((req.shot_id, req.mode, sent))
        self.log["order"].append(("submit", req.shot_id))
        return Job(f"job-{len(self.log['requests'])}", self.name, JobStatus.RUNNING,
                   data={"polls": 0, "colour": 0xC00000 | int(stable_hash(req.prompt, req.seed)[:4], 16)})

    async def poll(self, job: Job) -> Job:
        job.data["polls"] += 1
        if job.data["polls"] >= 3:
            job.status = JobStatus.SUCCEEDED
        return job

    async def download(self, job: Job, dest: Path) -> Path:
        end = f"0x{job.data['colour']:06x}"
        run_ffmpeg(["-f", "lavfi", "-i", "color=c=0x2040c0:s=64x36:d=0.5:r=12", "-f", "lavfi", "-i",
                    f"color=c={end}:s=64x36:d=0.5:r=12", "-filter_complex", "[0][1]concat=n=2:v=1", "-c:v",
                    "libx264", "-pix_fmt", "yuv420p", str(dest)], what="fake clip")
        self.log["order"].append(("download", job.id))
        return dest


def spec(kind: str = "video") -> dict:
    return {"family": "fake", "kind": kind, "modes": ["text-to-video", "image-to-video"],
            "duration_range": [0.5, 10], "aspects": ["16:9"], "price_per_s": 0.1 if kind == "video" else 0.0,
            "concurrency": 4, "gateways": {"g" if kind == "video" else "local": {"adapter": ADAPTER}}}


@pytest.fixture
def parts(tmp_path):
    registry = Registry.from_dict({"i2v": spec(), "motion": spec("offline")})
    log: dict = {"requests": [], "order": []}
    registry.use("i2v", "g", lambda: FakeImageToVideo(log))
    return registry, log, AssetStore(tmp_path / "store")


def shot(sid: str, *, continues: bool = False, seed: int = 1, keyframe: str | None = None) -> Shot:
    route = RouteChoice(model_id="i2v", provider="fake", gateway="g", clip_seconds=1, source="video",
                        first_frame=True, est_cost_usd=0.1)
    return Shot(id=sid, visual_prompt=f"the baker kneads dough, {sid}", seconds=1, seed=seed, continues=continues,
                keyframe=keyframe, route=route)


def board(seed: int = 1) -> Storyboard:
    """Scene 1: two shots, the second continuing the first; scene 2: one shot of its own."""
    return Storyboard(scenes=[
        Scene(index=1, narration="kneading", shots=[shot("s01-1", seed=seed), shot("s01-2", continues=True)]),
        Scene(index=2, narration="baking", shots=[shot("s02-1")])])


async def produce(sb: Storyboard, registry: Registry, store: AssetStore) -> dict:
    return await generate_all(sb.shots, BRIEF, registry, store, get_settings(), chains=chain_links(sb))


def last_frame_pixels(clip: str) -> np.ndarray:
    """The clip's last frame, decoded on its own (PyAV), as RGB."""
    import av

    with av.open(clip) as container:
        frames = [f.to_ndarray(format="rgb24") for f in container.decode(video=0)]
    return frames[-1].astype(int)


def sent_frame(log: dict, shot_id: str) -> tuple[str, bytes | None]:
    (mode, data), = [(m, d) for sid, m, d in log["requests"] if sid == shot_id]
    return mode, data


def pixels(data: bytes, path: Path) -> np.ndarray:
    path.write_bytes(data)
    return np.asarray(Image.open(path).convert("RGB")).astype(int)


async def test_the_chained_shot_starts_on_the_last_frame_of_the_clip_before(parts, tmp_path):
    registry, log, store = parts
    clips = await produce(board(), registry, store)
    mode, data = sent_frame(log, "s01-2")
    assert mode == "image-to-video" and data is not None
    first = pixels(data, tmp_path / "sent.png")
    last = last_frame_pixels(clips["s01-1"].path)
    assert first.shape == last.shape and np.abs(first - last).mean() < 2  # the same picture
    assert np.abs(first - np.array([0x20, 0x40, 0xc0])).mean() > 20  # not the clip's blue opening
    assert sent_frame(log, "s01-1") == ("text-to-video", None)  # nothing before it, no keyframe
    assert sent_frame(log, "s02-1") == ("text-to-video", None)  # another scene: not chained


async def test_the_chained_frame_wins_over_the_keyframe_and_a_users_own_picture_wins_over_both(parts, tmp_path):
    registry, log, store = parts
    keyframe, own = tmp_path / "kf.png", tmp_path / "own.png"
    Image.new("RGB", (64, 36), (0, 200, 0)).save(keyframe)
    Image.new("RGB", (64, 36), (200, 200, 0)).save(own)
    sb = board()
    sb.scenes[0].shots[1].keyframe = str(keyframe)
    sb.scenes[1].shots[0].keyframe = str(keyframe)
    clips = await produce(sb, registry, store)
    _, chained = sent_frame(log, "s01-2")
    assert np.abs(pixels(chained, tmp_path / "a.png") - last_frame_pixels(clips["s01-1"].path)).mean() < 2
    assert sent_frame(log, "s02-1")[1] == keyframe.read_bytes()  # unchained: its approved keyframe
    sb.scenes[0].shots[1].image_path = str(own)
    log["requests"].clear()
    await produce(sb, registry, store)
    assert sent_frame(log, "s01-2")[1] == own.read_bytes()


async def test_a_chained_shot_runs_after_the_one_it_continues_and_the_others_in_parallel(parts, tmp_path):
    registry, log, store = parts
    await produce(board(), registry, store)
    order = log["order"]
    job_of = {sid: f"job-{i + 1}" for i, (sid, _m, _d) in enumerate(log["requests"])}
    first_done = order.index(("download", job_of["s01-1"]))
    assert order.index(("submit", "s01-2")) > first_done  # waited for the clip it starts on
    assert order.index(("submit", "s02-1")) < first_done  # the unchained shot did not wait
    # without chaining, every shot starts at once
    log["order"].clear()
    await generate_all(board().shots, BRIEF, registry, AssetStore(tmp_path / "empty"), get_settings())
    started = [i for i, (what, _sid) in enumerate(log["order"]) if what == "submit"]
    assert len(started) == 3 and max(started) < min(i for i, (w, _s) in enumerate(log["order"]) if w == "download")


async def test_an_unchanged_chain_is_reused_and_a_new_take_before_it_remakes_the_chained_shot(parts):
    registry, log, store = parts
    first = await produce(board(), registry, store)
    assert len(log["requests"]) == 3
    again = await produce(board(), registry, store)
    assert len(log["requests"]) == 3  # nothing paid twice
    assert {k: a.key for k, a in again.items()} == {k: a.key for k, a in first.items()}
    retake = await produce(board(seed=9), registry, store)  # a fresh take of s01-1 ends on another frame
    assert sorted(sid for sid, _m, _d in log["requests"][3:]) == ["s01-1", "s01-2"]
    assert retake["s01-2"].key != first["s01-2"].key and retake["s02-1"].key == first["s02-1"].key


async def test_a_shot_after_a_motion_graphics_fallback_is_not_chained(parts, tmp_path):
    registry, log, store = parts
    sb = board()
    sb.scenes[0].shots[0].route = RouteChoice(model_id="motion", provider="motion", gateway="local", source="offline")
    await produce(sb, registry, store)
    assert sent_frame(log, "s01-2") == ("text-to-video", None)


async def test_the_estimate_reuses_a_chained_shot_only_on_the_clip_it_starts_on(parts):
    from reelforge.tools.estimate import clip_lines

    registry, _log, store = parts
    settings = get_settings()
    fresh = {x.item: x.reused for x in clip_lines(BRIEF, board(), registry, store, settings)}
    assert not any(fresh.values())
    await produce(board(), registry, store)
    made = {x.item: x.reused for x in clip_lines(BRIEF, board(), registry, store, settings)}
    assert all(made.values())
    retake = {x.item: x.reused for x in clip_lines(BRIEF, board(seed=9), registry, store, settings)}
    assert retake == {"shot s01-1": False, "shot s01-2": False, "shot s02-1": True}


def test_chaining_is_part_of_the_approval_and_unchained_plans_keep_their_fingerprint():
    sb = board()
    approval = approve(BRIEF, sb)
    cut = sb.model_copy(deep=True)
    cut.scenes[0].shots[1].continues = False
    assert changed_since(approval, BRIEF, cut)
    # a plan with no chained shot hashes as it did before shots could chain (approvals made then still hold)
    legacy = cut.model_dump(mode="json", exclude=set(STORYBOARD_LABELS))
    for sc in legacy["scenes"]:
        sc.pop("thumbnail")
        for s in sc["shots"]:
            del s["continues"], s["route"]["first_frame"], s["route"]["reason"]
    paid_brief = BRIEF.model_dump(mode="json", exclude=set(PLAN_ONLY_BRIEF_FIELDS))
    assert fingerprint(BRIEF, cut) == stable_hash("approval-v1", paid_brief, legacy)


async def test_shots_wait_only_for_a_shot_of_the_same_call(parts):
    registry, log, store = parts
    sb = board()
    out = await asyncio.wait_for(generate_all(sb.shots[1:], BRIEF, registry, store, get_settings(),
                                              chains=chain_links(sb)), 30)
    assert set(out) == {"s01-2", "s02-1"} and sent_frame(log, "s01-2") == ("text-to-video", None)


LONG = ("The baker lifts the dough from the bowl and folds it over itself again and again. She presses it flat "
        "with both palms, turns it a quarter, and folds it once more until the surface turns smooth and springs "
        "back under her fingers, ready to rest beside the warm oven.")


@pytest.mark.parametrize(("hint", "spec", "continuous", "kind", "chained"), [
    ("a baker folding dough", None, None, None, True),  # one visual direction through the scene
    ("", {"subject": "a baker folding dough"}, None, None, True),  # the language model's one subject
    ("", {"subject": "a baker folding dough"}, False, None, False),  # the planner said it cuts between views
    ("", None, None, None, False),  # each span shows its own key words: separate views
    ("", None, True, None, True),  # the planner said it is one action
    ("a baker folding dough", None, None, "graphics", False),  # drawn graphics do not chain
])
def test_the_planner_chains_the_shots_of_one_continuous_scene(hint, spec, continuous, kind, chained):
    from reelforge.tools.planning.build import shots_for
    from reelforge.tools.planning.drafts import SceneDraft
    from reelforge.tools.production import ContinuitySheet

    draft = SceneDraft(title="Dough", narration=LONG, visual_hint=hint, spec=spec, continuous=continuous, kind=kind)
    shots, _issues = shots_for(Brief(goal="bakery"), draft, 1, ContinuitySheet())
    assert len(shots) >= 2 and not shots[0].continues
    assert all(s.continues is chained for s in shots[1:])


def test_a_shot_split_for_a_short_model_is_one_take_chained_where_the_model_starts_from_a_frame():
    from reelforge.tools.routing import route_storyboard

    settings = get_settings()
    raw = {"i2v": {**spec(), "duration_range": [1, 5]}, "t2v": {**spec(), "modes": ["text-to-video"],
                                                             "duration_range": [1, 5]}, "motion": spec("offline")}
    for model, chained in (("i2v", True), ("t2v", False)):
        registry = Registry.from_dict({k: v for k, v in raw.items() if k in (model, "motion")})
        sb = Storyboard(scenes=[Scene(index=1, narration="n", shots=[
            Shot(id="s01-1", visual_prompt="a baker", seconds=9, model_override=model)])])
        routed = route_storyboard(sb, Brief(goal="g", aspects=["16:9"], budget_usd=50), registry, settings)
        shots = routed.shots
        assert [s.id for s in shots] == ["s01-1a", "s01-1b"] and [s.continues for s in shots] == [False, True]
        assert shots[1].route.first_frame is chained
        review_flow = StoryboardReview.build(Brief(goal="g"), routed).scenes[0].flow
        assert review_flow == ("one continuous take" if chained else "")


def test_the_storyboard_says_in_plain_words_which_shots_continue():
    from reelforge.ui.wording import has_jargon, scene_facts

    sb = board()
    sb.scenes[0].shots.append(shot("s01-3"))
    review = StoryboardReview.build(BRIEF, sb)
    assert review.scenes[0].flow == "part 2 continues part 1" and review.scenes[1].flow == ""
    assert "part 2 continues part 1" in scene_facts(review.scenes[0]) and not has_jargon(scene_facts(review.scenes[0]))
    assert "part 2 continues part 1" in review.text()
    sb.scenes[0].shots[2].continues = True
    assert StoryboardReview.build(BRIEF, sb).scenes[0].flow == "one continuous take"
    offline = board()  # drawn offline, nothing continues: the review does not claim it
    offline.scenes[0].shots[0].route = RouteChoice(model_id="motion", provider="motion", source="offline")
    assert StoryboardReview.build(BRIEF, offline).scenes[0].flow == ""


def test_the_person_can_join_or_cut_a_scenes_shots_and_must_approve_again():
    from reelforge.agent import scenes

    sb = board()
    approval = approve(BRIEF, sb)
    cut, note = scenes.set_scene_flow(sb, 1, False)
    assert [s.continues for s in cut.scenes[0].shots] == [False, False] and "cuts between" in note
    assert cut.version == sb.version + 1 and changed_since(approval, BRIEF, cut)
    joined, note = scenes.set_scene_flow(cut, 1, True)
    assert [s.continues for s in joined.scenes[0].shots] == [False, True] and "continuous take" in note
    _single, note = scenes.set_scene_flow(sb, 2, True)
    assert "single shot" in note
    with pytest.raises(ValueError, match="no scene 7"):
        scenes.set_scene_flow(sb, 7, True)


def test_a_planned_script_chains_a_long_scene_with_one_visual_direction(tmp_path):
    import json

    from typer.testing import CliRunner

    from reelforge.ui.cli import app

    script = tmp_path / "bakery.md"
    script.write_text(f"# Bakery\n\n## Dough\n{LONG} [VISUAL: a baker folding dough on a floured table]\n\n"
                      "## Oven\nThe loaves go into the oven.\n")
    result = CliRunner().invoke(app, ["plan", "--script", str(script), "--duration", "30", "--json"])
    assert result.exit_code == 0, result.output
    dough, oven = json.loads(result.stdout)["scenes"]
    assert [s["continues"] for s in dough["shots"]] == [False] + [True] * (len(dough["shots"]) - 1)
    assert len(dough["shots"]) >= 2 and not any(s["continues"] for s in oven["shots"])


async def test_studio_production_chains_the_shots_its_storyboard_says_continue(parts, tmp_path):
    from reelforge.tools.studio import Studio

    registry, log, _store = parts
    studio = Studio(get_settings())
    studio._registry = registry
    brief = BRIEF.model_copy(update={"music_mood": "none", "voice": "auto"})
    sb = board()
    assets = await studio.produce(brief, sb, approval=approve(brief, sb, "test"))
    _mode, data = sent_frame(log, "s01-2")
    assert np.abs(pixels(data, tmp_path / "s.png") - last_frame_pixels(assets.clips["s01-1"].path)).mean() < 2


def test_the_director_sees_which_marked_shots_really_chain():
    from reelforge.agent.director_tools import DirectorContext, storyboard_summary
    from reelforge.agent.state import Production

    sb = board()
    ctx = DirectorContext(studio=None, production=Production(brief=BRIEF, storyboard=sb))
    assert "s01-2 (1 s): i2v" in storyboard_summary(ctx) and "starts on its last frame]" in storyboard_summary(ctx)
    sb.scenes[0].shots[0].route = RouteChoice(model_id="motion", provider="motion", source="offline")
    assert "but not chained" in storyboard_summary(ctx)
