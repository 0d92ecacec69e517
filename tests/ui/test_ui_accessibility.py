"""Every reviewer can use the workbench (WCAG 2.2 AA), in real headless Chromium against the
fake API: axe-core on every view and dialog, the decision buttons always in sight, the skip
link, where the focus goes after a decision, single-key shortcuts scoped to the queue and a
setting to turn them off, focus ring and highlight contrast, citing with the keyboard, the
stacked layout at 200% zoom and 320 px, and live regions that do not chatter."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect
from uihelpers import (
    EFFECTIVE_BACKGROUND,
    Server,
    axe_violations,
    contrast,
    login,
    open_case,
    press,
    selected_title,
    wait_idle,
)

pytestmark = pytest.mark.browser

ACTIVE = "() => { const a = document.activeElement; return a ? (a.id || a.tagName) : null; }"
TITLES = [
    "CCTV from the shop on Mill Lane was never viewed",
    "Child described as making lifestyle choices",
    "No statement from the friend",
    "Two men named in the account not interviewed",
    "Partial VRM never checked",
]


def status_of(server: Server, sid: str) -> str:
    with server.client() as c:
        return str(c.get(f"/api/cases/c1/suggestions/{sid}").json()["status"])


def make_first_suggestion_long(server: Server) -> None:
    """As on real files: a long rationale, many citations and an edit history, so the detail
    panel is taller than the screen."""
    store = server.extra["store"]
    with store.lock:
        s = store.cases["c1"].suggestions[0]
        s["rationale"] = " ".join(
            [
                "An action to obtain CCTV from the shop on Mill Lane was raised on 16/03/2016",
                "and allocated to PC 2231 ODELL, but no viewing log, seizure record, exhibit",
                "number or result appears anywhere in the file, and the closing summary does not",
                "say why it was not pursued. The footage could have shown the vehicle and the",
                "men who drove CHILD A to the flat.",
            ]
            * 4
        )
        s["citations"] = s["citations"] * 5
        s["edited"] = True
        s["original_title"] = "CCTV not viewed"
        s["original_rationale"] = "No result recorded for the CCTV action."


# ---------- axe-core on every view and dialog ----------


def test_axe_finds_nothing_on_any_view_or_dialog(page_for: Any, fake_server: Server) -> None:
    page = page_for(fake_server)
    checked: list[str] = []

    def check(view: str) -> None:
        wait_idle(page)
        assert axe_violations(page) == [], view
        checked.append(view)

    page.goto("/")
    page.wait_for_selector("#login-username")
    check("log-in")
    login(page, fake_server)
    check("case list")
    open_case(page, "Operation Lantern")
    check("case and queue (with the export buttons)")
    press(page, "r")
    page.wait_for_selector("#reject-dialog[open]")
    check("reject dialog")
    page.keyboard.press("Escape")
    press(page, "e")
    check("edit dialog")
    page.keyboard.press("Escape")
    page.click("#help-button")
    check("help and shortcuts")
    page.keyboard.press("Escape")
    page.click("#settings-button")
    check("settings")
    page.keyboard.press("Escape")
    page.click("#cite-keyboard")
    check("cite with the keyboard")
    page.keyboard.press("Shift+ArrowRight")
    page.click("#cite-dialog button[type=submit]")
    page.wait_for_selector("#add-dialog[open]")
    check("add a finding")
    page.keyboard.press("Escape")
    page.fill("#search-q", "garages")
    page.keyboard.press("Enter")
    page.wait_for_selector("#search-results li")
    check("search results")
    page.click("a.tab:has-text('Documents')")
    page.wait_for_selector("#documents table")
    page.set_input_files("#file-input", files=[{"name": "note.txt", "mimeType": "text/plain", "buffer": b"A note."}])
    expect(page.locator("#jobs .job-label").first).to_contain_text("Finished", timeout=15_000)
    check("documents and upload")
    page.set_viewport_size({"width": 320, "height": 640})
    page.click("a.tab:has-text('Review')")
    page.wait_for_selector("#queue li")
    check("case at 320 px")
    assert len(checked) == 12


def test_reject_dialog_radio_targets_are_at_least_24px(page_for: Any, fake_server: Server) -> None:
    page = page_for(fake_server)
    login(page, fake_server)
    open_case(page, "Operation Lantern")
    press(page, "r")
    radios = page.locator("#reject-dialog input[type=radio]")
    assert radios.count() == 7
    for i in range(7):
        box = radios.nth(i).bounding_box()
        assert box["width"] >= 24 and box["height"] >= 24, box


# ---------- the queue view: decisions always in sight ----------


@pytest.mark.parametrize("width,height", [(1280, 800), (1024, 700)])
def test_decision_buttons_stay_on_screen(
    page_for: Any, fake_server: Server, tmp_path: Path, width: int, height: int
) -> None:
    make_first_suggestion_long(fake_server)
    page = page_for(fake_server)
    page.set_viewport_size({"width": width, "height": height})
    login(page, fake_server)
    open_case(page, "Operation Lantern")
    # The detail panel really is taller than its space, and is scrolled to its top, middle
    # and end: in each position every decision button is inside the window, not covered.
    assert page.evaluate(
        "() => { const d = document.getElementById('detail'); return d.scrollHeight > d.clientHeight; }"
    )
    for where in ("0", "d.scrollHeight / 2", "d.scrollHeight"):
        page.evaluate(f"() => {{ const d = document.getElementById('detail'); d.scrollTop = {where}; }}")
        shot = tmp_path / f"decisions-{width}x{height}.png"
        page.screenshot(path=str(shot))
        for button in ("#btn-accept", "#btn-reject", "#btn-edit", "#btn-undo"):
            box = page.locator(button).bounding_box()
            assert box is not None, button
            assert 0 <= box["x"] and box["x"] + box["width"] <= width, (button, box)
            assert 0 <= box["y"] and box["y"] + box["height"] <= height, (button, where, box)
            on_top = page.evaluate(
                "([x, y, sel]) => !!document.elementFromPoint(x, y)?.closest(sel)",
                [box["x"] + box["width"] / 2, box["y"] + box["height"] / 2, button],
            )
            assert on_top, f"{button} is covered at scroll {where}"
    page.click("#btn-accept")
    wait_idle(page)
    assert status_of(fake_server, "s-cctv") == "accepted"


# ---------- keyboard and screen reader ----------


def test_skip_link_on_a_case_page_stays_on_that_case(page_for: Any, fake_server: Server) -> None:
    page = page_for(fake_server)
    login(page, fake_server)
    open_case(page, "Operation Lantern")
    url = page.url
    page.locator("a.skip").focus()
    page.keyboard.press("Enter")
    wait_idle(page)
    assert page.url == url
    assert page.evaluate(ACTIVE) == "main"
    assert page.locator("#queue li").count() == 5  # still the case, not the case list
    assert page.locator("#case-list").count() == 0
    # The next Tab goes on into the case's own content.
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.getElementById('main').contains(document.activeElement)")


def test_focus_after_accept_reject_and_undo_is_never_lost(page_for: Any, fake_server: Server) -> None:
    page = page_for(fake_server)
    login(page, fake_server)
    open_case(page, "Operation Lantern")
    # Accept with the button: the focus goes to the heading of the next suggestion.
    page.click("#btn-accept")
    wait_idle(page)
    assert page.evaluate(ACTIVE) == "detail-title"
    assert page.inner_text("#detail-title") == TITLES[1]
    # Reject with the button and the dialog: the same, once the dialog has closed.
    page.click("#btn-reject")
    page.wait_for_selector("#reject-dialog[open]")
    page.keyboard.press("5")  # duplicate
    page.keyboard.press("Enter")
    page.wait_for_selector("#reject-dialog", state="detached")
    wait_idle(page)
    assert status_of(fake_server, "s-vbl") == "rejected"
    assert page.evaluate(ACTIVE) == "detail-title"
    assert page.inner_text("#detail-title") == TITLES[2]
    # Undo with the button: it goes back to the rejected one and says its status.
    page.click("#btn-undo")
    wait_idle(page)
    assert status_of(fake_server, "s-vbl") == "open"
    assert page.evaluate(ACTIVE) == "detail-status"
    assert page.inner_text("#detail-title") == TITLES[1]
    # With the keys in the queue, the focus stays in the queue as it moves on.
    page.locator("#queue").focus()
    press(page, "a")
    assert status_of(fake_server, "s-vbl") == "accepted"
    assert page.evaluate(ACTIVE) == "queue"
    assert selected_title(page) == TITLES[2]
    press(page, "u")
    assert page.evaluate(ACTIVE) == "queue"
    press(page, "r")
    page.keyboard.press("1")
    page.keyboard.press("Enter")
    page.wait_for_selector("#reject-dialog", state="detached")
    wait_idle(page)
    assert page.evaluate(ACTIVE) == "queue"


def test_single_key_shortcuts_act_only_in_the_queue_region(page_for: Any, fake_server: Server) -> None:
    page = page_for(fake_server)
    login(page, fake_server)
    open_case(page, "Operation Lantern")
    first = selected_title(page)
    # Outside the queue region (the page itself, the case's tabs, the export buttons, the page
    # text) no letter does anything.
    for outside in ("body", "a.tab:has-text('Review')", "#export-json", ".text-pane", "#logout"):
        page.locator(outside).first.focus() if outside != "body" else page.evaluate(
            "() => document.activeElement.blur()"
        )
        for key in ("a", "r", "e", "j", "u", "?", "/"):
            page.keyboard.press(key)
        wait_idle(page)
        assert page.locator("dialog[open]").count() == 0, outside
        assert selected_title(page) == first, outside
        assert status_of(fake_server, "s-cctv") == "open", outside
        assert page.input_value("#search-q") == ""
    # In the queue (and on the selected suggestion) they act.
    page.locator("#queue").focus()
    press(page, "j")
    assert selected_title(page) != first
    page.locator("#detail-title").focus()
    press(page, "a")
    assert status_of(fake_server, "s-vbl") == "accepted"
    assert "in the list or the selected suggestion" in page.inner_text("#shortcut-bar")


def test_single_key_shortcuts_can_be_turned_off_and_it_is_remembered(page_for: Any, fake_server: Server) -> None:
    page = page_for(fake_server)
    login(page, fake_server)
    open_case(page, "Operation Lantern")
    page.click("#settings-button")
    box = page.locator("#pref-shortcuts")
    expect(box).to_be_checked()
    box.uncheck()
    expect(page.locator("#pref-saved")).to_have_text("Single-key shortcuts are off.")
    page.keyboard.press("Escape")
    assert "shortcuts are off" in page.inner_text("#shortcut-bar")
    first = selected_title(page)
    page.locator("#queue").focus()
    for key in ("a", "r", "j", "?"):
        page.keyboard.press(key)
    wait_idle(page)
    assert page.locator("dialog[open]").count() == 0
    assert selected_title(page) == first and status_of(fake_server, "s-cctv") == "open"
    # The arrows still move through the list (that is the list's own navigation, not a
    # shortcut), and the buttons still decide.
    press(page, "ArrowDown")
    assert selected_title(page) == TITLES[1]
    # Kept in this browser: after a reload, still off.
    assert page.evaluate("() => Object.values(localStorage)").count("off") == 1
    page.reload()
    page.wait_for_selector("#queue li")
    wait_idle(page)
    page.locator("#queue").focus()
    press(page, "a")
    assert status_of(fake_server, "s-cctv") == "open"
    page.click("#settings-button")
    expect(page.locator("#pref-shortcuts")).not_to_be_checked()
    page.locator("#pref-shortcuts").check()
    page.keyboard.press("Escape")
    page.locator("#queue").focus()
    press(page, "a")
    assert status_of(fake_server, "s-cctv") == "accepted"


def test_focus_ring_and_highlight_outlines_have_3_to_1_contrast(page_for: Any, fake_server: Server) -> None:
    page = page_for(fake_server)
    login(page, fake_server)
    open_case(page, "Operation Lantern")

    def ring(selector: str) -> dict[str, Any]:
        """Focuses by keyboard (Tab from the element before), reads the ring and what is
        next to it: the surface behind the element (outside the ring) and the element's own."""
        el = page.locator(selector).first
        el.evaluate("(e) => e.focus()")
        page.keyboard.press("Shift+Tab")
        page.keyboard.press("Tab")
        assert page.evaluate("(s) => document.activeElement.matches(s)", selector), selector
        style = el.evaluate(
            """(e) => { const s = getComputedStyle(e); return {style: s.outlineStyle,
                width: parseFloat(s.outlineWidth), color: s.outlineColor,
                offset: parseFloat(s.outlineOffset)}; }"""
        )
        style["outside"] = el.evaluate(f"(e) => ({EFFECTIVE_BACKGROUND})(e.parentElement)")
        style["inside"] = el.evaluate(EFFECTIVE_BACKGROUND)
        return style

    # The current citation, a decision button, a link in the case bar, the top bar's button.
    for selector in (
        ".cite[aria-current=true]",
        "#btn-reject",
        "a.tab[aria-current=page]",
        "#logout",
        "#cite-keyboard",
    ):
        r = ring(selector)
        assert r["style"] != "none" and r["width"] >= 2, (selector, r)
        assert contrast(r["color"], r["outside"]) >= 3, (selector, r)
        if r["offset"] <= 0 or selector.startswith(".cite"):  # drawn on the element itself
            assert contrast(r["color"], r["inside"]) >= 3, (selector, r)
    # The queue's ring is drawn inside it, next to the selected item.
    r = ring("#queue")
    item = page.locator("#queue li[aria-selected=true]").evaluate(EFFECTIVE_BACKGROUND)
    assert contrast(r["color"], item) >= 3 and contrast(r["color"], r["inside"]) >= 3, r
    # The current citation is marked by more than colour, and its marking has 3:1 too.
    current = page.locator(".cite[aria-current=true]").evaluate("(e) => getComputedStyle(e).boxShadow")
    m = re.search(r"rgb\([^)]*\)", current)
    assert m and contrast(m.group(0), page.locator(".cite[aria-current=true]").evaluate(EFFECTIVE_BACKGROUND)) >= 3, (
        current
    )
    # Highlight outlines, in the text (against the mark and the page) and on the image.
    mark = page.locator("#page-text mark.quote")
    colour = mark.evaluate("(e) => getComputedStyle(e).outlineColor")
    assert contrast(colour, mark.evaluate(EFFECTIVE_BACKGROUND)) >= 3
    assert contrast(colour, mark.evaluate(f"(e) => ({EFFECTIVE_BACKGROUND})(e.parentElement)")) >= 3
    press(page, "j", "j")  # the scanned page: words boxed on the image
    box = page.locator(".hl-box").first
    box.wait_for()
    colour = box.evaluate("(e) => getComputedStyle(e).outlineColor")
    assert contrast(colour, (255, 255, 255)) >= 3  # the paper around the word
    assert contrast(colour, box.evaluate(EFFECTIVE_BACKGROUND)) >= 3  # the box's own fill


