"""Approval is a fingerprint: a hash of everything that costs money or changes the delivered files.

The storyboard's shots (and which continue the one before), models and durations, its look sheet (with the
content of each subject's reference picture, sent to the models that take references) and the brief's aspects,
duration, language, voice, music, captions, presenter and budget all go into :func:`fingerprint`; what only
shaped the plan (the goal's wording, the audience, the tone, notes) does not. An :class:`Approval` records the fingerprint a person
approved; :func:`approval_refusal` is the one gate every production path asks before spending money, so a
change after approval (a new format, another voice, a cloned voice, a higher budget) needs a new approval.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from reelforge.tools.production import Brief, Storyboard, file_digest, now_iso, stable_hash

#: Brief fields that cannot change what is paid for or delivered once the storyboard exists.
PLAN_ONLY_BRIEF_FIELDS = frozenset({"goal", "audience", "tone", "notes", "source_text", "source_url"})
#: Storyboard fields that describe it without changing it.
STORYBOARD_LABELS = frozenset({"version", "notes", "paid_extras"})


class Approval(BaseModel):
    """A person's approval of one storyboard version under one brief."""

    version: int
    fingerprint: str
    approved_by: str | None = None
    approved_at: str = Field(default_factory=now_iso)


def fingerprint(brief: Brief, storyboard: Storyboard) -> str:
    """The hash of everything in ``brief`` and ``storyboard`` that costs money or changes the delivered files."""
    paid_brief = brief.model_dump(mode="json", exclude=set(PLAN_ONLY_BRIEF_FIELDS))
    board: dict[str, Any] = storyboard.model_dump(mode="json", exclude=set(STORYBOARD_LABELS))
    for scene in board["scenes"]:
        scene.pop("thumbnail", None)
        for shot in scene["shots"]:
            if not shot.get("continues"):  # unchained, as every shot was before chaining: the same fingerprint
                shot.pop("continues", None)
            if shot.get("route"):
                shot["route"].pop("reason", None)
                shot["route"].pop("first_frame", None)  # follows from the model
    if storyboard.look is not None and (refs := storyboard.look.reference_paths()):
        board["look_pictures"] = [file_digest(p) for p in refs]  # a new picture at the same path is a change
    return stable_hash("approval-v1", paid_brief, board)


def approve(brief: Brief, storyboard: Storyboard, approved_by: str | None = None) -> Approval:
    """Record that ``storyboard`` under ``brief`` was approved now."""
    return Approval(version=storyboard.version, fingerprint=fingerprint(brief, storyboard), approved_by=approved_by)


def changed_since(approval: Approval | None, brief: Brief, storyboard: Storyboard) -> bool:
    """True when an approval exists but what it approved has changed since (a new approval is needed)."""
    return approval is not None and approval.fingerprint != fingerprint(brief, storyboard)


def approval_refusal(brief: Brief, storyboard: Storyboard, approval: Approval | None) -> str | None:
    """Why production may not spend money on ``storyboard`` now, in plain words; None when it may."""
    version = storyboard.version
    if approval is None:
        return (f"Refused: storyboard v{version} has not been approved. "
                "Submit it for review and wait for the user's approval.")
    if approval.version != version:
        return (f"Refused: storyboard v{version} has not been approved (v{approval.version} was). "
                "Submit the new version for review.")
    if approval.fingerprint != fingerprint(brief, storyboard):
        return (f"Refused: storyboard v{version} changed after it was approved (its shots, models, formats, "
                "voice, music, captions, presenter or budget). Submit the new version for review.")
    return None


class ApprovalError(PermissionError):
    """Production was asked to spend money on something nobody approved (or over the budget)."""


def require_approval(brief: Brief, storyboard: Storyboard, approval: Approval | None) -> None:
    """Raise :class:`ApprovalError` unless ``approval`` covers ``storyboard`` under ``brief`` as they are now and
    the whole estimate fits the budget. ``Studio.produce`` calls this before anything is paid for."""
    from reelforge.tools.routing import budget_check

    refusal = approval_refusal(brief, storyboard, approval)
    if refusal is None:
        check = budget_check(storyboard, brief)
        if check.over:
            refusal = (f"Refused: the estimate ${check.total_usd:.2f} is over the budget ${brief.budget_usd:.2f}. "
                       "Raise the budget, choose cheaper models, or shorten the video.")
    if refusal is not None:
        raise ApprovalError(refusal)
