"""The end card's credits, filled once production knows what the video uses.

The plan lays out an end card (``tools.graphics``, layout ``end_card``) before any stock clip or music is
chosen, so its credits are unknown then. :func:`credit_end_cards` draws each end card the offline renderer
made again, with the credit lines of the stock and music the video really uses
(:func:`tools.stock.licence.screen_credits`) and no credits block when nothing needs one. The clip is
cached by content like any other: the same credits cost nothing, changed credits redraw only the end card,
and assembly's segment cache then re-encodes only the spans that show it.
"""

from __future__ import annotations

from reelforge.tools.clips.registry import Registry
from reelforge.tools.clips.runner import generate_shot
from reelforge.tools.production import Asset, Brief, RouteChoice, Shot, Storyboard
from reelforge.tools.routing.router import OFFLINE_MODEL
from reelforge.tools.settings import Settings
from reelforge.tools.stock.licence import screen_credits
from reelforge.tools.store import AssetStore


def end_card_shots(storyboard: Storyboard, clips: dict[str, Asset]) -> list[Shot]:
    """The shots whose clip is an end card drawn by the offline renderer (a still shot draws its keyframe)."""
    return [s for s in storyboard.shots
            if s.graphic is not None and s.graphic.layout == "end_card" and s.id in clips
            and clips[s.id].provenance.model == OFFLINE_MODEL and not (s.kind == "still" and (s.image_path or s.keyframe))]


async def credit_end_cards(storyboard: Storyboard, brief: Brief, clips: dict[str, Asset], music: Asset | None,
                           registry: Registry, store: AssetStore, settings: Settings) -> dict[str, Asset]:
    """``clips`` with every drawn end card showing the credits of the other clips and the music.

    Only the offline renderer runs (free): a shot routed to a paid model that fell back to an end card is
    never sent to that model again here. Whether the card is a fallback, and why, stays on its provenance.
    """
    cards = end_card_shots(storyboard, clips)
    if not cards:
        return clips
    ids = {s.id for s in cards}
    used = [a for sid, a in clips.items() if sid not in ids] + ([music] if music is not None else [])
    lines = screen_credits(used)
    gateway = registry.available(OFFLINE_MODEL, settings).gateway
    out = dict(clips)
    for shot in cards:
        assert shot.graphic is not None
        if shot.graphic.items == lines:
            continue
        same_length = shot.route.clip_seconds if shot.route and shot.route.model_id == OFFLINE_MODEL else 0.0
        credited = shot.model_copy(update={
            "graphic": shot.graphic.model_copy(update={"items": lines}),
            "route": RouteChoice(model_id=OFFLINE_MODEL, provider=OFFLINE_MODEL, gateway=gateway or "local",
                                 clip_seconds=same_length)})
        made = await generate_shot(credited, brief, registry, store, settings, aspect=brief.aspects[0],
                                   look=storyboard.look)
        was = clips[shot.id].provenance
        out[shot.id] = made.model_copy(update={"provenance": made.provenance.model_copy(update={
            "fell_back": was.fell_back, "fallback_reason": was.fallback_reason})})
    return out
