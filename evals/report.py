"""``results.json`` and ``report.md`` (summary table, thumbnails, failed checks, transcripts) for a run."""

from __future__ import annotations

import json
from pathlib import Path

from rich.table import Table

from reelforge.evals.result import ScenarioResult


def write_results(results: list[ScenarioResult], report_dir: Path, *, brain: str) -> Path:
    path = report_dir / "results.json"
    data = {"brain": brain, "passed": sum(r.passed for r in results), "failed": sum(not r.passed for r in results),
            "scenarios": [r.model_dump(mode="json") for r in results]}
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False), encoding="utf-8")
    return path


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def write_markdown(results: list[ScenarioResult], report_dir: Path, *, brain: str) -> Path:
    passed = sum(r.passed for r in results)
    lines = [f"# reelforge eval — {passed}/{len(results)} scenarios passed (brain: {brain})", "",
             "| | scenario | checks | time | thumbnail |", "|---|---|---|---|---|"]
    for r in results:
        thumb = f"![{r.id}]({r.thumbnail})" if r.thumbnail else ""
        ok = sum(c.passed for c in r.checks)
        lines.append(f"| {'✅' if r.passed else '❌'} | **{r.id}** {_cell(r.title)} | {ok}/{len(r.checks)} | "
                     f"{r.seconds:.0f} s | {thumb} |")
    for r in results:
        lines += ["", f"## {'✅' if r.passed else '❌'} {r.id}", "", _cell(r.title)]
        if r.error:
            lines += ["", f"**Run error:** {r.error}"]
        if r.failures:
            lines += ["", "Failed expectations:"] + [f"- `{c.name}` — {c.message}" for c in r.failures]
        if r.judge:
            lines += ["", f"LLM judge: {r.judge}"]
        if r.thumbnail:
            lines += ["", f"![{r.id}]({r.thumbnail})"]
        if r.outputs:
            lines += ["", "Outputs: " + ", ".join(f"`{p}`" for p in r.outputs)]
        lines += ["", "<details><summary>checks and transcript</summary>", "",
                  *[f"- {'✓' if c.passed else '✗'} `{c.name}` — {c.message}" for c in r.checks],
                  "", "```", r.transcript, "```", "</details>"]
    path = report_dir / "report.md"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def summary_table(results: list[ScenarioResult]) -> Table:
    """The pass/fail table printed by ``reelforge eval``."""
    table = Table(title="reelforge eval", show_lines=False)
    for col in ("result", "scenario", "checks", "s", "first failure"):
        table.add_column(col, overflow="fold")
    for r in results:
        first = r.error or (f"{r.failures[0].name}: {r.failures[0].message}" if r.failures else "")
        table.add_row("[green]PASS[/]" if r.passed else "[red]FAIL[/]", r.id,
                      f"{sum(c.passed for c in r.checks)}/{len(r.checks)}", f"{r.seconds:.0f}", first[:300])
    return table
