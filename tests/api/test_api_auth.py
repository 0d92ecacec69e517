"""Logins, sessions, lock-out, roles: through HTTP, on SQLite and PostgreSQL."""

from __future__ import annotations

from apiutil import PASSWORD, add_user, login
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select, update

from assistant.workbench.auth import LoginThrottle
from assistant.workbench.clock import iso_in
from assistant.workbench.tables import AuditEvent, AuthSession, User


def test_login_me_logout_and_cookie(client: TestClient) -> None:
    r = client.post("/api/auth/login", json={"username": "admin", "password": PASSWORD})
    assert r.status_code == 200
    body = r.json()
    assert body["user"] == {"username": "admin", "role": "admin"}
    assert body["expires_idle_minutes"] == 30
    cookie = r.headers["set-cookie"].lower()
    assert "session=" in cookie and "httponly" in cookie and "samesite=strict" in cookie
    assert "secure" not in cookie  # plain http on 127.0.0.1 in development
    # The cookie alone authenticates the browser.
    assert client.get("/api/me").json() == {
        "username": "admin",
        "role": "admin",
        "password_change_required": False,
    }
    client.cookies.clear()
    h = {"Authorization": f"Bearer {body['token']}"}
    assert client.get("/api/me", headers=h).status_code == 200
    assert client.post("/api/auth/logout", headers=h).status_code == 200
    r = client.get("/api/me", headers=h)
    assert r.status_code == 401 and "log in" in r.json()["detail"].lower()


def test_tokens_and_passwords_are_stored_hashed(client: TestClient, app: FastAPI) -> None:
    token = login(client, "admin")["Authorization"].split()[1]
    with app.state.sessions() as s:
        user = s.execute(select(User).where(User.username == "admin")).scalar_one()
        assert user.password_hash.startswith("$argon2id$") and PASSWORD not in user.password_hash
        hashes = list(s.execute(select(AuthSession.token_hash)).scalars())
        assert hashes and token not in hashes


def test_failed_logins_slow_down_then_admin_clears(client: TestClient, app: FastAPI) -> None:
    """Five failures for a name from one address: the next try waits (429, Retry-After),
    with the same answer for a known and an unknown name; an admin clears it at once."""
    clock = [1000.0]
    app.state.throttle = LoginThrottle(5, 1800.0, clock=lambda: clock[0])
    add_user(app, "rita")
    for name in ("rita", "nobody"):
        for i in range(5):
            r = client.post("/api/auth/login", json={"username": name, "password": "wrong-pw-1"})
            assert r.status_code == 401 and r.json()["detail"] == "Wrong username or password.", i
        r = client.post("/api/auth/login", json={"username": name, "password": PASSWORD})
        assert r.status_code == 429 and r.headers["retry-after"] == "1"
        assert "wait" in r.json()["detail"].lower() and name not in r.json()["detail"]
    admin = login(client, "admin")
    users = {u["username"]: u for u in client.get("/api/users", headers=admin).json()}
    assert users["rita"]["locked"] is True and users["rita"]["failed_logins"] == 5
    assert client.post("/api/users/rita/unlock", headers=admin).json()["locked"] is False
    login(client, "rita")
    with app.state.sessions() as s:
        events = [
            (e.actor, e.action, e.outcome)
            for e in s.execute(
                select(AuditEvent)
                .where(AuditEvent.action.in_(("login", "unlock_user")))
                .order_by(AuditEvent.id)
            ).scalars()
        ]
    assert events.count(("rita", "login", "failed")) == 5
    assert (None, "login", "throttled") in events
    assert ("admin", "unlock_user", "ok") in events
    assert events[-1] == ("rita", "login", "ok")


