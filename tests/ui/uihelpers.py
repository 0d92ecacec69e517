"""Steps and helpers the browser tests share: the Server handle, log in, open a case, wait
for the UI to settle, upload and follow the progress bar, make small real PDFs.
(Not named conftest or helpers: other test folders put their own on sys.path.)"""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import httpx


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Server:
    """A running API + UI: its base URL and a log-in the tests may use."""

    url: str
    username: str
    password: str
    kind: str  # "fake" or "real"
    extra: dict[str, Any] = field(default_factory=dict)

    @contextmanager
    def client(
        self, username: str | None = None, password: str | None = None
    ) -> Iterator[httpx.Client]:
        """An API client logged in with a Bearer token (as a script would be)."""
        with httpx.Client(base_url=self.url, timeout=30) as c:
            r = c.post(
                "/api/auth/login",
                json={"username": username or self.username, "password": password or self.password},
            )
            r.raise_for_status()
            c.headers["Authorization"] = f"Bearer {r.json()['token']}"
            c.cookies.clear()  # scripts use the token; the cookie would hide a Bearer bug
            yield c


def login(
    page: Any, server: Server, username: str | None = None, password: str | None = None
) -> None:
    """Logs in through the form and waits for the case list."""
    page.goto("/")
    page.fill("#login-username", username or server.username)
    page.fill("#login-password", password or server.password)
    page.click("#login-submit")
    page.wait_for_selector("#case-list table, #case-list p:not(.muted)")


def open_case(page: Any, name: str) -> None:
    """Opens a case from the list and waits for its first suggestion to be shown."""
    page.get_by_role("link", name=name).click()
    page.wait_for_selector("#queue li, #detail .empty")
    wait_idle(page)


def wait_idle(page: Any) -> None:
    """Waits until the UI has no request in flight (the app counts them on <html
    data-inflight>), twice 60 ms apart, so an action that chains requests has settled."""
    # A selector, not wait_for_function: the app's CSP forbids the eval that the latter needs.
    idle = page.locator("html:not([data-inflight]), html[data-inflight='0']")
    for _ in range(2):
        idle.wait_for(state="attached")
        page.wait_for_timeout(60)


def selected_title(page: Any) -> str:
    return str(page.locator("#queue li[aria-selected=true] .item-title").inner_text())


def press(page: Any, *keys: str) -> None:
    """Presses keys one by one, letting each action's requests finish first."""
    for k in keys:
        page.keyboard.press(k)
        wait_idle(page)


def make_pdf(path: Any, lines: list[str], *, password: str | None = None) -> None:
    """Writes a small real PDF with a text layer (optionally password-protected)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path), pagesize=A4, encrypt=password)
    y = 780
    for line in lines:
        c.drawString(60, y, line)
        y -= 18
    c.showPage()
    c.save()


def upload_and_wait(page: Any, paths: list[Any], timeout_s: float = 90) -> list[str]:
    """Uploads files on the Documents tab and follows the progress bar until the job ends.
    Returns every progress label seen, in order (the last says how it ended)."""
    before = page.locator("#jobs .job").count()
    page.set_input_files("#file-input", [str(p) for p in paths])
    job = page.locator("#jobs .job").first  # the newest job is drawn first
    page.locator("#jobs .job").nth(before).wait_for(state="attached")
    labels: list[str] = []
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        text = job.locator(".job-label").inner_text()
        if not labels or labels[-1] != text:
            labels.append(text)
        if text.startswith(("Finished", "Processing failed")):
            return labels
        page.wait_for_timeout(50)
    raise AssertionError(f"the upload did not finish in {timeout_s}s; progress seen: {labels}")


def wait_for_job(client: httpx.Client, job_id: Any, timeout_s: float = 90) -> dict[str, Any]:
    """Polls GET /api/jobs/{id} until the job is done or failed; returns its last state."""
    deadline = time.monotonic() + timeout_s
    while True:
        job = dict(client.get(f"/api/jobs/{job_id}").json())
        if job.get("status") in ("done", "failed"):
            return job
        if time.monotonic() > deadline:
            raise AssertionError(f"job {job_id} did not finish in {timeout_s}s: {job}")
        time.sleep(0.2)
