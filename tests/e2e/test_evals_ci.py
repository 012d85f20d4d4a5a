"""The fast CI subset of the scripted agent evals (scenarios tagged ``ci``), through `reelforge eval`."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from reelforge.evals.scenario import load_scenarios
from reelforge.ui.cli import app

pytestmark = pytest.mark.slow


def test_every_bundled_scenario_loads_and_the_ci_subset_is_small() -> None:
    every = load_scenarios()
    ci = load_scenarios(tags=["ci"])
    assert len(every) >= 20
    assert 6 <= len(ci) <= 12  # the subset stays well under 5 minutes (most never produce a video)
    assert all(s.turns for s in every)


@pytest.mark.timeout(420)
def test_ci_scenarios_pass(tmp_path) -> None:
    report = tmp_path / "report"
    result = CliRunner().invoke(app, ["eval", "--tag", "ci", "--brain", "offline", "--report", str(report),
                                      "--jobs", "2", "--no-judge"])
    data = json.loads((report / "results.json").read_text())
    failures = {s["id"]: s["error"] or [f"{c['name']}: {c['message']}" for c in s["checks"] if not c["passed"]]
                for s in data["scenarios"] if not s["passed"]}
    assert not failures, failures
    assert result.exit_code == 0, result.output[-2000:]
    assert data["passed"] == len(load_scenarios(tags=["ci"]))
    md = (report / "report.md").read_text()
    assert "scenarios passed" in md and "![" in md  # thumbnails are linked
    assert all((report / s["thumbnail"]).is_file() for s in data["scenarios"] if s["thumbnail"])
