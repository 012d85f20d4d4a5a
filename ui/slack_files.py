"""Files shared with the Slack bot: downloaded with the bot token (size checked first) and handed to the director
as uploads of the thread — the only way a Slack user attaches a script, a voice sample or a presenter photo.

The size Slack reports is checked before anything is downloaded, the download itself stops at the limit, the
bot token is sent only to Slack's file host (or the Web API's own host), and a redirect elsewhere carries no
credentials (:mod:`tools.http_credentials`).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from reelforge.tools.diskspace import disk_full, is_disk_full
from reelforge.tools.http_credentials import VendorClient
from reelforge.tools.uploads import Incoming, UploadError, safe_name

SLACK_FILE_HOSTS = ("files.slack.com",)
TIMEOUT_S = 60.0


def download_files(files: Iterable[dict[str, Any]], folder: Path, *, token: str, api_host: str,
                   max_bytes: int) -> list[Incoming]:
    """Download each shared file into ``folder``; raise :class:`UploadError` (plain words) for any refusal."""
    out: list[Incoming] = []
    for info in files:
        name = safe_name(str(info.get("name") or info.get("title") or "upload"))
        url = str(info.get("url_private_download") or info.get("url_private") or "")
        size = info.get("size")
        if info.get("mode") in ("external", "snippet", "tombstone") or not url:
            raise UploadError(f"{name} is not a file I can download from Slack; upload the file itself")
        if not isinstance(size, int) or size > max_bytes:
            shown = f"{size / 1e6:.1f} MB" if isinstance(size, int) else "of unknown size"
            raise UploadError(f"{name} is {shown}; uploads are limited to {max_bytes / 1e6:.0f} MB")
        host = (urlsplit(url).hostname or "").lower()
        if urlsplit(url).scheme not in ("https", "http") or host not in (*SLACK_FILE_HOSTS, api_host):
            raise UploadError(f"{name} is not hosted by Slack; upload the file itself")
        target = folder / f"{len(out)}-{name}"
        try:
            _fetch(url, target, token=token, max_bytes=max_bytes, name=name)
        except OSError as exc:
            target.unlink(missing_ok=True)
            if is_disk_full(exc):
                raise UploadError(str(disk_full(folder, f"receiving {name} from Slack", size))) from None
            raise
        out.append(Incoming(path=str(target), name=name))
    return out


def _fetch(url: str, target: Path, *, token: str, max_bytes: int, name: str) -> None:
    received = 0
    with VendorClient(timeout=TIMEOUT_S) as client, \
            client.stream("GET", url, headers={"Authorization": f"Bearer {token}", "Accept-Encoding": "identity"}) as resp:
        if resp.status_code != 200 or "text/html" in resp.headers.get("content-type", ""):
            raise UploadError(f"{name} could not be downloaded from Slack (HTTP {resp.status_code}); "
                              "check that the bot has the files:read scope")
        with target.open("wb") as fh:
            for chunk in resp.iter_raw(64 * 1024):
                received += len(chunk)
                if received > max_bytes:
                    fh.close()
                    target.unlink(missing_ok=True)
                    raise UploadError(f"{name} is larger than the {max_bytes / 1e6:.0f} MB upload limit")
                fh.write(chunk)
