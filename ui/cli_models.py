"""`reelforge models`: the model registry with availability, prices and strengths; `--explain` a shot."""

from __future__ import annotations

import json
from typing import Any

import typer
from rich.console import Console
from rich.table import Table

from reelforge.tools.clips.registry import Registry, RegistryError
from reelforge.tools.production import FORMATS, PREFERENCES
from reelforge.tools.routing import explain
from reelforge.tools.settings import get_settings


def models_json(registry: Registry) -> list[dict[str, Any]]:
    """Every model as plain data: family, gateways (with missing keys), availability, price, lengths, strengths."""
    s = get_settings()
    out = []
    for m in registry.models.values():
        avail = registry.available(m, s)
        out.append({
            "id": m.id, "family": m.family, "name": m.name, "kind": m.kind, "available": avail.ok,
            "gateway": avail.gateway, "why_unavailable": "" if avail.ok else avail.reason,
            "gateways": {g: {"model": gw.model, "env": gw.env, "missing": [e for e in gw.env if not s.secret(e)],
                             "price_per_s": registry.gateway_price(m, g)} for g, gw in m.gateways.items()},
            "price_per_s": m.price_per_s, "price_per_image": m.price_per_image, "price_source": m.price_source,
            "durations": m.durations or list(m.duration_range or ()), "duration_range": m.duration_range is not None,
            "aspects": m.aspects, "modes": m.modes, "native_audio": m.native_audio, "latency_s": m.latency_s,
            "capabilities": m.capabilities, "checked": m.checked.isoformat() if m.checked else None,
            "retired": m.retired_reason() or "",
            "strengths": m.strengths, "unverified": m.unverified,
        })
    return out


def _lengths(m: dict[str, Any]) -> str:
    if m["kind"] == "image":
        return "still image"
    d = m["durations"]
    return f"{d[0]:g}–{d[1]:g} s" if m["duration_range"] else ", ".join(f"{x:g}" for x in d) + " s"


def _can(caps: dict[str, Any]) -> str:
    """The capabilities as short words: extend to 37 s, first+last frame, 3 refs, audio, edit."""
    words = []
    if caps["extend"]:
        words.append(f"extend to {caps['max_extended_s']:g} s")
    if caps["first_last_frame"]:
        words.append("first+last frame")
    if caps["references"]:
        words.append(f"{caps['references']} refs")
    if caps["native_audio"]:
        words.append("audio")
    if caps["video_edit"]:
        words.append("edit")
    return ", ".join(words)


def register(app: typer.Typer) -> None:
    """Add ``reelforge models`` to the CLI."""

    @app.command("models")
    def models_command(
        as_json: bool = typer.Option(False, "--json", help="Print JSON instead of a table."),
        explain_text: str = typer.Option(None, "--explain", help="Rank the models for this shot description."),
        aspect: str = typer.Option("16:9", "--aspect", help=f"Aspect ratio for --explain ({', '.join(FORMATS)})."),
        seconds: float = typer.Option(5.0, "--seconds", help="Shot length for --explain."),
        preference: str = typer.Option("balanced", "--preference", help=f"One of {', '.join(PREFERENCES)}."),
        stale: bool = typer.Option(False, "--stale", help="Only rows not checked against the vendor's docs "
                                                            "in the last 90 days."),
    ) -> None:
        """List every video and image model: family, gateways, availability, price, lengths, aspect ratios, strengths."""
        console = Console(soft_wrap=True)
        if aspect not in FORMATS or preference not in PREFERENCES or seconds <= 0:
            console.print(f"[red]--aspect must be one of {', '.join(FORMATS)}, --preference one of "
                          f"{', '.join(PREFERENCES)}, and --seconds positive[/red]")
            raise typer.Exit(2)
        settings = get_settings()
        try:
            registry = Registry.load(settings)
        except RegistryError as exc:
            console.print(f"[red]{exc}[/red]")
            raise typer.Exit(2) from exc
        if explain_text:
            ranked = explain(explain_text, aspect=aspect, seconds=seconds, preference=preference,
                             settings=settings, registry=registry)
            if as_json:
                print(json.dumps([r.model_dump() for r in ranked], indent=1))
                return
            console.print(f"Traits: {', '.join(ranked[0].traits) if ranked else '-'}  ·  {aspect}, {seconds:g} s, "
                          f"{preference}")
            t = Table("#", "model", "family", "cost", "reason")
            for r in ranked:
                t.add_row(str(r.rank or "–"), r.model_id, r.family, f"${r.est_cost_usd:.2f}" if r.available else "",
                          r.reason, style=None if r.available else "dim")
            console.print(t)
            return
        data = models_json(registry)
        if stale:
            old = {m.id for m in registry.stale()}
            data = [m for m in data if m["id"] in old]
            if not as_json and not data:
                console.print("Every model row was checked against its vendor's documentation in the last 90 days.")
                return
        if as_json:
            print(json.dumps(data, indent=1))
            return
        t = Table("model", "family", "gateways", "available", "$/s", "lengths", "aspects", "can", "checked")
        for m in data:
            t.add_row(m["id"], m["family"], ", ".join(m["gateways"]),
                      f"yes ({m['gateway']})" if m["available"] else f"no: {m['why_unavailable']}",
                      f"{m['price_per_image']:.3f}/image" if m["kind"] == "image" else f"{m['price_per_s']:.3f}",
                      _lengths(m), " ".join(m["aspects"]), _can(m["capabilities"]),
                      m["checked"] or "never", style=None if m["available"] else "dim")
        console.print(t)
