"""HTML and Markdown for the Gradio studio: storyboard cards, the live shot list and the delivery summary.

Pure functions of the service's event types; every user-supplied string is HTML-escaped.
"""

from __future__ import annotations

import base64
from html import escape
from pathlib import Path

from reelforge.agent.events import VideoEvent
from reelforge.agent.review import SceneReview, StoryboardReview

STATUS_LABELS = {
    "queued": ("Queued", "queued"),
    "generating": ("Generating", "active"),
    "running": ("Working", "active"),
    "done": ("Done", "done"),
    "succeeded": ("Done", "done"),
    "fell_back": ("Fell back", "warn"),
    "failed": ("Failed", "bad"),
}


def _data_uri(path: str | None) -> str:
    """A PNG/JPEG thumbnail inlined as a data URI (no file serving needed); empty when unreadable."""
    if not path:
        return ""
    p = Path(path)
    try:
        data = p.read_bytes()
    except OSError:
        return ""
    mime = "image/jpeg" if p.suffix.lower() in (".jpg", ".jpeg") else "image/png"
    return f"data:{mime};base64,{base64.b64encode(data).decode()}"


def _scene_card(scene: SceneReview) -> str:
    thumb = _data_uri(scene.thumbnail)
    image = (f'<img class="rf-thumb" src="{thumb}" alt="Scene {scene.number} keyframe">' if thumb
             else '<div class="rf-thumb rf-thumb-empty">no preview</div>')
    models = "".join(
        f'<div class="rf-model"><span class="rf-chip">{escape(sh.model_id or "—")}</span>'
        f'<span class="rf-reason">{escape(sh.reason)}</span></div>'
        for sh in scene.shots
    )
    title = f" · {escape(scene.title)}" if scene.title else ""
    kind = f' · <span class="rf-kind">{escape(scene.kind)}</span>' if scene.kind != "generated" else ""
    return (
        f'<div class="rf-card" data-scene="{scene.number}">{image}<div class="rf-card-body">'
        f'<div class="rf-card-head"><span class="rf-scene">Scene {scene.number}{title}</span>'
        f'<span class="rf-meta">{scene.seconds:.1f} s · ${scene.est_cost_usd:.2f}{kind}</span></div>'
        f'<p class="rf-narration">“{escape(scene.narration)}”</p>'
        f'<p class="rf-visual"><b>Visual</b> {escape(scene.visual_prompt)}</p>{models}</div></div>'
    )


def storyboard_html(review: StoryboardReview | None, pending: bool = True) -> str:
    """Scene cards (keyframe, narration, visual prompt, model + reason, seconds, cost) and the total;
    ``pending`` marks it as awaiting approval, otherwise as approved."""
    if review is None:
        return ('<div class="rf-empty">No storyboard yet. Describe your video in the chat — '
                'the storyboard appears here for your approval before anything is rendered.</div>')
    budget = ("within budget" if review.within_budget else "over budget")
    cls = "rf-ok" if review.within_budget else "rf-bad"
    state = ('<span class="rf-state">awaiting your approval</span>' if pending
             else '<span class="rf-state rf-approved">approved</span>')
    head = (
        f'<div class="rf-board-head"><div><span class="rf-board-title">{escape(review.title or "Untitled")}'
        f'</span><span class="rf-version">v{review.version}</span>{state}</div>'
        f'<div class="rf-total">{", ".join(escape(a) for a in review.aspects)} · {review.total_seconds:.1f} s · '
        f'est. ${review.total_cost_usd:.2f} of ${review.budget_usd:.2f} '
        f'<span class="{cls}">{budget}</span></div>'
        + (f'<div class="rf-total">{escape(review.paid_summary())}</div>' if review.paid_summary() else "")
        + '</div>'
    )
    cards = "".join(_scene_card(s) for s in review.scenes)
    notes = "".join(f"<li>{escape(n.removeprefix('Router: '))}</li>" for n in review.notes
                    if "estimated clip cost" not in n)
    notes = f'<ul class="rf-notes">{notes}</ul>' if notes else ""
    return f'<div class="rf-board">{head}{notes}<div class="rf-cards">{cards}</div></div>'


def progress_html(rows: list[dict[str, object]]) -> str:
    """The live per-shot list: item, stage, status pill, a bar and the provider's message."""
    if not rows:
        return '<div class="rf-empty">Production progress shows here after you approve the storyboard.</div>'
    items = []
    for r in rows:
        label, cls = STATUS_LABELS.get(str(r["status"]), (str(r["status"]).title(), "active"))
        pct = max(0.0, min(100.0, float(r["percent"])))  # type: ignore[arg-type]
        items.append(
            f'<li class="rf-row"><span class="rf-item">{escape(str(r["item"]))}</span>'
            f'<span class="rf-pill rf-{cls}">{label}</span>'
            f'<span class="rf-bar"><span style="width:{pct:.0f}%"></span></span>'
            f'<span class="rf-msg">{escape(str(r["message"]))}</span></li>'
        )
    return f'<ul class="rf-progress">{"".join(items)}</ul>'


def delivery_markdown(video: VideoEvent | None, fallbacks: list[str]) -> str:
    """QC per format, the cost and any shots that fell back."""
    if video is None:
        return ""
    lines = ["### Delivered"]
    for out in video.outputs:
        ok = out.qc.passed
        lines.append(f"- {'✓' if ok else '⚠'} **{out.aspect}** ({out.width}×{out.height}, {out.duration_s:.1f} s) — "
                     f"{out.qc.summary()}")
    lines.append(f"- Cost: **${video.cost_usd:.2f}**")
    if fallbacks:
        lines.append(f"- Fell back to another model: {', '.join(fallbacks)}")
    return "\n".join(lines)
