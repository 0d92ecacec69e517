"""Ingestion: case files in, :class:`~assistant.types.Document` objects with page text out.

Formats (FORMATS.md section 1): PDF with a text layer, scanned or mixed PDF (only pages with no
usable text are OCR'd), PNG/JPEG/TIFF (a multi-page TIFF is one page per frame), DOCX and TXT.
The handler is chosen from the file's first bytes (``sniff.py``), not only its name.

How a case is read:

1. In this process, per file and before any parsing: size limit, type from the magic bytes,
   SHA-256, and the cache (same bytes + same ingest settings = the stored result).
2. In worker processes (``runner.py``), each with a time limit: parse every file (text layer,
   page count and page limits, which pages need OCR), then OCR those pages, one Tesseract call per
   page, pages of ALL files in parallel across ``settings.workers`` processes.
   Plain text is decoded here instead: it involves no third-party parser that could hang or
   crash, and saving a worker start keeps small text-only cases fast.
3. A file that fails becomes a :class:`~assistant.types.FileError` naming it and the reason in
   plain words; the other files are unaffected.

Results are cached by content hash in ``settings.cache_dir`` (default
``$XDG_CACHE_HOME/case-review-assistant/ingest``); ``ASSISTANT_CACHE_DIR=off`` turns it off.

Documents come back sorted by name, so runs are stable.
"""

from __future__ import annotations

import stat
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assistant.errors import (
    CaseNotFound,
    CorruptFile,
    EmptyFile,
    Encrypted,
    IngestError,
    OcrFailed,
    ParseTimeout,
    TooLarge,
    UnsupportedFormat,
)
from assistant.ingest.cache import IngestCache, default_cache_dir, file_sha256, page_from_dict
from assistant.ingest.ocr import DEFAULT_OCR, tesseract_path
from assistant.ingest.runner import Outcome, Task, run_tasks
from assistant.ingest.sniff import sniff
from assistant.types import Box, Document, FileError, Page

if TYPE_CHECKING:
    from assistant.config import Settings

__all__ = [
    "INGEST_VERSION",
    "ProgressFn",
    "ingest_case",
    "ingest_file",
    "ingest_paths",
    "page_boxes",
    "render_page_png",
]

# Bump when a change alters page text or boxes: cached results of older versions are ignored.
INGEST_VERSION = "ingest-1"

ProgressFn = Callable[[str, int, int], None]

_ERRORS: dict[str, type[IngestError]] = {
    c.code: c
    for c in (
        UnsupportedFormat,
        Encrypted,
        CorruptFile,
        EmptyFile,
        TooLarge,
        ParseTimeout,
        OcrFailed,
    )
}


def _settings(settings: Settings | None) -> Settings:
    if settings is not None:
        return settings
    from assistant.config import get_settings

    return get_settings()


def _payload(settings: Settings) -> dict[str, Any]:
    """What a worker needs to know of the settings (JSON-safe)."""
    ocr = asdict(DEFAULT_OCR)
    ocr["lang"] = settings.ocr_lang
    return {
        "max_file_mb": float(settings.max_file_mb),
        "max_pages": int(settings.max_pages),
        "max_image_pixels": int(settings.max_image_pixels),
        "parse_timeout_s": float(settings.parse_timeout_s),
        "ocr_dpi": int(settings.ocr_dpi),
        "ocr": ocr,
    }


def _cache(settings: Settings) -> IngestCache:
    ocr = replace(DEFAULT_OCR, lang=settings.ocr_lang).key()
    key = f"{INGEST_VERSION}|dpi={settings.ocr_dpi}|{ocr}|px={settings.max_image_pixels}"
    directory = settings.cache_dir if settings.cache_dir is not None else default_cache_dir()
    if str(directory).lower() in ("off", "none", "-"):
        return IngestCache(None, key)
    return IngestCache(Path(directory), key)


