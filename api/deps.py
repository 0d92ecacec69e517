"""Request dependencies: the database session, the logged-in user, and the case object check."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated, Any

from fastapi import Depends, Path, Request, Security
from fastapi.security import APIKeyCookie, HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session

from api.schemas import MAX_ID, SID_PATTERN, USERNAME_PATTERN, Message, ValidationMessage
from assistant.errors import Forbidden, Unauthorized
from assistant.workbench import auth, cases
from assistant.workbench.tables import Case, User

COOKIE = "session"

# The answers every route but login can give besides its own: not logged in, not allowed (a
# role, a cross-site request, a password to change first), a body over its limit, a request
# that is not valid, too busy. Declared on every router so the OpenAPI document says so.
COMMON_ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": Message, "description": "the body is not well-formed (JSON, multipart)"},
    401: {"model": Message, "description": "not logged in, or the session has ended"},
    403: {"model": Message, "description": "not allowed (role, cross-site, password change)"},
    413: {"model": Message, "description": "the body is over this route's limit"},
    422: {"model": ValidationMessage, "description": "the request is not valid"},
    503: {"model": Message, "description": "the database is busy: try again"},
}
CASE_ERRORS: dict[int | str, dict[str, Any]] = {
    **COMMON_ERRORS,
    404: {"model": Message, "description": "no such case (or not one you may open)"},
}

# Path parameters with their real bounds: out of range is a 422 before the database is asked.
CaseId = Annotated[int, Path(ge=1, le=MAX_ID, description="a case id")]
DocId = Annotated[int, Path(ge=1, le=MAX_ID, description="a document id")]
PageNo = Annotated[int, Path(ge=1, le=MAX_ID, description="a page number, from 1")]
JobId = Annotated[int, Path(ge=1, le=MAX_ID, description="a processing job id")]
SuggestionId = Annotated[str, Path(pattern=SID_PATTERN, description="a suggestion id")]
UsernamePath = Annotated[str, Path(pattern=USERNAME_PATTERN, description="a username")]


def get_db(request: Request) -> Iterator[Session]:
    with request.app.state.sessions() as session:
        yield session


SessionDep = Annotated[Session, Depends(get_db)]


# The two ways to send a session token, declared so the OpenAPI document says which routes need
# one (``components.securitySchemes`` and each operation's ``security``: either will do). Both
# with ``auto_error=False``: a missing or malformed token is this module's 401, not FastAPI's.
BEARER = HTTPBearer(
    auto_error=False,
    scheme_name="bearer",
    description="the token from POST /api/auth/login, as Authorization: Bearer <token>",
)
SESSION_COOKIE = APIKeyCookie(
    name=COOKIE,
    auto_error=False,
    scheme_name="cookie",
    description="the HttpOnly session cookie set by POST /api/auth/login (the web UI)",
)


def bearer_or_cookie(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        return header[7:].strip() or None
    return request.cookies.get(COOKIE) or None


def client_address(request: Request) -> str:
    """The peer's address (no X-Forwarded-For: a client could write anything there)."""
    return request.client.host if request.client else ""


# What an account that must change its password may still do.
_BEFORE_PASSWORD_CHANGE = {"/api/me", "/api/auth/password", "/api/auth/logout"}


def current_user(
    request: Request,
    db: SessionDep,
    _bearer: Annotated[HTTPAuthorizationCredentials | None, Security(BEARER)] = None,
    _cookie: Annotated[str | None, Security(SESSION_COOKIE)] = None,
) -> User:
    # The two Security parameters only declare the schemes; the token is read here, the same
    # way for both (a bearer header wins over a cookie).
    token = bearer_or_cookie(request)
    if not token:
        raise Unauthorized("You are not logged in. Log in first.")
    user, row = auth.resolve(db, token, request.app.state.policy)
    request.state.auth_session = row
    request.state.username = user.username
    if user.must_change_password and request.url.path not in _BEFORE_PASSWORD_CHANGE:
        raise Forbidden(
            "Change your password first (POST /api/auth/password): this account's password was set by the installation."
        )
    return user


CurrentUser = Annotated[User, Depends(current_user)]


def admin_user(user: CurrentUser) -> User:
    cases.require_role(user, "admin")
    return user


AdminUser = Annotated[User, Depends(admin_user)]


def case_for_user(case_id: CaseId, request: Request, db: SessionDep, user: CurrentUser) -> Case:
    """The object-level check: every route with a case id gets its case through this."""
    return cases.open_case(db, user, case_id, what=request.url.path)


CaseDep = Annotated[Case, Depends(case_for_user)]
