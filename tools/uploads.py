"""A thread's uploads: files a person attached through a front door, kept in the thread's own folder.

Attachments are data, never text. A front door (the studio's upload widgets, a Slack file, ``reelforge chat
--attach FILE``) hands the file to :func:`store_upload`, which copies it into
``REELFORGE_HOME/threads/<thread>/uploads/`` (size checked before reading, regular files only, no dotfile
names) and returns an :class:`Attachment` that the thread records. The agent's tools then open files only
through :func:`find_upload`: a name that is not one of the thread's recorded uploads, a symlink, a dotfile
or a path outside the folder is refused with the same words whether or not such a file exists anywhere.
"""

from __future__ import annotations

import hashlib
import os
import re
import secrets
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field

from reelforge.tools.diskspace import disk_full, is_disk_full
from reelforge.tools.production import Consent, now_iso

UploadKind = Literal["document", "audio", "picture", "other"]
DOC_SUFFIXES = (".txt", ".md", ".markdown", ".fountain", ".text", ".html", ".htm", ".pdf", ".docx", ".rst")
AUDIO_SUFFIXES = (".wav", ".mp3", ".m4a", ".flac", ".ogg")
PICTURE_SUFFIXES = (".png", ".jpg", ".jpeg", ".webp", ".mp4", ".mov", ".webm", ".heic", ".avif")
DEFAULT_MAX_UPLOAD_BYTES = 100 * 1024 * 1024
_CHUNK = 1024 * 1024


class UploadError(ValueError):
    """An upload that cannot be taken or used, worded for the person (never says whether a path exists)."""


class Attachment(BaseModel):
    """One file a person uploaded into a thread: where it is kept, what it is, who gave it and when."""

    name: str  # the stored file name (safe, unique in the thread)
    path: str  # absolute path inside the thread's uploads folder
    kind: UploadKind
    size_bytes: int
    sha256: str
    owner: str | None = None  # the owner key of who uploaded it (see tools.owners)
    uploaded_at: str = Field(default_factory=now_iso)
    consent: Consent | None = None  # a consent the person gave with it (a checkbox and their own words)


@dataclass(frozen=True)
class Incoming:
    """A file a front door received (an upload widget's temp file, a downloaded Slack file, a CLI flag),
    with the consent the person gave for it there, if any."""

    path: str
    name: str | None = None  # the name the person gave the file (defaults to the path's name)
    consent: Consent | None = None


def upload_kind(name: str) -> UploadKind:
    """What a file is, by its name's suffix."""
    low = name.lower()
    if low.endswith(AUDIO_SUFFIXES):
        return "audio"
    if low.endswith(DOC_SUFFIXES):
        return "document"
    if low.endswith(PICTURE_SUFFIXES):
        return "picture"
    return "other"


def thread_folder(home: Path, thread_id: str) -> Path:
    """The thread's own folder in the data directory (a safe name derived from the thread id)."""
    slug = re.sub(r"[^A-Za-z0-9_-]+", "_", thread_id)[:60].strip("_") or "thread"
    digest = hashlib.sha256(thread_id.encode()).hexdigest()[:10]
    return home / "threads" / f"{slug}-{digest}"


def uploads_folder(home: Path, thread_id: str) -> Path:
    return thread_folder(home, thread_id) / "uploads"


def safe_name(name: str) -> str:
    """A plain file name: no folders, no leading dots, only ordinary characters."""
    base = re.split(r"[\\/]", name)[-1]
    base = re.sub(r"[^\w.\- ]+", "_", base).strip(" ._")
    return base[:120] or "upload"


