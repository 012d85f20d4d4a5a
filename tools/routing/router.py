"""Route every shot of a storyboard to a model: hard constraints, trait fit, preference, whole-budget cap.

Deterministic: the same storyboard, brief, registry and credentials give the same routes. When the
estimate exceeds ``brief.budget_usd`` the least important shots are downgraded first, one step at a
time to the best cheaper model — ultimately the free motion renderer — and the downgrade is said in
``RouteChoice.reason`` and ``Storyboard.notes``. A model the user forced (``Shot.model_override``) is
never downgraded: when the forced shots alone break the budget the plan stays over it, a
``Router: over budget:`` note says so, and :func:`budget_check` reports it so the agent can refuse or ask. Shots longer than the chosen model's longest clip are
split into parts (``s3.1`` → ``s3.1a``, ``s3.1b``); shorter ones are trimmed from the clip.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import Literal

from reelforge.tools.clips.chaining import continues_on
from reelforge.tools.clips.registry import Registry
from reelforge.tools.production import Brief, RouteChoice, Shot, Storyboard
from reelforge.tools.routing.plain import plain_reason, product_name
from reelforge.tools.routing.scoring import STOCK_SUITED, Candidate, Need, evaluate, rank, reason
from reelforge.tools.routing.traits import infer_traits
from reelforge.tools.settings import Settings

OFFLINE_MODEL = "motion"
NOTE_PREFIX = "Router:"
OVER_BUDGET_NOTE = f"{NOTE_PREFIX} over budget:"
MAX_FALLBACKS = 2


class RoutingError(RuntimeError):
    """No model at all can make a shot (e.g. the offline renderer was removed from the registry)."""


@dataclass(frozen=True)
class ForcedShot:
    """A shot whose model the user forced (``Shot.model_override``) and what it costs."""

    shot_id: str
    model_id: str
    cost_usd: float


@dataclass(frozen=True)
class BudgetCheck:
    """A routed storyboard's estimate against the brief's budget, and whether forced models are why."""

    budget_usd: float
    total_usd: float
    forced: tuple[ForcedShot, ...] = ()

    @property
    def forced_usd(self) -> float:
        return round(sum(f.cost_usd for f in self.forced), 4)

    @property
    def over(self) -> bool:
        """The estimate exceeds the budget."""
        return self.total_usd > self.budget_usd + 1e-9

    @property
    def forced_over(self) -> bool:
        """Over budget with forced models in the plan: only changing a forced model (or the budget) can fix it."""
        return self.over and bool(self.forced)

    @property
    def overage_usd(self) -> float:
        return round(max(0.0, self.total_usd - self.budget_usd), 4)

    def message(self) -> str:
        """One plain sentence for the user ('' when within budget)."""
        if not self.over:
            return ""
        text = f"the plan costs ${self.total_usd:.2f}, ${self.overage_usd:.2f} over the ${self.budget_usd:.2f} budget"
        if self.forced:
            models = sorted({f.model_id for f in self.forced})
            shots = ", ".join(f.shot_id for f in self.forced)
            text += (f", because of the model(s) you chose ({', '.join(models)} for {shots}, "
                     f"${self.forced_usd:.2f}); pick a cheaper model or raise the budget")
        return text


class OverBudgetError(RoutingError):
    """Raised by ``route_storyboard(..., on_over_budget="raise")``; ``.check`` says by how much and why."""

    def __init__(self, check: BudgetCheck, storyboard: Storyboard) -> None:
        super().__init__(check.message())
        self.check = check
        self.storyboard = storyboard


@dataclass
class _Plan:
    shot: Shot
    need: Need
    options: list[Candidate]  # usable, best first
    chosen: Candidate
    pinned: bool = False  # honoured model_override
    downgraded_from: str | None = None


VIDEO_SUFFIXES = (".mp4", ".mov", ".webm", ".m4v", ".mkv")


def presenter_source(brief: Brief) -> str | None:
    """``"image"`` / ``"video"`` for the user's presenter upload (by its first bytes, else its suffix), or None."""
    if not brief.presenter_path:
        return None
    from reelforge.tools.presenter import sniff

    path = Path(brief.presenter_path)
    try:
        with path.open("rb") as fh:
            mime = sniff(fh.read(32)) or ""
    except OSError:
        mime = ""
    if mime:
        return "video" if mime.startswith("video/") else "image"
    return "video" if path.suffix.lower() in VIDEO_SUFFIXES else "image"


def need_for(shot: Shot, brief: Brief) -> Need:
    """What ``shot`` requires, with traits inferred from its prompt when the planner gave none."""
    traits = tuple(shot.traits) or tuple(infer_traits(shot.visual_prompt))
    presenter = presenter_source(brief) if shot.kind == "presenter" else None
    return Need(shot.seconds, brief.aspects[0], traits, bool(shot.image_path), shot.kind, presenter)


