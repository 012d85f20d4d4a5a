"""Fixture factories for contract tests that drive an adapter against a loopback vendor fake.

Most contract modules need the same three things: the fake running for the whole module (``server``),
a clean copy of it for each test with the vendor's credentials set (``app``), and a way to build the
adapter pointed at it with fast retries (``make`` / ``provider``). A test module writes, for example::

    server, app = fake_vendor_fixtures(fake.make_app, {"LUMAAI_API_KEY": fake.API_KEY})
    make = provider_fixture(LumaProvider, "/dream-machine/v1")
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator, Mapping
from typing import Any

import httpx
import pytest

from fakes.server import FakeApp, serve
from reelforge.tools.clips.base import RetryPolicy
from reelforge.tools.stock.ratelimit import TokenBucket


def fake_vendor_fixtures(make_app: Callable[[], FakeApp], env: Mapping[str, str] | None = None, *,
                         clear: tuple[str, ...] = ("expired",), state: Mapping[str, Any] | None = None,
                         base_url_env: str | None = None, server_name: str = "server") -> tuple[Any, Any]:
    """The ``server`` and ``app`` fixtures for one vendor fake.

    ``server`` runs ``make_app()`` on loopback once per module. ``app`` is that server reset for one test:
    queued faults and recorded requests dropped, the ``clear`` state collections emptied (when present), ``state``
    values set, every ``env`` variable set, and ``base_url_env`` (when given) set to the fake's base URL.
    Bind the first fixture to the module name ``server_name`` (``app`` looks it up by that name, so a module
    can run several fakes); the second may take any name (``app``, ``fake``, ...).
    """

    @pytest.fixture(scope="module")
    def server() -> Iterator[FakeApp]:
        with serve(make_app()) as running:
            yield running

    @pytest.fixture
    def app(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> FakeApp:
        server: FakeApp = request.getfixturevalue(server_name)
        server.state["faults"] = {}
        server.state.update(state or {})
        for key in clear:
            if key in server.state:
                server.state[key].clear()
        server.requests.clear()
        for name, value in (env or {}).items():
            monkeypatch.setenv(name, value)
        if base_url_env:
            monkeypatch.setenv(base_url_env, server.base_url)
        return server

    return server, app


def provider_factory(provider_cls: Callable[..., Any], path: str = "", *, attempts: int = 4,
                     **options: Any) -> Callable[..., Any]:
    """``build(app, timeout=5.0, attempts=...)``: a ``provider_cls`` aimed at ``app.base_url + path``, with
    its own HTTP client and retries that back off 10 ms (``options`` are passed to the constructor)."""

    def build(app: FakeApp, timeout: float = 5.0, attempts: int = attempts) -> Any:
        return provider_cls(base_url=app.base_url + path, client=httpx.AsyncClient(timeout=timeout),
                            retry=RetryPolicy(attempts=attempts, base_s=0.01), **options)

    return build


def provider_fixture(provider_cls: Callable[..., Any], path: str = "", **kw: Any) -> Any:
    """The ``make`` fixture :class:`~fakes.vendor_cases.VendorCases` expects: ``make(timeout=, attempts=)``
    builds the adapter against this test's ``app`` (see :func:`provider_factory`)."""
    build = provider_factory(provider_cls, path, **kw)

    @pytest.fixture
    def make(app: FakeApp) -> Callable[..., Any]:
        return functools.partial(build, app)

    return make


def stock_fixtures(make_app: Callable[[], FakeApp], provider_cls: Any, env: Mapping[str, str] | None = None
                   ) -> tuple[Any, Any, Any]:
    """The ``server``, ``fake`` and adapter fixtures for one stock library's fake: ``fake`` is the running fake
    reset for each test (see :func:`fake_vendor_fixtures`) with its 429 countdown at zero and ``env`` set; the
    adapter is a ``provider_cls`` aimed at it (see :func:`stock_provider`). Bind them to the names ``server``
    and ``fake`` (the adapter fixture asks for ``fake``)::

        server, fake, pexels = stock_fixtures(lambda: make_app(KEY), PexelsProvider, {"PEXELS_API_KEY": KEY})
    """
    server, fake = fake_vendor_fixtures(make_app, env, clear=(), state={"rate_limit": 0})

    @pytest.fixture
    def provider(fake: FakeApp) -> Any:
        return stock_provider(provider_cls, fake)

    return server, fake, provider


def stock_provider(provider_cls: Any, app: FakeApp) -> Any:
    """A stock adapter aimed at the running fake ``app``, with fast retries (3 tries, 10 ms apart) and a roomy
    rate bucket of its own."""
    return provider_cls(base_url=app.base_url, retry=RetryPolicy(attempts=3, base_s=0.01),
                        bucket=TokenBucket(provider_cls.name, 100, 1.0))
