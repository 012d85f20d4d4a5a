"""The local services the scale-out tests use — PostgreSQL, Redis and an S3-compatible server (moto in server
mode on loopback) — each a pytest fixture that skips with a clear message when the service is absent.

``REELFORGE_TEST_POSTGRES`` (default ``postgresql://postgres@127.0.0.1:5432/test``) and ``REELFORGE_TEST_REDIS``
(default ``redis://127.0.0.1:6379/0``) point elsewhere. Every test gets a throwaway database.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import urlparse, urlunparse

import pytest

POSTGRES = os.environ.get("REELFORGE_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test")
REDIS = os.environ.get("REELFORGE_TEST_REDIS", "redis://127.0.0.1:6379/0")
AMQP = os.environ.get("REELFORGE_TEST_AMQP", "amqp://guest:guest@127.0.0.1:5672//")


def _reachable(url: str, default_port: int) -> bool:
    parsed = urlparse(url)
    try:
        with socket.create_connection((parsed.hostname or "127.0.0.1", parsed.port or default_port), timeout=1):
            return True
    except OSError:
        return False


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def scratch_database(admin_url: str = POSTGRES) -> Iterator[str]:
    """A new, empty database (dropped afterwards); yields its URL."""
    import psycopg

    name = f"reelforge_t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    parsed = urlparse(admin_url)
    url = urlunparse(parsed._replace(path=f"/{name}"))
    try:
        yield url
    finally:
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def pg_url() -> Iterator[str]:
    if not _reachable(POSTGRES, 5432):
        pytest.skip(f"PostgreSQL is not running at {urlparse(POSTGRES).netloc} (set REELFORGE_TEST_POSTGRES)")
    pytest.importorskip("psycopg", reason="the postgres extra is not installed: pip install '.[scale]'")
    with scratch_database() as url:
        yield url


@pytest.fixture
def redis_url() -> str:
    if not _reachable(REDIS, 6379):
        pytest.skip(f"Redis is not running at {urlparse(REDIS).netloc} (set REELFORGE_TEST_REDIS)")
    pytest.importorskip("redis", reason="the scale extra is not installed: pip install '.[scale]'")
    return REDIS


@contextmanager
def moto_server() -> Iterator[str]:
    """moto's S3-compatible server on a loopback port; yields its endpoint URL."""
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while not _reachable(url, port):
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("moto server did not start")
            time.sleep(0.1)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)


S3_ENV = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_DEFAULT_REGION": "us-east-1"}


def make_bucket(endpoint: str, bucket: str) -> None:
    import boto3

    boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id="testing",
                 aws_secret_access_key="testing").create_bucket(Bucket=bucket)


@pytest.fixture(scope="session")
def moto_endpoint() -> Iterator[str]:
    """One moto S3 server for the whole test session."""
    pytest.importorskip("moto", reason="moto[server] is not installed: pip install '.[dev]'")
    pytest.importorskip("boto3", reason="the scale extra is not installed: pip install '.[scale]'")
    with moto_server() as endpoint:
        yield endpoint


@pytest.fixture
def s3_store(moto_endpoint, monkeypatch) -> str:
    """An s3:// asset store in a fresh bucket on the moto server, configured in the environment."""
    for k, v in S3_ENV.items():
        monkeypatch.setenv(k, v)
    bucket = f"reelforge-test-{uuid.uuid4().hex[:10]}"
    make_bucket(moto_endpoint, bucket)
    url = f"s3://{bucket}/assets-root"
    monkeypatch.setenv("REELFORGE_ASSET_STORE", url)
    monkeypatch.setenv("REELFORGE_S3_ENDPOINT_URL", moto_endpoint)
    return url
