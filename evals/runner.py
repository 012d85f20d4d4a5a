"""Run scenarios with bounded concurrency, each in its own worker process with its own ``REELFORGE_HOME``
and a scrubbed environment (no real keys, offline unless the LLM brain is asked for); then judge rubrics
when an LLM is configured."""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from reelforge.evals.llm_roles import configured_llm, judge
from reelforge.evals.result import ScenarioResult
from reelforge.evals.scenario import Scenario

REPO_ROOT = Path(__file__).resolve().parents[1]
_SCRUB = re.compile(r"KEY|TOKEN|SECRET|PASSWORD|CREDENTIAL|_BASE_URL$|^REELFORGE_|^GOOGLE_CLOUD|^SLACK_|^LANGSMITH|"
                    r"^LANGCHAIN", re.IGNORECASE)
KEEP = ("REELFORGE_FFMPEG",)
LLM_VARS = ("OPENAI_API_KEY", "OPENAI_BASE_URL", "REELFORGE_LLM_MODEL", "REELFORGE_LLM_TEMPERATURE")
EVAL_DEFAULTS = {"REELFORGE_ALLOW_PRIVATE_URLS": "1", "REELFORGE_X264_PRESET": "ultrafast"}
GRACE_S = 60.0


def scenario_env(scenario: Scenario, home: Path, brain: str) -> dict[str, str]:
    """The worker's environment: scrubbed of credentials and reelforge settings, then the scenario's own."""
    env = {k: v for k, v in os.environ.items() if k in KEEP or not _SCRUB.search(k)}
    if brain == "llm":
        env.update({k: os.environ[k] for k in LLM_VARS if k in os.environ})
    env.update(EVAL_DEFAULTS)
    env.update(REELFORGE_HOME=str(home), REELFORGE_BRAIN=brain,
               PYTHONPATH=os.pathsep.join(p for p in (str(REPO_ROOT), env.get("PYTHONPATH", "")) if p))
    env.update(scenario.env)
    return env


async def run_one(scenario: Scenario, brain: str, report_dir: Path, work_root: Path) -> ScenarioResult:
    """Run one scenario in a worker process; a crash or a hang becomes a failed result with its reason."""
    work = work_root / scenario.id
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    out = work / "result.json"
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "reelforge.evals.worker", scenario.path, "--work", str(work), "--report", str(report_dir),
        "--brain", brain, "--out", str(out), cwd=work, env=scenario_env(scenario, work / "home", brain),
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT)
    try:
        log, _ = await asyncio.wait_for(proc.communicate(), scenario.timeout_s + GRACE_S)
    except TimeoutError:
        proc.kill()
        await proc.wait()
        return ScenarioResult(id=scenario.id, title=scenario.title, tags=scenario.tags, brain=brain,
                              error=f"worker killed after {scenario.timeout_s + GRACE_S:g} s").finish()
    if proc.returncode != 0 or not out.is_file():
        tail = log.decode(errors="replace").strip().splitlines()[-5:]
        return ScenarioResult(id=scenario.id, title=scenario.title, tags=scenario.tags, brain=brain,
                              error=f"worker exited {proc.returncode}: {' | '.join(tail)}"[:800]).finish()
    return ScenarioResult.model_validate_json(out.read_text(encoding="utf-8"))


async def _judged(result: ScenarioResult, scenario: Scenario, llm: object | None) -> ScenarioResult:
    if not scenario.rubric:
        return result
    if llm is None:
        result.judge = "skipped: no LLM configured (OPENAI_API_KEY / OPENAI_BASE_URL)"
        return result
    try:
        check = await judge(scenario.rubric, result.transcript, llm)
    except Exception as exc:  # noqa: BLE001 - an unreachable judge is reported, not a crash
        result.judge = f"judge unavailable: {type(exc).__name__}: {exc}"[:300]
        return result
    result.judge = ("pass: " if check.passed else "fail: ") + check.message
    result.checks.append(check)
    return result.finish()


async def run_scenarios(scenarios: list[Scenario], *, brain: str = "offline", report_dir: Path, jobs: int = 2,
                        keep_work: bool = False, use_judge: bool | None = None,
                        on_result: Callable[[ScenarioResult], None] | None = None) -> list[ScenarioResult]:
    """Run every scenario, at most ``jobs`` at a time; results in the scenarios' order.

    ``use_judge``: None = judge rubrics when an LLM is configured. Work folders (homes, videos) live in a
    temporary folder unless ``keep_work`` keeps them under ``report_dir/work``.
    """
    report_dir.mkdir(parents=True, exist_ok=True)
    llm = configured_llm() if use_judge is not False else None
    gate = asyncio.Semaphore(max(1, jobs))
    work_root = report_dir / "work" if keep_work else Path(tempfile.mkdtemp(prefix="reelforge-eval-"))

    async def one(sc: Scenario) -> ScenarioResult:
        async with gate:
            result = await _judged(await run_one(sc, brain, report_dir, work_root), sc, llm)
        if on_result is not None:
            on_result(result)
        return result

    try:
        return list(await asyncio.gather(*(one(s) for s in scenarios)))
    finally:
        if not keep_work:
            shutil.rmtree(work_root, ignore_errors=True)
