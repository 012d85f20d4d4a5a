"""Prices of the paid items that are not clips (narration, music), read from the registry data.

The ``[audio.<kind>.<provider>.<model>]`` tables of ``tools/clips/registry/*.toml`` (then the user's
``$REELFORGE_HOME/models.toml``) give a unit, a price per unit and the price's source and date, exactly as
the clip models carry ``price_per_s`` and ``price_source``. A ``default`` model entry prices the provider's
unlisted models; a provider with no entry at all is priced at zero and says so.
"""

from __future__ import annotations

import functools
import tomllib
from pathlib import Path
from typing import Literal

from pydantic import BaseModel

from reelforge.tools.clips.registry import REGISTRY_DIR, USER_FILE
from reelforge.tools.settings import Settings

AudioKind = Literal["narration", "music"]


class Price(BaseModel):
    """What one unit of a paid item costs, and where that figure came from."""

    unit: str
    price_per_unit: float
    price_source: str = ""

    def cost(self, quantity: float) -> float:
        return round(quantity * self.price_per_unit, 4)


@functools.lru_cache(maxsize=8)
def _tables(files: tuple[Path, ...], stamps: tuple[float, ...]) -> dict[str, dict[str, dict[str, Price]]]:
    del stamps  # part of the cache key only: an edited file is read again
    out: dict[str, dict[str, dict[str, Price]]] = {}
    for f in files:
        data = tomllib.loads(f.read_text(encoding="utf-8")).get("audio", {})
        for kind, providers in data.items():
            for provider, models in providers.items():
                for model, fields in models.items():
                    out.setdefault(kind, {}).setdefault(provider, {})[model] = Price.model_validate(fields)
    return out


def price_tables(settings: Settings) -> dict[str, dict[str, dict[str, Price]]]:
    """``{kind: {provider: {model: Price}}}`` from the bundled registry files and the user's override file."""
    files = sorted(REGISTRY_DIR.glob("*.toml"))
    user = Path(settings.home) / USER_FILE
    if user.is_file():
        files.append(user)
    return _tables(tuple(files), tuple(f.stat().st_mtime for f in files))


def audio_price(kind: AudioKind, provider: str, model: str, settings: Settings) -> Price:
    """The price of one narration or music item from ``provider`` / ``model``."""
    models = price_tables(settings).get(kind, {}).get(provider, {})
    found = models.get(model) or models.get("default")
    if found is not None:
        return found
    return Price(unit="characters" if kind == "narration" else "track", price_per_unit=0.0,
                 price_source=f"no price listed for {provider} {model}: add [audio.{kind}.{provider}.default]")