def test_delays_grow_and_pass(client: TestClient, app: FastAPI) -> None:
    clock = [1000.0]
    app.state.throttle = LoginThrottle(5, 1800.0, clock=lambda: clock[0])
    add_user(app, "sam")
    waits = []
    for _ in range(5):
        client.post("/api/auth/login", json={"username": "sam", "password": "wrong-pw-1"})
    for _ in range(4):
        r = client.post("/api/auth/login", json={"username": "sam", "password": "wrong-pw-1"})
        assert r.status_code == 429
        waits.append(int(r.headers["retry-after"]))
        clock[0] += waits[-1]  # wait as told: the next try counts (and fails)
        r = client.post("/api/auth/login", json={"username": "sam", "password": "wrong-pw-1"})
        assert r.status_code == 401
    assert waits == [1, 2, 4, 8]
    clock[0] += 16
    login(client, "sam")


def test_unknown_user_is_401_and_audited(client: TestClient, app: FastAPI) -> None:
    r = client.post("/api/auth/login", json={"username": "nobody", "password": "whatever"})
    assert r.status_code == 401 and r.json()["detail"] == "Wrong username or password."
    with app.state.sessions() as s:
        ev = s.execute(select(AuditEvent).order_by(AuditEvent.id.desc())).scalars().first()
        assert ev is not None and (ev.action, ev.outcome) == ("login", "failed")


def test_session_expires_after_30_idle_minutes(client: TestClient, app: FastAPI) -> None:
    h = login(client, "admin")
    assert client.get("/api/me", headers=h).status_code == 200
    with app.state.sessions() as s:
        s.execute(update(AuthSession).values(last_seen_at=iso_in(minutes=-31)))
        s.commit()
    r = client.get("/api/me", headers=h)
    assert r.status_code == 401 and "30 minutes" in r.json()["detail"]
    assert r.headers.get("www-authenticate") == "Bearer"


def test_roles(client: TestClient, app: FastAPI) -> None:
    add_user(app, "rev")
    add_user(app, "sup", "supervisor")
    rev, sup, admin = login(client, "rev"), login(client, "sup"), login(client, "admin")
    for h in (rev, sup):
        assert client.get("/api/users", headers=h).status_code == 403
        assert client.get("/api/audit", headers=h).status_code == 403
        r = client.post(
            "/api/users", headers=h, json={"username": "x1", "password": PASSWORD, "role": "admin"}
        )
        assert r.status_code == 403
        assert client.post("/api/users/rev/unlock", headers=h).status_code == 403
    r = client.post(
        "/api/users",
        headers=admin,
        json={"username": "newbie", "password": PASSWORD, "role": "reviewer"},
    )
    assert r.status_code == 201 and r.json()["role"] == "reviewer"
    r = client.post(
        "/api/users",
        headers=admin,
        json={"username": "shorty", "password": "short", "role": "reviewer"},
    )
    assert r.status_code == 422 and "10 characters" in r.json()["detail"]
    r = client.post(
        "/api/users",
        headers=admin,
        json={"username": "newbie", "password": PASSWORD, "role": "reviewer"},
    )
    assert r.status_code == 409
    # Only supervisors and admins assign; a reviewer sees only assigned cases.
    case = client.post("/api/cases", headers=rev, json={"name": "Op Alder"}).json()
    r = client.post(f"/api/cases/{case['id']}/assignees", headers=rev, json={"username": "newbie"})
    assert r.status_code == 403
    assert [c["name"] for c in client.get("/api/cases", headers=sup).json()] == ["Op Alder"]
    r = client.post(f"/api/cases/{case['id']}/assignees", headers=sup, json={"username": "newbie"})
    assert r.status_code == 200 and r.json()["assignees"] == ["newbie", "rev"]
    newbie = login(client, "newbie")
    assert [c["id"] for c in client.get("/api/cases", headers=newbie).json()] == [case["id"]]


def test_unauthenticated_requests_are_401(client: TestClient) -> None:
    for path in ("/api/me", "/api/cases", "/api/cases/1", "/api/jobs/1", "/api/audit"):
        r = client.get(path)
        assert r.status_code == 401, path
        assert isinstance(r.json()["detail"], str)
    assert client.get("/api/health").json()["status"] == "ok"
    assert "not supported by the cited text" in client.get("/api/reject-reasons").json()
