"""The write-ahead job journal in the real runner: the intent is on disk before submit, the job id after; an
intent without a job id is reconciled (looked up, replayed by key, or reported as unknown) before anything is
resubmitted, and each attempt carries its own idempotency key."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from reelforge.tools.clips.base import ClipProvider, ClipRequest, Job, JobStatus, ProviderError
from reelforge.tools.clips.registry import Registry
from reelforge.tools.clips.runner import generate_shot
from reelforge.tools.production import Brief, RouteChoice, Shot
from reelforge.tools.settings import get_settings
from reelforge.tools.store import AssetStore

ADAPTER = "reelforge.tools.clips.motion:MotionProvider"
BRIEF = Brief(goal="g", aspects=["9:16"])


class Vendor(ClipProvider):
    """A paid vendor that remembers what it accepted (its 'account'); ``lookup``: find | replay | none."""

    name = "vendor"
    poll_interval_s = 0.01

    def __init__(self, account: dict, journal_dir: Path, lookup: str) -> None:
        self.account, self.journal_dir, self.lookup = account, journal_dir, lookup
        self.replays_idempotency_key = lookup == "replay"

    async def submit(self, req: ClipRequest) -> Job:
        records = [json.loads(p.read_text()) for p in self.journal_dir.glob("*.json")]
        assert any(r.get("state") == "intent" and r["idempotency_key"] == req.idempotency_key for r in records), \
            "submitted before its intent was journalled"
        for job_id, seen in jobs(self.account):
            if self.lookup == "replay" and seen["key"] == req.idempotency_key:
                return Job(job_id, self.name, JobStatus.RUNNING)  # the same key: the same job, no new charge
        job_id = f"job-{paid(self.account) + 1}"
        self.account[job_id] = {"key": req.idempotency_key, "prompt": req.prompt}
        if self.account.get("_die_after_submit"):
            raise asyncio.CancelledError  # the process dies before the job id reaches the journal
        if self.account.pop("_no_answer", False):  # accepted, but the answer was lost on the way back
            raise ProviderError(self.name, "timeout", "no answer within 60 s")
        return Job(job_id, self.name, JobStatus.RUNNING)

    async def find_job(self, req: ClipRequest, since: float) -> Job | None:
        if self.lookup != "find":
            return await super().find_job(req, since)
        for job_id, seen in jobs(self.account):
            if seen["key"] == req.idempotency_key:
                return Job(job_id, self.name, JobStatus.RUNNING)
        return None

    async def poll(self, job: Job) -> Job:
        job.status = JobStatus.SUCCEEDED
        return job

    async def download(self, job: Job, dest: Path) -> Path:
        dest.write_bytes(f"clip {job.id}".encode())
        return dest


def jobs(account: dict) -> list[tuple[str, dict]]:
    return [(k, v) for k, v in account.items() if k.startswith("job-")]


def paid(account: dict) -> int:
    return len(jobs(account))


@pytest.fixture
def world(tmp_path):
    store = AssetStore(tmp_path / "store")
    account: dict = {}
    spec = {"family": "kling", "duration_range": [0.5, 10], "aspects": ["9:16"], "price_per_s": 0.1,
            "gateways": {"g": {"adapter": ADAPTER}}}
    motion = {**spec, "kind": "offline", "price_per_s": 0.0, "gateways": {"local": {"adapter": ADAPTER}}}
    reg = Registry.from_dict({"a": spec, "motion": motion})

    def use(lookup: str) -> None:
        reg.use("a", "g", lambda: Vendor(account, store.root / "jobs", lookup))

    return reg, store, account, use


def shot() -> Shot:
    return Shot(id="s1", visual_prompt="a kite", seconds=2,
                route=RouteChoice(model_id="a", provider="kling", gateway="g", clip_seconds=2, fallbacks=[]))


async def crash_after_submit(reg: Registry, store: AssetStore, account: dict) -> None:
    account["_die_after_submit"] = True
    with pytest.raises(asyncio.CancelledError):
        await generate_shot(shot(), BRIEF, reg, store, get_settings())
    del account["_die_after_submit"]
    [record] = [json.loads(p.read_text()) for p in (store.root / "jobs").glob("*.json")]
    assert record["state"] == "intent" and record["id"] is None and record["request_digest"]


@pytest.mark.parametrize("lookup", ["find", "replay"])
async def test_a_crash_between_submit_and_journal_is_reconciled_not_paid_twice(world, lookup):
    reg, store, account, use = world
    use(lookup)
    await crash_after_submit(reg, store, account)
    asset = await generate_shot(shot(), BRIEF, reg, store, get_settings())
    assert paid(account) == 1 and Path(asset.path).read_bytes() == b"clip job-1"
    assert asset.provenance.unconfirmed_jobs == []
    assert not list((store.root / "jobs").glob("*.json"))  # the clip is stored: nothing left to resume


async def test_an_interrupted_submission_nobody_can_look_up_is_reported(world):
    reg, store, account, use = world
    use("none")
    await crash_after_submit(reg, store, account)
    asset = await generate_shot(shot(), BRIEF, reg, store, get_settings())
    assert paid(account) == 2  # the provider cannot be asked, so the clip is made again...
    [note] = asset.provenance.unconfirmed_jobs  # ...and the user is told the first one may have been charged
    assert "vendor a" in note and "may have been charged" in note
    first, second = (v["key"] for _, v in jobs(account))
    assert first != second


async def test_a_submit_that_got_no_answer_is_looked_up_before_it_is_retried(world):
    reg, store, account, use = world
    use("find")
    account["_no_answer"] = True
    asset = await generate_shot(shot(), BRIEF, reg, store, get_settings())
    assert paid(account) == 1 and Path(asset.path).read_bytes() == b"clip job-1"
