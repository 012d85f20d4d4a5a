"""Fan-out benchmark (not a test): 24 shots through the real runner against a fake 3-second provider.

The fake provider allows 8 concurrent jobs, so the ideal wall time is 24 / 8 × 3 s = 9 s. Prints ONE
JSON line: {"shots", "latency_s", "concurrency", "wall_s", "ideal_s", "ratio"}; target ratio ≤ 1.25.
Run: ``.venv/bin/python bench/fanout.py``.
"""

from __future__ import annotations

import asyncio
import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from reelforge.tools.clips.base import ClipProvider, ClipRequest, Job, JobStatus  # noqa: E402
from reelforge.tools.clips.registry import Registry  # noqa: E402
from reelforge.tools.clips.runner import generate_all  # noqa: E402
from reelforge.tools.production import Brief, RouteChoice, Shot  # noqa: E402
from reelforge.tools.settings import Settings  # noqa: E402
from reelforge.tools.store import AssetStore  # noqa: E402

SHOTS, LATENCY_S, CONCURRENCY = 24, 3.0, 8


class SlowFake(ClipProvider):
    """A provider whose jobs finish LATENCY_S after submission; at most CONCURRENCY run at once."""

    name = "fake"
    poll_interval_s = 0.1
    running = 0
    peak = 0

    async def submit(self, req: ClipRequest) -> Job:
        SlowFake.running += 1
        SlowFake.peak = max(SlowFake.peak, SlowFake.running)
        assert SlowFake.running <= CONCURRENCY, "provider concurrency exceeded"
        return Job(req.shot_id, self.name, JobStatus.RUNNING, data={"until": time.monotonic() + LATENCY_S})

    async def poll(self, job: Job) -> Job:
        if time.monotonic() >= job.data["until"]:
            job.status = JobStatus.SUCCEEDED
        return job

    async def download(self, job: Job, dest: Path) -> Path:
        dest.write_bytes(b"fake clip " + job.id.encode())
        return dest

    async def aclose(self) -> None:
        SlowFake.running -= 1


async def main() -> dict:
    with tempfile.TemporaryDirectory() as home:
        settings = Settings(home=Path(home), max_parallel_shots=SHOTS)
        registry = Registry.from_dict({"fake": {
            "family": "kling", "duration_range": [1, 10], "aspects": ["16:9"], "concurrency": CONCURRENCY,
            "gateways": {"fake": {"adapter": "bench.fanout:SlowFake"}}}})
        registry.use("fake", "fake", SlowFake)
        route = RouteChoice(model_id="fake", provider="kling", gateway="fake", clip_seconds=3)
        shots = [Shot(id=f"s{i}", visual_prompt=f"shot {i}", seconds=3, route=route) for i in range(SHOTS)]
        store = AssetStore(settings.store_dir)
        t0 = time.perf_counter()
        out = await generate_all(shots, Brief(goal="bench", aspects=["16:9"]), registry, store, settings)
        wall = time.perf_counter() - t0
    assert len(out) == SHOTS
    ideal = SHOTS / CONCURRENCY * LATENCY_S
    return {"shots": SHOTS, "latency_s": LATENCY_S, "concurrency": CONCURRENCY, "peak": SlowFake.peak,
            "wall_s": round(wall, 3), "ideal_s": ideal, "ratio": round(wall / ideal, 3)}


if __name__ == "__main__":
    print(json.dumps(asyncio.run(main())))
