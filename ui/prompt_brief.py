"""What a prompt says about its own video ("a 15 second vertical teaser, no music, $3") for the commands that
also take flags: a flag the person gave wins; otherwise the prompt's words decide, then the defaults."""

from __future__ import annotations

from typing import Any

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
