"""Visual prompts the way video models respond best: one subject with its motion, lighting, camera, style.

A prompt is rendered as ``"<subject>, <motion>. Lighting: …. Camera: …. Style: …. Continuity: …"`` so that
an edit can change one slot without disturbing the others. :func:`lint_prompt` removes contradictions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import NamedTuple

from reelforge.tools.production import TRAITS, Brief, ContinuitySheet

_LEX: dict[str, tuple[str, ...]] = {
    "nature": ("river", "forest", "tree", "wetland", "reed", "meadow", "mountain", "ocean", "sea", "lake", "bird",
               "otter", "animal", "flower", "garden", "rain", "storm", "volcano", "wildlife", "field", "water",
               "beach", "desert", "glacier", "insect", "dragonfl", "kingfisher", "plant", "leaf", "sky", "nature"),
    "real_place": ("city", "town", "village", "street", "harbour", "harbor", "market", "station", "building",
                   "bridge", "square", "hall", "cafe", "school", "farm", "valley", "museum", "office", "kitchen",
                   "bakery", "shop", "lighthouse", "boulangerie", "rue", "quartier"),
    "photoreal_human": ("people", "person", "resident", "farmer", "teacher", "volunteer", "worker", "engineer",
                        "family", "families", "child", "kids", "student", "baker", "boulanger", "man", "woman",
                        "crowd", "team", "customer", "planner", "keeper", "presenter", "host"),
    "product": ("product", "app", "device", "phone", "bottle", "gadget", "software", "laptop", "package", "brand",
                "shoe", "watch", "camera", "headphones"),
    "fast_action": ("race", "racing", "sprint", "explode", "explosion", "crash", "chase", "sport", "skate", "surf",
                    "jump", "fast", "speed", "rush"),
    "aerial": ("aerial", "drone", "bird's-eye", "overhead", "from above", "satellite"),
    "stylized_animation": ("cartoon", "animated", "animation", "anime", "pixar", "claymation", "illustrated"),
    "abstract_motion_graphics": ("data", "statistic", "concept", "idea", "theory", "algorithm", "economy",
                                 "percent", "graph", "chart", "diagram", "network", "process", "system"),
}
_BASE_NEGATIVE = "blurry, low resolution, distorted faces, extra limbs, warped or garbled text, watermark, logo, flicker"
_NEGATIVE_BY_TRAIT = {
    "photoreal_human": "deformed hands, uncanny eyes, plastic skin",
    "product": "misshapen product, wrong proportions, clutter",
    "text_on_screen": "misspelled text, unreadable letters",
    "aerial": "shaky footage, horizon tilt",
    "nature": "oversaturated colours, artificial look",
}


class Look(NamedTuple):
    """A tone's shared look: the style words and the colour palette."""

    style: str
    palette: str


TONE_STYLE = {
    "modern": Look("clean modern documentary look, natural colour grade", "teal, warm white and soft amber"),
    "playful": Look("bright playful look, bold shapes", "sunny yellow, coral and sky blue"),
    "dramatic": Look("cinematic dramatic look, high contrast, filmic grain", "deep blue, charcoal and ember orange"),
    "calm": Look("calm soft-focus cinematic look", "sage green, sand and pale blue"),
    "corporate": Look("polished corporate look, crisp and minimal", "navy, white and electric blue"),
    "dark": Look("moody low-key cinematic look", "black, steel grey and cold cyan"),
}
_LABELS = ("Lighting", "Camera", "Style", "Continuity")


