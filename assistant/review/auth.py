"""Users, passwords (argon2), sessions (opaque random tokens, stored as a keyed hash) and lock-out.

- A session expires after ``idle_minutes`` without a request (30 by default), and after
  ``max_hours`` in any case.
- ``max_failures`` wrong passwords in a row (5) lock the account for ``lockout_minutes``
  (30 by default; 0 = until an admin unlocks it). An admin can unlock it at any time.
- Every login attempt, success or failure, is written to the audit trail.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from assistant.review import audit
from assistant.review.clock import iso, iso_in, now_iso, parse_iso, utcnow
from assistant.review.errors import BadRequest, Conflict, Locked, NotFound, Unauthorized
from assistant.review.models import AuthSession, User

ROLES: tuple[str, ...] = ("reviewer", "supervisor", "admin")
MIN_PASSWORD = 10
_USERNAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{1,63}$")


@dataclass(frozen=True, slots=True)
class AuthPolicy:
    secret: str
    idle_minutes: int = 30
    max_hours: int = 12
    max_failures: int = 5
    lockout_minutes: int = 30  # 0 = until an admin unlocks


# argon2id with the library's defaults (RFC 9106 low-memory profile: 3 passes, 64 MiB).
_HASHER = PasswordHasher()


def set_hash_cost(time_cost: int, memory_kib: int) -> None:
    """Set the argon2 cost for new hashes (settings; tests use a small one to stay fast).
    Existing hashes still verify: their parameters are stored in them."""
    global _HASHER
    if (time_cost, memory_kib) != (_HASHER.time_cost, _HASHER.memory_cost):
        _HASHER = PasswordHasher(time_cost=time_cost, memory_cost=memory_kib)
        _dummy_hash.cache_clear()


def _hasher() -> PasswordHasher:
    return _HASHER


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    # Verified against when the username is unknown, so a wrong username takes as long as a
    # wrong password and response times do not reveal which usernames exist.
    return _hasher().hash(secrets.token_urlsafe(16))


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify_password(stored: str, password: str) -> bool:
    try:
        return _hasher().verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False


def token_hash(token: str, secret: str) -> str:
    return hmac.new(secret.encode(), token.encode(), hashlib.sha256).hexdigest()


def random_password() -> str:
    """A password to print once (demo users): 16 URL-safe characters, about 96 bits."""
    return secrets.token_urlsafe(12)


def check_new_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise BadRequest(f"The password must be at least {MIN_PASSWORD} characters long.")
    if password.lower() in {"password123", "changeme123", "administrator", "1234567890"}:
        raise BadRequest("That password is too easy to guess. Choose another.")


def create_user(
    session: Session, username: str, password: str, role: str, *, by: str | None
) -> User:
    """Add a user (the caller commits). Usernames are unique; passwords are hashed with argon2."""
    if not _USERNAME.match(username):
        raise BadRequest(
            "A username is 2-64 characters: letters, digits, dot, dash, underscore or @."
        )
    if role not in ROLES:
        raise BadRequest(f"Unknown role '{role}'. Use one of: {', '.join(ROLES)}.")
    check_new_password(password)
    if session.execute(select(User.id).where(User.username == username)).first():
        raise Conflict(f"A user called '{username}' already exists.")
    user = User(
        username=username,
        password_hash=hash_password(password),
        role=role,
        failed_logins=0,
        created_at=now_iso(),
        created_by=by,
    )
    session.add(user)
    session.flush()
    audit.record(session, "create_user", actor=by, target=f"user:{username}", detail={"role": role})
    return user


def get_user(session: Session, username: str) -> User:
    user = session.execute(select(User).where(User.username == username)).scalar_one_or_none()
    if user is None:
        raise NotFound(f"There is no user called '{username}'.")
    return user


def _locked(user: User) -> bool:
    if user.locked_until is None:
        return False
    return user.locked_until == "admin" or parse_iso(user.locked_until) > utcnow()


def lock_message(user: User, policy: AuthPolicy) -> str:
    if user.locked_until == "admin" or policy.lockout_minutes <= 0:
        return (
            f"This account is locked after {policy.max_failures} failed logins. "
            "Ask an administrator to unlock it."
        )
    until = (user.locked_until or "")[:16].replace("T", " ")
    return (
        f"This account is locked after {policy.max_failures} failed logins. Try again after "
        f"{until} UTC, or ask an administrator to unlock it."
    )


def login(session: Session, username: str, password: str, policy: AuthPolicy) -> tuple[str, User]:
    """Check a password and open a session. Returns (token, user); commits.

    Raises ``Unauthorized`` (wrong username or password) or ``Locked`` (too many failures).
    """
    user = session.execute(select(User).where(User.username == username)).scalar_one_or_none()
    if user is None:
        verify_password(_dummy_hash(), password)
        audit.record(
            session,
            "login",
            actor=None,
            target=f"user:{username[:64]}",
            outcome="failed",
            detail={"why": "unknown user"},
        )
        session.commit()
        raise Unauthorized("Wrong username or password.")
    if _locked(user):
        audit.record(session, "login", actor=user.username, outcome="locked")
        session.commit()
        raise Locked(lock_message(user, policy))
    if user.locked_until is not None:  # an expired lock: start counting again
        user.locked_until = None
        user.failed_logins = 0
    if not verify_password(user.password_hash, password):
        user.failed_logins += 1
        detail: dict[str, object] = {"failures": user.failed_logins}
        if user.failed_logins >= policy.max_failures:
            user.locked_until = (
                iso_in(minutes=policy.lockout_minutes) if policy.lockout_minutes > 0 else "admin"
            )
            detail["locked"] = True
        audit.record(session, "login", actor=user.username, outcome="failed", detail=detail)
        session.commit()
        if user.locked_until is not None:
            raise Locked(lock_message(user, policy))
        left = policy.max_failures - user.failed_logins
        raise Unauthorized(
            "Wrong username or password."
            + (f" {left} more failed attempt(s) will lock the account." if left <= 2 else "")
        )
    if _hasher().check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.failed_logins = 0
    token = secrets.token_urlsafe(32)
    now = now_iso()
    session.add(
        AuthSession(
            token_hash=token_hash(token, policy.secret),
            user_id=user.id,
            created_at=now,
            last_seen_at=now,
        )
    )
    audit.record(session, "login", actor=user.username)
    session.commit()
    return token, user


SESSION_EXPIRED = "Your session has expired after 30 minutes without activity. Log in again."


def resolve(session: Session, token: str, policy: AuthPolicy) -> tuple[User, AuthSession]:
    """The user behind a token; refreshes the idle timer. Raises ``Unauthorized``."""
    row = session.execute(
        select(AuthSession).where(AuthSession.token_hash == token_hash(token, policy.secret))
    ).scalar_one_or_none()
    if row is None:
        raise Unauthorized("You are not logged in, or your session has ended. Log in again.")
    now = utcnow()
    idle = (now - parse_iso(row.last_seen_at)).total_seconds() / 60
    age = (now - parse_iso(row.created_at)).total_seconds() / 3600
    if idle >= policy.idle_minutes or age >= policy.max_hours:
        session.delete(row)
        session.commit()
        raise Unauthorized(SESSION_EXPIRED.replace("30", str(policy.idle_minutes)))
    user = session.get(User, row.user_id)
    if user is None:
        raise Unauthorized("This account no longer exists.")
    # Refresh the idle timer at most every 15 s: fewer writes, same effect at minute scale.
    if (now - parse_iso(row.last_seen_at)).total_seconds() > 15:
        row.last_seen_at = iso(now)
        session.commit()
    return user, row


def logout(session: Session, row: AuthSession, user: User) -> None:
    session.delete(row)
    audit.record(session, "logout", actor=user.username)
    session.commit()


def unlock(session: Session, username: str, *, by: str) -> User:
    user = get_user(session, username)
    user.failed_logins = 0
    user.locked_until = None
    audit.record(session, "unlock_user", actor=by, target=f"user:{username}")
    session.commit()
    return user


def end_sessions(session: Session, user: User) -> None:
    session.execute(delete(AuthSession).where(AuthSession.user_id == user.id))


def is_locked(user: User) -> bool:
    return _locked(user)
