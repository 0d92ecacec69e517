"""Helpers shared by the API tests (users, logins, seeded cases, waiting for a job)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient

from api.settings import ApiSettings
from assistant.types import Citation, Document, Page, Suggestion
from assistant.workbench import auth
from assistant.workbench.clock import now_iso
from assistant.workbench.store import (
    NewFile,
    ensure_blob,
    merge_suggestions,
    register_files,
    store_document_pages,
)
from assistant.workbench.tables import Assignment, Case, Job, User

HERE = Path(__file__).resolve().parent
FAKE_DETECTORS = f"{HERE / 'api_fake_detectors.py'}:detectors"
PASSWORD = "correct-horse-battery"


def make_settings(data_dir: Path, url: str, **kw: Any) -> ApiSettings:
    base: dict[str, Any] = dict(
        data_dir=data_dir,
        database_url=url,
        detectors=FAKE_DETECTORS,
        build_index=False,
        secret_key="test-secret-" + "x" * 40,
        admin_username="admin",
        admin_password=PASSWORD,
        admin_must_change_password=False,  # tests log in as the admin straight away
        env="development",
        job_timeout_s=120,
        # Real argon2id, at a cost that keeps a test run fast (production refuses this).
        password_hash_time_cost=1,
        password_hash_memory_kib=1024,
    )
    base.update(kw)
    return ApiSettings(**base)


# --- helpers ----------------------------------------------------------------------------------
def add_user(app: FastAPI, username: str, role: str = "reviewer") -> None:
    with app.state.sessions() as s:  # the app has set the (test) hash cost
        auth.create_user(s, username, PASSWORD, role, by="test")
        s.commit()


def login(client: TestClient, username: str, password: str = PASSWORD) -> dict[str, str]:
    r = client.post("/api/auth/login", json={"username": username, "password": password})
    assert r.status_code == 200, r.text
    client.cookies.clear()  # tests authenticate explicitly with the bearer token
    return {"Authorization": f"Bearer {r.json()['token']}"}


def seed_case(
    app: FastAPI, name: str, owner: str, pages: dict[str, list[str]] | None = None
) -> dict[str, Any]:
    """A reviewed case made directly through the storage services (no worker): documents
    with pages, and one model suggestion per page citing its first sentence."""
    pages = pages or {
        "log.txt": [
            "CCTV was requested from the shop. It was never viewed.",
            "Mark DOE was not interviewed. The case was closed.",
        ],
    }
    blobs = app.state.blobs
    with app.state.sessions() as s:
        user = s.query(User).filter_by(username=owner).one()
        case = Case(name=name, created_at=now_iso(), created_by=owner)
        s.add(case)
        s.flush()
        s.add(
            Assignment(case_id=case.id, user_id=user.id, assigned_at=now_iso(), assigned_by="test")
        )
        job = Job(
            case_id=case.id,
            status="done",
            stage="done",
            done=1,
            total=1,
            errors=[],
            created_at=now_iso(),
            created_by=owner,
        )
        s.add(job)
        s.flush()
        files, docs = [], []
        for doc_name, texts in pages.items():
            data = "\f".join(texts).encode()
            sha, size = blobs.put_bytes(data)
            ensure_blob(s, sha, size)
            files.append(NewFile(doc_name, sha, size, "txt"))
            docs.append(
                Document(doc_name, sha, "txt", [Page(i + 1, t) for i, t in enumerate(texts)])
            )
        rows, _ = register_files(s, case, files, job_id=job.id, by=owner)
        sugs = []
        for row, doc in zip(rows, docs, strict=True):
            store_document_pages(s, row, doc)
            for p in doc.pages:
                end = p.text.index(".") + 1
                sugs.append(
                    Suggestion(
                        type="unfollowed_inquiry",
                        kind="other",
                        title=f"Check {doc.name} p{p.number}",
                        rationale="seeded",
                        confidence=0.5 + 0.1 * p.number,
                        citations=[Citation(doc.name, p.number, 0, end, p.text[:end])],
                        detector="seed",
                        detector_version="1",
                    )
                )
        merge_suggestions(s, case, sugs)
        case.screening = {
            "in_scope": True,
            "reasons": ["seeded"],
            "suspects": 2,
            "victims": 1,
            "rape_alleged": False,
            "priority": 2,
        }
        case.versions = {"seed": "1"}
        s.commit()
        return {
            "id": case.id,
            "doc_ids": [r.id for r in rows],
            "sids": [x.id for x in sugs],
            "job_id": job.id,
        }


def wait_job(
    client: TestClient, job_id: int, headers: dict[str, str], timeout: float = 90
) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        r = client.get(f"/api/jobs/{job_id}", headers=headers)
        assert r.status_code == 200, r.text
        body: dict[str, Any] = r.json()
        if body["status"] in ("done", "failed"):
            return body
        if time.monotonic() > deadline:
            raise AssertionError(f"job {job_id} did not finish: {body}")
        time.sleep(0.2)


def png_bytes(text: str = "scanned page", size: tuple[int, int] = (400, 200)) -> bytes:
    import io

    from PIL import Image, ImageDraw

    im = Image.new("L", size, 255)
    ImageDraw.Draw(im).text((10, 10), text, fill=0)
    buf = io.BytesIO()
    im.save(buf, "PNG")
    return buf.getvalue()


def seed_image_doc(app: FastAPI, case_id: int, owner: str, name: str = "scan.png") -> int:
    """A scanned page already 'ingested': the PNG stored, its page text and one word box."""
    from assistant.types import Box

    data = png_bytes()
    with app.state.sessions() as s:
        case = s.get(Case, case_id)
        assert case is not None
        sha, size = app.state.blobs.put_bytes(data)
        ensure_blob(s, sha, size)
        rows, _ = register_files(
            s, case, [NewFile(name, sha, size, "image")], job_id=None, by=owner
        )
        page = Page(
            1,
            "scanned page",
            ocr=True,
            ocr_confidence=91.0,
            width=400,
            height=200,
            boxes=[Box(0, 7, 0.02, 0.05, 0.2, 0.12), Box(8, 12, 0.22, 0.05, 0.3, 0.12)],
        )
        store_document_pages(s, rows[0], Document(name, sha, "image", [page]))
        s.commit()
        return rows[0].id
