"""The provider protocol: submit → poll → download, with normalised statuses and typed errors.

Every clip source (paid video models, gateways, stock libraries, avatar services and the offline
motion renderer) implements :class:`ClipProvider`. :mod:`tools.clips.runner` drives it: cache lookup,
retries, polling with backoff and an overall timeout, prompt download into the asset store.
"""

from __future__ import annotations

import asyncio
import email.utils
import json
import os
import random
import time
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any, Literal

import httpx

from reelforge.tools.http_credentials import VendorAsyncClient
from reelforge.tools.settings import Settings, get_settings

#: Methods a lost answer may be repeated for; a POST that got no answer may already have started a paid job.
SAFE_TO_REPEAT = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})
ErrorKind = Literal["auth", "quota", "rate_limit", "refused", "invalid", "provider", "timeout", "expired"]


class JobStatus(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    REFUSED = "refused"
    CANCELLED = "cancelled"

    @property
    def done(self) -> bool:
        return self in (JobStatus.SUCCEEDED, JobStatus.FAILED, JobStatus.REFUSED, JobStatus.CANCELLED)


class LookupUnsupported(Exception):
    """The provider's API cannot say whether it received an interrupted submission."""


class ProviderError(RuntimeError):
    """A typed provider failure. ``message`` is safe to show a user (never contains a key)."""

    def __init__(self, provider: str, kind: ErrorKind, message: str, *, retry_after: float | None = None,
                 status_code: int | None = None) -> None:
        super().__init__(f"{provider}: {message}")
        self.provider = provider
        self.kind: ErrorKind = kind
        self.message = message
        self.retry_after = retry_after
        self.status_code = status_code

    @property
    def retryable(self) -> bool:
        """429 / 5xx / timeouts are worth another try on the same model; refusals and bad input are not."""
        return self.kind in ("rate_limit", "provider", "timeout")


@dataclass
class ClipRequest:
    """What to make for one shot, in the provider-neutral form the router produces."""

    shot_id: str
    prompt: str
    seconds: float
    aspect: str = "16:9"
    width: int = 1920
    height: int = 1080
    fps: int = 30
    negative_prompt: str = ""
    model_id: str = ""  # registry id, e.g. "kling-v2.5-turbo-pro"
    gateway_model: str = ""  # the id this gateway uses for that model
    resolution: str = ""  # "720p", "1080p", ...
    image_path: str | None = None  # start frame for image-to-video / Ken Burns
    references: list[str] = field(default_factory=list)  # local reference images (the look sheet's subjects)
    audio: bool = False
    seed: int = 0
    mode: Literal["text-to-video", "image-to-video"] = "text-to-video"
    params: dict[str, Any] = field(default_factory=dict)  # extra model parameters from the registry
    idempotency_key: str = ""
    extend_s: list[float] = field(default_factory=list)  # then continue the clip by these seconds (one take)


@dataclass
class Job:
    """A submitted job as the provider reports it, normalised."""

    id: str
    provider: str
    status: JobStatus = JobStatus.QUEUED
    message: str = ""  # the provider's own words (refusal text, failure reason)
    progress: float | None = None
    result_url: str | None = None
    data: dict[str, Any] = field(default_factory=dict)  # adapter-private (status/response URLs...)


@dataclass
class ClipResult:
    """A finished clip downloaded to a local file."""

    path: Path
    cost_usd: float
    provider: str
    model: str
    seconds: float
    message: str = ""


class ClipProvider(ABC):
    """One provider: subclasses implement submit, poll and download against its API."""

    name: str = "provider"
    concurrency: int = 4
    poll_interval_s: float = 2.0
    max_prompt_chars: int = 2500

    @abstractmethod
    async def submit(self, req: ClipRequest) -> Job:
        """Start a job; return it queued or running (or already succeeded for synchronous APIs)."""

    @abstractmethod
    async def poll(self, job: Job) -> Job:
        """Fetch the job's current status."""

    @abstractmethod
    async def download(self, job: Job, dest: Path) -> Path:
        """Save the finished result to ``dest`` (promptly: result URLs expire)."""

    #: The provider can continue a clip it made (``extend``), so one long shot stays one continuous clip.
    supports_extend: bool = False

    async def extend(self, job: Job, req: ClipRequest, seconds: float) -> Job:
        """Continue the finished clip of ``job`` by ``seconds``; the new job's result is the whole longer clip.

        Paid like a new generation. Only providers with ``supports_extend`` implement it.
        """
        raise ProviderError(self.name, "invalid", f"{self.name} cannot extend a clip")

    #: The adapter sends ``ClipRequest.references`` in its vendor's own form (hosted gateways instead send them
    #: where the registry row's ``_references_field`` says).
    supports_references: bool = False

    @classmethod
    def takes_references(cls, req: ClipRequest) -> bool:
        """Whether the vendor takes reference images with this very request (some take them only at one length or
        without a first frame). The runner leaves them off a request that cannot carry them, so a picture that is
        never sent does not change what is cached or paid for."""
        return cls.supports_references

    #: True when submitting again with the same ``idempotency_key`` returns the job already made (no new charge).
    replays_idempotency_key: bool = False

    async def find_job(self, req: ClipRequest, since: float) -> Job | None:
        """The job an interrupted submission of ``req`` created, looked up by its ``idempotency_key`` (an external
        id) or by the exact input sent after ``since`` (epoch seconds); None when the provider has no such job.
        Raises :class:`LookupUnsupported` when the API cannot tell (the default)."""
        raise LookupUnsupported(self.name)

    def check_request(self, req: ClipRequest) -> None:
        """Refuse requests the API would reject, before any money is spent."""
        if len(req.prompt) > self.max_prompt_chars:
            raise ProviderError(self.name, "invalid",
                                f"prompt is {len(req.prompt)} characters; this model accepts {self.max_prompt_chars}")

    async def aclose(self) -> None:  # noqa: B027 - optional hook
        """Release network clients."""


# --- HTTP plumbing shared by every network adapter --------------------------------------------------


def parse_retry_after(value: str | None) -> float | None:
    """Seconds from a ``Retry-After`` header (delta-seconds or an HTTP date)."""
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def default_error(provider: str, resp: httpx.Response, message: str | None = None) -> ProviderError:
    """Map an HTTP error status to a typed :class:`ProviderError`."""
    code = resp.status_code
    msg = message or _error_text(resp) or f"HTTP {code}"
    retry_after = parse_retry_after(resp.headers.get("retry-after"))
    if code in (401, 403):
        return ProviderError(provider, "auth", f"authentication failed ({msg})", status_code=code)
    if code == 402:
        return ProviderError(provider, "quota", f"out of credits or quota ({msg})", status_code=code)
    if code == 429:
        return ProviderError(provider, "rate_limit", f"rate limited ({msg})", retry_after=retry_after, status_code=code)
    if code in (408, 504):
        return ProviderError(provider, "timeout", f"timed out ({msg})", retry_after=retry_after, status_code=code)
    if code >= 500:
        return ProviderError(provider, "provider", f"provider error ({msg})", retry_after=retry_after, status_code=code)
    if code in (404, 410):
        return ProviderError(provider, "expired", f"not found or expired ({msg})", status_code=code)
    return ProviderError(provider, "invalid", f"request rejected ({msg})", status_code=code)


def _error_text(resp: httpx.Response) -> str:
    try:
        body = resp.json()
    except ValueError:
        return resp.text[:200].strip()
    if isinstance(body, dict):
        for key in ("detail", "message", "error", "msg", "error_message"):
            val = body.get(key)
            if isinstance(val, dict):
                val = val.get("message") or json.dumps(val)[:200]
            if isinstance(val, list):
                val = json.dumps(val)[:200]
            if val:
                return str(val)[:300]
    return json.dumps(body)[:200]


@dataclass
class RetryPolicy:
    """Jittered exponential backoff for retryable errors; honours Retry-After."""

    attempts: int = 4
    base_s: float = 1.0
    cap_s: float = 30.0

    def delay(self, attempt: int, retry_after: float | None = None) -> float:
        if retry_after is not None:
            return min(retry_after, self.cap_s * 4)
        return min(self.cap_s, self.base_s * 2 ** attempt) * (0.5 + random.random() / 2)


class HttpProvider(ClipProvider):
    """Base for adapters over HTTP: one httpx client, retries, JSON decoding, typed errors."""

    base_url: str = ""

    def __init__(self, *, base_url: str | None = None, client: httpx.AsyncClient | None = None,
                 retry: RetryPolicy | None = None, timeout_s: float = 60.0) -> None:
        if base_url:
            self.base_url = base_url.rstrip("/")
        self._client = client
        self._own_client = client is None
        self.retry = retry or RetryPolicy()
        self.timeout_s = timeout_s

    @property
    def client(self) -> httpx.AsyncClient:
        if self._client is None:
            self._client = VendorAsyncClient(timeout=self.timeout_s)  # no keys across a redirect
        return self._client

    async def aclose(self) -> None:
        if self._client is not None and self._own_client:
            await self._client.aclose()
            self._client = None

    def headers(self) -> dict[str, str]:
        """Auth and version headers for every request."""
        return {}

    def map_error(self, resp: httpx.Response) -> ProviderError:
        """Vendor-specific error mapping; the default reads the HTTP status."""
        return default_error(self.name, resp)

    def url(self, path: str) -> str:
        return path if path.startswith(("http://", "https://")) else f"{self.base_url}{path}"

    async def request(self, method: str, path: str, *, retry: bool = True, **kwargs: Any) -> httpx.Response:
        """Send a request with the retry policy; raise :class:`ProviderError` for any failure."""
        headers = {**self.headers(), **kwargs.pop("headers", {})}
        attempts = self.retry.attempts if retry else 1
        last: ProviderError | None = None
        for attempt in range(attempts):
            try:
                resp = await self.client.request(method, self.url(path), headers=headers, **kwargs)
            except (httpx.ConnectError, httpx.ConnectTimeout) as exc:  # never reached the provider: safe to repeat
                last = ProviderError(self.name, "timeout" if isinstance(exc, httpx.ConnectTimeout) else "provider",
                                     f"cannot reach the service ({type(exc).__name__})")
            except (httpx.TimeoutException, httpx.TransportError) as exc:
                last = ProviderError(self.name, "timeout" if isinstance(exc, httpx.TimeoutException) else "provider",
                                     f"no answer within {self.timeout_s:.0f} s" if isinstance(exc, httpx.TimeoutException)
                                     else f"the connection broke ({type(exc).__name__})")
                if method.upper() not in SAFE_TO_REPEAT:  # it may have been accepted: the caller must reconcile
                    raise last from exc
            else:
                if resp.status_code < 400:
                    return resp
                last = self.map_error(resp)
            if not last.retryable or attempt == attempts - 1:
                break
            await asyncio.sleep(self.retry.delay(attempt, last.retry_after))
        assert last is not None
        raise last

    async def json(self, method: str, path: str, **kwargs: Any) -> Any:
        """Request and decode JSON; a malformed body is a typed provider error, not a crash."""
        resp = await self.request(method, path, **kwargs)
        try:
            return resp.json()
        except ValueError as exc:
            raise ProviderError(self.name, "provider", f"malformed response from {method} {path}") from exc

    async def fetch_file(self, url: str, dest: Path, *, headers: dict[str, str] | None = None) -> Path:
        """Stream a result file to ``dest``; an expired URL (403/404/410) raises kind ``expired``."""
        dest.parent.mkdir(parents=True, exist_ok=True)
        tmp = dest.with_name(dest.name + ".part")
        try:
            async with self.client.stream("GET", url, headers=headers or {}) as resp:
                if resp.status_code in (403, 404, 410):
                    raise ProviderError(self.name, "expired", f"result URL expired or gone (HTTP {resp.status_code})",
                                        status_code=resp.status_code)
                if resp.status_code >= 400:
                    await resp.aread()
                    raise self.map_error(resp)
                with tmp.open("wb") as fh:
                    async for chunk in resp.aiter_bytes():
                        fh.write(chunk)
        except httpx.TimeoutException as exc:
            raise ProviderError(self.name, "timeout", "download timed out") from exc
        except httpx.TransportError as exc:
            raise ProviderError(self.name, "provider", f"download failed ({type(exc).__name__})") from exc
        if tmp.stat().st_size == 0:
            tmp.unlink()
            raise ProviderError(self.name, "provider", "downloaded result is empty")
        tmp.replace(dest)
        return dest


class KeyedProvider(HttpProvider):
    """An HTTP adapter that reads reelforge settings and sends one API key in one header.

    Subclasses name the credential (``key_names``, the first one set wins), the header and its format,
    and the environment variable that overrides the base URL (loopback fakes in tests, proxies).
    """

    key_names: tuple[str, ...] = ()
    key_header: str = "Authorization"
    key_format: str = "Bearer {key}"
    base_url_env: str = ""

    def __init__(self, *, settings: Settings | None = None, base_url: str | None = None,
                 api_key: str | None = None, client: httpx.AsyncClient | None = None,
                 retry: RetryPolicy | None = None, **kwargs: Any) -> None:
        self.settings = settings or get_settings()
        env_url = os.environ.get(self.base_url_env) if self.base_url_env else None
        kwargs.setdefault("timeout_s", self.settings.http_timeout_s)
        super().__init__(base_url=base_url or env_url or None, client=client, retry=retry, **kwargs)
        self._api_key = api_key

    def require(self, *names: str) -> str:
        """The first credential among ``names`` that is set, else an ``auth`` error naming them."""
        for name in names:
            value = self.settings.secret(name)
            if value:
                return value
        raise ProviderError(self.name, "auth",
                            f"{' or '.join(names)} is not set; add it to the environment or .env")

    def headers(self) -> dict[str, str]:
        if not self.key_names and not self._api_key:
            return {}
        key = self._api_key or self.require(*self.key_names)
        return {self.key_header: self.key_format.format(key=key)}

    async def download(self, job: Job, dest: Path) -> Path:
        """Fetch ``job.result_url`` at once (vendor URLs expire)."""
        if job.status != JobStatus.SUCCEEDED or not job.result_url:
            raise ProviderError(self.name, "invalid", f"job {job.id} has no result to download ({job.status})")
        return await self.fetch_file(job.result_url, dest)
