"""Infer scene traits (tools.production.TRAITS) from free text with simple keyword rules."""

from __future__ import annotations

import re

from reelforge.tools.production import TRAITS

RULES: dict[str, tuple[str, ...]] = {
    "fast_action": ("skateboard", "kickflip", "handheld", "tracking", "chase", "running", "sprint", "jump",
                    "sport", "dance", "fight", "race", "explosion", "fast", "action", "surf", "parkour", "crash"),
    "photoreal_human": ("person", "people", "man", "woman", "child", "face", "portrait", "skateboarder",
                        "athlete", "crowd", "presenter", "smile", "actor", "dialogue", "talking"),
    "slow_cinematic": ("cinematic", "slow motion", "slow-motion", "dolly", "golden hour", "moody", "epic",
                       "film", "establishing", "sunset", "sunrise", "calm"),
    "stylized_animation": ("cartoon", "anime", "animated", "animation", "pixar", "claymation", "stylized",
                           "illustrated", "comic", "3d render", "watercolor"),
    "abstract_motion_graphics": ("abstract", "motion graphics", "infographic", "chart", "graph", "diagram",
                                 "particles", "gradient", "geometric", "data", "statistic"),
    "text_on_screen": ("title", "text", "caption", "headline", "quote", "logo", "typography", "words",
                       "percent", "%", "number"),
    "product": ("product", "packshot", "bottle", "phone", "watch", "sneaker", "shoe", "unboxing", "gadget",
                "on a table", "studio shot"),
    "nature": ("forest", "ocean", "sea", "mountain", "river", "waterfall", "wildlife", "animal", "bird",
               "flower", "tree", "nature", "beach", "sky", "rain", "snow"),
    "aerial": ("aerial", "drone", "bird's-eye", "birds-eye", "overhead", "flyover", "from above", "skyline"),
    "real_place": ("city", "street", "paris", "london", "new york", "tokyo", "landmark", "building", "market",
                   "office", "kitchen", "downtown"),
    "b_roll": ("b-roll", "b roll", "footage", "background", "establishing", "montage", "timelapse", "time-lapse"),
}


def infer_traits(text: str, *, limit: int = 3) -> list[str]:
    """Up to ``limit`` traits whose keywords appear in ``text``, most hits first (ties in TRAITS order)."""
    low = text.lower()
    hits: dict[str, int] = {}
    for trait, words in RULES.items():
        n = sum(1 for w in words if re.search(rf"(?<![a-z]){re.escape(w)}", low))
        if n:
            hits[trait] = n
    ordered = sorted(hits, key=lambda t: (-hits[t], TRAITS.index(t)))
    return ordered[:limit] or ["b_roll"]
