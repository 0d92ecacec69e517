"""Helpers every detector shares: grounded citations and calibrated confidence."""

from __future__ import annotations

import re

from assistant.nlp.context import CaseContext
from assistant.nlp.segment import NEW_UNIT
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
    tight: bool = False,
    extend_next: bool = False,
) -> Citation:
    """A citation for a segment, grounded in the page text.

    ``focus`` (page offsets) is the part that must stay in the quote when the segment is too
    long. A short segment ("The footage was not collected.") is extended with the sentence
    before it on the same page and block, because a finding often spans the two. ``tight``
    keeps only the line unit that holds the focus when the segment runs several complete
    lines together (a heading and two list items the segmenter could not tell apart), so a
    quote never carries a neighbouring finding with it.
    """
    text = ctx.page_text(seg.document, seg.page)
    start, end = seg.start, seg.end
    if tight and focus is not None:
        start, end = _line_unit(text, start, end, focus[0])
    # (tight: a short line of its own is not extended with the line before it)
    line_start = tight and "\n" in text[text.rfind(".", 0, start) + 1:start]
    if extend_short and len(tokens(seg.text)) < 12 and not opens_unit(text, start) and not line_start:
        prev = _previous_sentence(text, start)
        if prev is not None and len(tokens(text[prev:end])) <= MAX_CITE_TOKENS:
            start = prev
    if extend_next and len(tokens(text[start:end])) < 12:
        # "A13 Search 14 Marlowe Court Not conducted. S2 not arrested, no power of entry.": the
        # short sentence after it on the same line gives the reason
        nxt = _next_sentence_end(text, end)
        if nxt is not None and len(tokens(text[start:nxt])) <= 30:
            end = nxt
    if len(tokens(text[start:end])) > MAX_CITE_TOKENS:
        start, end = _window(text, start, end, focus or (seg.start, seg.end))
    if not (0 <= start < end <= len(text)) or not text[start:end].strip():
        raise ValueError(f"citation out of its page: {seg.document} p.{seg.page} [{start}:{end}]")
    return Citation(seg.document, seg.page, start, end, text[start:end])


_UNIT_BREAK = re.compile(r"(?<=[.;!?])[ \t]*\n(?=\s*[A-Z0-9(\-*\u2022])")


def _line_unit(text: str, start: int, end: int, at: int) -> tuple[int, int]:
    """The piece of [start, end) that holds offset ``at``, where pieces are cut at line breaks
    after a full stop (a new line that starts a new sentence or item)."""
    cuts = [start] + [m.end() for m in _UNIT_BREAK.finditer(text, start, end)] + [end]
    for a, b in zip(cuts, cuts[1:], strict=False):
        if a <= at < b:
            while b > a and text[b - 1].isspace():
                b -= 1
            while a < b and text[a].isspace():
                a += 1
            return (a, b) if len(tokens(text[a:b])) >= 4 else (start, end)
    return start, end


# A line that is an item of a list: a bullet, or a short number or letter with "." or ")".
LIST_ITEM = re.compile(r"^\s*(?:[-*\u2022\u25aa>]|\(?[a-z0-9]{1,2}[.)])\s")


def opens_unit(text: str, start: int, marker: int = 0) -> bool:
    """True when the segment at ``start`` opens a line that is a unit of its own (a log entry,
    a numbered action, a table row): the line before it is another entry, not its context.
    ``marker``: how many characters of the item's own marker ("2. ", "(b) ") may come before
    the segment on its line."""
    line_start = text.rfind("\n", 0, start) + 1
    if len(text[line_start:start].strip()) > marker:
        return False
    line_end = text.find("\n", line_start)
    return bool(NEW_UNIT.match(text[line_start:line_end if line_end != -1 else len(text)]))


def _next_sentence_end(text: str, end: int) -> int | None:
    """End of the sentence that follows ``end`` on the same line, or None."""
    k = end
    while k < len(text) and text[k] in " \t":
        k += 1
    if k >= len(text) or text[k] == "\n" or k == end and text[end - 1:end] not in ".!?":
        return None
    breaks = 0
    while True:
        m = _END_OR_BREAK.search(text, k)
        if m is None:
            return None
        if m.group(0) != "\n":
            return m.end()
        # a sentence wrapped onto the next line, unless that line starts an entry of its own
        line_end = text.find("\n", m.end())
        nxt = text[m.end():line_end if line_end != -1 else len(text)]
        breaks += 1
        if breaks > 2 or not nxt.strip() or NEW_UNIT.match(nxt):
            return None
        k = m.end()


_END_OR_BREAK = re.compile(r"[.!?](?=\s|$)|\n")


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
