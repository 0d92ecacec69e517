"""Storing reviews: documents, pages and suggestions of a case, merged so no decision is ever lost.

A case is reviewed again whenever files are added. Suggestion ids are stable hashes
(``assistant.types.suggestion_id``), so the same finding keeps its id, its decisions and its
version; a model suggestion that a later review no longer makes is flagged ``stale`` and
kept, never deleted. Pages already stored keep their text (citations index into it), so a
re-review reads stored pages and ingests only the new files.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from assistant.types import CaseReview, Document, FileError, Page, Suggestion
from assistant.workbench.clock import now_iso
from assistant.workbench.tables import Blob, Case, DocumentRow, PageRow, SuggestionRow


def case_key(case_id: int) -> str:
    """The name a case goes by on disk and in the pipeline (file-system safe, unlike its title)."""
    return f"case-{case_id}"


def safe_text(text: str) -> str:
    # PostgreSQL text cannot hold NUL; a same-length replacement keeps every offset valid.
    return text.replace("\x00", "\ufffd")


MEDIA_SUFFIX = {"pdf": ".pdf", "image": ".png", "docx": ".docx", "txt": ".txt"}


def media_type_for(name: str) -> str:
    ext = PurePath(name).suffix.lower()
    return {
        ".pdf": "pdf",
        ".png": "image",
        ".jpg": "image",
        ".jpeg": "image",
        ".tif": "image",
        ".tiff": "image",
        ".docx": "docx",
        ".txt": "txt",
    }.get(ext, "unknown")


@dataclass(slots=True)
class NewFile:
    name: str
    sha256: str
    size: int
    media_type: str


def ensure_blob(session: Session, sha256: str, size: int) -> None:
    if session.get(Blob, sha256) is None:
        session.add(Blob(sha256=sha256, size=size, stored_at=now_iso()))


def _unique_name(taken: set[str], name: str) -> str:
    if name not in taken:
        return name
    p = PurePath(name)
    i = 2
    while True:
        cand = f"{p.stem} ({i}){p.suffix}"
        if cand not in taken:
            return cand
        i += 1


def register_files(
    session: Session, case: Case, files: Sequence[NewFile], *, job_id: int | None, by: str
) -> tuple[list[DocumentRow], list[dict[str, str]]]:
    """Add uploaded files to a case as ``queued`` documents (the caller commits).

    Returns (documents to process, notes). The same content already in the case is not added
    twice (a note says so); a different file under a name already used gets " (2)" added,
    so earlier citations keep pointing at the file they quote.
    """
    existing = {
        d.name: d
        for d in session.execute(
            select(DocumentRow).where(DocumentRow.case_id == case.id)
        ).scalars()
    }
    by_sha = {d.sha256: d for d in existing.values() if d.status != "failed" and d.sha256}
    out: list[DocumentRow] = []
    notes: list[dict[str, str]] = []
    for f in files:
        same = by_sha.get(f.sha256)
        if same is not None:
            where = "" if same.name == f.name else f" as {same.name}"
            notes.append(
                {
                    "document": f.name,
                    "code": "duplicate",
                    "error": f"the same file is already in this case{where}; not added again.",
                }
            )
            continue
        row = existing.get(f.name)
        if row is not None and row.status == "failed":
            # A failed upload under this name: replace it (it has no pages and no citations).
            row.sha256, row.size, row.media_type = f.sha256, f.size, f.media_type
            row.status, row.error, row.error_code, row.job_id = "queued", None, None, job_id
            row.uploaded_by, row.created_at = by, now_iso()
        else:
            name = _unique_name(set(existing), f.name)
            row = DocumentRow(
                case_id=case.id,
                name=name,
                sha256=f.sha256,
                size=f.size,
                media_type=f.media_type,
                status="queued",
                pages=0,
                ocr=False,
                job_id=job_id,
                created_at=now_iso(),
                uploaded_by=by,
            )
            session.add(row)
            existing[name] = row
        by_sha[f.sha256] = row
        out.append(row)
    session.flush()
    return out, notes


def register_rejected(
    session: Session, case: Case, name: str, code: str, reason: str, *, job_id: int | None, by: str
) -> DocumentRow:
    """Record a file that failed the upload checks, so it shows in the case's document list."""
    existing = {
        d.name: d
        for d in session.execute(
            select(DocumentRow).where(DocumentRow.case_id == case.id)
        ).scalars()
    }
    row = existing.get(name)
    if row is None or row.status != "failed":
        row = DocumentRow(
            case_id=case.id,
            name=_unique_name(set(existing), name),
            sha256="",
            size=0,
            media_type=media_type_for(name),
            status="failed",
            pages=0,
            ocr=False,
            created_at=now_iso(),
            uploaded_by=by,
        )
        session.add(row)
    row.error_code, row.error, row.job_id = code, reason, job_id
    session.flush()
    return row


def _boxes_json(page: Page) -> list[list[float]] | None:
    if page.boxes:
        return [
            [b.start, b.end, round(b.x0, 5), round(b.y0, 5), round(b.x1, 5), round(b.y1, 5)]
            for b in page.boxes
        ]
    if page.width and not page.ocr:
        return None  # a digital page: boxes are computed the first time the page is shown
    return []


