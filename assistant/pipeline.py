"""The one orchestrator: ingest -> segment -> people -> detect -> merge/rank -> screen -> write."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from assistant.detectors import default_detectors
from assistant.detectors.base import Detector
from assistant.errors import CaseNotFound
from assistant.nlp.context import CaseContext
from assistant.nlp.people import find_people
from assistant.nlp.segment import segment_documents
from assistant.types import CaseReview, Document, FileError, Screening

# (stage, done, total): "ingest", "people", "detect", "index"...
ProgressFn = Callable[[str, int, int], None]


def review_documents(
    case: str,
    documents: list[Document],
    errors: list[FileError] | None = None,
    *,
    detectors: Sequence[Detector] | None = None,
    progress: ProgressFn | None = None,
    on_context: Callable[[CaseContext], None] | None = None,
) -> CaseReview:
    """Run every detector over already-ingested documents and screen the case.

    ``on_context`` is given the case's context (segments, people found...) once the review is
    done, for callers that derive more from it (the batch screening's checklist and data return).
    """
    from assistant.screening import screen_case

    t0 = time.perf_counter()
    segments = segment_documents(documents)
    ctx = CaseContext(case=case, documents=documents, segments=segments)
    # People: a stage of its own, before any detector, so every detector reads one ctx.people.
    if progress:
        progress("people", 0, 1)
    ctx.people = find_people(ctx)
    if progress:
        progress("people", 1, 1)
    dets = list(detectors) if detectors is not None else default_detectors()
    suggestions = []
    for i, det in enumerate(dets):
        det.warm_up()
        suggestions.extend(det.detect(ctx))
        if progress:
            progress("detect", i + 1, len(dets))
    # Equally confident suggestions: the narrower one (fewer places cited) first. It is the more
    # specific finding for a reviewer, and a broad line does not take the place a narrower one
    # stands on (measured on indep_dev: 6 more findings, 6 fewer false alarms; train unchanged).
    suggestions.sort(key=lambda s: (-s.confidence, s.type, len(s.citations), s.id))
    screening: Screening = screen_case(ctx)
    review = CaseReview(
        case=case,
        documents=documents,
        suggestions=suggestions,
        screening=screening,
        errors=list(errors or []),
        versions={d.name: d.version for d in dets},
    )
    review.timings["detect_s"] = round(time.perf_counter() - t0, 3)
    if on_context is not None:
        on_context(ctx)
    return review


def review_case(
    case_dir: Path,
    *,
    progress: ProgressFn | None = None,
    detectors: Sequence[Detector] | None = None,
) -> CaseReview:
    """Ingest every file of one case directory and review it. Bad files become ``errors``."""
    from assistant.ingest import ingest_case

    case_dir = Path(case_dir)
    if not case_dir.is_dir():
        raise CaseNotFound(f"{case_dir}: not a directory. Give the folder that holds one case's files.")
    # Load the models in a helper process while this one ingests (OCR) and runs the rules.
    from assistant.nlp.model_server import prefetch

    prefetch()
    t0 = time.perf_counter()
    documents, errors = ingest_case(case_dir, progress=progress)
    t1 = time.perf_counter()
    review = review_documents(case_dir.name, documents, errors, detectors=detectors, progress=progress)
    review.timings["ingest_s"] = round(t1 - t0, 3)
    return review


def write_review(review: CaseReview, out_dir: Path) -> Path:
    """Write ``OUT_DIR/<case>.json`` atomically (a crash never leaves half a file)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / f"{review.case}.json"
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(review.to_dict(), indent=2, ensure_ascii=False), encoding="utf-8")
    tmp.replace(path)
    return path