def _specialists(registry: Registry, settings: Settings) -> set[str]:
    return {m.kind for m in registry.models.values()
            if m.kind in ("stock", "avatar") and registry.available(m, settings).ok}


def candidates(need: Need, brief: Brief, registry: Registry, settings: Settings,
               specialists: set[str] | None = None) -> list[Candidate]:
    """Every registry model judged for ``need``, ranked (usable first).

    A stock or presenter shot goes to a stock / avatar model when one can take it (key present, and for a
    presenter the right input); otherwise it is open to every model, the offline renderer included.
    """
    specialists = _specialists(registry, settings) if specialists is None else specialists
    wanted = {"stock": "stock", "presenter": "avatar"}.get(need.kind)
    special = [evaluate(m, need, registry, settings, brief.preference)
               for m in registry.models.values() if wanted and m.kind == wanted]
    can = wanted in specialists and any(c.ok for c in special)
    out = special + [evaluate(m, need, registry, settings, brief.preference, specialist_available=can)
                     for m in registry.models.values() if not (wanted and m.kind == wanted)]
    if need.kind == "generated" and STOCK_SUITED & set(need.traits):
        as_stock = replace(need, kind="stock")
        for i, c in enumerate(out):
            if c.model.kind == "stock":
                alt = evaluate(c.model, as_stock, registry, settings, brief.preference)
                if alt.ok:
                    alt.budget_only = True
                    alt.notes.append("stock footage suits this shot and costs less than generating it")
                    out[i] = alt
    return rank(out)


def _plan(shot: Shot, brief: Brief, registry: Registry, settings: Settings, specialists: set[str]) -> _Plan:
    need = need_for(shot, brief)
    ranked = candidates(need, brief, registry, settings, specialists)
    usable = [c for c in ranked if c.ok]
    if not usable:
        why = "; ".join(f"{c.id}: {c.why_not}" for c in ranked[:6])
        raise RoutingError(f"no usable model for shot {shot.id} ({why})")
    plan = _Plan(shot, need, usable, usable[0])
    if shot.model_override:
        hit = next((c for c in ranked if c.id == shot.model_override), None)
        if hit and hit.ok:
            plan.chosen, plan.pinned = hit, True
            hit.notes.insert(0, "your choice (model_override)")
        else:
            why = hit.why_not if hit else "not in the registry"
            plan.chosen.notes.insert(0, f"override {shot.model_override} unusable ({why})")
    return plan


def _cheaper(plan: _Plan) -> Candidate | None:
    """The best-scoring option strictly cheaper than the current one (stock stand-ins included)."""
    cheaper = [c for c in plan.options if c.cost < plan.chosen.cost - 1e-9]
    return max(cheaper, key=lambda c: c.score) if cheaper else None


def _enforce_budget(plans: list[_Plan], budget: float) -> list[str]:
    """Downgrade least-important shots first until the total fits; return what was changed."""
    changed: list[str] = []
    while sum(p.chosen.cost for p in plans) > budget + 1e-9:
        movable = [p for p in plans if not p.pinned and _cheaper(p) is not None]  # a forced model stays
        if not movable:
            break
        p = min(movable, key=lambda p: (p.shot.importance, -p.chosen.cost, p.shot.id))
        nxt = _cheaper(p)
        assert nxt is not None
        p.downgraded_from = p.downgraded_from or p.chosen.id
        p.chosen = nxt
    _refill(plans, budget)
    for p in plans:
        if p.downgraded_from and p.downgraded_from != p.chosen.id:
            changed.append(f"{p.shot.id} {p.downgraded_from}→{p.chosen.id}")
    return changed


def _refill(plans: list[_Plan], budget: float) -> None:
    """Spend what the downgrades left over: most important downgraded shots first, best option that fits."""
    for p in sorted((p for p in plans if p.downgraded_from), key=lambda p: (-p.shot.importance, p.shot.id)):
        spare = budget - sum(q.chosen.cost for q in plans) + p.chosen.cost
        better = next((c for c in p.options if c.score > p.chosen.score and c.cost <= spare + 1e-9), None)
        if better is not None:
            p.chosen = better


def _choice(plan: _Plan, brief: Brief, motion_known: bool) -> RouteChoice:
    c = plan.chosen
    others = [o.id for o in plan.options if o.id not in (c.id, OFFLINE_MODEL) and o.cost <= c.cost + 1e-9
              and (c.budget_only or not o.budget_only)]
    fallbacks = others[:MAX_FALLBACKS] + ([OFFLINE_MODEL] if motion_known and c.id != OFFLINE_MODEL else [])
    why = reason(c, plan.need, brief.preference)
    downgraded = bool(plan.downgraded_from and plan.downgraded_from != c.id)
    if downgraded:
        why = f"downgraded from {plan.downgraded_from} to fit the ${brief.budget_usd:.2f} budget; " + why
    only = all(o.id == c.id for o in plan.options)
    summary = plain_reason(c, plan.need, brief.preference, pinned=plan.pinned, downgraded=downgraded,
                           budget_usd=brief.budget_usd)
    return RouteChoice(model_id=c.id, provider=c.model.family, gateway=c.gateway or "", reason=why,
                       est_cost_usd=c.cost, clip_seconds=c.clip_seconds, extend_s=c.extend_s, fallbacks=fallbacks,
                       downgraded=downgraded, name=product_name(c.model.name, c.id, c.model.kind), summary=summary,
                       source=c.model.kind, only_choice=only, first_frame=continues_on(c.model))