def store_document_pages(session: Session, row: DocumentRow, doc: Document) -> None:
    """Write a freshly ingested document's pages and mark it ready (the caller commits)."""
    for old in session.execute(select(PageRow).where(PageRow.document_id == row.id)).scalars():
        session.delete(old)  # only a document never made ready can have pages to replace
    session.flush()
    for p in doc.pages:
        session.add(
            PageRow(
                document_id=row.id,
                number=p.number,
                text=safe_text(p.text),
                width=p.width,
                height=p.height,
                ocr=p.ocr,
                ocr_confidence=p.ocr_confidence,
                boxes=_boxes_json(p),
                warnings=list(p.warnings) or None,
            )
        )
    row.pages = len(doc.pages)
    row.ocr = doc.ocr
    row.status = "ready"
    row.error = row.error_code = None
    if doc.media_type in ("pdf", "image", "docx", "txt"):
        row.media_type = doc.media_type


def mark_failed(row: DocumentRow, err: FileError) -> None:
    row.status = "failed"
    row.error_code = err.code
    row.error = err.reason


def load_documents(
    session: Session, case_id: int, *, exclude: Iterable[int] = ()
) -> list[Document]:
    """The case's ready documents, rebuilt from stored pages (their text never changes)."""
    skip = set(exclude)
    docs: list[Document] = []
    rows = session.execute(
        select(DocumentRow)
        .where(DocumentRow.case_id == case_id, DocumentRow.status == "ready")
        .order_by(DocumentRow.name)
    ).scalars()
    for d in rows:
        if d.id in skip:
            continue
        pages = session.execute(
            select(PageRow).where(PageRow.document_id == d.id).order_by(PageRow.number)
        ).scalars()
        docs.append(
            Document(
                name=d.name,
                sha256=d.sha256,
                media_type=d.media_type,
                pages=[
                    Page(
                        number=p.number,
                        text=p.text,
                        ocr=p.ocr,
                        ocr_confidence=p.ocr_confidence,
                        width=p.width,
                        height=p.height,
                        warnings=list(p.warnings or []),
                    )
                    for p in pages
                ],
            )
        )
    return docs


def _citations(s: Suggestion) -> list[dict[str, Any]]:
    return [
        {
            "document": c.document,
            "page": c.page,
            "start": c.start,
            "end": c.end,
            "quote": safe_text(c.quote),
        }
        for c in s.citations
    ]


def merge_suggestions(
    session: Session, case: Case, suggestions: Sequence[Suggestion]
) -> dict[str, int]:
    """Upsert the model's suggestions by stable id; flag the ones no longer made as stale.

    Never touches decisions or the state derived from them, and never deletes a row.
    Returns counts: new, updated, stale.
    """
    now = now_iso()
    rows = {
        r.sid: r
        for r in session.execute(
            select(SuggestionRow).where(SuggestionRow.case_id == case.id)
        ).scalars()
    }
    seen: set[str] = set()
    counts = {"new": 0, "updated": 0, "stale": 0}
    for s in suggestions:
        if s.id in seen or not s.citations:
            continue  # a duplicate id in one output: the first (highest confidence) wins
        seen.add(s.id)
        row = rows.get(s.id)
        fields = dict(
            type=s.type,
            kind=s.kind,
            subject=s.subject,
            role=s.role,
            title=s.title,
            rationale=s.rationale,
            confidence=float(s.confidence),
            citations=_citations(s),
            detector=s.detector,
            detector_version=s.detector_version,
            explanation=dict(s.explanation or {}),
        )
        if row is None:
            session.add(
                SuggestionRow(
                    case_id=case.id,
                    sid=s.id,
                    origin="model",
                    stale=False,
                    created_at=now,
                    updated_at=now,
                    version=1,
                    status="open",
                    edited=False,
                    **fields,
                )
            )
            counts["new"] += 1
        elif row.origin == "model":
            for k, v in fields.items():
                setattr(row, k, v)
            row.stale = False
            row.updated_at = now
            counts["updated"] += 1
    for sid, row in rows.items():
        if row.origin == "model" and sid not in seen and not row.stale:
            row.stale = True
            row.updated_at = now
            counts["stale"] += 1
    session.flush()
    return counts


def import_review(
    session: Session, case: Case, review: CaseReview, *, new_docs: dict[str, DocumentRow]
) -> dict[str, int]:
    """Store what a review produced for ``case`` (the caller commits).

    ``new_docs`` maps names of documents ingested by this review to their rows; their pages
    are written. Documents already stored are left as they are.
    """
    by_name = {d.name: d for d in review.documents}
    for name, row in new_docs.items():
        doc = by_name.get(name)
        if doc is not None:
            store_document_pages(session, row, doc)
    for err in review.errors:
        failed = new_docs.get(err.document)
        if failed is not None:
            mark_failed(failed, err)
    counts = merge_suggestions(session, case, review.suggestions)
    case.screening = review.screening.to_dict()
    case.versions = dict(review.versions)
    case.reviewed_at = now_iso()
    session.flush()
    return counts
