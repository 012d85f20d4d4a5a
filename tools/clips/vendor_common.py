"""What every direct video-vendor adapter shares: constructor, credentials, limits, image input, mapping.

Each vendor module (kling, minimax, veo, runway, sora, seedance, luma) subclasses :class:`VendorProvider`
and only writes its own wire format. Registry ``params`` (tools/clips/registry/direct.toml) reach the
adapter as ``ClipRequest.params``; the keys understood here are ``max_prompt_chars`` and ``durations``.
"""

from __future__ import annotations

import base64
import math
import mimetypes
import re
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx

from reelforge.tools.clips.base import ClipRequest, Job, JobStatus, KeyedProvider, ProviderError, default_error
from reelforge.tools.settings import Settings, get_settings

_REFUSAL = re.compile(
    r"moderat|sensitive|safety|content (security|policy)|policy violation|risk control|inappropriate|"
    r"prohibited|not allowed|blocked|nsfw|responsible ai|rai filter|public figure",
    re.IGNORECASE,
)


def looks_like_refusal(*texts: str | None) -> bool:
    """True when a vendor's failure text reads like a content-policy refusal."""
    return any(t and _REFUSAL.search(t) for t in texts)


def is_url(value: str | None) -> bool:
    return bool(value) and str(value).startswith(("http://", "https://"))


def image_bytes(path: str, *, max_bytes: int, provider: str, what: str = "start image") -> tuple[bytes, str]:
    """Read a local image (``what`` names it in errors); raise ``invalid`` when missing or over the size limit."""
    p = Path(path)
    if not p.is_file():
        raise ProviderError(provider, "invalid", f"{what} {p.name!r} does not exist")
    data = p.read_bytes()
    if len(data) > max_bytes:
        raise ProviderError(provider, "invalid",
                            f"{what} is {len(data) / 1e6:.1f} MB; this API accepts {max_bytes / 1e6:.0f} MB")
    mime = mimetypes.guess_type(p.name)[0] or "image/png"
    return data, mime


def image_data_url(path: str, *, max_bytes: int, provider: str, what: str = "start image") -> str:
    """A URL stays a URL; a local file becomes a ``data:image/...;base64,`` URL."""
    if is_url(path):
        return path
    data, mime = image_bytes(path, max_bytes=max_bytes, provider=provider, what=what)
    return f"data:{mime};base64,{base64.b64encode(data).decode()}"


def name_references(prompt: str, tags: list[str]) -> str:
    """``prompt`` with the reference images named the way a model refers to them (``<<<image_1>>>``, ``@Image1``)."""
    return f"{prompt}; the subjects look as in {', '.join(tags)}" if tags else prompt


def ratio_value(ratio: str) -> float:
    """``"16:9"`` or ``"1280:720"`` or ``"1280x720"`` → width / height."""
    w, h = re.split(r"[:x]", ratio)
    return float(w) / float(h)


def nearest_ratio(aspect: str, allowed: list[str]) -> str:
    """The allowed ratio string closest (in log scale) to ``aspect``; ties favour the earlier entry."""
    target = math.log(ratio_value(aspect))
    return min(allowed, key=lambda r: abs(math.log(ratio_value(r)) - target))


def pick_duration(seconds: float, allowed: list[int] | list[float]) -> int | float:
    """The shortest allowed duration that covers ``seconds``, else the longest allowed."""
    ordered = sorted(allowed)
    for d in ordered:
        if d + 1e-6 >= seconds:
            return d
    return ordered[-1]


def map_status(provider: str, value: Any, table: dict[str, JobStatus]) -> JobStatus:
    """Normalise a vendor status string; an unknown value is a typed provider error, not a guess."""
    try:
        return table[str(value)]
    except KeyError:
        raise ProviderError(provider, "provider", f"unexpected task status {value!r}") from None


def dig(body: Any, *keys: str | int) -> Any:
    """``body[k1][k2]...`` or ``None`` when any step is missing (vendor bodies are often sparse)."""
    cur = body
    for k in keys:
        if isinstance(k, int):
            if not isinstance(cur, list) or len(cur) <= k:
                return None
            cur = cur[k]
        elif isinstance(cur, dict):
            cur = cur.get(k)
        else:
            return None
    return cur


def epoch(value: Any) -> float | None:
    """Seconds since the epoch from an ISO 8601 time (``2026-11-02T10:00:00.123Z``), None when unreadable."""
    if not isinstance(value, str) or not value:
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()
    except ValueError:
        return None


LOOKUP_PAGES = 5  # listing pages searched for the job an interrupted create made


