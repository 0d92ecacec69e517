"""Documents of a case: upload (checks, storage by hash, a queued job), pages, page images.

Uploads are checked before anything parses them (``uploads``); the accepted originals are
stored once by SHA-256 (``blobs``) and processed by a job in a separate process (``jobs``).
Page images and the word boxes of digital pages are made the first time a page is shown and
kept (image files in the data directory's cache, boxes in the database).
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Iterable
from pathlib import Path
from typing import Any, BinaryIO

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from assistant.errors import BadRequest, NotFound
from assistant.nlp.sensitive import sensitive_spans
from assistant.workbench import audit, cases
from assistant.workbench.blobs import BlobStore
from assistant.workbench.clock import now_iso
from assistant.workbench.db import writing
from assistant.workbench.store import (
    MEDIA_SUFFIX,
    NewFile,
    ensure_blob,
    register_files,
    register_rejected,
)
from assistant.workbench.tables import Case, DocumentRow, Job, PageRow, User
from assistant.workbench.uploads import Accepted, Rejected, UploadLimits, check_upload

log = logging.getLogger("assistant.workbench")


def doc_dict(d: DocumentRow) -> dict[str, Any]:
    return {
        "id": d.id,
        "name": d.name,
        "pages": d.pages,
        "ocr": d.ocr,
        "sha256": d.sha256,
        "media_type": d.media_type,
        "size": d.size,
        "status": d.status,
        "error": d.error,
        "error_code": d.error_code,
        "job_id": d.job_id,
        "uploaded_by": d.uploaded_by,
        "created_at": d.created_at,
    }


def list_documents(session: Session, user: User, case: Case) -> list[dict[str, Any]]:
    rows = session.execute(
        select(DocumentRow).where(DocumentRow.case_id == case.id).order_by(DocumentRow.name)
    ).scalars()
    out = [doc_dict(d) for d in rows]
    audit.record_now(
        session, "view_documents", actor=user.username, case_id=case.id, detail={"count": len(out)}
    )
    return out


def job_dict(j: Job) -> dict[str, Any]:
    return {
        "id": j.id,
        "case_id": j.case_id,
        "status": j.status,
        "stage": j.stage,
        "done": j.done,
        "total": j.total,
        "errors": list(j.errors or []),
        "message": j.message,
        "error": j.message if j.status == "failed" else None,
        "created_at": j.created_at,
        "started_at": j.started_at,
        "finished_at": j.finished_at,
    }


def upload(
    session: Session,
    user: User,
    case: Case,
    files: Iterable[tuple[str, BinaryIO, int]],
    *,
    blobs: BlobStore,
    limits: UploadLimits,
) -> Job:
    """Check and store uploaded files and queue a job to process them (commits).

    Files that fail a check are recorded (document status ``failed``, and in the job's
    errors); the rest are processed. The caller hands the job to the job runner.
    """
    checked = check_upload(files, limits)
    if not checked:
        raise BadRequest("No files were received. Choose one or more files, or a ZIP.")
    # Store the originals first (files on disk, no database lock held), then record them all
    # in one short write transaction.
    stored: list[NewFile | Rejected] = []
    for item in checked:
        if isinstance(item, Accepted):
            sha, size = blobs.put_file(item.stream)
            stored.append(NewFile(item.name, sha, size, item.media_type))
        else:
            stored.append(item)
    with writing(session):
        return _record_upload(session, user, case, stored)


def _record_upload(
    session: Session, user: User, case: Case, stored: list[NewFile | Rejected]
) -> Job:
    job = Job(
        case_id=case.id,
        status="queued",
        stage="queued",
        done=0,
        total=0,
        errors=[],
        created_at=now_iso(),
        created_by=user.username,
    )
    session.add(job)
    session.flush()
    new: list[NewFile] = []
    errors: list[dict[str, str]] = []
    for item in stored:
        if isinstance(item, NewFile):
            ensure_blob(session, item.sha256, item.size)
            new.append(item)
        else:
            register_rejected(
                session, case, item.name, item.code, item.reason, job_id=job.id, by=user.username
            )
            errors.append(item.to_dict())
    queued, notes = register_files(session, case, new, job_id=job.id, by=user.username)
    job.errors = errors + notes
    job.total = len(queued)
    if not queued:
        job.status = "failed" if errors else "done"
        job.stage = "done"
        job.finished_at = now_iso()
        job.message = (
            "None of the files could be processed."
            if errors
            else "Nothing new to process: these files are already in the case."
        )
    audit.record(
        session,
        "upload",
        actor=user.username,
        case_id=case.id,
        target=f"job:{job.id}",
        detail={"accepted": len(queued), "rejected": len(errors), "duplicates": len(notes)},
    )
    session.commit()
    log.info(
        "upload case=%s job=%s accepted=%d rejected=%d", case.id, job.id, len(queued), len(errors)
    )
    return job


def get_document(session: Session, case: Case, doc_id: int) -> DocumentRow:
    doc = session.execute(
        select(DocumentRow).where(DocumentRow.id == doc_id, DocumentRow.case_id == case.id)
    ).scalar_one_or_none()
    if doc is None:
        raise NotFound(f"There is no document {doc_id} in this case.")
    return doc


def get_page_row(session: Session, doc: DocumentRow, number: int) -> PageRow:
    if doc.status != "ready":
        raise NotFound(f"{doc.name} has no pages to show yet (status: {doc.status}).")
    page = session.execute(
        select(PageRow).where(PageRow.document_id == doc.id, PageRow.number == number)
    ).scalar_one_or_none()
    if page is None:
        raise NotFound(f"{doc.name} has no page {number} (it has {doc.pages}).")
    return page


def named_path(data_dir: Path, blobs: BlobStore, doc: DocumentRow) -> Path:
    """The stored original under a name with its real extension (a link into the blob store).

    The ingest functions choose a handler by content and name; the blob itself has neither
    name nor extension, so they are given this link.
    """
    ext = Path(doc.name).suffix.lower() or MEDIA_SUFFIX.get(doc.media_type, "")
    link = data_dir / "cache" / "files" / f"{doc.sha256}{ext}"
    if not link.exists():
        link.parent.mkdir(parents=True, exist_ok=True)
        tmp = link.with_name(link.name + f".{os.getpid()}.{threading.get_ident()}.tmp")
        try:
            os.symlink(blobs.path(doc.sha256), tmp)
            os.replace(tmp, link)
        except OSError:
            if tmp.is_symlink():
                tmp.unlink()
            blobs.copy_to(doc.sha256, link)
    return link


def _lazy_boxes(page: PageRow, doc: DocumentRow, path: Path) -> list[list[float]] | None:
    """Word boxes of a digital page, made once (the review skips them: too slow for 200 pages)."""
    if page.boxes is not None or doc.media_type != "pdf":
        return None
    try:
        from assistant.ingest import page_boxes
    except ImportError:
        return None
    try:
        boxes = page_boxes(path, page.number)
    except Exception as e:  # noqa: BLE001 - a page without boxes still shows its text
        log.warning("boxes failed doc=%s page=%s: %s", doc.id, page.number, type(e).__name__)
        return None
    return [
        [b.start, b.end, round(b.x0, 5), round(b.y0, 5), round(b.x1, 5), round(b.y1, 5)]
        for b in boxes
    ]


def page_payload(
    session: Session,
    user: User,
    case: Case,
    doc_id: int,
    number: int,
    *,
    data_dir: Path,
    blobs: BlobStore,
) -> dict[str, Any]:
    doc = get_document(session, case, doc_id)
    page = get_page_row(session, doc, number)
    if page.boxes is None:
        boxes = _lazy_boxes(page, doc, named_path(data_dir, blobs, doc))
        if boxes is not None:
            with writing(session):
                session.execute(update(PageRow).where(PageRow.id == page.id).values(boxes=boxes))
            page.boxes = boxes
    audit.record_now(
        session,
        "view_page",
        actor=user.username,
        case_id=case.id,
        target=f"doc:{doc.id}/page:{number}",
    )
    return {
        "document": doc.name,
        "document_id": doc.id,
        "page": page.number,
        "pages": doc.pages,
        "text": page.text,
        "width": page.width,
        "height": page.height,
        "ocr": page.ocr,
        "ocr_confidence": page.ocr_confidence,
        "warnings": list(page.warnings or []),
        "has_image": has_image(doc, page),
        "boxes": [
            {"start": int(b[0]), "end": int(b[1]), "x0": b[2], "y0": b[3], "x1": b[4], "y1": b[5]}
            for b in (page.boxes or [])
        ],
        "sensitive": [{"start": s, "end": e} for s, e in sensitive_spans(page.text)],
    }


def has_image(doc: DocumentRow, page: PageRow) -> bool:
    return doc.media_type in ("pdf", "image") and page.width > 0


def page_image(
    session: Session,
    user: User,
    case: Case,
    doc_id: int,
    number: int,
    *,
    data_dir: Path,
    blobs: BlobStore,
) -> Path:
    """A PNG of the page, rendered once and cached under the data directory."""
    doc = get_document(session, case, doc_id)
    page = get_page_row(session, doc, number)
    if not has_image(doc, page):
        raise NotFound(
            f"{doc.name} is a text document: it has no page image. Read its text instead."
        )
    out = data_dir / "cache" / "pages" / f"{doc.sha256}-{number}.png"
    if not out.is_file():
        try:
            from assistant.ingest import render_page_png
        except ImportError as e:
            raise NotFound("Page images are not available on this installation.") from e
        try:
            png = render_page_png(named_path(data_dir, blobs, doc), number)
        except Exception as e:  # noqa: BLE001 - the page text is still there to read
            log.warning("page image failed doc=%s page=%s: %s", doc.id, number, type(e).__name__)
            raise NotFound(
                f"The image of page {number} of {doc.name} could not be drawn; read its text instead."
            ) from None
        out.parent.mkdir(parents=True, exist_ok=True)
        tmp = out.with_name(out.name + f".{os.getpid()}.{threading.get_ident()}.tmp")
        tmp.write_bytes(png)
        os.replace(tmp, out)
    audit.record_now(
        session,
        "view_image",
        actor=user.username,
        case_id=case.id,
        target=f"doc:{doc.id}/page:{number}",
    )
    return out


def list_jobs(session: Session, user: User, case: Case) -> list[dict[str, Any]]:
    """The case's processing jobs, newest first (audited as viewed)."""
    rows = session.execute(select(Job).where(Job.case_id == case.id).order_by(Job.id.desc())).scalars()
    out = [job_dict(j) for j in rows]
    audit.record_now(session, "view_jobs", actor=user.username, case_id=case.id, detail={"count": len(out)})
    return out


def job_for(session: Session, user: User, job_id: int) -> Job:
    """A processing job of a case ``user`` may open; NotFound otherwise (never confirming that
    a job of another case exists)."""
    job = session.get(Job, job_id)
    if job is None:
        raise NotFound(f"There is no processing job {job_id} that you can see.")
    try:
        cases.open_case(session, user, job.case_id, what=f"/api/jobs/{job_id}")
    except NotFound:
        raise NotFound(f"There is no processing job {job_id} that you can see.") from None
    return job
