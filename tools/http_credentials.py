"""HTTP clients for authenticated vendor calls: credentials never follow a redirect to another host.

httpx drops only ``Authorization`` when a redirect leaves the origin. Vendors send keys in their own headers
(``x-goog-api-key``, Azure's ``api-key``, HeyGen's ``X-Api-Key``, ElevenLabs' ``xi-api-key``, fal's
``Authorization: Key …``) or in the query string (Pixabay's ``?key=``). :class:`VendorAsyncClient` and
:class:`VendorClient` follow redirects like httpx, but when the scheme, host or port changes every
credential-looking header, cookie and query parameter is removed from the next request.
"""

from __future__ import annotations

import re
from typing import Any

import httpx

CREDENTIAL_NAME = re.compile(r"(auth|key|token|secret|signature|password|session|cookie|credential)", re.IGNORECASE)


def _origin(url: httpx.URL) -> tuple[str, str, int | None]:
    return url.scheme, url.host, url.port


def without_credentials(request: httpx.Request) -> httpx.Request:
    """The same request with every credential header and query parameter removed."""
    for name in [n for n in request.headers if CREDENTIAL_NAME.search(n)]:
        del request.headers[name]
    url = request.url
    for name in {k for k, _ in url.params.multi_items() if CREDENTIAL_NAME.search(k)}:
        url = url.copy_remove_param(name)
    request.url = url
    return request


class _NoCredentialsAcrossHosts:
    """Mixin over httpx's redirect handling (both clients share it)."""

    def _build_redirect_request(self, request: httpx.Request, response: httpx.Response) -> httpx.Request:
        nxt = super()._build_redirect_request(request, response)  # type: ignore[misc]
        if _origin(nxt.url) != _origin(request.url):
            return without_credentials(nxt)
        return nxt


class VendorAsyncClient(_NoCredentialsAcrossHosts, httpx.AsyncClient):
    """An ``httpx.AsyncClient`` whose redirects to another host carry no credentials."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("follow_redirects", True)
        super().__init__(**kwargs)


class VendorClient(_NoCredentialsAcrossHosts, httpx.Client):
    """An ``httpx.Client`` whose redirects to another host carry no credentials."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("follow_redirects", True)
        super().__init__(**kwargs)
