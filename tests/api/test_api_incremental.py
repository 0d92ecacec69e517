"""A new upload reviews its new files without reading again the files already read, and a huge
page (a text file with no page breaks) is refused as too large in seconds instead of costing a
minute on every later upload (issue 9 point 5). The job runs in this process (the runner's own
worker process is held back) so the files each job reads can be counted."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from apiutil import add_user, login, make_settings
from fastapi import FastAPI
from fastapi.testclient import TestClient

import assistant.ingest
from api.app import create_app
from assistant.workbench import worker


@pytest.fixture
def app(tmp_path: Path, sqlite_url: str) -> Iterator[FastAPI]:
    application = create_app(make_settings(tmp_path / "data", sqlite_url, max_page_chars=1_000_000))
    application.state.runner.enqueue = lambda job_id: None  # the test runs each job itself
    yield application
    application.state.engine.dispose()


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    """The names each job's ingest step was asked to read."""
    calls: list[list[str]] = []
    real = assistant.ingest.ingest_paths

    def counting(paths: Any, *, names: Any = None, **kw: Any) -> Any:
        calls.append(list(names or [Path(p).name for p in paths]))
        return real(paths, names=names, **kw)

    monkeypatch.setattr(worker, "ingest_paths", counting)  # the name the job worker calls
    return calls


def _upload_and_run(
    client: TestClient, app: FastAPI, h: dict[str, str], cid: int, name: str, data: bytes
) -> tuple[dict[str, Any], Any, float]:
    r = client.post(
        f"/api/cases/{cid}/documents", headers=h, files=[("files", (name, data, "text/plain"))]
    )
    assert r.status_code == 202, r.text
    job_id = r.json()["job_id"]
    worker.QUIET = True
    t0 = time.monotonic()
    review, _ = worker.run_job(dict(app.state.settings.worker_config(), job_id=job_id))
    took = time.monotonic() - t0
    job = client.get(f"/api/jobs/{job_id}", headers=h).json()
    return job, review, took


def test_a_new_upload_reads_only_its_new_files(
    client: TestClient, app: FastAPI, reads: list[list[str]]
) -> None:
    add_user(app, "alice")
    h = login(client, "alice")
    cid = client.post("/api/cases", headers=h, json={"name": "Op Rowan"}).json()["id"]
    job, review, _ = _upload_and_run(
        client, app, h, cid, "first.txt", b"CCTV was requested from the garage."
    )
    assert job["status"] == "done" and reads == [["first.txt"]]
    job, review, _ = _upload_and_run(
        client, app, h, cid, "second.txt", b"The phone was never downloaded."
    )
    assert job["status"] == "done"
    assert reads == [["first.txt"], ["second.txt"]]  # first.txt was not read again
    # ... and the detectors still saw the whole case.
    assert sorted(d.name for d in review.documents) == ["first.txt", "second.txt"]
    docs = client.get(f"/api/cases/{cid}/documents", headers=h).json()
    assert [(d["name"], d["status"]) for d in docs] == [
        ("first.txt", "ready"),
        ("second.txt", "ready"),
    ]


def test_a_huge_one_line_text_fails_fast_as_too_large(
    client: TestClient, app: FastAPI, reads: list[list[str]]
) -> None:
    add_user(app, "alice")
    h = login(client, "alice")
    cid = client.post("/api/cases", headers=h, json={"name": "Op Hazel"}).json()["id"]
    line = (b"CCTV was requested from the garage and never viewed " * 100_000)[:5_000_000]
    job, review, took = _upload_and_run(client, app, h, cid, "export.txt", line)
    assert took < 20, took
    doc = client.get(f"/api/cases/{cid}/documents", headers=h).json()[0]
    assert (doc["status"], doc["error_code"]) == ("failed", "too_large"), doc
    assert "characters" in doc["error"] and "5,000,000" in doc["error"]
    assert job["errors"][0]["code"] == "too_large"
    # The next upload to the case neither reads it again nor reviews it.
    job, review, took = _upload_and_run(client, app, h, cid, "note.txt", b"A short note.")
    assert job["status"] == "done" and reads[-1] == ["note.txt"]
    assert [d.name for d in review.documents] == ["note.txt"]
    assert took < 10, took
