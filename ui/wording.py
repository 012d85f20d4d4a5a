"""Plain words for every front door: what people see by default, and what goes behind "details".

The director and its tools speak an engineer's language (shot ids like ``s01-1``, fit scores, per-second
prices, server paths). The studio, the Slack bot and ``reelforge chat`` show the plain part by default and keep
the rest behind a details disclosure, a details button or ``--verbose``.
"""

from __future__ import annotations

import re

from reelforge.agent.review import SceneReview, ShotReview, StoryboardReview

#: Engine jargon a newcomer should not have to read: shot ids, fit scores, per-second prices, gateways,
#: absolute file paths and tool-call names.
JARGON = re.compile(
    r"\bs\d\d-\d+[a-z]?\b"  # shot ids
    r"|\bfit \d\.\d\d"  # trait-fit scores
    r"|\$\d+\.\d{3}/s"  # per-second prices
    r"|\bvia (?:local|direct|fal|replicate|comfyui)\b"  # gateways
    r"|(?:^|[\s(\"'])(?:/[\w.@+-]+){2,}\.\w{2,5}\b"  # absolute server paths
    r"|\b(?:update_brief|plan_scenes|select_models|submit_storyboard|produce_video|read_source)\b"
)
SHOT_ID = re.compile(r"^s(\d+)-(\d+)([a-z]?)$")
STEP_NAMES = {"read_source": "Read your source", "update_brief": "Wrote the brief", "plan_scenes": "Planned the scenes",
              "select_models": "Picked a model for each scene", "submit_storyboard": "Prepared the storyboard",
              "set_scene_kind": "Changed a scene's kind", "set_scene_flow": "Changed how a scene's shots follow on",
              "select_voice": "Picked the voice", "select_music": "Picked the music",
              "clone_voice": "Checked the voice sample",
              "set_presenter": "Checked the presenter upload", "produce_video": "Started production"}


def has_jargon(text: str) -> bool:
    """True when ``text`` holds ids, scores, per-second prices, gateways or server paths."""
    return bool(JARGON.search(text))


def split_jargon(text: str) -> tuple[str, str]:
    """``text`` as (plain lines, jargon lines): every line with engine jargon moves to the second part; a
    heading line ending in ":" whose items moved goes with them, unless nothing plain would be left."""
    plain: list[str] = []
    details: list[str] = []
    headings: list[str] = []
    for line in text.splitlines():
        if has_jargon(line):
            if plain and plain[-1].rstrip().endswith(":") and not plain[-1].lstrip().startswith(("-", "•")):
                headings.append(plain.pop())
                details.append(headings[-1])
            details.append(line)
        else:
            plain.append(line)
    if not any(p.strip() for p in plain):
        plain = headings
    return "\n".join(plain).strip(), "\n".join(details).strip()


def step_name(tool: str) -> str:
    """A tool call as a step a person recognises ("Planned the scenes")."""
    return STEP_NAMES.get(tool, tool.replace("_", " ").capitalize())


def human_size(n: int) -> str:
    """``471`` → ``"471 bytes"``, ``2_831_155`` → ``"2.7 MB"``."""
    if n < 1024:
        return f"{n} byte{'s' if n != 1 else ''}"
    size = float(n)
    for unit in ("KB", "MB", "GB"):
        size /= 1024
        if size < 1024 or unit == "GB":
            return f"{size:.0f} {unit}" if size >= 100 else f"{size:.1f} {unit}"
    return f"{size:.1f} GB"  # pragma: no cover - the loop always returns


def money(usd: float) -> str:
    """``0`` → ``"free"``, ``0.7`` → ``"$0.70"``."""
    return "free" if usd <= 0 else f"${usd:.2f}"


def shot_scene(shot_id: str | None, review: StoryboardReview | None) -> str:
    """``"s02-1"`` → ``"Scene 2 · Call to action"`` (``"· part 2"`` when the scene has several shots)."""
    if not shot_id:
        return ""
    if review is not None:
        for scene in review.scenes:
            ids = [s.id for s in scene.shots]
            for i, sid in enumerate(ids):
                if shot_id == sid or (shot_id.startswith(sid) and shot_id[len(sid):].isalpha()):
                    part = f" · part {i + 1}" if len(ids) > 1 else ""
                    return scene.heading + part
    m = SHOT_ID.match(shot_id)
    if m:
        part = f" · part {int(m.group(2))}" if int(m.group(2)) > 1 else ""
        return f"Scene {int(m.group(1))}{part}"
    return "A scene"


def shot_model(shot_id: str | None, review: StoryboardReview | None) -> str:
    """The product name that makes ``shot_id`` ("Motion graphics"), or ""."""
    if not shot_id or review is None:
        return ""
    for scene in review.scenes:
        for shot in scene.shots:
            if shot_id.startswith(shot.id):
                return shot.model_name or ""
    return ""


def model_line(shot: ShotReview) -> str:
    """``"Kling 3.0 Turbo Pro — best for fast action within your budget · about $0.70"``."""
    return shot.plain_model


def scene_models(scene: SceneReview) -> str:
    """The scene's models in plain words, one per distinct choice."""
    return "; ".join(dict.fromkeys(model_line(s) for s in scene.shots)) or "—"


def scene_facts(scene: SceneReview) -> str:
    """``"5.6 s · free · motion graphics"`` — length, cost and what it will really be (``"· one continuous take"``
    when its shots continue each other)."""
    flow = f" · {scene.flow}" if scene.flow else ""
    return f"{scene.seconds:.1f} s · {money(scene.est_cost_usd)} · {scene.shown_as}{flow}"


def total_line(review: StoryboardReview) -> str:
    """``"9:16 · 9.6 s · about $0.70 of your $5.00 budget"``."""
    cost = "free" if review.total_cost_usd <= 0 else f"about ${review.total_cost_usd:.2f}"
    return (f"{', '.join(review.aspects)} · {review.total_seconds:.1f} s · {cost} "
            f"(budget ${review.budget_usd:.2f})")


def review_hint() -> str:
    """How to answer a storyboard in words, without the command syntax."""
    return ("Say “looks good” to start production, or tell me what to change — for example “make scene 2 a drone "
            "shot”, “make scene 1 stock footage”, “a fresh take of scene 2” or “start over, calmer”.")
