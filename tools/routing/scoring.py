"""One (shot, model) pairing: hard constraints, clip plan (split / trim), cost, latency and a score."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from reelforge.tools.clips.registry import ModelSpec, Registry
from reelforge.tools.settings import Settings

#: Weights of (trait fit, cost, latency) per brief.preference.
WEIGHTS: dict[str, tuple[float, float, float]] = {
    "quality": (1.0, 0.1, 0.05),
    "balanced": (1.0, 0.6, 0.2),
    "cheap": (0.5, 1.5, 0.1),
    "fast": (0.6, 0.3, 1.2),
}
PRICE_SCALE = 0.5  # USD/s that counts as "expensive"
LATENCY_SCALE = 600.0  # seconds that count as "slow"
SPLIT_PENALTY = 0.08  # score lost per cut when a continuous shot must be split into unrelated clips
SHOT_KIND_MODELS = {"stock": "stock", "presenter": "avatar"}
#: Traits for which stock footage can stand in for a generated shot when the budget is too small.
STOCK_SUITED = frozenset({"real_place", "b_roll", "nature", "aerial", "product"})


@dataclass(frozen=True)
class Need:
    """What a shot needs from a model."""

    seconds: float
    aspect: str
    traits: tuple[str, ...] = ()
    image_to_video: bool = False
    kind: str = "generated"
    presenter: str | None = None  # the user's presenter upload: "image", "video" or None


@dataclass
class Candidate:
    """A model judged for one shot: usable or not (with why), its plan, cost and score."""

    model: ModelSpec
    ok: bool
    why_not: str = ""
    gateway: str | None = None
    price_per_s: float = 0.0
    parts: int = 1
    clip_seconds: float = 0.0
    extend_s: list[float] = field(default_factory=list)  # one continuous take: the clip, then these extensions
    cost: float = 0.0
    fit: float = 0.0
    score: float = -math.inf
    notes: list[str] = field(default_factory=list)
    budget_only: bool = False  # stock standing in for a generated shot: only when the budget needs it

    @property
    def id(self) -> str:
        return self.model.id


def trait_fit(model: ModelSpec, traits: tuple[str, ...]) -> float:
    """Strength over the shot's traits, most important first (weights 1, 1/3, 1/5…: a fast-action shot with a
    touch of graphics wants a motion model first), or over all the model's strengths when it has none."""
    if traits:
        weights = [1 / (1 + 2 * i) for i in range(len(traits))]
        return sum(w * model.strength(t) for w, t in zip(weights, traits, strict=True)) / sum(weights)
    vals = list(model.strengths.values())
    return sum(vals) / len(vals) if vals else 0.5


def kind_allowed(model: ModelSpec, need: Need, specialist_available: bool) -> str | None:
    """None when a model of this kind may take the shot, else why not."""
    wanted = SHOT_KIND_MODELS.get(need.kind)
    if model.kind == "image":
        return "an image model draws keyframes, not clips"
    if need.kind in ("graphics", "still"):  # drawn by the offline renderer, free, with or without keys
        return None if model.kind == "offline" else f"a {need.kind} shot is drawn by reelforge itself"
    if model.kind in ("stock", "avatar"):
        return None if wanted == model.kind else f"{model.kind} model, shot is {need.kind}"
    if wanted and specialist_available:
        return f"{need.kind} shot goes to a {wanted} source"
    return None


def evaluate(model: ModelSpec, need: Need, registry: Registry, settings: Settings, preference: str, *,
             specialist_available: bool = False) -> Candidate:
    """Judge ``model`` for ``need``: hard constraints first, then the clip plan and the score."""
    c = Candidate(model, ok=False)
    kind_issue = kind_allowed(model, need, specialist_available)
    if kind_issue:
        c.why_not = kind_issue
        return c
    avail = registry.available(model, settings)
    if not avail.ok:
        c.why_not = avail.reason
        return c
    presenter_issue = model.presenter_issue(need.presenter)
    if presenter_issue:
        c.why_not = presenter_issue
        return c
    if need.image_to_video and "image-to-video" not in model.modes:
        c.why_not = "no image-to-video"
        return c
    if not need.image_to_video and "text-to-video" not in model.modes and model.kind in ("video",):
        c.why_not = "image-to-video only"
        return c
    if not model.supports_aspect(need.aspect):
        c.why_not = f"no {need.aspect} (has {', '.join(model.aspects)})"
        return c
    c.ok, c.gateway, c.price_per_s = True, avail.gateway, avail.price_per_s
    c.extend_s = model.extension_plan(need.seconds) if registry.can_extend(model, c.gateway) else []
    if c.extend_s:
        c.clip_seconds = model.clip_length(model.max_clip_s)
        billed = model.billed_seconds(c.clip_seconds) + sum(model.billed_seconds(s) for s in c.extend_s)
        c.cost = round(billed * c.price_per_s, 4)
        c.notes.append(f"one continuous {need.seconds:g} s take: a {c.clip_seconds:g} s clip extended "
                       f"{len(c.extend_s)} time(s)")
    else:
        c.parts = max(1, math.ceil(need.seconds / model.max_clip_s - 1e-9))
        c.clip_seconds = model.clip_length(need.seconds / c.parts)
        c.cost = round(c.parts * model.billed_seconds(c.clip_seconds) * c.price_per_s, 4)
        if c.parts > 1:
            c.notes.append(f"split into {c.parts} clips of {c.clip_seconds:g} s")
        elif c.clip_seconds > need.seconds + 1e-6:
            c.notes.append(f"{c.clip_seconds:g} s clip trimmed to {need.seconds:g} s")
    c.fit = round(trait_fit(model, need.traits), 4)
    wq, wc, wl = WEIGHTS.get(preference, WEIGHTS["balanced"])
    c.score = round(wq * c.fit - wc * c.price_per_s / PRICE_SCALE - wl * model.latency_s / LATENCY_SCALE
                    - SPLIT_PENALTY * (c.parts - 1), 6)
    return c


def rank(cands: list[Candidate]) -> list[Candidate]:
    """Usable first by score (then cheaper, then id), budget-only stand-ins after them; unusable last, by id."""
    return sorted(cands, key=lambda c: (not c.ok, c.budget_only, -c.score if c.ok else 0.0, c.cost, c.id))


def reason(c: Candidate, need: Need, preference: str) -> str:
    """One line saying why this model (fit, price, latency, plan)."""
    traits = ", ".join(need.traits) or "general"
    bits = [f"{c.model.name or c.id} via {c.gateway}: fit {c.fit:.2f} for {traits}",
            f"${c.price_per_s:.3f}/s ≈ ${c.cost:.2f}", f"~{c.model.latency_s:.0f} s", f"preference {preference}"]
    return "; ".join(bits + c.notes)
