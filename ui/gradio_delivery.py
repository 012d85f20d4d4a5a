"""Files the studio hands to Gradio: copies of one owner's outputs, never a path into REELFORGE_HOME.

The studio does not open REELFORGE_HOME to Gradio's file server (no ``allowed_paths``): everyone signed in
could otherwise download any file there, the checkpoint database with every conversation included. A
handler that shows a video or offers a download passes the owner's file through :meth:`Delivery.serve`,
which copies it into a private folder of this process; Gradio then moves it into its own cache and serves
it under an unguessable content-hash path, only to the session that received it.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from pathlib import Path


class Delivery:
    """A private staging folder for the files one studio process delivers."""

    def __init__(self) -> None:
        self._root: Path | None = None

    @property
    def root(self) -> Path:
        """The staging folder (made at the first delivery)."""
        if self._root is None:
            self._root = Path(tempfile.mkdtemp(prefix="reelforge-studio-"))
        return self._root

    def serve(self, path: str | Path) -> str:
        """A copy of ``path`` that Gradio may serve (made once per file version)."""
        src = Path(path)
        info = src.stat()
        key = hashlib.sha256(f"{src.resolve()}|{info.st_size}|{info.st_mtime_ns}".encode()).hexdigest()[:20]
        target = self.root / key / src.name
        if not target.is_file():
            target.parent.mkdir(parents=True, exist_ok=True)
            partial = target.with_name(f".{target.name}.part")
            try:
                os.link(src, partial)
            except OSError:  # another file system: copy
                shutil.copyfile(src, partial)
            os.replace(partial, target)
        return str(target)

    def close(self) -> None:
        if self._root is not None:
            shutil.rmtree(self._root, ignore_errors=True)
            self._root = None
