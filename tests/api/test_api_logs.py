"""No case text in application logs: only ids and counts. Captures every log record (all
loggers, DEBUG, the worker's forwarded lines included) during an upload, its review, a page
view, a search, a decision and an export, and finds no word of the page text in them."""

from __future__ import annotations

import logging
import re

import pytest
from apiutil import add_user, login, wait_job
from fastapi import FastAPI
from fastapi.testclient import TestClient

PAGE = (
    "Log 7: CCTV from the Quillfeather Arcade was requested by DC 4410 HOLLOWAY.\f"
    "Zebedee QUARTERMAINE was not interviewed about the Marrowfield flat."
)


@pytest.fixture
def db_url(sqlite_url: str) -> str:
    """SQLite only: what is logged does not depend on the database."""
    return sqlite_url


MARKERS = ["Quillfeather", "HOLLOWAY", "Zebedee", "QUARTERMAINE", "Marrowfield", "CCTV from"]


def test_no_case_text_in_logs(
    client: TestClient, app: FastAPI, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    add_user(app, "alice")
    h = login(client, "alice")
    cid = client.post("/api/cases", headers=h, json={"name": "Op Gorse"}).json()["id"]
    r = client.post(
        f"/api/cases/{cid}/documents",
        headers=h,
        files=[("files", ("statement.txt", PAGE.encode(), "text/plain"))],
    )
    job = wait_job(client, r.json()["job_id"], h)
    assert job["status"] == "done", job
    sugs = client.get(f"/api/cases/{cid}/suggestions", headers=h).json()
    assert len(sugs) == 2  # the text really went through the review
    for s in sugs:
        c = s["citations"][0]
        client.get(f"/api/cases/{cid}/documents/{c['document_id']}/pages/{c['page']}", headers=h)
        client.post(
            f"/api/cases/{cid}/suggestions/{s['id']}/decisions",
            headers={**h, "If-Match": s["etag"]},
            json={"action": "accept"},
        )
    assert client.get(f"/api/cases/{cid}/search?q=QUARTERMAINE", headers=h).json()
    client.get(f"/api/cases/{cid}/export?format=report", headers=h)

    records = [r for r in caplog.records if not r.name.startswith("httpx")]  # the test's client
    text = "\n".join(f"{r.name} {r.getMessage()}" for r in records)
    assert "job" in text and "worker" in text  # the worker's lines were captured too
    for marker in MARKERS:
        assert marker not in text, f"case text {marker!r} in the logs"
    assert not re.search(r"q=", text)  # no query strings in the access log
