"""Drive :class:`agent.service.AgentService` through one scenario's turns, in this process.

The caller has already prepared the environment (its own ``REELFORGE_HOME``, no real keys); this module
starts the loopback fixture server and the fake provider, plays the turns (or a simulated user), records a
:class:`Transcript` and grades it.
"""

from __future__ import annotations

import asyncio
import math
import os
import shutil
import struct
import time
import wave
from contextlib import AsyncExitStack, ExitStack
from pathlib import Path
from typing import Any

from reelforge.agent.review import ReviewDecision
from reelforge.agent.service import AgentService
from reelforge.evals.fake_llm import ScriptedLLM
from reelforge.evals.fake_provider import fal_fake
from reelforge.evals.graders import grade, nothing_before_approval
from reelforge.evals.llm_roles import configured_llm, next_user_turn
from reelforge.evals.loopback import closed_port, serve, static_handler
from reelforge.evals.result import ScenarioResult
from reelforge.evals.scenario import FIXTURES_DIR, Scenario, Turn
from reelforge.evals.transcript import Transcript, TurnRecord

FAKE_FAL_KEY = "eval-fake-fal-key"


def write_voice_sample(path: Path, seconds: float = 2.0, rate: int = 16000) -> Path:
    """A short spoken-range tone as a WAV file (a stand-in voice sample; never committed)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(b"".join(struct.pack("<h", int(8000 * math.sin(2 * math.pi * 180 * i / rate)))
                               for i in range(int(seconds * rate))))
    return path


class Session:
    """One scenario run: the service (reopened on ``restart``), the thread and the records."""

    def __init__(self, scenario: Scenario, work: Path, brain: str) -> None:
        self.scenario = scenario
        self.work = work
        self.brain = brain
        self.subs: dict[str, str] = {"fixtures": str(FIXTURES_DIR), "work": str(work)}
        self.transcript = Transcript()
        self.llm: ScriptedLLM | None = None
        self.svc: AgentService | None = None
        self.tid = ""
        self._svc_stack = AsyncExitStack()

    def fmt(self, text: str) -> str:
        for k, v in self.subs.items():
            text = text.replace("{" + k + "}", v)
        return text

    def prepare(self, stack: ExitStack) -> None:
        """Fixture server, fake provider, registry override and generated files; all scenario-local."""
        self.subs["server"] = stack.enter_context(serve(static_handler(FIXTURES_DIR)))
        fake = self.scenario.fake_provider
        if fake is not None:
            url = closed_port() if fake.mode == "unreachable" else stack.enter_context(serve(fal_fake(fake.mode)))
            os.environ["FAL_KEY"] = FAKE_FAL_KEY
            os.environ["REELFORGE_FAL_BASE_URL"] = url
            self.subs["provider"] = url
        if self.scenario.fake_llm is not None:
            spec = self.scenario.fake_llm
            self.llm = ScriptedLLM(turns=list(spec.turns), then=spec.then, readings=list(spec.readings))
            url = stack.enter_context(serve(self.llm.handler()))
            os.environ.update(OPENAI_BASE_URL=url + "/v1", REELFORGE_LLM_MODEL="fake-model", REELFORGE_BRAIN="llm",
                              REELFORGE_LLM_STREAMING="true" if spec.stream else "false")
        home = Path(os.environ["REELFORGE_HOME"])
        home.mkdir(parents=True, exist_ok=True)
        if self.scenario.models_toml:
            (home / "models.toml").write_text(self.fmt(self.scenario.models_toml), encoding="utf-8")
        for name, kind in self.scenario.make_files.items():
            if kind == "voice_sample":
                write_voice_sample(self.work / name)

    async def open(self) -> None:
        self.svc = await self._svc_stack.enter_async_context(AgentService.open())

    async def close(self) -> None:
        await self._svc_stack.aclose()
        self.svc = None

    async def play(self, index: int, turn: Turn) -> TurnRecord:
        """Send one turn; record its events and the thread's state afterwards."""
        started = time.monotonic()
        calls_before = self.llm.calls if self.llm is not None else 0
        record = TurnRecord(index=index, label=self.fmt(turn.label))
        if turn.restart:
            await self.close()
            await self.open()
            stream = self.svc.continue_run(self.tid)
        elif turn.decide is not None:
            stream = self.svc.resume(self.tid, ReviewDecision.parse(self.fmt(turn.decide)))
        else:
            stream = self.svc.send(self.tid, self.fmt(turn.say or ""),
                                   attachments=[self.fmt(a) for a in turn.attachments], brief_patch=turn.brief_patch)
        async for ev in stream:
            record.events.append(ev)
        record.production = await self.svc.production(self.tid)
        record.pending = await self.svc.pending(self.tid)
        record.seconds = round(time.monotonic() - started, 2)
        record.model_calls = (self.llm.calls - calls_before) if self.llm is not None else 0
        self.transcript.turns.append(record)
        return record

    async def run(self) -> list[Any]:
        """Play every turn (or the simulated user); return the checks."""
        await self.open()
        self.tid = await self.svc.new_thread(origin="eval", user="eval-user", thread_id=f"eval:{self.scenario.id}")
        checks: list[Any] = []
        try:
            sim = self.scenario.simulated_user
            llm = configured_llm() if sim is not None and self.brain == "llm" else None
            if sim is not None and llm is not None:
                for i in range(sim.max_turns):
                    text = await next_user_turn(sim.instructions, self.transcript.as_text(), llm)
                    if text is None:
                        break
                    await self.play(i + 1, Turn(say=text))
            else:
                for i, turn in enumerate(self.scenario.turns, start=1):
                    previous = self.transcript.last
                    record = await self.play(i, turn)
                    checks += grade(turn.expect, [record], f"turn {i}", previous)
        finally:
            await self.close()
        checks += grade(self.scenario.expect, self.transcript.turns, "final")
        checks.append(nothing_before_approval(self.transcript.turns))
        return checks


