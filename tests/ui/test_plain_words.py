"""Plain words in every front door: the jargon filter, the router's plain reason, the compact terminal
storyboard (80 columns, full table with --verbose), and messages sent during a render queued and acknowledged
by the service and by `reelforge chat`."""

from __future__ import annotations

import asyncio
import io
import sys
import time

from fakes.agent_studio import FakeStudio
from rich.console import Console

from reelforge.agent.brains.offline import OfflineDirector
from reelforge.agent.events import Message
from reelforge.agent.review import SceneReview, ShotReview, StoryboardReview
from reelforge.agent.service import AgentService
from reelforge.ui.cli_chat import chat, storyboard_compact, storyboard_table
from reelforge.ui.wording import has_jargon, split_jargon

LONG = ("a striking opening image of a neighbourhood bakery's new sourdough, people moving naturally with subtle "
        "gestures. Lighting: soft natural daylight. Camera: slow dolly-in, wide shot. Style: clean modern look.")


def board(scenes: int = 3) -> StoryboardReview:
    out = []
    for n in range(1, scenes + 1):
        shot = ShotReview(id=f"s0{n}-1", kind="stock" if n == 2 else "generated", visual_prompt=LONG, seconds=4.0,
                          model_id="motion", reason="reelforge motion graphics (offline) via local: fit 0.19 for "
                          "photoreal_human; $0.000/s ≈ $0.00", model_name="Motion graphics",
                          summary="drawn on this computer, free", source="offline", only_choice=True)
        out.append(SceneReview(number=n, title=["Hook", "The loaf", "Call to action"][n - 1],
                               narration="Here is a quick look at a neighbourhood bakery's new sourdough.",
                               seconds=4.0, est_cost_usd=0.0, shots=[shot]))
    return StoryboardReview(version=1, title="A neighbourhood bakery's new sourdough", aspects=["9:16"], scenes=out,
                            total_seconds=12.0, total_cost_usd=0.0, budget_usd=5.0, within_budget=True)


def test_jargon_is_recognised_and_split_off() -> None:
    for text in ("Scene 1 / s01-1 (5 s)", "fit 0.19 for b_roll", "$0.000/s", "motion via local",
                 "saved to /home/me/.local/share/reelforge/outputs/v1/x-1080x1920.mp4", "called plan_scenes"):
        assert has_jargon(text), text
    for text in ("Scene 2 · The loaf", "9:16 · 10.0 s · $0.70", "https://example.com/a/b.html", "about $0.42"):
        assert not has_jargon(text), text
    plain, details = split_jargon("Model choices:\nScene 1 / s01-1: fit 0.19\nSending it for your review.")
    assert plain == "Sending it for your review." and details.startswith("Model choices:")


def test_compact_terminal_storyboard_reads_at_80_columns_and_verbose_keeps_the_table() -> None:
    console = Console(width=80, record=True, file=io.StringIO())
    console.print(storyboard_compact(board()))
    text = console.export_text()
    assert all(len(line) <= 80 for line in text.splitlines())
    assert "Scene 2 · The loaf" in text and "4.0 s · free · motion graphics" in text
    assert "No video model is configured" in text and text.count("No video model is configured") == 1
    assert not has_jargon(text) and "stock" not in text.lower().replace("stock footage", "")  # labels are true
    wide = Console(width=200, record=True, file=io.StringIO())
    wide.print(storyboard_table(board()))
    table = wide.export_text()
    assert "Model (why)" in table and "motion:" in table  # --verbose: the engineer's view, ids and all


async def test_a_message_during_a_render_is_acknowledged_then_applied(isolated_home) -> None:
    studio = FakeStudio(shot_delay_s=0.4, scenes=2)
    async with AgentService.open(brain=OfflineDirector(), studio=studio) as svc:
        tid = await svc.new_thread(origin="test")
        [ev async for ev in svc.send(tid, "a 9 second teaser for a coffee shop, vertical")]
        assert await svc.pending(tid) is not None

        async def approve() -> list:
            return [ev async for ev in svc.send(tid, "approve")]

        render = asyncio.create_task(approve())
        while not studio.renders and not render.done():
            await asyncio.sleep(0.05)
        ack = [ev async for ev in svc.send(tid, "make the music calmer")]
        assert len(ack) == 1 and isinstance(ack[0], Message)
        assert "being made right now" in ack[0].text and "make the music calmer" in ack[0].text
        events = await render
        kinds = [ev.type for ev in events]
        assert "video" in kinds  # the render finished first …
        taken = next(i for i, ev in enumerate(events) if ev.type == "message" and "while I was busy" in ev.text)
        assert taken > kinds.index("video")  # … then the queued message was applied, in the same stream
        assert any(ev.type == "storyboard" for ev in events[taken:])


class _SlowStdin:
    """Lines for `reelforge chat`; the last one is typed only once the render has started."""

    def __init__(self, lines: list[str], studio: FakeStudio) -> None:
        self.lines, self.studio = list(lines), studio

    def readline(self) -> str:
        if not self.lines:
            return ""
        if len(self.lines) == 1:
            deadline = time.monotonic() + 30
            while not self.studio.renders and time.monotonic() < deadline:
                time.sleep(0.05)
        return self.lines.pop(0) + "\n"

    def isatty(self) -> bool:
        return False


async def test_reelforge_chat_queues_a_line_typed_during_the_render(monkeypatch, isolated_home) -> None:
    studio = FakeStudio(shot_delay_s=0.4, scenes=2)
    lines = ["a 9 second teaser for a coffee shop, vertical", "approve", "and add a calm ending"]
    stdin = _SlowStdin(lines, studio)
    monkeypatch.setattr(sys, "stdin", stdin)
    out = io.StringIO()
    assert await chat(None, Console(file=out, width=80), brain=OfflineDirector(), studio=studio, overlap=True) == 0
    text = out.getvalue()
    assert "being made right now" in text and "and add a calm ending" in text
    assert "while I was busy" in text and "Scene 1 ·" in text
    conversation = [ln for ln in text.splitlines() if not ln.startswith("/")]  # the MP4 paths come last
    assert not any(has_jargon(ln) for ln in conversation), [ln for ln in conversation if has_jargon(ln)]


async def test_a_message_put_in_line_just_as_the_busy_turn_ends_is_still_taken_up(isolated_home) -> None:
    studio = FakeStudio(shot_delay_s=0.2, scenes=2)
    async with AgentService.open(brain=OfflineDirector(), studio=studio) as svc:
        tid = await svc.new_thread(origin="test")
        [ev async for ev in svc.send(tid, "a 9 second teaser for a coffee shop, vertical")]
        render = asyncio.create_task(_collect(svc.send(tid, "approve")))
        while not studio.renders and not render.done():
            await asyncio.sleep(0.05)
        add = svc.waiting.add

        async def slow_add(thread_id, message):  # the line is joined only after the render's turn has ended
            await render
            return await add(thread_id, message)

        svc.waiting.add = slow_add  # type: ignore[method-assign]
        events = await _collect(svc.send(tid, "make the music calmer"))
        assert any(ev.type == "video" for ev in await render)
        assert "being made right now" in events[0].text or "as soon as" in events[0].text  # acknowledged …
        assert any(ev.type == "message" and "while I was busy" in ev.text for ev in events)  # … and taken up
        assert await svc.waiting.count(tid) == 0


async def _collect(stream) -> list:
    return [ev async for ev in stream]
