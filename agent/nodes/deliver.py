"""The deliver node: tell the user what was made, where, what it cost and what QC found."""

from __future__ import annotations

from typing import Any

from langchain_core.messages import AIMessage

from reelforge.agent.state import DirectorState
from reelforge.tools.estimate import cost_table


def deliver(state: DirectorState) -> dict[str, Any]:
    """A closing chat message listing the output files."""
    prod = state["production"]
    lines = ["Your video is ready:"]
    lines += [f"- {o.aspect} ({o.width}x{o.height}, {o.duration_s:.1f} s): {o.path}" for o in prod.outputs]
    if prod.manifest_path:
        lines.append(f"Manifest: {prod.manifest_path}")
    lines.append(f"Cost: ${prod.cost.actual_usd:.2f} (estimated ${prod.cost.estimated_usd:.2f}). {prod.qc_summary}")
    if prod.cost.items:  # estimate vs actual for each paid item
        lines += ["Cost per item:", *cost_table(prod.cost.items)]
    if prod.cost.unknown_jobs:
        lines.append("Paid jobs a crash left unconfirmed (check your provider account): "
                     + "; ".join(prod.cost.unknown_jobs))
    return {"messages": [AIMessage("\n".join(lines))]}
