"""Helpers every detector shares: grounded citations and calibrated confidence."""

from __future__ import annotations

import re

from assistant.nlp.context import CaseContext
from assistant.types import Citation, Segment

_TOKEN = re.compile(r"[A-Za-z0-9]+")
# A reviewer reads a citation in seconds; FORMATS.md scores a quote of up to 60 tokens.
MAX_CITE_TOKENS = 55


def tokens(text: str) -> list[str]:
    return [t.lower() for t in _TOKEN.findall(text)]


def cite_segment(
    ctx: CaseContext,
    seg: Segment,
    focus: tuple[int, int] | None = None,
    *,
    extend_short: bool = True,
) -> Citation:
    """A citation for a segment, grounded in the page text.

    ``focus`` (page offsets) is the part that must stay in the quote when the segment is too
    long. A short segment ("The footage was not collected.") is extended with the sentence
    before it on the same page and block, because a finding often spans the two.
    """
    text = ctx.page_text(seg.document, seg.page)
    start, end = seg.start, seg.end
    if extend_short and len(tokens(seg.text)) < 12:
        prev = _previous_sentence(text, start)
        if prev is not None and len(tokens(text[prev:end])) <= MAX_CITE_TOKENS:
            start = prev
    if len(tokens(text[start:end])) > MAX_CITE_TOKENS:
        start, end = _window(text, start, end, focus or (seg.start, seg.end))
    if not (0 <= start < end <= len(text)) or not text[start:end].strip():
        raise ValueError(f"citation out of its page: {seg.document} p.{seg.page} [{start}:{end}]")
    return Citation(seg.document, seg.page, start, end, text[start:end])


def _previous_sentence(text: str, start: int) -> int | None:
    """Start of the sentence before ``start`` when it is in the same paragraph (no blank line,
    no table row)."""
    before = text[max(0, start - 400):start]
    if "\n\n" in before[-3:] or before.rstrip().endswith(("|", ":")) or not before.strip():
        return None
    stripped = before.rstrip()
    if not stripped or stripped[-1] not in ".!?\"'\u201d)":
        return None
    # Walk back to the previous sentence end or paragraph break.
    body = stripped[:-1]
    base = max(0, start - 400)
    cut = -1
    for sep in (". ", "? ", "! ", ".\n", "\n\n"):
        k = body.rfind(sep)
        if k != -1 and k + len(sep) > cut:
            cut = k + len(sep)
    if cut == -1:
        if base > 0:
            return None  # the sentence before is too long to quote whole
        cut = 0
    s = base + cut
    while s < start and text[s].isspace():
        s += 1
    if "|" in text[s:start]:
        return None
    return s if s < start else None


def _window(text: str, start: int, end: int, focus: tuple[int, int]) -> tuple[int, int]:
    """Cut [start, end) to at most MAX_CITE_TOKENS tokens around ``focus``, on word edges."""
    spans = [(m.start(), m.end()) for m in _TOKEN.finditer(text, start, end)]
    if not spans:
        return start, end
    fi = next((i for i, (a, b) in enumerate(spans) if b > focus[0]), 0)
    lo = max(0, fi - MAX_CITE_TOKENS // 3)
    hi = min(len(spans), lo + MAX_CITE_TOKENS)
    lo = max(0, hi - MAX_CITE_TOKENS)
    return spans[lo][0], spans[hi - 1][1]


def clamp(x: float, lo: float = 0.05, hi: float = 0.99) -> float:
    return max(lo, min(hi, x))
