"""The director graph — wiring only: converse ⇄ tools → review_storyboard → produce → assemble → deliver.

Each node says where the graph goes next by returning ``Command[Literal[...]]`` (its return type names the
possible targets, so the edges show in the compiled graph); nothing routes on the production's status."""

from __future__ import annotations

from typing import Any

from langchain_core.language_models import BaseChatModel
from langgraph.graph import END, START, StateGraph
from langgraph.graph.state import CompiledStateGraph

from reelforge.agent.director_tools import DIRECTOR_TOOLS
from reelforge.agent.nodes.assemble import make_assemble
from reelforge.agent.nodes.call_tools import make_tools_node
from reelforge.agent.nodes.converse import TurnLimits, make_converse
from reelforge.agent.nodes.deliver import deliver
from reelforge.agent.nodes.produce import make_produce
from reelforge.agent.nodes.review import make_review
from reelforge.agent.state import DirectorState


def build_graph(checkpointer: Any = None, *, brain: BaseChatModel | None = None, studio: Any = None
                ) -> CompiledStateGraph:
    """Compile the director graph. Defaults: the brain from settings and a real :class:`tools.studio.Studio`."""
    if studio is None:
        from reelforge.tools.studio import Studio

        studio = Studio()
    if brain is None:
        from reelforge.agent.brains import make_brain

        brain = make_brain(studio.settings)
    from reelforge.agent.brains.offline import OfflineDirector

    limits = TurnLimits(max_tool_calls=studio.settings.max_tool_calls,
                        history_tokens=None if isinstance(brain, OfflineDirector) else studio.settings.llm_history_tokens)
    g = StateGraph(DirectorState)
    g.add_node("converse", make_converse(brain, DIRECTOR_TOOLS, limits))
    g.add_node("tools", make_tools_node(DIRECTOR_TOOLS, studio))
    g.add_node("review_storyboard", make_review(studio))
    g.add_node("produce", make_produce(studio))
    g.add_node("assemble", make_assemble(studio))
    g.add_node("deliver", deliver)
    g.add_edge(START, "converse")
    g.add_edge("deliver", END)
    return g.compile(checkpointer=checkpointer)


def make_graph() -> CompiledStateGraph:
    """Zero-argument factory for ``langgraph dev`` / LangGraph Studio (the server injects its checkpointer)."""
    return build_graph()
