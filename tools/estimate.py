"""The estimate of every paid item of a production: clips, narration and music.

``price_storyboard`` puts the narration and music lines on the storyboard (``Storyboard.paid_extras``), so
the storyboard's estimate, the budget check and the approval cover them; ``estimate_lines`` lists every
item with whether it is already in the asset store (re-used, nothing to pay) — the estimate delta a user
sees before approving a changed storyboard; ``actual_lines`` sets each item's actual cost for the manifest.
"""

from __future__ import annotations

from typing import Any

from reelforge.tools.pricing import audio_price
from reelforge.tools.production import Brief, CostLine, ProductionAssets, Storyboard
from reelforge.tools.settings import Settings


def narration_line(brief: Brief, storyboard: Storyboard, settings: Settings) -> CostLine:
    """The narration: characters spoken × the chosen voice's price per character."""
    from reelforge.tools.voice import eleven, openai_tts
    from reelforge.tools.voice.base import VoiceError
    from reelforge.tools.voice.speech import to_speech
    from reelforge.tools.voice.synth import resolve

    chars = sum(len(to_speech(s.narration, brief.language).spoken)  # what the voice is paid to say
                for s in storyboard.scenes if s.narration.strip())
    try:
        choice = resolve(brief.voice, settings, brief.language)
        engine = choice.engine
    except VoiceError:  # no voice installed or an unknown one: production will say so; nothing is paid
        engine = "offline"
    if engine == "elevenlabs":
        model = eleven.model_for(settings, brief.preference)
    elif engine == "openai":
        model = openai_tts.model_for(brief.preference)
    else:
        model = "default"
    price = audio_price("narration", engine, model, settings)
    return CostLine(item="narration", kind="narration", provider=engine, model=model, quantity=chars,
                    unit=price.unit, estimated_usd=price.cost(chars), price_source=price.price_source)


def music_line(brief: Brief, settings: Settings) -> CostLine | None:
    """The music bed (None without music): library and generated tracks are priced in the registry data."""
    if brief.music_mood in ("none", "off"):
        return None
    price = audio_price("music", "library", "default", settings)
    return CostLine(item="music", kind="music", provider="library", model=brief.music_mood, quantity=1,
                    unit=price.unit, estimated_usd=price.cost(1), price_source=price.price_source)


def price_storyboard(brief: Brief, storyboard: Storyboard, settings: Settings) -> Storyboard:
    """``storyboard`` with its narration and music priced (``paid_extras``) for ``brief``."""
    extras = [narration_line(brief, storyboard, settings)]
    music = music_line(brief, settings)
    if music is not None:
        extras.append(music)
    extras += [x for x in storyboard.paid_extras if x.kind == "image"]  # keyframes drawn for the storyboard
    return storyboard.model_copy(update={"paid_extras": extras})


def clip_lines(brief: Brief, storyboard: Storyboard, registry: Any, store: Any, settings: Settings) -> list[CostLine]:
    """One line per shot: its routed model's estimate, ``reused`` when the clip is already in the store.

    A shot that continues the previous one is re-used only with that shot's clip as it is now (it starts on its
    last frame; see :mod:`tools.clips.chaining`)."""
    from reelforge.tools.clips.chaining import chain_links, chained_frame, continues_on
    from reelforge.tools.clips.runner import build_request, cache_key

    out = []
    links = chain_links(storyboard)
    video_shots = {s.id for s in storyboard.shots if s.route is not None and s.route.source == "video"}
    made: dict[str, Any] = {}  # shot id -> its clip already in the store
    for shot in storyboard.shots:
        r = shot.route
        if r is None:
            out.append(CostLine(item=f"shot {shot.id}", kind="clip"))
            continue
        reused = False
        spec = registry.models.get(r.model_id)
        if spec is not None and spec.kind != "avatar":  # an avatar's request holds narration not yet made
            try:
                before = links.get(shot.id)
                frame = chained_frame(made.get(before), registry, store) if before else None
                waits = before in video_shots and frame is None and continues_on(spec)  # on a clip not made yet
                if not waits:
                    req = build_request(shot, brief, registry, r.model_id, r.gateway, settings,
                                        aspect=brief.aspects[0], clip_seconds=r.clip_seconds or None,
                                        chained_frame=frame)
                    made[shot.id] = store.get(cache_key(req, r.gateway))
                    reused = made[shot.id] is not None
            except (KeyError, ValueError, OSError):
                reused = False
        kind = spec.kind if spec is not None and spec.kind in ("avatar", "stock") else "clip"
        out.append(CostLine(item=f"shot {shot.id}", kind=kind, provider=r.provider, model=r.model_id,
                            quantity=r.clip_seconds or shot.seconds, unit="s", estimated_usd=r.est_cost_usd,
                            reused=reused, price_source=spec.price_source if spec is not None else ""))
    return out


