"""`reelforge make` refuses bad input with exit 2 and a one-line reason, before doing any work."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from reelforge.ui.cli import app

runner = CliRunner()


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["make", "bees", "--duration", "0"], "--duration"),
        (["make", "bees", "--duration", "-5"], "--duration"),
        (["make", "bees", "--duration", "1801"], "at most 1800"),
        (["make", "bees", "--aspect", "7:3"], "unknown aspect ratio '7:3'"),
        (["make", "--script", "missing.md"], "does not exist"),
        (["make", ""], "give a prompt"),
    ],
)
def test_make_rejects_bad_input(args, needle):
    result = runner.invoke(app, args)
    assert result.exit_code == 2, result.output
    assert needle in result.output
    assert "Traceback" not in result.output


def test_make_rejects_empty_script(tmp_path):
    script = tmp_path / "empty.md"
    script.write_text("  \n\n")
    result = runner.invoke(app, ["make", "--script", str(script)])
    assert result.exit_code == 2
    assert "is empty" in result.output


def test_make_rejects_unwritable_output_dir(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    result = runner.invoke(app, ["make", "bees", "-o", str(blocker / "sub")])
    assert result.exit_code == 2
    assert "not writable" in result.output


def test_presenter_needs_consent(tmp_path):
    photo = tmp_path / "me.png"
    photo.write_bytes(b"not really a png")
    result = runner.invoke(app, ["make", "bees", "--presenter", str(photo)])
    assert result.exit_code == 2
    assert "--consent" in result.output


def test_presenter_upload_must_be_media(tmp_path):
    bogus = tmp_path / "me.png"
    bogus.write_bytes(b"%PDF-1.4 definitely not an image")
    result = runner.invoke(app, ["make", "bees", "--presenter", str(bogus), "--consent", "It is me, I consent"])
    assert result.exit_code == 2
    assert "Traceback" not in result.output and result.output.strip()


@pytest.mark.parametrize(
    ("env", "needle"),
    [
        ({}, "offline"),
        ({"OPENAI_API_KEY": "sk-test-doctor"}, "llm"),
        ({"OPENAI_API_KEY": "sk-test-doctor", "REELFORGE_BRAIN": "offline"}, "REELFORGE_BRAIN=offline"),
        ({"REELFORGE_BRAIN": "llm"}, "neither OPENAI_API_KEY"),
    ],
)
def test_doctor_reports_the_brain_the_agent_will_use(monkeypatch, env, needle):
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    result = runner.invoke(app, ["doctor"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    row = next(line for line in result.output.splitlines() if "brain" in line)
    assert needle in row, row
    assert "sk-test-doctor" not in result.output