def test_cite_selected_text_with_the_keyboard_only(page_for: Any, fake_server: Server) -> None:
    page = page_for(fake_server)
    login(page, fake_server)
    open_case(page, "Operation Lantern")
    # Reachable with Tab from the queue.
    page.locator("#queue").focus()
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate(ACTIVE) == "cite-keyboard":
            break
    assert page.evaluate(ACTIVE) == "cite-keyboard"
    page.keyboard.press("Enter")
    page.wait_for_selector("#cite-dialog[open]")
    assert page.evaluate(ACTIVE) == "cite-text"
    shown = page.input_value("#cite-text")
    assert "[offence details hidden]" in shown and "flat above the shop" not in shown
    page.keyboard.type("x")  # the box cannot be edited: a key typed by mistake changes nothing
    page.keyboard.press("Backspace")
    assert page.input_value("#cite-text") == shown
    # Select "TAZ will drive" (after an emoji on its line) with the keys alone.
    page.keyboard.press("Control+End")
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("ArrowLeft")
    for _ in range(len("TAZ will drive")):
        page.keyboard.press("Shift+ArrowLeft")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")  # "Cite these words"
    page.wait_for_selector("#add-dialog[open]")
    expect(page.locator("#add-dialog .cited q")).to_have_text("TAZ will drive")
    page.keyboard.press("Tab")  # kind of inquiry
    page.keyboard.press("Tab")  # title
    page.keyboard.type("Driver TAZ never identified")
    page.keyboard.press("Enter")
    page.wait_for_selector("#add-dialog", state="detached")
    wait_idle(page)
    with fake_server.client() as c:
        added = [s for s in c.get("/api/cases/c1/suggestions").json() if s["origin"] == "reviewer"]
    assert len(added) == 1
    cite = added[0]["citations"][0]
    assert cite["quote"] == "TAZ will drive"
    assert selected_title(page) == "Driver TAZ never identified"
    assert page.inner_text("#page-text mark.quote") == "TAZ will drive"
    assert page.evaluate(ACTIVE) == "detail-title"  # the new finding, not <body>