def estimate_lines(brief: Brief, storyboard: Storyboard, registry: Any, store: Any, settings: Settings) -> list[CostLine]:
    """Every paid item of ``storyboard``: clips, narration and music, each marked re-used when already made."""
    from reelforge.tools.voice.synth import narration_reused

    extras = []
    for line in storyboard.paid_extras:
        if line.kind == "narration" and line.estimated_usd > 0:
            line = line.model_copy(update={"reused": narration_reused(
                [s.narration for s in storyboard.scenes], voice=brief.voice, language=brief.language,
                settings=settings, store=store, preference=brief.preference)})
        extras.append(line)
    return clip_lines(brief, storyboard, registry, store, settings) + extras


def to_pay_usd(lines: list[CostLine]) -> float:
    """What approving these lines would spend: everything not already in the store."""
    return round(sum(x.estimated_usd for x in lines if not x.reused), 4)


def delta_text(lines: list[CostLine]) -> str:
    """One sentence: what is re-used from the cache and what will be paid."""
    reused = [x for x in lines if x.reused]
    saved = round(sum(x.estimated_usd for x in reused), 4)
    paid = [x for x in lines if not x.reused and x.estimated_usd > 0]
    parts = [f"re-used from the cache: {len(reused)} item(s) worth ${saved:.2f}" if reused else "nothing re-used",
             f"to pay: ${to_pay_usd(lines):.2f}" + (f" ({', '.join(x.item for x in paid)})" if paid else "")]
    return "; ".join(parts) + "."


def actual_lines(storyboard: Storyboard, assets: ProductionAssets) -> list[CostLine]:
    """Estimate vs actual for each paid item once production is done (for the manifest and the delivery)."""
    out = []
    for shot in storyboard.shots:
        asset = assets.clips.get(shot.id)
        r = shot.route
        out.append(CostLine(item=f"shot {shot.id}", kind="clip", provider=r.provider if r else "",
                            model=asset.provenance.model or "" if asset else (r.model_id if r else ""),
                            quantity=r.clip_seconds if r and r.clip_seconds else shot.seconds, unit="s",
                            estimated_usd=r.est_cost_usd if r else 0.0,
                            actual_usd=asset.provenance.cost_usd if asset else 0.0))
    extras = {x.kind: x for x in storyboard.paid_extras}
    narr = extras.get("narration", CostLine(item="narration", kind="narration"))
    if assets.narrations or "narration" in extras:
        out.append(narr.model_copy(update={"actual_usd": round(sum(n.asset.provenance.cost_usd
                                                                    for n in assets.narrations), 4)}))
    music = extras.get("music")
    if assets.music is not None or music is not None:
        music = music or CostLine(item="music", kind="music")
        out.append(music.model_copy(update={"actual_usd": assets.music.provenance.cost_usd if assets.music else 0.0}))
    out += [x for x in storyboard.paid_extras if x.kind == "image"]  # keyframes: paid when they were drawn
    return out


def cost_table(lines: list[CostLine]) -> list[str]:
    """Plain lines ``item: estimated $x, actual $y`` plus the total, for a delivery message."""
    rows = [f"- {x.item} ({x.model or x.provider}): estimated ${x.estimated_usd:.2f}, actual ${x.actual_usd or 0:.2f}"
            for x in lines if x.estimated_usd or x.actual_usd]
    est = round(sum(x.estimated_usd for x in lines), 4)
    act = round(sum(x.actual_usd or 0.0 for x in lines), 4)
    return [*rows, f"Total: estimated ${est:.2f}, actual ${act:.2f}"]