async def recent_jobs(read_page: Callable[[Any], Awaitable[Any]], first: Any, key: str,
                      next_cursor: Callable[[dict, Any], Any], since: float) -> AsyncIterator[dict]:
    """The jobs an account's listing shows, newest first, that a create interrupted at ``since`` may have made.

    ``read_page(cursor)`` answers one listing page (``first`` is the first cursor) whose ``key`` holds the jobs;
    ``next_cursor(listing, cursor)`` is the next page's cursor, None after the last page. The search stops at a
    job created more than a minute before ``since`` (the create cannot be older) or after ``LOOKUP_PAGES`` pages.
    """
    cursor = first
    for _ in range(LOOKUP_PAGES):
        listing = await read_page(cursor)
        jobs = listing.get(key) if isinstance(listing, dict) else None
        for job in jobs if isinstance(jobs, list) else []:
            if not isinstance(job, dict):
                continue
            created = epoch(job.get("created_at"))
            if created is not None and created < since - 60:
                return
            yield job
        cursor = next_cursor(listing, cursor) if isinstance(listing, dict) else None
        if cursor is None:
            return


class VendorProvider(KeyedProvider):
    """A direct vendor adapter: settings, base URL resolution, credentials and pre-flight checks.

    Base URL precedence: the ``base_url`` argument, then the settings field named by
    ``base_url_setting`` (``REELFORGE_<VENDOR>_BASE_URL``), then the class default.
    """

    base_url_setting: str = ""
    default_durations: list[int] = [5]
    max_image_bytes: int = 10 * 1024 * 1024

    def __init__(self, *, settings: Settings | None = None, base_url: str | None = None, **kwargs: Any) -> None:
        settings = settings or get_settings()
        configured = getattr(settings, self.base_url_setting, "") if self.base_url_setting else ""
        super().__init__(settings=settings, base_url=base_url or configured or None, **kwargs)

    def map_error(self, resp: httpx.Response) -> ProviderError:
        """HTTP status mapping, except that a 400/422 whose text reads like moderation is a refusal."""
        err = default_error(self.name, resp)
        if resp.status_code in (400, 422) and looks_like_refusal(err.message):
            err.kind = "refused"
        return err

    def check_request(self, req: ClipRequest) -> None:
        """Prompt length (registry ``max_prompt_chars`` overrides the class limit), start image and references."""
        limit = int(req.params.get("max_prompt_chars", self.max_prompt_chars))
        for label, text in (("prompt", req.prompt), ("negative prompt", req.negative_prompt)):
            if len(text) > limit:
                raise ProviderError(self.name, "invalid",
                                    f"{label} is {len(text)} characters; this model accepts {limit}")
        if not req.prompt.strip() and not req.image_path:
            raise ProviderError(self.name, "invalid", "empty prompt")
        if self.wants_image(req) and not req.image_path:
            raise ProviderError(self.name, "invalid", "image-to-video needs a start image (image_path)")
        if req.image_path and not is_url(req.image_path):
            image_bytes(req.image_path, max_bytes=self.max_image_bytes, provider=self.name)
        if self.supports_references:
            for path in req.references:
                if not is_url(path):
                    image_bytes(path, max_bytes=self.max_image_bytes, provider=self.name, what="reference image")

    @staticmethod
    def wants_image(req: ClipRequest) -> bool:
        return req.mode == "image-to-video"

    @staticmethod
    def uses_image(req: ClipRequest) -> bool:
        """Image-to-video when asked for, or whenever a start frame is supplied."""
        return req.mode == "image-to-video" or bool(req.image_path)

    @classmethod
    def duration_for(cls, req: ClipRequest) -> int | float:
        return pick_duration(req.seconds, list(req.params.get("durations", cls.default_durations)))

    def model_for(self, req: ClipRequest) -> str:
        model = req.gateway_model or str(req.params.get("model", ""))
        if not model:
            raise ProviderError(self.name, "invalid", "no vendor model id given (registry `model`)")
        return model

    async def create_task(self, path: str, body: dict) -> Job:
        """``POST`` a generation task; the answer must carry the task's ``id`` (the job starts queued)."""
        data = await self.json("POST", path, json=body)
        if not isinstance(data, dict) or not data.get("id"):
            raise ProviderError(self.name, "provider", "malformed response (no task id)")
        return Job(id=str(data["id"]), provider=self.name, status=JobStatus.QUEUED)

    async def get_task(self, path: str) -> dict:
        """``GET`` a generation task; the answer must be a JSON object."""
        task = await self.json("GET", path)
        if not isinstance(task, dict):
            raise ProviderError(self.name, "provider", "malformed response (task is not an object)")
        return task

    def failed(self, job: Job, message: str, *, code: str = "", refused: bool | None = None) -> Job:
        """Mark ``job`` failed or refused, keeping the vendor's own words (and its error ``code``, when given)."""
        message = f"{message} [{code}]" if code else message
        is_refusal = looks_like_refusal(message) if refused is None else refused
        job.status = JobStatus.REFUSED if is_refusal else JobStatus.FAILED
        job.message = message or ("refused by the provider's content policy" if is_refusal else "generation failed")
        return job

    def settle(self, job: Job, status: JobStatus, url: Any, field: str) -> Job:
        """Record a status that is not a failure; a success must carry its result URL (``field`` names it)."""
        job.status = status
        if status == JobStatus.SUCCEEDED:
            if not url:
                raise ProviderError(self.name, "provider", f"job {job.id} succeeded without {field}")
            job.result_url = str(url)
        return job
