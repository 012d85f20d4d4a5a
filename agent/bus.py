"""Progress across processes: workers publish a thread's events on Redis pub/sub (channel
``reelforge:thread:<thread id>``); the front door that holds the user's connection subscribes and relays them
to the chat, the studio or Slack. Messages are the :mod:`agent.events` models as JSON, already redacted;
``{"type": "done"}`` closes a production's stream.
"""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from typing import Any

from reelforge.agent.events import Event
from reelforge.tools.settings import Settings

DONE = "done"
log = logging.getLogger(__name__)


def events_url(settings: Settings) -> str | None:
    """The Redis URL progress travels on: ``REELFORGE_EVENTS_URL``, else a Redis ``REELFORGE_QUEUE_URL``."""
    for value in (settings.events_url, settings.queue_url):
        url = value.get_secret_value() if value else ""
        if url.startswith(("redis://", "rediss://", "unix://")):
            return url
    return None


def channel(thread_id: str) -> str:
    return f"reelforge:thread:{thread_id}"


class Publisher:
    """A worker's blocking publisher (one Redis connection pool per process)."""

    def __init__(self, url: str) -> None:
        import redis

        self._redis = redis.Redis.from_url(url)

    def publish(self, thread_id: str, event: Event | dict[str, Any]) -> None:
        data = event if isinstance(event, dict) else event.model_dump(mode="json")
        self._redis.publish(channel(thread_id), json.dumps(data))

    def done(self, thread_id: str) -> None:
        self.publish(thread_id, {"type": DONE})


@asynccontextmanager
async def subscribe(url: str, thread_id: str) -> AsyncIterator[Any]:
    """An async Redis pub/sub subscribed to the thread's channel (messages via ``get_message``), or None when
    Redis cannot be reached: the relay then reads the thread's checkpoint instead, so chat goes on."""
    import redis.asyncio as aredis

    client = aredis.Redis.from_url(url)
    pubsub = client.pubsub(ignore_subscribe_messages=True)
    try:
        await pubsub.subscribe(channel(thread_id))
    except (OSError, aredis.RedisError) as exc:
        log.warning("progress channel unavailable (%s); following the thread's checkpoint instead",
                    type(exc).__name__)
        await pubsub.aclose()
        await client.aclose()
        yield None
        return
    try:
        yield pubsub
    finally:
        with suppress(OSError, aredis.RedisError):
            await pubsub.unsubscribe()
        await pubsub.aclose()
        await client.aclose()
