"""The director graph's control flow is visible in the graph: each node returns ``Command[Literal[...]]``."""

from __future__ import annotations

from fakes.agent_studio import FakeStudio

from reelforge.agent.brains.offline import OfflineDirector
from reelforge.agent.graph import build_graph
from reelforge.agent.state import Production


def test_every_route_is_an_edge_of_the_compiled_graph() -> None:
    graph = build_graph(brain=OfflineDirector(), studio=FakeStudio()).get_graph()
    edges = {(e.source, e.target) for e in graph.edges}
    assert edges == {
        ("__start__", "converse"),
        ("converse", "tools"), ("converse", "__end__"),
        ("tools", "converse"), ("tools", "review_storyboard"), ("tools", "produce"),
        ("review_storyboard", "review_storyboard"), ("review_storyboard", "produce"),
        ("review_storyboard", "converse"), ("review_storyboard", "__end__"),
        ("produce", "assemble"), ("produce", "__end__"),
        ("assemble", "deliver"), ("assemble", "__end__"),
        ("deliver", "__end__"),
    }


def test_checkpoints_written_with_routing_statuses_still_load() -> None:
    assert Production(status="review_requested").status == "in_review"
    assert Production(status="produce_requested").status == "approved"
