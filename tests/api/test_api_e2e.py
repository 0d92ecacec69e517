"""End to end with the real pipeline: a digital PDF and a text file uploaded over HTTP are
ingested, reviewed by the real detectors and indexed in the worker; then the page (with its
lazily made word boxes), the page image, suggestions and a search by meaning are served.
SQLite only; loads the real models once (the slowest API test)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from apiutil import add_user, login, make_settings, wait_job
from fastapi import FastAPI
from fastapi.testclient import TestClient

from api.app import create_app

pytestmark = pytest.mark.slow

PAGES = [
    "Action 12: Obtain CCTV from the Harbour Street newsagent for the night of 4 May 2018.\n"
    "Update: request sent to the shop. No further update recorded.",
    "The suspect Daniel ROOKE was identified from the vehicle registration.\n"
    "No arrest or interview of ROOKE is recorded. The investigation was filed (outcome 16).",
]


def _pdf() -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4, invariant=1)
    for text in PAGES:
        y = 780
        for line in text.split("\n"):
            c.drawString(60, y, line)
            y -= 18
        c.showPage()
    c.save()
    return buf.getvalue()


@pytest.fixture
def app(tmp_path: Path, sqlite_url: str) -> FastAPI:
    return create_app(
        make_settings(
            tmp_path / "data", sqlite_url, detectors="default", build_index=True, job_timeout_s=300
        )
    )


def test_real_pipeline_end_to_end(client: TestClient, app: FastAPI) -> None:
    add_user(app, "alice")
    h = login(client, "alice")
    cid = client.post("/api/cases", headers=h, json={"name": "Op Maple"}).json()["id"]
    note = b"Strategy meeting: the girl was described as putting herself at risk by going out."
    r = client.post(
        f"/api/cases/{cid}/documents",
        headers=h,
        files=[
            ("files", ("actions.pdf", _pdf(), "application/pdf")),
            ("files", ("minutes.txt", note, "text/plain")),
        ],
    )
    job = wait_job(client, r.json()["job_id"], h, timeout=240)
    assert job["status"] == "done" and job["errors"] == [], job
    docs = {d["name"]: d for d in client.get(f"/api/cases/{cid}/documents", headers=h).json()}
    assert docs["actions.pdf"]["pages"] == 2 and docs["actions.pdf"]["media_type"] == "pdf"

    sugs = client.get(f"/api/cases/{cid}/suggestions", headers=h).json()
    assert sugs, "the real detectors found nothing"
    for s in sugs:
        for c in s["citations"]:
            page = client.get(
                f"/api/cases/{cid}/documents/{c['document_id']}/pages/{c['page']}", headers=h
            ).json()
            assert page["text"][c["start"] : c["end"]] == c["quote"]

    pdf = docs["actions.pdf"]["id"]
    page = client.get(f"/api/cases/{cid}/documents/{pdf}/pages/1", headers=h).json()
    assert page["has_image"] and page["boxes"], "no word boxes for a digital page"
    for b in page["boxes"]:
        assert 0 <= b["x0"] < b["x1"] <= 1 and 0 <= b["y0"] < b["y1"] <= 1
        assert page["text"][b["start"] : b["end"]].strip()
    img = client.get(f"/api/cases/{cid}/documents/{pdf}/pages/1/image", headers=h)
    assert img.status_code == 200 and img.headers["content-type"] == "image/png"
    assert img.content.startswith(b"\x89PNG")
    txt = docs["minutes.txt"]["id"]
    assert (
        client.get(f"/api/cases/{cid}/documents/{txt}/pages/1/image", headers=h).status_code == 404
    )

    hits = client.get(
        f"/api/cases/{cid}/search",
        headers=h,
        params={"q": "footage from a shop camera", "mode": "meaning", "k": 3},
    ).json()
    assert hits and all(x["document_id"] == pdf for x in hits)
    assert any("CCTV" in x["quote"] for x in hits)
    words = client.get(f"/api/cases/{cid}/search", headers=h, params={"q": "rooke"}).json()
    assert words and all("ROOKE" in w["quote"] for w in words)
