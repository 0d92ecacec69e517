"""Uploads: checks before parsing (table-driven, on real bytes), then the full path through
HTTP: upload -> worker process -> pages and suggestions stored; a second upload re-reviews
the case and keeps every decision; a vanished suggestion is kept and flagged stale."""

from __future__ import annotations

import io
import zipfile
from typing import Any

import pytest
from apiutil import add_user, login, png_bytes, wait_job
from fastapi import FastAPI
from fastapi.testclient import TestClient

from assistant.workbench.store import merge_suggestions
from assistant.workbench.tables import Case
from assistant.workbench.uploads import Accepted, Rejected, UploadLimits, check_file


def _zip(members: dict[str, bytes], *, compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buf.getvalue()


def _docx() -> bytes:
    import docx

    d = docx.Document()
    d.add_paragraph("Statement of witness.")
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def _pdf(pages: int = 1) -> bytes:
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    for i in range(pages):
        c.drawString(72, 720, f"Page {i + 1}: CCTV was requested.")
        c.showPage()
    c.save()
    return buf.getvalue()


def _tiff() -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("L", (50, 50), 255).save(buf, "TIFF")
    return buf.getvalue()


def _encrypted_zip() -> bytes:
    data = bytearray(_zip({"a.txt": b"hello"}, compression=zipfile.ZIP_STORED))
    # Set the "encrypted" flag bit in the local and central headers (what a protected ZIP has).
    for sig in (b"PK\x03\x04", b"PK\x01\x02"):
        i = data.index(sig)
        off = i + (6 if sig == b"PK\x03\x04" else 8)
        data[off] |= 0x1
    return bytes(data)


SMALL = UploadLimits(
    max_file_bytes=200_000,
    max_pages=3,
    max_image_pixels=100_000,
    zip_max_members=20,
    zip_max_total_bytes=1_000_000,
    zip_max_ratio=50,
)

# (name, bytes, expected: list of (name, media type or error code))
CASES: list[tuple[str, bytes, list[tuple[str, str]]]] = [
    ("log.pdf", _pdf(), [("log.pdf", "pdf")]),
    ("renamed.txt", _pdf(), [("renamed.txt", "pdf")]),  # the content decides, not the name
    ("long.pdf", _pdf(5), [("long.pdf", "too_large")]),
    ("scan.png", png_bytes(), [("scan.png", "image")]),
    ("huge.png", png_bytes(size=(400, 300)), [("huge.png", "too_large")]),
    ("photo.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 20, [("photo.jpg", "corrupt")]),
    ("scan.tif", _tiff(), [("scan.tif", "image")]),
    ("statement.docx", _docx(), [("statement.docx", "docx")]),
    ("notes.txt", "Caf\u00e9 notes.\fPage two.".encode("cp1252"), [("notes.txt", "txt")]),
    ("notes.csv", b"a,b\n1,2\n", [("notes.csv", "unsupported")]),
    ("tool.exe", b"MZ\x90\x00" + b"\x00" * 100, [("tool.exe", "unsupported")]),
    ("empty.pdf", b"", [("empty.pdf", "empty")]),
    ("big.txt", b"x" * 200_001, [("big.txt", "too_large")]),
    ("../../etc/passwd.txt", b"root", [("passwd.txt", "txt")]),  # folders stripped from names
    (
        "bundle.zip",
        _zip(
            {
                "case/a.txt": b"CCTV.",
                "case/b.pdf": _pdf(),
                "__MACOSX/._a.txt": b"x",
                "case/.hidden": b"x",
                "case/inner.zip": _zip({"x.txt": b"x"}),
            }
        ),
        [
            (".hidden", "unsupported"),
            ("a.txt", "txt"),
            ("b.pdf", "pdf"),
            ("inner.zip", "unsupported"),
        ],
    ),
    ("stored.zip", _zip({"a.pdf": _pdf()}, compression=zipfile.ZIP_STORED), [("a.pdf", "pdf")]),
    ("junk-first.pdf", b"\r\n%%junk\n" + _pdf(), [("junk-first.pdf", "pdf")]),
    ("slip.zip", _zip({"../../evil.txt": b"x"}), [("slip.zip", "unsafe_zip")]),
    ("bomb.zip", _zip({"zeros.txt": b"0" * 2_100_000}), [("bomb.zip", "unsafe_zip")]),
    ("many.zip", _zip({f"f{i}.txt": b"x" for i in range(21)}), [("many.zip", "unsafe_zip")]),
    ("locked.zip", _encrypted_zip(), [("locked.zip", "encrypted")]),
    ("broken.zip", b"PK\x03\x04garbage", [("broken.zip", "corrupt")]),
]


@pytest.mark.parametrize(("name", "data", "expected"), CASES, ids=[c[0] for c in CASES])
def test_checks_before_parsing(name: str, data: bytes, expected: list[tuple[str, str]]) -> None:
    limits = SMALL
    if name == "bomb.zip":  # the ratio guard, not the size guard
        limits = UploadLimits(max_file_bytes=10**7, zip_max_ratio=50, zip_max_members=5)
    out = check_file(name, io.BytesIO(data), len(data), limits)
    got = [(o.name, o.media_type if isinstance(o, Accepted) else o.code) for o in out]
    assert got == expected
    for o in out:
        if isinstance(o, Rejected):
            assert o.reason and o.reason[0].islower() or o.reason[0].isupper()


def _upload(client: TestClient, cid: int, h: dict[str, str], files: list[tuple[str, bytes]]) -> Any:
    return client.post(
        f"/api/cases/{cid}/documents",
        headers=h,
        files=[("files", (n, d, "application/octet-stream")) for n, d in files],
    )


def test_upload_review_and_re_review_keep_decisions(client: TestClient, app: FastAPI) -> None:
    add_user(app, "alice")
    h = login(client, "alice")
    cid = client.post("/api/cases", headers=h, json={"name": "Op Cedar"}).json()["id"]
    first = ("log.txt", b"CCTV was requested from the shop.\fJohn SMITH was not interviewed.")
    r = _upload(client, cid, h, [first, ("virus.exe", b"MZ\x90\x00binary")])
    assert r.status_code == 202, r.text
    assert [e["document"] for e in r.json()["errors"]] == ["virus.exe"]
    job = wait_job(client, r.json()["job_id"], h)
    assert job["status"] == "done" and job["stage"] == "done", job
    docs = {d["name"]: d for d in client.get(f"/api/cases/{cid}/documents", headers=h).json()}
    assert docs["log.txt"]["status"] == "ready" and docs["log.txt"]["pages"] == 2
    assert (
        docs["virus.exe"]["status"] == "failed" and "not a supported" in docs["virus.exe"]["error"]
    )
    sugs = client.get(f"/api/cases/{cid}/suggestions", headers=h).json()
    assert {(s["type"], s["citations"][0]["page"]) for s in sugs} == {
        ("unfollowed_inquiry", 1),
        ("missing_interview", 2),
    }
    for s in sugs:  # the citation round-trips into the served page text
        c = s["citations"][0]
        page = client.get(
            f"/api/cases/{cid}/documents/{c['document_id']}/pages/{c['page']}", headers=h
        ).json()
        assert page["text"][c["start"] : c["end"]] == c["quote"]
    cctv = next(s for s in sugs if s["type"] == "unfollowed_inquiry")
    r = client.post(
        f"/api/cases/{cid}/suggestions/{cctv['id']}/decisions",
        headers={**h, "If-Match": cctv["etag"]},
        json={"action": "accept"},
    )
    assert r.status_code == 200

    # More files: the case is reviewed again; the decision and the id stay.
    r = _upload(client, cid, h, [("more.txt", b"CCTV from the bus was never seized."), first])
    body = r.json()
    assert [e["code"] for e in body["errors"]] == ["duplicate"]
    job = wait_job(client, body["job_id"], h)
    assert job["status"] == "done", job
    after = {s["id"]: s for s in client.get(f"/api/cases/{cid}/suggestions", headers=h).json()}
    assert len(after) == 3
    assert after[cctv["id"]]["status"] == "accepted" and after[cctv["id"]]["version"] == 2
    hist = client.get(f"/api/cases/{cid}/suggestions/{cctv['id']}/history", headers=h).json()
    assert [d["action"] for d in hist] == ["accepted"]

    # A review that no longer makes a suggestion: it is kept, flagged stale, with its decision.
    with app.state.sessions() as db:
        merge_suggestions(db, db.get(Case, cid), [])
        db.commit()
    gone = client.get(f"/api/cases/{cid}/suggestions/{cctv['id']}", headers=h).json()
    assert gone["stale"] is True and gone["status"] == "accepted"
    assert client.get(f"/api/cases/{cid}/suggestions?stale=false", headers=h).json() == []
    # The same name with new content is added as "log (2).txt", never replacing log.txt (whose
    # text the citations quote); the case is reviewed again and the suggestion is back.
    r = _upload(client, cid, h, [("log.txt", b"CCTV was viewed: NEV. Nothing else.")])
    assert wait_job(client, r.json()["job_id"], h)["status"] == "done"
    names = sorted(d["name"] for d in client.get(f"/api/cases/{cid}/documents", headers=h).json())
    assert names == ["log (2).txt", "log.txt", "more.txt", "virus.exe"]
    again = client.get(f"/api/cases/{cid}/suggestions/{cctv['id']}", headers=h).json()
    assert again["stale"] is False and again["status"] == "accepted" and again["version"] == 2


def test_upload_limits_over_http(client: TestClient, app: FastAPI) -> None:
    add_user(app, "alice")
    h = login(client, "alice")
    cid = client.post("/api/cases", headers=h, json={"name": "Op Elm"}).json()["id"]
    r = _upload(client, cid, h, [("slip.zip", _zip({"../evil.txt": b"x"})), ("e.txt", b"")])
    # No file accepted: 422, each file with why it was refused (issue 9, point 10).
    assert r.status_code == 422
    assert {e["code"] for e in r.json()["files"]} == {"unsafe_zip", "empty"}
    job = client.get(f"/api/jobs/{r.json()['job_id']}", headers=h).json()
    assert job["status"] == "failed" and job["error"] == "None of the files could be processed."
    r = client.post(f"/api/cases/{cid}/documents", headers=h, data={"x": "1"})
    assert r.status_code == 422 and "files" in r.json()["detail"]
    # The request-size limit answers 413 before anything is read.
    app.state.settings  # noqa: B018 - the limit is set in the app's middleware
    r = client.post(
        f"/api/cases/{cid}/documents",
        headers={
            **h,
            "Content-Length": str(2 * 2**30),
            "Content-Type": "multipart/form-data; boundary=x",
        },
        content=b"--x--",
    )
    assert r.status_code == 413 and "limit" in r.json()["detail"]
