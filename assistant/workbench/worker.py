"""The processing worker: ``python -m assistant.workbench.worker`` runs jobs sent on its stdin.

Started by the job runner (``jobs.JobRunner``) in its own process group, with a time limit on
each job, so a file that hangs or crashes a parser can never take the web server down with
it. Its configuration comes as JSON on stdin (the database URL may hold a password: not in
argv).

Steps: check limits -> ingest the job's new files -> review the whole case (stored pages of
earlier files + the new ones) -> store pages and suggestions (decisions are never touched)
-> build the case's search index. Progress (stage, done, total) goes to the job's row.
It prints only ids and counts, never case text.
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, NamedTuple

from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from assistant.config import Settings
from assistant.index import build_case_index
from assistant.ingest import ingest_paths
from assistant.ingest.runner import Outcome, Task, run_tasks
from assistant.pipeline import review_documents
from assistant.subproc import JSON_LINES, child_streams
from assistant.types import CaseReview, Document, FileError
from assistant.workbench.blobs import BlobStore
from assistant.workbench.clock import now_iso
from assistant.workbench.db import make_engine, session_factory
from assistant.workbench.documents import named_path
from assistant.workbench.jobs import fail_job
from assistant.workbench.store import case_key, import_review, load_documents, safe_text
from assistant.workbench.tables import Case, DocumentRow, Job

ProgressFn = Callable[[str, int, int], None]


class _Todo(NamedTuple):
    """One file of the job: its row, name and media type."""

    doc_id: int
    name: str
    media_type: str


QUIET = False  # the demo runs jobs in its own process and prints its own summary


def say(msg: str) -> None:
    """One line for the server's log: ids and counts only."""
    if not QUIET:
        print(f"worker: {msg}", file=sys.stderr, flush=True)


def resolve_detectors(spec: str) -> list[Any] | None:
    """``default`` (None: the pipeline's own), ``none`` ([]), or ``module:function`` /
    ``/path/file.py:function`` returning detectors (tests inject light ones this way)."""
    spec = (spec or "default").strip()
    if spec == "default":
        return None
    if spec == "none":
        return []
    target, _, func = spec.partition(":")
    if target.endswith(".py"):
        mod_spec = importlib.util.spec_from_file_location("_injected_detectors", target)
        if mod_spec is None or mod_spec.loader is None:
            raise ImportError(f"cannot load detectors from {target}")
        mod = importlib.util.module_from_spec(mod_spec)
        mod_spec.loader.exec_module(mod)
    else:
        mod = importlib.import_module(target)
    return list(getattr(mod, func or "detectors")())


class Progress:
    """Writes (stage, done, total) to the job row, at most every ``interval`` seconds per stage."""

    def __init__(self, sessions: sessionmaker[Session], job_id: int, interval: float = 0.3) -> None:
        self.sessions, self.job_id, self.interval = sessions, job_id, interval
        self.stage = ""
        self.last = 0.0

    def __call__(self, stage: str, done: int, total: int) -> None:
        now = time.monotonic()
        if stage == self.stage and done < total and now - self.last < self.interval:
            return
        self.stage, self.last = stage, now
        with self.sessions() as s:
            s.execute(
                update(Job).where(Job.id == self.job_id).values(stage=stage, done=done, total=total)
            )
            s.commit()


def _precheck(files: list[tuple[Path, str, str]], limits: dict[str, Any]) -> dict[str, FileError]:
    """The exact page count and page size of each PDF among ``files`` (path, media type,
    name), before the full parse: {name: why it is refused}.

    Read in the ingest worker processes (``assistant.ingest.worker``), never in this one:
    under their memory limit (RLIMIT_AS) and a time limit, so a PDF built to blow up when
    opened (a bomb in its cross-reference or object streams) fails as too_large or timeout
    in seconds and this process, which holds the models, is untouched. A file that cannot be
    opened is left for the ingest step to report."""
    max_pages = int(limits.get("max_pages", 2000))
    dpi = float(limits.get("ocr_dpi", 300))
    max_px = float(limits.get("max_image_pixels", 60_000_000))
    timeout = float(limits.get("parse_timeout_s", 600.0))
    tasks = [
        Task(
            request={"op": "pdf_sizes", "path": str(path), "name": name, "max_pages": max_pages},
            timeout=timeout,
            tag=name,
        )
        for path, media_type, name in files
        if media_type == "pdf"
    ]
    refused: dict[str, FileError] = {}

    def judge(task: Task, out: Outcome) -> list[Task]:
        name = str(task.tag)
        if not out.ok:
            if out.code in ("too_large", "timeout"):
                refused[name] = FileError(name, out.code, out.reason)
            return []
        n = int(out.result["pages"])
        if n > max_pages:
            refused[name] = FileError(
                name,
                "too_large",
                f"the PDF has {n} pages, over the limit of {max_pages}: split it into smaller files.",
            )
            return []
        for i, (w, h) in enumerate(out.result["sizes"]):
            if (w / 72 * dpi) * (h / 72 * dpi) > max_px:
                refused[name] = FileError(
                    name,
                    "too_large",
                    f"page {i + 1} is too large to read ({w / 72:.0f} x {h / 72:.0f} inches).",
                )
                break
        return []

    if tasks:
        workers = int(limits.get("workers", 0)) or (os.cpu_count() or 1)
        run_tasks(tasks, judge, workers=min(len(tasks), max(1, workers)))
    return refused


