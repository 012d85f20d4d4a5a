"""`reelforge chat`: a terminal conversation with the director through :class:`agent.service.AgentService`.

Storyboards are shown as a table; reply ``approve``, ``edit 3 ...``, ``model 2 ...``, ``kind 2 stock``
(presenter / stock / generated), ``regenerate`` or ``reject ...``. When stdin is not a terminal, each line is one user turn (scriptable); it never approves
on its own. The output MP4 paths are printed at the end.

Files reach the director only as uploads: ``--attach FILE`` (repeatable) copies each file into the thread's
own folder with the first message. Text that merely names a file (``[attached: /some/path]``) is just text.
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.table import Table

from reelforge.agent.events import Event
from reelforge.agent.review import StoryboardReview

EXIT_WORDS = {"quit", "exit", "bye", ":q"}


def storyboard_table(review: StoryboardReview) -> Table:
    """The storyboard as a rich table: scene, seconds, narration, visual, model + reason, cost, thumbnail."""
    table = Table(title=f"Storyboard v{review.version} — {review.title} ({', '.join(review.aspects)})",
                  show_lines=True, caption=f"Total {review.total_seconds:.1f} s · est. ${review.total_cost_usd:.2f} "
                                           f"of ${review.budget_usd:.2f}" + ("" if review.within_budget else
                                                                             " · OVER BUDGET")
                  + (f"\n{review.paid_summary()}" if review.paid_summary() else ""))
    for col in ("#", "s", "Narration", "Visual", "Model (why)", "$", "Keyframe"):
        table.add_column(col, overflow="fold")
    for s in review.scenes:
        why = "; ".join(f"{sh.model_id}: {sh.reason}" for sh in s.shots if sh.model_id) or "—"
        if s.kind != "generated":
            why = f"({s.kind} scene) {why}"
        table.add_row(str(s.number), f"{s.seconds:.1f}", s.narration, s.visual_prompt, why,
                      f"{s.est_cost_usd:.2f}", s.thumbnail or "")
    return table


class Printer:
    """Renders service events on the console; remembers the output paths."""

    def __init__(self, console: Console) -> None:
        self.console = console
        self.outputs: list[str] = []
        self._last_progress: dict[tuple[str, str | None], str] = {}

    def show(self, ev: Event) -> None:
        c = self.console
        if ev.type == "message":
            c.print(f"[bold cyan]director[/]: {ev.text}", markup=True, highlight=False)
        elif ev.type == "tool":
            c.print(f"  [dim]· {ev.name}: {ev.text.splitlines()[0]}[/]" if ev.ok else
                    f"  [yellow]· {ev.name}: {ev.text.splitlines()[0]}[/]")
        elif ev.type == "progress":
            key = (ev.stage, ev.shot_id)
            if self._last_progress.get(key) != ev.status:
                self._last_progress[key] = ev.status
                c.print(f"  [dim]{ev.stage}{' ' + ev.shot_id if ev.shot_id else ''}: {ev.status}"
                        f"{' — ' + ev.message if ev.message else ''}[/]", highlight=False)
        elif ev.type == "storyboard":
            c.print(storyboard_table(ev.review))
            c.print(f"Reply: {ev.review.instructions} | preview (a free animatic first)")
        elif ev.type == "video":
            self.outputs = [o.path for o in ev.outputs]
            c.print(f"[green]QC[/]: {ev.qc_summary}")
        elif ev.type == "preview":
            c.print(f"[green]preview[/] of storyboard v{ev.storyboard_version} ({ev.width}x{ev.height}, "
                    f"{ev.duration_s:.0f} s, free): {ev.path}", highlight=False)
            for note in ev.notes:
                c.print(f"  [dim]{note}[/]", highlight=False)
        elif ev.type == "error":
            c.print(f"[red]error[/]: {ev.message}", highlight=False)


def _read_line(interactive: bool, console: Console) -> str | None:
    if interactive:
        try:
            return console.input("[bold]you[/]: ")
        except (EOFError, KeyboardInterrupt):
            return None
    line = sys.stdin.readline()
    return None if line == "" else line.rstrip("\n")


async def chat(thread: str | None, console: Console, *, brain: Any = None, studio: Any = None,
               attach: list[Path] | None = None) -> int:
    """Run the conversation loop; returns a process exit code. ``attach``: files uploaded with the first
    message."""
    from reelforge.agent.service import AgentService

    interactive = sys.stdin.isatty()
    printer = Printer(console)
    pending = [str(p) for p in attach or []]
    async with AgentService.open(brain=brain, studio=studio) as svc:
        tid = thread or await svc.new_thread(origin="cli")
        console.print(f"[dim]thread {tid} — type 'quit' to leave; resume later with --thread {tid}[/]")
        if thread:
            async for ev in svc.continue_run(tid):
                printer.show(ev)
            review = await svc.pending(tid)
            if review is not None:
                console.print(storyboard_table(review))
        while True:
            line = await asyncio.to_thread(_read_line, interactive, console)
            if line is None or line.strip().lower() in EXIT_WORDS:
                break
            if not line.strip():
                continue
            if not interactive:
                console.print(f"[bold]you[/]: {line}", highlight=False)
            if pending:
                console.print(f"[dim]attached: {', '.join(Path(p).name for p in pending)}[/]", highlight=False)
            async for ev in svc.send(tid, line, attachments=pending):
                printer.show(ev)
            pending = []
        if await svc.pending(tid) is not None:
            console.print(f"The storyboard is waiting for your approval: reelforge chat --thread {tid}")
        prod = await svc.production(tid)
        paths = printer.outputs or ([o.path for o in prod.outputs] if prod else [])
    for path in paths:
        console.print(path, markup=False, highlight=False, soft_wrap=True)
    return 0


def register(app: typer.Typer) -> None:
    """Add ``reelforge chat`` to the CLI."""

    @app.command("chat")
    def chat_command(thread: str = typer.Option(None, "--thread", help="Continue an existing thread."),
                     attach: list[Path] = typer.Option(None, "--attach", help="A file (script, outline, voice "
                                                       "sample, presenter photo) to upload with your first "
                                                       "message; repeatable.")) -> None:
        """Talk to the director: describe a video, review the storyboard, get the files."""
        console = Console(soft_wrap=True)
        raise typer.Exit(asyncio.run(chat(thread, console, attach=list(attach or []))))
