"""`reelforge voice ...` and `reelforge music list` through the real Typer app."""

from __future__ import annotations

import json

import numpy as np
import pytest
from fakes import elevenlabs as fake
from fakes.server import serve
from typer.testing import CliRunner

from reelforge.tools.media import write_wav
from reelforge.tools.settings import get_settings
from reelforge.tools.voice import espeak_engine, list_clones, synthesize
from reelforge.ui.cli import app

runner = CliRunner()


def test_cli_clone_refused_without_consent(tmp_path):
    sample = write_wav(tmp_path / "me.wav", np.zeros(8000 * 12), 8000)
    result = runner.invoke(app, ["voice", "clone", "Me", str(sample)])
    assert result.exit_code == 2 and "refused" in result.output and list_clones(get_settings()) == []


def test_cli_clone_with_consent_then_delete(tmp_path, monkeypatch):
    t = np.arange(8000 * 12) / 8000
    sample = write_wav(tmp_path / "me.wav", 0.3 * np.sin(2 * np.pi * 170 * t), 8000)
    with serve(fake.make_app()) as fapp:
        monkeypatch.setenv("ELEVENLABS_API_KEY", fake.KEY)
        monkeypatch.setenv("REELFORGE_ELEVENLABS_BASE_URL", fapp.base_url)
        result = runner.invoke(app, ["voice", "clone", "Me", str(sample), "--consent", "It is my own voice.",
                                     "--by", "Sam"])
        assert result.exit_code == 0, result.output
        [clone] = list_clones(get_settings())
        assert clone.consent.affirmed_by == "Sam" and clone.consent.text == "It is my own voice."
        listed = runner.invoke(app, ["voice", "list", "--json"])
        entry = next(v for v in json.loads(listed.output) if v["id"] == clone.id)
        assert entry["consent"]["affirmed_by"] == "Sam"
        assert runner.invoke(app, ["voice", "delete", clone.id]).exit_code == 0
        assert list_clones(get_settings()) == []


def test_cli_music_list_json_has_every_mood():
    result = runner.invoke(app, ["music", "list", "--json"])
    assert result.exit_code == 0
    assert {m for t in json.loads(result.output) for m in t["moods"]} >= {"upbeat", "calm", "dramatic", "corporate",
                                                                          "playful", "dark"}


def test_cli_voice_list_search_filters_offline_voices():
    result = runner.invoke(app, ["voice", "list", "--json", "--search", "espeak"])
    assert result.exit_code == 0, result.output
    assert [v["id"] for v in json.loads(result.output)] == ["espeak"]


@pytest.mark.skipif(not espeak_engine.available(), reason="espeak-ng is not installed")
def test_cli_voice_align_gives_word_timings_for_an_upload(tmp_path):
    upload = synthesize("The harbour wakes at dawn. Boats rock gently.", voice="espeak")
    text = tmp_path / "said.txt"
    text.write_text("The harbour wakes at dawn. Boats rock gently.")
    result = runner.invoke(app, ["voice", "align", upload.asset.path, str(text), "--json"])
    assert result.exit_code == 0, result.output
    words = json.loads(result.output)
    assert [w["word"] for w in words] == ["The", "harbour", "wakes", "at", "dawn.", "Boats", "rock", "gently."]
    assert all(a["start"] <= b["start"] for a, b in zip(words, words[1:], strict=False))
    truth = {w.word: w.start for w in upload.words}
    assert abs(words[5]["start"] - truth["Boats"]) < 0.25  # espeak speech aligned against the reference voice
    assert runner.invoke(app, ["voice", "align", str(tmp_path / "none.wav"), "hi"]).exit_code == 2
