"""The reviewer's UI in real headless Chromium, against a small fake of the API whose data
is known exactly: highlighting, offence details, shortcuts, conflicts, own findings, search.
The end-to-end flows against the real back end are in test_ui_real_backend.py."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect
from uihelpers import Server, login, open_case, press, selected_title, wait_idle

pytestmark = pytest.mark.browser


def suggestion(server: Server, sid: str) -> dict[str, Any]:
    with server.client() as c:
        r = c.get(f"/api/cases/c1/suggestions/{sid}")
        r.raise_for_status()
        return dict(r.json())


def test_login_errors_are_plain_and_lockout_is_explained(
    page_for: Any, fake_server: Server
) -> None:
    page = page_for(fake_server)
    page.goto("/")
    for _ in range(5):
        page.fill("#login-username", "rev")
        page.fill("#login-password", "not the password")
        page.click("#login-submit")
        expect(page.locator("#login-message")).to_contain_text("Wrong")
    assert "Wrong user name or password" in page.inner_text("#login-message")
    page.fill("#login-password", "not the password")
    page.click("#login-submit")
    expect(page.locator("#login-message")).to_contain_text("locked")
    assert "locked" in page.inner_text("#login-message")
    assert page.get_attribute("#login-message", "role") == "alert"


def test_expired_session_goes_back_to_login_then_to_the_same_case(
    page_for: Any, fake_server: Server
) -> None:
    page = page_for(fake_server)
    login(page, fake_server)
    open_case(page, "Operation Lantern")
    url = page.url
    with fake_server.client() as c:
        c.post("/api/test/expire")  # as after 30 idle minutes
    page.keyboard.press("a")  # a decision needs the server
    page.wait_for_selector("#login-message")
    assert "session has ended" in page.inner_text("#login-message")
    page.fill("#login-username", "rev")
    page.fill("#login-password", fake_server.password)
    page.click("#login-submit")
    page.wait_for_selector("#queue li")
    assert page.url == url
    assert suggestion(fake_server, "s-cctv")["status"] == "open"  # refused, not half-saved


def test_quote_is_highlighted_in_text_and_image_and_scrolled_into_view(
    page_for: Any, fake_server: Server
) -> None:
    page = page_for(fake_server)
    login(page, fake_server)
    open_case(page, "Operation Lantern")
    # Third suggestion cites a scanned page: words boxed on the image.
    press(page, "j", "j")
    assert selected_title(page) == "No statement from the friend"
    assert page.inner_text("#page-text mark.quote") == "No statement obtained from the friend."
    page.wait_for_selector(".hl-box")
    assert page.locator(".hl-box").count() == 6  # one box per word of the quote
    img = page.locator("img.page-image").bounding_box()
    for i in range(6):
        b = page.locator(".hl-box").nth(i).bounding_box()
        assert img["x"] <= b["x"] and b["x"] + b["width"] <= img["x"] + img["width"] + 1
        assert img["y"] <= b["y"] and b["y"] + b["height"] <= img["y"] + img["height"] + 1
    # The last suggestion cites line 181 of a long statement: it must be scrolled into view.
    press(page, "j", "j")
    assert selected_title(page) == "Partial VRM never checked"
    mark = page.locator("#page-text mark.quote")
    assert mark.inner_text() == "partially noted as KX1"
    page.wait_for_timeout(100)  # the scroll happens on the next animation frame
    pane = page.locator(".text-pane").bounding_box()
    m = mark.bounding_box()
    assert pane["y"] <= m["y"] and m["y"] + m["height"] <= pane["y"] + pane["height"]
    # o cycles through a suggestion's citations.
    press(page, "k", "k", "k", "k")
    assert page.inner_text("#viewer-title").startswith("custody-log.txt")
    press(page, "o")
    assert page.inner_text("#viewer-title").startswith("pocket-notes.png")
    assert page.inner_text("#page-text mark.quote") == "Phone number taken"


def test_offence_details_are_collapsed_until_revealed(page_for: Any, fake_server: Server) -> None:
    page = page_for(fake_server)
    login(page, fake_server)
    open_case(page, "Operation Lantern")
    hidden = page.locator(".sensitive .sensitive-text")
    assert hidden.count() == 1 and not hidden.is_visible()
    assert "flat above the shop" not in page.inner_text("#page-text")
    # The suggestion whose quote lies inside the offence details says so on the button.
    page.locator("#queue li", has_text="Two men named").click()
    wait_idle(page)
    button = page.locator(".sensitive .reveal")
    assert "cited passage is here" in button.inner_text()
    # The quote in the suggestion's citation list is hidden too.
    expect(page.locator("#detail .cite q")).to_have_text(re.compile("^offence details, hidden"))
    assert button.get_attribute("aria-expanded") == "false"
    button.click()
    assert page.locator(".sensitive .sensitive-text").is_visible()
    assert page.inner_text("#page-text mark.quote") == "by two men"
    assert page.locator(".sensitive .reveal").get_attribute("aria-expanded") == "true"
    expect(page.locator("#detail .cite q")).to_have_text("by two men")


def test_shortcuts_do_not_fire_while_typing(page_for: Any, fake_server: Server) -> None:
    page = page_for(fake_server)
    login(page, fake_server)
    open_case(page, "Operation Lantern")
    first = selected_title(page)
    page.keyboard.press("/")
    expect(page.locator("#search-q")).to_be_focused()
    page.keyboard.type("a rejoj ku")
    wait_idle(page)
    assert page.input_value("#search-q") == "a rejoj ku"
    assert selected_title(page) == first
    assert suggestion(fake_server, "s-cctv")["status"] == "open"
    assert page.locator("dialog[open]").count() == 0
    # Escape leaves the box; the keys act again.
    page.keyboard.press("Escape")
    press(page, "j")
    assert selected_title(page) != first
    # ? shows the help; while it is open, a does nothing.
    page.keyboard.press("?")
    assert page.locator("#help-dialog[open]").is_visible()
    page.keyboard.press("a")
    page.keyboard.press("Escape")
    wait_idle(page)
    assert suggestion(fake_server, "s-vbl")["status"] == "open"


def test_a_stale_decision_is_refused_and_the_reviewer_told(
    page_for: Any, fake_server: Server
) -> None:
    page = page_for(fake_server)
    login(page, fake_server)
    open_case(page, "Operation Lantern")
    assert selected_title(page).startswith("CCTV")
    # Another reviewer (a supervisor) rejects it behind this reviewer's back.
    with fake_server.client("boss") as boss:
        r = boss.get("/api/cases/c1/suggestions/s-cctv")
        boss.post(
            "/api/cases/c1/suggestions/s-cctv/decisions",
            headers={"If-Match": r.headers["etag"]},
            json={"action": "reject", "reason": "duplicate"},
        ).raise_for_status()
    press(page, "a")
    page.wait_for_selector("#conflict")
    assert "NOT saved" in page.inner_text("#conflict")
    assert "Rejected by boss" in page.inner_text("#detail-status")
    assert selected_title(page).startswith("CCTV")  # it did not move on
    s = suggestion(fake_server, "s-cctv")
    assert s["status"] == "rejected" and s["decided_by"] == "boss"
    # Deciding again, now on the version shown, works.
    press(page, "a")
    assert suggestion(fake_server, "s-cctv")["status"] == "accepted"


def test_own_finding_cites_the_selected_text(page_for: Any, fake_server: Server) -> None:
    page = page_for(fake_server)
    login(page, fake_server)
    open_case(page, "Operation Lantern")
    assert page.locator("#add-finding").is_disabled()
    # Select "TAZ will drive" on a line that has an emoji before it (offsets count code points).
    page.evaluate("""() => {
        const root = document.getElementById('page-text');
        const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
        let node;
        while ((node = walker.nextNode())) {
            const i = node.data.indexOf('TAZ will drive');
            if (i >= 0) {
                const r = document.createRange();
                r.setStart(node, i - 1);  // the space before: trimmed
                r.setEnd(node, i + 'TAZ will drive'.length);
                getSelection().removeAllRanges();
                getSelection().addRange(r);
                return;
            }
        }
        throw new Error('text not found');
    }""")
    expect(page.locator("#add-finding")).to_be_enabled()
    page.click("#add-finding")
    page.select_option("#add-type", "unfollowed_inquiry")
    page.select_option("#add-kind", "suspect")
    page.fill("#add-title", "Driver TAZ never identified")
    page.fill("#add-rationale", "Named as the driver; no trace or interview recorded.")
    page.click("#add-dialog button[type=submit]")
    page.wait_for_selector("#add-dialog", state="detached")
    wait_idle(page)
    assert selected_title(page) == "Driver TAZ never identified"
    assert page.inner_text("#page-text mark.quote") == "TAZ will drive"
    with fake_server.client() as c:
        added = [s for s in c.get("/api/cases/c1/suggestions").json() if s["origin"] == "reviewer"]
    assert len(added) == 1
    assert added[0]["citations"][0]["quote"] == "TAZ will drive"
    assert added[0]["kind"] == "suspect"


def test_search_result_opens_the_page_with_the_passage(page_for: Any, fake_server: Server) -> None:
    page = page_for(fake_server)
    login(page, fake_server)
    open_case(page, "Operation Lantern")
    page.keyboard.press("/")
    page.keyboard.type("garages")
    page.keyboard.press("Enter")
    page.wait_for_selector("#search-results li")
    assert "custody-log.txt, page 1" in page.inner_text("#search-results li")
    page.click("#search-results li")
    wait_idle(page)
    assert page.inner_text("#page-text mark.quote") == "garages"
    assert "Search result 1 of 1" in page.inner_text(".viewer-note")


UNLABELLED = """() => [...document.querySelectorAll(
    'input, select, textarea, button, a[href], [role=listbox], [role=region], [role=tab]')]
  .filter((el) => el.type !== 'hidden' && el.getClientRects().length > 0)
  .filter((el) => {
    const by = el.getAttribute('aria-labelledby');
    const name = (el.getAttribute('aria-label') || '').trim()
      || (by && (document.getElementById(by) || {}).textContent || '').trim()
      || [...(el.labels || [])].map((l) => l.textContent).join('').trim()
      || (['BUTTON', 'A'].includes(el.tagName) || el.getAttribute('role') === 'tab'
          ? el.textContent.trim() : '')
      || (el.getAttribute('title') || '').trim();
    return !name;
  }).map((el) => el.outerHTML.slice(0, 120))"""


def test_accessible_at_1280x800(page_for: Any, fake_server: Server) -> None:
    page = page_for(fake_server)
    page.goto("/")
    assert page.evaluate(UNLABELLED) == []
    login(page, fake_server)
    assert page.evaluate(UNLABELLED) == []
    open_case(page, "Operation Lantern")
    # Every control has a name a screen reader can read out.
    assert page.evaluate(UNLABELLED) == []
    # Nothing spills sideways at 1280x800, and the case header is one row.
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    assert page.locator(".case-bar").bounding_box()["height"] < 80
    # The shortcuts are on screen.
    assert "a accept" in page.inner_text("#shortcut-bar")
    # Keyboard focus is always visible.
    page.locator("#f-type").focus()
    for _ in range(6):
        page.keyboard.press("Tab")
        style = page.evaluate("""() => { const s = getComputedStyle(document.activeElement);
            return [s.outlineStyle, s.outlineWidth, document.activeElement.tagName]; }""")
        assert style[0] != "none" and style[1] != "0px", style
    page.click("a.tab:has-text('Documents')")
    page.wait_for_selector("#dropzone")
    assert page.evaluate(UNLABELLED) == []


def test_files_dropped_on_the_page_are_uploaded(page_for: Any, fake_server: Server) -> None:
    page = page_for(fake_server)
    login(page, fake_server)
    page.goto("/#/cases/c1/documents")
    page.wait_for_selector("#dropzone")
    drop = page.evaluate_handle("""() => {
        const dt = new DataTransfer();
        const text = ['Dropped note about the car.\\n'];
        const file = new File(text, 'dropped.txt', { type: 'text/plain' });
        dt.items.add(file);
        return dt;
    }""")
    page.dispatch_event("#dropzone", "drop", {"dataTransfer": drop})
    page.locator("#jobs .job").first.wait_for()
    expect(page.locator("#jobs .job .job-label").first).to_contain_text("Finished", timeout=15_000)
    expect(page.locator("#documents table")).to_contain_text("dropped.txt")


def test_edit_then_undo_the_edit(page_for: Any, fake_server: Server) -> None:
    page = page_for(fake_server)
    login(page, fake_server)
    open_case(page, "Operation Lantern")
    page.keyboard.press("e")
    page.wait_for_selector("#edit-dialog[open]")
    expect(page.locator("#edit-title")).to_be_focused()
    page.fill("#edit-title", "CCTV from Mill Lane: no viewing log")
    page.keyboard.press("Enter")  # saves from the title box
    page.wait_for_selector("#edit-dialog", state="detached")
    wait_idle(page)
    assert selected_title(page) == "CCTV from Mill Lane: no viewing log"
    assert page.inner_text("#detail-title") == "CCTV from Mill Lane: no viewing log"
    s = suggestion(fake_server, "s-cctv")
    assert s["title"] == "CCTV from Mill Lane: no viewing log" and s["edited"] is True
    press(page, "u")
    assert (
        suggestion(fake_server, "s-cctv")["title"]
        == "CCTV from the shop on Mill Lane was never viewed"
    )
    assert selected_title(page) == "CCTV from the shop on Mill Lane was never viewed"
