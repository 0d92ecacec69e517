"""A small hierarchy of errors. Messages name the file and say what to do next."""

from __future__ import annotations

from typing import Any


class AssistantError(Exception):
    """Base class for errors the assistant reports to a user."""


class IngestError(AssistantError):
    """A file could not be read. ``code`` is a short machine-readable reason."""

    code = "corrupt"

    def __init__(self, document: str, reason: str) -> None:
        super().__init__(f"{document}: {reason}")
        self.document = document
        self.reason = reason


class UnsupportedFormat(IngestError):
    code = "unsupported"


class Encrypted(IngestError):
    code = "encrypted"


class CorruptFile(IngestError):
    code = "corrupt"


class EmptyFile(IngestError):
    code = "empty"


class TooLarge(IngestError):
    code = "too_large"


class ParseTimeout(IngestError):
    code = "timeout"


class OcrFailed(IngestError):
    code = "ocr_failed"


class CaseNotFound(AssistantError):
    """The case directory given does not exist or is not a directory."""


# --- the workbench's services (assistant/workbench/) -----------------------------------------
# What went wrong, in words for a detective. Which HTTP status each becomes is the web API's
# business: api/errors.py maps these classes to status codes.


class ServiceError(AssistantError):
    """A workbench request that cannot be done as asked. ``extra`` adds fields to the answer
    (for a stale version: the current state); ``retry_after`` says when to try again (seconds)."""

    def __init__(self, message: str, *, extra: dict[str, Any] | None = None, retry_after: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.extra = extra or {}
        self.retry_after = retry_after


class BadRequest(ServiceError):
    """The request is malformed or asks for something impossible."""


class Unauthorized(ServiceError):
    """No valid session: log in."""


class Forbidden(ServiceError):
    """Logged in, but not allowed to do this."""


class NotFound(ServiceError):
    """Also used for objects of cases the user is not assigned to (we never confirm they exist)."""


class Conflict(ServiceError):
    """The request clashes with what is stored (a duplicate name, say)."""


class NotReady(Conflict):
    """What was asked for is still being prepared (a case's search index, say)."""


class PreconditionFailed(ServiceError):
    """The object changed since the version the request names."""


class PreconditionRequired(ServiceError):
    """The change needs the version it applies to."""


class TooManyRequests(ServiceError):
    """Slowed down (failed logins); ``retry_after`` says for how long."""


class Busy(ServiceError):
    """The store is busy with another writer; try again in a moment."""
