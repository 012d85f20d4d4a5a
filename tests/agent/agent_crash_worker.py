"""Subprocess for the crash-and-resume test: ``start`` runs to production and prints events as JSON
lines (the test kills it mid-production); ``resume`` finishes the same thread in a new process."""

from __future__ import annotations

import asyncio
import sys

from fakes.agent_studio import FakeStudio

from reelforge.agent.brains.offline import OfflineDirector
from reelforge.agent.review import ReviewDecision
from reelforge.agent.service import AgentService


async def main(phase: str, thread_id: str) -> None:
    studio = FakeStudio(shot_delay_s=0.6)
    async with AgentService.open(studio=studio, brain=OfflineDirector()) as svc:
        if phase == "start":
            tid = await svc.new_thread(thread_id=thread_id)
            async for ev in svc.send(tid, "a 9 second teaser for a coffee shop, vertical"):
                print(ev.model_dump_json(), flush=True)
            stream = svc.resume(tid, ReviewDecision(action="approve"))
        else:
            print(f"pending {(await svc.threads())[0].interrupted}", flush=True)
            stream = svc.continue_run(thread_id)
        async for ev in stream:
            print(ev.model_dump_json(), flush=True)


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2]))
