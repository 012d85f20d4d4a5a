"""Crash bench (a benchmark, not a test): ``reelforge make`` with a paid provider, killed and resumed ten times.

A loopback fal (the contract fake of tests/fakes, counting the paid submissions it accepts; bench/paidfakes.py)
is the only paid video provider configured. Each run starts ``reelforge make`` for a new prompt and SIGKILLs it
at a random moment — right after a paid submission was accepted (before the job id reaches the journal), while
polling, while assembling (a render is being written), or after a random delay — then runs the same command
again at once, which must finish: exit 0, every output a playable MP4, no paid job submitted twice, no ffmpeg
left running from the killed run.

Prints ONE JSON line: {"runs", "completed", "duplicate_paid_submissions", "lost_outputs", "orphans",
"qc_passed", "moments", "wall_s"}. Run: ``.venv/bin/python bench/crash.py`` (a few minutes on 2 cores).
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path[:0] = [str(Path(__file__).resolve().parent), str(Path(__file__).resolve().parents[1] / "tests")]

from fakes.server import serve  # noqa: E402
from paidfakes import VENDORS, Ledger, PaidFake, only_models, tiny_video  # noqa: E402

RUNS = 10
MOMENTS = ("after_submit", "mid_poll", "assembly", "random")
FAST = {"REELFORGE_FPS": "12", "REELFORGE_X264_PRESET": "ultrafast", "REELFORGE_CRF": "35",
        "REELFORGE_HTTP_TIMEOUT_S": "5", "REELFORGE_PROVIDER_TIMEOUT_S": "120"}
EXE = Path(sys.executable).with_name("reelforge")


def command(prompt: str, out: Path) -> list[str]:
    return [str(EXE) if EXE.is_file() else sys.executable, *([] if EXE.is_file() else ["-m", "reelforge"]),
            "make", prompt, "--duration", "6", "--aspect", "9:16", "--music", "calm", "--budget", "5",
            "--out", str(out)]


def ffmpeg_writing(out: Path) -> list[int]:
    """Processes (ours or orphans) whose command line names ``out``: a killed run's children would show here."""
    pids = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            cmdline = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if "ffmpeg" in cmdline and str(out) in cmdline:
            pids.append(int(proc.name))
    return pids


def rendering(out: Path) -> bool:
    return out.is_dir() and any(".part-" in p.name for p in out.iterdir())


def kill_run(cmd: list[str], env: dict[str, str], fake: PaidFake, moment: str, rng: random.Random,
             out: Path, typical_s: float) -> tuple[str, float]:
    """Start the command and SIGKILL it at ``moment`` ("random": somewhere in the first 90 % of a typical run);
    returns what happened ("killed ..." or "finished ...") and after how many seconds."""
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    if moment in ("after_submit", "mid_poll"):
        fake.victim, fake.kill_on, fake.polls = proc.pid, "submit" if moment == "after_submit" else "poll", 0
    deadline = time.monotonic() + 600
    delay = rng.uniform(0.5, 0.9 * typical_s)
    started = time.monotonic()
    while proc.poll() is None and time.monotonic() < deadline:
        if moment == "assembly" and rendering(out):
            time.sleep(rng.uniform(0.0, 0.4))
            os.kill(proc.pid, signal.SIGKILL)
        elif moment == "random" and time.monotonic() - started >= delay:
            os.kill(proc.pid, signal.SIGKILL)
        time.sleep(0.02)
    proc.wait()
    fake.victim = fake.kill_on = None
    what = f"killed at {moment}" if proc.returncode == -signal.SIGKILL else f"finished before {moment}"
    return what, time.monotonic() - started


def playable(path: str) -> bool:
    from reelforge.tools.media import MediaError, probe

    try:
        info = probe(path)
    except MediaError:
        return False
    return info.has_video and info.duration_s > 0


def main() -> None:
    t0 = time.monotonic()
    seed = int(os.environ.get("REELFORGE_CRASH_SEED", time.time()))
    rng = random.Random(seed)
    root = Path(tempfile.mkdtemp(prefix="reelforge-crash-"))
    home = root / "home"
    home.mkdir(parents=True)
    vendor = VENDORS["fal"]
    env = {k: v for k, v in os.environ.items() if not k.endswith(("_API_KEY", "_TOKEN", "_KEY", "_SECRET"))}
    env.update(FAST, REELFORGE_HOME=str(home))
    os.environ.update({k: v for k, v in env.items() if k.startswith("REELFORGE_")})
    (home / "models.toml").write_text(only_models({vendor.model, "motion"}))
    ledger = Ledger()
    fake = PaidFake(vendor, ledger, tiny_video(root / "result.mp4"))
    moments = list(MOMENTS) + [rng.choice(MOMENTS) for _ in range(RUNS - len(MOMENTS))]
    rng.shuffle(moments)
    completed = qc_passed = orphans = 0
    typical_s = 10.0  # a guess at one run's length, refined as runs finish
    happened = []
    with serve(fake.app):
        env.update(fake.env())
        for i, moment in enumerate(moments):
            out = root / f"out{i}"
            cmd = command(f"a paper boat crossing a pond at dawn, take {i + 1}", out)
            what, after_s = kill_run(cmd, env, fake, moment, rng, out, typical_s)
            happened.append(what)
            if what.startswith("finished"):  # the whole run took after_s: aim inside it next time
                typical_s = after_s
            elif moment == "assembly":  # assembly is the last step: a run takes about this long
                typical_s = max(typical_s, after_s)
            time.sleep(0.2)
            orphans += len(ffmpeg_writing(out))  # the killed run's children must be gone already
            resumed = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=900)
            manifest = out / "manifest.json"
            if resumed.returncode == 0 and manifest.is_file():
                outputs = json.loads(manifest.read_text()).get("outputs", [])
                if outputs and all(playable(o["path"]) for o in outputs):
                    completed += 1
                    qc_passed += all(all(c.get("passed") for c in o.get("qc", {}).get("checks", [])) for o in outputs)
            else:
                happened[-1] += f"; resume failed: {(resumed.stderr or resumed.stdout).strip()[-200:]}"
    print(json.dumps({"runs": len(moments), "completed": completed,
                      "duplicate_paid_submissions": ledger.duplicates(), "lost_outputs": ledger.lost(),
                      "orphans": orphans, "qc_passed": qc_passed, "paid_submissions": len(ledger.jobs),
                      "moments": happened, "seed": seed, "wall_s": round(time.monotonic() - t0, 1)}))


if __name__ == "__main__":
    main()
