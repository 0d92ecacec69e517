"""The reviewer's UI in real headless Chromium against the REAL back end (``python -m
assistant serve`` on a temporary SQLite data dir, light test detectors instead of models):
upload with a progress bar, review with the keyboard, stale-write conflicts, exports."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect
from uihelpers import (
    Server,
    axe_violations,
    login,
    make_pdf,
    open_case,
    press,
    selected_title,
    upload_and_wait,
    wait_for_job,
    wait_idle,
)

pytestmark = pytest.mark.browser

# Synthetic wording written for these tests; ui_detectors.py flags one phrase of each type.
STATEMENT = (
    "Statement of the reporting officer, DC 5120 HALE.\n"
    "Action 4: obtain CCTV from the bus station. Allocated, no result recorded.\n"
    "The support worker wrote that the girl was making lifestyle choices.\n"
    "Her friend Jade was present, but no statement was taken from Jade.\n"
)
LOG_LINES = [
    "Occurrence log, page 1",
    "Entry 7: officer to obtain CCTV from the corner shop.",
    "Entry 8: file closed, no further action.",
]


def case_files(tmp: Path) -> list[Path]:
    txt = tmp / "statement.txt"
    txt.write_text(STATEMENT, encoding="utf-8")
    pdf = tmp / "occurrence-log.pdf"
    make_pdf(pdf, LOG_LINES)
    return [txt, pdf]


@pytest.fixture(scope="module")
def seeded_case(
    real_server: Server, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[str, Any]]:
    """A case assigned to the reviewer, its two files uploaded and reviewed through the API.
    Shared by the tests below (one processing job): each decides on different suggestions."""
    with real_server.client() as c:
        case = c.post("/api/cases", json={"name": "Keyboard review"}).json()
        files = [
            ("files", (p.name, p.read_bytes())) for p in case_files(tmp_path_factory.mktemp("seed"))
        ]
        r = c.post(f"/api/cases/{case['id']}/documents", files=files)
        assert r.status_code == 202, r.text
        job = wait_for_job(c, r.json()["job_id"])
        assert job["status"] == "done", job
        yield case


def suggestions(server: Server, case_id: Any) -> dict[str, dict[str, Any]]:
    """The case's suggestions by title (asked as a script would, with a Bearer token)."""
    with server.client() as c:
        return {s["title"]: s for s in c.get(f"/api/cases/{case_id}/suggestions").json()}


def test_upload_files_watch_the_progress_bar_and_read_the_errors(
    page_for: Any, real_server: Server, tmp_path: Path
) -> None:
    locked = tmp_path / "disclosure.pdf"
    make_pdf(locked, ["Schedule of unused material"], password="s3cret-pw")
    page = page_for(real_server)
    login(page, real_server)
    page.fill("#new-case-name", "Browser upload")
    page.click("#create-case")
    page.wait_for_selector("#dropzone")
    txt, pdf = case_files(tmp_path)
    bundle = tmp_path / "bundle.zip"  # a ZIP is unpacked by the server
    with zipfile.ZipFile(bundle, "w", zipfile.ZIP_DEFLATED) as z:
        z.write(pdf, pdf.name)
    labels = upload_and_wait(page, [txt, bundle, locked])
    assert labels[-1].startswith("Finished. 1 file could not be read"), labels
    job = page.locator("#jobs .job").first
    assert job.locator("progress").get_attribute("value") == "100"
    error = job.locator(".file-errors li").inner_text()
    assert error.startswith("disclosure.pdf: ") and "password" in error.lower(), error
    expect(page.locator("#documents tbody tr")).to_have_count(3)
    table = page.inner_text("#documents table")
    assert "statement.txt" in table and "occurrence-log.pdf" in table
    assert (
        "Could not be read" in page.locator("#documents tr", has_text="disclosure.pdf").inner_text()
    )
    # The new suggestions are in the queue, highest confidence first.
    page.click("a.tab:has-text('Review')")
    page.wait_for_selector("#queue li")
    wait_idle(page)
    assert page.locator("#queue li").count() == 4
    assert selected_title(page).startswith("CCTV was requested but never viewed")