def _refuse_oversized_pages(
    documents: list[Document], errors: list[FileError], max_chars: int
) -> list[Document]:
    """Documents with a page over ``max_chars`` characters are reported as too large and not
    reviewed. Such a page (a 50 MB text file with no line or page breaks) costs the detectors
    a minute and most of a gigabyte, on every later upload to the case too; no page a person
    wrote is that long. 0: no limit."""
    if max_chars <= 0:
        return documents
    kept = []
    for d in documents:
        big = next((p for p in d.pages if len(p.text) > max_chars), None)
        if big is None:
            kept.append(d)
            continue
        errors.append(
            FileError(
                d.name,
                "too_large",
                f"page {big.number} holds {len(big.text):,} characters, more than the "
                f"{max_chars:,} a page may hold: split the file (a form feed starts a new page).",
            )
        )
    return kept


def _claim_files(sessions: sessionmaker[Session], job_id: int) -> tuple[int, list[_Todo]]:
    """Mark the job running and its queued files processing; returns the case and the files."""
    with sessions() as s:
        job = s.get(Job, job_id)
        if job is None:
            raise LookupError(f"job {job_id} not found")
        case_id = job.case_id
        job.status, job.stage, job.started_at = "running", "checking", now_iso()
        rows = list(
            s.execute(
                select(DocumentRow)
                .where(
                    DocumentRow.job_id == job_id, DocumentRow.status.in_(("queued", "processing"))
                )
                .order_by(DocumentRow.name)
            ).scalars()
        )
        for r in rows:
            r.status = "processing"
        job.total = len(rows)
        s.commit()
        return case_id, [_Todo(r.id, r.name, r.media_type) for r in rows]


def _ingest_files(
    cfg: dict[str, Any], sessions: sessionmaker[Session], todo: list[_Todo], progress: ProgressFn
) -> tuple[list[Document], list[FileError]]:
    """Check the limits, then read the job's files. Files refused or unreadable are errors."""
    data_dir = Path(cfg["data_dir"])
    blobs = BlobStore(data_dir)
    errors: list[FileError] = []
    paths: list[Path] = []
    names: list[str] = []
    files: list[tuple[Path, str, str]] = []
    with sessions() as s:
        for t in todo:
            row = s.get(DocumentRow, t.doc_id)
            assert row is not None
            files.append((named_path(data_dir, blobs, row), t.media_type, t.name))
    refused = _precheck(files, cfg.get("ingest", {}))
    for path, _, name in files:
        if name in refused:
            errors.append(refused[name])
        else:
            paths.append(path)
            names.append(name)
    progress("ingest", 0, len(paths))
    documents: list[Document] = []
    if paths:
        settings = Settings(**cfg.get("ingest", {}))
        documents, errs = ingest_paths(paths, names=names, progress=progress, settings=settings)
        errors.extend(errs)
    documents = _refuse_oversized_pages(documents, errors, int(cfg.get("max_page_chars", 0)))
    for d in documents:
        for p in d.pages:
            p.text = safe_text(p.text)
    return documents, errors


def _store_review(
    sessions: sessionmaker[Session], job_id: int, case_id: int, todo: list[_Todo], review: CaseReview,
    errors: list[FileError],
) -> dict[str, int]:
    """Store the review's pages and suggestions (decisions are never touched) and the job's
    errors; a file neither read nor reported is failed as unreadable. Returns the counts."""
    with sessions() as s:
        case = s.get(Case, case_id)
        assert case is not None
        new_rows = {
            r.name: r
            for r in s.execute(
                select(DocumentRow).where(DocumentRow.id.in_([t.doc_id for t in todo]))
            ).scalars()
        }
        counts = import_review(s, case, review, new_docs=new_rows)
        for r in new_rows.values():
            if r.status == "processing":  # neither ingested nor reported by the ingest step
                r.status, r.error_code = "failed", "corrupt"
                r.error = "the file could not be read."
                errors.append(FileError(r.name, "corrupt", r.error))
        job = s.get(Job, job_id)
        assert job is not None
        job.errors = list(job.errors or []) + [e.to_dict() for e in errors]
        job.stage, job.done, job.total = "index", 0, 1
        s.commit()
    return counts


