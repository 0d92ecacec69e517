"""Log in and out; users (admin)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response, status
from sqlalchemy import select

from api.deps import COOKIE, AdminUser, CurrentUser, SessionDep
from api.schemas import LoginIn, LoginOut, Message, UserAdminOut, UserCreate, UserOut
from assistant.review import auth
from assistant.review.models import User

router = APIRouter(prefix="/api", tags=["auth and users"])


def _user_admin(u: User) -> dict[str, Any]:
    return {
        "username": u.username,
        "role": u.role,
        "locked": auth.is_locked(u),
        "failed_logins": u.failed_logins,
        "created_at": u.created_at,
        "created_by": u.created_by,
    }


@router.post(
    "/auth/login",
    response_model=LoginOut,
    responses={401: {"model": Message}, 423: {"model": Message}},
)
def login(body: LoginIn, request: Request, response: Response, db: SessionDep) -> dict[str, Any]:
    """Log in. Sets an HttpOnly, SameSite=Strict ``session`` cookie; scripts may instead send
    the returned token as ``Authorization: Bearer <token>``. 423 after 5 failed logins."""
    st = request.app.state
    token, user = auth.login(db, body.username, body.password, st.policy)
    response.set_cookie(
        COOKIE, token, httponly=True, samesite="strict", secure=st.settings.secure_cookies, path="/"
    )
    return {
        "token": token,
        "user": {"username": user.username, "role": user.role},
        "expires_idle_minutes": st.policy.idle_minutes,
    }


@router.post("/auth/logout", response_model=Message)
def logout(
    request: Request, response: Response, db: SessionDep, user: CurrentUser
) -> dict[str, str]:
    auth.logout(db, request.state.auth_session, user)
    response.delete_cookie(COOKIE, path="/")
    return {"detail": "Logged out."}


@router.get("/me", response_model=UserOut)
def me(user: CurrentUser) -> dict[str, str]:
    return {"username": user.username, "role": user.role}


@router.get("/users", response_model=list[UserAdminOut])
def list_users(db: SessionDep, admin: AdminUser) -> list[dict[str, Any]]:
    return [_user_admin(u) for u in db.execute(select(User).order_by(User.username)).scalars()]


@router.post("/users", response_model=UserAdminOut, status_code=status.HTTP_201_CREATED)
def create_user(body: UserCreate, db: SessionDep, admin: AdminUser) -> dict[str, Any]:
    user = auth.create_user(db, body.username, body.password, body.role, by=admin.username)
    db.commit()
    return _user_admin(user)


@router.post("/users/{username}/unlock", response_model=UserAdminOut)
def unlock_user(username: str, db: SessionDep, admin: AdminUser) -> dict[str, Any]:
    """Clear a lock-out (5 failed logins) and the count of failures."""
    return _user_admin(auth.unlock(db, username, by=admin.username))
