"""What detectors read: the case's documents, their segments, and shared analyses."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from assistant.types import Document, Segment


@dataclass
class CaseContext:
    case: str
    documents: list[Document]
    segments: list[Segment]
    # Shared analyses computed once per case and reused by every detector (people, dates...).
    cache: dict[str, Any] = field(default_factory=dict)

    def page_text(self, document: str, page: int) -> str:
        for d in self.documents:
            if d.name == document:
                return d.pages[page - 1].text
        raise KeyError(document)
