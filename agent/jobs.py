"""Production and assembly as jobs on Celery (``REELFORGE_QUEUE_URL=amqp://…`` or ``redis://…``).

The produce node hands an approved storyboard to :func:`dispatch` and the conversation rests: no front door
waits on a render. A chain of three tasks does the work on ``reelforge worker`` processes:

- ``reelforge.produce`` on the ``clips`` queue (I/O-bound: waits on providers) — clips, narration,
  music, all through the content-addressed store and the job journal, so a retried or redelivered task finds
  what was stored and polls the provider's job it already paid for instead of submitting again;
- ``reelforge.render`` on the ``render`` queue (CPU-bound) — assembly, QC, the manifest; delivered
  files go to object storage with a download link when one is configured;
- ``reelforge.finish`` on the clips queue — resumes the thread (any worker, under the thread's lock) so the
  graph delivers, and publishes the outcome for the front door that holds the user's connection.

Tasks are acknowledged late and rejected when their worker is lost, so a worker killed mid-task leaves the
job to another; each is retried with backoff, and a step that still fails hands its error down the chain so
the thread always hears how its production ended. Progress goes out on :mod:`agent.bus`.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any
from uuid import uuid4

from celery import Celery, chain

from reelforge.agent.events import plain_reason, progress_of, redact
from reelforge.agent.state import Production, ProductionJob
from reelforge.tools.database import aconnect, postgres_url
from reelforge.tools.production import ProgressEvent
from reelforge.tools.settings import Settings, get_settings

log = logging.getLogger(__name__)

MAX_RETRIES = 3
NEEDS_DATABASE = ("REELFORGE_QUEUE_URL needs REELFORGE_DATABASE_URL=postgresql://… too: workers resume the "
                  "conversation from the shared checkpoints.")

app = Celery("reelforge")
app.conf.update(
    task_acks_late=True,  # acknowledged when done: a killed worker's task is delivered to another
    task_reject_on_worker_lost=True,
    worker_prefetch_multiplier=1,  # a worker holds only what it is running
    task_serializer="json", accept_content=["json"], result_serializer="json",
    task_ignore_result=True,  # the chain carries results; the thread's checkpoint is the record
    broker_connection_retry_on_startup=True,
    worker_hijack_root_logger=False,
)


def queue_url(settings: Settings) -> str | None:
    """The task engine's broker URL, or None for in-process production (the default)."""
    return settings.queue_url.get_secret_value() if settings.queue_url else None


def queue_names(settings: Settings) -> dict[str, str]:
    """``{"clips": "<prefix>.clips", "render": "<prefix>.render"}`` (``REELFORGE_QUEUE_PREFIX``, default reelforge)."""
    return {kind: f"{settings.queue_prefix}.{kind}" for kind in ("clips", "render")}


def configure(settings: Settings) -> Celery:
    """Point the Celery app at the configured broker and queues."""
    url = queue_url(settings)
    if not url:
        raise RuntimeError("REELFORGE_QUEUE_URL is not set")
    names = queue_names(settings)
    app.conf.update(broker_url=url, broker_transport_options={"visibility_timeout": settings.queue_visibility_s},
                    task_default_queue=names["clips"],
                    task_routes={"reelforge.produce": {"queue": names["clips"]},
                                 "reelforge.render": {"queue": names["render"]},
                                 "reelforge.finish": {"queue": names["clips"]}})
    return app


# --- the front door's side ---------------------------------------------------------------------------------

async def dispatch(settings: Settings, thread_id: str, prod: Production) -> ProductionJob:
    """Hand the approved storyboard to the workers, once per thread and version (a produce node that runs again
    after a crash finds the dispatch already made and does not send it twice)."""
    url = postgres_url(settings)
    if not url:
        raise RuntimeError(NEEDS_DATABASE)
    assert prod.brief is not None and prod.storyboard is not None
    version = prod.storyboard.version
    task_id = f"produce-{uuid4().hex}"
    conn = await aconnect(url)
    try:
        cur = await conn.execute("INSERT INTO reelforge_dispatch (thread_id, version, task_id) VALUES (%s, %s, %s) "
                                 "ON CONFLICT DO NOTHING", (thread_id, version, task_id))
        if cur.rowcount == 0:
            cur = await conn.execute("SELECT task_id FROM reelforge_dispatch WHERE thread_id = %s AND version = %s",
                                     (thread_id, version))
            row = await cur.fetchone()
            return ProductionJob(task_id=row[0], version=version)
        job = {"thread_id": thread_id, "version": version, "task_id": task_id,
               "brief": prod.brief.model_dump(mode="json"), "storyboard": prod.storyboard.model_dump(mode="json"),
               "approval": prod.approval.model_dump(mode="json") if prod.approval else None}
        try:
            await asyncio.to_thread(_send, settings, job)
        except Exception:
            await conn.execute("DELETE FROM reelforge_dispatch WHERE thread_id = %s AND version = %s",
                               (thread_id, version))
            raise
    finally:
        await conn.close()
    return ProductionJob(task_id=task_id, version=version)


def _send(settings: Settings, job: dict[str, Any]) -> None:
    configure(settings)
    chain(produce_task.s(job).set(task_id=job["task_id"]), render_task.s(), finish_task.s()).apply_async()


async def forget_dispatch(settings: Settings, thread_id: str, version: int) -> None:
    """The production of this version ended (delivered or failed): a later 'retry' may dispatch it again."""
    url = postgres_url(settings)
    if not url:
        return
    conn = await aconnect(url)
    try:
        await conn.execute("DELETE FROM reelforge_dispatch WHERE thread_id = %s AND version = %s",
                           (thread_id, version))
    finally:
        await conn.close()


# --- the workers' side -------------------------------------------------------------------------------------

