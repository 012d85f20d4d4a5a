"""The language model, when one is configured: any OpenAI-compatible chat endpoint via langchain-openai."""

from __future__ import annotations

from typing import TYPE_CHECKING

from reelforge.tools.settings import Settings

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel


def chat_model(settings: Settings) -> BaseChatModel | None:
    """A ChatOpenAI for ``settings.llm_model`` when OPENAI_API_KEY or OPENAI_BASE_URL is set, else None.

    ``REELFORGE_BRAIN=offline`` forces None. A base URL without a key (Ollama, vLLM, LM Studio) gets a
    placeholder key, which such servers ignore.
    """
    if settings.brain == "offline":
        return None
    key = settings.secret("OPENAI_API_KEY")
    base_url = settings.secret("OPENAI_BASE_URL")
    if not key and not base_url:
        return None
    from langchain_openai import ChatOpenAI

    return ChatOpenAI(model=settings.llm_model, temperature=settings.llm_temperature, base_url=base_url,
                      api_key=key or "not-needed", timeout=120, max_retries=2)
