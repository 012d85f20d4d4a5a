"""Prompt templates as text files: ``load_prompt("planner")`` reads ``prompts/planner.md``."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

PROMPTS_DIR = Path(__file__).resolve().parent
_NAME = re.compile(r"^[a-z0-9][a-z0-9_\-]*$")


@lru_cache(maxsize=64)
def load_prompt(name: str) -> str:
    """The text of ``prompts/<name>.md``. Raises ValueError for a bad name, FileNotFoundError when missing."""
    if not _NAME.match(name):
        raise ValueError(f"invalid prompt name {name!r}: use lowercase letters, digits, '_' or '-'")
    path = PROMPTS_DIR / f"{name}.md"
    if not path.is_file():
        raise FileNotFoundError(f"no prompt named {name!r} (expected {path})")
    return path.read_text(encoding="utf-8")
