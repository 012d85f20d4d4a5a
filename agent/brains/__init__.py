"""Brains for the director: any OpenAI-compatible chat model, or the built-in offline director."""

from __future__ import annotations

from langchain_core.language_models import BaseChatModel

from reelforge.tools.llm import brain_choice, build_chat_model
from reelforge.tools.settings import Settings


def make_brain(settings: Settings) -> BaseChatModel:
    """The director's brain as :func:`tools.llm.brain_choice` decides: the LLM or the offline director."""
    use_llm, _ = brain_choice(settings)
    if use_llm:
        return build_chat_model(settings)
    from reelforge.agent.brains.offline import OfflineDirector

    return OfflineDirector()


def reads_replies(brain: BaseChatModel) -> bool:
    """Whether review replies go to this brain as structured-output requests: an OpenAI-compatible chat
    model does; the offline director and scripted test models leave them to the offline reading."""
    from langchain_openai.chat_models.base import BaseChatOpenAI

    return isinstance(brain, BaseChatOpenAI)
