"""Passwords in the real UI against the real back end: the first admin's forced change (on by
default), changing one's own password from any screen, and a clear message when the server
slows log-ins down (429 with Retry-After). Keyboard only, axe-clean."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from conftest import ADMIN_PASSWORD, serve_real
from playwright.sync_api import expect
from uihelpers import Server, axe_violations

pytestmark = pytest.mark.browser

NEW_PASSWORD = "amber kestrel over the quay"
THIRD_PASSWORD = "slow barges on a grey canal"


@pytest.fixture(scope="module")
def forced_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A server with the defaults: the first admin must change the configured password."""
    with serve_real(tmp_path_factory.mktemp("ui-password")) as url:
        yield Server(url, "admin", ADMIN_PASSWORD, "real")


def _type_and_submit(page: Any, values: dict[str, str]) -> None:
    """Fill the fields by keyboard (Tab between them) and press Enter."""
    for i, (selector, value) in enumerate(values.items()):
        if i:
            page.keyboard.press("Tab")
            while not page.evaluate("(s) => document.activeElement.matches(s)", selector):
                page.keyboard.press("Tab")  # past the rules paragraph's link-free text
        expect(page.locator(selector)).to_be_focused()
        page.keyboard.type(value)
    page.keyboard.press("Enter")


def test_first_admin_changes_the_given_password_first_by_keyboard(
    page_for: Any, forced_server: Server
) -> None:
    page = page_for(forced_server)
    page.goto("/")
    expect(page.locator("#login-username")).to_be_focused()
    _type_and_submit(page, {"#login-username": "admin", "#login-password": ADMIN_PASSWORD})
    # Nothing else first: the forced form, with no way around it.
    expect(page.locator("#pw-title")).to_have_text("Choose a new password")
    expect(page.locator("#pw-cancel")).to_have_count(0)
    expect(page.locator("#pw-current")).to_be_focused()
    assert axe_violations(page) == []

    # A password the rules refuse: the server's reason, and the form stays.
    _type_and_submit(
        page,
        {"#pw-current": ADMIN_PASSWORD, "#pw-new": "0000000000", "#pw-again": "0000000000"},
    )
    expect(page.locator("#pw-message")).to_contain_text("pattern")
    expect(page.locator("#pw-message")).to_have_attribute("role", "alert")
    assert axe_violations(page) == []

    page.fill("#pw-current", "")
    page.fill("#pw-new", "")
    page.fill("#pw-again", "")
    page.focus("#pw-current")
    _type_and_submit(
        page, {"#pw-current": ADMIN_PASSWORD, "#pw-new": NEW_PASSWORD, "#pw-again": NEW_PASSWORD}
    )
    page.wait_for_selector("#case-list table, #case-list p:not(.muted)")
    # The server agrees: the old password no longer works, the new one does.
    with httpx.Client(base_url=forced_server.url) as c:
        old = c.post("/api/auth/login", json={"username": "admin", "password": ADMIN_PASSWORD})
        assert old.status_code == 401
    with forced_server.client(password=NEW_PASSWORD) as c:
        assert c.get("/api/me").json()["password_change_required"] is False


def test_change_ones_own_password_from_the_top_bar(page_for: Any, forced_server: Server) -> None:
    page = page_for(forced_server)
    page.goto("/")
    _type_and_submit(page, {"#login-username": "admin", "#login-password": NEW_PASSWORD})
    page.wait_for_selector("#case-list table, #case-list p:not(.muted)")
    page.focus("#password-button")
    page.keyboard.press("Enter")
    expect(page.locator("#pw-title")).to_have_text("Change your password")
    expect(page.locator("#pw-current")).to_be_focused()
    assert axe_violations(page) == []
    # A wrong current password is said plainly.
    _type_and_submit(
        page,
        {"#pw-current": "not-the-password", "#pw-new": THIRD_PASSWORD, "#pw-again": THIRD_PASSWORD},
    )
    expect(page.locator("#pw-message")).to_have_text("The current password is not right.")
    expect(page.locator("#pw-current")).to_be_focused()
    # Two different new passwords are caught before anything is sent.
    page.fill("#pw-new", THIRD_PASSWORD)
    page.fill("#pw-again", THIRD_PASSWORD + "x")
    page.fill("#pw-current", NEW_PASSWORD)
    page.click("#pw-submit")
    expect(page.locator("#pw-message")).to_have_text("The two new passwords are not the same.")
    # Cancel goes back; nothing changed.
    page.click("#pw-cancel")
    page.wait_for_selector("#case-list table, #case-list p:not(.muted)")
    with forced_server.client(password=NEW_PASSWORD) as c:
        assert c.get("/api/me").status_code == 200


def test_too_many_failed_logins_say_how_long_to_wait(page_for: Any, forced_server: Server) -> None:
    page = page_for(forced_server)
    page.goto("/")
    page.fill("#login-username", "mallory")
    page.fill("#login-password", "guess-guess-1")
    # Failures for that name from this address until the next try must wait (429); the
    # reviewer's own try follows at once.
    with httpx.Client(base_url=forced_server.url) as c:
        for _ in range(12):
            r = c.post("/api/auth/login", json={"username": "mallory", "password": "guess-guess-1"})
            if r.status_code == 429:
                break
        assert r.status_code == 429 and int(r.headers["retry-after"]) >= 1
    page.focus("#login-password")
    page.keyboard.press("Enter")
    msg = page.locator("#login-message")
    expect(msg).to_contain_text("Too many failed log-ins")
    expect(msg).to_have_attribute("role", "alert")
    text = msg.inner_text()
    assert "Wait " in text and ("second" in text or "minute" in text), text
    assert axe_violations(page) == []
