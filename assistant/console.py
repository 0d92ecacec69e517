"""What the terminal shows: a case's review, search hits, and progress bars (on stderr).

Used by the command line, the demo and the evaluation runner; it prints nothing itself.
"""

from __future__ import annotations

import sys
import textwrap
from collections.abc import Callable
from typing import Any

from assistant.index.store import CaseIndex, SearchHit
from assistant.types import CaseReview

TYPE_LABELS = {
    "unfollowed_inquiry": "Possible unfollowed lines of inquiry",
    "victim_blaming_language": "Possible victim-blaming language",
    "missing_interview": "Possible missing interviews / accounts",
}


def format_review(review: CaseReview, *, width: int = 100) -> str:
    """A readable terminal view of one case's review."""
    lines: list[str] = []
    sc = review.screening
    bar = "=" * min(width, 100)
    lines.append(bar)
    lines.append(f"CASE {review.case}: {len(review.documents)} document(s), "
                 f"{sum(len(d.pages) for d in review.documents)} page(s), "
                 f"{len(review.suggestions)} suggestion(s)")
    scope = "IN SCOPE" if sc.in_scope else "out of scope"
    lines.append(f"Screening: {scope}, priority {sc.priority}; suspects {sc.suspects}, "
                 f"victims {sc.victims}, rape alleged: {'yes' if sc.rape_alleged else 'no'}")
    for r in sc.reasons:
        lines.append(f"  - {r}")
    for e in review.errors:
        lines.append(f"  ! FILE NOT REVIEWED: {e.document}: {e.reason}")
    lines.append(bar)
    for t, label in TYPE_LABELS.items():
        items = [s for s in review.suggestions if s.type == t]
        if not items:
            continue
        lines.append(f"\n{label} ({len(items)})")
        for s in items:
            tag = f"[{s.kind}] " if s.kind else (f"[{s.role}] " if s.role else "")
            lines.append(f"  {s.confidence:.2f} {tag}{s.title}")
            for c in s.citations[:3]:
                quote = " ".join(c.quote.split())
                if len(quote) > 160:
                    quote = quote[:157] + "..."
                lines.append(
                    textwrap.fill(
                        f'{c.document} p.{c.page}: "{quote}"',
                        width=width,
                        initial_indent="       ",
                        subsequent_indent="         ",
                    )
                )
            if len(s.citations) > 3:
                lines.append(f"       (+{len(s.citations) - 3} more citation(s))")
    return "\n".join(lines)


def progress_bar(quiet: bool) -> Callable[[str, int, int], None] | None:
    """A tqdm progress bar per stage, on stderr, only when someone is watching."""
    if quiet or not sys.stderr.isatty():
        return None
    from tqdm import tqdm

    bars: dict[str, Any] = {}

    def progress(stage: str, done: int, total: int) -> None:
        bar = bars.get(stage)
        if bar is None:
            bar = bars[stage] = tqdm(total=total, desc=f"  {stage}", unit="step", leave=False)
        bar.total = total
        bar.n = done
        bar.refresh()
        if done >= total:
            bar.close()
            bars.pop(stage, None)

    return progress


def format_hits(index: CaseIndex, query: str, hits: list[SearchHit], *, width: int = 100) -> str:
    """A readable list of passages with their citations and scores."""
    n_docs = len(index.documents)
    lines = [
        f'Case {index.case}: passages closest in meaning to "{query}"',
        f"{len(index):,} passages from {n_docs} document(s). Score: similarity of meaning,",
        "1.00 = the same, below about 0.30 = little in common.",
    ]
    if not hits:
        lines.append("\nNo passages found: the case has no text that could be read.")
        return "\n".join(lines)
    for rank, hit in enumerate(hits, 1):
        c = hit.segment
        lines.append("")
        lines.append(
            f"{rank:>2}. score {hit.score:.2f}   {c.document}, page {c.page}, "
            f"characters {c.start}-{c.end}"
        )
        quote = " ".join(c.text.split())
        lines.append(
            textwrap.fill(
                f'"{quote}"', width=width, initial_indent="    ", subsequent_indent="     "
            )
        )
    return "\n".join(lines)