def _unique(folder: Path, name: str) -> Path:
    target = folder / name
    stem, suffix = Path(name).stem, Path(name).suffix
    n = 2
    while target.exists() or target.is_symlink():
        target = folder / f"{stem}-{n}{suffix}"
        n += 1
    return target


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _copy_capped(src: Path, target: Path, shown: str, max_bytes: int) -> tuple[int, str]:
    """Copy without following a symlink, stopping past ``max_bytes``; return (size, sha256)."""
    digest = hashlib.sha256()
    size = 0
    fd = os.open(src, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    with os.fdopen(fd, "rb") as fh, open(target, "xb") as out:
        while chunk := fh.read(_CHUNK):
            size += len(chunk)
            if size > max_bytes:
                raise UploadError(f"{shown} is larger than the {max_bytes / 1e6:.0f} MB upload limit")
            digest.update(chunk)
            out.write(chunk)
    return size, digest.hexdigest()


def store_upload(home: Path, thread_id: str, source: str | Path, *, owner: str | None, max_bytes: int,
                 name: str | None = None, consent: Consent | None = None) -> Attachment:
    """Copy a file a front door received into the thread's uploads folder; return its :class:`Attachment`.

    ``source`` must be a regular file (a symlink is refused) no larger than ``max_bytes``; the size is
    checked before reading and again while copying (a file that grows is cut off and removed). The same
    file uploaded again under the same name is kept once."""
    src = Path(source)
    shown = safe_name(name or src.name)
    try:
        info = src.lstat()
    except OSError:
        raise UploadError(f"the upload {shown} could not be read; please attach it again") from None
    if not stat.S_ISREG(info.st_mode):
        raise UploadError(f"the upload {shown} is not a plain file")
    if info.st_size > max_bytes:
        raise UploadError(f"{shown} is {info.st_size / 1e6:.1f} MB; uploads are limited to {max_bytes / 1e6:.0f} MB")
    folder = uploads_folder(home, thread_id)
    incoming = folder / f".incoming-{os.getpid()}-{secrets.token_hex(6)}"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        size, sha = _copy_capped(src, incoming, shown, max_bytes)
        same = folder / shown
        if same.is_file() and not same.is_symlink() and _sha256(same) == sha:
            incoming.unlink()
            target = same
        else:
            target = _unique(folder, shown)
            os.replace(incoming, target)
    except BaseException as exc:
        incoming.unlink(missing_ok=True)
        if isinstance(exc, OSError) and is_disk_full(exc):
            raise UploadError(str(disk_full(folder, f"storing the upload {shown}", info.st_size))) from None
        if isinstance(exc, OSError):
            raise UploadError(f"the upload {shown} could not be stored: {exc.strerror or exc}") from None
        raise
    return Attachment(name=target.name, path=str(target), kind=upload_kind(target.name), size_bytes=size,
                      sha256=sha, owner=owner, consent=consent)


def not_an_upload(ref: str) -> UploadError:
    """The one refusal for any file reference that is not a usable upload of this thread."""
    shown = safe_name(ref)
    return UploadError(f"I can only use files uploaded to this conversation, and {shown!r} is not one of them. "
                       "Attach the file with the upload button (or `reelforge chat --attach FILE`).")


def find_upload(home: Path, thread_id: str, uploads: list[Attachment], ref: str, *,
                max_bytes: int = DEFAULT_MAX_UPLOAD_BYTES) -> Attachment:
    """The thread's upload that ``ref`` names (its name, or its stored path), checked again on disk.

    Refused with :func:`not_an_upload` when ``ref`` is no recorded upload, or the file is no longer a
    regular file inside the thread's uploads folder, is a dotfile, or is larger than ``max_bytes``."""
    ref = ref.strip()
    match = next((a for a in reversed(uploads) if ref in (a.name, a.path)), None)
    if match is None:
        raise not_an_upload(ref)
    folder = uploads_folder(home, thread_id).resolve()
    path = Path(match.path)
    try:
        info = path.lstat()
        inside = path.resolve().parent == folder
    except OSError:
        raise not_an_upload(ref) from None
    if (not inside or not stat.S_ISREG(info.st_mode) or path.name.startswith(".")
            or info.st_size > max_bytes):
        raise not_an_upload(ref)
    return match


def reference_picture(upload: Attachment) -> Attachment:
    """``upload`` when it can be a subject's reference picture; :class:`UploadError` naming the file otherwise."""
    if upload.kind != "picture":
        raise UploadError(f"{upload.name} is not a picture; a subject's reference must be an image")
    return upload
