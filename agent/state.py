"""The director's state: the conversation plus one :class:`Production` (pydantic), checkpointed per thread.

Everything a thread needs to resume in another process lives here: the brief, the versioned
storyboard, which version was approved, the production assets, the outputs and the costs.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from langchain_core.messages import AnyMessage
from langgraph.graph.message import add_messages
from pydantic import BaseModel, Field, field_validator
from typing_extensions import TypedDict

from reelforge.tools.approval import Approval, approval_refusal, approve, changed_since
from reelforge.tools.production import Brief, Cost, OutputFile, ProductionAssets, Storyboard, now_iso
from reelforge.tools.routing import budget_check
from reelforge.tools.uploads import Attachment

Status = Literal[
    "briefing",  # talking about the brief
    "planned",  # a storyboard exists, not yet submitted
    "in_review",  # submitted: shown for review, waiting for the person's decision
    "approved",  # the current version is approved; production may start
    "rejected",  # the reviewer rejected it with feedback
    "producing",
    "assembling",
    "delivered",
    "failed",
]
# Statuses that checkpoints written before routing moved into the graph (``Command``) may still hold.
_OLD_STATUSES = {"review_requested": "in_review", "produce_requested": "approved"}


class ProductionJob(BaseModel):
    """A production handed to the task engine (``REELFORGE_QUEUE_URL``): workers make it and the thread resumes
    when it is done, on whichever replica; front doors relay its progress meanwhile."""

    task_id: str
    version: int


class Delivery(BaseModel):
    """One delivered version of the thread's video (v1, v2 after a follow-up edit, ...)."""

    number: int
    storyboard_version: int
    outputs: list[OutputFile] = Field(default_factory=list)
    manifest_path: str | None = None
    qc_summary: str = ""
    cost_usd: float = 0.0
    change: str = ""  # what the follow-up that made this version asked for ("" for the first)
    delivered_at: str = Field(default_factory=now_iso)


class Production(BaseModel):
    """One video being made in a thread: what, which plan, what was approved and what came out."""

    origin: str = "cli"
    user: str | None = None
    owner: str | None = None  # owner key (tools.owners): who may see, approve and download this thread
    uploads: list[Attachment] = Field(default_factory=list)  # files attached through a front door, never typed
    brief: Brief | None = None
    brief_defaults: dict[str, Any] = Field(default_factory=dict)  # a front end's patch before a brief exists
    source: dict[str, Any] | None = None  # a SourceDoc as JSON (tools.ingest)
    storyboard: Storyboard | None = None
    approved_version: int | None = None  # the version of ``approval`` (kept for readers of old checkpoints)
    approval: Approval | None = None  # the fingerprint a person approved (see tools.approval)
    status: Status = "briefing"
    assets: ProductionAssets | None = None
    produced_version: int | None = None
    outputs: list[OutputFile] = Field(default_factory=list)
    manifest_path: str | None = None
    qc_summary: str = ""
    cost: Cost = Field(default_factory=Cost)
    scene_choices: dict[str, dict[str, str]] = Field(default_factory=dict)  # "2": {"kind": "stock", "model": ...}
    feedback: str = ""  # the last rejection's feedback
    error: str = ""
    job: ProductionJob | None = None  # set while the workers produce this storyboard version
    deliveries: list[Delivery] = Field(default_factory=list)  # every delivered version, oldest first
    revision: str = ""  # the follow-up after a delivery that the next version carries out

    @field_validator("status", mode="before")
    @classmethod
    def _read_old_status(cls, value: Any) -> Any:
        return _OLD_STATUSES.get(value, value)

    @property
    def title(self) -> str:
        """A short human title for thread lists."""
        if self.brief is not None:
            return self.brief.title or self.brief.goal[:60]
        return ""

    def refusal(self) -> str | None:
        """Why production may not start now, in plain words; None when it may.

        Enforced in code for both the ``produce_video`` tool and the produce node: nothing is spent
        before the current storyboard, under the current brief, is approved (its fingerprint, see
        :mod:`tools.approval`) and its whole estimate (clips, narration, music) fits the budget.
        """
        if self.brief is None:
            return "Refused: there is no brief yet. Describe the video first."
        if self.storyboard is None:
            return "Refused: there is no storyboard yet. Plan the scenes and submit the storyboard for review."
        refusal = approval_refusal(self.brief, self.storyboard, self.approval)
        if refusal:
            return refusal
        check = budget_check(self.storyboard, self.brief)
        if check.over:
            return (f"Refused: the estimate ${check.total_usd:.2f} is over the budget ${self.brief.budget_usd:.2f}. "
                    "Raise the budget, choose cheaper models, or shorten the video.")
        return None


    def record_approval(self) -> None:
        """The user approved the current storyboard under the current brief."""
        assert self.brief is not None and self.storyboard is not None
        self.approval = approve(self.brief, self.storyboard, self.user or self.origin)
        self.approved_version = self.storyboard.version

    def record_delivery(self) -> Delivery:
        """Add the current outputs as the next delivered version (once per storyboard version)."""
        assert self.storyboard is not None
        last = self.deliveries[-1] if self.deliveries else None
        if last is not None and last.storyboard_version == self.storyboard.version:
            return last
        delivery = Delivery(number=len(self.deliveries) + 1, storyboard_version=self.storyboard.version,
                            outputs=list(self.outputs), manifest_path=self.manifest_path, qc_summary=self.qc_summary,
                            cost_usd=self.cost.actual_usd, change=self.revision)
        self.deliveries.append(delivery)
        self.revision = ""
        return delivery

    def reopen_if_changed(self) -> bool:
        """After an approval, any change to what it covered makes a new storyboard version that needs its own
        approval (the approved version is never silently produced with other formats, voice or budget).
        Called where a storyboard is submitted, shown for review or produced. True when a version was opened."""
        if self.brief is None or self.storyboard is None or self.approval is None:
            return False
        if self.storyboard.version != self.approval.version or not changed_since(self.approval, self.brief,
                                                                                 self.storyboard):
            return False
        self.storyboard = self.storyboard.model_copy(update={"version": self.storyboard.version + 1})
        if self.status in ("approved", "delivered", "failed"):
            self.status = "planned"
        return True


class DirectorState(TypedDict, total=False):
    """Graph state: the messages (appended) and the production (replaced as a whole)."""

    messages: Annotated[list[AnyMessage], add_messages]
    production: Production
