"""HTML and Markdown for the Gradio studio: storyboard cards, the live shot list and the delivery summary.

Pure functions of the service's event types; every user-supplied string is HTML-escaped.
"""

from __future__ import annotations

import base64
from html import escape
from pathlib import Path

from reelforge.agent.events import VideoEvent
from reelforge.agent.review import SceneReview, StoryboardReview
from reelforge.tools.production import OutputFile
from reelforge.ui.wording import has_jargon, human_size, money, scene_facts, total_line

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


def _ratio(aspects: list[str]) -> str:
    """CSS aspect-ratio of the first output format ("9 / 16"), so keyframes are shown uncropped."""
    w, _, h = (aspects[0] if aspects else "16:9").partition(":")
    return f"{w} / {h}" if w.isdigit() and h.isdigit() else "16 / 9"


def _details(summary: str, body: str) -> str:
    return f'<details class="rf-details"><summary>{escape(summary)}</summary>{body}</details>'


def _scene_card(scene: SceneReview, ratio: str, offline: bool) -> str:
    thumb = _data_uri(scene.thumbnail)
    style = f' style="aspect-ratio:{ratio}"'
    image = (f'<img class="rf-thumb" src="{thumb}"{style} alt="Scene {scene.number} keyframe">' if thumb
             else f'<div class="rf-thumb rf-thumb-empty"{style}>no preview</div>')
    models = "".join(
        f'<div class="rf-model"><b>{escape(sh.model_name or sh.model_id or "—")}</b>'
        f'{" — " + escape(sh.summary) if sh.summary else ""}</div>'
        for sh in {sh.plain_model: sh for sh in scene.shots}.values()
    )
    note = f'<p class="rf-label-note">{escape(scene.label_note)}</p>' if scene.label_note and not offline else ""
    tech = "".join(
        f"<li><code>{escape(sh.id)}</code> · {escape(sh.model_id or '—')} · {escape(sh.reason)}"
        f"{' · fallbacks ' + escape(', '.join(sh.fallbacks)) if sh.fallbacks else ''}</li>"
        for sh in scene.shots
    )
    visual = escape(scene.visual_prompt)
    return (
        f'<div class="rf-card" data-scene="{scene.number}">{image}<div class="rf-card-body">'
        f'<div class="rf-card-head"><span class="rf-scene">{escape(scene.heading)}</span></div>'
        f'<div class="rf-meta">{escape(scene_facts(scene))}</div>'
        f'<p class="rf-narration">“{escape(scene.narration)}”</p>{models}{note}'
        + _details("Details", f'<p class="rf-visual"><b>Visual</b> {visual}</p><ul class="rf-tech">{tech}</ul>')
        + "</div></div>"
    )