def _build_index(job_id: int, review: CaseReview, data_dir: Path) -> str:
    """Build the case's search index: ``ready``, or ``failed`` (search by words still works)."""
    try:
        build_case_index(review, data_dir / "index")
        return "ready"
    except Exception as e:  # noqa: BLE001 - the review is stored; search by words still works
        say(f"job {job_id}: index failed: {type(e).__name__}")
        return "failed"


def _finish(sessions: sessionmaker[Session], job_id: int, case_id: int, index_status: str, n_errors: int) -> None:
    with sessions() as s:
        case = s.get(Case, case_id)
        job = s.get(Job, job_id)
        assert case is not None and job is not None
        case.index_status = index_status
        job.status = "done"
        job.stage, job.done, job.total = "done", 1, 1
        job.finished_at = now_iso()
        if n_errors:
            job.message = f"{n_errors} file(s) could not be read; the rest were reviewed."
        s.commit()


def run_job(
    cfg: dict[str, Any], *, on_progress: ProgressFn | None = None
) -> tuple[CaseReview, dict[str, int]]:
    """Run one job to the end; returns the case's review and the suggestion counts
    (new, updated, stale). ``on_progress`` also receives every progress call (the demo's
    terminal progress bar)."""
    job_id = int(cfg["job_id"])
    engine = make_engine(cfg["database_url"])
    sessions = session_factory(engine)
    to_db = Progress(sessions, job_id)

    def progress(stage: str, done: int, total: int) -> None:
        to_db(stage, done, total)
        if on_progress is not None:
            on_progress(stage, done, total)

    t0 = time.perf_counter()
    case_id, todo = _claim_files(sessions, job_id)
    say(f"job {job_id} case {case_id}: {len(todo)} file(s)")
    documents, errors = _ingest_files(cfg, sessions, todo, progress)
    say(f"job {job_id}: ingested {len(documents)} document(s), {len(errors)} error(s)")

    with sessions() as s:
        earlier = load_documents(s, case_id, exclude=[t.doc_id for t in todo])
    progress("detect", 0, 1)
    review = review_documents(
        case_key(case_id),
        sorted(earlier + documents, key=lambda d: d.name),
        errors,
        detectors=resolve_detectors(cfg.get("detectors", "default")),
        progress=progress,
    )
    progress("store", 0, 1)
    counts = _store_review(sessions, job_id, case_id, todo, review, errors)
    say(f"job {job_id}: {len(review.suggestions)} suggestion(s): {counts}")

    index_status = _build_index(job_id, review, Path(cfg["data_dir"])) if cfg.get("build_index", True) else "skipped"
    _finish(sessions, job_id, case_id, index_status, len(errors))
    engine.dispose()
    say(f"job {job_id}: done in {time.perf_counter() - t0:.1f} s")
    return review, counts


def mark_failed(cfg: dict[str, Any], message: str) -> None:
    """Record a failed job and its unfinished documents (also used by the runner)."""
    engine = make_engine(cfg["database_url"])
    with session_factory(engine)() as s:
        fail_job(s, int(cfg["job_id"]), message)
        s.commit()
    engine.dispose()


def run_one(cfg: dict[str, Any]) -> bool:
    """Run one job; a failure is recorded on the job (type only, no case text)."""
    try:
        run_job(cfg)
        return True
    except Exception as e:  # noqa: BLE001
        say(f"job {cfg.get('job_id')}: failed: {type(e).__name__}")
        try:
            mark_failed(
                cfg,
                f"Processing failed ({type(e).__name__}). The files are kept; "
                "try again, or report this to your administrator.",
            )
        except Exception as e2:  # noqa: BLE001
            say(f"job {cfg.get('job_id')}: could not record the failure: {type(e2).__name__}")
        return False


def main() -> int:
    """Serve jobs from stdin: the first line is the configuration (JSON), then one line per
    job (``{"job_id": N}``); after each job one JSON line ``{"job_id", "ok"}`` is written
    to the original stdout. Ends at end of input.

    The process stays up between jobs so the models load once, not per upload; the runner
    retires it when idle or after a number of jobs, and kills it when a job runs too long.
    """
    # Everything printed by libraries goes to stderr; stdout carries only the replies.
    requests, replies = child_streams()
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    try:
        cfg = JSON_LINES.read(requests)
    except EOFError:
        return 0
    if cfg.get("warm_up", True):
        import assistant.pipeline  # noqa: F401 - load the code (and spaCy) before the first job
        import assistant.screening  # noqa: F401
    while True:
        try:
            job_id = int(JSON_LINES.read(requests)["job_id"])
        except EOFError:
            return 0
        ok = run_one(dict(cfg, job_id=job_id))
        JSON_LINES.write(replies, {"job_id": job_id, "ok": ok})


if __name__ == "__main__":
    raise SystemExit(main())
