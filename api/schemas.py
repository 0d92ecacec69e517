"""The API's input and output shapes (pydantic). Storage shapes are separate
(``assistant.review.models``); services return plain dicts that these validate."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

Role = Literal["reviewer", "supervisor", "admin"]


class Out(BaseModel):
    model_config = ConfigDict(extra="ignore")


# --- auth and users -------------------------------------------------------------------------
class LoginIn(BaseModel):
    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=1024)


class UserOut(Out):
    username: str
    role: str


class UserAdminOut(UserOut):
    locked: bool = False
    failed_logins: int = 0
    created_at: str | None = None
    created_by: str | None = None


class LoginOut(Out):
    token: str
    user: UserOut
    expires_idle_minutes: int


class UserCreate(BaseModel):
    username: str = Field(min_length=2, max_length=64)
    password: str = Field(min_length=1, max_length=1024)
    role: Role = "reviewer"


# --- cases, documents, jobs -------------------------------------------------------------------
class CaseCreate(BaseModel):
    name: str = Field(min_length=1, max_length=200)


class AssignIn(BaseModel):
    username: str = Field(min_length=1, max_length=64)


class CaseOut(Out):
    id: int
    name: str
    created_at: str
    created_by: str
    assignees: list[str]
    documents: int
    suggestions: int
    open_suggestions: int
    screening: dict[str, Any] | None = None
    reviewed_at: str | None = None


class FileErrorOut(Out):
    document: str
    code: str
    error: str


class JobOut(Out):
    id: int
    case_id: int
    status: Literal["queued", "running", "done", "failed"]
    stage: str
    done: int
    total: int
    errors: list[FileErrorOut]
    message: str | None = None
    error: str | None = None  # when failed: why, in one sentence
    created_at: str | None = None
    started_at: str | None = None
    finished_at: str | None = None


class JobCreated(Out):
    job_id: int
    status: str
    errors: list[FileErrorOut] = []


class DocumentOut(Out):
    id: int
    name: str
    pages: int
    ocr: bool
    sha256: str
    media_type: str
    size: int = 0
    status: Literal["queued", "processing", "ready", "failed"]
    error: str | None = None
    error_code: str | None = None
    job_id: int | None = None
    uploaded_by: str | None = None
    created_at: str | None = None


class BoxOut(Out):
    start: int
    end: int
    x0: float
    y0: float
    x1: float
    y1: float


class SpanOut(Out):
    start: int
    end: int


class PageOut(Out):
    document: str
    document_id: int
    page: int
    pages: int
    text: str
    width: float
    height: float
    ocr: bool
    ocr_confidence: float | None = None
    warnings: list[str] = []
    has_image: bool
    boxes: list[BoxOut]
    sensitive: list[SpanOut]


# --- suggestions and decisions ----------------------------------------------------------------
class CitationOut(Out):
    document: str
    document_id: int | None
    page: int
    start: int
    end: int
    quote: str


class SuggestionOut(Out):
    id: str
    type: str
    kind: str | None = None
    subject: str | None = None
    role: str | None = None
    title: str
    rationale: str
    confidence: float
    citations: list[CitationOut]
    detector: str = ""
    detector_version: str = ""
    explanation: dict[str, Any] = {}
    status: Literal["open", "accepted", "rejected"]
    edited: bool
    original_title: str | None = None
    original_rationale: str | None = None
    version: int
    etag: str
    decided_by: str | None = None
    decided_at: str | None = None
    reason: str | None = None
    note: str | None = None
    origin: Literal["model", "reviewer"]
    stale: bool = False


class DecisionIn(BaseModel):
    action: Literal["accept", "reject", "edit", "undo"]
    reason: str | None = Field(default=None, max_length=100)
    note: str | None = Field(default=None, max_length=5000)
    title: str | None = Field(default=None, max_length=300)
    rationale: str | None = Field(default=None, max_length=5000)


class DecisionOut(Out):
    id: int
    suggestion_id: str
    action: str
    reviewer: str
    at: str
    reason: str | None = None
    note: str | None = None
    fields: dict[str, Any] | None = None
    undoes: int | None = None
    version: int


class DecisionResult(SuggestionOut):
    decision: DecisionOut


class CitationIn(BaseModel):
    document_id: int
    page: int = Field(ge=1)
    start: int = Field(ge=0)
    end: int = Field(ge=1)


class FindingIn(BaseModel):
    type: Literal["unfollowed_inquiry", "victim_blaming_language", "missing_interview"]
    kind: str | None = None
    subject: str | None = Field(default=None, max_length=200)
    role: Literal["victim", "suspect", "witness"] | None = None
    title: str = Field(min_length=1, max_length=300)
    rationale: str = Field(default="", max_length=5000)
    citation: CitationIn


# --- search, audit, misc ----------------------------------------------------------------------
class SearchHitOut(Out):
    document: str
    document_id: int | None
    page: int
    start: int
    end: int
    quote: str
    score: float | None = None
    matches: list[list[int]] = []  # words search: (start, end) page offsets of each match


class AuditOut(Out):
    id: int
    at: str
    actor: str | None
    action: str
    case_id: int | None
    target: str | None
    outcome: str
    detail: dict[str, Any] | None
    hash: str


class HealthOut(Out):
    status: str
    database: str
    version: str


class Message(Out):
    detail: str
