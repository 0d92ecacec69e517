"""What detectors read: the case's documents, their segments, and shared analyses."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from assistant.types import Document, Segment

if TYPE_CHECKING:  # people/finder.py imports this module; at run time the field is only data
    from assistant.nlp.people.model import Person


@dataclass
class CaseContext:
    case: str
    documents: list[Document]
    segments: list[Segment]
    # The people of the case (the pipeline's people stage; ``find_people(ctx)`` fills it when
    # absent): None until found.
    people: list[Person] | None = None
    # Other shared analyses computed once per case and reused by detectors (word counts...).
    cache: dict[str, Any] = field(default_factory=dict)

    def page_text(self, document: str, page: int) -> str:
        for d in self.documents:
            if d.name == document:
                return d.pages[page - 1].text
        raise KeyError(document)
