"""`reelforge eval`: run the scripted agent scenarios (evals/scenarios/*.yaml) and write a report."""

from __future__ import annotations

import asyncio
from pathlib import Path

import typer
from rich.console import Console


def register(app: typer.Typer) -> None:
    """Add ``reelforge eval`` to the CLI."""

    @app.command("eval")
    def eval_command(
        scenarios: list[str] = typer.Option(None, "--scenarios", "-s",
                                            help="Glob on scenario file names or ids (repeatable); default all."),
        tag: list[str] = typer.Option(None, "--tag", help="Only scenarios with this tag (e.g. ci)."),
        brain: str = typer.Option("auto", "--brain",
                                  help="offline (rule-based director), llm, or auto (llm when one is configured)."),
        report: Path = typer.Option(Path("eval-report"), "--report", help="Folder for report.md and results.json."),
        jobs: int = typer.Option(2, "--jobs", "-j", min=1, help="Scenarios run at the same time."),
        keep_work: bool = typer.Option(False, "--keep-work", help="Keep each scenario's home and videos."),
        judge: bool = typer.Option(True, "--judge/--no-judge", help="Judge rubrics when an LLM is configured."),
    ) -> None:
        """Drive the director through scripted conversations and check what it did; exit 1 on any failure."""
        from reelforge.evals.report import summary_table, write_markdown, write_results
        from reelforge.evals.runner import run_scenarios
        from reelforge.evals.scenario import load_scenarios

        console = Console(soft_wrap=True)
        if brain not in ("auto", "offline", "llm"):
            raise typer.BadParameter("--brain must be auto, offline or llm")
        if brain == "auto":
            from reelforge.evals.llm_roles import configured_llm

            brain = "llm" if configured_llm() is not None else "offline"
        chosen = load_scenarios(scenarios or None, tag or None)
        if not chosen:
            console.print("[red]no scenario matches[/]")
            raise typer.Exit(2)
        console.print(f"running {len(chosen)} scenario(s), {jobs} at a time, brain {brain}")

        def done(r: object) -> None:
            console.print(f"  {'[green]PASS[/]' if r.passed else '[red]FAIL[/]'} {r.id} ({r.seconds:.0f} s)")

        results = asyncio.run(run_scenarios(chosen, brain=brain, report_dir=report, jobs=jobs, keep_work=keep_work,
                                            use_judge=None if judge else False, on_result=done))
        write_results(results, report, brain=brain)
        md = write_markdown(results, report, brain=brain)
        console.print(summary_table(results))
        console.print(f"report: {md}", highlight=False)
        raise typer.Exit(0 if all(r.passed for r in results) else 1)
