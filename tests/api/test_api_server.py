"""Against a real server process (``python -m assistant serve``, uvicorn, SQLite):
security headers on the wire, and the crash test: the server is killed (SIGKILL) during a
burst of decisions from several threads, restarted, and every decision it acknowledged
(HTTP 200) is found stored."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from apiutil import PASSWORD, add_user, make_settings, seed_case

from api.app import create_app

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    def __init__(self, data_dir: Path, env: dict[str, str]) -> None:
        self.data_dir, self.env = data_dir, env
        self.port = _free_port()
        self.proc: subprocess.Popen[bytes] | None = None
        self.url = f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        log = open(self.data_dir / "server.log", "ab")  # noqa: SIM115 - closed with the process
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "assistant",
                "serve",
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
            ],
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            assert self.proc.poll() is None, (self.data_dir / "server.log").read_text()[-2000:]
            try:
                if httpx.get(self.url + "/api/health", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        raise AssertionError("the server did not start")

    def kill(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(10)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.kill()


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[Server, dict[str, Any]]]:
    data = tmp_path / "data"
    settings = make_settings(data, f"sqlite:///{data / 'assistant.db'}")
    app = create_app(settings)  # migrate and seed, then hand the data directory to the server
    users = [f"rev{i}" for i in range(6)]
    pages = {
        f"d{i}.txt": [
            f"Entry {i}.{j}: CCTV request number {i}-{j}. Nothing further." for j in range(6)
        ]
        for i in range(6)
    }
    for u in users:
        add_user(app, u)
    case = seed_case(app, "Op Hazel", users[0], pages)
    from assistant.workbench.cases import assign
    from assistant.workbench.tables import Case, User

    with app.state.sessions() as s:
        admin = s.query(User).filter_by(username="admin").one()
        for u in users[1:]:
            assign(s, admin, s.get(Case, case["id"]), u)  # type: ignore[arg-type]
    app.state.engine.dispose()
    env = {
        **os.environ,
        "ASSISTANT_DATA_DIR": str(data),
        "ASSISTANT_DATABASE_URL": settings.url,
        "ASSISTANT_SECRET_KEY": "k" * 40,
        "ASSISTANT_DETECTORS": "none",
        "ASSISTANT_BUILD_INDEX": "false",
        "ASSISTANT_PASSWORD_HASH_TIME_COST": "1",
        "ASSISTANT_PASSWORD_HASH_MEMORY_KIB": "1024",
    }
    srv = Server(tmp_path, env)
    srv.start()
    yield srv, {"case": case, "users": users}
    srv.stop()


def _token(url: str, user: str) -> dict[str, str]:
    r = httpx.post(
        url + "/api/auth/login", json={"username": user, "password": PASSWORD}, timeout=10
    )
    r.raise_for_status()
    return {"Authorization": f"Bearer {r.json()['token']}"}


def test_security_headers_on_the_wire(server: tuple[Server, dict[str, Any]]) -> None:
    srv, _ = server
    for path in ("/", "/api/health", "/api/cases", "/api/nothing-here"):
        r = httpx.get(srv.url + path, timeout=10)
        csp = r.headers["content-security-policy"]
        assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp, path
        assert "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
        assert r.headers["x-content-type-options"] == "nosniff"
        assert r.headers["x-frame-options"] == "DENY"
        assert r.headers["referrer-policy"] == "no-referrer"
        if path.startswith("/api/"):
            assert r.headers["cache-control"] == "no-store"
            assert isinstance(r.json()["detail" if r.status_code >= 400 else "status"], str)
    spec = httpx.get(srv.url + "/api/openapi.json", timeout=10).json()
    assert "/api/cases/{case_id}/suggestions/{sid}/decisions" in spec["paths"]
    # A cookie-authenticated change from another site's page is refused.
    login = httpx.post(
        srv.url + "/api/auth/login", json={"username": "admin", "password": PASSWORD}
    )
    cookies = {"session": login.cookies["session"]}
    r = httpx.post(
        srv.url + "/api/cases",
        json={"name": "x"},
        cookies=cookies,
        headers={"Origin": "https://evil.example"},
    )
    assert r.status_code == 403
    r = httpx.post(
        srv.url + "/api/cases",
        json={"name": "Op Ivy"},
        cookies=cookies,
        headers={"Origin": srv.url},
    )
    assert r.status_code == 201


def test_killed_during_a_burst_every_acknowledged_decision_is_stored(
    server: tuple[Server, dict[str, Any]],
) -> None:
    srv, world = server
    cid, sids, users = world["case"]["id"], world["case"]["sids"], world["users"]
    base = f"{srv.url}/api/cases/{cid}/suggestions"
    acked: list[tuple[str, int]] = []  # (suggestion, decision id) answered 200
    lock = threading.Lock()
    stop = threading.Event()
    cycle = [
        {"action": "accept"},
        {"action": "reject", "reason": "duplicate"},
        {"action": "undo"},
        {"action": "edit", "title": "Edited under load"},
    ]

    def burst(i: int) -> None:
        h = _token(srv.url, users[i])
        mine = sids[i :: len(users)]
        etags = {sid: '"1"' for sid in mine}
        n = 0
        with httpx.Client(timeout=10) as c:
            while not stop.is_set():
                sid = mine[n % len(mine)]
                body = cycle[(n // len(mine)) % len(cycle)]
                n += 1
                try:
                    r = c.post(
                        f"{base}/{sid}/decisions", headers={**h, "If-Match": etags[sid]}, json=body
                    )
                except httpx.HTTPError:
                    return  # the server is gone
                if r.status_code == 200:
                    etags[sid] = r.headers["etag"]
                    with lock:
                        acked.append((sid, r.json()["decision"]["id"]))
                elif r.status_code == 412:
                    etags[sid] = r.json()["current"]["etag"]

    threads = [threading.Thread(target=burst, args=(i,)) for i in range(len(users))]
    for t in threads:
        t.start()
    deadline = time.monotonic() + 20
    while len(acked) < 40 and time.monotonic() < deadline:
        time.sleep(0.05)
    srv.kill()  # SIGKILL: no shutdown, no flush
    stop.set()
    for t in threads:
        t.join(15)
    assert len(acked) >= 40, f"only {len(acked)} decisions acknowledged before the kill"

    srv.start()
    h = _token(srv.url, users[0])
    stored: set[tuple[str, int]] = set()
    for sid in sids:
        hist = httpx.get(f"{base}/{sid}/history", headers=h, timeout=10).json()
        stored |= {(sid, d["id"]) for d in hist}
        # The version (ETag) equals the number of decisions: no write half-applied.
        s = httpx.get(f"{base}/{sid}", headers=h, timeout=10).json()
        assert s["version"] == len(hist) + 1
    missing = set(acked) - stored
    assert not missing, f"{len(missing)} acknowledged decision(s) lost"
    out = subprocess.run(
        [sys.executable, "-m", "assistant", "audit", "verify"],
        env=srv.env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode == 0, out.stdout + out.stderr