@dataclass(slots=True)
class _Job:
    """One file on its way through ingestion."""

    path: Path
    name: str
    sha256: str = ""
    media_type: str = ""
    pages: list[Page] | None = None
    ocr_pages: list[int] = field(default_factory=list)
    ocr_left: set[int] = field(default_factory=set)
    ocr_failed: list[tuple[str, str]] = field(default_factory=list)  # (code, reason)
    error: FileError | None = None
    document: Document | None = None


def _plain(job: _Job, code: str, reason: str) -> FileError:
    """Turn a worker's failure into a FileError a reviewer can act on."""
    if code == "timeout":
        return FileError(
            job.name,
            "timeout",
            f"{reason}: the file may be damaged; ask for a fresh copy, or raise "
            "ASSISTANT_PARSE_TIMEOUT_S if it is simply very large",
        )
    if code == "crash":
        return FileError(
            job.name,
            "corrupt",
            f"the file could not be read: it seems damaged or malformed; ask for a fresh copy (detail: {reason})",
        )
    return FileError(job.name, code if code in _ERRORS else "corrupt", reason)


def _precheck(job: _Job, settings: Settings) -> None:
    """Cheap checks before any parsing. Raises IngestError."""
    try:
        st = job.path.stat()
    except OSError:
        raise CorruptFile(job.name, "the file could not be found or opened") from None
    if not stat.S_ISREG(st.st_mode):
        raise UnsupportedFormat(job.name, "not a regular file (a device, pipe or socket)")
    if st.st_size == 0:
        raise EmptyFile(job.name, "the file is empty (0 bytes): ask for the file to be sent again")
    limit = settings.max_file_mb * 2**20
    if st.st_size > limit:
        raise TooLarge(
            job.name,
            f"the file is {st.st_size / 2**20:.0f} MB, more than the limit of "
            f"{settings.max_file_mb:g} MB: split it, or raise ASSISTANT_MAX_FILE_MB",
        )
    try:
        job.media_type = sniff(job.path, job.name)
    except OSError:
        raise CorruptFile(job.name, "the file could not be opened for reading") from None
    job.sha256 = file_sha256(job.path)


def ingest_paths(
    paths: list[Path],
    *,
    names: list[str] | None = None,
    progress: ProgressFn | None = None,
    settings: Settings | None = None,
) -> tuple[list[Document], list[FileError]]:
    """Ingest files that may live anywhere (the API stores uploads by hash); ``names`` are the
    names the reviewer knows them by (default: the file names). Returns documents and errors,
    each sorted by name.
    """
    s = _settings(settings)
    if names is not None and len(names) != len(paths):
        raise ValueError("names must have one entry per path")
    jobs = [_Job(Path(p), names[i] if names is not None else Path(p).name) for i, p in enumerate(paths)]
    _run(jobs, s, progress)
    docs = [j.document for j in jobs if j.document is not None]
    errors = [j.error for j in jobs if j.error is not None]
    docs.sort(key=lambda d: (d.name, d.sha256))
    errors.sort(key=lambda e: (e.document, e.code))
    return docs, errors


