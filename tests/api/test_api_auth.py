"""Logins, sessions, lock-out, roles: through HTTP, on SQLite and PostgreSQL."""

from __future__ import annotations

from apiutil import PASSWORD, add_user, login
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select, update

from assistant.review.clock import iso_in
from assistant.review.models import AuditEvent, AuthSession, User


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
    assert client.get("/api/me").json() == {"username": "admin", "role": "admin"}
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


def test_wrong_password_then_lockout_then_admin_unlock(client: TestClient, app: FastAPI) -> None:
    add_user(app, "rita")
    for i in range(4):
        r = client.post("/api/auth/login", json={"username": "rita", "password": "wrong-password"})
        assert r.status_code == 401, i
    r = client.post("/api/auth/login", json={"username": "rita", "password": "wrong-password"})
    assert r.status_code == 423
    assert "locked" in r.json()["detail"] and "administrator" in r.json()["detail"]
    # Locked: even the right password is refused.
    r = client.post("/api/auth/login", json={"username": "rita", "password": PASSWORD})
    assert r.status_code == 423
    admin = login(client, "admin")
    users = {u["username"]: u for u in client.get("/api/users", headers=admin).json()}
    assert users["rita"]["locked"] is True
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
    assert ("rita", "login", "locked") in events
    assert ("admin", "unlock_user", "ok") in events
    assert events[-1] == ("rita", "login", "ok")


def test_lock_expires_after_its_time(client: TestClient, app: FastAPI) -> None:
    add_user(app, "sam")
    with app.state.sessions() as s:
        s.execute(
            update(User)
            .where(User.username == "sam")
            .values(failed_logins=5, locked_until=iso_in(minutes=-1))
        )
        s.commit()
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
