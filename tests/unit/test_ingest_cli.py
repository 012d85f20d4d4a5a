"""`reelforge read` / `reelforge plan` through typer's runner."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from ui.cli import app

runner = CliRunner()


def test_plan_script_json(tmp_path):
    script = tmp_path / "tide.md"
    script.write_text("# Tides\n\n## Moon\nThe moon pulls the sea. [VISUAL: full moon over water]\n\n"
                      "## Coast\nTwice a day the water rises.\n")
    result = runner.invoke(app, ["plan", "--script", str(script), "--duration", "6", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert [s["narration"] for s in data["scenes"]] == ["The moon pulls the sea.", "Twice a day the water rises."]
    shot = data["scenes"][0]["shots"][0]
    assert "full moon over water" in shot["visual_prompt"] and shot["seconds"] > 0 and shot["traits"]


def test_bad_input_exits_2(tmp_path):
    assert runner.invoke(app, ["read", "ftp://example.com/x"]).exit_code == 2
    assert runner.invoke(app, ["read", "http://127.0.0.1/"]).exit_code == 2
    assert runner.invoke(app, ["read", str(tmp_path / "missing.txt")]).exit_code == 2
    result = runner.invoke(app, ["plan", "bees", "--aspect", "7:3"])
    assert result.exit_code == 2 and "unknown aspect" in result.output
    assert runner.invoke(app, ["plan"]).exit_code == 2
