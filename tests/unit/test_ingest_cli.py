"""`reelforge read` / `reelforge plan` through typer's runner."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from reelforge.ui.cli import app

runner = CliRunner()
ARTICLES = Path(__file__).resolve().parents[1] / "fixtures" / "articles"


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


def test_plan_outline_and_bulleted_script(tmp_path):
    notes = tmp_path / "sleep.md"
    notes.write_text("- why sleep matters\n  - memory\n- how much you need\n- tips for better sleep\n")
    as_outline = json.loads(runner.invoke(app, ["plan", "--outline", str(notes), "--json"]).stdout)
    assert as_outline["scenes"][0]["narration"] == "First, why sleep matters. Memory."
    as_script = runner.invoke(app, ["plan", "--script", str(notes), "--duration", "10", "--json"])
    assert as_script.exit_code == 0, as_script.output
    said = " ".join(s["narration"] for s in json.loads(as_script.stdout)["scenes"]).lower()
    assert "first," not in said and "sleep matters" in said  # a script keeps the writer's words


def test_read_and_plan_an_article_url_on_loopback(monkeypatch):
    from fakes.server import FakeApp, serve

    site = FakeApp()
    page = (ARTICLES / "wetlands.html").read_bytes()
    site.route("GET", "/marrowby")(lambda r: (200, page, {"Content-Type": "text/html; charset=utf-8"}))
    with serve(site):
        url = f"{site.base_url}/marrowby"
        refused = runner.invoke(app, ["read", url])
        assert refused.exit_code == 2 and "REELFORGE_ALLOW_PRIVATE_URLS" in refused.output
        monkeypatch.setenv("REELFORGE_ALLOW_PRIVATE_URLS", "1")
        read = runner.invoke(app, ["read", url, "--json"])
        assert read.exit_code == 0, read.output
        doc = json.loads(read.stdout)
        assert "Marrowby" in doc["title"] and doc["language"] == "en" and doc["url"] == url
        assert {"byline", "date", "lead_image", "text"} <= set(doc)
        plan = runner.invoke(app, ["plan", "--url", url, "--duration", "30", "--aspect", "16:9", "--json"])
        assert plan.exit_code == 0, plan.output
        board = json.loads(plan.stdout)
        assert all(s["source_sentences"] and s["narration"] == " ".join(s["source_sentences"]) for s in board["scenes"])
        assert all(sent in doc["text"] for s in board["scenes"] for sent in s["source_sentences"])
