"""Keyframes: one real picture per shot from an image model, at the output's aspect ratio.

:func:`pick_image_model` chooses a usable image model for the brief's preference (one that accepts
references when the look sheet has some); :func:`draw_keyframes` draws every shot that has no keyframe for
its current prompt (so editing one scene redraws only that scene's keyframes) through the runner's provider
machinery — cached by content (prompt, model, size, seed, reference files), journalled, retried, priced per
image. The approved keyframe becomes the shot's first frame on image-to-video models
(:func:`tools.clips.runner.build_request`) and the picture a ``still`` shot moves over.

Keyframes are the one thing paid for before the storyboard is approved: they are drawn only when the
brief allows it (``keyframes="auto"``), only when every keyframe together fits
``KEYFRAME_BUDGET_SHARE`` of the budget, and their cost is a line of the estimate (``paid_extras``).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

from reelforge.tools.clips.base import ClipRequest
from reelforge.tools.clips.registry import ModelSpec, Registry
from reelforge.tools.production import FORMATS, Asset, Brief, CostLine, LookSheet, Provenance, Shot, Storyboard
from reelforge.tools.settings import Settings
from reelforge.tools.store import AssetStore

KEYFRAME_BUDGET_SHARE = 0.25  # keyframes may use at most this share of the budget
KEYFRAME_LONG_SIDE = 1536  # asked-for size (models snap it to their own sizes)


@dataclass(frozen=True)
class ImageChoice:
    model: ModelSpec
    gateway: str
    price: float


def _quality(spec: ModelSpec) -> float:
    return sum(spec.strengths.values()) / max(1, len(spec.strengths))


KEYFRAME_OFFER = "Real keyframes:"


def pick_image_model(registry: Registry, settings: Settings, brief: Brief, *, want_references: bool = False,
                     model_id: str | None = None, paid: bool = True) -> ImageChoice | None:
    """The image model to draw with (None when no image model is usable with the configured keys; with
    ``paid=False`` only free ones, such as a self-hosted model, count)."""
    usable: list[ImageChoice] = []
    for spec in registry.models.values():
        if spec.kind != "image" or (model_id and spec.id != model_id):
            continue
        avail = registry.available(spec, settings)
        price = registry.gateway_price(spec, avail.gateway) if avail.ok and avail.gateway else 0.0
        if avail.ok and avail.gateway and (paid or price <= 0):
            usable.append(ImageChoice(spec, avail.gateway, price))
    if not usable:
        return None
    if want_references and any(c.model.references for c in usable):
        usable = [c for c in usable if c.model.references]
    if brief.preference == "cheap":
        return min(usable, key=lambda c: (c.price, -_quality(c.model)))
    if brief.preference == "fast":
        return min(usable, key=lambda c: (c.model.latency_s, c.price))
    if brief.preference == "quality":
        return max(usable, key=lambda c: (_quality(c.model), -c.price))
    return max(usable, key=lambda c: _quality(c.model) - c.price * 2)


def keyframe_size(aspect: str) -> tuple[int, int]:
    w, h = FORMATS[aspect]
    k = KEYFRAME_LONG_SIDE / max(w, h)
    return round(w * k / 16) * 16, round(h * k / 16) * 16


def image_prompt(shot: Shot, brief: Brief, look: LookSheet | None) -> str:
    """The shot's visual prompt as a still: the subject, the look sheet's style and subjects, no camera move."""
    parts = [shot.visual_prompt.replace("Camera:", "Framing:"), brief.style]
    if look is not None:
        parts.append(look.prompt_suffix())
    return "; ".join(p.strip() for p in parts if p and p.strip())


def image_request(shot: Shot, brief: Brief, choice: ImageChoice, look: LookSheet | None,
                  aspect: str | None = None) -> ClipRequest:
    aspect = aspect or brief.aspects[0]
    width, height = keyframe_size(aspect)
    look = look.for_shot(shot) if look is not None else None  # a subject's change redraws only its shots
    gw = choice.model.gateways[choice.gateway]
    params: dict[str, Any] = dict(gw.params)
    refs = (look.reference_paths() if look is not None else [])[:choice.model.references]
    return ClipRequest(shot_id=shot.id, prompt=image_prompt(shot, brief, look), seconds=0.0, aspect=aspect,
                       width=width, height=height, model_id=choice.model.id, gateway_model=gw.model, seed=shot.seed,
                       references=refs, params=params)


async def draw_image(req: ClipRequest, choice: ImageChoice, registry: Registry, store: AssetStore,
                     settings: Settings) -> tuple[Asset, bool]:
    """The image for ``req`` (from the cache when it was drawn before); returns (asset, newly paid)."""
    from reelforge.tools.clips.runner import attempt, cache_key

    key = cache_key(req, choice.gateway)
    req.idempotency_key = key
    cached = store.get(key)
    if cached is not None:
        return cached, False
    path, cost, _job = await attempt(choice.model.id, choice.gateway, req, registry, store, settings, None)
    prov = Provenance(source=choice.gateway if choice.gateway not in ("direct", "local") else choice.model.family,
                      model=choice.model.id, prompt=req.prompt, cost_usd=round(cost, 4))
    asset = Asset(key=key, kind="image", path=str(path), width=req.width, height=req.height, provenance=prov)
    stored = store.put(asset, path)
    if str(path) != stored.path:
        path.unlink(missing_ok=True)
    return stored, True


def keyframes_affordable(n: int, choice: ImageChoice, brief: Brief) -> bool:
    return n * choice.price <= brief.budget_usd * KEYFRAME_BUDGET_SHARE + 1e-9


async def draw_keyframes(storyboard: Storyboard, brief: Brief, registry: Registry, store: AssetStore,
                         settings: Settings, *, max_parallel: int = 4) -> Storyboard:
    """``storyboard`` with a keyframe on every shot (kept where the prompt did not change), priced on the
    estimate; unchanged when keyframes are off, no image model is usable, or they would not fit the budget.

    Nothing is paid before the storyboard is approved unless the person asked for keyframes
    (``brief.keyframes == "on"``): with ``"auto"`` only a free image model draws, and the storyboard says what
    real keyframes would cost and how to ask for them.
    """
    if brief.keyframes == "off":
        return storyboard
    look = storyboard.look
    refs = bool(look and look.reference_paths())
    choice = pick_image_model(registry, settings, brief, want_references=refs, paid=brief.keyframes == "on")
    todo = [s for s in storyboard.shots if s.kind not in ("presenter", "graphics")]
    if choice is None:
        offer = pick_image_model(registry, settings, brief, want_references=refs)
        if offer is None or not todo or not keyframes_affordable(len(todo), offer, brief):
            return storyboard
        note = (f"{KEYFRAME_OFFER} {offer.model.name or offer.model.id} would cost about "
                f"${len(todo) * offer.price:.2f} for {len(todo)} shots; say \"draw keyframes\" to pay for them now, "
                "before you approve the video.")
        notes = [n for n in storyboard.notes if not n.startswith(KEYFRAME_OFFER)] + [note]
        return storyboard.model_copy(update={"notes": notes})
    board = storyboard.model_copy(deep=True)
    todo = [s for s in board.shots if s.kind not in ("presenter", "graphics")]
    if not todo or not keyframes_affordable(len(todo), choice, brief):
        return storyboard
    gate = asyncio.Semaphore(max_parallel)

    async def one(shot: Shot) -> tuple[Shot, Asset, bool]:
        async with gate:
            req = image_request(shot, brief, choice, look)
            asset, paid = await draw_image(req, choice, registry, store, settings)
            return shot, asset, paid

    outcomes = await asyncio.gather(*(one(s) for s in todo), return_exceptions=True)
    results = [r for r in outcomes if not isinstance(r, BaseException)]
    failed = [r for r in outcomes if isinstance(r, BaseException)]
    if failed and not any(isinstance(r, Exception) for r in failed):
        raise failed[0]  # a cancellation, not a provider failure
    if not results:  # the image service refused or is down: the storyboard keeps its drawn thumbnails
        return storyboard
    spent = 0.0
    for shot, asset, paid in results:
        shot.keyframe = asset.path
        spent += asset.provenance.cost_usd if paid else 0.0
    line = CostLine(item="keyframes", kind="image", provider=choice.gateway, model=choice.model.id,
                    quantity=len(results), unit="image", estimated_usd=round(len(results) * choice.price, 4),
                    actual_usd=round(spent, 4), reused=spent == 0.0, price_source=choice.model.price_source)
    board.paid_extras = [x for x in board.paid_extras if x.item != "keyframes"] + [line]
    return board
