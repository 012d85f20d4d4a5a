"""Conditional edges: where the graph goes after each node, read from the production status."""

from __future__ import annotations

from typing import Literal

from langchain_core.messages import AIMessage
from langgraph.graph import END

from reelforge.agent.state import DirectorState


def after_converse(state: DirectorState) -> Literal["tools", "__end__"]:
    last = state["messages"][-1]
    if isinstance(last, AIMessage) and (last.tool_calls or last.invalid_tool_calls):
        return "tools"
    return END


def after_tools(state: DirectorState) -> Literal["review_storyboard", "produce", "converse"]:
    status = state["production"].status
    if status == "review_requested":
        return "review_storyboard"
    if status == "produce_requested":
        return "produce"
    return "converse"


def after_review(state: DirectorState) -> Literal["review_storyboard", "produce", "converse", "__end__"]:
    status = state["production"].status
    if status == "review_requested":
        return "review_storyboard"
    if status == "approved":
        return "produce"
    if status == "rejected":
        return "converse"
    return END


def after_produce(state: DirectorState) -> Literal["assemble", "__end__"]:
    return "assemble" if state["production"].status == "assembling" else END


def after_assemble(state: DirectorState) -> Literal["deliver", "__end__"]:
    return "deliver" if state["production"].status == "delivered" else END
