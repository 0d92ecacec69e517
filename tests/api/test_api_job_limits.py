"""Issue 9 point 5, through the job worker: every parse of an uploaded file runs in an ingest
worker process under a memory limit (RLIMIT_AS) and a time limit, the PDF check before the
parse included, so a bomb fails as ``too_large`` in seconds and neither the job worker (which
holds the models) nor the server is touched."""

from __future__ import annotations

import io
import time
from pathlib import Path

import pytest
from apiutil import add_user, login, make_settings, wait_job
from fastapi.testclient import TestClient

from api.app import create_app
from tests.test_ingest_bomb import flate_bomb_pdf


def _pdf(pages: int) -> bytes:
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    for i in range(pages):
        c.drawString(72, 720, f"Page {i + 1}: CCTV was requested.")
        c.showPage()
    c.save()
    return buf.getvalue()


def test_bomb_upload_fails_as_too_large_in_seconds(
    tmp_path: Path, sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The worker processes inherit the limit from the server's environment.
    monkeypatch.setenv("ASSISTANT_PARSE_MEMORY_MB", "512")
    app = create_app(make_settings(tmp_path / "data", sqlite_url))
    try:
        with TestClient(app) as client:
            add_user(app, "alice")
            h = login(client, "alice")
            cid = client.post("/api/cases", headers=h, json={"name": "Op Bomb"}).json()["id"]
            bomb = flate_bomb_pdf(1 << 30)  # 1 GB inflated from under 4 MB
            t0 = time.monotonic()
            r = client.post(
                f"/api/cases/{cid}/documents",
                headers=h,
                files=[
                    ("files", ("bomb.pdf", bomb, "application/pdf")),
                    ("files", ("log.txt", b"CCTV was requested from the shop.", "text/plain")),
                ],
            )
            assert r.status_code == 202, r.text
            job = wait_job(client, r.json()["job_id"], h, timeout=120)
            secs = time.monotonic() - t0
            assert job["status"] == "done", job
            assert client.get("/api/health").status_code == 200
            docs = {d["name"]: d for d in client.get(f"/api/cases/{cid}/documents", headers=h).json()}
            assert docs["bomb.pdf"]["status"] == "failed", docs["bomb.pdf"]
            assert "memory" in docs["bomb.pdf"]["error"], docs["bomb.pdf"]
            assert docs["log.txt"]["status"] == "ready"  # one bad file never stops a batch
            assert secs < 60, secs
    finally:
        app.state.engine.dispose()


def test_pdf_check_before_parsing_runs_in_a_limited_worker(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import pypdfium2

    from assistant.workbench import worker

    def not_here(*_a: object, **_k: object) -> None:
        raise AssertionError("the job worker opened a PDF itself, outside the ingest worker's limits")

    monkeypatch.setattr(pypdfium2, "PdfDocument", not_here)
    three = tmp_path / "three.pdf"
    three.write_bytes(_pdf(3))
    two = tmp_path / "two.pdf"
    two.write_bytes(_pdf(2))
    text = tmp_path / "notes.txt"
    text.write_text("not a PDF")
    files = [(three, "pdf", "three.pdf"), (two, "pdf", "two.pdf"), (text, "txt", "notes.txt")]

    refused = worker._precheck(files, {"max_pages": 2, "workers": 2})
    assert list(refused) == ["three.pdf"]
    assert refused["three.pdf"].code == "too_large" and "3 pages" in refused["three.pdf"].reason

    # Its time limit: a check that cannot finish in time refuses the file as a timeout.
    refused = worker._precheck(files[:1], {"max_pages": 2, "parse_timeout_s": 0.001})
    assert refused["three.pdf"].code == "timeout"
