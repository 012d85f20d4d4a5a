"""Block Kit views: the storyboard message (a section per scene + Approve / Request changes) and the changes modal."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from reelforge.agent.review import StoryboardReview
from reelforge.ui.wording import review_hint, scene_facts, scene_models, total_line

APPROVE = "storyboard_approve"
CHANGES = "storyboard_changes"
PREVIEW = "storyboard_preview"
DETAILS = "storyboard_details"
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
    """The storyboard in plain words: header, the offline notice, one section per scene (keyframe, "Scene 2 ·
    title", seconds, cost, what it really is, narration, the model's name and why), the total, and either the
    review buttons (Approve, Request changes, Details — ids and router lines) or, once ``decided``, a line
    saying what was decided."""
    thumbs = thumbnails or {}
    title = f"Storyboard v{review.version} — {review.title or 'untitled'}"
    blocks: list[Block] = [
        {"type": "header", "text": _plain(title)},
        {"type": "context", "elements": [_mrkdwn(f"Formats: {', '.join(review.aspects) or '—'}")]},
    ]
    if review.offline_notice:
        blocks.append({"type": "section", "text": _mrkdwn(f":information_source: *Offline, without keys.* "
                                                          f"{review.offline_notice}")})
    for s in review.scenes[:MAX_SCENES]:
        text = f"*{s.heading}* · {scene_facts(s)}\n{s.narration}"
        if s.visual_prompt:
            text += f"\n_{s.visual_prompt[:400]}_"
        text += f"\n{scene_models(s)}"
        if s.label_note and not review.offline_notice:
            text += f"\n:warning: {s.label_note}"
        section: Block = {"type": "section", "block_id": f"scene_{s.number}", "text": _mrkdwn(text)}
        if s.number in thumbs:
            section["accessory"] = _image(thumbs[s.number], f"Scene {s.number} keyframe")
        blocks.append(section)
    if len(review.scenes) > MAX_SCENES:
        blocks.append({"type": "context", "elements": [
            _mrkdwn(f"…and {len(review.scenes) - MAX_SCENES} more scenes")]})
    total = f"*Total* {total_line(review)}"
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
        {"type": "button", "action_id": DETAILS, "text": _plain("Details"), "value": value},
    ]})
    blocks.append({"type": "context", "elements": [_mrkdwn("Or reply in this thread. " + review_hint())]})
    return blocks


def storyboard_details(review: StoryboardReview) -> str:
    """The engineer's view behind the Details button: shot ids, model ids, gateways, router reasons, fallbacks."""
    lines = [f"*Details — storyboard v{review.version}*"]
    for s in review.scenes:
        for sh in s.shots:
            fallbacks = f" · fallbacks {', '.join(sh.fallbacks)}" if sh.fallbacks else ""
            lines.append(f"• Scene {s.number} · `{sh.id}` · `{sh.model_id or '—'}` ({sh.kind}) — "
                         f"{sh.reason or 'no reason recorded'} · est. ${sh.est_cost_usd:.2f}{fallbacks}")
    lines += [f"• {n}" for n in review.notes]
    return "\n".join(lines)[:3900]


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
