"""The one masking function for every place text leaves the process: events, logs, manifests, checkpoints, chat.

:func:`mask` replaces every known secret with ``***``: the value of each secret-looking variable in the
environment *and* in the ``.env`` file (keys that live only there included), passwords in URLs and in
``REELFORGE_UI_USERS``, credential query parameters (``?key=…``, ``&token=…``) and bearer tokens.
:func:`mask_bytes` does the same inside serialized bytes (checkpoints). :func:`install_log_masking` applies it to every log record of the process and quiets the HTTP client
loggers that would print request URLs (with their query-string keys) at INFO.
"""

from __future__ import annotations

import logging
import os
import re
import traceback
from functools import lru_cache
from pathlib import Path

from dotenv import dotenv_values

MASK = "***"
MIN_SECRET_CHARS = 6
SECRET_NAME = re.compile(r"(KEY|TOKEN|SECRET|PASSWORD|PASSWD|CREDENTIAL|AUTH|SIGNING|_PAT\b|DATABASE_URL|_DSN)",
                         re.IGNORECASE)
CREDENTIAL_PARAM = re.compile(r"([?&](?:[\w.-]*?(?:key|token|secret|password|passwd|signature|sig|auth)[\w.-]*)=)"
                              r"([^&#\s\"'<>]+)", re.IGNORECASE)
URL_PASSWORD = re.compile(r"(://[^:/@\s]+:)[^@\s/]+@")
BEARER = re.compile(r"(\b(?:Bearer|Basic|Token)\s+)[A-Za-z0-9._~+/=-]{8,}", re.IGNORECASE)
QUIET_LOGGERS = ("httpx", "httpcore", "urllib3", "elevenlabs", "openai._base_client", "hpack")


@lru_cache(maxsize=8)
def _dotenv(path: str, mtime_ns: int) -> dict[str, str | None]:
    return dotenv_values(path)


def _dotenv_values() -> dict[str, str | None]:
    path = Path(".env")
    try:
        return _dotenv(str(path.resolve()), path.stat().st_mtime_ns) if path.is_file() else {}
    except OSError:
        return {}


def _values_of(name: str, value: str | None) -> list[str]:
    if not value:
        return []
    if name.upper() == "REELFORGE_UI_USERS":  # "alice:pw,bob:pw2": the passwords
        return [p.partition(":")[2] for p in value.split(",") if ":" in p]
    return [value] if SECRET_NAME.search(name) else []


def known_secrets() -> list[str]:
    """Every secret value this process knows, longest first (so a key is masked before its prefix)."""
    found: set[str] = set()
    for source in (os.environ, _dotenv_values()):
        for name, value in source.items():
            found.update(v for v in _values_of(name, value) if len(v) >= MIN_SECRET_CHARS)
    return sorted(found, key=len, reverse=True)


def mask(text: str) -> str:
    """``text`` with every known secret, URL password, credential query parameter and bearer token masked."""
    if not text:
        return text
    for value in known_secrets():
        if value in text:
            text = text.replace(value, MASK)
    text = URL_PASSWORD.sub(rf"\1{MASK}@", text)
    text = CREDENTIAL_PARAM.sub(rf"\1{MASK}", text)
    return BEARER.sub(rf"\1{MASK}", text)


def mask_bytes(data: bytes) -> bytes:
    """``data`` with every known secret overwritten by as many ``*`` bytes: lengths stay the same, so a
    serialized structure (a msgpack checkpoint) stays valid while the key is gone."""
    for value in known_secrets():
        raw = value.encode()
        if raw in data:
            data = data.replace(raw, b"*" * len(raw))
    return data


_installed = False


def install_log_masking(http_level: int = logging.WARNING) -> None:
    """Mask every log record of this process (message and traceback) and keep the HTTP client loggers,
    which print full request URLs, at ``http_level``. Safe to call more than once."""
    global _installed
    for name in QUIET_LOGGERS:
        logging.getLogger(name).setLevel(max(http_level, logging.getLogger(name).level))
    if _installed:
        return
    _installed = True
    previous = logging.getLogRecordFactory()

    def masked_record(*args: object, **kwargs: object) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        try:
            record.msg, record.args = mask(record.getMessage()), ()
        except Exception:  # noqa: BLE001 - a broken format string stays as it was; logging must not fail
            return record
        if record.exc_info and record.exc_info[0] is not None:
            record.exc_text = mask("".join(traceback.format_exception(*record.exc_info)).rstrip("\n"))
        return record

    logging.setLogRecordFactory(masked_record)
