"""Suggestions, decisions (ETag / If-Match), reviewers' own findings, history."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Header, Query, Response, status

from api.deps import CASE_ERRORS, CaseDep, CurrentUser, SessionDep, SuggestionId
from api.etags import etag, parse_if_match
from api.schemas import DecisionIn, DecisionOut, DecisionResult, FindingIn, Message, SuggestionOut
from assistant.workbench import suggestions

router = APIRouter(prefix="/api", tags=["suggestions and decisions"], responses=CASE_ERRORS)


@router.get("/cases/{case_id}/suggestions", response_model=list[SuggestionOut])
def list_suggestions(
    case: CaseDep,
    db: SessionDep,
    user: CurrentUser,
    type: Annotated[
        Literal["unfollowed_inquiry", "victim_blaming_language", "missing_interview"] | None,
        Query(),
    ] = None,
    status: Annotated[Literal["open", "accepted", "rejected"] | None, Query()] = None,
    min_confidence: Annotated[float | None, Query(ge=0, le=1)] = None,
    kind: Annotated[
        str | None,
        Query(pattern="^[a-z_]{1,32}$", description="unfollowed_inquiry kind, e.g. cctv"),
    ] = None,
    stale: Annotated[bool | None, Query(description="only (true) or no (false) stale ones")] = None,
) -> list[dict[str, Any]]:
    """The case's suggestions, highest confidence first, with their review state."""
    return suggestions.list_suggestions(
        db,
        user,
        case,
        type=type,
        status=status,
        min_confidence=min_confidence,
        kind=kind,
        stale=stale,
    )


@router.post(
    "/cases/{case_id}/suggestions",
    response_model=SuggestionOut,
    status_code=status.HTTP_201_CREATED,
    responses={409: {"model": Message}},
)
def add_finding(
    body: FindingIn, case: CaseDep, db: SessionDep, user: CurrentUser, response: Response
) -> dict[str, Any]:
    """A reviewer's own finding. The server takes the quote from the page text between
    ``start`` and ``end``, so the citation always round-trips."""
    out, version = suggestions.add_finding(db, user, case, body.model_dump())
    response.headers["ETag"] = etag(version)
    return out


@router.get(
    "/cases/{case_id}/suggestions/{sid}",
    response_model=SuggestionOut,
    responses={404: {"model": Message}},
)
def get_suggestion(
    sid: SuggestionId, case: CaseDep, db: SessionDep, user: CurrentUser, response: Response
) -> dict[str, Any]:
    """One suggestion; its ``ETag`` header is the version to send back in ``If-Match``."""
    out, version = suggestions.get_suggestion(db, user, case, sid)
    response.headers["ETag"] = etag(version)
    return out


@router.post(
    "/cases/{case_id}/suggestions/{sid}/decisions",
    response_model=DecisionResult,
    responses={
        412: {"model": Message},
        428: {"model": Message},
        409: {"model": Message},
        404: {"model": Message},
    },
)
def decide(
    sid: SuggestionId,
    body: DecisionIn,
    case: CaseDep,
    db: SessionDep,
    user: CurrentUser,
    response: Response,
    if_match: Annotated[
        str,
        Header(
            alias="If-Match",
            max_length=200,
            pattern=r"\S",  # an empty one is as good as none
            description="the suggestion's ETag (428 without it, 412 if it changed since)",
        ),
    ],
) -> dict[str, Any]:
    """Accept, reject (with a reason from ``/api/reject-reasons``), edit, or undo the last
    decision. Needs ``If-Match: <ETag>``: 412 if someone changed it since, 428 without it."""
    version = parse_if_match(if_match)
    out, version, decision = suggestions.decide(db, user, case, sid, version, body.model_dump())
    response.headers["ETag"] = etag(version)
    return {**out, "decision": decision}


@router.get("/cases/{case_id}/suggestions/{sid}/history", response_model=list[DecisionOut])
def history(
    sid: SuggestionId, case: CaseDep, db: SessionDep, user: CurrentUser
) -> list[dict[str, Any]]:
    """Every decision on the suggestion, oldest first (nothing is ever deleted)."""
    return suggestions.history(db, user, case, sid)
