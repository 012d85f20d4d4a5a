"""The runner: cache hits make no call, refusals fall back without a retry, motion comes last, limits hold."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from reelforge.tools.clips.base import ClipProvider, ClipRequest, Job, JobStatus, ProviderError
from reelforge.tools.clips.registry import Registry
from reelforge.tools.clips.runner import generate_all, generate_shot
from reelforge.tools.media import probe
from reelforge.tools.production import Brief, RouteChoice, Shot
from reelforge.tools.settings import get_settings
from reelforge.tools.store import AssetStore

ADAPTER = "reelforge.tools.clips.motion:MotionProvider"


class Scripted(ClipProvider):
    """Does what ``behaviour`` says per model: ok | refuse | fail | hang; records every call."""

    poll_interval_s = 0.01

    def __init__(self, model: str, behaviour: str, log: dict) -> None:
        self.name, self.model, self.behaviour, self.log = model, model, behaviour, log

    async def submit(self, req: ClipRequest) -> Job:
        self.log.setdefault("submits", []).append((self.model, req.idempotency_key))
        running = self.log.setdefault("running", {})
        running[self.model] = running.get(self.model, 0) + 1
        peak = self.log.setdefault("peak", {})
        peak[self.model] = max(peak.get(self.model, 0), running[self.model])
        if self.behaviour == "refuse":
            raise ProviderError(self.name, "refused", "prompt flagged by the content checker")
        return Job(f"{self.model}-job", self.name, JobStatus.RUNNING, data={"polls": 0})

    async def poll(self, job: Job) -> Job:
        job.data["polls"] += 1
        if self.behaviour == "hang" or job.data["polls"] < 3:
            return job
        job.status = JobStatus.FAILED if self.behaviour == "fail" else JobStatus.SUCCEEDED
        job.message = "GPU fell over" if self.behaviour == "fail" else ""
        return job

    async def download(self, job: Job, dest: Path) -> Path:
        dest.write_bytes(f"clip from {self.model}".encode())
        return dest

    async def aclose(self) -> None:
        self.log["running"][self.model] -= 1


def spec(price: float, concurrency: int = 4, kind: str = "video") -> dict:
    return {"family": "kling", "kind": kind, "duration_range": [0.5, 10], "aspects": ["16:9", "9:16"],
            "price_per_s": price, "concurrency": concurrency,
            "gateways": {"g" if kind == "video" else "local": {"adapter": ADAPTER}}}


@pytest.fixture
def setup(tmp_path):
    reg = Registry.from_dict({"a": spec(0.1, concurrency=2), "b": spec(0.05), "motion": spec(0.0, kind="offline")})
    log: dict = {}
    behaviours = {"a": "ok", "b": "ok", "motion": "ok"}
    for m in ("a", "b"):
        reg.use(m, "g", lambda m=m: Scripted(m, behaviours[m], log))
    reg.use("motion", "local", lambda: Scripted("motion", behaviours["motion"], log))
    return reg, log, behaviours, AssetStore(tmp_path / "store")


def shot(i: int = 1, prompt: str = "a kite") -> Shot:
    return Shot(id=f"s{i}", visual_prompt=prompt, seconds=2, seed=i,
                route=RouteChoice(model_id="a", provider="kling", gateway="g", clip_seconds=2, fallbacks=["b", "motion"]))


BRIEF = Brief(goal="g", aspects=["9:16"])


async def test_success_records_provenance_and_cache_hit_makes_no_call(setup):
    reg, log, _, store = setup
    events = []
    a1 = await generate_shot(shot(), BRIEF, reg, store, get_settings(), on_event=lambda *e: events.append(e))
    assert Path(a1.path).read_bytes() == b"clip from a" and a1.provenance.model == "a"
    assert a1.provenance.cost_usd == pytest.approx(0.2) and not a1.provenance.fell_back
    [(model, idem)] = log["submits"]  # a fresh idempotency key for the attempt, tied to its cache key
    assert model == "a" and idem.startswith(f"rf-{a1.key[:20]}-1-")
    assert [e[1] for e in events][0] == "queued" and events[-1][1] == "done"
    a2 = await generate_shot(shot(), BRIEF, reg, store, get_settings())
    assert a2.key == a1.key and len(log["submits"]) == 1
    await generate_shot(shot(prompt="another kite"), BRIEF, reg, store, get_settings())
    assert len(log["submits"]) == 2


async def test_refusal_falls_back_without_retrying_the_same_model(setup):
    reg, log, behaviours, store = setup
    behaviours["a"] = "refuse"
    events = []
    asset = await generate_shot(shot(), BRIEF, reg, store, get_settings(), on_event=lambda *e: events.append(e))
    assert [m for m, _ in log["submits"]] == ["a", "b"]
    assert asset.provenance.model == "b" and asset.provenance.fell_back
    assert "refused" in asset.provenance.fallback_reason and "content checker" in asset.provenance.fallback_reason
    assert "fell_back" in [e[1] for e in events]


async def test_failed_job_is_retried_once_then_motion_last(setup):
    reg, log, behaviours, store = setup
    behaviours["a"], behaviours["b"] = "fail", "refuse"
    asset = await generate_shot(shot(), BRIEF, reg, store, get_settings())
    assert [m for m, _ in log["submits"]] == ["a", "a", "b", "motion"]
    keys = [k for _, k in log["submits"]]
    assert len(set(keys)) == 4 and keys[0] != keys[1]  # the resubmission after a failure: a new key
    assert asset.provenance.model == "motion" and asset.provenance.fell_back and asset.provenance.cost_usd == 0


async def test_overall_timeout_moves_on(setup, monkeypatch):
    reg, log, behaviours, store = setup
    behaviours["a"] = "hang"
    monkeypatch.setenv("REELFORGE_PROVIDER_TIMEOUT_S", "0.1")
    asset = await generate_shot(shot(), BRIEF, reg, store, get_settings())
    assert asset.provenance.model == "b" and "timeout" in asset.provenance.fallback_reason


async def test_everything_failing_raises_with_every_reason(setup):
    reg, _, behaviours, store = setup
    behaviours.update(a="refuse", b="refuse", motion="refuse")
    with pytest.raises(ProviderError, match="every model failed") as err:
        await generate_shot(shot(), BRIEF, reg, store, get_settings())
    assert "a: refused" in str(err.value) and "motion: refused" in str(err.value)


async def test_generate_all_respects_the_model_concurrency(setup):
    reg, log, _, store = setup
    out = await generate_all([shot(i) for i in range(6)], BRIEF, reg, store, get_settings())
    assert sorted(out) == [f"s{i}" for i in range(6)] and log["peak"]["a"] == 2


async def test_a_gateway_account_limit_is_shared_by_its_models(tmp_path):
    raw = {m: spec(0.1, concurrency=4) for m in ("a", "b")}
    for m in raw:
        raw[m]["gateways"]["g"]["concurrency"] = 3
    reg = Registry.from_dict({**raw, "motion": spec(0.0, kind="offline")})
    log: dict = {}
    running = {"now": 0, "peak": 0}

    class Counting(Scripted):
        async def submit(self, req):
            running["now"] += 1
            running["peak"] = max(running["peak"], running["now"])
            return await super().submit(req)

        async def aclose(self):
            running["now"] -= 1
            await super().aclose()

    for m in ("a", "b"):
        reg.use(m, "g", lambda m=m: Counting(m, "ok", log))
    shots = [shot(i) for i in range(4)] + [shot(i).model_copy(update={"id": f"b{i}", "route": shot(i).route.model_copy(
        update={"model_id": "b"})}) for i in range(4)]
    await generate_all(shots, BRIEF, reg, AssetStore(tmp_path / "store"), get_settings())
    assert running["peak"] == 3  # 4 + 4 allowed per model, 3 for the account


async def test_unrouted_shot_is_routed_and_real_motion_renders(tmp_path):
    s = get_settings()
    reg = Registry.load(s)
    store = AssetStore(tmp_path / "store")
    plain = Shot(id="m1", visual_prompt="Abstract shapes", seconds=1, on_screen_text="Hello")
    asset = await asyncio.wait_for(generate_shot(plain, Brief(goal="g", aspects=["1:1"]), reg, store, s), 120)
    info = probe(asset.path)
    assert asset.provenance.model == "motion" and info.has_video and (info.width, info.height) == (1080, 1080)
    assert 0.9 <= info.duration_s <= 1.2 and asset.provenance.cost_usd == 0


async def test_a_crash_mid_job_resumes_that_job_and_never_pays_twice(setup):
    reg, log, behaviours, store = setup
    behaviours["a"] = "hang"
    task = asyncio.create_task(generate_shot(shot(), BRIEF, reg, store, get_settings()))
    while not log.get("submits"):
        await asyncio.sleep(0.01)
    await asyncio.sleep(0.05)
    task.cancel()  # the process dies while the provider is still rendering
    with pytest.raises(asyncio.CancelledError):
        await task
    journal = list((store.root / "jobs").glob("*.json"))
    assert len(journal) == 1 and "a-job" in journal[0].read_text()
    behaviours["a"] = "ok"
    asset = await generate_shot(shot(), BRIEF, reg, store, get_settings())
    assert [m for m, _ in log["submits"]] == ["a"]  # resumed by polling, not submitted again
    assert asset.provenance.model == "a" and not asset.provenance.fell_back
    assert not list((store.root / "jobs").glob("*.json"))  # done: nothing left to resume


async def test_a_timed_out_job_is_resumed_on_the_retry_not_resubmitted(setup, monkeypatch):
    reg, log, behaviours, store = setup
    behaviours["a"] = "hang"
    monkeypatch.setenv("REELFORGE_PROVIDER_TIMEOUT_S", "0.1")
    await generate_shot(shot(), BRIEF, reg, store, get_settings())
    assert [m for m, _ in log["submits"]].count("a") == 1


async def test_a_cached_fallback_clip_tells_this_runs_story(setup):
    reg, log, behaviours, store = setup
    behaviours["a"] = "refuse"
    first = await generate_shot(shot(), BRIEF, reg, store, get_settings())
    assert first.provenance.model == "b" and first.provenance.fell_back and "a: refused" in first.provenance.fallback_reason
    direct = shot().model_copy(update={"route": shot().route.model_copy(update={"model_id": "b", "fallbacks": []})})
    again = await generate_shot(direct, BRIEF, reg, store, get_settings())  # b is now the first choice
    assert again.key == first.key and not again.provenance.fell_back and again.provenance.fallback_reason is None
    assert [m for m, _ in log["submits"]].count("b") == 1  # from the cache, not made again