def _thumbnail(record: TurnRecord | None, report_dir: Path, scenario_id: str) -> str | None:
    """Copy the video's thumbnail (else the first storyboard keyframe) into the report; its relative path."""
    if record is None or record.production is None:
        return None
    prod = record.production
    candidates: list[str | None] = []
    if prod.manifest_path:
        for name in Path(prod.manifest_path).parent.glob("*-thumb.*"):
            candidates.append(str(name))
    if prod.storyboard is not None and prod.storyboard.scenes:
        candidates.append(prod.storyboard.scenes[0].thumbnail)
    src = next((Path(c) for c in candidates if c and Path(c).is_file()), None)
    if src is None:
        return None
    dest = report_dir / "thumbs" / f"{scenario_id}{src.suffix}"
    dest.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(src, dest)
    return dest.relative_to(report_dir).as_posix()


async def run_here(scenario: Scenario, work: Path, report_dir: Path, brain: str = "offline") -> ScenarioResult:
    """Run ``scenario`` in this process (environment already isolated) and grade it."""
    started = time.monotonic()
    session = Session(scenario, work, brain)
    result = ScenarioResult(id=scenario.id, title=scenario.title, tags=scenario.tags, brain=brain)
    with ExitStack() as stack:
        session.prepare(stack)
        try:
            result.checks = await asyncio.wait_for(session.run(), scenario.timeout_s)
        except TimeoutError:
            result.error = f"timed out after {scenario.timeout_s:g} s"
        except Exception as exc:  # noqa: BLE001 - a broken run is a failed scenario with its reason
            result.error = f"{type(exc).__name__}: {exc}".splitlines()[0][:500]
    last = session.transcript.last
    result.turns = len(session.transcript.turns)
    result.transcript = session.transcript.as_text()
    result.outputs = [o.path for o in last.production.outputs] if last and last.production else []
    result.thumbnail = _thumbnail(last, report_dir, scenario.id)
    result.seconds = round(time.monotonic() - started, 1)
    return result.finish()
