"""The language model: the one factory for the OpenAI-compatible chat model (OpenAI, Ollama, vLLM, LM Studio,
OpenRouter via langchain-openai) and the rule that decides whether the director and planner use it.

``REELFORGE_BRAIN``: ``offline`` never, ``llm`` always (an endpoint is required), ``auto`` only when an LLM is
clearly meant for the director: ``REELFORGE_LLM_MODEL`` or ``OPENAI_BASE_URL`` is set. ``OPENAI_API_KEY``
alone does not switch it on — that key is also how Sora and the OpenAI voices are paid for.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from reelforge.tools.settings import Settings

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel

BRAINS = ("auto", "llm", "offline")


def brain_choice(settings: Settings) -> tuple[bool, str]:
    """(whether the director uses the LLM, why, in plain words). ValueError for an unknown REELFORGE_BRAIN."""
    choice = settings.brain.strip().lower()
    if choice not in BRAINS:
        raise ValueError(f"REELFORGE_BRAIN must be auto, llm or offline, not {settings.brain!r}")
    key, base_url = settings.secret("OPENAI_API_KEY"), settings.secret("OPENAI_BASE_URL")
    if choice == "offline":
        return False, "REELFORGE_BRAIN=offline"
    if choice == "llm":
        if not key and not base_url:
            raise ValueError("REELFORGE_BRAIN=llm needs OPENAI_BASE_URL (a local server) or OPENAI_API_KEY")
        return True, "REELFORGE_BRAIN=llm"
    if "llm_model" in settings.model_fields_set or os.environ.get("REELFORGE_LLM_MODEL"):
        if key or base_url:
            return True, f"REELFORGE_LLM_MODEL={settings.llm_model} is set"
        return False, "REELFORGE_LLM_MODEL is set but neither OPENAI_BASE_URL nor OPENAI_API_KEY is"
    if base_url:
        return True, "OPENAI_BASE_URL is set"
    if key:
        return False, ("OPENAI_API_KEY alone does not choose the LLM director (it may be there for Sora or OpenAI "
                       "voices); set REELFORGE_LLM_MODEL or REELFORGE_BRAIN=llm to use it")
    return False, "no LLM configured (set OPENAI_BASE_URL for Ollama / vLLM / LM Studio, or REELFORGE_LLM_MODEL)"


def build_chat_model(settings: Settings) -> BaseChatModel:
    """The chat model for ``settings`` (REELFORGE_LLM_MODEL, OPENAI_API_KEY, OPENAI_BASE_URL). A base URL
    without a key (Ollama, vLLM, LM Studio) gets a placeholder key, which such servers ignore."""
    from langchain_openai import ChatOpenAI

    return ChatOpenAI(model=settings.llm_model, temperature=settings.llm_temperature,
                      base_url=settings.secret("OPENAI_BASE_URL"),
                      api_key=settings.secret("OPENAI_API_KEY") or "not-needed", timeout=120, max_retries=2,
                      disable_streaming=not settings.llm_streaming)


def chat_model(settings: Settings) -> BaseChatModel | None:
    """The chat model when :func:`brain_choice` picks the LLM, else None (the offline director and planner)."""
    try:
        use, _ = brain_choice(settings)
    except ValueError:
        return None
    return build_chat_model(settings) if use else None
