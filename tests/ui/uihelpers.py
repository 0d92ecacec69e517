"""Steps and helpers the browser tests share: the Server handle, log in, open a case, wait
for the UI to settle, upload and follow the progress bar, make small real PDFs.
(Not named conftest or helpers: other test folders put their own on sys.path.)"""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
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


# ---------- accessibility checks ----------

AXE_JS = Path(__file__).with_name("vendor") / "axe.min.js"
AXE_URL = "/__test-assets__/axe.min.js"  # answered by the test (page.route), never the network


def axe_violations(page: Any, context: str | None = None) -> list[str]:
    """Runs axe-core (vendored, tests/ui/vendor) on the page, or on the elements `context`
    selects, and returns one line per violation (rule, impact, the first few elements).
    The script is served same-origin through Playwright's routing, so the app's Content
    Security Policy (script-src 'self') stays on while it runs."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.route(
            f"**{AXE_URL}",
            lambda route: route.fulfill(path=str(AXE_JS), content_type="text/javascript"),
        )
        page.add_script_tag(url=AXE_URL)
    found = page.evaluate(
        """async (ctx) => {
            const r = await axe.run(ctx ? document.querySelector(ctx) : document,
                                    { resultTypes: ['violations'],
                                      // off by default in axe 4.x: WCAG 2.2's 24x24 px targets
                                      rules: { 'target-size': { enabled: true } } });
            return r.violations.map((v) => `${v.id} (${v.impact}): ${v.help} -> `
              + v.nodes.slice(0, 4).map((n) => n.target.join(' ')).join(' | '));
        }""",
        context,
    )
    return list(found)


# Contrast (WCAG 2.x relative luminance) of colours read from computed styles.
EFFECTIVE_BACKGROUND = """(el) => {
    // The colour painted behind `el`: its own and its ancestors' backgrounds, composited.
    const layers = [];
    for (let e = el; e; e = e.parentElement) {
        const m = getComputedStyle(e).backgroundColor.match(/[\\d.]+/g).map(Number);
        const a = m.length > 3 ? m[3] : 1;
        if (a > 0) layers.push([m[0], m[1], m[2], a]);
        if (a >= 1) break;
    }
    let c = [255, 255, 255];
    for (const [r, g, b, a] of layers.reverse()) {
        c = [r * a + c[0] * (1 - a), g * a + c[1] * (1 - a), b * a + c[2] * (1 - a)];
    }
    return c;
}"""


def parse_rgb(css: str) -> tuple[float, float, float]:
    nums = [float(x) for x in css.replace("rgba", "").replace("rgb", "").strip("() ").split(",")]
    return nums[0], nums[1], nums[2]


def contrast(a: Any, b: Any) -> float:
    """WCAG contrast ratio of two colours (CSS rgb() strings or (r, g, b) in 0..255)."""

    def lum(c: Any) -> float:
        rgb = parse_rgb(c) if isinstance(c, str) else c

        def ch(v: float) -> float:
            v = v / 255
            return v / 12.92 if v <= 0.03928 else float(((v + 0.055) / 1.055) ** 2.4)

        return 0.2126 * ch(rgb[0]) + 0.7152 * ch(rgb[1]) + 0.0722 * ch(rgb[2])

    hi, lo = sorted((lum(a), lum(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)