def test_review_with_the_keyboard_then_export(
    page_for: Any, real_server: Server, seeded_case: dict[str, Any]
) -> None:
    page = page_for(real_server)
    login(page, real_server)
    open_case(page, seeded_case["name"])
    page.select_option("#f-status", "")  # all, whatever other tests decided
    wait_idle(page)
    titles = page.locator("#queue li .item-title").all_inner_texts()
    assert len(titles) == 4
    first = selected_title(page)
    press(page, "a")  # accept; the queue moves on
    second = selected_title(page)
    assert second == titles[1]
    page.keyboard.press("r")
    page.wait_for_selector("#reject-dialog[open]")
    page.keyboard.press("5")  # "duplicate"
    page.fill("#reject-note", "Same action as the first suggestion.")
    page.keyboard.press("Control+Enter")
    page.wait_for_selector("#reject-dialog", state="detached")
    wait_idle(page)
    assert selected_title(page) == titles[2]
    press(page, "j", "k")
    assert selected_title(page) == titles[2]
    press(page, "u")  # undoes the rejection, wherever the reviewer is
    assert selected_title(page) == second
    assert page.inner_text("#detail-status") == "Open"

    now = suggestions(real_server, seeded_case["id"])
    assert now[first]["status"] == "accepted" and now[first]["decided_by"] == "rev"
    assert now[second]["status"] == "open"
    with real_server.client() as c:
        hist = c.get(
            f"/api/cases/{seeded_case['id']}/suggestions/{now[second]['id']}/history"
        ).json()
    assert [d["action"] for d in hist] == ["rejected", "undone"]
    assert hist[0]["reason"] == "duplicate"
    assert hist[0]["note"] == "Same action as the first suggestion."
    assert all(d["reviewer"] == "rev" for d in hist)

    with page.expect_download() as dl:
        page.click("#export-json")
    out = json.loads(Path(dl.value.path()).read_text(encoding="utf-8"))
    assert {s["title"]: s["status"] for s in out["suggestions"]}[first] == "accepted"
    assert [d["action"] for d in out["decisions"] if d["reviewer"] == "rev"] == [
        "accepted",
        "rejected",
        "undone",
    ]
    with page.expect_download() as dl:
        page.click("#export-csv")
    rows = list(csv.DictReader(io.StringIO(Path(dl.value.path()).read_text(encoding="utf-8-sig"))))
    assert {r["title"]: (r["status"], r["decided_by"]) for r in rows}[first] == ("accepted", "rev")
    with page.context.expect_page() as tab:
        page.click("#export-report")
    report = tab.value
    report.wait_for_load_state()
    body = report.inner_text("body")
    assert first in body and "rev" in body
    assert second not in body  # only accepted findings make the action plan


def test_pdf_citation_is_boxed_on_the_page_image_and_search_finds_passages(
    page_for: Any, real_server: Server, seeded_case: dict[str, Any]
) -> None:
    page = page_for(real_server)
    login(page, real_server)
    open_case(page, seeded_case["name"])
    page.select_option("#f-status", "")  # all, whatever other tests decided
    wait_idle(page)
    page.locator("#queue li").filter(has_text="corner shop").click()
    wait_idle(page)
    assert page.inner_text("#viewer-title").startswith("occurrence-log.pdf, page 1 of 1")
    assert page.inner_text("#page-text mark.quote") == "obtain CCTV from the corner shop"
    page.wait_for_selector(".hl-box")
    assert page.locator(".hl-box").count() == 6  # one box per word
    img = page.locator("img.page-image").bounding_box()
    for b in (page.locator(".hl-box").nth(i).bounding_box() for i in range(6)):
        assert img["x"] <= b["x"] <= img["x"] + img["width"]
        assert img["y"] <= b["y"] <= img["y"] + img["height"] / 3  # the entry is near the top
    # Search by words: results are cited, and a click opens the page with the passage marked.
    page.keyboard.press("/")
    page.keyboard.type("file closed")
    page.keyboard.press("Enter")
    page.wait_for_selector("#search-results li")
    assert (
        page.locator("#search-results li")
        .first.inner_text()
        .startswith("occurrence-log.pdf, page 1")
    )
    page.locator("#search-results li").first.click()
    wait_idle(page)
    assert "file closed" in page.inner_text("#page-text mark.quote").lower()
    page.wait_for_selector(".hl-box")
    assert page.locator(".hl-box").count() >= 2


def test_someone_elses_change_is_never_overwritten(
    page_for: Any, real_server: Server, seeded_case: dict[str, Any]
) -> None:
    page = page_for(real_server)
    login(page, real_server)
    open_case(page, seeded_case["name"])
    page.reload()  # the HttpOnly session cookie keeps the reviewer logged in
    page.wait_for_selector("#queue li")
    wait_idle(page)
    page.locator("#queue li").filter(
        has_text="A witness gave no statement"
    ).click()  # untouched elsewhere
    wait_idle(page)
    title = selected_title(page)
    sid = suggestions(real_server, seeded_case["id"])[title]["id"]
    with real_server.client("boss") as boss:  # a supervisor rejects it meanwhile
        path = f"/api/cases/{seeded_case['id']}/suggestions/{sid}"
        tag = boss.get(path).headers["etag"]
        boss.post(
            f"{path}/decisions",
            headers={"If-Match": tag},
            json={"action": "reject", "reason": "out of scope"},
        ).raise_for_status()
    press(page, "a")
    page.wait_for_selector("#conflict")
    assert "NOT saved" in page.inner_text("#conflict")
    assert page.inner_text("#detail-status").startswith("Rejected (out of scope) by boss")
    assert suggestions(real_server, seeded_case["id"])[title]["status"] == "rejected"


def test_printable_report_passes_axe(
    browser: Any, real_server: Server, seeded_case: dict[str, Any]
) -> None:
    # The report's own policy (default-src 'none') allows no script at all, so axe-core is
    # injected with the policy bypassed, in a context of its own.
    ctx = browser.new_context(base_url=real_server.url, bypass_csp=True)
    try:
        page = ctx.new_page()
        login(page, real_server)
        page.goto(f"/api/cases/{seeded_case['id']}/export?format=report")
        expect(page.locator("h1")).to_contain_text("action plan")
        assert axe_violations(page) == []
    finally:
        ctx.close()
