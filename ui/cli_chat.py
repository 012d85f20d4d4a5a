"""`reelforge chat`: a terminal conversation with the director through :class:`agent.service.AgentService`.

Storyboards are shown as one short block per scene that reads well at 80 columns (``--verbose``: the full table,
the director's tool steps and model ids); reply ``approve``, ``edit 3 ...``, ``model 2 ...``, ``kind 2 stock``
(presenter / stock / generated), ``regenerate`` or ``reject ...``. In a terminal you can keep typing while a video
is being made: the message is acknowledged at once and applied after the render. When stdin is not a terminal,
each line is one user turn (scriptable); it never approves on its own. The output MP4 paths are printed at the end.

Files reach the director only as uploads: ``--attach FILE`` (repeatable) copies each file into the thread's
own folder with the first message. Text that merely names a file (a bracketed "attached" path) is just text.
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path
from typing import Any

import typer
from rich.console import Console, Group
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from reelforge.agent.events import Event
from reelforge.agent.review import StoryboardReview
from reelforge.ui.wording import review_hint, scene_facts, scene_models, shot_scene, split_jargon, total_line

EXIT_WORDS = {"quit", "exit", "bye", ":q"}
VISUAL_CHARS = 110  # the visual line of a compact scene block: one or two lines at 80 columns


def storyboard_compact(review: StoryboardReview) -> Group:
    """The storyboard for a terminal: a header, the offline notice, then per scene its title, seconds, cost,
    narration, a short visual line and the model in plain words. Wraps cleanly at 80 columns."""
    parts: list[Any] = [Text.assemble((f"Storyboard v{review.version} — {review.title or 'untitled'}", "bold"),
                                      f"\n{total_line(review)}",
                                      ("" if review.within_budget else " · OVER BUDGET", "bold red"),
                                      f"\n{review.paid_summary()}" if review.paid_summary() else ""), Text("")]
    if review.offline_notice:
        parts += [Text.assemble(("Offline: ", "bold yellow"), review.offline_notice), Text("")]
    for s in review.scenes:
        visual = s.visual_prompt if len(s.visual_prompt) <= VISUAL_CHARS else (
            s.visual_prompt[:VISUAL_CHARS - 1].rsplit(" ", 1)[0] + "…")
        body = Text.assemble(f"“{s.narration}”", ("\nVisual: " + visual, "dim"), ("\n" + scene_models(s), "dim"))
        if s.label_note and not review.offline_notice:
            body.append("\n" + s.label_note, "yellow")
        parts += [Text.assemble((s.heading, "bold cyan"), ("  " + scene_facts(s), "dim")),
                  Padding(body, (0, 0, 1, 2))]
    return Group(*parts)


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


STAGES = {"voice": "narration", "music": "music", "assemble": "putting it together", "qc": "quality check",
          "done": "delivery"}


class Printer:
    """Renders service events on the console in plain words (``verbose``: ids, tool steps, the full table);
    remembers the output paths."""

    def __init__(self, console: Console, verbose: bool = False) -> None:
        self.console = console
        self.verbose = verbose
        self.outputs: list[str] = []
        self.board: StoryboardReview | None = None
        self._last_progress: dict[tuple[str, str | None], str] = {}

    def show_storyboard(self, review: StoryboardReview) -> None:
        self.board = review
        if self.verbose:
            self.console.print(storyboard_table(review))
            self.console.print(f"Reply: {review.instructions} | preview (a free animatic first)")
        else:
            self.console.print(storyboard_compact(review))
            self.console.print(review_hint(), highlight=False)

    def show(self, ev: Event) -> None:
        c = self.console
        if ev.type == "message":
            text = ev.text if self.verbose else split_jargon(ev.text)[0]
            if text:
                c.print(f"[bold cyan]director[/]: {text}", markup=True, highlight=False)
        elif ev.type == "tool":
            if self.verbose or not ev.ok:
                c.print(f"  [dim]· {ev.name}: {ev.text.splitlines()[0]}[/]" if ev.ok else
                        f"  [yellow]· {ev.name}: {split_jargon(ev.text.splitlines()[0])[0] or 'a step failed'}[/]")
        elif ev.type == "progress":
            key = (ev.stage, ev.shot_id)
            if self._last_progress.get(key) != ev.status:
                self._last_progress[key] = ev.status
                if self.verbose:
                    where = f"{ev.stage}{' ' + ev.shot_id if ev.shot_id else ''}"
                    message = ev.message
                else:
                    where = shot_scene(ev.shot_id, self.board) if ev.shot_id else STAGES.get(ev.stage, ev.stage)
                    message = "" if ev.shot_id else split_jargon(ev.message)[0]
                c.print(f"  [dim]{where}: {ev.status.replace('_', ' ')}{' — ' + message if message else ''}[/]",
                        highlight=False)
        elif ev.type == "storyboard":
            self.show_storyboard(ev.review)
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
               attach: list[Path] | None = None, verbose: bool = False, overlap: bool | None = None) -> int:
    """Run the conversation loop; returns a process exit code. ``attach``: files uploaded with the first
    message. With ``overlap`` (the default in a terminal) the next line is read while the director works, so a
    message typed during a render is queued and acknowledged at once."""
    from reelforge.agent.service import AgentService

    interactive = sys.stdin.isatty()
    overlap = interactive if overlap is None else overlap
    printer = Printer(console, verbose=verbose)
    pending = [str(p) for p in attach or []]
    async with AgentService.open(brain=brain, studio=studio) as svc:
        tid = thread or await svc.new_thread(origin="cli")
        console.print(f"[dim]thread {tid} — type 'quit' to leave; resume later with --thread {tid}[/]")
        if thread:
            async for ev in svc.continue_run(tid):
                printer.show(ev)
            review = await svc.pending(tid)
            if review is not None:
                printer.show_storyboard(review)

        async def turn(line: str, files: list[str]) -> None:
            async for ev in svc.send(tid, line, attachments=files):
                printer.show(ev)

        working: asyncio.Task[None] | None = None
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
            files, pending = pending, []
            if working is not None and not working.done():
                await turn(line, files)  # the director is busy: queued and acknowledged at once, applied by `working`
            elif overlap:
                working = asyncio.create_task(turn(line, files))
            else:
                await turn(line, files)
        if working is not None:
            await working
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
                                                       "message; repeatable."),
                     verbose: bool = typer.Option(False, "--verbose", "-v",
                                                  help="Show the full storyboard table, model ids and tool steps.")
                     ) -> None:
        """Talk to the director: describe a video, review the storyboard, get the files."""
        console = Console()
        raise typer.Exit(asyncio.run(chat(thread, console, attach=list(attach or []), verbose=verbose)))
