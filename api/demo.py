"""``python -m assistant demo [--no-serve]``: the README's first command on a fresh machine.

Reviews every sample case (``sample_files/train`` and ``sample_files/test``), prints each
case's summary, loads the cases into the database (a second run reuses what is there and
keeps every decision), creates a first admin and a reviewer with random passwords when there
are no users yet and prints the first login, then serves the UI at http://127.0.0.1:8000 -
only when a person is at the terminal and --no-serve was not given. An unattended run (CI,
a fresh-machine check) prints how to serve and exits 0.

It goes through the same steps as an upload in the web UI (register the files, ingest,
review, store, index: ``assistant.workbench.worker.run_job``), in this process, so the models
load once for all cases.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

if TYPE_CHECKING:
    from api.settings import ApiSettings
    from assistant.types import CaseReview

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "sample_files"
URL = "http://127.0.0.1:8000"


def find_cases(samples: Path | None = None) -> list[tuple[str, Path]]:
    """(case name, folder) of every sample case: train/ and test/ first, else any case folder."""
    from assistant.types import SUPPORTED_SUFFIXES

    samples = samples if samples is not None else SAMPLES

    def is_case(d: Path) -> bool:
        return d.is_dir() and any(
            f.is_file() and f.suffix.lower() in SUPPORTED_SUFFIXES for f in d.iterdir()
        )

    out: list[tuple[str, Path]] = []
    for split in ("train", "test"):
        base = samples / split
        if base.is_dir():
            out += [(f"{split}/{d.name}", d) for d in sorted(base.iterdir()) if is_case(d)]
    if out or not samples.is_dir():
        return out
    # Before the labelled splits exist: any folder of case files, except the sources.
    for d in sorted(samples.rglob("*")):
        rel = d.relative_to(samples)
        if rel.parts and rel.parts[0] != "src" and is_case(d):
            out.append((str(rel), d))
    return out


def _progress_bar() -> Callable[[str, int, int], None] | None:
    """A progress bar per stage on stderr, when someone is watching (the review command's)."""
    from assistant.console import progress_bar

    return progress_bar(quiet=False)


def ensure_users(sessions: sessionmaker[Session], data_dir: Path) -> list[str]:
    """First run: an admin and a reviewer with random passwords. Returns lines to print."""
    from assistant.workbench import auth
    from assistant.workbench.tables import User

    note = data_dir / "first-login.txt"
    with sessions() as s:
        if s.execute(select(User.id)).first() is None:
            admin_pw, reviewer_pw = auth.random_password(), auth.random_password()
            auth.create_user(s, "admin", admin_pw, "admin", by="demo")
            auth.create_user(s, "reviewer", reviewer_pw, "reviewer", by="demo")
            s.commit()
            lines = [
                f"Open {URL} and log in:",
                f"  username: reviewer   password: {reviewer_pw}   (sees the sample cases)",
                f"  username: admin      password: {admin_pw}   (users, audit trail)",
            ]
            fd = os.open(note, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "w") as f:
                f.write("\n".join(lines) + "\n\nDelete this file once you have logged in.\n")
            return lines + [f"(also saved in {note}; delete it once you have logged in)"]
    if note.is_file():
        return [line for line in note.read_text().splitlines() if line.strip()]
    return [f"Open {URL} and log in with the users created on the first run."]


def load_case(
    sessions: sessionmaker[Session], name: str, folder: Path, data_dir: Path, settings: ApiSettings
) -> tuple[int, CaseReview, dict[str, int], list[str]]:
    """Register the folder's files in case ``name`` (creating it once) and run the job."""
    from assistant.workbench import audit, worker
    from assistant.workbench.blobs import BlobStore
    from assistant.workbench.clock import now_iso
    from assistant.workbench.store import NewFile, ensure_blob, media_type_for, register_files
    from assistant.workbench.tables import Assignment, Case, Job, User

    blobs = BlobStore(data_dir)
    with sessions() as s:
        case = s.execute(select(Case).where(Case.name == name)).scalar_one_or_none()
        if case is None:
            case = Case(name=name, created_at=now_iso(), created_by="demo")
            s.add(case)
            s.flush()
            audit.record(s, "create_case", actor="demo", case_id=case.id)
        reviewer = s.execute(select(User).where(User.username == "reviewer")).scalar_one_or_none()
        if reviewer is not None and s.get(Assignment, (case.id, reviewer.id)) is None:
            s.add(
                Assignment(
                    case_id=case.id, user_id=reviewer.id, assigned_at=now_iso(), assigned_by="demo"
                )
            )
        job = Job(
            case_id=case.id,
            status="queued",
            stage="queued",
            done=0,
            total=0,
            errors=[],
            created_at=now_iso(),
            created_by="demo",
        )
        s.add(job)
        s.flush()
        files = []
        skipped = []
        for f in sorted(folder.iterdir()):
            if not f.is_file() or f.name.startswith("."):
                continue
            from assistant.types import SUPPORTED_SUFFIXES

            if f.suffix.lower() not in SUPPORTED_SUFFIXES:
                skipped.append(f.name)
                continue
            sha, size = blobs.put_path(f)
            ensure_blob(s, sha, size)
            files.append(NewFile(f.name, sha, size, media_type_for(f.name)))
        register_files(s, case, files, job_id=job.id, by="demo")
        s.commit()
        case_id, job_id = case.id, job.id
    cfg = dict(settings.worker_config(), job_id=job_id)
    worker.QUIET = True
    review, counts = worker.run_job(cfg, on_progress=_progress_bar())
    review.case = name
    return case_id, review, counts, skipped


def main(args: argparse.Namespace) -> int:
    from api.migrate import upgrade
    from api.settings import ApiSettings
    from assistant.console import format_review
    from assistant.workbench.db import make_engine, session_factory

    try:
        settings = ApiSettings()
    except ValueError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    data_dir = Path(settings.data_dir).resolve()
    data_dir.mkdir(parents=True, exist_ok=True)
    engine = make_engine(settings.url)
    upgrade(engine)
    from assistant.workbench import audit

    audit_cfg = settings.audit_config()
    audit.configure(audit_cfg)
    sessions = session_factory(engine, info={"audit": audit_cfg})
    login = ensure_users(sessions, data_dir)

    cases = find_cases()
    if not cases:
        print(f"No sample cases found under {SAMPLES}. Upload your own files in the web UI.")
    t0 = time.perf_counter()
    for i, (name, folder) in enumerate(cases, 1):
        print(f"\n[{i}/{len(cases)}] Reviewing {name} ...", flush=True)
        try:
            case_id, review, counts, skipped = load_case(sessions, name, folder, data_dir, settings)
        except Exception as e:  # noqa: BLE001 - one case's failure never stops the demo
            print(f"  could not review {name}: {type(e).__name__}: {e}", file=sys.stderr)
            continue
        print(format_review(review))
        for f in skipped:
            print(f"  ! skipped {f}: not a supported file type")
        print(
            f"  stored as case {case_id}: {counts['new']} new, {counts['updated']} unchanged, "
            f"{counts['stale']} no longer suggested (decisions kept)"
        )
    if cases:
        print(
            f"\nReviewed {len(cases)} case(s) in {time.perf_counter() - t0:.0f} s; "
            f"data in {data_dir}"
        )
    engine.dispose()
    print("\n" + "\n".join(login))

    if getattr(args, "no_serve", False) or not sys.stdin.isatty():
        print(
            "\nTo open the web UI, run in a terminal: ./run demo   "
            "(or: .venv/bin/python -m assistant serve)"
        )
        return 0
    from api.server import main as serve

    return serve(args)
