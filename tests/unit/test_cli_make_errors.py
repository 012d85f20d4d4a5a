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
        ({"OPENAI_API_KEY": "sk-test-doctor"}, "OPENAI_API_KEY alone does not choose"),  # a key for Sora/voices
        ({"OPENAI_API_KEY": "sk-test-doctor", "REELFORGE_LLM_MODEL": "gpt-4.1-mini"}, "llm"),
        ({"OPENAI_API_KEY": "sk-test-doctor", "REELFORGE_BRAIN": "offline"}, "REELFORGE_BRAIN=offline"),
        ({"REELFORGE_BRAIN": "llm"}, "needs OPENAI_BASE_URL"),
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


@pytest.mark.parametrize(
    ("extra", "needle"),
    [
        (["--preference", "cheapest"], "--preference must be one of"),
        (["--language", "english please"], "--language must be a language code"),
        (["--caption-style", "comic"], "--caption-style must be one of"),
        (["--outline", "missing.md"], "outline file missing.md does not exist"),
        (["--script", "a.md", "--url", "https://example.com/a"], "give one source, not --script and --url"),
    ],
)
def test_make_rejects_bad_brief_fields(extra, needle):
    result = runner.invoke(app, ["make", "bees", *extra])
    assert result.exit_code == 2, result.output
    assert needle in " ".join(result.output.split())


def test_every_brief_field_can_be_set_from_the_command_line(tmp_path):
    from reelforge.ui.cli_make import build_brief

    outline = tmp_path / "outline.md"
    outline.write_text("- what compost is\n- how to start\n")
    brief = build_brief("", script=None, outline=outline, duration=45, aspect="16:9,9:16", voice="auto",
                        music="calm", budget=2.0, language="fr", preference="cheap", captions=False,
                        caption_style="box", title="Compost", audience="kids", tone="playful",
                        style="motion graphics")
    assert (brief.source_kind, brief.language, brief.preference, brief.captions) == ("outline", "fr", "cheap", False)
    assert (brief.caption_preset, brief.title, brief.audience, brief.tone, brief.style) == (
        "box", "Compost", "kids", "playful", "motion graphics")
    assert brief.goal == "Compost" and "how to start" in brief.source_text