def _run(jobs: list[_Job], s: Settings, progress: ProgressFn | None) -> None:
    cache = _cache(s)
    payload = _payload(s)
    has_tesseract = tesseract_path() is not None
    tasks: list[Task] = []

    def report() -> None:
        if progress is None:
            return
        done = total = 0
        for j in jobs:
            if j.pages is None:
                total += 1
                done += 1 if j.error is not None else 0
            else:
                total += len(j.pages)
                done += len(j.pages) - len(j.ocr_left)
        progress("ingest", done, total)

    def finalise(job: _Job) -> None:
        assert job.pages is not None
        if job.ocr_failed and len(job.ocr_failed) == len(job.ocr_pages) and not any(p.text for p in job.pages):
            code, reason = job.ocr_failed[0]
            job.error = FileError(job.name, "timeout" if code == "timeout" else "ocr_failed", reason)
            return
        job.document = Document(job.name, job.sha256, job.media_type, job.pages)
        if not job.ocr_failed:
            cache.put(job.document)

    def ocr_failure(job: _Job, index: int, code: str, reason: str) -> None:
        assert job.pages is not None
        page = job.pages[index]
        page.warnings.append(f"this scanned page could not be read: {reason}")
        job.ocr_failed.append((code, reason))

    def accept_parse(job: _Job, result: dict[str, Any]) -> list[Task]:
        job.pages = [page_from_dict(p) for p in result["pages"]]
        job.ocr_pages = [int(i) for i in result["ocr"]]
        job.ocr_left = set(job.ocr_pages)
        follow: list[Task] = []
        if job.ocr_pages and not has_tesseract:
            for i in job.ocr_pages:
                ocr_failure(
                    job,
                    i,
                    "ocr_failed",
                    "Tesseract OCR is not installed: run './run setup' or "
                    "'apt-get install tesseract-ocr' and review the case again",
                )
            job.ocr_left.clear()
        for i in sorted(job.ocr_left):
            follow.append(
                Task(
                    request={
                        "op": "ocr",
                        "path": str(job.path),
                        "name": job.name,
                        "media_type": job.media_type,
                        "index": i,
                        "settings": payload,
                    },
                    timeout=float(s.parse_timeout_s),
                    tag=(job, i),
                )
            )
        if not job.ocr_left:
            finalise(job)
        return follow

    def on_outcome(task: Task, out: Outcome) -> Iterable[Task]:
        job, index = task.tag
        follow: list[Task] = []
        if index is None:  # a parse
            if out.ok:
                follow = accept_parse(job, out.result)
            else:
                job.error = _plain(job, out.code, out.reason)
        else:
            assert job.pages is not None
            if out.ok:
                job.pages[index] = page_from_dict(out.result)
            else:
                reason = out.reason
                if out.code == "timeout":
                    reason = f"OCR of page {index + 1} {out.reason}"
                elif out.code == "crash":
                    reason = f"OCR of page {index + 1} failed ({out.reason})"
                ocr_failure(job, index, out.code, reason)
            job.ocr_left.discard(index)
            if not job.ocr_left:
                finalise(job)
        report()
        return follow

    for job in jobs:
        try:
            _precheck(job, s)
        except IngestError as e:
            job.error = FileError(job.name, e.code, e.reason)
            continue
        cached = cache.get(job.sha256, job.name)
        if cached is not None:
            job.pages = cached.pages
            job.document = cached
            continue
        if job.media_type == "txt":
            from assistant.ingest.text import read_txt

            try:
                job.pages = read_txt(job.path, job.name, max_pages=s.max_pages)
            except IngestError as e:
                job.error = FileError(job.name, e.code, e.reason)
                continue
            except OSError:
                job.error = FileError(job.name, "corrupt", "the file could not be read")
                continue
            finalise(job)
            continue
        tasks.append(
            Task(
                request={
                    "op": "parse",
                    "path": str(job.path),
                    "name": job.name,
                    "media_type": job.media_type,
                    "settings": payload,
                },
                timeout=float(s.parse_timeout_s),
                tag=(job, None),
            )
        )
    report()
    if tasks:
        run_tasks(tasks, on_outcome, workers=max(1, int(s.workers)))
    report()


def ingest_case(
    case_dir: Path,
    *,
    progress: ProgressFn | None = None,
    settings: Settings | None = None,
) -> tuple[list[Document], list[FileError]]:
    """Ingest every file of one case directory.

    Dotfiles are skipped; a sub-folder is reported as skipped (its files are not part of the
    case as given). Returns documents and per-file errors, each sorted by name.
    """
    case_dir = Path(case_dir)
    if not case_dir.is_dir():
        raise CaseNotFound(f"{case_dir}: not a directory. Give the folder that holds one case's files.")
    paths: list[Path] = []
    skipped: list[FileError] = []
    for entry in sorted(case_dir.iterdir(), key=lambda p: p.name):
        if entry.name.startswith("."):
            continue
        if entry.is_dir():
            skipped.append(
                FileError(
                    entry.name,
                    "unsupported",
                    "a folder inside the case folder: its files were not reviewed; move them into "
                    "the case folder itself to include them",
                )
            )
            continue
        paths.append(entry)
    docs, errors = ingest_paths(paths, progress=progress, settings=settings)
    errors = sorted(errors + skipped, key=lambda e: (e.document, e.code))
    return docs, errors


