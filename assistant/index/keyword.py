"""Search a case by words: every word of the query, case-insensitive, with exact offsets.

Query syntax, kept to what a detective types into a search box:
- ``cctv shop``: passages holding both words (whole words, any case, any order);
- ``"blue car"``: a phrase, its words in this order (any spacing or line break between);
- ``interview*``: a word that starts so (interview, interviewed, interviews).

A passage is a segment (sentence, table row, log line) holding every term; where no single
segment does, two or three consecutive segments of one page that together hold them all
(a line of inquiry and its result often sit in adjacent sentences). Each hit carries the
page offsets of every matched term, for highlighting.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from assistant.index.store import SearchHit
from assistant.nlp.segment import segment_documents
from assistant.types import Document, Segment

_TERM = re.compile(r'"([^"]*)"|(\S+)')
# Punctuation a user types around words ("cctv," or "(shop)") but which is not the word.
_EDGE_PUNCT = ".,;:!?()[]{}'\"\u2018\u2019\u201c\u201d"
_MAX_WINDOW = 3  # consecutive segments


def parse_query(query: str) -> list[re.Pattern[str]]:
    """One compiled pattern per term of ``query`` (words, "phrases", prefix*)."""
    patterns: list[re.Pattern[str]] = []
    for m in _TERM.finditer(query):
        raw = m.group(1) if m.group(1) is not None else m.group(2)
        prefix = raw.rstrip().endswith("*")
        words = [w.strip(_EDGE_PUNCT + "*") for w in raw.split()]
        words = [w for w in words if w]
        if not words:
            continue
        body = r"\s+".join(re.escape(w) for w in words)
        # Whole words: no word character may touch the term on either side (except after
        # a prefix term, which may run on).
        pattern = r"(?<!\w)" + body + ("" if prefix else r"(?!\w)")
        patterns.append(re.compile(pattern, re.IGNORECASE))
    return patterns


def _matches(patterns: list[re.Pattern[str]], seg: Segment) -> list[list[tuple[int, int]]]:
    """Per term, the page offsets where it occurs in ``seg``."""
    return [
        [(seg.start + m.start(), seg.start + m.end()) for m in p.finditer(seg.text)]
        for p in patterns
    ]


def keyword_search(documents: Iterable[Document], query: str, k: int = 20) -> list[SearchHit]:
    """Passages holding every word of ``query``, best first (most occurrences, then file order).

    ``score`` is the number of term occurrences per segment of the passage.
    """
    patterns = parse_query(query)
    if not patterns or k <= 0:
        return []
    docs = list(documents)
    texts = {(d.name, p.number): p.text for d in docs for p in d.pages}
    segments = segment_documents(docs)
    per_seg = [_matches(patterns, s) for s in segments]

    found: list[tuple[float, int, SearchHit]] = []
    full = [all(terms) for terms in per_seg]
    for i, seg in enumerate(segments):
        if full[i]:
            offs = sorted(o for terms in per_seg[i] for o in terms)
            found.append((float(len(offs)), i, SearchHit(seg, float(len(offs)), tuple(offs))))
            continue
        if not any(per_seg[i]):
            continue
        # A short run of consecutive segments on this page, none of which holds every term
        # alone, that together hold them all; it starts at a segment with a match.
        for size in range(2, _MAX_WINDOW + 1):
            run = range(i, i + size)
            if run.stop > len(segments):
                break
            last = segments[run.stop - 1]
            if (last.document, last.page) != (seg.document, seg.page):
                break
            if any(full[j] for j in run):
                break
            if all(any(per_seg[j][t] for j in run) for t in range(len(patterns))):
                text = texts[(seg.document, seg.page)]
                span = Segment(
                    seg.document, seg.page, seg.start, last.end, text[seg.start : last.end]
                )
                offs = sorted(o for j in run for terms in per_seg[j] for o in terms)
                score = len(offs) / size
                found.append((score, i, SearchHit(span, score, tuple(offs))))
                break
    found.sort(key=lambda f: (-f[0], f[1]))
    return [hit for _, _, hit in found[:k]]
