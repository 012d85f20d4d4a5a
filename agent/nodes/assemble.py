"""The assemble node: one ffmpeg pass per aspect ratio, captions, sidecars, QC and the manifest; then delivery
(or the end of the run when assembly failed)."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Literal

from langchain_core.runnables import RunnableConfig
from langgraph.types import Command

from reelforge.agent.nodes.produce import failed, progress_sink
from reelforge.agent.state import DirectorState, Production
from reelforge.tools.studio_api import StudioAPI


def output_dir(outputs_root: Path, thread_id: str, version: int) -> Path:
    """``<outputs>/<thread>/v<version>`` with the thread id made filesystem-safe."""
    safe = re.sub(r"[^A-Za-z0-9._-]+", "_", thread_id).strip("_") or "thread"
    return outputs_root / safe / f"v{version}"


AfterAssemble = Literal["deliver", "__end__"]


def make_assemble(studio: StudioAPI) -> Callable[[DirectorState, RunnableConfig], Awaitable[Command[AfterAssemble]]]:
    """Assemble the produced assets into every requested format."""

    async def assemble(state: DirectorState, config: RunnableConfig) -> Command[AfterAssemble]:
        prod: Production = state["production"].model_copy(deep=True)
        assert prod.brief is not None and prod.storyboard is not None and prod.assets is not None
        thread_id = str(config.get("configurable", {}).get("thread_id", "thread"))
        out = output_dir(studio.settings.outputs_dir, thread_id, prod.storyboard.version)
        try:
            manifest = await asyncio.to_thread(studio.assemble, prod.brief, prod.storyboard, prod.assets, out,
                                               on_event=progress_sink())
        except Exception as exc:  # noqa: BLE001 - reported in chat; the user may retry
            return failed(prod, exc, "Assembly failed: {}. Say 'retry' to try again.")
        prod.outputs = manifest.outputs
        prod.cost = manifest.cost
        prod.manifest_path = str(out / "manifest.json")
        prod.qc_summary = "; ".join(f"{o.aspect}: {o.qc.summary()}" for o in manifest.outputs)
        prod.status = "delivered"
        return Command(update={"production": prod}, goto="deliver")

    return assemble