def _split(shot: Shot, route: RouteChoice, parts: int, price: float) -> list[Shot]:
    """``shot`` as ``parts`` consecutive shots (ids ``<id>a``, ``<id>b``…), lengths summing exactly; each part
    after the first continues the one before (one take, chained where the model starts from a frame)."""
    if parts <= 1:
        return [shot.model_copy(update={"route": route})]
    each = round(shot.seconds / parts, 3)
    out = []
    for i in range(parts):
        secs = each if i < parts - 1 else round(shot.seconds - each * (parts - 1), 3)
        part_route = route.model_copy(update={
            "est_cost_usd": round(route.clip_seconds * price, 4),
            "reason": f"part {i + 1}/{parts}; {route.reason}"})
        out.append(shot.model_copy(update={
            "id": f"{shot.id}{chr(ord('a') + i)}", "seconds": secs, "seed": shot.seed + i, "route": part_route,
            "narration": shot.narration if i == 0 else "", "continues": shot.continues if i == 0 else True}))
    return out


def choose(shot: Shot, brief: Brief, registry: Registry, settings: Settings) -> RouteChoice:
    """The route for one shot on its own (no budget pass, no split) — for the runner's unrouted shots."""
    plan = _plan(shot, brief, registry, settings, _specialists(registry, settings))
    return _choice(plan, brief, OFFLINE_MODEL in registry.models)


def budget_check(storyboard: Storyboard, brief: Brief) -> BudgetCheck:
    """The routed ``storyboard``'s whole estimate (clips plus ``paid_extras``: narration, music) against
    ``brief.budget_usd``, naming the shots with a forced model."""
    forced = tuple(ForcedShot(s.id, s.route.model_id, round(s.route.est_cost_usd, 4)) for s in storyboard.shots
                   if s.route is not None and s.model_override and s.route.model_id == s.model_override)
    return BudgetCheck(budget_usd=brief.budget_usd, total_usd=storyboard.estimated_cost_usd, forced=forced)


def route_storyboard(storyboard: Storyboard, brief: Brief, registry: Registry, settings: Settings, *,
                     on_over_budget: Literal["note", "raise"] = "note") -> Storyboard:
    """A new storyboard with every shot routed (and split where needed) within ``brief.budget_usd``.

    Forced models (``model_override``) are kept even when they break the budget; the result then carries a
    ``Router: over budget:`` note (see :func:`budget_check`), or with ``on_over_budget="raise"`` an
    :class:`OverBudgetError` is raised carrying the check and the routed storyboard.
    """
    specialists = _specialists(registry, settings)
    plans = [_plan(s, brief, registry, settings, specialists) for s in storyboard.shots]
    extras = sum(x.estimated_usd for x in storyboard.paid_extras)  # narration and music come off the top
    changed = _enforce_budget(plans, max(0.0, brief.budget_usd - extras))
    motion_known = OFFLINE_MODEL in registry.models
    by_id = {p.shot.id: p for p in plans}
    scenes = []
    for scene in storyboard.scenes:
        shots: list[Shot] = []
        for shot in scene.shots:
            p = by_id[shot.id]
            shots += _split(shot, _choice(p, brief, motion_known), p.chosen.parts,
                            p.chosen.cost / max(p.chosen.parts * p.chosen.clip_seconds, 1e-9))
        scenes.append(scene.model_copy(update={"shots": shots}))
    total = round(sum(p.chosen.cost for p in plans), 4)
    notes = [n for n in storyboard.notes if not n.startswith(NOTE_PREFIX)]
    if changed:
        notes.append(f"{NOTE_PREFIX} to stay within the ${brief.budget_usd:.2f} budget, downgraded "
                     f"{len(changed)} shot(s): {', '.join(changed)}.")
    routed = storyboard.model_copy(update={"scenes": scenes})
    check = budget_check(routed, brief)
    if check.over:
        why = check.message() if check.forced else (
            f"even the cheapest plan costs ${check.total_usd:.2f}, over the ${brief.budget_usd:.2f} budget")
        notes.append(f"{OVER_BUDGET_NOTE} {why}.")
    notes.append(f"{NOTE_PREFIX} estimated clip cost ${total:.2f} for {len(plans)} shot(s).")
    out = routed.model_copy(update={"notes": notes})
    if check.over and on_over_budget == "raise":
        raise OverBudgetError(check, out)
    return out
