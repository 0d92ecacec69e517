"""Log in and out, change one's password; users (admin)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response, status

from api.deps import (
    COMMON_ERRORS,
    COOKIE,
    AdminUser,
    CurrentUser,
    SessionDep,
    UsernamePath,
    client_address,
)
from api.schemas import (
    LoginIn,
    LoginOut,
    MeOut,
    Message,
    PasswordChangeIn,
    UserAdminOut,
    UserCreate,
    ValidationMessage,
)
from assistant.workbench import audit, auth
from assistant.workbench.db import writing
from assistant.workbench.tables import User

router = APIRouter(prefix="/api", tags=["auth and users"], responses=COMMON_ERRORS)

ADMIN_ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": Message},
    401: {"model": Message},
    403: {"model": Message},
    422: {"model": ValidationMessage},
}


def _user_admin(u: User, request: Request) -> dict[str, Any]:
    return {
        "username": u.username,
        "role": u.role,
        "locked": auth.is_locked(u, request.app.state.throttle),
        "failed_logins": u.failed_logins,
        "created_at": u.created_at,
        "created_by": u.created_by,
    }


@router.post(
    "/auth/login",
    response_model=LoginOut,
    responses={
        400: {"model": Message, "description": "the body is not well-formed JSON"},
        401: {"model": Message, "description": "wrong username or password"},
        403: {"model": Message, "description": "cross-site request (a cookie, no Origin)"},
        413: {"model": Message},
        422: {"model": ValidationMessage},
        429: {"model": Message, "description": "too many failures: wait (Retry-After)"},
    },
)
def login(body: LoginIn, request: Request, response: Response, db: SessionDep) -> dict[str, Any]:
    """Log in. Sets an HttpOnly, SameSite=Strict ``session`` cookie; scripts may instead send
    the returned token as ``Authorization: Bearer <token>``. After 5 failures for a name from
    one address, each further try waits longer (429 with ``Retry-After``).

    ``password_change_required``: the account must change its password (``POST
    /api/auth/password``) before anything else."""
    st = request.app.state
    token, user = auth.login(
        db,
        body.username,
        body.password,
        st.policy,
        throttle=st.throttle,
        client=client_address(request),
    )
    response.set_cookie(
        COOKIE, token, httponly=True, samesite="strict", secure=st.settings.secure_cookies, path="/"
    )
    return {
        "token": token,
        "user": {"username": user.username, "role": user.role},
        "expires_idle_minutes": st.policy.idle_minutes,
        "password_change_required": user.must_change_password,
    }


@router.post(
    "/auth/logout",
    response_model=Message,
    responses={401: {"model": Message}, 403: {"model": Message}},
)
def logout(
    request: Request, response: Response, db: SessionDep, user: CurrentUser
) -> dict[str, str]:
    auth.logout(db, request.state.auth_session, user)
    response.delete_cookie(COOKIE, path="/")
    return {"detail": "Logged out."}


@router.post(
    "/auth/password",
    response_model=Message,
    responses={
        400: {"model": Message},
        401: {"model": Message},
        403: {"model": Message, "description": "the current password is not right"},
        413: {"model": Message},
        422: {"model": ValidationMessage, "description": "the new password is not allowed"},
        429: {"model": Message},
    },
)
def change_password(
    body: PasswordChangeIn, request: Request, db: SessionDep, user: CurrentUser
) -> dict[str, str]:
    """Change your own password (at least 10 characters, not a common or leaked one, not a
    pattern, not your username). Your other sessions end; this one stays logged in."""
    auth.change_password(
        db,
        user,
        body.current_password,
        body.new_password,
        keep=request.state.auth_session,
        throttle=request.app.state.throttle,
        client=client_address(request),
    )
    return {"detail": "Your password was changed. Your other sessions were logged out."}


@router.get("/me", response_model=MeOut, responses={401: {"model": Message}})
def me(user: CurrentUser) -> dict[str, Any]:
    return {
        "username": user.username,
        "role": user.role,
        "password_change_required": user.must_change_password,
    }


@router.get("/users", response_model=list[UserAdminOut], responses=ADMIN_ERRORS)
def list_users(db: SessionDep, admin: AdminUser, request: Request) -> list[dict[str, Any]]:
    rows = [_user_admin(u, request) for u in auth.list_users(db)]
    audit.record_now(db, "view_users", actor=admin.username, detail={"count": len(rows)})
    return rows


@router.post(
    "/users",
    response_model=UserAdminOut,
    status_code=status.HTTP_201_CREATED,
    responses={**ADMIN_ERRORS, 409: {"model": Message}, 413: {"model": Message}},
)
def create_user(
    body: UserCreate, db: SessionDep, admin: AdminUser, request: Request
) -> dict[str, Any]:
    with writing(db):
        user = auth.create_user(db, body.username, body.password, body.role, by=admin.username)
    return _user_admin(user, request)


@router.post(
    "/users/{username}/unlock",
    response_model=UserAdminOut,
    responses={**ADMIN_ERRORS, 404: {"model": Message}},
)
def unlock_user(
    username: UsernamePath, db: SessionDep, admin: AdminUser, request: Request
) -> dict[str, Any]:
    """Let logins to this account through again at once (clears the slowing-down after
    failed logins, from every address) and its count of failures."""
    user = auth.unlock(db, username, by=admin.username, throttle=request.app.state.throttle)
    return _user_admin(user, request)
