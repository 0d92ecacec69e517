"""Search, export, audit, reject reasons, health."""

from __future__ import annotations

import json
import re
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response

from api.deps import CASE_ERRORS, AdminUser, CaseDep, CurrentUser, SessionDep
from api.schemas import (
    LINE_PATTERN,
    MAX_ID,
    USERNAME_PATTERN,
    AuditOut,
    HealthOut,
    Message,
    SearchHitOut,
)
from assistant.workbench import audit, exports, search
from assistant.workbench.db import ping
from assistant.workbench.decisions import REJECT_REASONS

router = APIRouter(prefix="/api", tags=["search, export, audit"], responses=CASE_ERRORS)
VERSION = "0.1.0"


@router.get(
    "/cases/{case_id}/search",
    response_model=list[SearchHitOut],
    responses={409: {"model": Message}},
)
def search_case(
    case: CaseDep,
    db: SessionDep,
    user: CurrentUser,
    request: Request,
    q: Annotated[str, Query(min_length=1, max_length=500, pattern=LINE_PATTERN)],
    mode: Annotated[str, Query(pattern="^(words|meaning)$")] = "words",
    k: Annotated[int, Query(ge=1, le=100)] = 20,
) -> list[dict[str, Any]]:
    """Search the case by words (every word, any order) or by meaning; each hit is cited."""
    return search.search(
        db, user, case, q, mode=mode, k=k, index_dir=request.app.state.data_dir / "index"
    )


def _filename(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", name).strip("_") or "case"


@router.get(
    "/cases/{case_id}/export",
    responses={200: {"content": {"application/json": {}, "text/csv": {}, "text/html": {}}}},
)
def export(
    case: CaseDep,
    db: SessionDep,
    user: CurrentUser,
    format: Annotated[str, Query(pattern="^(json|csv|report)$")] = "json",
) -> Response:
    """``json``: the review output (FORMATS.md section 3) with every decision; ``csv``: one row
    per suggestion; ``report``: printable HTML action plan of the accepted findings."""
    media, content = exports.export(db, user, case, format)
    base = _filename(case.name)
    if format == "json":
        body = json.dumps(content, indent=2, ensure_ascii=False)
        disp = f'attachment; filename="{base}-review.json"'
    elif format == "csv":
        body = content
        disp = f'attachment; filename="{base}-suggestions.csv"'
    else:
        body = content
        disp = f'inline; filename="{base}-action-plan.html"'
    headers = {"Content-Disposition": disp}
    if format == "report":
        # Its own styles inline, and no script at all.
        headers["Content-Security-Policy"] = (
            "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'"
        )
    return Response(body, media_type=media, headers=headers)


@router.get(
    "/learning-report",
    responses={200: {"content": {"application/json": {}, "text/csv": {}}}},
)
def learning_report_export(
    db: SessionDep,
    user: CurrentUser,
    format: Annotated[str, Query(pattern="^(json|csv)$")] = "json",
) -> Response:
    """Accepted findings by force, NFA year and failing type, with example citations, across
    every case (supervisor or admin): lessons to share with forces."""
    from assistant.workbench.cases import require_role
    from assistant.workbench.learning import learning_report, to_csv

    require_role(user, "supervisor", "admin")
    rows = learning_report(db)
    audit.record(db, "export_learning_report", actor=user.username, detail={"rows": len(rows), "format": format})
    db.commit()
    if format == "csv":
        return Response(to_csv(rows), media_type="text/csv",
                        headers={"Content-Disposition": 'attachment; filename="learning-report.csv"'})
    return Response(json.dumps(rows, indent=2, ensure_ascii=False), media_type="application/json")


@router.get("/reject-reasons", response_model=list[str])
def reject_reasons() -> list[str]:
    return list(REJECT_REASONS)


@router.get("/audit", response_model=list[AuditOut])
def audit_trail(
    db: SessionDep,
    admin: AdminUser,
    limit: Annotated[int, Query(ge=1, le=5000)] = 200,
    case_id: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
    actor: Annotated[str | None, Query(pattern=USERNAME_PATTERN)] = None,
) -> list[dict[str, Any]]:
    """The latest audit events (admin), newest first."""
    rows = audit.list_events(db, limit=limit, case_id=case_id, actor=actor)
    audit.record_now(db, "view_audit", actor=admin.username, detail={"count": len(rows)})
    return rows


@router.get("/health", response_model=HealthOut)
def health(db: SessionDep) -> dict[str, str]:
    """Says "ok" when the database answers; nothing about what runs behind it."""
    ping(db)
    return {"status": "ok"}
