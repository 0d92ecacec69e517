"""The HTTP status of each workbench error: the services say what went wrong, the API how
to answer it (the services know nothing of HTTP)."""

from __future__ import annotations

from assistant.errors import (
    BadRequest,
    Busy,
    Conflict,
    Forbidden,
    NotFound,
    PreconditionFailed,
    PreconditionRequired,
    ServiceError,
    TooManyRequests,
    Unauthorized,
)

STATUS: dict[type[ServiceError], int] = {
    BadRequest: 422,
    Unauthorized: 401,
    Forbidden: 403,
    NotFound: 404,
    Conflict: 409,  # NotReady too
    PreconditionFailed: 412,
    PreconditionRequired: 428,
    TooManyRequests: 429,
    Busy: 503,
}


def status_of(exc: ServiceError) -> int:
    """The status code for ``exc``: that of its nearest class in ``STATUS``, else 400."""
    for cls in type(exc).__mro__:
        if cls in STATUS:
            return STATUS[cls]
    return 400


def headers_of(exc: ServiceError) -> dict[str, str]:
    """The headers that go with ``exc``'s answer."""
    headers: dict[str, str] = {}
    if exc.retry_after is not None:
        headers["Retry-After"] = str(exc.retry_after)
    if isinstance(exc, Unauthorized):
        headers["WWW-Authenticate"] = "Bearer"
    return headers
