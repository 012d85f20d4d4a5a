"""The deliver node: tell the user what was made, what it cost and what QC found (the front door shows the
downloads: server paths are not chat text)."""

from __future__ import annotations

from typing import Any

from langchain_core.messages import AIMessage

from reelforge.agent.state import DirectorState
from reelforge.tools.estimate import cost_table


def deliver(state: DirectorState) -> dict[str, Any]:
    """A closing chat message listing the output files; the outputs are recorded as the next version."""
    prod = state["production"].model_copy(deep=True)
    delivery = prod.record_delivery()
    if delivery.number == 1:
        lines = ["Your video is ready:"]
    else:
        change = f" ({delivery.change})" if delivery.change else ""
        lines = [f"Version {delivery.number} of your video is ready{change}:"]
    lines += [f"- {o.aspect} ({o.width}×{o.height}, {o.duration_s:.1f} s)" for o in prod.outputs]
    lines.append(f"Cost: ${prod.cost.actual_usd:.2f} (estimated ${prod.cost.estimated_usd:.2f}). {prod.qc_summary}")
    if prod.cost.items:  # estimate vs actual for each paid item
        lines += ["Cost per item:", *cost_table(prod.cost.items)]
    if prod.cost.unknown_jobs:
        lines.append("Paid jobs a crash left unconfirmed (check your provider account): "
                     + "; ".join(prod.cost.unknown_jobs))
    if delivery.number == 1:
        lines.append("To change it, just say so — e.g. \"edit 2 show the harvest\", \"make it square too\", "
                     "\"swap the music\" or \"shorter\" — and I'll make version 2 for your approval.")
    return {"production": prod, "messages": [AIMessage("\n".join(lines))]}
