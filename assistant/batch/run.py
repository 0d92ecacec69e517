"""The batch job: every referral below a folder, screened, ranked and written.

Stages (each a task for the backend, ``backends.py``; the work itself is in ``work.py``):

1. here, per case: list the files (a ``.zip`` is unpacked into the work store), size limits,
   type and SHA-256 of each file, and what the work store or the ingest cache already holds;
2. ``parse`` per file, then ``ocr`` per scanned page, pages of all cases in one queue;
3. ``review`` per case, as soon as its last page is in (it overtakes queued pages);
4. here: the reports (``report.py``) from every case's summary.

Resumption: a case whose summary was written under the same key (the files' SHA-256s, the ingest
settings, the detectors' versions, a hash of the rule files and of the scope) is not redone;
nor is a parse or an OCR'd page already in the store. A file that fails is reported in its
case's row; a case that fails is reported in its row; the batch goes on.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import time
import zipfile
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from assistant.batch.work import Store, read_json, write_json
from assistant.ingest.runner import Outcome, Task
from assistant.types import FileError

if TYPE_CHECKING:
    from assistant.config import Settings

BATCH_VERSION = "batch-1"
REVIEW_TIMEOUT_S = 3600.0
_ROOT = Path(__file__).resolve().parents[2]
# Files whose content decides what a review finds: a change to any of them is a new ruleset.
_RULE_FILES = (
    "assistant/detectors/*.py",
    "assistant/screening.py",
    "assistant/nlp/*.py",
    "assistant/batch/scope.py",
    "assistant/batch/facts.py",
    "assistant/batch/work.py",
    "models/*.json",
    "models/lexicons/*",
)


def rules_digest() -> str:
    h = hashlib.sha256()
    for pattern in _RULE_FILES:
        for p in sorted(_ROOT.glob(pattern)):
            if p.is_file():
                h.update(p.relative_to(_ROOT).as_posix().encode())
                h.update(hashlib.sha256(p.read_bytes()).digest())
    return h.hexdigest()


def detector_versions() -> dict[str, str]:
    from assistant.detectors import default_detectors

    return {d.name: d.version for d in default_detectors()}


@dataclass(slots=True)
class FileState:
    name: str
    path: Path
    sha256: str = ""
    media_type: str = ""
    pages: int | None = None
    ocr_left: set[int] = field(default_factory=set)
    failed: dict[str, list[str]] = field(default_factory=dict)  # page index -> [code, reason]
    error: FileError | None = None

    @property
    def ready(self) -> bool:
        return self.error is not None or (self.pages is not None and not self.ocr_left)


@dataclass(slots=True)
class CaseState:
    name: str
    folder: Path | None
    files: list[FileState] = field(default_factory=list)
    errors: list[FileError] = field(default_factory=list)  # skipped entries (sub-folders)
    key: str = ""
    status: str = "pending"  # pending | reviewing | done | failed
    resumed: bool = False
    problem: str = ""  # why the whole case failed

    def pages_known(self) -> int:
        return sum(f.pages or 0 for f in self.files)


@dataclass(slots=True)
class BatchResult:
    cases: int
    done: int
    failed: int
    resumed: int
    pages: int
    pages_run: int  # pages parsed or OCR'd by this run (not taken from the store)
    seconds: float
    out_dir: Path
    summaries: list[dict[str, Any]]
    # Seconds the workers spent on each stage ("parse", "ocr", "review"), summed over tasks.
    stage_seconds: dict[str, float] = field(default_factory=dict)


class Progress:
    """Cases and pages done, pages per second and time left, on one line of stderr."""

    def __init__(self, stream: TextIO | None, total_cases: int) -> None:
        self.stream = stream
        self.tty = bool(stream is not None and stream.isatty())
        self.cases_total = total_cases
        self.cases_done = 0
        self.pages_done = 0
        self.pages_run = 0
        self.pages_known = 0
        self.files_unparsed = 0
        self.files_parsed = 0
        self.t0 = time.monotonic()
        self.last = 0.0

    def line(self) -> str:
        el = max(1e-6, time.monotonic() - self.t0)
        rate = self.pages_run / el
        avg = self.pages_known / self.files_parsed if self.files_parsed else 0.0
        total = self.pages_known + avg * self.files_unparsed
        left = max(0.0, total - self.pages_done)
        eta = f"{left / rate / 60:.1f} min" if rate > 0 and left > 0 else ("0 min" if left <= 0 else "?")
        return (f"cases {self.cases_done}/{self.cases_total}  pages {self.pages_done}/{round(total)}  "
                f"{rate:.2f} pages/s  time left {eta}")

    def tick(self, force: bool = False) -> None:
        if self.stream is None:
            return
        now = time.monotonic()
        if not force and now - self.last < (0.5 if self.tty else 15.0):
            return
        self.last = now
        if self.tty:
            self.stream.write("\r" + self.line().ljust(100))
            if force:
                self.stream.write("\n")
        else:
            self.stream.write(self.line() + "\n")
        self.stream.flush()


def _unzip(zpath: Path, store: Store, settings: Settings) -> Path:
    """Unpack a referral's .zip into the work store (once); only regular files, no paths out."""
    digest = hashlib.sha256(zpath.read_bytes()).hexdigest()[:16]
    dest = store.root / "unzipped" / f"{zpath.stem}-{digest}"
    if (dest / ".complete").exists():
        return dest
    if dest.exists():
        shutil.rmtree(dest)
    limit = settings.max_file_mb * 2**20 * 20
    with zipfile.ZipFile(zpath) as z:
        members = [m for m in z.infolist() if not m.is_dir()]
        if sum(m.file_size for m in members) > limit:
            raise ValueError(f"unpacked it would be more than {limit / 2**30:.0f} GB")
        tops = {m.filename.split("/", 1)[0] for m in members}
        strip = len(tops) == 1 and all("/" in m.filename for m in members)
        for m in members:
            parts = [p for p in m.filename.split("/") if p not in ("", ".")]
            if strip:
                parts = parts[1:]
            if not parts or any(p == ".." for p in parts) or m.filename.startswith("/"):
                continue
            if len(parts) > 1:
                parts = ["_".join(parts)]  # a sub-folder's file joins the case, named by its path
            target = dest / parts[0]
            target.parent.mkdir(parents=True, exist_ok=True)
            with z.open(m) as src, open(target, "wb") as dst:
                shutil.copyfileobj(src, dst)
    (dest / ".complete").write_text("ok")
    return dest


