"""Prompt templates as text files next to this module, loaded by name."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

_DIR = Path(__file__).parent


@lru_cache(maxsize=32)
def load_prompt(name: str) -> str:
    """The text of ``prompts/<name>.md``; raises ``FileNotFoundError`` naming the missing prompt."""
    path = _DIR / f"{name}.md"
    if not path.is_file():
        raise FileNotFoundError(f"no prompt named {name!r} (looked for {path})")
    return path.read_text(encoding="utf-8")
