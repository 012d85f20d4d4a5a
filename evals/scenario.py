"""The schema of a scenario file (``evals/scenarios/*.yaml``): scripted turns plus expectations.

A scenario is a multi-turn conversation with the director. Each turn is one of: ``say`` (a user message;
while a storyboard is pending the service reads it as a review decision), ``decide`` (a typed review
decision sent through ``AgentService.resume``) or ``restart`` (close the service and open a fresh one over
the same ``REELFORGE_HOME``, then continue the thread). Text may use ``{server}`` (the loopback fixture
server), ``{fixtures}`` (the fixtures folder) and ``{work}`` (the scenario's scratch folder).
"""

from __future__ import annotations

import fnmatch
import glob
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, model_validator

SCENARIOS_DIR = Path(__file__).parent / "scenarios"
FIXTURES_DIR = Path(__file__).parent / "fixtures"

Range = tuple[float, float]
CORE_QC = ("streams", "size", "duration", "audio_rate", "black_frames", "frozen_frames")


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ToolsExpect(Strict):
    """The trajectory: tool names the director called, in call order."""

    sequence: list[str] = Field(default_factory=list)  # appear in this order (other calls may come between)
    includes: list[str] = Field(default_factory=list)  # each called at least once, any order
    excludes: list[str] = Field(default_factory=list)  # never called
    only: list[str] | None = None  # no tool outside this set was called
    failed: list[str] = Field(default_factory=list)  # each called and its observation was an error / refusal
    max_calls: int | None = None


class RouteExpect(Strict):
    """Which model shots got: select by scene number and/or trait; then constrain the model."""

    scene: int | None = None
    trait: str | None = None
    model_in: list[str] = Field(default_factory=list)
    model_not_in: list[str] = Field(default_factory=list)
    min_strength: float | None = None  # the chosen model's registry strength for ``trait``
    paid: bool | None = None  # True: not the free offline renderer


class QCExpect(Strict):
    """Checks on every delivered file (probed again here) and on its QC report."""

    passed: bool | None = None  # every QC check of the file passed
    core: bool = True  # the core QC checks passed (CORE_QC)
    checks: list[str] = Field(default_factory=list)  # these QC checks passed too (e.g. loudness, true_peak)
    duration_s: Range | None = None
    loudness_lufs: Range | None = None
    captions: bool | None = None  # caption sidecars exist and the QC caption check passed
    audio: bool | None = None


class Expect(Strict):
    """Everything that can be expected after a turn (turn-level) or at the end (scenario-level)."""

    tools: ToolsExpect | None = None
    brief: dict[str, Any] = Field(default_factory=dict)  # field: value | {min, max} | {contains} | {in}
    scenes: Range | None = None
    storyboard_version: int | None = None
    pending_review: bool | None = None
    status: list[str] = Field(default_factory=list)  # the production status is one of these
    routing: list[RouteExpect] = Field(default_factory=list)
    within_budget: bool | None = None  # storyboard estimate and actual cost within the brief's budget
    notes_contain: list[str] = Field(default_factory=list)  # storyboard notes (e.g. Router: ...)
    storyboard_contains: list[str] = Field(default_factory=list)  # in titles, narration or visual prompts
    storyboard_not_contains: list[str] = Field(default_factory=list)
    changed_scenes: list[int] | None = None  # turn-level: exactly these scenes differ from the previous turn
    produced: bool | None = None  # anything was generated (clips/voice/music/assembly) so far
    outputs: list[str] | None = None  # delivered aspect ratios, exactly
    qc: QCExpect | None = None
    fell_back: bool | None = None  # some clip fell back (and the manifest says so)
    reply_contains: list[str] = Field(default_factory=list)  # assistant text (case-insensitive)
    reply_not_contains: list[str] = Field(default_factory=list)
    questions: int | None = None  # '?' in the assistant's reply text of this turn
    errors: bool | None = None  # an error event occurred
    narration_language: str | None = None  # narration assets were voiced in this language
    max_model_calls: int | None = None  # turn-level, with fake_llm: requests the director's LLM got this turn


class Turn(Strict):
    say: str | None = None
    decide: str | None = None
    restart: bool = False
    attachments: list[str] = Field(default_factory=list)
    brief_patch: dict[str, Any] | None = None
    expect: Expect | None = None

    @model_validator(mode="after")
    def _one_kind(self) -> Turn:
        kinds = [self.say is not None, self.decide is not None, self.restart]
        if sum(kinds) != 1:
            raise ValueError("a turn has exactly one of: say, decide, restart")
        return self

    @property
    def label(self) -> str:
        if self.restart:
            return "restart"
        return f"say: {self.say}" if self.say is not None else f"decide: {self.decide}"


class FakeProvider(Strict):
    """A loopback fake of the fal.ai queue API; every fal-hosted model is pointed at it."""

    mode: Literal["refuse", "outage", "unreachable"]  # content-policy refusal | HTTP 503 | nothing listening


class FakeLLM(Strict):
    """A scripted OpenAI-compatible server the director's LLM brain talks to (see :mod:`evals.fake_llm`): the
    scenario exercises the LLM loop (budgets, text tool calls, server errors) without a real model."""

    turns: list[dict[str, Any]] = Field(default_factory=list)
    then: dict[str, Any] | None = None  # the answer to every request after the script ran out
    readings: list[dict[str, Any]] = Field(default_factory=list)  # structured review-reply readings
    stream: bool = True  # the client streams (server-sent events) or asks for plain responses


class SimulatedUser(Strict):
    """LLM-played user (only when an LLM is configured); replaces the scripted turns."""

    instructions: str
    max_turns: int = 6


class Scenario(Strict):
    id: str
    title: str = ""
    tags: list[str] = Field(default_factory=list)
    env: dict[str, str] = Field(default_factory=dict)  # extra environment (fake keys, settings)
    models_toml: str | None = None  # written to $REELFORGE_HOME/models.toml (registry override)
    fake_provider: FakeProvider | None = None
    fake_llm: FakeLLM | None = None
    make_files: dict[str, Literal["voice_sample"]] = Field(default_factory=dict)  # {work}/<name>: generated
    turns: list[Turn]
    expect: Expect = Field(default_factory=Expect)
    rubric: str | None = None  # judged by an LLM when one is configured
    simulated_user: SimulatedUser | None = None
    timeout_s: float = 300.0
    path: str = ""

    @classmethod
    def load(cls, path: str | Path) -> Scenario:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
        return cls.model_validate({**data, "path": str(path)})


def load_scenarios(patterns: list[str] | None = None, tags: list[str] | None = None,
                   directory: Path = SCENARIOS_DIR) -> list[Scenario]:
    """Scenarios whose file name or id matches any glob (all when none), filtered by tags, sorted by file name.
    A pattern with a ``/`` is a path glob for scenario files anywhere."""
    out: list[Scenario] = []
    paths = sorted(directory.glob("*.yaml"))
    files = [Path(f) for p in patterns or [] if "/" in p for f in sorted(glob.glob(p)) if f.endswith((".yaml", ".yml"))]
    if files:  # explicit scenario files outside the bundled folder
        paths, patterns = files, None
    for path in paths:
        sc = Scenario.load(path)
        if patterns and not any(fnmatch.fnmatch(path.name, p) or fnmatch.fnmatch(sc.id, p)
                                or fnmatch.fnmatch(str(path), p) for p in patterns):
            continue
        if tags and not set(tags) & set(sc.tags):
            continue
        out.append(sc)
    ids = [s.id for s in out]
    if len(ids) != len(set(ids)):
        raise ValueError(f"duplicate scenario ids in {directory}")
    return out