@dataclass(frozen=True)
class VisualSpec:
    """The slots of a shot prompt (an empty slot is left out of the prompt)."""

    subject: str
    motion: str
    lighting: str
    camera: str
    style: str
    continuity: str

    def render(self) -> str:
        head = ", ".join(p for p in (self.subject.strip().rstrip("."), self.motion.strip().rstrip(".")) if p)
        parts = [head + "."]
        for label, value in zip(_LABELS, (self.lighting, self.camera, self.style, self.continuity), strict=True):
            if value.strip():
                parts.append(f"{label}: {value.strip().rstrip('.')}.")
        return " ".join(parts)

    @classmethod
    def parse(cls, prompt: str) -> VisualSpec:
        """Read a prompt rendered by :meth:`render` back into slots (free text becomes the subject)."""
        slots: dict[str, str] = {}
        pattern = re.compile(r"\b(" + "|".join(_LABELS) + r"):\s*(.*?)(?=\s*\b(?:" + "|".join(_LABELS) + r"):|$)", re.S)
        first = pattern.search(prompt)
        head = prompt[: first.start()] if first else prompt
        for m in pattern.finditer(prompt):
            slots[m.group(1).lower()] = m.group(2).strip().rstrip(".")
        head = head.strip().rstrip(".")
        subject, _, motion = head.partition(", ")
        return cls(subject=subject, motion=motion, lighting=slots.get("lighting", ""), camera=slots.get("camera", ""),
                   style=slots.get("style", ""), continuity=slots.get("continuity", ""))

    def with_(self, **changes: str) -> VisualSpec:
        return replace(self, **changes)


def infer_traits(text: str, *, style: str = "") -> list[str]:
    """Scene traits (from :data:`tools.production.TRAITS`) suggested by the words in ``text`` and the style."""
    low = f" {text.lower()} {style.lower()} "
    found = [trait for trait, words in _LEX.items() if any(re.search(rf"\b{re.escape(w)}", low) for w in words)]
    if not {"fast_action", "stylized_animation", "abstract_motion_graphics"} & set(found):
        found.append("slow_cinematic")
    if {"nature", "real_place"} & set(found):
        found.append("b_roll")
    return [t for t in TRAITS if t in found]


def choose_kind(traits: list[str], *, presenter: bool = False) -> str:
    """``presenter`` when asked for, ``stock`` for real places / b-roll, else ``generated``."""
    if presenter:
        return "presenter"
    if ("real_place" in traits or "b_roll" in traits) and "stylized_animation" not in traits \
            and "abstract_motion_graphics" not in traits:
        return "stock"
    return "generated"


def negative_prompt(traits: list[str]) -> str:
    """Things to avoid for a shot with these traits."""
    extra = [_NEGATIVE_BY_TRAIT[t] for t in traits if t in _NEGATIVE_BY_TRAIT]
    return ", ".join([_BASE_NEGATIVE, *extra])


def motion_for(traits: list[str]) -> str:
    if "fast_action" in traits:
        return "dynamic fast movement with motion blur"
    if "photoreal_human" in traits:
        return "people moving naturally with subtle gestures"
    if "product" in traits:
        return "slowly rotating to reveal its details"
    if "nature" in traits:
        return "leaves, water and light moving gently"
    if "abstract_motion_graphics" in traits:
        return "shapes and icons assembling smoothly"
    return "subtle natural movement"


CAMERAS = ("slow dolly-in, wide shot", "smooth lateral tracking shot, medium shot", "gentle push-in, close-up detail",
           "slow pull-back reveal, wide shot")


def camera_for(traits: list[str], variant: int = 0) -> str:
    if "aerial" in traits:
        return "drone shot, slow forward glide high above"
    if "product" in traits:
        return "slow orbit around the subject, close-up"
    if "fast_action" in traits:
        return "fast tracking shot following the action"
    return CAMERAS[variant % len(CAMERAS)]


_TIME_LIGHT = (("dusk", "dusk, deep blue twilight with warm last light"), ("sunset", "golden sunset backlight"),
               ("dawn", "early dawn light, soft mist"), ("sunrise", "warm sunrise glow"),
               ("night", "night, pools of warm artificial light"), ("midnight", "night, pools of warm artificial light"),
               ("storm", "stormy overcast light"), ("lamplight", "warm lamplight"), ("winter", "cold crisp winter light"),
               ("summer", "bright warm summer light"))


