"""The offline voice engines (Piper, espeak-ng; separate processes) and what to say when neither is installed."""

from __future__ import annotations

from reelforge.tools.voice import espeak_engine, piper_engine

NO_OFFLINE = (f"no offline voice is installed: {piper_engine.INSTALL_HINT}, or "
              f"`{espeak_engine.INSTALL_HINT}`")
