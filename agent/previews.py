"""Previews for the service: the chat words that ask for one, and the studio call with its progress relayed.

A preview (:mod:`tools.preview`) is an animatic of the thread's current storyboard: free, made in seconds,
before any approval. It changes nothing in the thread; it only writes a file next to the outputs.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from pathlib import Path

from reelforge.agent.events import ErrorEvent, Event, PreviewEvent, error_event
from reelforge.agent.nodes.assemble import output_dir
from reelforge.agent.state import Production
from reelforge.tools.studio_api import StudioAPI

PREVIEW_WORDS = re.compile(
    r"^\s*(?:please\s+)?(?:(?:show|give|send)\s+(?:me\s+)?|make\s+|render\s+|can\s+i\s+(?:see|get)\s+|"
    r"let\s+me\s+see\s+|i'?d\s+like\s+)?(?:an?\s+|the\s+)?(?:quick\s+)?(?:preview|animatic)"
    r"(?:\s+(?:it|of\s+it|first|please|video))*\s*[.!?]*\s*$", re.IGNORECASE)


def asks_for_preview(text: str) -> bool:
    """``preview``, ``show me a preview``, ``can I see a preview first?`` — and nothing else."""
    return bool(PREVIEW_WORDS.match(text))


def preview_dir(outputs_root: Path, thread_id: str) -> Path:
    """``<outputs>/<thread>/previews``."""
    return output_dir(outputs_root, thread_id, 0).parent / "previews"


async def stream_preview(studio: StudioAPI, prod: Production | None, out_dir: Path) -> AsyncIterator[Event]:
    """Render the preview of ``prod``'s storyboard and yield a :class:`PreviewEvent` (or an error). It sends no
    progress events: front doors read progress as production having started, and a preview takes seconds."""
    if prod is None or prod.brief is None or prod.storyboard is None:
        yield ErrorEvent(message="There is no storyboard to preview yet: describe the video first.")
        return
    task = asyncio.ensure_future(asyncio.to_thread(studio.preview, prod.brief, prod.storyboard, out_dir))
    await asyncio.wait({task})
    try:
        made = task.result()
    except Exception as exc:  # noqa: BLE001 - front ends get plain words
        yield error_event(exc, "making the preview")
        return
    yield PreviewEvent(path=made.path, storyboard_version=made.storyboard_version, width=made.width,
                       height=made.height, duration_s=made.duration_s, notes=made.notes)
