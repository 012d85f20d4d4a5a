"""What a prompt says about its own video ("a 15 second vertical teaser, no music, $3") for the commands that
also take flags: a flag the person gave wins; otherwise the prompt's words decide, then the defaults."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

#: Brief fields a prompt may set, with the command-line defaults used when neither flag nor prompt says.
DEFAULTS: dict[str, Any] = {"duration_s": 30.0, "aspects": "9:16", "music_mood": "auto", "captions": True,
                            "budget_usd": None, "language": None, "preference": None}


def prompt_fields(prompt: str) -> dict[str, Any]:
    """The brief fields the prompt's own words give (length, formats, budget, language, captions, music)."""
    if not prompt.strip():
        return {}
    from reelforge.agent.brains.parse import parse_request

    patch = parse_request(prompt).patch
    out = {k: v for k, v in patch.items() if k in DEFAULTS}
    if isinstance(out.get("aspects"), list):
        out["aspects"] = ",".join(out["aspects"])
    return out


def resolve(prompt: str, **flags: Any) -> dict[str, Any]:
    """Each field from its flag when given (not None), else from the prompt, else the default."""
    said = prompt_fields(prompt)
    return {k: flags[k] if flags.get(k) is not None else said.get(k, DEFAULTS[k]) for k in DEFAULTS if k in flags}


# --- the brief flags that `make`, `preview` and `plan` share (one definition each) ----------------------------

Prompt = Annotated[str, typer.Argument(help="What the video is about.")]
ScriptOpt = Annotated[Path | None, typer.Option("--script", help="A script file: one paragraph or heading per scene.")]
OutlineOpt = Annotated[Path | None, typer.Option("--outline", help="An outline file: one bullet or heading per point; "
                                                 "reelforge writes the narration.")]
UrlOpt = Annotated[str | None, typer.Option("--url", help="An article to turn into a video (its facts only).")]
DurationOpt = Annotated[float | None, typer.Option("--duration", help="Target length in seconds (default: what the "
                                                   "prompt says, else 30).")]
AspectOpt = Annotated[str | None, typer.Option("--aspect", help="Comma-separated: 9:16,16:9,1:1,4:5 (default: what the "
                                               "prompt says, e.g. 'vertical', 'for YouTube', else 9:16).")]
MusicOpt = Annotated[str, typer.Option("--music", help="auto, upbeat, calm, dramatic, corporate, playful, dark, none.")]
