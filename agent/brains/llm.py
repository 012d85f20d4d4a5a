"""The LLM brain: ChatOpenAI against any OpenAI-compatible endpoint (OpenAI, Ollama, vLLM, LM Studio...)."""

from __future__ import annotations

from langchain_core.language_models import BaseChatModel

from reelforge.tools.settings import Settings


def llm_brain(settings: Settings) -> BaseChatModel:
    """ChatOpenAI configured by ``REELFORGE_LLM_MODEL``, ``OPENAI_API_KEY`` and ``OPENAI_BASE_URL``."""
    from langchain_openai import ChatOpenAI

    base_url = settings.secret("OPENAI_BASE_URL")
    key = settings.secret("OPENAI_API_KEY")
    if not key and not base_url:
        raise ValueError("the LLM brain needs OPENAI_API_KEY or OPENAI_BASE_URL (or use REELFORGE_BRAIN=offline)")
    return ChatOpenAI(
        model=settings.llm_model,
        temperature=settings.llm_temperature,
        api_key=key or "not-needed",  # local servers (Ollama, vLLM) accept any key
        base_url=base_url,
        max_retries=2,
        timeout=120,
    )
