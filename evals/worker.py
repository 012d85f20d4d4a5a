"""``python -m evals.worker SCENARIO.yaml --work DIR --report DIR --brain offline --out result.json``.

One scenario in its own process, so that environment variables (``REELFORGE_HOME``, fake keys, fake base
URLs) never leak between scenarios that run concurrently. The parent (:mod:`evals.runner`) prepares the
environment; this writes the :class:`ScenarioResult` as JSON.
"""

from __future__ import annotations

import argparse
import asyncio
from pathlib import Path

from reelforge.evals.scenario import Scenario
from reelforge.evals.session import run_here


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m evals.worker")
    ap.add_argument("scenario", type=Path)
    ap.add_argument("--work", type=Path, required=True)
    ap.add_argument("--report", type=Path, required=True)
    ap.add_argument("--brain", default="offline", choices=("offline", "llm"))
    ap.add_argument("--out", type=Path, required=True)
    args = ap.parse_args(argv)
    result = asyncio.run(run_here(Scenario.load(args.scenario), args.work, args.report, args.brain))
    args.out.write_text(result.model_dump_json(indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
