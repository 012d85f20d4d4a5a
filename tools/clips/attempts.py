"""The write-ahead journal of paid jobs: intent before submit, job id after, reconciliation after a crash.

One record per cache key lives in a :class:`~reelforge.tools.clips.journal.JournalStore` (a JSON file per key
by default, a Postgres row when scaled out). Its life:

1. **intent** — before a paid request leaves the process: provider, model, gateway, a *fresh* idempotency key
   for this attempt, a digest of the request and the time, written durably (fsync / committed);
2. **submitted** — the provider's job id (and its status URLs) once ``submit`` answered;
3. the record is deleted once the clip is safely in the asset store, or reduced to its ``unknown`` list
   when the job failed for good (a later attempt starts a new intent with a new key).

On restart a submitted attempt is resumed (polled, never resubmitted). An intent without a job id is
reconciled first (:func:`reconcile`): the provider replays the same idempotency key, or looks the job up by
its external id or by the exact input after the intent's time; when the provider cannot tell, the attempt is
kept as *unknown* (it may have been charged) and reported in the clip's provenance and the manifest.
"""

from __future__ import annotations

import asyncio
import dataclasses
import time
import uuid
from typing import Any

from reelforge.tools.clips.base import ClipProvider, ClipRequest, Job, JobStatus, LookupUnsupported
from reelforge.tools.clips.journal import JournalStore
from reelforge.tools.production import stable_hash


def request_digest(req: ClipRequest) -> str:
    """A digest of what is sent (everything but the per-attempt key), to recognise the request later."""
    fields = dataclasses.asdict(req)
    fields.pop("idempotency_key", None)
    return stable_hash(fields)


def new_idempotency_key(cache_key: str, attempt: int) -> str:
    """A key no earlier attempt used: a provider never replays a failed job for a resubmission."""
    return f"rf-{cache_key[:20]}-{attempt}-{uuid.uuid4().hex[:10]}"


async def load(journal: JournalStore, key: str) -> dict[str, Any]:
    """The record for ``key`` (empty when none or unreadable)."""
    try:
        rec = await asyncio.to_thread(journal.read, key)
    except (OSError, ValueError):
        return {}
    return rec if isinstance(rec, dict) else {}


async def _write(journal: JournalStore, key: str, rec: dict[str, Any]) -> None:
    await asyncio.to_thread(journal.write, key, rec)


async def record_intent(journal: JournalStore, key: str, rec: dict[str, Any], provider: ClipProvider,
                        req: ClipRequest, *, model: str, gateway: str) -> tuple[dict[str, Any], ClipRequest]:
    """Write the intent of a new attempt durably; return the record and the request carrying its fresh key.

    Raises OSError when the journal cannot be written: nothing is submitted without its intent on record."""
    attempt = int(rec.get("attempt") or 0) + 1
    idem = new_idempotency_key(key, attempt)
    sent = dataclasses.replace(req, idempotency_key=idem)
    new = {"state": "intent", "provider": provider.name, "model": model, "gateway": gateway, "attempt": attempt,
           "idempotency_key": idem, "request_digest": request_digest(sent), "intent_at": time.time(),
           "id": None, "result_url": None, "data": {}, "unknown": list(rec.get("unknown") or [])}
    await _write(journal, key, new)
    return new, sent


async def record_submitted(journal: JournalStore, key: str, rec: dict[str, Any], job: Job) -> dict[str, Any]:
    """Add the provider's job id (and its status URLs) to the attempt's record."""
    new = {**rec, "state": "submitted", "id": job.id, "result_url": job.result_url, "data": job.data,
           "submitted_at": time.time()}
    try:
        await _write(journal, key, new)
    except (TypeError, ValueError):  # adapter data that is not JSON: keep the id, which is what resumes it
        new["data"] = {}
        await _write(journal, key, new)
    return new


async def record_extension(journal: JournalStore, key: str, rec: dict[str, Any], step: int) -> dict[str, Any]:
    """Before asking the provider to extend the clip (paid): note which extension is being asked for. A record
    still ``extending`` after a crash is an extension nobody can confirm: it joins the ``unknown`` list."""
    if rec.get("extending"):
        rec = {**rec, "unknown": [*rec.get("unknown", []),
                                  f"{unknown_note(rec)} (extension {rec['extending']} of job {rec.get('id')})"]}
    new = {**rec, "extending": step}
    await _write(journal, key, new)
    return new


async def close_attempt(journal: JournalStore, key: str, rec: dict[str, Any]) -> None:
    """The attempt is over (failed for good): keep only what the user must still be told."""
    if rec.get("unknown"):
        await _write(journal, key, {"unknown": rec["unknown"], "attempt": rec.get("attempt", 0)})
    else:
        await asyncio.to_thread(journal.delete, key)


def resumable(rec: dict[str, Any], provider: ClipProvider) -> Job | None:
    """The submitted job a previous run left for this cache key at ``provider``, if any."""
    if rec.get("provider") != provider.name or not rec.get("id"):
        return None
    return Job(id=str(rec["id"]), provider=provider.name, status=JobStatus.RUNNING,
               result_url=rec.get("result_url"), data=dict(rec.get("data") or {}))


def unknown_note(rec: dict[str, Any]) -> str:
    """Plain words for an attempt nobody could confirm or rule out."""
    when = time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime(float(rec.get("intent_at") or 0)))
    return (f"{rec.get('provider')} {rec.get('model')}: a request sent at {when} (key {rec.get('idempotency_key')}) "
            "was interrupted before its job id was saved and the provider cannot be asked about it; "
            "it may have been charged")


async def reconcile(journal: JournalStore, key: str, rec: dict[str, Any], provider: ClipProvider,
                    req: ClipRequest) -> tuple[dict[str, Any], Job | None]:
    """An intent without a job id: find out whether the provider got it. Returns the record (with the attempt
    added to ``unknown`` when the provider cannot tell) and the job to resume, or None to submit afresh."""
    sent = dataclasses.replace(req, idempotency_key=str(rec.get("idempotency_key") or ""))
    since = float(rec.get("intent_at") or 0.0)
    try:
        if provider.replays_idempotency_key and sent.idempotency_key:
            job: Job | None = await provider.submit(sent)  # same key: the provider answers with the same job
        else:
            job = await provider.find_job(sent, since)
    except LookupUnsupported:
        rec = {**rec, "unknown": [*rec.get("unknown", []), unknown_note(rec)]}
        await _write(journal, key, rec)
        return rec, None
    if job is None:  # the provider never got it: nothing was paid
        return rec, None
    return await record_submitted(journal, key, rec, job), job