def ingest_file(path: Path, *, name: str | None = None, settings: Settings | None = None) -> Document:
    """Ingest one file. Raises an :class:`~assistant.errors.IngestError` subclass that says why
    the file could not be read."""
    path = Path(path)
    docs, errors = ingest_paths([path], names=[name or path.name], settings=settings)
    if errors:
        e = errors[0]
        raise _ERRORS.get(e.code, CorruptFile)(e.document, e.reason)
    return docs[0]


# ---------------------------------------------------------------------------------------------
# For the UI: one page image, and word boxes for one page.


def _one_task(request: dict[str, Any], name: str, timeout: float) -> Any:
    """Run one request in a worker process with a time limit; raise what it raised."""
    outcome: list[Outcome] = []

    def keep(_: Task, out: Outcome) -> list[Task]:
        outcome.append(out)
        return []

    run_tasks([Task(request=request, timeout=timeout)], keep, workers=1)
    out = outcome[0]
    if out.ok:
        return out.result
    if out.code == "no_page":
        raise IndexError(out.reason)
    if out.code == "timeout":
        raise ParseTimeout(name, f"{out.reason}: the file may be damaged")
    if out.code == "crash":
        raise CorruptFile(name, f"the page could not be drawn: the file seems damaged ({out.reason})")
    raise _ERRORS.get(out.code, CorruptFile)(name, out.reason)


# The UI waits for these: a page that takes longer than this to draw is given up.
_DISPLAY_TIMEOUT_S = 60.0


def render_page_png(path: Path, page: int, *, dpi: int = 110, settings: Settings | None = None) -> bytes:
    """PNG of one page (1-based) for display: PDFs rendered in colour by pdfium, scanned
    images scaled to ``dpi``. Drawn in a worker process with a time limit, so a malformed file
    cannot crash or hang the caller. Text and Word documents have no page image
    (UnsupportedFormat); a page the file does not have raises IndexError."""
    import base64

    s = _settings(settings)
    path = Path(path)
    request = {
        "op": "render",
        "path": str(path),
        "name": path.name,
        "page": int(page),
        "dpi": int(dpi),
        "settings": _payload(s),
    }
    timeout = min(float(s.parse_timeout_s), _DISPLAY_TIMEOUT_S)
    result = _one_task(request, path.name, timeout)
    return base64.b64decode(result["png"])


def page_boxes(path: Path, page: int, *, settings: Settings | None = None) -> list[Box]:
    """Word boxes of one page (1-based), offsets into that page's text.

    Digital PDF pages: computed now, in a worker process, from pdfium's character boxes, for
    this page only (too slow to do for every page of a case at review time). Scanned pages: the
    boxes Tesseract gave (from the cache, or by reading the file again). Text and Word
    documents: no boxes. A page the file does not have raises IndexError.
    """
    s = _settings(settings)
    path = Path(path)
    name = path.name
    media_type = sniff(path, name)
    if media_type in ("txt", "docx"):
        return []
    if media_type == "pdf":
        request = {"op": "boxes", "path": str(path), "name": name, "page": int(page)}
        result = _one_task(request, name, min(float(s.parse_timeout_s), _DISPLAY_TIMEOUT_S))
        if "page" in result:
            return page_from_dict(result["page"]).boxes
    doc = _cache(s).get(file_sha256(path), name)
    if doc is None:
        doc = ingest_file(path, name=name, settings=s)
    if not 1 <= page <= len(doc.pages):
        raise IndexError(f"{name} has no page {page}")
    return list(doc.pages[page - 1].boxes)