# ---------- reflow: 200% zoom and 320 px ----------


@pytest.mark.parametrize("width,height", [(640, 400), (320, 640)])
def test_stacked_layout_at_200_percent_zoom_and_320px(
    page_for: Any, fake_server: Server, tmp_path: Path, width: int, height: int
) -> None:
    page = page_for(fake_server)
    page.set_viewport_size({"width": width, "height": height})
    login(page, fake_server)
    assert page.evaluate("document.documentElement.scrollWidth") <= width  # the case list too
    open_case(page, "Operation Lantern")
    page.screenshot(path=str(tmp_path / f"stacked-{width}x{height}.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= width  # no sideways scroll
    queue = page.locator("#queue").bounding_box()
    assert queue["height"] >= 140 and queue["width"] >= width - 2, queue
    assert page.locator("#queue li").nth(1).bounding_box()["y"] < queue["y"] + queue["height"]
    for part in (".work", "#detail", "#viewer"):
        box = page.locator(part).bounding_box()
        assert box["width"] >= width - 2, (part, box)
    text = page.locator(".text-pane").bounding_box()
    assert text["width"] >= width - 40 and text["height"] >= 150, text
    # The decision buttons and Log out can be reached and used.
    page.locator("#btn-accept").scroll_into_view_if_needed()
    box = page.locator("#btn-accept").bounding_box()
    assert 0 <= box["x"] and box["x"] + box["width"] <= width
    page.click("#btn-accept")
    wait_idle(page)
    assert status_of(fake_server, "s-cctv") == "accepted"
    page.locator("#logout").scroll_into_view_if_needed()
    box = page.locator("#logout").bounding_box()
    assert 0 <= box["x"] and box["x"] + box["width"] <= width and 0 <= box["y"] < height, box
    page.click("#logout")
    page.wait_for_selector("#login-message")
    assert "logged out" in page.inner_text("#login-message")


# ---------- live regions ----------


def test_upload_status_is_one_live_region_updated_in_place(page_for: Any, fake_server: Server) -> None:
    page = page_for(fake_server)
    login(page, fake_server)
    page.goto("/#/cases/c1/documents")
    page.wait_for_selector("#documents table")
    # Mark the live region, and record every text it says and every live region added.
    page.evaluate("""() => {
        const live = document.getElementById('upload-status');
        live.dataset.marked = 'yes';
        window.__said = [];
        window.__liveAdded = 0;
        new MutationObserver(() => {
            const t = live.textContent;
            if (t && window.__said[window.__said.length - 1] !== t) window.__said.push(t);
        }).observe(live, { childList: true, characterData: true, subtree: true });
        new MutationObserver((records) => {
            for (const r of records) for (const n of r.addedNodes) {
                if (n.nodeType !== 1) continue;
                const sel = '[role=status], [role=alert], [aria-live], [role=log]';
                if (n.matches(sel) || n.querySelector(sel)) window.__liveAdded++;
            }
        }).observe(document.getElementById('jobs'), { childList: true, subtree: true });
    }""")
    files = [
        {"name": "note.txt", "mimeType": "text/plain", "buffer": b"A note about the car."},
        {"name": "notes2.txt", "mimeType": "text/plain", "buffer": b"Another note."},
    ]
    page.set_input_files("#file-input", files=files)
    expect(page.locator("#jobs .job-label").first).to_contain_text("Finished", timeout=15_000)
    live = page.locator("#upload-status")
    expect(live).to_contain_text("Finished")
    assert live.get_attribute("data-marked") == "yes"  # the same element throughout
    assert live.get_attribute("role") == "status"
    said = page.evaluate("() => window.__said")
    assert len(said) >= 2 and said[-1].endswith("Finished: all files were read and reviewed."), said
    assert len(said) == len(set(said)), said  # each stage said once, not on every poll
    assert page.evaluate("() => window.__liveAdded") == 0
    assert page.locator("#jobs [role=status], #jobs [aria-live], #jobs [role=alert]").count() == 0


def test_case_table_is_not_a_live_region(page_for: Any, fake_server: Server) -> None:
    page = page_for(fake_server)
    login(page, fake_server)
    table = page.locator("#case-list table")
    assert table.evaluate(
        "(e) => { for (; e; e = e.parentElement) if (e.hasAttribute('aria-live')"
        " || ['status', 'log', 'alert'].includes(e.getAttribute('role'))) return false;"
        " return true; }"
    )
    status = page.locator("#case-list-status")
    assert status.get_attribute("role") == "status"
    expect(status).to_have_text("1 case listed.")
