"""The job runner: a background thread that runs queued jobs one at a time in a worker
process (``python -m assistant.review.worker``), with a time limit on each job.

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

import json
import logging
import os
import queue
import signal
import subprocess
import sys
import threading
from typing import IO, Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from assistant.review.models import DocumentRow, Job
from assistant.review.worker import fail_job

log = logging.getLogger("assistant.jobs")


class _Worker:
    """One worker process and the threads that read its output."""

    def __init__(self, config: dict[str, Any]) -> None:
        env = dict(os.environ, OMP_THREAD_LIMIT="1", PYTHONUNBUFFERED="1")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "assistant.review.worker"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=True,
            env=env,
            text=True,
            bufsize=1,
        )
        self.replies: queue.Queue[dict[str, Any] | None] = queue.Queue()
        self.jobs = 0
        assert self.proc.stdout is not None and self.proc.stderr is not None
        threading.Thread(target=self._read_replies, args=(self.proc.stdout,), daemon=True).start()
        threading.Thread(target=self._read_log, args=(self.proc.stderr,), daemon=True).start()
        self.send(config)

    def _read_replies(self, out: IO[str]) -> None:
        for line in out:
            try:
                self.replies.put(json.loads(line))
            except ValueError:
                continue
        self.replies.put(None)  # end of output: the worker has gone

    @staticmethod
    def _read_log(err: IO[str]) -> None:
        skipped = 0
        for line in err:
            # Only the worker's own lines (ids and counts): library output might quote text.
            if line.startswith("worker: "):
                log.info("%s", line[8:].rstrip())
            else:
                skipped += 1
        if skipped:
            log.debug("worker wrote %d other line(s) to stderr (not logged)", skipped)

    def send(self, obj: dict[str, Any]) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(json.dumps(obj) + "\n")
        self.proc.stdin.flush()

    def alive(self) -> bool:
        return self.proc.poll() is None

    def close(self, timeout: float = 10.0) -> None:
        """Ask it to finish (end of input), then make sure it is gone."""
        try:
            if self.proc.stdin is not None:
                self.proc.stdin.close()
            self.proc.wait(timeout)
        except (OSError, subprocess.TimeoutExpired):
            self.kill()

    def kill(self) -> None:
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            self.proc.kill()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            pass


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
        try:
            w.send({"job_id": job_id})
            reply = w.replies.get(timeout=self.timeout_s)
        except queue.Empty:
            w.kill()
            self._worker = None
            message = (
                f"Processing took longer than the time limit ({self.timeout_s / 60:.0f} "
                "minutes) and was stopped. Upload fewer or smaller files at a time."
            )
            reply = None
        except OSError:  # the worker died before it could take the job
            reply = None
        if reply is None and message is None:
            if self._stopping.is_set():
                return  # killed by stop(): the job runs again at the next start
            code = w.proc.poll()
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
