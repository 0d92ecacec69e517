"""Users, passwords (argon2), sessions (opaque random tokens, stored as a keyed hash) and the
slowing-down of password guessing.

- A session expires after ``idle_minutes`` without a request (30 by default), and after
  ``max_hours`` in any case.
- Failed logins are slowed, not locked out (``LoginThrottle``): after ``max_failures`` (5)
  failures for one username from one address, each further try from there waits longer
  (1 s, 2 s, 4 s ... up to ``lockout_minutes``). Other addresses are not affected until far
  more failures come from everywhere (then at most a few minutes' wait), so nobody can lock
  a reviewer out with a handful of requests. An address that fails on many names is slowed
  too. An admin can clear it at any time.
- A refused login always says the same thing and takes the same time (a hash is verified
  for unknown names too), so answers do not tell which usernames exist.
- New passwords follow NIST SP 800-63B: at least 10 characters (up to 1024, any Unicode),
  not blank, not in the list of common and breached-style passwords shipped with the code
  (``common_passwords.txt``), not one repeated character or a run like ``0123456789`` or
  ``qwertyuiop``, not the username; no composition rules and no expiry.
- Every login attempt, success or failure, is written to the audit trail.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import re
import secrets
import threading
import time
import unicodedata
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import bindparam, delete, select, update
from sqlalchemy.orm import Session

from assistant.errors import (
    BadRequest,
    Conflict,
    Forbidden,
    NotFound,
    TooManyRequests,
    Unauthorized,
)
from assistant.workbench import audit
from assistant.workbench.clock import iso, now_iso, parse_iso, utcnow
from assistant.workbench.db import read_only, writing
from assistant.workbench.tables import AuthSession, User

ROLES: tuple[str, ...] = ("reviewer", "supervisor", "admin")
MIN_PASSWORD = 10
MAX_PASSWORD = 1024
_USERNAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{1,63}$")
WRONG_LOGIN = "Wrong username or password."
COMMON_PASSWORDS = Path(__file__).resolve().parent / "common_passwords.txt"


@dataclass(frozen=True, slots=True)
class AuthPolicy:
    secret: str
    idle_minutes: int = 30
    max_hours: int = 12
    max_failures: int = 5  # failures (one name, one address) before logins are slowed
    lockout_minutes: int = 30  # the longest wait between two tries


class LoginThrottle:
    """Growing delays after failed logins, kept in memory (one server process).

    Three counters, each with its own allowance of free failures and longest delay: the
    username from one address (the attacker at a keyboard), the username from everywhere
    (a spread-out attack: a much larger allowance and a short longest delay, so it cannot be
    used to keep the real reviewer out), and the address on every name (password spraying).
    After its allowance, each failure doubles the wait before the next try counts. A success
    clears the name's counters for that address. Bounded in memory (oldest entries dropped).
    """

    MAX_ENTRIES = 100_000
    FORGET_S = 24 * 3600.0

    def __init__(
        self,
        free_failures: int = 5,
        max_delay_s: float = 1800.0,
        *,
        account_free: int = 25,
        account_max_delay_s: float = 120.0,
        address_free: int = 50,
        address_max_delay_s: float = 1800.0,
        clock: Callable[[], float] | None = None,
    ) -> None:
        self._rules = {
            "pair": (free_failures, max_delay_s),
            "name": (account_free, account_max_delay_s),
            "addr": (address_free, address_max_delay_s),
        }
        self._n: OrderedDict[tuple[str, str], tuple[int, float]] = OrderedDict()
        self._lock = threading.Lock()
        self._clock = clock or time.monotonic

    @staticmethod
    def _keys(username: str, client: str) -> list[tuple[str, str]]:
        name = unicodedata.normalize("NFKC", username).casefold()[:64]
        return [("pair", f"{name}\x00{client}"), ("name", name), ("addr", client)]

    def _delay(self, kind: str, failures: int) -> float:
        free, cap = self._rules[kind]
        if failures < free:
            return 0.0
        return float(min(cap, 2.0 ** min(failures - free, 30)))

    def wait_s(self, username: str, client: str) -> float:
        """Seconds before a try for ``username`` from ``client`` counts (0: now)."""
        now = self._clock()
        wait = 0.0
        with self._lock:
            for key in self._keys(username, client):
                n, last = self._n.get(key, (0, 0.0))
                wait = max(wait, last + self._delay(key[0], n) - now)
        return max(0.0, wait)

    def account_wait_s(self, username: str) -> float:
        now = self._clock()
        name = unicodedata.normalize("NFKC", username).casefold()[:64]
        with self._lock:
            waits = [
                last + self._delay(k[0], n) - now
                for k, (n, last) in self._n.items()
                if (k[0] == "name" and k[1] == name)
                or (k[0] == "pair" and k[1].split("\x00", 1)[0] == name)
            ]
        return max([0.0, *waits])

    def failed(self, username: str, client: str) -> None:
        now = self._clock()
        with self._lock:
            for key in self._keys(username, client):
                n, last = self._n.pop(key, (0, 0.0))
                if now - last > self.FORGET_S:
                    n = 0
                self._n[key] = (n + 1, now)
            while len(self._n) > self.MAX_ENTRIES:
                self._n.popitem(last=False)

    def succeeded(self, username: str, client: str) -> None:
        with self._lock:
            for key in self._keys(username, client)[:2]:
                self._n.pop(key, None)

    def clear(self, username: str) -> None:
        """An admin's unlock: the name's counters from every address."""
        name = unicodedata.normalize("NFKC", username).casefold()[:64]
        with self._lock:
            for k in [
                k
                for k in self._n
                if (k[0] == "name" and k[1] == name)
                or (k[0] == "pair" and k[1].split("\x00", 1)[0] == name)
            ]:
                del self._n[k]


_DEFAULT_THROTTLE = LoginThrottle()


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


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    """The shipped list of common and breached-style passwords (lower case)."""
    words = COMMON_PASSWORDS.read_text(encoding="utf-8").splitlines()
    return frozenset(w.strip().casefold() for w in words if w.strip() and not w.startswith("#"))


_RUNS = (
    "0123456789012345678901234567890",
    "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz",
    "qwertyuiopasdfghjklzxcvbnmqwertyuiop",
    "1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik9ol0p",
    "qazwsxedcrfvtgbyhnujmikolp",
)


_LEET = str.maketrans(
    {"@": "a", "4": "a", "0": "o", "1": "i", "3": "e", "5": "s", "$": "s", "7": "t"}
)


def _is_run(s: str) -> bool:
    """A keyboard or alphabet run, forwards or backwards, or one unit repeated."""
    if len(set(s)) <= 2:
        return True
    for unit in range(1, len(s) // 2 + 1):  # "abcabcabca", "12121212"
        if len(s) % unit == 0 or len(s) >= 3 * unit:
            if all(s[i] == s[i % unit] for i in range(len(s))):
                return True
    return any(s in run or s in run[::-1] for run in _RUNS)


def password_problem(password: str, *, username: str = "") -> str | None:
    """Why ``password`` may not be used (NIST SP 800-63B), or None if it may."""
    norm = unicodedata.normalize("NFKC", password)
    if len(norm) < MIN_PASSWORD:
        return f"The password must be at least {MIN_PASSWORD} characters long."
    if len(norm) > MAX_PASSWORD:
        return f"The password may be at most {MAX_PASSWORD} characters long."
    if not norm.strip():
        return "The password may not be only spaces."
    low = norm.casefold()
    bare = re.sub(r"[\W_]+", "", low)
    core = re.sub(r"^[\d\W_]+|[\d\W_]+$", "", low)  # "Password2024!" -> "password"
    unleet = low.translate(_LEET)
    forms = {low, low.strip(), bare, core, unleet, re.sub(r"^[\d\W_]+|[\d\W_]+$", "", unleet)}
    common = common_passwords()
    if forms & common:
        return "That password is on the list of common or leaked passwords. Choose another."
    if _is_run(low) or (bare and _is_run(bare)):
        return "That password is a repeated or sequential pattern. Choose another."
    name = username.casefold()
    if name and len(name) >= 3 and (low in name or len(low.replace(name, "")) < MIN_PASSWORD):
        return "The password may not contain the username. Choose another."
    if any(w in bare for w in ("casereview", "reviewassistant")) and len(bare) < 20:
        return "The password may not be the name of this service. Choose another."
    return None


def check_new_password(password: str, *, username: str = "") -> None:
    problem = password_problem(password, username=username)
    if problem:
        raise BadRequest(problem + " A long phrase of several words is easy to remember.")


def create_user(
    session: Session,
    username: str,
    password: str,
    role: str,
    *,
    by: str | None,
    must_change_password: bool = False,
) -> User:
    """Add a user (the caller commits). Usernames are unique; passwords are hashed with argon2."""
    if not _USERNAME.match(username):
        raise BadRequest(
            "A username is 2-64 characters: letters, digits, dot, dash, underscore or @."
        )
    if role not in ROLES:
        raise BadRequest(f"Unknown role '{role}'. Use one of: {', '.join(ROLES)}.")
    check_new_password(password, username=username)
    if session.execute(select(User.id).where(User.username == username)).first():
        raise Conflict(f"A user called '{username}' already exists.")
    user = User(
        username=username,
        password_hash=hash_password(password),
        role=role,
        failed_logins=0,
        created_at=now_iso(),
        created_by=by,
        must_change_password=must_change_password,
    )
    session.add(user)
    session.flush()
    audit.record(session, "create_user", actor=by, target=f"user:{username}", detail={"role": role})
    return user


def user_exists(session: Session, username: str) -> bool:
    return session.execute(select(User.id).where(User.username == username)).first() is not None


def get_user(session: Session, username: str) -> User:
    user = session.execute(select(User).where(User.username == username)).scalar_one_or_none()
    if user is None:
        raise NotFound(f"There is no user called '{username}'.")
    return user


def login(
    session: Session,
    username: str,
    password: str,
    policy: AuthPolicy,
    *,
    throttle: LoginThrottle | None = None,
    client: str = "",
) -> tuple[str, User]:
    """Check a password and open a session. Returns (token, user); commits.

    Every refusal says the same thing whether the username is unknown, the password wrong,
    or the account is being slowed down, and takes the same time: a password hash is always
    verified (against a dummy one for an unknown name) before any answer. Repeated failures
    are slowed by the throttle (``TooManyRequests``, with the seconds to wait), keyed on the
    name as typed, so known and unknown names are slowed alike.
    """
    throttle = throttle or _DEFAULT_THROTTLE
    wait = throttle.wait_s(username, client)
    if wait > 0:
        with writing(session):
            audit.record(
                session,
                "login",
                actor=None,
                target=f"user:{username[:59]}",
                outcome="throttled",
                detail={"wait_s": math.ceil(wait)},
            )
        raise TooManyRequests(
            f"Too many failed logins. Wait {math.ceil(wait)} seconds, then try again.",
            retry_after=math.ceil(wait),
        )
    # Read the user without the write lock, verify (slow, by design) holding no lock at all,
    # then write the outcome in a short transaction of its own.
    with read_only():
        user = session.execute(select(User).where(User.username == username)).scalar_one_or_none()
        stored = user.password_hash if user is not None else _dummy_hash()
        session.rollback()
    ok = verify_password(stored, password) and user is not None
    if not ok or user is None:
        throttle.failed(username, client)
        with writing(session):
            if user is not None:
                session.execute(
                    update(User)
                    .where(User.id == user.id)
                    .values(failed_logins=User.failed_logins + 1)
                )
            audit.record(
                session,
                "login",
                actor=user.username if user is not None else None,
                target=None if user is not None else f"user:{username[:59]}",
                outcome="failed",
                detail=None if user is not None else {"why": "unknown user"},
            )
        raise Unauthorized(WRONG_LOGIN)
    throttle.succeeded(username, client)
    token = secrets.token_urlsafe(32)
    with writing(session):
        user = session.get(User, user.id, populate_existing=True)
        if user is None:  # removed a moment ago
            raise Unauthorized(WRONG_LOGIN)
        if _hasher().check_needs_rehash(user.password_hash):
            user.password_hash = hash_password(password)
        user.failed_logins = 0
        user.locked_until = None
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
    return token, user


# The session and its user in one query, built once: this runs before every request.
_SESSION_AND_USER = (
    select(AuthSession, User)
    .join(User, User.id == AuthSession.user_id)
    .where(AuthSession.token_hash == bindparam("token_hash"))
)

SESSION_EXPIRED = "Your session has expired after 30 minutes without activity. Log in again."


def resolve(session: Session, token: str, policy: AuthPolicy) -> tuple[User, AuthSession]:
    """The user behind a token; refreshes the idle timer. Raises ``Unauthorized``."""
    found = session.execute(
        _SESSION_AND_USER, {"token_hash": token_hash(token, policy.secret)}
    ).first()
    if found is None:
        raise Unauthorized("You are not logged in, or your session has ended. Log in again.")
    row, user = found
    now = utcnow()
    idle = (now - parse_iso(row.last_seen_at)).total_seconds() / 60
    age = (now - parse_iso(row.created_at)).total_seconds() / 3600
    if idle >= policy.idle_minutes or age >= policy.max_hours:
        with writing(session):
            session.execute(delete(AuthSession).where(AuthSession.id == row.id))
        raise Unauthorized(SESSION_EXPIRED.replace("30", str(policy.idle_minutes)))
    # Refresh the idle timer at most every 15 s: fewer writes, same effect at minute scale.
    if (now - parse_iso(row.last_seen_at)).total_seconds() > 15:
        with writing(session):
            session.execute(
                update(AuthSession).where(AuthSession.id == row.id).values(last_seen_at=iso(now))
            )
        row.last_seen_at = iso(now)
    return user, row


def logout(session: Session, row: AuthSession, user: User) -> None:
    with writing(session):
        session.execute(delete(AuthSession).where(AuthSession.id == row.id))
        audit.record(session, "logout", actor=user.username)


def unlock(
    session: Session, username: str, *, by: str, throttle: LoginThrottle | None = None
) -> User:
    """Clear the slowing-down of logins to ``username`` (from every address) and its count."""
    with writing(session):
        user = get_user(session, username)
        user.failed_logins = 0
        user.locked_until = None
        audit.record(session, "unlock_user", actor=by, target=f"user:{username}")
    (throttle or _DEFAULT_THROTTLE).clear(username)
    return user


def change_password(
    session: Session,
    user: User,
    current: str,
    new: str,
    *,
    keep: AuthSession | None = None,
    throttle: LoginThrottle | None = None,
    client: str = "",
) -> None:
    """Change ``user``'s password: the current one must be right and the new one pass
    ``check_new_password``. Every other session of the user ends (a stolen session does not
    outlive the change)."""
    throttle = throttle or _DEFAULT_THROTTLE
    wait = throttle.wait_s(user.username, client)
    if wait > 0:
        raise TooManyRequests(
            f"Too many wrong passwords. Wait {math.ceil(wait)} seconds, then try again.",
            retry_after=math.ceil(wait),
        )
    if not verify_password(user.password_hash, current):
        throttle.failed(user.username, client)
        with writing(session):
            audit.record(session, "change_password", actor=user.username, outcome="failed")
        raise Forbidden("The current password is not right. Nothing was changed.")
    if new == current:
        raise BadRequest("The new password must be different from the current one.")
    check_new_password(new, username=user.username)
    with writing(session):
        row = session.get(User, user.id, populate_existing=True)
        assert row is not None
        row.password_hash = hash_password(new)
        row.must_change_password = False
        q = delete(AuthSession).where(AuthSession.user_id == user.id)
        if keep is not None:
            q = q.where(AuthSession.id != keep.id)
        session.execute(q)
        audit.record(session, "change_password", actor=user.username)
    user.must_change_password = False
    throttle.succeeded(user.username, client)


def is_locked(user: User, throttle: LoginThrottle | None = None) -> bool:
    """Whether logins to this account are being slowed down right now (from anywhere)."""
    return (throttle or _DEFAULT_THROTTLE).account_wait_s(user.username) > 0


def list_users(session: Session) -> list[User]:
    """Every account, by username."""
    return list(session.execute(select(User).order_by(User.username)).scalars())
