"""Build a case from plain text documents, for table-driven detector tests."""

from __future__ import annotations

import hashlib

from assistant.nlp.context import CaseContext
from assistant.nlp.segment import segment_documents
from assistant.types import Document, Page, Suggestion


def make_ctx(docs: dict[str, str], case: str = "case-t") -> CaseContext:
    """Documents from {name: text}; a form feed separates pages."""
    documents = [
        Document(
            name=name,
            sha256=hashlib.sha256(text.encode()).hexdigest(),
            media_type="txt",
            pages=[Page(i + 1, t) for i, t in enumerate(text.split("\f"))],
        )
        for name, text in docs.items()
    ]
    return CaseContext(case=case, documents=documents, segments=segment_documents(documents))


def assert_grounded(ctx: CaseContext, suggestions: list[Suggestion]) -> None:
    """Every citation's quote is exactly the page text at its offsets."""
    for s in suggestions:
        assert s.citations, s
        for c in s.citations:
            assert ctx.page_text(c.document, c.page)[c.start:c.end] == c.quote
