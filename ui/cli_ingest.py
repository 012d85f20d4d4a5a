"""`reelforge read` and `reelforge plan`: inspect a source and its storyboard without producing anything."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from reelforge.tools.ingest import IngestError, SourceDoc, read_source
from reelforge.tools.production import Brief, Storyboard, parse_aspects
from reelforge.tools.settings import get_settings
from reelforge.ui.prompt_brief import AspectOpt, DurationOpt, OutlineOpt, ScriptOpt, UrlOpt, resolve

console = Console()


def _fail(reason: str) -> typer.Exit:
    typer.echo(f"error: {reason}", err=True)
    return typer.Exit(code=2)


def _read(target: str) -> SourceDoc:
    try:
        return read_source(target, get_settings())
    except IngestError as exc:
        raise _fail(str(exc)) from None


def storyboard_json(board: Storyboard) -> dict:
    """The storyboard as plain JSON: scenes, shots, narration, prompts, traits, seconds, sources."""
    return {"title": board.title, "version": board.version, "total_seconds": board.total_seconds,
            "continuity": board.continuity.model_dump(), "notes": board.notes, "warnings": board.warnings,
            "scenes": [{"index": s.index, "title": s.title, "chapter": s.chapter, "narration": s.narration,
                        "seconds": s.seconds, "source_sentences": s.source_sentences,
                        "shots": [sh.model_dump(include={"id", "narration", "visual_prompt", "negative_prompt",
                                                         "traits", "seconds", "kind", "on_screen_text",
                                                         "importance", "continues"}) for sh in s.shots]}
                       for s in board.scenes]}


def read_cmd(target: Annotated[str, typer.Argument(help="article URL or a .txt/.md/.fountain file")],
             as_json: Annotated[bool, typer.Option("--json", help="print JSON")] = False) -> None:
    """Read an article or a script and print its title, byline, date, lead image, language and main text."""
    doc = _read(target)
    if as_json:
        typer.echo(json.dumps(doc.model_dump(exclude={"sections"}), ensure_ascii=False, indent=2))
        return
    for label, value in (("Title", doc.title), ("Kind", doc.kind), ("Byline", doc.byline), ("Date", doc.date),
                         ("Lead image", doc.lead_image), ("Language", doc.language), ("URL", doc.url)):
        if value:
            console.print(f"[bold]{label}:[/bold] {value}", highlight=False)
    console.print(f"[bold]Words:[/bold] {doc.word_count}\n")
    console.print(doc.text, highlight=False, markup=False)


def plan_cmd(prompt: Annotated[str | None, typer.Argument(help="what the video is about")] = None,
             script: ScriptOpt = None,
             outline: OutlineOpt = None,
             url: UrlOpt = None,
             duration: DurationOpt = None,
             aspect: AspectOpt = None,
             as_json: Annotated[bool, typer.Option("--json", help="print JSON")] = False) -> None:
    """Plan a storyboard (scenes, shots, narration, visual prompts) without producing anything."""
    given = [x for x in (prompt, script, outline, url) if x]
    if len(given) != 1:
        raise _fail("give exactly one of PROMPT, --script FILE, --outline FILE or --url URL")
    said = resolve(prompt or "", duration_s=duration, aspects=aspect)
    duration, aspect = said["duration_s"], said["aspects"]
    if not 3 <= duration <= 3600:
        raise _fail(f"--duration must be between 3 and 3600 seconds (got {duration:g})")
    try:
        aspects = parse_aspects(aspect)
    except ValueError as exc:
        raise _fail(str(exc)) from None
    source = None
    if script or outline:
        from reelforge.tools.ingest import source_from_text

        source = _read(str(script or outline))
        kind = "outline" if outline else "script"  # the flag says what the file is, whatever it looks like
        if source.kind != kind:
            try:
                source = source_from_text(source.text, kind, title=source.title).model_copy(
                    update={"path": source.path})
            except IngestError as exc:
                raise _fail(str(exc)) from None
    elif url:
        source = _read(url)
    goal = prompt or (source.title if source else "")
    brief = Brief(goal=goal or "video", title=source.title if source else "", duration_s=duration, aspects=aspects,
                  source_kind=source.kind if source else "prompt", source_url=source.url if source else None,
                  language=source.language if source else "en")
    from reelforge.tools.llm import chat_model
    from reelforge.tools.planning import plan_storyboard

    try:
        board = plan_storyboard(brief, source, llm=chat_model(get_settings()))
    except ValueError as exc:
        raise _fail(str(exc)) from None
    if as_json:
        typer.echo(json.dumps(storyboard_json(board), ensure_ascii=False, indent=2))
        return
    table = Table(title=f"{board.title} — {board.total_seconds:.0f} s, {len(board.shots)} shots", show_lines=True)
    for col in ("#", "shot", "s", "kind", "narration", "visual prompt", "traits"):
        table.add_column(col, overflow="fold")
    for scene in board.scenes:
        for shot in scene.shots:
            kind = f"{shot.kind}, continues the shot before" if shot.continues else shot.kind
            table.add_row(str(scene.index), shot.id, f"{shot.seconds:.1f}", kind, shot.narration,
                          shot.visual_prompt, ", ".join(shot.traits))
    console.print(table)
    for warning in board.warnings:
        console.print(f"[yellow]note:[/] {warning}", highlight=False)
    for note in board.notes:
        console.print(f"[dim]note: {note}[/dim]", highlight=False)


def register(app: typer.Typer) -> None:
    """Add `read` and `plan` to the reelforge CLI."""
    app.command("read")(read_cmd)
    app.command("plan")(plan_cmd)
