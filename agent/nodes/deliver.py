"""The deliver node: tell the user what was made, where, what it cost and what QC found."""

from __future__ import annotations

from typing import Any

from langchain_core.messages import AIMessage

from reelforge.agent.state import DirectorState


def deliver(state: DirectorState) -> dict[str, Any]:
    """A closing chat message listing the output files."""
    prod = state["production"]
    lines = ["Your video is ready:"]
    lines += [f"- {o.aspect} ({o.width}x{o.height}, {o.duration_s:.1f} s): {o.path}" for o in prod.outputs]
    if prod.manifest_path:
        lines.append(f"Manifest: {prod.manifest_path}")
    lines.append(f"Cost: ${prod.cost.actual_usd:.2f} (estimated ${prod.cost.estimated_usd:.2f}). {prod.qc_summary}")
    return {"messages": [AIMessage("\n".join(lines))]}