def _publisher(settings: Settings) -> Any:
    from reelforge.agent.bus import Publisher, events_url

    url = events_url(settings)
    return Publisher(url) if url else None


def _progress_sink(settings: Settings, thread_id: str) -> Callable[[ProgressEvent], None]:
    """An ``on_event`` for the studio that publishes progress on the bus (never failing the work)."""
    publisher = _publisher(settings)

    def on_event(event: ProgressEvent) -> None:
        if publisher is None:
            return
        try:
            publisher.publish(thread_id, progress_of(event))
        except Exception:  # noqa: BLE001 - progress is best-effort; the work goes on
            log.warning("could not publish progress for %s", thread_id)

    return on_event


def _step(task: Any, job: dict[str, Any], work: Any) -> dict[str, Any]:
    """Run one step; retry with backoff; after the last retry pass the error down the chain."""
    if job.get("error"):
        return job
    from reelforge.tools.approval import ApprovalError

    try:
        return work(job)
    except Exception as exc:  # noqa: BLE001 - every failure is either retried or reported to the thread
        if task.request.retries < MAX_RETRIES and not isinstance(exc, ApprovalError):  # a refusal stays one
            log.warning("%s failed for %s (retry %d): %s", task.name, job["thread_id"], task.request.retries + 1,
                        redact(str(exc)).splitlines()[0] if str(exc) else type(exc).__name__)
            raise task.retry(exc=exc, countdown=min(30, 2 ** task.request.retries)) from None
        return {**job, "error": plain_reason(exc)}


def _studio(settings: Settings) -> Any:
    from reelforge.tools.studio import Studio

    return Studio(settings)


def _produce(job: dict[str, Any]) -> dict[str, Any]:
    from reelforge.tools.approval import Approval
    from reelforge.tools.production import Brief, Storyboard

    settings = get_settings()
    brief, board = Brief.model_validate(job["brief"]), Storyboard.model_validate(job["storyboard"])
    approval = Approval.model_validate(job["approval"]) if job.get("approval") else None  # checked again here
    assets = asyncio.run(_studio(settings).produce(brief, board, approval=approval,
                                                   on_event=_progress_sink(settings, job["thread_id"])))
    return {**job, "assets": assets.model_dump(mode="json")}


def _render(job: dict[str, Any]) -> dict[str, Any]:
    from reelforge.agent.nodes.assemble import output_dir
    from reelforge.tools.production import Brief, ProductionAssets, Storyboard

    settings = get_settings()
    studio = _studio(settings)
    store = studio.store
    brief, board = Brief.model_validate(job["brief"]), Storyboard.model_validate(job["storyboard"])
    made = ProductionAssets.model_validate(job["assets"])
    assets = ProductionAssets(  # files another worker made, fetched from the shared store
        clips={k: store.localize(a) for k, a in made.clips.items()},
        narrations=[n.model_copy(update={"asset": store.localize(n.asset)}) if n.duration_s > 0 else n
                    for n in made.narrations],
        music=store.localize(made.music) if made.music else None)
    out = output_dir(settings.outputs_dir, job["thread_id"], board.version)
    manifest = studio.assemble(brief, board, assets, out, on_event=_progress_sink(settings, job["thread_id"]))
    prefix = f"outputs/{out.parent.name}/{out.name}"
    for output in manifest.outputs:
        output.url = store.publish(f"{prefix}/{output.path.rsplit('/', 1)[-1]}", output.path, settings.presign_s)
    return {**job, "assets": assets.model_dump(mode="json"), "result": {
        "outputs": [o.model_dump(mode="json") for o in manifest.outputs], "cost": manifest.cost.model_dump(mode="json"),
        "manifest_path": str(out / "manifest.json"),
        "qc_summary": "; ".join(f"{o.aspect}: {o.qc.summary()}" for o in manifest.outputs)}}


def _finish(job: dict[str, Any]) -> dict[str, Any]:
    settings = get_settings()
    events = asyncio.run(_complete(settings, job))
    publisher = _publisher(settings)
    if publisher is not None:
        try:
            for ev in events:
                publisher.publish(job["thread_id"], ev)
            publisher.done(job["thread_id"])
        except Exception:  # noqa: BLE001 - the thread has the outcome; front doors read it from the checkpoint
            log.warning("could not announce the end of %s's production", job["thread_id"])
    return {"thread_id": job["thread_id"], "version": job["version"], "error": job.get("error")}


async def _complete(settings: Settings, job: dict[str, Any]) -> list[Any]:
    from reelforge.agent.service import AgentService

    async with AgentService.open(settings) as svc:
        events = await svc.complete_job(job["thread_id"], job["task_id"], result=job.get("result"),
                                        assets=job.get("assets"), error=job.get("error"))
    await forget_dispatch(settings, job["thread_id"], job["version"])
    return events


@app.task(bind=True, name="reelforge.produce", max_retries=MAX_RETRIES)
def produce_task(self: Any, job: dict[str, Any]) -> dict[str, Any]:
    """Clips ∥ narration ∥ music for one storyboard version (the clips queue)."""
    return _step(self, job, _produce)


@app.task(bind=True, name="reelforge.render", max_retries=MAX_RETRIES)
def render_task(self: Any, job: dict[str, Any]) -> dict[str, Any]:
    """Assembly, QC and the manifest (the render queue)."""
    return _step(self, job, _render)


@app.task(bind=True, name="reelforge.finish", max_retries=MAX_RETRIES)
def finish_task(self: Any, job: dict[str, Any]) -> dict[str, Any]:
    """Resume the thread with the outcome and tell the front doors (the clips queue)."""
    try:
        return _finish(job)
    except Exception as exc:
        raise self.retry(exc=exc, countdown=min(30, 2 ** self.request.retries)) from None
