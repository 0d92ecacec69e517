"""Request dependencies: the database session, the logged-in user, and the case object check."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from assistant.review import auth, cases
from assistant.review.errors import Unauthorized
from assistant.review.models import Case, User

COOKIE = "session"


def get_db(request: Request) -> Iterator[Session]:
    with request.app.state.sessions() as session:
        yield session


SessionDep = Annotated[Session, Depends(get_db)]


def bearer_or_cookie(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        return header[7:].strip() or None
    return request.cookies.get(COOKIE) or None


def current_user(request: Request, db: SessionDep) -> User:
    token = bearer_or_cookie(request)
    if not token:
        raise Unauthorized("You are not logged in. Log in first.")
    user, row = auth.resolve(db, token, request.app.state.policy)
    request.state.auth_session = row
    request.state.username = user.username
    return user


CurrentUser = Annotated[User, Depends(current_user)]


def admin_user(user: CurrentUser) -> User:
    cases.require_role(user, "admin")
    return user


AdminUser = Annotated[User, Depends(admin_user)]


def case_for_user(case_id: int, request: Request, db: SessionDep, user: CurrentUser) -> Case:
    """The object-level check: every route with a case id gets its case through this."""
    return cases.open_case(db, user, case_id, what=request.url.path)


CaseDep = Annotated[Case, Depends(case_for_user)]
