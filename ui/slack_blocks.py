"""Block Kit views: the storyboard message (a section per scene + Approve / Request changes) and the changes modal."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from reelforge.agent.review import StoryboardReview

APPROVE = "storyboard_approve"
CHANGES = "storyboard_changes"
PREVIEW = "storyboard_preview"
CHANGES_MODAL = "storyboard_changes_modal"
SCENE_INPUT = ("scene", "scene_select")
INSTRUCTION_INPUT = ("instruction", "instruction_text")
MAX_SCENES = 40  # a message holds at most 50 blocks
Block = dict[str, Any]


def _mrkdwn(text: str) -> Block:
    return {"type": "mrkdwn", "text": text[:2900]}


def _plain(text: str) -> Block:
    return {"type": "plain_text", "text": text[:150], "emoji": True}


def _image(ref: str, alt: str) -> Block:
    """An image element from an uploaded Slack file id (F…) or a public URL."""
    source = {"image_url": ref} if ref.startswith(("http://", "https://")) else {"slack_file": {"id": ref}}
    return {"type": "image", "alt_text": alt[:200] or "keyframe", **source}


def button_value(thread_id: str, review: StoryboardReview) -> str:
    """What a storyboard button carries: the thread, the version it approves and the scene count."""
    return json.dumps({"t": thread_id, "v": review.version, "n": len(review.scenes)})


def read_value(value: str) -> dict[str, Any]:
    data = json.loads(value)
    return {"t": str(data["t"]), "v": int(data["v"]), "n": int(data.get("n", 0))}


def storyboard_fallback(review: StoryboardReview) -> str:
    """Notification text for the storyboard message."""
    return f"Storyboard v{review.version} — {review.title or 'untitled'}: approve or request changes"


def storyboard_blocks(review: StoryboardReview, thread_id: str, *, thumbnails: Mapping[int, str] | None = None,
                      decided: str | None = None) -> list[Block]:
    """The storyboard: header, one section per scene (keyframe, narration, model, cost), the total, and either
    the review buttons or, once ``decided``, a line saying what was decided."""
    thumbs = thumbnails or {}
    title = f"Storyboard v{review.version} — {review.title or 'untitled'}"
    blocks: list[Block] = [
        {"type": "header", "text": _plain(title)},
        {"type": "context", "elements": [_mrkdwn(f"Formats: {', '.join(review.aspects) or '—'}")]},
    ]
    for s in review.scenes[:MAX_SCENES]:
        text = (f"*{s.number}. {s.title or 'Scene ' + str(s.number)}* · {s.seconds:.1f} s · "
                f"`{s.models}`{'' if s.kind == 'generated' else ' · ' + s.kind} · ${s.est_cost_usd:.2f}\n{s.narration}")
        if s.visual_prompt:
            text += f"\n_{s.visual_prompt[:400]}_"
        section: Block = {"type": "section", "block_id": f"scene_{s.number}", "text": _mrkdwn(text)}
        if s.number in thumbs:
            section["accessory"] = _image(thumbs[s.number], f"Scene {s.number} keyframe")
        blocks.append(section)
    if len(review.scenes) > MAX_SCENES:
        blocks.append({"type": "context", "elements": [
            _mrkdwn(f"…and {len(review.scenes) - MAX_SCENES} more scenes")]})
    total = f"*Total* {review.total_seconds:.1f} s · est. ${review.total_cost_usd:.2f} of ${review.budget_usd:.2f}"
    if not review.within_budget:
        total += " · :warning: *over budget*"
    if review.paid_summary():
        total += f"\n{review.paid_summary()}"
    blocks += [{"type": "divider"}, {"type": "section", "text": _mrkdwn(total)}]
    notes = [n.removeprefix("Router: ") for n in review.notes if "estimated clip cost" not in n]
    if notes:
        blocks.append({"type": "context", "elements": [_mrkdwn(n[:2900]) for n in notes[:5]]})
    if decided:
        blocks.append({"type": "context", "elements": [_mrkdwn(decided)]})
        return blocks
    value = button_value(thread_id, review)
    blocks.append({"type": "actions", "block_id": "storyboard_review", "elements": [
        {"type": "button", "action_id": APPROVE, "style": "primary", "text": _plain("Approve"), "value": value},
        {"type": "button", "action_id": CHANGES, "text": _plain("Request changes"), "value": value},
        {"type": "button", "action_id": PREVIEW, "text": _plain("Preview (free)"), "value": value},
    ]})
    blocks.append({"type": "context", "elements": [_mrkdwn(
        "Or reply in this thread: `approve`, `preview`, `edit 3 make it a drone shot`, `model 2 <model>`, "
        "`make scene 2 stock footage` (or presenter / generated), `regenerate 2`, `regenerate`, "
        "`reject <what to change>`")]})
    return blocks


def changes_modal(value: str, private_metadata: str) -> Block:
    """The "Request changes" modal: which scene (or the whole storyboard) and what to change."""
    scenes = read_value(value)["n"]
    options = [{"text": _plain("The whole storyboard"), "value": "0"}]
    options += [{"text": _plain(f"Scene {n}"), "value": str(n)} for n in range(1, scenes + 1)]
    return {
        "type": "modal", "callback_id": CHANGES_MODAL, "private_metadata": private_metadata,
        "title": _plain("Request changes"), "submit": _plain("Send"), "close": _plain("Cancel"),
        "blocks": [
            {"type": "input", "block_id": SCENE_INPUT[0], "label": _plain("Scene"), "element": {
                "type": "static_select", "action_id": SCENE_INPUT[1], "options": options[:100],
                "initial_option": options[1] if len(options) > 1 else options[0]}},
            {"type": "input", "block_id": INSTRUCTION_INPUT[0], "label": _plain("What should change?"),
             "element": {"type": "plain_text_input", "action_id": INSTRUCTION_INPUT[1], "multiline": True,
                         "placeholder": _plain("e.g. make it a drone shot at sunrise · stock footage · "
                                               "presenter · regenerate · model veo-3-1")}},
        ],
    }


def modal_answer(state_values: Mapping[str, Any]) -> tuple[int, str]:
    """(scene number or 0 for the whole storyboard, instruction) from a submitted changes modal."""
    scene = state_values.get(SCENE_INPUT[0], {}).get(SCENE_INPUT[1], {}).get("selected_option") or {}
    text = state_values.get(INSTRUCTION_INPUT[0], {}).get(INSTRUCTION_INPUT[1], {}).get("value") or ""
    return int(scene.get("value") or 0), text.strip()