def discover(referrals: Path, store: Store, settings: Settings) -> tuple[list[CaseState], list[str]]:
    """Every case folder or .zip directly below ``referrals``; other entries are named, not used."""
    cases: list[CaseState] = []
    skipped: list[str] = []
    names: set[str] = set()
    for entry in sorted(referrals.iterdir(), key=lambda p: p.name):
        if entry.name.startswith("."):
            continue
        if entry.is_dir():
            cs = CaseState(entry.name, entry)
        elif entry.suffix.lower() == ".zip":
            try:
                cs = CaseState(entry.stem, _unzip(entry, store, settings))
            except (zipfile.BadZipFile, OSError, ValueError, RuntimeError, NotImplementedError) as e:
                cs = CaseState(entry.stem, None, status="failed",
                               problem=f"{entry.name}: the .zip could not be unpacked ({e}); ask for a fresh copy")
        else:
            skipped.append(f"{entry.name}: not a case folder or a .zip")
            continue
        if cs.name in names:
            skipped.append(f"{entry.name}: a second case named {cs.name}")
            continue
        names.add(cs.name)
        cases.append(cs)
    return cases, skipped


def _prepare(cs: CaseState, settings: Settings) -> None:
    """List a case's files, check each before parsing (size, type, SHA-256)."""
    from assistant.errors import IngestError
    from assistant.ingest import _Job, _precheck

    assert cs.folder is not None
    for entry in sorted(cs.folder.iterdir(), key=lambda p: p.name):
        if entry.name.startswith("."):
            continue
        if entry.is_dir():
            cs.errors.append(FileError(entry.name, "unsupported", "a folder inside the case folder: its files "
                                       "were not reviewed; move them into the case folder itself to include them"))
            continue
        f = FileState(entry.name, entry)
        job = _Job(entry, entry.name)
        try:
            _precheck(job, settings)
        except IngestError as e:
            f.error = FileError(entry.name, e.code, e.reason)
        f.sha256, f.media_type = job.sha256, job.media_type
        cs.files.append(f)


def _case_key(cs: CaseState, base: dict[str, Any]) -> str:
    body = dict(base, files=sorted((f.name, f.sha256, f.error.code if f.error else "") for f in cs.files),
                skipped=sorted(e.document for e in cs.errors))
    return hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()


