"""The one data model shared by every layer: ingestion, detectors, review output, API and eval.

Offsets are character offsets into ``Page.text``; every ``Citation`` must satisfy
``page.text[c.start:c.end] == c.quote`` (the citation round-trip invariant).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

SuggestionType = Literal["unfollowed_inquiry", "victim_blaming_language", "missing_interview"]
SUGGESTION_TYPES: tuple[SuggestionType, ...] = (
    "unfollowed_inquiry",
    "victim_blaming_language",
    "missing_interview",
)
INQUIRY_KINDS: tuple[str, ...] = (
    "cctv",
    "phone_digital",
    "social_media",
    "forensic_medical",
    "witness",
    "suspect",
    "location_search",
    "vehicle_anpr",
    "third_party_records",
    "financial",
    "other_victims",
    "other",
)
Role = Literal["victim", "suspect", "witness"]
ROLES: tuple[Role, ...] = ("victim", "suspect", "witness")

# File types a case may hold (FORMATS.md section 1).
SUPPORTED_SUFFIXES: tuple[str, ...] = (
    ".pdf",
    ".png",
    ".jpg",
    ".jpeg",
    ".tif",
    ".tiff",
    ".docx",
    ".txt",
)


@dataclass(frozen=True, slots=True)
class Box:
    """Where the characters ``start:end`` of a page's text sit on the page image.

    Coordinates are fractions (0-1) of the page width and height, origin top-left, so the
    UI can highlight a quote on an image rendered at any resolution.
    """

    start: int
    end: int
    x0: float
    y0: float
    x1: float
    y1: float


@dataclass(slots=True)
class Page:
    """One page of a document: the text every citation indexes into."""

    number: int  # 1-based
    text: str
    ocr: bool = False
    ocr_confidence: float | None = None  # mean Tesseract word confidence, 0-100
    boxes: list[Box] = field(default_factory=list)  # word boxes, in text order
    width: float = 0.0  # PDF points or image pixels; 0 when the page has no image
    height: float = 0.0
    warnings: list[str] = field(default_factory=list)  # e.g. "empty page", "low OCR confidence"


@dataclass(slots=True)
class Document:
    """One file of a case, ingested."""

    name: str  # file name inside the case directory
    sha256: str
    media_type: str  # "pdf", "image", "docx", "txt"
    pages: list[Page]

    @property
    def ocr(self) -> bool:
        return any(p.ocr for p in self.pages)

    def page(self, number: int) -> Page:
        return self.pages[number - 1]


@dataclass(frozen=True, slots=True)
class FileError:
    """A file that could not be ingested; the rest of the case is still reviewed."""

    document: str
    code: str  # "unsupported", "encrypted", "corrupt", "empty", "too_large", "timeout", "ocr_failed"
    reason: str  # one sentence a reviewer understands, saying what to do next where possible

    def to_dict(self) -> dict[str, str]:
        return {"document": self.document, "code": self.code, "error": self.reason}


@dataclass(frozen=True, slots=True)
class Citation:
    document: str
    page: int
    start: int
    end: int
    quote: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(slots=True)
class Suggestion:
    """A possible finding for a reviewer to accept or reject."""

    type: SuggestionType
    title: str
    rationale: str
    confidence: float
    citations: list[Citation]
    kind: str | None = None  # unfollowed_inquiry only
    subject: str | None = None  # missing_interview only
    role: Role | None = None  # missing_interview only
    detector: str = ""
    detector_version: str = ""
    explanation: dict[str, Any] = field(default_factory=dict)  # pattern, context words, scores
    id: str = ""

    def __post_init__(self) -> None:
        if not self.id:
            self.id = suggestion_id(self)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "type": self.type,
            "kind": self.kind,
            "subject": self.subject,
            "role": self.role,
            "title": self.title,
            "rationale": self.rationale,
            "confidence": round(float(self.confidence), 4),
            "citations": [c.to_dict() for c in self.citations],
            "detector": self.detector,
            "detector_version": self.detector_version,
            "explanation": self.explanation,
        }


def suggestion_id(s: Suggestion) -> str:
    """A stable id: a hash of what the suggestion is about, not of when it was made.

    Built from the type, kind/subject/role and the first citation's place and quote, so
    reviewing the same files again gives the same id and reviewers' decisions stay attached.
    """
    first = s.citations[0] if s.citations else None
    key = {
        "type": s.type,
        "kind": s.kind,
        "subject": (s.subject or "").lower(),
        "role": s.role,
        "cite": [first.document, first.page, first.quote] if first else None,
    }
    digest = hashlib.sha256(json.dumps(key, sort_keys=True).encode()).hexdigest()
    return f"s-{digest[:16]}"


@dataclass(slots=True)
class Screening:
    in_scope: bool
    reasons: list[str]
    suspects: int
    victims: int
    rape_alleged: bool
    priority: int  # 1 rape alleged and in scope, 2 in scope, 3 out of scope

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(slots=True)
class CaseReview:
    """Everything the review of one case produced (FORMATS.md section 3)."""

    case: str
    documents: list[Document]
    suggestions: list[Suggestion]
    screening: Screening
    errors: list[FileError] = field(default_factory=list)
    versions: dict[str, str] = field(default_factory=dict)  # detector and model versions, git hash
    timings: dict[str, float] = field(default_factory=dict)

    def document(self, name: str) -> Document:
        for d in self.documents:
            if d.name == name:
                return d
        raise KeyError(name)

    def to_dict(self) -> dict[str, Any]:
        return {
            "case": self.case,
            "documents": [
                {"name": d.name, "pages": len(d.pages), "ocr": d.ocr, "sha256": d.sha256}
                for d in self.documents
            ],
            "suggestions": [s.to_dict() for s in self.suggestions],
            "screening": self.screening.to_dict(),
            "errors": [e.to_dict() for e in self.errors],
            "versions": self.versions,
        }


@dataclass(frozen=True, slots=True)
class Segment:
    """A sentence (or a table row, or a log line) of one page: the unit detectors read."""

    document: str
    page: int
    start: int
    end: int
    text: str  # == page.text[start:end]

    def citation(self) -> Citation:
        return Citation(self.document, self.page, self.start, self.end, self.text)
