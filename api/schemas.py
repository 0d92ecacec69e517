"""The API's input and output shapes (pydantic). Storage shapes are separate
(``assistant.workbench.tables``); services return plain dicts that these validate."""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, computed_field

from api.etags import etag
from assistant.types import INQUIRY_KINDS
from assistant.workbench.cases import CASE_NAME_PATTERN as ASSISTANT_CASE_NAME_PATTERN
from assistant.workbench.decisions import REJECT_REASONS

Role = Literal["reviewer", "supervisor", "admin"]

# Ids are INTEGER columns (PostgreSQL's 32-bit integer): anything outside is refused with 422
# before the database is asked (SQLite raised OverflowError past 2**63: a 500).
MAX_ID = 2**31 - 1


def _whole_number(value: Any) -> Any:
    """JSON has one number type: ``30.0`` is the integer 30 (JSON Schema says so too), while
    ``"30"`` and ``true`` stay refused by the strict check that follows."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


# Integers in a JSON body: strict (no strings, no booleans), but 30.0 counts.
WHOLE = BeforeValidator(_whole_number)
Id = Annotated[int, Field(strict=True, ge=1, le=MAX_ID), WHOLE]
Offset = Annotated[int, Field(strict=True, ge=0, le=MAX_ID), WHOLE]

# Control characters: none in names and one-line fields; tab and line breaks in free text.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_CONTROL_BUT_LINES = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
LINE_PATTERN = r"^[^\x00-\x1f\x7f-\x9f]*$"
TEXT_PATTERN = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]*$"
USERNAME_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._@-]{1,63}$"
# A one-line field that must say something: no control characters and not only spaces (the
# services strip spaces and refuse what is left empty; the schema says so).
_LINE_CHAR = r"[^\x00-\x1f\x7f-\x9f]"
NONBLANK_LINE_PATTERN = rf"^{_LINE_CHAR}*[^\x00-\x1f\x7f-\x9f\s]{_LINE_CHAR}*$"
# A case name: as above, and no invisible formatting or direction marks (zero-width spaces,
# right-to-left overrides: a name that reads differently from what it is).
CASE_NAME_PATTERN = ASSISTANT_CASE_NAME_PATTERN
SID_PATTERN = r"^[A-Za-z0-9_-]{1,64}$"


def _no_controls(value: str) -> str:
    if _CONTROL.search(value):
        raise ValueError("must not contain control characters")
    return value


def _no_controls_but_lines(value: str) -> str:
    if _CONTROL_BUT_LINES.search(value):
        raise ValueError("must not contain control characters (other than tabs and line breaks)")
    return value


# Field metadata for one-line fields and free text: the check, and the same rule in the schema.
NO_CONTROLS = AfterValidator(_no_controls)
LINE_SCHEMA = Field(json_schema_extra={"pattern": LINE_PATTERN})
NO_CONTROLS_BUT_LINES = AfterValidator(_no_controls_but_lines)
TEXT_SCHEMA = Field(json_schema_extra={"pattern": TEXT_PATTERN})


Username = Annotated[str, Field(pattern=USERNAME_PATTERN)]


class In(BaseModel):
    """Request bodies: exact JSON types (no "30" for 30, no true for 1) and no unknown fields."""

    model_config = ConfigDict(strict=True, extra="forbid")


class Out(BaseModel):
    model_config = ConfigDict(extra="ignore")


# --- auth and users -------------------------------------------------------------------------
class LoginIn(In):
    username: Annotated[str, Field(min_length=1, max_length=64), NO_CONTROLS, LINE_SCHEMA]
    password: str = Field(min_length=1, max_length=1024)


class PasswordChangeIn(In):
    current_password: str = Field(min_length=1, max_length=1024)
    new_password: str = Field(min_length=10, max_length=1024)


class UserOut(Out):
    username: str
    role: str


class MeOut(UserOut):
    password_change_required: bool = False


class UserAdminOut(UserOut):
    locked: bool = False
    failed_logins: int = 0
    created_at: str | None = None
    created_by: str | None = None


class LoginOut(Out):
    token: str
    user: UserOut
    expires_idle_minutes: int
    password_change_required: bool = False


class UserCreate(In):
    username: Username
    password: str = Field(min_length=10, max_length=1024)
    role: Role = "reviewer"


# --- cases, documents, jobs -------------------------------------------------------------------
class CaseCreate(In):
    name: Annotated[str, Field(min_length=1, max_length=200, pattern=CASE_NAME_PATTERN)]


class AssignIn(In):
    username: Username


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
    decided_by: str | None = None
    decided_at: str | None = None
    reason: str | None = None
    note: str | None = None
    origin: Literal["model", "reviewer"]
    stale: bool = False

    @computed_field  # type: ignore[prop-decorator]
    @property
    def etag(self) -> str:
        """The version as the strong ETag to send back in ``If-Match``."""
        return etag(self.version)


class DecisionIn(In):
    action: Literal["accept", "reject", "edit", "undo"]
    # Required to reject (and with "other", a note): rules across fields, checked by the service.
    reason: Literal[REJECT_REASONS] | None = None  # type: ignore[valid-type]
    note: Annotated[str, Field(max_length=5000), NO_CONTROLS_BUT_LINES, TEXT_SCHEMA] | None = None
    title: Annotated[str, Field(max_length=300), NO_CONTROLS, LINE_SCHEMA] | None = None
    rationale: Annotated[str, Field(max_length=5000), NO_CONTROLS_BUT_LINES, TEXT_SCHEMA] | None = (
        None
    )


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


class CitationIn(In):
    document_id: Id
    page: Id
    start: Offset
    end: Id


class FindingIn(In):
    """A missing interview needs ``subject`` and ``role``; ``kind`` (default ``other``) is for
    an unfollowed inquiry only. ``end`` is after ``start`` and within the page's text."""

    type: Literal["unfollowed_inquiry", "victim_blaming_language", "missing_interview"]
    kind: Literal[INQUIRY_KINDS] | None = None  # type: ignore[valid-type]
    subject: Annotated[str, Field(max_length=200, pattern=NONBLANK_LINE_PATTERN)] | None = None
    role: Literal["victim", "suspect", "witness"] | None = None
    title: Annotated[str, Field(min_length=1, max_length=300, pattern=NONBLANK_LINE_PATTERN)]
    rationale: Annotated[str, Field(max_length=5000), NO_CONTROLS_BUT_LINES, TEXT_SCHEMA] = ""
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
    status: Literal["ok"]


class Message(Out):
    """Every error answer: one sentence saying what went wrong and what to do."""

    detail: str


class FieldProblem(Out):
    field: str
    message: str


class ValidationMessage(Message):
    """422: the request's fields that are not valid, each with what is wrong."""

    errors: list[FieldProblem] = []


class UploadRefused(ValidationMessage):
    """422 for an upload none of whose files could be accepted: why each was refused."""

    job_id: int | None = None
    files: list[FileErrorOut] = []
