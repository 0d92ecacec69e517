"""The job runner: a background thread that runs queued jobs one at a time in a worker
process (``python -m assistant.workbench.worker``, through ``assistant.subproc``), with a time
limit on each job.

- One at a time: the machine's cores go to OCR and the models inside a job, and two jobs of
  one case must not review it at once.
- The worker process stays up between jobs, so the models load once rather than per upload;
  it is retired after ``idle_s`` without work (its memory goes back) or after ``max_jobs``
  jobs (nothing builds up in it), and a new one starts with the next job.
- A job past its time limit is killed with the worker's whole process group (OCR children
  included) and marked failed with a message saying so; the next job gets a fresh worker.
- A job left ``running`` or ``queued`` by a server that stopped is run again at the next
  start (the originals are stored; the worker is idempotent).
"""

from __future__ import annotations

import logging
import queue
import threading
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from assistant.subproc import JSON_LINES, Child, ChildGone, ChildTimeout
from assistant.workbench.clock import now_iso
from assistant.workbench.tables import DocumentRow, Job

log = logging.getLogger("assistant.jobs")
WORKER_MODULE = "assistant.workbench.worker"


def fail_job(s: Session, job_id: int, message: str) -> None:
    """Record a job as failed, with its unfinished documents (the caller commits)."""
    job = s.get(Job, job_id)
    if job is None or job.status in ("done", "failed"):
        return
    job.status, job.stage, job.finished_at, job.message = "failed", "failed", now_iso(), message
    errs = list(job.errors or [])
    for r in s.execute(
        select(DocumentRow).where(
            DocumentRow.job_id == job_id, DocumentRow.status.in_(("queued", "processing"))
        )
    ).scalars():
        r.status, r.error_code, r.error = (
            "failed",
            "timeout" if "time" in message else "failed",
            message,
        )
        errs.append({"document": r.name, "code": r.error_code, "error": message})
    job.errors = errs


class _Worker:
    """One worker process (``assistant.subproc.Child``, JSON lines) and its job count."""

    def __init__(self, config: dict[str, Any]) -> None:
        self.child = Child(WORKER_MODULE, JSON_LINES, env={"OMP_THREAD_LIMIT": "1", "PYTHONUNBUFFERED": "1"},
                           stderr="capture", on_stderr_line=self._log_line)
        self.jobs = 0
        self._skipped = 0
        self.child.send(config)

    def _log_line(self, line: str) -> None:
        # Only the worker's own lines (ids and counts): library output might quote text.
        if line.startswith("worker: "):
            log.info("%s", line[8:].rstrip())
        else:
            self._skipped += 1

    def alive(self) -> bool:
        return self.child.alive()

    def close(self, timeout: float = 10.0) -> None:
        """Ask it to finish (end of input), then make sure it is gone."""
        self.child.close(timeout)
        if self._skipped:
            log.debug("worker wrote %d other line(s) to stderr (not logged)", self._skipped)

    def kill(self) -> None:
        self.child.kill()


class JobRunner:
    def __init__(
        self,
        sessions: sessionmaker[Session],
        worker_config: dict[str, Any],
        *,
        timeout_s: float,
        idle_s: float = 300.0,
        max_jobs: int = 25,
    ) -> None:
        self.sessions = sessions
        self.config = dict(worker_config)
        self.timeout_s = timeout_s
        self.idle_s = idle_s
        self.max_jobs = max_jobs
        self._q: queue.Queue[int | None] = queue.Queue()
        self._thread: threading.Thread | None = None
        self._worker: _Worker | None = None
        self._stopping = threading.Event()

    def start(self) -> None:
        """Queue the jobs a previous server left unfinished, then start the thread."""
        with self.sessions() as s:
            pending = list(
                s.execute(
                    select(Job).where(Job.status.in_(("queued", "running"))).order_by(Job.id)
                ).scalars()
            )
            for j in pending:
                j.status, j.stage = "queued", "queued"
                for d in s.execute(
                    select(DocumentRow).where(
                        DocumentRow.job_id == j.id, DocumentRow.status == "processing"
                    )
                ).scalars():
                    d.status = "queued"
            s.commit()
            ids = [j.id for j in pending]
        for i in ids:
            self._q.put(i)
        if ids:
            log.info("resuming %d unfinished job(s)", len(ids))
        self._thread = threading.Thread(target=self._loop, name="job-runner", daemon=True)
        self._thread.start()

    def enqueue(self, job_id: int) -> None:
        self._q.put(job_id)

    def stop(self, timeout: float = 10.0) -> None:
        """Stop taking jobs; a running job is killed and will run again at the next start."""
        self._stopping.set()
        self._q.put(None)
        w = self._worker
        if w is not None and w.alive():
            w.kill()
        if self._thread is not None:
            self._thread.join(timeout)

    def _loop(self) -> None:
        while not self._stopping.is_set():
            try:
                job_id = self._q.get(timeout=self.idle_s)
            except queue.Empty:
                self._retire("idle")
                continue
            if job_id is None:
                break
            try:
                self.run_one(job_id)
            except Exception as e:  # noqa: BLE001 - one job's failure never stops the runner
                log.error("job %s: runner error %s", job_id, type(e).__name__)
        self._retire("stopping")

    def _retire(self, why: str) -> None:
        w, self._worker = self._worker, None
        if w is not None:
            log.info("worker retired (%s) after %d job(s)", why, w.jobs)
            w.close()

    def run_one(self, job_id: int) -> None:
        with self.sessions() as s:
            job = s.get(Job, job_id)
            if job is None or job.status != "queued":
                return
        if self._worker is None or not self._worker.alive():
            self._worker = _Worker(self.config)
            log.info("worker started")
        w = self._worker
        w.jobs += 1
        log.info("job %s: sent to the worker", job_id)
        message: str | None = None
        reply: dict[str, Any] | None = None
        try:
            answer = w.child.request({"job_id": job_id}, timeout=self.timeout_s)
            reply = answer if isinstance(answer, dict) else {"ok": False}  # a garbled reply: failed
        except ChildTimeout:
            self._worker = None
            message = (
                f"Processing took longer than the time limit ({self.timeout_s / 60:.0f} "
                "minutes) and was stopped. Upload fewer or smaller files at a time."
            )
        except ChildGone:  # the worker died before or while running the job
            if self._stopping.is_set():
                return  # killed by stop(): the job runs again at the next start
            code = w.child.exit_status(wait=2)
            self._worker = None
            message = (
                f"Processing stopped unexpectedly (exit code {code}). The files are "
                "kept; try again, or report this to your administrator."
            )
        if reply is None or not reply.get("ok", False):
            with self.sessions() as s:
                job = s.get(Job, job_id)
                if job is not None and job.status not in ("done", "failed"):
                    fail_job(s, job_id, message or "Processing ended without finishing.")
                    s.commit()
        log.info("job %s: %s", job_id, "done" if reply and reply.get("ok") else "failed")
        if self._worker is not None and self._worker.jobs >= self.max_jobs:
            self._retire("job count")
