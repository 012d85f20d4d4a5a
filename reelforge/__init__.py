"""reelforge: a chat-driven agent that plans and produces videos.

The code lives in the repository's top-level folders and installs under this package:
``reelforge.agent`` (the LangGraph director), ``reelforge.tools`` (the studio), ``reelforge.ui`` (front doors),
``reelforge.prompts`` and ``reelforge.evals``.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("reelforge")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0"

__all__ = ["__version__"]
