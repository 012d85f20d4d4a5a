"""`reelforge models` and `reelforge models --explain` through the real Typer app."""

from __future__ import annotations

import json

import typer
from typer.testing import CliRunner

from reelforge.ui.cli_models import register

FAMILIES = ("kling", "minimax", "veo", "runway", "sora", "seedance", "luma", "pika", "wan", "ltx")


def app() -> typer.Typer:
    a = typer.Typer()
    register(a)

    @a.command("noop")
    def noop() -> None:  # a second command keeps Typer in multi-command mode
        pass

    return a


def test_models_json_lists_every_family_with_availability(monkeypatch):
    monkeypatch.setenv("FAL_KEY", "fal-secret-value-123")
    res = CliRunner().invoke(app(), ["models", "--json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    assert set(FAMILIES) <= {m["family"] for m in data}
    pika = next(m for m in data if m["id"] == "pika-2-2")
    assert pika["available"] and pika["gateway"] == "fal" and pika["price_per_s"] > 0 and "9:16" in pika["aspects"]
    sora = next(m for m in data if m["id"] == "sora-2")
    assert not sora["available"] and "2026-09-24" in sora["why_unavailable"]
    assert "fal-secret-value-123" not in res.output


def test_explain_json_ranks_fast_action_models(monkeypatch):
    monkeypatch.setenv("FAL_KEY", "k")
    res = CliRunner().invoke(app(), ["models", "--explain", "a skateboarder lands a kickflip, handheld tracking shot",
                                     "--aspect", "9:16", "--seconds", "5", "--json"])
    assert res.exit_code == 0, res.output
    ranked = json.loads(res.output)
    assert ranked[0]["rank"] == 1 and "fast_action" in ranked[0]["traits"] and ranked[0]["family"] != "motion"
    assert all(r["reason"] for r in ranked)


def test_bad_aspect_is_a_clear_error():
    res = CliRunner().invoke(app(), ["models", "--explain", "x", "--aspect", "7:3"])
    assert res.exit_code == 2 and "--aspect must be one of" in res.output