def _failed_summary(cs: CaseState, reason: str) -> dict[str, Any]:
    errs = [f"{f.name}: {f.error.reason}" for f in cs.files if f.error] + [f"{e.document}: {e.reason}"
                                                                           for e in cs.errors]
    return {
        "case": cs.name, "key": cs.key, "status": "failed", "error": reason, "screening": None, "counts": {},
        "strength": 0.0, "top": [], "documents": 0, "pages": cs.pages_known(), "ocr_pages": 0,
        "failed_files": errs, "people": [], "identifiers": [],
    }


def run_batch(
    referrals: Path,
    out_dir: Path,
    *,
    ray: str | None = None,
    workers: int | None = None,
    scope_path: Path | None = None,
    settings: Settings | None = None,
    progress: TextIO | None = None,
    write_reports: bool = True,
) -> BatchResult:
    """Screen every referral below ``referrals`` into ``out_dir`` (see the module docstring)."""
    from assistant.batch import report
    from assistant.batch.scope import DEFAULT_SCOPE, load_scope
    from assistant.config import get_settings
    from assistant.ingest import _cache, _payload, _plain

    t_start = time.monotonic()
    s = settings or get_settings()
    referrals, out_dir = Path(referrals), Path(out_dir)
    if not referrals.is_dir():
        raise NotADirectoryError(f"{referrals}: not a folder. Give the folder that holds the referrals' case folders.")
    scope_file = Path(scope_path) if scope_path is not None else DEFAULT_SCOPE
    scope = load_scope(scope_file)  # a bad scope file stops here, before any work
    gcache = _cache(s)
    ingest_key = _ingest_key(s)
    store = Store(out_dir / ".batch", ingest_key)
    payload = _payload(s)
    n_workers = max(1, int(workers or s.workers))
    base = {"batch": BATCH_VERSION, "ingest": ingest_key, "detectors": detector_versions(),
            "rules": rules_digest(), "scope": scope.key}

    cases, skipped = discover(referrals, store, s)
    prog = Progress(progress, len(cases))
    for line in skipped:
        if progress is not None:
            progress.write(f"skipped: {line}\n")
    summaries: dict[str, dict[str, Any]] = {}
    tasks: list[Task] = []
    reviews: list[Task] = []

    def review_task(cs: CaseState) -> Task:
        cs.status = "reviewing"
        files = [{"name": f.name, "sha256": f.sha256, "media_type": f.media_type} for f in cs.files if not f.error]
        errors = [f.error.to_dict() for f in cs.files if f.error] + [e.to_dict() for e in cs.errors]
        return Task(
            request={"op": "review", "case": cs.name, "files": files, "errors": errors,
                     "failed_pages": {f.name: f.failed for f in cs.files if f.failed},
                     "store": str(store.root), "ingest_key": ingest_key, "out": str(out_dir),
                     "scope": str(scope_file), "key": cs.key,
                     "global_cache": str(gcache.directory) if gcache.directory is not None else None},
            timeout=REVIEW_TIMEOUT_S, tag=("review", cs, None, None), urgent=True)

    def file_request(op: str, f: FileState, index: int | None = None) -> dict[str, Any]:
        r: dict[str, Any] = {"op": op, "path": str(f.path), "name": f.name, "media_type": f.media_type,
                             "sha256": f.sha256, "settings": payload, "store": str(store.root),
                             "ingest_key": ingest_key}
        if index is not None:
            r["index"] = index
        return r

    def ocr_tasks(cs: CaseState, f: FileState) -> list[Task]:
        return [Task(request=file_request("ocr", f, i), timeout=float(s.parse_timeout_s), tag=("ocr", cs, f, i))
                for i in sorted(f.ocr_left)]

    def finish(cs: CaseState, summary: dict[str, Any]) -> None:
        summaries[cs.name] = summary
        cs.status = summary["status"]
        prog.cases_done += 1
        prog.tick()

    def maybe_review(cs: CaseState) -> list[Task]:
        if cs.status == "pending" and all(f.ready for f in cs.files):
            return [review_task(cs)]
        return []

    for cs in cases:
        if cs.status == "failed":
            finish(cs, _failed_summary(cs, cs.problem))
            continue
        _prepare(cs, s)
        cs.key = _case_key(cs, base)
        old = read_json(store.case_path(cs.name))
        if old is not None and old.get("key") == cs.key and (out_dir / f"{cs.name}.json").exists():
            cs.resumed = True
            prog.pages_done += int(old.get("pages", 0))
            prog.pages_known += int(old.get("pages", 0))
            prog.files_parsed += len(cs.files)
            finish(cs, old)
            continue
        for f in cs.files:
            if f.error:
                continue
            doc = store.docs.get(f.sha256, f.name) or gcache.get(f.sha256, f.name)
            if doc is not None:
                store.docs.put(doc)
                f.pages = len(doc.pages)
            else:
                parsed = read_json(store.parse_path(f.sha256))
                if parsed is not None:
                    f.pages = len(parsed["pages"])
                    f.ocr_left = {int(i) for i in parsed["ocr"] if not store.page_path(f.sha256, int(i)).exists()}
                    tasks.extend(ocr_tasks(cs, f))
                else:
                    prog.files_unparsed += 1
                    tasks.append(Task(request=file_request("parse", f), timeout=float(s.parse_timeout_s),
                                      tag=("parse", cs, f, None)))
                    continue
            prog.files_parsed += 1
            prog.pages_known += f.pages
            prog.pages_done += f.pages - len(f.ocr_left)
        reviews.extend(maybe_review(cs))
        prog.tick()

    stage_seconds: dict[str, float] = {"parse": 0.0, "ocr": 0.0, "review": 0.0}

    def on_outcome(task: Task, out: Outcome) -> list[Task]:
        op, cs, f, index = task.tag
        follow: list[Task] = []
        if out.ok and isinstance(out.result, dict):
            stage_seconds[op] += float(out.result.get("elapsed_s", 0.0))
        if op == "parse":
            prog.files_unparsed -= 1
            if out.ok:
                f.pages = int(out.result["pages"])
                f.ocr_left = {int(i) for i in out.result["ocr"]}
                prog.files_parsed += 1
                prog.pages_known += f.pages
                done = f.pages - len(f.ocr_left)
                prog.pages_done += done
                prog.pages_run += done
                follow.extend(ocr_tasks(cs, f))
            else:
                job = type("J", (), {"name": f.name})()
                f.error = _plain(job, out.code, out.reason)
        elif op == "ocr":
            f.ocr_left.discard(index)
            prog.pages_done += 1
            prog.pages_run += 1
            if not out.ok:
                reason = out.reason
                if out.code == "timeout":
                    reason = f"OCR of page {index + 1} {out.reason}"
                elif out.code == "crash":
                    reason = f"OCR of page {index + 1} failed ({out.reason})"
                f.failed[str(index)] = [out.code, reason]
        else:  # review
            summary = read_json(store.case_path(cs.name)) if out.ok else None
            if summary is None or summary.get("key") != cs.key:
                why = out.reason if not out.ok else "its summary was not written"
                summary = _failed_summary(cs, f"the review of this case failed: {why}")
            finish(cs, summary)
            return []
        follow.extend(maybe_review(cs))
        prog.tick()
        return follow

    queue = reviews + tasks
    if queue:
        if ray:
            from assistant.batch.backends import run_ray

            run_ray(queue, on_outcome, workers=n_workers, address=ray)
        else:
            from assistant.batch.backends import run_local

            run_local(queue, on_outcome, workers=n_workers)
    for cs in cases:
        if cs.name not in summaries:  # never reached its review (the backend stopped)
            finish(cs, _failed_summary(cs, "not finished: run the same command again to resume"))
    prog.tick(force=True)
    ordered = [summaries[c.name] for c in cases]
    if write_reports:
        report.write_all(ordered, out_dir, scope)
    result = BatchResult(
        cases=len(cases),
        done=sum(1 for x in ordered if x["status"] == "done"),
        failed=sum(1 for x in ordered if x["status"] != "done"),
        resumed=sum(1 for c in cases if c.resumed),
        pages=sum(int(x.get("pages", 0)) for x in ordered),
        pages_run=prog.pages_run,
        seconds=round(time.monotonic() - t_start, 3),
        out_dir=out_dir,
        summaries=ordered,
        stage_seconds={k: round(v, 3) for k, v in stage_seconds.items()},
    )
    write_json(store.root / "last_run.json", {
        "backend": f"ray:{ray}" if ray else "local", "workers": n_workers,
        **{k: v for k, v in asdict(result).items() if k not in ("summaries", "out_dir")}})
    return result


def _ingest_key(settings: Settings) -> str:
    """The ingest cache's key string, as ``assistant.ingest._cache`` builds it, so the batch and
    ``review`` share OCR results."""
    from dataclasses import replace

    from assistant.ingest import INGEST_VERSION
    from assistant.ingest.ocr import DEFAULT_OCR

    ocr = replace(DEFAULT_OCR, lang=settings.ocr_lang).key()
    return f"{INGEST_VERSION}|dpi={settings.ocr_dpi}|{ocr}|px={settings.max_image_pixels}"
