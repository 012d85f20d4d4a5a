"""The outcome of one scenario run, as written to ``results.json``."""

from __future__ import annotations

from pydantic import BaseModel, Field

from reelforge.evals.graders import Check


class ScenarioResult(BaseModel):
    id: str
    title: str = ""
    tags: list[str] = Field(default_factory=list)
    brain: str = "offline"
    passed: bool = False
    checks: list[Check] = Field(default_factory=list)
    error: str = ""  # the run itself broke (crash, timeout): the scenario fails with this reason
    seconds: float = 0.0
    turns: int = 0
    outputs: list[str] = Field(default_factory=list)
    thumbnail: str | None = None  # relative to the report dir
    transcript: str = ""
    judge: str = ""  # the LLM judge's verdict, or why it was skipped

    @property
    def failures(self) -> list[Check]:
        return [c for c in self.checks if not c.passed]

    def finish(self) -> ScenarioResult:
        """Set ``passed`` from the checks and the error."""
        self.passed = not self.error and bool(self.checks) and not self.failures
        return self
