"""The batch's units of work, run in worker processes (local) or as Ray tasks (cluster).

Three operations, each a JSON-safe request in and a small JSON-safe answer out (the same
``execute`` for both backends, so the stages and the outputs are the same):

- ``parse``: read one file's text layer and say which pages need OCR. A file with nothing to
  OCR is stored as a finished document at once.
- ``ocr``: OCR one page and store it. Pages of every case share one queue, so a 900-page
  scanned case never holds a worker while the others wait.
- ``review``: assemble a case's documents from the store, run the review (detectors, screening),
  the scope checklist, the data return and the identifiers; write ``OUT_DIR/<case>.json`` and
  the case's summary, which the batch's reports are built from.

Every result is written to the work store (``OUT_DIR/.batch``) before the answer is sent, so a
killed run loses only the tasks that were running. Workers load the models once and keep them.

Run as ``python -m assistant.batch.work`` it speaks the worker protocol of
``assistant.ingest.worker`` (length-prefixed JSON frames on stdin/stdout).
"""

from __future__ import annotations

import gzip
import json
import os
import tempfile
import time
import traceback
from pathlib import Path
from typing import Any

from assistant.errors import IngestError, TooLarge

# The models load in each worker's own process; one helper process per worker would double
# the memory for nothing.
os.environ.setdefault("ASSISTANT_MODEL_SERVER", "0")


def write_json(path: Path, obj: Any, *, gz: bool = False) -> None:
    """Write atomically: a reader (or a resumed run) never sees half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    try:
        data = json.dumps(obj, ensure_ascii=False, indent=None if gz else 2).encode("utf-8")
        with os.fdopen(fd, "wb") as fh:
            fh.write(gzip.compress(data, compresslevel=3, mtime=0) if gz else data)
        os.chmod(tmp, 0o644)  # mkstemp makes it private; the outputs are for the team lead to read
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def read_json(path: Path) -> Any:
    """The stored object, or None when it is missing or unreadable (it is then redone)."""
    try:
        raw = path.read_bytes()
        if path.suffix == ".gz":
            raw = gzip.decompress(raw)
        return json.loads(raw.decode("utf-8"))
    except (OSError, ValueError, EOFError):
        return None


class Store:
    """The work store under ``OUT_DIR/.batch``: parse results and OCR'd pages by file content
    hash, finished documents (an ingest cache), and each case's summary."""

    def __init__(self, root: Path, ingest_key: str) -> None:
        from assistant.ingest.cache import IngestCache

        self.root = Path(root)
        self.docs = IngestCache(self.root / "docs", ingest_key)
        self.k = self.docs.key

    def file_dir(self, sha256: str) -> Path:
        return self.root / "files" / sha256[:2] / f"{sha256}-{self.k}"

    def parse_path(self, sha256: str) -> Path:
        return self.file_dir(sha256) / "parse.json.gz"

    def page_path(self, sha256: str, index: int) -> Path:
        return self.file_dir(sha256) / f"page-{index:05d}.json.gz"

    def case_path(self, case: str) -> Path:
        return self.root / "cases" / f"{case}.json"


def _store(req: dict[str, Any]) -> Store:
    return Store(Path(req["store"]), str(req["ingest_key"]))


def op_parse(req: dict[str, Any]) -> dict[str, Any]:
    from assistant.ingest.cache import page_from_dict
    from assistant.ingest.worker import parse
    from assistant.types import Document

    st = _store(req)
    result = parse(Path(req["path"]), req["name"], req["media_type"], req["settings"])
    ocr = [int(i) for i in result["ocr"]]
    if not ocr:
        pages = [page_from_dict(p) for p in result["pages"]]
        st.docs.put(Document(req["name"], req["sha256"], req["media_type"], pages))
    else:
        write_json(st.parse_path(req["sha256"]), {"media_type": req["media_type"], **result}, gz=True)
    return {"pages": len(result["pages"]), "ocr": ocr}


def op_ocr(req: dict[str, Any]) -> dict[str, Any]:
    from assistant.ingest.worker import ocr_page

    st = _store(req)
    page = ocr_page(Path(req["path"]), req["name"], req["media_type"], int(req["index"]), req["settings"])
    write_json(st.page_path(req["sha256"], int(req["index"])), page, gz=True)
    return {"chars": len(page["text"])}


def _assemble(st: Store, f: dict[str, Any], failed: dict[str, list[str]], global_cache: Any) -> Any:
    """A file's Document from the store, or a FileError when none of it could be read."""
    from assistant.ingest.cache import page_from_dict
    from assistant.types import Document, FileError

    doc = st.docs.get(f["sha256"], f["name"])
    if doc is not None:
        return doc
    parsed = read_json(st.parse_path(f["sha256"]))
    if parsed is None:
        return FileError(f["name"], "corrupt", "the file's text was not found in the batch's work store; run again")
    pages = [page_from_dict(p) for p in parsed["pages"]]
    problems: list[tuple[str, str]] = []
    for i in parsed["ocr"]:
        stored = read_json(st.page_path(f["sha256"], int(i)))
        if stored is not None:
            pages[int(i)] = page_from_dict(stored)
        else:
            code, reason = failed.get(str(i), ["ocr_failed", f"OCR of page {int(i) + 1} did not finish"])
            pages[int(i)].warnings.append(f"this scanned page could not be read: {reason}")
            problems.append((code, reason))
    if problems and len(problems) == len(parsed["ocr"]) and not any(p.text for p in pages):
        code, reason = problems[0]
        return FileError(f["name"], "timeout" if code == "timeout" else "ocr_failed", reason)
    doc = Document(f["name"], f["sha256"], parsed["media_type"], pages)
    if not problems:
        st.docs.put(doc)
        if global_cache is not None:
            global_cache.put(doc)
    return doc


