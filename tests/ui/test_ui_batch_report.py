"""The batch's screening.html in a real browser: sorting by keyboard with the header buttons,
aria-sort kept in step, the sort announced, and no script errors."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from assistant.batch.report import cross_rows, render_html, screening_rows
from assistant.batch.scope import load_scope


def _summary(case: str, priority: int, strength: float, in_scope: bool) -> dict[str, Any]:
    return {"case": case, "status": "done", "error": "", "strength": strength, "pages": 3, "ocr_pages": 1,
            "counts": {"unfollowed_inquiry": 2}, "top": [], "failed_files": [], "people": [], "identifiers": [],
            "screening": {"in_scope": in_scope, "priority": priority, "rape_alleged": priority == 1, "suspects": 2,
                          "victims": 1, "verdict": "in scope" if in_scope else "out of scope: not met: x",
                          "checklist": [], "force": "Test Police", "nfa_date": "2019-01-01"}}


def test_sorting_by_keyboard(browser: Any, tmp_path: Path) -> None:
    scope = load_scope()
    summaries = [_summary("C-B", 2, 1.0, True), _summary("C-A", 1, 3.0, True), _summary("C-C", 3, 9.0, False)]
    html = render_html(screening_rows(summaries, scope), cross_rows(summaries), scope, people=0)
    path = tmp_path / "screening.html"
    path.write_text(html, encoding="utf-8")
    ctx = browser.new_context(viewport={"width": 1280, "height": 800})
    errors: list[str] = []
    try:
        page = ctx.new_page()
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(path.as_uri())

        def cases() -> list[str]:
            return [str(t) for t in page.locator("#screening tbody th[scope=row]").all_inner_texts()]

        assert cases() == ["C-A", "C-B", "C-C"]  # ranked: priority, then strength
        strength = page.get_by_role("button", name="Strength")
        strength.focus()
        page.keyboard.press("Enter")
        th = page.locator("#screening thead th").filter(has=strength)
        assert th.get_attribute("aria-sort") == "ascending"
        assert cases() == ["C-B", "C-A", "C-C"]
        page.keyboard.press("Space")
        assert th.get_attribute("aria-sort") == "descending"
        assert cases() == ["C-C", "C-A", "C-B"]
        assert page.locator("#sort-status").inner_text() == "Sorted by Strength, descending."
        # Only the sorted column carries aria-sort.
        assert page.locator("#screening thead th[aria-sort]").count() == 1
        page.keyboard.press("Shift+Tab")  # the previous header button takes the focus
        assert page.evaluate("document.activeElement.getAttribute('data-label')") == "Missing interviews"
    finally:
        ctx.close()
    assert errors == []
