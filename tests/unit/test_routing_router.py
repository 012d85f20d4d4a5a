"""The router: hard constraints, preference, overrides, whole-storyboard budget, splitting, determinism."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from reelforge.tools.clips.registry import Registry
from reelforge.tools.production import Brief, Scene, Shot, Storyboard
from reelforge.tools.routing import explain, infer_traits, route_storyboard
from reelforge.tools.settings import get_settings

ADAPTER = "reelforge.tools.clips.motion:MotionProvider"


def model(family, price, *, durations=(5, 10), aspects=("16:9", "9:16"), env=("KEY_A",), kind="video",
          strengths=None, modes=("text-to-video", "image-to-video"), latency=60, **extra):
    return {"family": family, "kind": kind, "durations": list(durations), "aspects": list(aspects),
            "modes": list(modes), "price_per_s": price, "latency_s": latency,
            "strengths": strengths or {"fast_action": 0.8, "nature": 0.8},
            "gateways": {"g": {"adapter": ADAPTER, "env": list(env)}}, **extra}


RAW = {
    "premium": model("veo", 0.40, strengths={"fast_action": 0.95, "nature": 0.95, "photoreal_human": 0.95}),
    "mid": model("kling", 0.07, strengths={"fast_action": 0.8, "nature": 0.8}),
    "budget": model("seedance", 0.03, strengths={"fast_action": 0.6, "nature": 0.6}, durations=(5,)),
    "locked": model("luma", 0.01, env=("KEY_MISSING",), strengths={"fast_action": 1.0}),
    "gone": model("sora", 0.01, retired=True, strengths={"fast_action": 1.0}),
    "square": model("pika", 0.02, aspects=("1:1",), strengths={"fast_action": 1.0}),
    "motion": {**model("motion", 0.0, kind="offline", env=(), strengths={"fast_action": 0.2, "text_on_screen": 0.8}),
               "durations": [], "duration_range": [0.5, 60], "aspects": ["16:9", "9:16", "1:1", "4:5"]},
}


@pytest.fixture
def reg(monkeypatch):
    monkeypatch.setenv("KEY_A", "x")
    return Registry.from_dict(RAW)


def board(*seconds, traits=("fast_action",), importance=None):
    shots = [Shot(id=f"s1.{i + 1}", visual_prompt="a rider jumps", seconds=s, traits=list(traits),
                  importance=(importance[i] if importance else 1.0)) for i, s in enumerate(seconds)]
    return Storyboard(scenes=[Scene(index=0, narration="n", shots=shots)])


def test_quality_prefers_the_best_fit_cheap_the_cheapest(reg):
    s = get_settings()
    q = route_storyboard(board(5), Brief(goal="g", preference="quality", budget_usd=100, aspects=["16:9"]), reg, s)
    c = route_storyboard(board(5), Brief(goal="g", preference="cheap", budget_usd=100, aspects=["16:9"]), reg, s)
    assert q.shots[0].route.model_id == "premium"
    assert c.shots[0].route.model_id in ("budget", "mid")
    r = q.shots[0].route
    assert r.fallbacks[-1] == "motion" and r.est_cost_usd == pytest.approx(2.0) and r.clip_seconds == 5
    assert "fit" in r.reason and "$" in r.reason


def test_never_routes_to_missing_keys_retired_or_wrong_aspect(reg):
    out = route_storyboard(board(5, 5), Brief(goal="g", budget_usd=100, aspects=["16:9"]), reg, get_settings())
    for shot in out.shots:
        assert shot.route.model_id not in ("locked", "gone", "square")
        assert not {"locked", "gone", "square"} & set(shot.route.fallbacks)


def test_budget_downgrades_least_important_first_and_says_so(reg):
    brief = Brief(goal="g", preference="quality", budget_usd=2.5, aspects=["16:9"])
    out = route_storyboard(board(5, 5, importance=[1.0, 0.2]), brief, reg, get_settings())
    a, b = out.shots
    assert a.route.model_id == "premium" and not a.route.downgraded
    assert b.route.downgraded and "downgraded from premium" in b.route.reason
    assert b.route.model_id == "mid"  # the spare $0.50 is spent on the best option that fits, not wasted
    assert out.estimated_cost_usd <= 2.5
    assert any("downgraded" in n for n in out.notes)


def test_tiny_budget_ends_on_the_free_renderer(reg):
    out = route_storyboard(board(5, 8), Brief(goal="g", budget_usd=0.0, aspects=["16:9"]), reg, get_settings())
    assert {s.route.model_id for s in out.shots} == {"motion"} and out.estimated_cost_usd == 0


def test_long_shot_is_split_and_short_one_trimmed(reg):
    brief = Brief(goal="g", preference="quality", budget_usd=100, aspects=["16:9"])
    out = route_storyboard(board(23, 3), brief, reg, get_settings())
    ids = [s.id for s in out.shots]
    assert ids == ["s1.1a", "s1.1b", "s1.1c", "s1.2"]
    assert sum(s.seconds for s in out.shots[:3]) == pytest.approx(23)
    assert all(s.route.clip_seconds >= s.seconds for s in out.shots)
    assert out.shots[3].route.clip_seconds == 5 and "trimmed" in out.shots[3].route.reason
    assert out.total_seconds == pytest.approx(26)


def test_model_override_is_honoured_or_explained(reg):
    b = board(5)
    b.scenes[0].shots[0].model_override = "budget"
    out = route_storyboard(b, Brief(goal="g", preference="quality", budget_usd=100, aspects=["16:9"]), reg, get_settings())
    assert out.shots[0].route.model_id == "budget" and "model_override" in out.shots[0].route.reason
    b.scenes[0].shots[0].model_override = "locked"
    out = route_storyboard(b, Brief(goal="g", preference="quality", budget_usd=100, aspects=["16:9"]), reg, get_settings())
    assert out.shots[0].route.model_id != "locked" and "override locked unusable" in out.shots[0].route.reason


def test_image_shots_need_image_to_video(reg, monkeypatch):
    raw = {**RAW, "t2v-only": model("kling", 0.001, modes=("text-to-video",), strengths={"fast_action": 1.0})}
    r = Registry.from_dict(raw)
    b = board(5)
    b.scenes[0].shots[0].image_path = "/tmp/frame.png"
    out = route_storyboard(b, Brief(goal="g", preference="cheap", budget_usd=100, aspects=["16:9"]), r, get_settings())
    assert out.shots[0].route.model_id != "t2v-only"


def test_stock_shots_go_to_stock_sources_when_available(monkeypatch):
    raw = {**RAW, "stocky": model("stock", 0.0, kind="stock", env=(), durations=(), duration_range=[1, 30],
                                  strengths={"b_roll": 0.9})}
    r = Registry.from_dict(raw)
    monkeypatch.setenv("KEY_A", "x")
    b = board(5, 5)
    b.scenes[0].shots[0].kind = "stock"
    out = route_storyboard(b, Brief(goal="g", budget_usd=100, aspects=["16:9"]), r, get_settings())
    assert out.shots[0].route.model_id == "stocky" and out.shots[1].route.model_id != "stocky"


def test_infer_traits_and_explain_on_the_bundled_registry(monkeypatch):
    assert infer_traits("a skateboarder lands a kickflip, handheld tracking shot")[0] == "fast_action"
    monkeypatch.setenv("FAL_KEY", "k")
    ranked = explain("a skateboarder lands a kickflip, handheld tracking shot", aspect="9:16", seconds=5)
    top = ranked[0]
    assert top.available and top.rank == 1 and "fast_action" in top.traits and top.est_cost_usd > 0
    sora = next(r for r in ranked if r.model_id == "sora-2")
    assert not sora.available and "2026-09-24" in sora.reason
    assert any(r.model_id == "motion" and r.available for r in ranked)


# --- properties ---------------------------------------------------------------------------------------

shot_st = st.tuples(st.floats(0.5, 30).map(lambda x: round(x, 2)), st.sampled_from([0.1, 0.5, 1.0]),
                    st.sampled_from(["fast_action", "nature", "text_on_screen"]))
case_st = st.tuples(st.lists(shot_st, min_size=1, max_size=6), st.floats(0, 20).map(lambda x: round(x, 2)),
                    st.sampled_from(["quality", "balanced", "cheap", "fast"]), st.sampled_from(["16:9", "9:16", "1:1"]),
                    st.sets(st.sampled_from(["KEY_A", "KEY_MISSING"])))


def _case_board(shots):
    return Storyboard(scenes=[Scene(index=0, narration="n", shots=[
        Shot(id=f"s{i}", visual_prompt="p", seconds=sec, importance=imp, traits=[t])
        for i, (sec, imp, t) in enumerate(shots)])])


@hsettings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(case=case_st)
def test_router_properties(case, monkeypatch):
    shots, budget, pref, aspect, keys = case
    for k in ("KEY_A", "KEY_MISSING"):
        (monkeypatch.setenv(k, "x") if k in keys else monkeypatch.delenv(k, raising=False))
    s = get_settings()
    reg = Registry.from_dict(RAW)
    brief = Brief(goal="g", budget_usd=budget, preference=pref, aspects=[aspect])
    sb = _case_board(shots)
    out = route_storyboard(sb, brief, reg, s)
    # never an unavailable model, and every model fits the hard constraints
    for shot in out.shots:
        spec = reg.get(shot.route.model_id)
        assert reg.available(spec, s).ok and spec.supports_aspect(aspect)
        assert shot.route.clip_seconds <= spec.max_clip_s and shot.route.fallbacks[-1:] in (["motion"], [])
    # motion is free, so a plan within any budget >= 0 exists: the router must find one
    assert out.estimated_cost_usd <= budget + 1e-6
    # the footage covers the planned length exactly
    assert out.total_seconds == pytest.approx(sb.total_seconds, abs=1e-3)
    # deterministic
    assert route_storyboard(sb, brief, reg, s).model_dump() == out.model_dump()


# --- a forced model that breaks the budget ------------------------------------------------------------


def test_forced_model_is_never_silently_downgraded_and_over_budget_is_reported(reg):
    from reelforge.tools.routing import OverBudgetError, budget_check

    b = board(5, 5, importance=[1.0, 0.2])
    b.scenes[0].shots[0].model_override = "premium"  # $2.00, budget $1.00
    brief = Brief(goal="g", preference="quality", budget_usd=1.0, aspects=["16:9"])
    out = route_storyboard(b, brief, reg, get_settings())
    forced, other = out.shots
    assert forced.route.model_id == "premium" and not forced.route.downgraded
    assert other.route.model_id == "motion"  # the unforced shot gave way first
    check = budget_check(out, brief)
    assert check.over and check.forced_over and check.total_usd == pytest.approx(2.0)
    assert check.overage_usd == pytest.approx(1.0) and [f.shot_id for f in check.forced] == ["s1.1"]
    assert "premium" in check.message() and "$1.00 budget" in check.message()
    assert any(n.startswith("Router: over budget:") and "premium" in n for n in out.notes)
    with pytest.raises(OverBudgetError) as err:
        route_storyboard(b, brief, reg, get_settings(), on_over_budget="raise")
    assert err.value.check == check and err.value.storyboard.shots[0].route.model_id == "premium"


def test_forced_model_within_budget_takes_room_from_other_shots(reg):
    from reelforge.tools.routing import budget_check

    b = board(5, 5, importance=[0.1, 1.0])
    b.scenes[0].shots[0].model_override = "premium"  # the least important shot, but forced
    brief = Brief(goal="g", preference="quality", budget_usd=2.5, aspects=["16:9"])
    out = route_storyboard(b, brief, reg, get_settings())
    assert out.shots[0].route.model_id == "premium"
    assert out.shots[1].route.downgraded and out.estimated_cost_usd <= 2.5
    check = budget_check(out, brief)
    assert not check.over and check.message() == "" and check.forced_usd == pytest.approx(2.0)
    assert not any(n.startswith("Router: over budget:") for n in out.notes)


def test_forced_split_shot_counts_every_part(reg):
    from reelforge.tools.routing import budget_check

    b = board(20)
    b.scenes[0].shots[0].model_override = "premium"
    brief = Brief(goal="g", budget_usd=1.0, aspects=["16:9"])
    out = route_storyboard(b, brief, reg, get_settings())
    check = budget_check(out, brief)
    assert [f.shot_id for f in check.forced] == ["s1.1a", "s1.1b"] and check.total_usd == pytest.approx(8.0)


# --- presenter shots: the avatar model must be able to present what the user gave -------------------------


def test_presenter_shots_route_by_the_users_upload(monkeypatch, tmp_path):
    from PIL import Image

    from reelforge.tools.routing import route_storyboard as route

    monkeypatch.setenv("HEYGEN_API_KEY", "k")
    monkeypatch.setenv("DID_API_KEY", "k")
    s = get_settings()
    b = Storyboard(scenes=[Scene(index=1, narration="hi", shots=[
        Shot(id="p1", kind="presenter", narration="hi", visual_prompt="a host talks", seconds=5)])])
    reg = Registry.load(s)
    none = route(b, Brief(goal="g", aspects=["9:16"], budget_usd=100), reg, s).shots[0].route
    assert reg.get(none.model_id).kind != "avatar"  # nobody to present: no avatar_id, no upload
    Image.new("RGB", (200, 200)).save(tmp_path / "me.png")
    (tmp_path / "me.mp4").write_bytes(b"\x00\x00\x00\x18ftypisom" + b"\x00" * 32)
    photo = route(b, Brief(goal="g", aspects=["9:16"], budget_usd=100, presenter_path=str(tmp_path / "me.png")),
                  reg, s).shots[0].route
    assert photo.model_id in ("heygen-avatar-iv", "did-talks")
    video = route(b, Brief(goal="g", aspects=["9:16"], budget_usd=100, presenter_path=str(tmp_path / "me.mp4")),
                  reg, s).shots[0].route
    assert video.model_id == "heygen-lipsync"
    Path(s.home).mkdir(parents=True, exist_ok=True)
    (Path(s.home) / "models.toml").write_text('[models.heygen-avatar-iv.gateways.direct.params]\navatar_id = "a1"\n')
    stock = route(b, Brief(goal="g", aspects=["9:16"], budget_usd=100), Registry.load(s), s).shots[0].route
    assert stock.model_id == "heygen-avatar-iv"


@hsettings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(case=case_st, pins=st.lists(st.sampled_from([None, "premium", "mid", "budget"]), min_size=6, max_size=6))
def test_router_properties_with_forced_models(case, pins, monkeypatch):
    from reelforge.tools.routing import budget_check

    shots, budget, pref, aspect, keys = case
    monkeypatch.setenv("KEY_A", "x")
    s = get_settings()
    reg = Registry.from_dict(RAW)
    brief = Brief(goal="g", budget_usd=budget, preference=pref, aspects=[aspect])
    sb = _case_board(shots)
    for shot, pin in zip(sb.shots, pins, strict=False):
        shot.model_override = pin
    out = route_storyboard(sb, brief, reg, s)
    for shot in out.shots:  # a usable forced model is always kept
        pin = shot.model_override
        if pin and reg.get(pin).supports_aspect(aspect):
            assert shot.route.model_id == pin and not shot.route.downgraded
    check = budget_check(out, brief)
    assert check.total_usd == pytest.approx(out.estimated_cost_usd)
    if check.over:  # only forced models can be why, and every other shot is already free
        assert check.forced_over and any(n.startswith("Router: over budget:") for n in out.notes)
        assert all(sh.route.est_cost_usd == 0 for sh in out.shots if not sh.model_override)
    else:
        assert not any(n.startswith("Router: over budget:") for n in out.notes)
    assert route_storyboard(sb, brief, reg, s).model_dump() == out.model_dump()


def test_step_billing_is_in_the_estimate(monkeypatch, tmp_path):
    from PIL import Image

    monkeypatch.setenv("DID_API_KEY", "k")
    Image.new("RGB", (200, 200)).save(tmp_path / "me.png")
    s = get_settings()
    b = Storyboard(scenes=[Scene(index=1, narration="hi", shots=[
        Shot(id="p1", kind="presenter", narration="hi", visual_prompt="a host talks", seconds=5)])])
    brief = Brief(goal="g", aspects=["9:16"], budget_usd=100, presenter_path=str(tmp_path / "me.png"))
    r = route_storyboard(b, brief, Registry.load(s), s).shots[0].route
    assert r.model_id == "did-talks" and r.est_cost_usd == pytest.approx(15 * 0.05)  # D-ID bills 15-s steps


def test_stock_stands_in_for_generation_only_when_the_budget_is_too_small(monkeypatch):
    raw = {**RAW, "stocky": model("stock", 0.0, kind="stock", env=(), durations=(), duration_range=[1, 30],
                                  strengths={"real_place": 0.9, "b_roll": 0.8})}
    r = Registry.from_dict(raw)
    monkeypatch.setenv("KEY_A", "x")
    s = get_settings()
    place = board(5, traits=("nature", "real_place"))
    rich = route_storyboard(place, Brief(goal="g", budget_usd=100, preference="quality", aspects=["16:9"]), r, s)
    assert rich.shots[0].route.model_id == "premium" and "stocky" not in rich.shots[0].route.fallbacks
    poor = route_storyboard(place, Brief(goal="g", budget_usd=0, preference="quality", aspects=["16:9"]), r, s)
    route = poor.shots[0].route
    assert route.model_id == "stocky" and route.downgraded
    assert "downgraded from premium" in route.reason and "stock footage suits this shot" in route.reason
    assert route.fallbacks == ["motion"]
    action = route_storyboard(board(5), Brief(goal="g", budget_usd=0, aspects=["16:9"]), r, s)
    assert action.shots[0].route.model_id == "motion"  # a kickflip is not stock material
