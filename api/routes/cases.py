"""Cases, their documents (upload, list, pages, page images) and processing jobs."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, status
from fastapi.responses import FileResponse, JSONResponse
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile as StarletteUpload

from api.deps import CASE_ERRORS, CaseDep, CurrentUser, DocId, JobId, PageNo, SessionDep
from api.schemas import (
    AssignIn,
    CaseCreate,
    CaseOut,
    DocumentOut,
    JobCreated,
    JobOut,
    Message,
    PageOut,
    UploadRefused,
)
from assistant.errors import BadRequest
from assistant.workbench import audit, cases, documents

router = APIRouter(prefix="/api", tags=["cases and documents"], responses=CASE_ERRORS)


@router.get("/cases", response_model=list[CaseOut])
def list_cases(db: SessionDep, user: CurrentUser) -> list[dict[str, Any]]:
    """Reviewers: the cases assigned to them. Supervisors and admins: every case."""
    return cases.list_cases(db, user)


@router.post(
    "/cases",
    response_model=CaseOut,
    status_code=status.HTTP_201_CREATED,
    responses={409: {"model": Message, "description": "a case with this name exists"}},
)
def create_case(body: CaseCreate, db: SessionDep, user: CurrentUser) -> dict[str, Any]:
    """Create a case; its creator is assigned to it."""
    return cases.summary(db, cases.create_case(db, user, body.name))


@router.get("/cases/{case_id}", response_model=CaseOut, responses={404: {"model": Message}})
def get_case(case: CaseDep, db: SessionDep, user: CurrentUser) -> dict[str, Any]:
    out = cases.summary(db, case)
    audit.record_now(db, "view_case", actor=user.username, case_id=case.id)
    return out


@router.post("/cases/{case_id}/assignees", response_model=CaseOut)
def assign(body: AssignIn, case: CaseDep, db: SessionDep, user: CurrentUser) -> dict[str, Any]:
    """Assign a user to the case (supervisor or admin)."""
    cases.assign(db, user, case, body.username)
    return cases.summary(db, case)


_UPLOAD_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["files"],
                    "properties": {
                        "files": {
                            "type": "array",
                            "minItems": 1,
                            "description": "several files, or a .zip",
                            "items": {"type": "string", "format": "binary"},
                        }
                    },
                }
            }
        },
    }
}


@router.post(
    "/cases/{case_id}/documents",
    response_model=JobCreated,
    status_code=status.HTTP_202_ACCEPTED,
    openapi_extra=_UPLOAD_BODY,
    responses={413: {"model": Message}, 422: {"model": UploadRefused}},
)
async def upload(
    request: Request, case: CaseDep, db: SessionDep, user: CurrentUser
) -> dict[str, Any] | JSONResponse:
    """Upload files (multipart field ``files``: PDF, PNG, JPEG, TIFF, DOCX, TXT, or a ZIP of
    them). They are checked before parsing, stored, then processed in the background: poll
    ``GET /api/jobs/{job_id}``.

    The body is read only after the login and the case have been checked (the dependencies
    above), so nobody can make the server unpack a large upload without being allowed to.
    """
    st = request.app.state
    async with request.form(max_files=st.settings.zip_max_members, max_fields=50) as form:
        files = [f for f in form.getlist("files") if isinstance(f, StarletteUpload)]
        if not files:
            raise BadRequest("No files were received: send them in the multipart field 'files'.")
        streams = [(f.filename or "unnamed", f.file, _size(f)) for f in files]
        job = await run_in_threadpool(
            documents.upload, db, user, case, streams, blobs=st.blobs, limits=st.limits
        )
    if job.status == "queued":
        st.runner.enqueue(job.id)
    elif job.status == "failed":  # every file refused: nothing was accepted
        return JSONResponse(
            {
                "detail": "None of the files could be accepted: "
                + "; ".join(f"{e['document']}: {e['error']}" for e in job.errors[:20]),
                "errors": [],
                "job_id": job.id,
                "files": job.errors,
            },
            status_code=422,
        )
    return {"job_id": job.id, "status": job.status, "errors": job.errors}


def _size(f: StarletteUpload) -> int:
    if f.size is not None:
        return int(f.size)
    f.file.seek(0, 2)
    n = f.file.tell()
    f.file.seek(0)
    return n


@router.get("/cases/{case_id}/documents", response_model=list[DocumentOut])
def list_documents(case: CaseDep, db: SessionDep, user: CurrentUser) -> list[dict[str, Any]]:
    return documents.list_documents(db, user, case)


@router.get("/cases/{case_id}/jobs", response_model=list[JobOut])
def list_jobs(case: CaseDep, db: SessionDep, user: CurrentUser) -> list[dict[str, Any]]:
    return documents.list_jobs(db, user, case)


@router.get("/jobs/{job_id}", response_model=JobOut, responses={404: {"model": Message}})
def get_job(job_id: JobId, db: SessionDep, user: CurrentUser) -> dict[str, Any]:
    """Progress of a processing job (stage, done, total) and the files it could not read."""
    return documents.job_dict(documents.job_for(db, user, job_id))


@router.get(
    "/cases/{case_id}/documents/{doc_id}/pages/{n}",
    response_model=PageOut,
    responses={404: {"model": Message}},
)
def get_page(
    case: CaseDep, doc_id: DocId, n: PageNo, db: SessionDep, user: CurrentUser, request: Request
) -> dict[str, Any]:
    """A page's text (what citations index into), its word boxes as fractions of the page,
    and the spans that describe offence details (collapsed by default in the UI)."""
    st = request.app.state
    return documents.page_payload(db, user, case, doc_id, n, data_dir=st.data_dir, blobs=st.blobs)


@router.get(
    "/cases/{case_id}/documents/{doc_id}/pages/{n}/image",
    response_class=FileResponse,
    responses={200: {"content": {"image/png": {}}}, 404: {"model": Message}},
)
def get_page_image(
    case: CaseDep, doc_id: DocId, n: PageNo, db: SessionDep, user: CurrentUser, request: Request
) -> FileResponse:
    st = request.app.state
    path = documents.page_image(db, user, case, doc_id, n, data_dir=st.data_dir, blobs=st.blobs)
    return FileResponse(
        path, media_type="image/png", headers={"Cache-Control": "private, no-store"}
    )
