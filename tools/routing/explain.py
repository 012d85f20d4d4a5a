"""`explain`: rank every model for a free-text shot description, with reasons, costs and why-nots."""

from __future__ import annotations

from pydantic import BaseModel

from reelforge.tools.clips.registry import Registry
from reelforge.tools.production import Brief, Shot
from reelforge.tools.routing.router import candidates, need_for
from reelforge.tools.routing.scoring import reason
from reelforge.tools.settings import Settings, get_settings


class Ranked(BaseModel):
    """One model's standing for a shot: usable ones ranked, unusable ones with why."""

    rank: int | None
    model_id: str
    family: str
    name: str
    available: bool
    gateway: str | None = None
    score: float | None = None
    fit: float = 0.0
    price_per_s: float = 0.0
    est_cost_usd: float = 0.0
    clip_seconds: float = 0.0
    latency_s: float = 0.0
    traits: list[str] = []
    reason: str = ""


def explain(text: str, *, aspect: str = "16:9", seconds: float = 5, preference: str = "balanced",
            settings: Settings | None = None, registry: Registry | None = None) -> list[Ranked]:
    """Infer traits from ``text`` and rank every model for a ``seconds``-long ``aspect`` shot."""
    settings = settings or get_settings()
    registry = registry or Registry.load(settings)
    brief = Brief(goal=text, aspects=[aspect], preference=preference)  # type: ignore[arg-type]
    need = need_for(Shot(id="explain", visual_prompt=text, seconds=seconds), brief)
    out: list[Ranked] = []
    for i, c in enumerate(candidates(need, brief, registry, settings)):
        out.append(Ranked(
            rank=i + 1 if c.ok else None, model_id=c.id, family=c.model.family, name=c.model.name,
            available=c.ok, gateway=c.gateway, score=c.score if c.ok else None, fit=c.fit,
            price_per_s=c.price_per_s or c.model.price_per_s, est_cost_usd=c.cost, clip_seconds=c.clip_seconds,
            latency_s=c.model.latency_s, traits=list(need.traits),
            reason=reason(c, need, preference) if c.ok else f"unavailable: {c.why_not}"))
    return out