def lighting_for(text: str, tone: str = "modern") -> str:
    low = text.lower()
    for word, light in _TIME_LIGHT:
        if re.search(rf"\b{word}", low):
            return light
    return {"dramatic": "high-contrast directional light", "dark": "low-key moody light",
            "playful": "bright even light", "calm": "soft diffused daylight"}.get(tone, "soft natural daylight")


def continuity_for(brief: Brief, setting: str = "", *, presenter: bool = False) -> ContinuitySheet:
    """The look every shot shares: style, palette, setting and recurring characters."""
    look = TONE_STYLE.get(brief.tone, TONE_STYLE["modern"])
    characters = ["the same presenter: a friendly host in plain neutral clothing"] if presenter else []
    return ContinuitySheet(style=brief.style or look.style, palette=look.palette, setting=setting,
                           characters=characters)


# --- contradictions ------------------------------------------------------------------------------

_CONFLICTS: tuple[tuple[str, str, str], ...] = (
    (r"fast[- ]action|fast[- ]paced|rapid|quick cuts|high[- ]speed|dynamic fast movement", r"slow[- ]motion",
     "fast action vs slow motion"),
    (r"static shot|locked[- ]off|still camera|tripod shot",
     r"tracking|dolly|pan\b|orbit|handheld|drone|push-in|pull-back|glide", "static camera vs camera movement"),
    (r"\b(?:daylight|midday|noon|sunny|bright sun)", r"\b(?:night|midnight|moonlit|dusk|twilight)", "day vs night"),
    (r"black[- ]and[- ]white|monochrome|greyscale", r"vibrant colou?rs?|colou?rful|saturated", "monochrome vs colour"),
    (r"close-up|macro|extreme close", r"aerial|drone|bird's-eye|establishing wide", "close-up vs aerial"),
)


def _drop(loser: str, keeper: str, text: str) -> str:
    """Remove clauses matching ``loser``; inside a clause that also holds ``keeper``, remove just the phrase."""
    out = []
    for clause in re.split(r",\s*", text):
        if not re.search(loser, clause, re.I):
            out.append(clause)
        elif re.search(keeper, clause, re.I):
            out.append(re.sub(rf"(?:\s+(?:in|with|and|but|at))?\s*(?:{loser})[\w-]*", "", clause, flags=re.I).strip())
    return ", ".join(c for c in out if c)


def lint_prompt(prompt: str, *, prefer_later: bool = False) -> tuple[str, list[str]]:
    """Remove contradictory phrases (keeping the first one, or the later one with ``prefer_later``); list issues."""
    spec = VisualSpec.parse(prompt)
    issues: list[str] = []
    fields = ["subject", "motion", "lighting", "camera", "style"]
    for a, b, name in _CONFLICTS:
        text = spec.render()
        ma, mb = re.search(a, text, re.I), re.search(b, text, re.I)
        if not (ma and mb):
            continue
        a_loses = (prefer_later and ma.start() < mb.start()) or (not prefer_later and ma.start() > mb.start())
        loser, keeper = (a, b) if a_loses else (b, a)
        issues.append(f"removed contradiction ({name})")
        changes = {}
        for f in fields:
            value = getattr(spec, f)
            if re.search(loser, value, re.I):
                changes[f] = _drop(loser, keeper, value)
        spec = spec.with_(**changes)
    return spec.render(), issues


def drop_conflicts(text: str, winner: str) -> tuple[str, list[str]]:
    """Remove from ``text`` the phrases that contradict ``winner`` (e.g. an edit's new camera or light)."""
    issues: list[str] = []
    for a, b, name in _CONFLICTS:
        for keep, lose in ((a, b), (b, a)):
            if re.search(keep, winner, re.I) and re.search(lose, text, re.I):
                text = _drop(lose, keep, text)
                issues.append(f"replaced contradicting phrase ({name})")
    return text, issues
