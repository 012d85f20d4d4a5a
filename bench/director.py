"""Director benchmark: does the LLM loop stay bounded, do prompts stay bounded on long threads, and how well does
the offline interpreter read storyboard-review replies? Prints one JSON line:

- ``calls_per_message_mean`` / ``max_calls_per_message``: requests the director's LLM got per user message over
  the LLM-path eval scenarios (``evals/scenarios``, tag ``llm``), each against its scripted fake server;
- ``tokens_msg5`` / ``tokens_msg40``: prompt tokens (≈ characters / 4 of messages and tool schemas) of the
  first request for message 5 and message 40 of a long scripted thread;
- ``reply_accuracy``: the offline reading of the labelled reply corpus (tests/agent/data/review_replies.yaml).

Run: ``.venv/bin/python bench/director.py`` (offline, about a minute; nothing leaves the machine).
"""

from __future__ import annotations

import asyncio
import json
import os
import statistics
import sys
import tempfile
from contextlib import ExitStack
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LONG_THREAD = [
    "a teaser for my bakery", "make it 20 seconds", "the audience is young families", "a warmer tone please",
    "mention our sourdough", "and the cinnamon buns", "we open at 7 every day", "add that we are on Main Street",
    "make the music calmer", "actually upbeat music", "use a budget of 4 dollars", "vertical please",
    "also a square version", "note: no prices on screen", "our name is Rise & Crumb", "the logo is a wheat ear",
    "keep it friendly", "mention free coffee on Mondays", "add a call to action", "say 'see you tomorrow'",
]


def _set_home() -> None:
    os.environ["REELFORGE_HOME"] = tempfile.mkdtemp(prefix="rf-bench-")


async def scenario_calls() -> list[int]:
    """Model calls per user message across the LLM-path scenarios."""
    from reelforge.evals.scenario import load_scenarios
    from reelforge.evals.session import Session

    per_message: list[int] = []
    for scenario in load_scenarios(tags=["llm"]):
        _set_home()
        session = Session(scenario, Path(tempfile.mkdtemp(prefix="rf-bench-work-")), "llm")
        with ExitStack() as stack:
            session.prepare(stack)
            await session.run()
        per_message += [t.model_calls for t in session.transcript.turns]
    return per_message


async def long_thread_tokens(messages: int = 40) -> tuple[int, int]:
    """Prompt tokens of the first request for message 5 and for message ``messages`` of a long thread in which
    every message makes the model update the brief and answer."""
    from reelforge.agent.service import AgentService
    from reelforge.evals.fake_llm import ScriptedLLM, prompt_tokens
    from reelforge.evals.loopback import serve

    turns = []
    for i in range(messages):
        note = json.dumps({"note": f"request {i + 1}: {LONG_THREAD[i % len(LONG_THREAD)]}"} if i else
                          {"goal": "a teaser for my bakery"})
        turns += [{"tool_calls": [["update_brief", note]]},
                  {"content": f"Done — I noted that (change {i + 1}). Anything else before I plan the scenes?"}]
    script = ScriptedLLM(turns=turns)
    _set_home()
    firsts: dict[int, int] = {}
    with serve(script.handler()) as url:
        os.environ.update(OPENAI_BASE_URL=url + "/v1", REELFORGE_LLM_MODEL="fake-model", REELFORGE_BRAIN="llm")
        async with AgentService.open() as svc:
            tid = await svc.new_thread(origin="bench")
            for i in range(messages):
                before = len(script.bodies)
                async for _ in svc.send(tid, LONG_THREAD[i % len(LONG_THREAD)]):
                    pass
                firsts[i + 1] = prompt_tokens(script.bodies[before])
    return firsts[5], firsts[messages]


def reply_accuracy() -> tuple[float, int]:
    sys.path.insert(0, str(ROOT / "tests" / "agent"))
    from review_corpus import load, score

    from reelforge.agent.replies import read_reply

    accuracy, _ = score(read_reply)
    return accuracy, len(load()[1])


async def main() -> None:
    for key in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "REELFORGE_LLM_MODEL", "REELFORGE_BRAIN"):
        os.environ.pop(key, None)
    calls = await scenario_calls()
    t5, t40 = await long_thread_tokens()
    accuracy, n = reply_accuracy()
    print(json.dumps({
        "calls_per_message_mean": round(statistics.fmean(calls), 2) if calls else 0.0,
        "max_calls_per_message": max(calls, default=0), "messages": len(calls),
        "tokens_msg5": t5, "tokens_msg40": t40, "tokens_ratio": round(t40 / max(1, t5), 2),
        "reply_accuracy": round(accuracy, 4), "replies": n,
    }))


if __name__ == "__main__":
    asyncio.run(main())
