"""Issue 9: the workbench under a hostile network. One test (or table) per point: body limits
before any work (2), bounded ids and clean errors (11), logins that do not tell names apart
and cannot be used to lock a reviewer out (4), password rules and changes (6), control
characters (7), the cross-site check (8), uploads with nothing accepted, strong ETags and a
quiet health check (10)."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator

import pytest
from apiutil import PASSWORD, add_user, login, make_settings, seed_case
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from api.app import create_app
from assistant.workbench import auth
from assistant.workbench.tables import AuditEvent, User

SECURITY_HEADERS = ("content-security-policy", "x-content-type-options", "x-frame-options")


def _events(app: FastAPI) -> list[tuple[str | None, str, str, str | None]]:
    with app.state.sessions() as s:
        return [
            (e.actor, e.action, e.outcome, e.target)
            for e in s.execute(select(AuditEvent).order_by(AuditEvent.id)).scalars()
        ]


def _count_events(app: FastAPI) -> int:
    with app.state.sessions() as s:
        return int(s.execute(select(func.count()).select_from(AuditEvent)).scalar_one())


# --- 2: body limits before any work ---------------------------------------------------------
def test_login_body_limit_is_checked_before_anything(client: TestClient, app: FastAPI) -> None:
    before = _count_events(app)
    t0 = time.perf_counter()
    r = client.post(
        "/api/auth/login",
        headers={"Content-Length": str(300 * 2**20), "Content-Type": "application/json"},
        content=b"{}",
    )
    assert r.status_code == 413 and "limit" in r.json()["detail"]
    assert time.perf_counter() - t0 < 2
    for h in SECURITY_HEADERS:
        assert h in r.headers

    # No Content-Length (chunked): counted as it arrives.
    def chunks() -> Iterator[bytes]:
        yield b'{"username": "admin", "password": "'
        for _ in range(64):
            yield b"x" * 1024
        yield b'"}'

    r = client.post(
        "/api/auth/login", headers={"Content-Type": "application/json"}, content=chunks()
    )
    assert r.status_code == 413
    assert _count_events(app) == before  # no login was attempted, nothing audited


def test_login_limit_fits_long_passphrases_in_any_script(client: TestClient, app: FastAPI) -> None:
    """The login limit refuses huge bodies, not long passphrases: 64 characters of 4-byte
    UTF-8 log in whether the JSON carries them raw or as \\u escapes, and a change to the
    longest password the schema allows (1024 such characters, escaped: 12 KB) is not a 413."""
    import json

    phrase = "".join(chr(0x1F600 + i % 64) for i in range(64))  # 64 emoji, 256 bytes of UTF-8
    add_user(app, "yusuf")
    with app.state.sessions() as s:  # set directly: the rules count characters, not bytes
        user = s.execute(select(User).where(User.username == "yusuf")).scalar_one()
        user.password_hash = auth.hash_password(phrase)
        s.commit()
    for ensure_ascii in (False, True):  # browsers send raw UTF-8; Python's json escapes
        body = json.dumps({"username": "yusuf", "password": phrase}, ensure_ascii=ensure_ascii)
        r = client.post(
            "/api/auth/login", content=body.encode(), headers={"Content-Type": "application/json"}
        )
        assert r.status_code == 200, (ensure_ascii, len(body), r.text)
        client.cookies.clear()  # a script authenticates with the token
    h = {"Authorization": f"Bearer {r.json()['token']}"}
    longest = "".join(chr(0x1F300 + i % 500) for i in range(1024))
    body = json.dumps({"current_password": phrase, "new_password": longest}, ensure_ascii=True)
    assert len(body) > 12 * 1024
    r = client.post(
        "/api/auth/password", content=body.encode(), headers={**h, "Content-Type": "application/json"}
    )
    assert r.status_code == 200, r.text
    # ... and a body over the limit is still refused on its length, before it is read.
    r = client.post(
        "/api/auth/login",
        headers={"Content-Length": str(33 << 10), "Content-Type": "application/json"},
        content=b"{}",
    )
    assert r.status_code == 413


def test_json_routes_refuse_big_bodies_before_the_login_check(client: TestClient) -> None:
    big = b'{"name": "' + b"x" * (2 * 2**20) + b'"}'
    r = client.post("/api/cases", content=big, headers={"Content-Type": "application/json"})
    assert r.status_code == 413  # not 401: refused before the session is even looked at
    h = login(client, "admin")
    r = client.post("/api/cases", content=big, headers={**h, "Content-Type": "application/json"})
    assert r.status_code == 413


def test_upload_limit_is_its_own(client: TestClient, app: FastAPI) -> None:
    """The upload route keeps the configured limit (bigger than the JSON routes')."""
    h = login(client, "admin")
    cid = client.post("/api/cases", headers=h, json={"name": "Op Limits"}).json()["id"]
    r = client.post(
        f"/api/cases/{cid}/documents",
        headers=h,
        files=[("files", ("big.txt", b"CCTV was requested. " * 20_000, "text/plain"))],
    )
    assert r.status_code == 202, r.text  # 400 KB: over the JSON limit, fine for an upload


# --- 11: ids bounded, errors clean ------------------------------------------------------------
HUGE = str(2**64)
ID_ROUTES = [
    "/api/cases/{big}",
    "/api/cases/{big}/documents",
    "/api/cases/{big}/suggestions",
    "/api/cases/{big}/jobs",
    "/api/jobs/{big}",
    "/api/cases/{cid}/documents/{big}/pages/1",
    "/api/cases/{cid}/documents/{doc}/pages/{big}",
    "/api/cases/{cid}/documents/{doc}/pages/{big}/image",
    "/api/audit?case_id={big}",
    "/api/cases/0",
    "/api/cases/-1",
    "/api/jobs/2147483648",
]


def test_huge_ids_are_422_or_404_never_500(client: TestClient, app: FastAPI) -> None:
    add_user(app, "alice")
    case = seed_case(app, "Op Big", "alice")
    h = login(client, "admin")
    for tmpl in ID_ROUTES:
        path = tmpl.format(big=HUGE, cid=case["id"], doc=case["doc_ids"][0])
        r = client.get(path, headers=h)
        assert r.status_code in (404, 422), (path, r.status_code, r.text)
        assert isinstance(r.json()["detail"], str)
        for name in SECURITY_HEADERS:
            assert name in r.headers, (path, name)
    sid = case["sids"][0]
    etag = client.get(f"/api/cases/{case['id']}/suggestions/{sid}", headers=h).json()["etag"]
    r = client.post(
        f"/api/cases/{case['id']}/suggestions",
        headers=h,
        json={
            "type": "unfollowed_inquiry",
            "title": "t",
            "citation": {"document_id": 2**64, "page": 2**70, "start": 0, "end": 3},
        },
    )
    assert r.status_code == 422
    r = client.post(
        f"/api/cases/{case['id']}/suggestions/{sid}/decisions",
        headers={**h, "If-Match": '"99999999999999999999"'},
        json={"action": "accept"},
    )
    assert r.status_code == 412, etag


def test_unexpected_error_is_500_with_headers_and_type_only_logged(
    client: TestClient,
    app: FastAPI,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from assistant.workbench import cases

    def boom(*a: object, **k: object) -> None:
        raise RuntimeError("Zebedee QUARTERMAINE said so")

    monkeypatch.setattr(cases, "list_cases", boom)
    h = login(client, "admin")
    caplog.set_level(logging.DEBUG)
    r = client.get("/api/cases", headers=h)
    assert r.status_code == 500 and "went wrong" in r.json()["detail"]
    for name in SECURITY_HEADERS:
        assert name in r.headers
    text = "\n".join(
        f"{x.name} {x.getMessage()} {x.exc_text or ''} {x.exc_info or ''}" for x in caplog.records
    )
    assert "RuntimeError" in text and "QUARTERMAINE" not in text and "Traceback" not in text
    assert any("GET /api/cases 500" in x.getMessage() for x in caplog.records)


# --- 4: logins --------------------------------------------------------------------------------
def test_login_answers_do_not_tell_names_apart(client: TestClient, app: FastAPI) -> None:
    add_user(app, "rita")
    answers = set()
    for name in ("rita", "nobody"):
        for _ in range(3):
            r = client.post("/api/auth/login", json={"username": name, "password": "wrong-pw-1"})
            answers.add((r.status_code, r.json()["detail"]))
    assert answers == {(401, "Wrong username or password.")}


def test_login_timing_is_the_same_for_unknown_wrong_and_slowed(tmp_path: object) -> None:
    """With a real (production-like) hash cost, an unknown name, a wrong password and an
    account being slowed down answer in about the same time."""
    from pathlib import Path

    data = Path(str(tmp_path)) / "data"
    settings = make_settings(
        data,
        f"sqlite:///{data / 'assistant.db'}",
        password_hash_time_cost=2,
        password_hash_memory_kib=19456,
    )
    application = create_app(settings)
    try:
        with TestClient(application) as c:
            add_user(application, "rita")

            # Interleaved, and the fastest of several: the machine may be busy with others.
            times: dict[str, list[float]] = {"rita": [], "nobody": []}
            for _ in range(6):
                for name in times:
                    t0 = time.perf_counter()
                    c.post("/api/auth/login", json={"username": name, "password": "wrong-pw-1"})
                    times[name].append(time.perf_counter() - t0)
            wrong, unknown = min(times["rita"]), min(times["nobody"])
            assert abs(wrong - unknown) < 0.5 * max(wrong, unknown) + 0.02, (wrong, unknown)
    finally:
        auth.set_hash_cost(1, 1024)
        application.state.engine.dispose()


def test_five_requests_do_not_lock_a_reviewer_out(client: TestClient, app: FastAPI) -> None:
    """An attacker at another address fails five (and more) times: the reviewer still logs in
    at once from their own address."""
    clock = [5000.0]
    app.state.throttle = auth.LoginThrottle(5, 1800.0, clock=lambda: clock[0])
    add_user(app, "rita")
    for _ in range(8):
        app.state.throttle.failed("rita", "203.0.113.9")
    assert app.state.throttle.wait_s("rita", "203.0.113.9") > 0
    login(client, "rita")  # the test client's own address: not slowed


# --- 6: passwords -----------------------------------------------------------------------------
@pytest.mark.parametrize(
    "password",
    [
        " " * 10,
        "aaaaaaaaaa",
        "0000000000",
        "1234567890",
        "qwertyuiop",
        "Password2024!",
        "p@ssw0rd123",
        "iloveyou12",
        "abcabcabcabc",
        "rita-rita-1",
    ],
)
def test_weak_passwords_are_refused(password: str) -> None:
    assert auth.password_problem(password, username="rita") is not None


@pytest.mark.parametrize(
    "password",
    ["correct-horse-battery", "a-long-admin-passphrase", "Tr0ub4dor&3 xyz", "ünïcödé wörds ok"],
)
def test_good_passwords_pass(password: str) -> None:
    assert auth.password_problem(password, username="admin") is None


def test_common_password_list_is_shipped() -> None:
    words = auth.common_passwords()
    assert len(words) > 400 and "password" in words and "qwerty" in words


def test_change_password(client: TestClient, app: FastAPI) -> None:
    add_user(app, "rita")
    h = login(client, "rita")
    other = login(client, "rita")
    body = {"current_password": "not-it-at-all", "new_password": "a new long phrase"}
    r = client.post("/api/auth/password", headers=h, json=body)
    assert r.status_code == 403
    body = {"current_password": PASSWORD, "new_password": "aaaaaaaaaaaa"}
    r = client.post("/api/auth/password", headers=h, json=body)
    assert r.status_code == 422 and "pattern" in r.json()["detail"]
    body = {"current_password": PASSWORD, "new_password": "a new long phrase"}
    r = client.post("/api/auth/password", headers=h, json=body)
    assert r.status_code == 200
    assert client.get("/api/me", headers=h).status_code == 200  # this session stays
    assert client.get("/api/me", headers=other).status_code == 401  # the others end
    r = client.post("/api/auth/login", json={"username": "rita", "password": PASSWORD})
    assert r.status_code == 401
    login(client, "rita", "a new long phrase")
    assert ("rita", "change_password", "ok", None) in _events(app)


def test_first_admin_must_change_the_configured_password(tmp_path: object) -> None:
    from pathlib import Path

    data = Path(str(tmp_path)) / "data"
    settings = make_settings(
        data, f"sqlite:///{data / 'assistant.db'}", admin_must_change_password=True
    )
    application = create_app(settings)
    try:
        with TestClient(application) as c:
            r = c.post("/api/auth/login", json={"username": "admin", "password": PASSWORD})
            assert r.status_code == 200 and r.json()["password_change_required"] is True
            h = {"Authorization": f"Bearer {r.json()['token']}"}
            c.cookies.clear()
            assert c.get("/api/me", headers=h).json()["password_change_required"] is True
            r = c.get("/api/cases", headers=h)
            assert r.status_code == 403 and "Change your password" in r.json()["detail"]
            body = {"current_password": PASSWORD, "new_password": "the panel's own phrase"}
            assert c.post("/api/auth/password", headers=h, json=body).status_code == 200
            assert c.get("/api/cases", headers=h).status_code == 200
        with application.state.sessions() as s:
            admin = s.execute(select(User).where(User.username == "admin")).scalar_one()
            assert admin.must_change_password is False
    finally:
        application.state.engine.dispose()


def test_forced_change_is_the_default_everywhere() -> None:
    from api.settings import ApiSettings

    s = ApiSettings(
        env="production",
        secret_key="k" * 48,
        admin_password="a long and unusual phrase",
        _env_file=None,  # type: ignore[call-arg]
    )
    assert s.admin_must_change is True
    # Development too, now that the web UI has the form (a test server may switch it off).
    assert ApiSettings(env="development").admin_must_change is True
    assert (
        ApiSettings(env="development", admin_must_change_password=False).admin_must_change is False
    )


# --- 7: control characters --------------------------------------------------------------------
@pytest.mark.parametrize(
    "path,body",
    [
        ("/api/cases", {"name": "Op\x00Nul"}),
        ("/api/cases", {"name": "Op\x1bEsc"}),
        ("/api/cases", {"name": "Op\u0085Nel"}),
        ("/api/auth/login", {"username": "ad\x00min", "password": "x" * 12}),
        ("/api/users", {"username": "bad\x00name", "password": "x" * 12, "role": "reviewer"}),
    ],
)
def test_control_characters_are_422_and_never_logged(
    client: TestClient, caplog: pytest.LogCaptureFixture, path: str, body: dict[str, str]
) -> None:
    h = login(client, "admin")
    caplog.set_level(logging.DEBUG)
    r = client.post(path, headers=h, json=body)
    assert r.status_code == 422, r.text
    assert "control" in r.json()["detail"] or "not allowed" in r.json()["detail"]
    logged = "\n".join(x.getMessage() for x in caplog.records)
    for value in body.values():
        assert value not in logged


def test_control_characters_in_a_decision_note(client: TestClient, app: FastAPI) -> None:
    add_user(app, "alice")
    case = seed_case(app, "Op Ctrl", "alice")
    h = login(client, "alice")
    sid = case["sids"][0]
    etag = client.get(f"/api/cases/{case['id']}/suggestions/{sid}", headers=h).json()["etag"]
    url = f"/api/cases/{case['id']}/suggestions/{sid}/decisions"
    r = client.post(
        url, headers={**h, "If-Match": etag}, json={"action": "accept", "note": "a\x00b"}
    )
    assert r.status_code == 422
    r = client.post(
        url, headers={**h, "If-Match": etag}, json={"action": "accept", "note": "line 1\nline 2"}
    )
    assert r.status_code == 200


# --- 8: cross-site check ----------------------------------------------------------------------
def test_cookie_changes_need_origin_or_referer(client: TestClient, app: FastAPI) -> None:
    r = client.post("/api/auth/login", json={"username": "admin", "password": PASSWORD})
    assert r.status_code == 200 and client.cookies.get("session")
    host = "testserver"
    refused = [
        {},
        {"Origin": "null"},
        {"Origin": "https://evil.example"},
        {"Referer": "https://evil.example/page"},
        {"Origin": "null", "Referer": "https://evil.example/"},
    ]
    for headers in refused:
        r = client.post("/api/cases", headers=headers, json={"name": f"Op X {len(headers)}"})
        assert r.status_code == 403, headers
    allowed = [
        {"Origin": f"http://{host}"},
        {"Referer": f"http://{host}/cases/1"},
        {"Origin": "null", "Referer": f"http://{host}/"},
    ]
    for i, headers in enumerate(allowed):
        r = client.post("/api/cases", headers=headers, json={"name": f"Op Ok {i}"})
        assert r.status_code == 201, (headers, r.text)
    # Bearer scripts need neither.
    client.cookies.clear()
    h = login(client, "admin")
    assert client.post("/api/cases", headers=h, json={"name": "Op Script"}).status_code == 201
    refusals = [e for e in _events(app) if e[1] == "refused"]
    assert len(refusals) == len(refused) and all(e[3] == "POST /api/cases" for e in refusals)


# --- 10: uploads, ETags, health -----------------------------------------------------------------
def test_upload_with_nothing_accepted_is_422(client: TestClient) -> None:
    h = login(client, "admin")
    cid = client.post("/api/cases", headers=h, json={"name": "Op Refused"}).json()["id"]
    r = client.post(
        f"/api/cases/{cid}/documents",
        headers=h,
        files=[("files", ("a.exe", b"MZ\x90\x00\x03" * 10, "application/octet-stream"))],
    )
    assert r.status_code == 422
    assert r.json()["files"][0]["code"] == "unsupported" and r.json()["job_id"]


def test_weak_etags_do_not_match(client: TestClient, app: FastAPI) -> None:
    add_user(app, "alice")
    case = seed_case(app, "Op Etag", "alice")
    h = login(client, "alice")
    sid = case["sids"][0]
    r = client.get(f"/api/cases/{case['id']}/suggestions/{sid}", headers=h)
    etag = r.headers["etag"]
    assert not etag.startswith("W/")
    url = f"/api/cases/{case['id']}/suggestions/{sid}/decisions"
    for bad in (f"W/{etag}", etag.strip('"'), "*"):
        r = client.post(url, headers={**h, "If-Match": bad}, json={"action": "accept"})
        assert r.status_code == 412, bad
    r = client.post(url, headers={**h, "If-Match": etag}, json={"action": "accept"})
    assert r.status_code == 200


def test_health_says_only_ok(client: TestClient) -> None:
    r = client.get("/api/health")
    assert r.status_code == 200 and r.json() == {"status": "ok"}
