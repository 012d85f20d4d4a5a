"""Brains for the director: any OpenAI-compatible chat model, or the built-in offline director."""

from __future__ import annotations

from langchain_core.language_models import BaseChatModel

from reelforge.tools.settings import Settings


def llm_configured(settings: Settings) -> bool:
    """True when an OpenAI-compatible endpoint is configured (a key, or a base URL such as Ollama's)."""
    return bool(settings.secret("OPENAI_API_KEY") or settings.secret("OPENAI_BASE_URL"))


def make_brain(settings: Settings) -> BaseChatModel:
    """``REELFORGE_BRAIN``: ``llm`` (ChatOpenAI), ``offline`` (rule-based), or ``auto`` (llm when configured)."""
    choice = settings.brain.lower()
    if choice not in ("auto", "llm", "offline"):
        raise ValueError(f"REELFORGE_BRAIN must be auto, llm or offline, not {settings.brain!r}")
    if choice == "llm" or (choice == "auto" and llm_configured(settings)):
        from reelforge.agent.brains.llm import llm_brain

        return llm_brain(settings)
    from reelforge.agent.brains.offline import OfflineDirector

    return OfflineDirector()


def reads_replies(brain: BaseChatModel) -> bool:
    """Whether review replies go to this brain as structured-output requests: an OpenAI-compatible chat
    model does; the offline director and scripted test models leave them to the offline reading."""
    from langchain_openai.chat_models.base import BaseChatOpenAI

    return isinstance(brain, BaseChatOpenAI)