_SCOPES: dict[str, Any] = {}


def op_review(req: dict[str, Any]) -> dict[str, Any]:
    from assistant.batch import facts as F
    from assistant.batch import scope as S
    from assistant.ingest.cache import IngestCache
    from assistant.nlp.context import CaseContext
    from assistant.pipeline import review_documents
    from assistant.types import Document, FileError

    st = _store(req)
    case = str(req["case"])
    gc = IngestCache(Path(req["global_cache"]), str(req["ingest_key"])) if req.get("global_cache") else None
    docs: list[Document] = []
    errors = [FileError(e["document"], e["code"], e["error"]) for e in req.get("errors", [])]
    for f in req["files"]:
        got = _assemble(st, f, req.get("failed_pages", {}).get(f["name"], {}), gc)
        if isinstance(got, FileError):
            errors.append(got)
        else:
            docs.append(got)
    docs.sort(key=lambda d: (d.name, d.sha256))
    errors.sort(key=lambda e: (e.document, e.code))
    scope_path = str(req["scope"])
    if scope_path not in _SCOPES:
        _SCOPES[scope_path] = S.load_scope(Path(scope_path))
    scope = _SCOPES[scope_path]
    seen: dict[str, Any] = {}

    def keep(ctx: CaseContext) -> None:
        seen["ctx"] = ctx

    review = review_documents(case, docs, errors, on_context=keep)
    ctx: CaseContext = seen["ctx"]
    checklist = S.evaluate(ctx, review.screening, scope)
    case_facts = F.case_facts(ctx)
    nfa_check = next((k for k in checklist.checks if k.id in {c.id for c in scope.criteria if c.test == "nfa_date"}
                      and k.citation is not None), None)
    if checklist.nfa_date is not None and nfa_check is not None and nfa_check.citation is not None:
        # the same NFA decision the checklist judged, not a second reading of the file
        case_facts["nfa"] = (checklist.nfa_date, nfa_check.citation)
    checklist.extra["force"] = case_facts["force"]
    screening = S.apply(review.screening, checklist)
    rows = F.people_rows(ctx, case_facts)
    ids = F.identifiers(ctx, rows)
    out = review.to_dict()
    out["screening"] = screening
    out["versions"] = dict(out.get("versions", {}), scope=scope.key, batch_key=req["key"])
    out_dir = Path(req["out"])
    write_json(out_dir / f"{case}.json", out)
    sugg = review.suggestions
    top = sorted(sugg, key=lambda s: (-s.confidence, s.id))
    summary = {
        "case": case,
        "key": req["key"],
        "status": "done",
        "error": "",
        "screening": screening,
        "counts": {t: sum(1 for s in sugg if s.type == t) for t in
                   ("unfollowed_inquiry", "victim_blaming_language", "missing_interview")},
        "strength": round(sum(s.confidence for s in top[:10]), 3),
        "top": [{"title": s.title, "type": s.type, "confidence": round(s.confidence, 3),
                 "document": s.citations[0].document, "page": s.citations[0].page} for s in top[:3]],
        "documents": len(docs),
        "pages": sum(len(d.pages) for d in docs),
        "ocr_pages": sum(1 for d in docs for p in d.pages if p.ocr),
        "failed_files": [f"{e.document}: {e.reason}" for e in errors],
        "people": [{"case": case, "force": case_facts["force"], **r} for r in rows],
        "identifiers": ids,
    }
    write_json(st.case_path(case), summary)
    return {"case": case, "status": "done"}


def execute(req: dict[str, Any]) -> dict[str, Any]:
    """Run one request; every failure becomes an answer naming it (never an exception)."""
    op = req.get("op")
    t0 = time.perf_counter()
    try:
        if op == "parse":
            result = op_parse(req)
        elif op == "ocr":
            result = op_ocr(req)
        elif op == "review":
            result = op_review(req)
        elif op == "sleep":  # for the tests of the time limit
            time.sleep(float(req["seconds"]))
            result = {}
        else:
            raise ValueError(f"unknown op {op}")
        # the task's own time, for the benchmark's cost per page and per case
        result["elapsed_s"] = round(time.perf_counter() - t0, 4)
        return {"id": req.get("id"), "ok": True, "result": result}
    except IngestError as e:
        return {"id": req.get("id"), "ok": False, "code": e.code, "reason": e.reason}
    except MemoryError:
        err = TooLarge(req.get("name", ""), "the file needs more memory than allowed")
        return {"id": req.get("id"), "ok": False, "code": err.code, "reason": err.reason}
    except Exception as e:  # noqa: BLE001 - one file's or one case's failure, never the batch's
        return {
            "id": req.get("id"),
            "ok": False,
            "code": "crash",
            "reason": f"{type(e).__name__}: {e}",
            "trace": traceback.format_exc(limit=8),
        }


def main() -> int:
    from assistant.subproc import JSON_FRAMES, child_streams

    # The protocol owns the real stdout; anything a library prints goes to stderr instead.
    proto_in, proto_out = child_streams()
    while True:
        try:
            req = JSON_FRAMES.read(proto_in)
        except EOFError:
            return 0
        JSON_FRAMES.write(proto_out, execute(req))


if __name__ == "__main__":
    raise SystemExit(main())