def storyboard_html(review: StoryboardReview | None, pending: bool = True) -> str:
    """Scene cards in plain words (keyframe at the output's aspect, "Scene 2 · title", narration, the model's
    product name and why, seconds, money) with ids and router lines behind "Details"; the offline notice once;
    ``pending`` marks it as awaiting approval, otherwise as approved."""
    if review is None:
        return ('<div class="rf-empty">No storyboard yet. Describe your video in the chat — '
                'the storyboard appears here for you to review before anything is made.</div>')
    budget = "within budget" if review.within_budget else "over budget"
    cls = "rf-ok" if review.within_budget else "rf-bad"
    state = ('<span class="rf-state">awaiting your approval</span>' if pending
             else '<span class="rf-state rf-approved">approved</span>')
    head = (
        f'<div class="rf-board-head"><div class="rf-board-name"><span class="rf-board-title">'
        f'{escape(review.title or "Untitled")}</span><span class="rf-version">v{review.version}</span>{state}</div>'
        f'<div class="rf-total">{escape(total_line(review))} <span class="{cls}">{budget}</span></div>'
        + (f'<div class="rf-total">{escape(review.paid_summary())}</div>' if review.paid_summary() else "")
        + '</div>'
    )
    offline = (f'<div class="rf-offline" role="note"><b>Offline, without keys.</b> {escape(review.offline_notice)}</div>'
               if review.offline_notice else "")
    ratio = _ratio(review.aspects)
    cards = "".join(_scene_card(s, ratio, bool(review.offline_notice)) for s in review.scenes)
    notes = [n.removeprefix("Router: ") for n in review.notes if "estimated clip cost" not in n]
    plain_notes, tech_notes = [], []
    for n in notes:
        (tech_notes if has_jargon(n) else plain_notes).append(n)
    listed = "".join(f"<li>{escape(n)}</li>" for n in plain_notes)
    listed = f'<ul class="rf-notes">{listed}</ul>' if listed else ""
    tech = _details("Router notes", "<ul>" + "".join(f"<li>{escape(n)}</li>" for n in tech_notes) + "</ul>") \
        if tech_notes else ""
    w, h = (int(x) for x in ratio.split(" / "))
    tall = " rf-tall" if w < h else ""
    return (f'<div class="rf-board" id="rf-board" data-version="{review.version}">{head}{offline}{listed}{tech}'
            f'<div class="rf-cards{tall}">{cards}</div></div>')


def download_label(path: str, outputs: list[OutputFile]) -> str:
    """What a delivered file is, for people: "Video 9:16 (1080×1920) · MP4 · 2.7 MB"."""
    p = Path(path)
    try:
        size = f" · {human_size(p.stat().st_size)}"
    except OSError:
        size = ""
    name, suffix = p.name, p.suffix.lower()
    for out in outputs:
        if out.path == path:
            return f"Video {out.aspect} ({out.width}×{out.height}) · MP4{size}"
    kinds = {".srt": "Captions · SRT", ".vtt": "Captions for the web · VTT", ".otio": "Timeline for editors · OTIO",
             ".mp4": "Video · MP4"}
    if name == "manifest.json":
        what = "Manifest: what was made, costs, licences · JSON"
    elif name.endswith("-thumb.jpg") or name.endswith("-thumb.png"):
        what = f"Thumbnail · {suffix[1:].upper()}"
    elif "-contact." in name:
        what = f"Contact sheet · {suffix[1:].upper()}"
    elif name.endswith("-credits.txt"):
        what = "Credits and licences · TXT"
    else:
        what = kinds.get(suffix, f"{suffix[1:].upper() or 'File'}")
    return f"{what}{size}"


def step_marker(step: str, messages: int, board_version: int) -> str:
    """An invisible marker the page's script watches: when the step (or the storyboard version) changes, the
    panel of the current step is scrolled into view."""
    return (f'<div id="rf-step" data-step="{escape(step)}" data-board="{board_version}" data-messages="{messages}" '
            'hidden></div>')


def progress_html(rows: list[dict[str, object]]) -> str:
    """The live list: each scene and step with a status pill, a bar and a short plain message."""
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


def delivery_markdown(video: VideoEvent | None, fallbacks: list[str], version: int | None = None) -> str:
    """What was delivered, in plain words: each format, its quality check, the cost, and any scene that had to
    use another model; the checks' details behind a disclosure."""
    if video is None:
        return ""
    lines = [f"### Delivered{f' · version {version}' if version else ''}"]
    for out in video.outputs:
        ok = out.qc.passed
        check = (f"passed all {len(out.qc.checks)} quality checks" if ok
                 else "⚠ " + "; ".join(f"{c.name}: {c.detail}" for c in out.qc.checks if not c.passed))
        lines.append(f"- {'✓' if ok else '⚠'} **{out.aspect}** · {out.width}×{out.height} · {out.duration_s:.1f} s — "
                     f"{check}")
    lines.append(f"- Cost: **{money(video.cost_usd)}**")
    if fallbacks:
        lines.append(f"- Made with a backup model: {', '.join(fallbacks)}")
    return "\n".join(lines)
