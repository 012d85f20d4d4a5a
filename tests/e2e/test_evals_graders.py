"""Graders on hand-made turn records: each expectation passes or fails with a message naming it."""

from __future__ import annotations

from reelforge.agent.events import Message, Progress, ToolObservation
from reelforge.agent.state import Production
from reelforge.evals.graders import grade, nothing_before_approval
from reelforge.evals.scenario import Expect
from reelforge.evals.transcript import TurnRecord
from reelforge.tools.production import Brief


def _record(*tools: str, produced: bool = False, approved: int | None = None) -> TurnRecord:
    events = [ToolObservation(name=t, text=f"{t} done", ok=not t.startswith("!")) for t in tools]
    events.append(Message(text="Which format do you want?"))
    if produced:
        events.append(Progress(stage="clips", status="generating"))
    prod = Production(brief=Brief(goal="a cafe teaser", duration_s=12, aspects=["9:16"]), approved_version=approved)
    return TurnRecord(index=1, label="say: x", events=events, production=prod)


def test_tools_brief_and_questions() -> None:
    rec = _record("update_brief", "plan_scenes", "submit_storyboard")
    exp = Expect.model_validate({
        "tools": {"sequence": ["update_brief", "submit_storyboard"], "excludes": ["produce_video"]},
        "brief": {"duration_s": {"min": 10, "max": 15}, "goal": {"contains": "cafe"}}, "questions": 1})
    assert all(c.passed for c in grade(exp, [rec], "turn 1"))
    bad = Expect.model_validate({"tools": {"sequence": ["submit_storyboard", "update_brief"]},
                                 "brief": {"aspects": ["1:1"]}, "questions": 0})
    failed = {c.name: c.message for c in grade(bad, [rec], "turn 1") if not c.passed}
    assert set(failed) == {"turn 1 · tools.sequence", "turn 1 · brief.aspects", "turn 1 · questions"}
    assert "'update_brief' never came" in failed["turn 1 · tools.sequence"]
    assert failed["turn 1 · brief.aspects"] == "expected ['1:1'], got ['9:16']"


def test_production_before_approval_breaks_the_invariant() -> None:
    assert nothing_before_approval([_record(produced=False), _record(produced=True, approved=1)]).passed
    check = nothing_before_approval([_record(produced=True)])
    assert not check.passed and "without an approved storyboard" in check.message
