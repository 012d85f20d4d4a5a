"""Object storage for the asset store and delivered files: any S3-compatible service (AWS S3, MinIO,
Cloudflare R2, Ceph, moto…) through boto3.

Selected by ``REELFORGE_ASSET_STORE=s3://bucket/prefix``; the endpoint comes from ``REELFORGE_S3_ENDPOINT_URL``
(or boto3's own ``AWS_ENDPOINT_URL_S3`` / ``AWS_ENDPOINT_URL``), the region from ``REELFORGE_S3_REGION`` or
``AWS_REGION``, the credentials from boto3's usual chain (``AWS_ACCESS_KEY_ID`` / ``AWS_SECRET_ACCESS_KEY``,
a profile, an instance role). Unset: the local folder, and no object storage at all.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from reelforge.tools.settings import Settings

S3_HINT = "REELFORGE_ASSET_STORE is an s3:// URL but boto3 is not installed: pip install 'reelforge[scale]'"


class BlobError(RuntimeError):
    """Object storage refused or failed (message safe to show: no credentials in it)."""


class S3Blobs:
    """Objects under ``s3://bucket/prefix/``: put and get files, presigned download links."""

    def __init__(self, url: str, *, endpoint_url: str = "", region: str = "", client: Any = None) -> None:
        parsed = urlparse(url)
        if parsed.scheme != "s3" or not parsed.netloc:
            raise ValueError(f"REELFORGE_ASSET_STORE must look like s3://bucket/prefix, not {url!r}")
        self.bucket = parsed.netloc
        self.prefix = parsed.path.strip("/")
        if client is None:
            try:
                import boto3
                from botocore.config import Config
            except ImportError as exc:
                raise RuntimeError(S3_HINT) from exc
            client = boto3.client("s3", endpoint_url=endpoint_url or None, region_name=region or None,
                                  config=Config(retries={"max_attempts": 5, "mode": "standard"},
                                                s3={"addressing_style": "path"}))
        self.client = client

    def name(self, rel: str) -> str:
        """The object key of ``rel`` under the prefix."""
        return f"{self.prefix}/{rel}" if self.prefix else rel

    def put_file(self, rel: str, src: str | Path, content_type: str | None = None) -> None:
        extra = {"ContentType": content_type} if content_type else None
        try:
            self.client.upload_file(str(src), self.bucket, self.name(rel), ExtraArgs=extra)
        except Exception as exc:  # noqa: BLE001 - botocore's errors are many; one plain error out
            raise BlobError(f"could not store {rel} in s3://{self.bucket}: {type(exc).__name__}") from exc

    def put_bytes(self, rel: str, data: bytes, content_type: str = "application/json") -> None:
        try:
            self.client.put_object(Bucket=self.bucket, Key=self.name(rel), Body=data, ContentType=content_type)
        except Exception as exc:  # noqa: BLE001
            raise BlobError(f"could not store {rel} in s3://{self.bucket}: {type(exc).__name__}") from exc

    def get_bytes(self, rel: str) -> bytes | None:
        """The object's bytes, or None when it does not exist."""
        try:
            return self.client.get_object(Bucket=self.bucket, Key=self.name(rel))["Body"].read()
        except Exception as exc:  # noqa: BLE001
            if _missing(exc):
                return None
            raise BlobError(f"could not read {rel} from s3://{self.bucket}: {type(exc).__name__}") from exc

    def get_file(self, rel: str, dest: str | Path) -> bool:
        """Download to ``dest`` (through a temporary name, renamed when complete); False when missing."""
        dest = Path(dest)
        dest.parent.mkdir(parents=True, exist_ok=True)
        part = dest.with_name(f"{dest.name}.{os.getpid()}.part")
        try:
            self.client.download_file(self.bucket, self.name(rel), str(part))
        except Exception as exc:  # noqa: BLE001
            part.unlink(missing_ok=True)
            if _missing(exc):
                return False
            raise BlobError(f"could not read {rel} from s3://{self.bucket}: {type(exc).__name__}") from exc
        os.replace(part, dest)
        return True

    def presign(self, rel: str, expires_s: int) -> str:
        """A time-limited download link that needs no credentials."""
        return self.client.generate_presigned_url("get_object", Params={"Bucket": self.bucket, "Key": self.name(rel)},
                                                  ExpiresIn=int(expires_s))


def _missing(exc: Exception) -> bool:
    code = str(getattr(exc, "response", {}).get("Error", {}).get("Code", ""))
    return code in ("404", "NoSuchKey", "NotFound")


def blob_store(settings: Settings) -> S3Blobs | None:
    """The configured object storage, or None for the local folder."""
    url = settings.asset_store.strip()
    if not url:
        return None
    return S3Blobs(url, endpoint_url=settings.s3_endpoint_url, region=settings.s3_region)
