"""Typed ingest failures: each refusal has its own class and a message safe to show a user."""

from __future__ import annotations


class IngestError(ValueError):
    """Base class: a source could not be read. ``str(err)`` is a one-line reason for the user."""


class SchemeError(IngestError):
    """Only http and https URLs are fetched."""


class PrivateAddressError(IngestError):
    """The host is (or resolves to) a loopback, private, link-local or otherwise non-public address."""


class RedirectError(IngestError):
    """A redirect was malformed, looped, went too deep, or pointed somewhere refused."""


class PrivateRedirectError(RedirectError, PrivateAddressError):
    """A redirect pointed to a non-public address."""


class TooLargeError(IngestError):
    """The body is larger than ``settings.max_fetch_bytes``."""


class NotHtmlError(IngestError):
    """The server sent a content type that is not a web page or plain text."""


class CompressedContentError(NotHtmlError):
    """The body is compressed with an encoding that is not inflated here (br, zstd...)."""


class BinaryContentError(IngestError):
    """The body looks like binary data (an image, an archive, a PDF...), whatever its content type says."""


class FetchTimeoutError(IngestError):
    """The server did not answer (or finish answering) in time."""


class HttpStatusError(IngestError):
    """The server answered with an HTTP error status."""


class FetchError(IngestError):
    """The connection failed (DNS, refused, TLS...)."""


class EmptyContentError(IngestError):
    """The page or file has no readable main text."""


class SourceFileError(IngestError):
    """A local file is missing, unreadable, or of an unsupported type."""
