"""Fault matrix (a benchmark, not a test): real production against loopback paid providers that misbehave.

Every case runs the real studio in a child process — approval gate, clip runner with its write-ahead journal,
narration, music, and for the resumed cases assembly (offline renders stand in for the pixels) — against the
contract fakes of fal, Replicate, Kling (a direct vendor taking an idempotency key: ``external_task_id``) and
Luma (a direct vendor without one). Each fake counts the paid submissions it accepted (bench/paidfakes.py).

Faults, per provider: 429 with Retry-After, 500 on submit, 503 while polling, a connect timeout, a read timeout
while polling, a content refusal, malformed JSON, an expired result URL, SIGKILL between submit and journal, and
SIGKILL while polling; the killed cases are resumed at once. Each case first asks for production with the brief
changed after approval, which must be refused before anything is sent.

Prints ONE JSON line: {"cases", "completed", "duplicate_paid_submissions", "lost_outputs",
"unapproved_renders", "wall_s", "failures"}. Run: ``.venv/bin/python bench/faults.py`` (a few minutes on 2 cores).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path[:0] = [str(Path(__file__).resolve().parent), str(Path(__file__).resolve().parents[1] / "tests")]

from fakes.server import serve  # noqa: E402
from fakes.video_vendors import MALFORMED  # noqa: E402
from paidfakes import VENDORS, Gate, Ledger, PaidFake, tiny_video  # noqa: E402

HTTP_TIMEOUT_S = 3.0
FAULTS = ("rate_limit_429", "server_500", "server_503_poll", "connect_timeout", "read_timeout_poll",
          "content_refusal", "malformed_json", "expired_result_url", "kill_after_submit", "kill_mid_poll")
NARRATION = "A paper boat drifts across a quiet pond."
FAST = {"REELFORGE_FPS": "12", "REELFORGE_X264_PRESET": "ultrafast", "REELFORGE_CRF": "35",
        "REELFORGE_HTTP_TIMEOUT_S": str(HTTP_TIMEOUT_S), "REELFORGE_PROVIDER_TIMEOUT_S": "120"}


def provider_classes() -> list[type]:
    from reelforge.tools.clips.fal import FalProvider
    from reelforge.tools.clips.kling import KlingProvider
    from reelforge.tools.clips.luma import LumaProvider
    from reelforge.tools.clips.replicate import ReplicateProvider

    return [FalProvider, ReplicateProvider, KlingProvider, LumaProvider]


# --- the child: one production ---------------------------------------------------------------------------------


def child(spec: dict) -> dict:
    """Approve and produce one shot (then assemble when asked); report what came out."""
    from reelforge.tools.approval import ApprovalError, approve
    from reelforge.tools.production import Brief, RouteChoice, Scene, Shot, Storyboard
    from reelforge.tools.studio import Studio

    for provider in provider_classes():  # loopback answers at once: poll every 0.2 s, not every 3-5 s
        provider.poll_interval_s = 0.2
    studio = Studio()
    brief = Brief(goal="a paper boat", duration_s=5, aspects=["9:16"], voice="auto", music_mood="calm",
                  budget_usd=5.0, captions=True)
    route = RouteChoice(model_id=spec["model"], provider=spec["vendor"], gateway=spec["gateway"], est_cost_usd=0.35,
                        clip_seconds=5, fallbacks=["motion"])
    shot = Shot(id="s1", visual_prompt=spec["prompt"], narration=NARRATION, seconds=5, route=route)
    board = studio.price(brief, Storyboard(title="bench", scenes=[Scene(index=1, narration=NARRATION, shots=[shot])]))
    approval = approve(brief, board, "bench")
    out: dict = {"refused_unapproved": False}
    try:  # the brief changed after approval (a square version too): nothing may be sent
        asyncio.run(studio.produce(brief.model_copy(update={"aspects": ["9:16", "1:1"]}), board, approval=approval))
    except ApprovalError:
        out["refused_unapproved"] = True
    assets = asyncio.run(studio.produce(brief, board, approval=approval))
    clip = assets.clips["s1"]
    out.update(model=clip.provenance.model, fell_back=clip.provenance.fell_back, clip=clip.path,
               unconfirmed=clip.provenance.unconfirmed_jobs)
    if spec.get("assemble"):
        manifest = studio.assemble(brief, board, assets, spec["out"])
        out["outputs"] = [o.path for o in manifest.outputs]
    return out


# --- the parent: fakes, faults, kills, accounting ------------------------------------------------------------


def run_child(spec: dict, env: dict[str, str], fake: PaidFake | None = None, kill_on: str | None = None) -> dict | None:
    """Run one child; with ``kill_on`` the fake SIGKILLs it at that moment. Returns its report (None if killed)."""
    proc = subprocess.Popen([sys.executable, __file__, "--child", json.dumps(spec)], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if fake is not None and kill_on:
        fake.victim, fake.kill_on, fake.polls = proc.pid, kill_on, 0
    out, err = proc.communicate(timeout=600)
    if proc.returncode != 0:
        if proc.returncode == -9:
            return None
        raise RuntimeError(f"case {spec['name']} failed: {err.strip().splitlines()[-1:] or proc.returncode}")
    return json.loads(out.strip().splitlines()[-1])


def inject_fault(fake: PaidFake, fault: str) -> None:
    from fakes.video_vendors import inject

    v, app = fake.vendor, fake.app
    if fault == "rate_limit_429":
        inject(app, v.submit_fault, (429, {"detail": "Too many requests", "code": 1302}, {"Retry-After": "1"}))
    elif fault == "server_500":
        inject(app, v.submit_fault, (500, {"detail": "Internal server error", "code": 5000}))
    elif fault == "server_503_poll":
        inject(app, v.poll_fault, (503, {"detail": "Service unavailable", "code": 5001}, {"Retry-After": "0"}))
    elif fault == "read_timeout_poll":
        inject(app, v.poll_fault, HTTP_TIMEOUT_S + 1.0)
    elif fault == "malformed_json":
        inject(app, v.poll_fault, MALFORMED)
    elif fault == "expired_result_url":
        fake.expire_first = True


def run_case(fake: PaidFake, fault: str, home: Path, base_env: dict[str, str], ledger: Ledger) -> dict:
    vendor = fake.vendor
    name = f"{vendor.name}/{fault}"
    prompt = f"a paper boat on a pond, case {vendor.name} {fault}" + (" forbidden" if fault == "content_refusal" else "")
    spec = {"name": name, "vendor": vendor.name, "model": vendor.model, "gateway": vendor.gateway, "prompt": prompt,
            "assemble": fault == "kill_mid_poll", "out": str(home / "out" / name.replace("/", "-"))}
    env = {**base_env, **fake.env()}
    gate = None
    if fault == "connect_timeout":
        gate = Gate(int(fake.app.base_url.rsplit(":", 1)[1]))
        env.update(vendor.env(gate.url))
        threading.Timer(HTTP_TIMEOUT_S + 0.5, gate.open).start()
    inject_fault(fake, fault)
    try:
        kill = {"kill_after_submit": "submit", "kill_mid_poll": "poll"}.get(fault)
        report = run_child(spec, env, fake, kill)
        if kill is not None:
            if report is not None:
                raise RuntimeError(f"case {name}: the process was not killed")
            report = run_child(spec, env)  # resumed at once
    finally:
        if gate is not None:
            gate.close()
        fake.victim = fake.kill_on = None
    assert report is not None
    jobs = ledger.for_prompt(prompt)
    expected_model = "motion" if fault == "content_refusal" else vendor.model
    ok = (report["model"] == expected_model and Path(report["clip"]).is_file() and report["refused_unapproved"]
          and all(Path(p).is_file() for p in report.get("outputs", [])) and (not spec["assemble"] or report["outputs"]))
    return {"name": name, "completed": ok, "paid": len(jobs), "unapproved": 0 if report["refused_unapproved"] else 1,
            "model": report["model"], "unconfirmed": len(report["unconfirmed"])}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--only", default="", help="comma-separated vendor names (default: all four)")
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(json.loads(args.child))))
        return
    t0 = time.monotonic()
    root = Path(tempfile.mkdtemp(prefix="reelforge-faults-"))
    home = root / "home"
    base_env = {k: v for k, v in os.environ.items() if not k.endswith(("_API_KEY", "_TOKEN", "_KEY", "_SECRET"))}
    base_env.update(FAST, REELFORGE_HOME=str(home), PYTHONPATH=os.pathsep.join(
        [str(Path(__file__).resolve().parents[1] / "tests"), base_env.get("PYTHONPATH", "")]))
    os.environ.update({k: v for k, v in base_env.items() if k.startswith("REELFORGE_")})
    video = tiny_video(root / "result.mp4")
    ledger = Ledger()
    vendors = [v for v in VENDORS.values() if not args.only or v.name in args.only.split(",")]
    results, failures = [], []
    for vendor in vendors:
        fake = PaidFake(vendor, ledger, video)
        with serve(fake.app):
            for fault in FAULTS:
                try:
                    results.append(run_case(fake, fault, home, base_env, ledger))
                except Exception as exc:  # noqa: BLE001 - a failed case is counted and named, the matrix goes on
                    results.append({"name": f"{vendor.name}/{fault}", "completed": False, "unapproved": 0})
                    failures.append(f"{vendor.name}/{fault}: {exc}"[:300])
    approved = {f"a paper boat on a pond, case {v.name} {f}" + (" forbidden" if f == "content_refusal" else "")
                for v in vendors for f in FAULTS}
    unapproved = sum(r["unapproved"] for r in results) + len([j for j in ledger.jobs.values()
                                                               if j.prompt not in approved])
    print(json.dumps({"cases": len(results), "completed": sum(1 for r in results if r["completed"]),
                      "duplicate_paid_submissions": ledger.duplicates(), "lost_outputs": ledger.lost(),
                      "unapproved_renders": unapproved, "paid_submissions": len(ledger.jobs),
                      "wall_s": round(time.monotonic() - t0, 1), "failures": failures}))


if __name__ == "__main__":
    main()
