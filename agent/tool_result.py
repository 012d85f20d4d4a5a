"""What a director tool did, as data: the tools node and the offline director read this, never the wording of
the observation the model sees. A tool that refuses raises :class:`Refused` (its message is the observation)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field


class Refused(Exception):  # noqa: N818 - a refusal is an outcome, not a programming error
    """The tool declined in plain words (no consent, not approved, over budget); nothing was changed."""


class ToolResult(BaseModel):
    """The structured side of an observation (``ToolMessage.artifact``)."""

    refused: bool = False  # the tool declined (the observation says why) yet may still route, e.g. to review
    next: Literal["review_storyboard", "produce"] | None = None  # where the graph should go after this call
    scenes: int | None = None  # scenes in the storyboard after the call
    notes: list[str] = Field(default_factory=list)  # things the user should hear (choices kept, caveats)
    choices: list[str] = Field(default_factory=list)  # one line per shot: its model and why
    warning: str = ""
    source_title: str = ""  # the title of the source read_source read

    def pair(self, text: str) -> tuple[str, dict[str, Any]]:
        """``(observation, artifact)`` as a ``content_and_artifact`` tool returns it."""
        return text, self.model_dump(exclude_defaults=True)


def result_of(artifact: Any) -> ToolResult:
    """The ToolResult of a ToolMessage's artifact (an empty one for plain tools)."""
    return ToolResult.model_validate(artifact) if isinstance(artifact, dict) else ToolResult()
