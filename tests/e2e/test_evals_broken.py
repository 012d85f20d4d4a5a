"""A deliberately broken expectation fails, and the message names the expectation and says why."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from reelforge.evals.scenario import Scenario
from reelforge.ui.cli import app

BROKEN = """
id: scratch-broken
title: a vertical request with expectations that cannot hold
turns:
  - say: "a 12 second teaser for a bike shop, vertical"
    expect:
      brief: {aspects: ["16:9"], duration_s: 12.0}
      tools: {sequence: [update_brief, produce_video]}
      scenes: [40, 50]
expect:
  pending_review: true
"""


@pytest.mark.timeout(300)
def test_broken_expectation_fails_with_a_message_naming_it(tmp_path) -> None:
    (tmp_path / "scratch.yaml").write_text(BROKEN)
    report = tmp_path / "report"
    result = CliRunner().invoke(app, ["eval", "--scenarios", str(tmp_path / "*.yaml"), "--report", str(report),
                                      "--no-judge"])
    assert result.exit_code == 1, result.output[-2000:]
    (scenario,) = json.loads((report / "results.json").read_text())["scenarios"]
    assert scenario["id"] == "scratch-broken" and not scenario["passed"] and not scenario["error"]
    failed = {c["name"]: c["message"] for c in scenario["checks"] if not c["passed"]}
    assert set(failed) == {"turn 1 · brief.aspects", "turn 1 · tools.sequence", "turn 1 · scenes"}
    assert failed["turn 1 · brief.aspects"] == "expected ['16:9'], got ['9:16']"
    assert "'produce_video' never came" in failed["turn 1 · tools.sequence"]
    assert "expected 40–50" in failed["turn 1 · scenes"]
    passed = {c["name"] for c in scenario["checks"] if c["passed"]}
    assert {"turn 1 · brief.duration_s", "final · pending_review"} <= passed
    md = (report / "report.md").read_text()
    assert "`turn 1 · brief.aspects` — expected ['16:9'], got ['9:16']" in md


def test_a_misspelt_expectation_is_a_schema_error(tmp_path) -> None:
    path = tmp_path / "typo.yaml"
    path.write_text("id: typo\nturns:\n  - say: hi\n    expect: {pending_reveiw: true}\n")
    with pytest.raises(ValueError, match="pending_reveiw"):
        Scenario.load(path)
    path.write_text("id: two\nturns:\n  - {say: hi, decide: approve}\n")
    with pytest.raises(ValueError, match="exactly one of"):
        Scenario.load(path)
