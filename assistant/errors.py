"""A small hierarchy of errors. Messages name the file and say what to do next."""

from __future__ import annotations


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
