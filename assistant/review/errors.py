"""Errors the review services raise; the API turns each into an HTTP status with its message.

Messages are for a detective: they say what happened and what to do next.
"""

from __future__ import annotations

from typing import Any

from assistant.errors import AssistantError


class ServiceError(AssistantError):
    status = 400

    def __init__(
        self,
        message: str,
        *,
        extra: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.extra = extra or {}  # more fields for the JSON answer (e.g. 412: the current state)
        self.headers = headers or {}  # e.g. Retry-After


class BadRequest(ServiceError):
    status = 422


class Unauthorized(ServiceError):
    status = 401


class Forbidden(ServiceError):
    status = 403


class NotFound(ServiceError):
    """Also used for objects of cases the user is not assigned to (we never confirm they exist)."""

    status = 404


class Conflict(ServiceError):
    status = 409


class PreconditionFailed(ServiceError):
    status = 412


class TooLarge(ServiceError):
    status = 413


class Locked(ServiceError):
    status = 423


class PreconditionRequired(ServiceError):
    status = 428


class NotReady(ServiceError):
    status = 409


class TooManyRequests(ServiceError):
    status = 429


class Busy(ServiceError):
    status = 503
