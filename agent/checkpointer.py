"""Durable threads: AsyncSqliteSaver in the data directory, or AsyncPostgresSaver with a database URL.

Checkpoints are deserialised with an explicit allow-list (every pydantic model reachable from
:class:`agent.state.Production`), so no other class can be revived from a checkpoint file, and they are
written with every known secret masked.
"""

from __future__ import annotations

import typing
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.checkpoint.serde.jsonplus import JsonPlusSerializer
from pydantic import BaseModel

from reelforge.agent.state import Production
from reelforge.tools.database import POSTGRES_HINT, migration_lock, postgres_url
from reelforge.tools.masking import mask_bytes
from reelforge.tools.settings import Settings


def _models(root: type[BaseModel]) -> list[type[BaseModel]]:
    """Every pydantic model class reachable from ``root``'s fields."""
    seen: list[type[BaseModel]] = []
    stack: list[object] = [root]
    while stack:
        tp = stack.pop()
        if isinstance(tp, type) and issubclass(tp, BaseModel):
            if tp in seen:
                continue
            seen.append(tp)
            stack.extend(f.annotation for f in tp.model_fields.values())
        else:
            stack.extend(typing.get_args(tp))
    return seen


class MaskingSerializer(JsonPlusSerializer):
    """Checkpoints never hold a key: every known secret is overwritten in the serialized bytes
    (:func:`tools.masking.mask_bytes`, same length, so the data stays readable)."""

    def dumps_typed(self, obj: typing.Any) -> tuple[str, bytes]:
        kind, data = super().dumps_typed(obj)
        return kind, mask_bytes(data)


def serializer() -> JsonPlusSerializer:
    """A strict serializer that allows our state models and LangGraph's own safe types, and masks secrets."""
    return MaskingSerializer(allowed_msgpack_modules=None).with_msgpack_allowlist(_models(Production))


@asynccontextmanager
async def open_checkpointer(settings: Settings) -> AsyncIterator[BaseCheckpointSaver]:
    """The configured checkpointer, set up and ready; closed on exit."""
    url = postgres_url(settings)
    if url:
        try:
            from langgraph.checkpoint.postgres.aio import AsyncPostgresSaver
        except ImportError as exc:
            raise RuntimeError(POSTGRES_HINT) from exc
        async with AsyncPostgresSaver.from_conn_string(url, serde=serializer()) as saver:
            async with migration_lock(url):  # replicas starting together would race on CREATE TABLE
                await saver.setup()
            yield saver
        return
    import aiosqlite
    from langgraph.checkpoint.sqlite.aio import AsyncSqliteSaver

    settings.home.mkdir(parents=True, exist_ok=True)
    async with aiosqlite.connect(str(settings.checkpoint_path)) as conn:
        saver = AsyncSqliteSaver(conn, serde=serializer())
        await saver.setup()
        yield saver
