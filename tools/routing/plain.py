"""The router's choice in plain words: a product name and a one-line reason a newcomer can read.

``scoring.reason`` keeps the engineer's line (fit scores, per-second prices, gateway); this module says the
same choice the way the studio, Slack and the terminal show it by default ("Kling 3 — best for fast action
within your budget"). The engineer's line stays available behind "details" / ``--verbose``.
"""

from __future__ import annotations

import re

from reelforge.tools.routing.scoring import Candidate, Need

#: How each scene trait reads in a sentence ("best for …").
TRAIT_WORDS: dict[str, str] = {
    "photoreal_human": "realistic people",
    "fast_action": "fast action",
    "slow_cinematic": "slow, cinematic shots",
    "stylized_animation": "animation",
    "abstract_motion_graphics": "motion graphics",
    "text_on_screen": "on-screen text",
    "product": "product shots",
    "nature": "nature",
    "aerial": "aerial views",
    "real_place": "real places",
    "b_roll": "background footage",
}
#: What each preference promises, as the end of a sentence.
PREFERENCE_WORDS: dict[str, str] = {
    "balanced": "within your budget",
    "quality": "at the best quality",
    "cheap": "at the lowest cost",
    "fast": "and quick to make",
}
#: What a scene will actually be, by the kind of model that renders it.
SOURCE_LABELS: dict[str, str] = {
    "video": "generated video",
    "stock": "stock footage",
    "avatar": "presenter",
    "offline": "motion graphics",
}
OFFLINE_NAME = "Motion graphics"


def product_name(name: str, model_id: str, kind: str) -> str:
    """``"VEED Fabric 1.0 via fal (a user's photo…)"`` → ``"VEED Fabric 1.0"``; the offline renderer is
    simply "Motion graphics"."""
    if kind == "offline":
        return OFFLINE_NAME
    short = re.split(r"\s+\(|\s+via\s+", name or "", maxsplit=1)[0].strip()
    return short or model_id


def plain_reason(c: Candidate, need: Need, preference: str, *, pinned: bool = False, downgraded: bool = False,
                 budget_usd: float | None = None) -> str:
    """One short line saying why this model was picked, without scores or per-second prices."""
    cost = "free" if c.cost <= 0 else f"about ${c.cost:.2f}"
    if pinned:
        return f"your choice · {cost}"
    kind = c.model.kind
    if kind == "offline":
        return "drawn on this computer, free — fits your budget" if downgraded else "drawn on this computer, free"
    if kind == "stock":
        why = "stock footage costs less than generating this shot" if c.budget_only else "real footage that suits this shot"
        return f"{why} · {cost}"
    if kind == "avatar":
        return f"a presenter speaking your narration on screen · {cost}"
    topic = next((TRAIT_WORDS[t] for t in need.traits if t in TRAIT_WORDS), "this kind of shot")
    if downgraded and budget_usd is not None:
        return f"the best for {topic} that fits your ${budget_usd:.2f} budget · {cost}"
    return f"best for {topic} {PREFERENCE_WORDS.get(preference, PREFERENCE_WORDS['balanced'])} · {cost}"
