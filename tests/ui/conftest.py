"""Fixtures for the browser tests: Debian's Chromium driven by Playwright, and the servers
the UI talks to (the real back end in a subprocess; a small fake for UI-only behaviours)."""

from __future__ import annotations

import contextlib
import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from uihelpers import Server, free_port

CHROMIUM = Path(os.environ.get("ASSISTANT_TEST_CHROMIUM", "/usr/bin/chromium"))
# Without the background-networking flags Chromium keeps trying to reach Google's hosts,
# which this closed network refuses (slow start-ups, noise in the logs).
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
VIEWPORT = {"width": 1280, "height": 800}  # the smallest screen the UI is built for


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """One headless Chromium for the whole session (each test gets a fresh context)."""
    if not CHROMIUM.exists():
        pytest.skip(
            f"browser tests skipped: no Chromium at {CHROMIUM} "
            "(install Debian's package: apt-get install -y chromium chromium-driver)"
        )
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("browser tests skipped: the playwright package is not installed in the venv")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture()
def page_for(browser: Any, tmp_path: Path) -> Iterator[Any]:
    """page_for(server) -> a new page in a fresh context at 1280x800. JavaScript errors in the
    page fail the test, so a broken module cannot pass as a skipped feature."""
    contexts: list[Any] = []
    errors: list[str] = []

    def make(server: Server) -> Any:
        ctx = browser.new_context(viewport=VIEWPORT, accept_downloads=True, base_url=server.url)
        ctx.set_default_timeout(10_000)
        contexts.append(ctx)
        page = ctx.new_page()
        page.on("pageerror", lambda e: errors.append(str(e)))
        # The UI must live within the server's Content Security Policy (no inline styles or
        # scripts): a violation is reported on the console, and fails the test.
        page.on(
            "console",
            lambda m: errors.append(m.text) if "Content Security Policy" in m.text else None,
        )
        return page

    yield make
    for c in contexts:
        c.close()
    assert not errors, f"JavaScript errors in the page: {errors}"


# ---------- the fake API (UI behaviours on exact, known data) ----------


@pytest.fixture()
def fake_server() -> Iterator[Server]:
    """The in-memory fake of the API contract, fresh for each test, served from a thread."""
    import uvicorn
    from ui_fake_api import PASSWORD, Store, create_app

    store = Store()
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(
            create_app(store), host="127.0.0.1", port=port, log_level="warning", lifespan="off"
        )
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("the fake API did not start")
        time.sleep(0.02)
    yield Server(f"http://127.0.0.1:{port}", "rev", PASSWORD, "fake", {"store": store})
    server.should_exit = True
    thread.join(timeout=5)


# ---------- the real back end ----------

ROOT = Path(__file__).resolve().parents[2]
ADMIN_PASSWORD = "ui-tests-admin-pw"  # a throwaway server on a temporary data dir


@pytest.fixture(scope="module")
def real_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """The real API (``python -m assistant serve``) in a subprocess on a temporary SQLite data
    dir, with light test detectors instead of the models and no meaning index, a reviewer
    ``rev`` and a supervisor ``boss``. One per test module: start-up takes a few seconds."""
    data = tmp_path_factory.mktemp("ui-real-data")
    # The first admin's forced password change is tested on a server of its own.
    with serve_real(data, {"ASSISTANT_ADMIN_MUST_CHANGE_PASSWORD": "false"}) as url:
        admin = Server(url, "admin", ADMIN_PASSWORD, "real")
        with admin.client() as c:
            for name, role in (("rev", "reviewer"), ("boss", "supervisor")):
                c.post(
                    "/api/users", json={"username": name, "password": ADMIN_PASSWORD, "role": role}
                ).raise_for_status()
        yield Server(url, "rev", ADMIN_PASSWORD, "real", {"data": data})


@contextlib.contextmanager
def serve_real(data: Path, extra_env: dict[str, str] | None = None) -> Iterator[str]:
    """``python -m assistant serve`` on ``data`` (SQLite) with the test detectors; its URL once
    it answers. The first admin is ``admin`` / ADMIN_PASSWORD."""
    import subprocess
    import sys

    if not (ROOT / "api" / "app.py").exists():
        pytest.skip("real back-end browser tests skipped: api/app.py is not there yet")
    port = free_port()
    env = {
        **os.environ,
        "ASSISTANT_DATA_DIR": str(data),
        "ASSISTANT_ADMIN_USERNAME": "admin",
        "ASSISTANT_ADMIN_PASSWORD": ADMIN_PASSWORD,
        "ASSISTANT_DETECTORS": f"{Path(__file__).with_name('ui_detectors.py')}:detectors",
        "ASSISTANT_BUILD_INDEX": "false",
        "ASSISTANT_WORKERS": "1",
        "OMP_THREAD_LIMIT": "1",
        "HF_HUB_OFFLINE": "1",
        **(extra_env or {}),
    }
    env.pop("ASSISTANT_DATABASE_URL", None)
    log = (data / "server.log").open("wb")
    proc = subprocess.Popen(
        [sys.executable, "-m", "assistant", "serve", "--host", "127.0.0.1", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if proc.poll() is not None:
                raise RuntimeError(
                    f"the server exited ({proc.returncode}): "
                    f"{(data / 'server.log').read_text(errors='replace')[-2000:]}"
                )
            try:
                if httpx.get(f"{url}/api/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("the server did not answer /api/health within 60 s")
            time.sleep(0.2)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()
