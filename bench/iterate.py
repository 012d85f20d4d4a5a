"""Iteration benchmark (not a test): how long an edit after delivery and a preview take against a full render.

    .venv/bin/python bench/iterate.py [--keep DIR]

Offline, in a fresh data directory, through :class:`agent.service.AgentService` (the call every front door
uses): a 60 s vertical explainer is planned from an eleven-paragraph script (one shot per scene) and approved,
produced and assembled (``full_render_s``: approval to delivery); then one scene in the middle is edited in
chat after delivery ("edit 5 ..."), version 2 is approved and delivered (``edit_render_s``: from the edit
message to the delivery of version 2); then a fresh 60 s storyboard on another subject is previewed
(``preview_s``, from another script). ``shots_regenerated_on_edit`` counts clips version 2 made that version 1 did not have.
The last line printed is one JSON object.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

SCRIPT = """\
Under every healthy garden there is a quiet workforce that never takes a day off.

Earthworms tunnel through the ground, opening paths for air and rainwater to reach the roots.

As they move, they swallow soil and fallen leaves, grinding both into something new.

What comes out the other end are castings, tiny pellets packed with nutrients plants love.

Their burrows also help the soil drain, so roots do not drown after a heavy storm.

Worms pull leaves down from the surface, mixing the top layer with the earth below.

Over one season a busy worm population can turn over tonnes of soil in a single field.

Gardeners can help them by adding compost, keeping mulch on the beds and skipping harsh chemicals.

Some worms live near the surface in leaf litter, while others dig burrows deeper than a metre.

A single square metre of rich garden soil can hold hundreds of them, working day and night.

So next time you dig and find a worm, thank it: your garden runs on its quiet work.
"""
PREVIEW_SCRIPT = """A honeybee visits up to a thousand flowers on a single sunny afternoon.

At each one she sips nectar and stores it in a special honey stomach.

Back at the hive she passes the nectar to a younger worker, mouth to mouth.

Enzymes from the bees begin turning the sugars into something new.

The workers spread the nectar across the wax cells of the honeycomb.

Thousands of wings fan the comb, drying the nectar until it thickens.

When it is thick enough, the bees seal each cell with a cap of fresh wax.

A strong colony can make more than twenty kilograms of honey in a good summer.

That stored honey feeds the whole colony through the long cold winter.

Beekeepers take only the surplus, leaving the bees enough to survive.

So every spoonful of honey holds the work of thousands of tiny wings.
"""
REQUEST = "make a 60 second vertical explainer from this script"
EDIT = "show earthworms turning the soil, close up"
PREVIEW_REQUEST = "make a 60 second vertical explainer about honeybees from this script"


def _of(events: list, kind: str) -> list:
    return [e for e in events if e.type == kind]


async def _collect(stream) -> list:
    return [ev async for ev in stream]


async def run(work: Path) -> dict:
    from reelforge.agent.service import AgentService

    script, other_script = work / "earthworms.txt", work / "honeybees.txt"
    script.write_text(SCRIPT)
    other_script.write_text(PREVIEW_SCRIPT)
    async with AgentService.open() as svc:
        await svc.warm()  # as a front door does before serving
        tid = await svc.new_thread(origin="bench")
        t0 = time.perf_counter()
        events = await _collect(svc.send(tid, REQUEST, attachments=[str(script)]))
        storyboard_s = time.perf_counter() - t0
        boards = _of(events, "storyboard")
        if not boards:
            raise SystemExit(f"no storyboard: {[getattr(e, 'text', getattr(e, 'message', '')) for e in events]}")
        review = boards[-1].review

        t0 = time.perf_counter()
        events = await _collect(svc.send(tid, "approve"))
        full_render_s = time.perf_counter() - t0
        if not _of(events, "video"):
            raise SystemExit(f"no video: {[getattr(e, 'message', '') for e in _of(events, 'error')]}")
        first = await svc.production(tid)

        middle = len(review.scenes) // 2
        scene = min(review.scenes, key=lambda s: (len(s.shots) != 1, abs(s.number - 1 - middle))).number
        t0 = time.perf_counter()
        events = await _collect(svc.send(tid, f"edit {scene} {EDIT}"))
        if not _of(events, "storyboard"):
            raise SystemExit("the edit after delivery did not open a new version for review")
        events = await _collect(svc.send(tid, "approve"))
        edit_render_s = time.perf_counter() - t0
        if not _of(events, "video"):
            raise SystemExit(f"no version 2: {[getattr(e, 'message', '') for e in _of(events, 'error')]}")
        second = await svc.production(tid)
        before = {a.key for a in first.assets.clips.values()}
        regenerated = [sid for sid, a in second.assets.clips.items() if a.key not in before]
        edited_shots = len(next(s for s in second.storyboard.scenes if s.index == scene).shots)
        out = second.outputs[0]

        other = await svc.new_thread(origin="bench")
        if not _of(await _collect(svc.send(other, PREVIEW_REQUEST, attachments=[str(other_script)])), "storyboard"):
            raise SystemExit("no storyboard to preview")
        t0 = time.perf_counter()
        events = await _collect(svc.preview(other))
        preview_s = time.perf_counter() - t0
        made = _of(events, "preview")
        if not made:
            raise SystemExit(f"no preview: {[getattr(e, 'message', '') for e in _of(events, 'error')]}")
    return {
        "storyboard_s": round(storyboard_s, 2), "full_render_s": round(full_render_s, 2),
        "edit_render_s": round(edit_render_s, 2), "edit_ratio": round(edit_render_s / full_render_s, 3),
        "preview_s": round(preview_s, 2), "preview_ratio": round(preview_s / full_render_s, 3),
        "shots_regenerated_on_edit": len(regenerated), "edited_scene": scene, "edited_scene_shots": edited_shots,
        "scenes": len(review.scenes), "shots": sum(len(s.shots) for s in review.scenes),
        "video_s": round(out.duration_s, 2), "segments": out.segments, "segments_encoded_on_edit": out.segments_encoded,
        "edit_qc": out.qc.summary(), "preview": f"{made[0].width}x{made[0].height}, {made[0].duration_s:.1f} s",
        "deliveries": [d.number for d in second.deliveries],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", type=Path, default=None, help="data directory to use and keep (default: a temp dir)")
    args = parser.parse_args()
    work = args.keep or Path(tempfile.mkdtemp(prefix="reelforge-iterate-"))
    work.mkdir(parents=True, exist_ok=True)
    os.environ["REELFORGE_HOME"] = str(work / "home")  # cold caches: nothing reused from other runs
    os.environ.setdefault("REELFORGE_BRAIN", "offline")
    result = asyncio.run(run(work))
    print(json.dumps(result))


if __name__ == "__main__":
    main()
