"""A small pool of worker processes with a time limit per task.

Why not ``multiprocessing`` or ``concurrent.futures``: neither can kill the one task that hangs
without losing the others, a crashed worker breaks a ``ProcessPoolExecutor`` for good, and a
daemonic process (as a web server's job runner may be) may not start children. Each worker here
is a plain subprocess (``python -m assistant.ingest.worker``) in its own process group; a task
that runs past its deadline gets its worker (and that worker's Tesseract) killed, a worker that
dies takes only its own task with it, and a fresh worker replaces it for the tasks still queued.
"""

from __future__ import annotations

import json
import os
import selectors
import signal
import struct
import subprocess
import sys
import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

_HEADER = struct.Struct(">Q")
_PACKAGE_ROOT = str(Path(__file__).resolve().parents[2])


@dataclass(slots=True)
class Task:
    """One request for a worker. ``tag`` is the caller's, returned with the outcome."""

    request: dict[str, Any]
    timeout: float
    tag: Any = None
    urgent: bool = False  # a follow-up that goes to the front of the queue, not the back


@dataclass(slots=True)
class Outcome:
    ok: bool
    result: Any = None
    code: str = ""  # IngestError code, or "timeout" / "crash"
    reason: str = ""


@dataclass(slots=True)
class _Worker:
    proc: subprocess.Popen[bytes]
    buf: bytearray = field(default_factory=bytearray)
    task: Task | None = None
    deadline: float = 0.0


def _spawn(module: str = "assistant.ingest.worker") -> _Worker:
    env = dict(os.environ)
    env["OMP_THREAD_LIMIT"] = "1"
    # Make the package importable from a source checkout that was not pip-installed.
    env["PYTHONPATH"] = os.pathsep.join(p for p in (_PACKAGE_ROOT, env.get("PYTHONPATH", "")) if p)
    debug = os.environ.get("ASSISTANT_INGEST_DEBUG")
    proc = subprocess.Popen(
        [sys.executable, "-m", module],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=None if debug else subprocess.DEVNULL,
        env=env,
        start_new_session=True,  # its own process group: killing it kills its Tesseract too
        close_fds=True,
    )
    return _Worker(proc=proc)


def _kill(w: _Worker) -> None:
    """Kill a worker and anything it started (its Tesseract), then reap it."""
    try:
        # Its process group outlives it only while a child of it (Tesseract) still runs; the
        # group id cannot be handed to another process while the group exists.
        os.killpg(w.proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError, OSError):
        if w.proc.returncode is None:
            try:
                w.proc.kill()
            except OSError:
                pass
    for stream in (w.proc.stdin, w.proc.stdout):
        try:
            if stream is not None:
                stream.close()
        except OSError:
            pass
    try:
        w.proc.wait(timeout=5)
    except subprocess.TimeoutExpired:
        pass


def _close(w: _Worker) -> None:
    """Ask an idle worker to exit (end of input), and make sure it does."""
    try:
        if w.proc.stdin is not None:
            w.proc.stdin.close()
        w.proc.wait(timeout=2)
        if w.proc.stdout is not None:
            w.proc.stdout.close()
        return
    except (OSError, subprocess.TimeoutExpired):
        pass
    _kill(w)  # still running: its process id cannot have been reused yet


def _death(w: _Worker) -> str:
    """Why a worker's output ended: its exit status, or the signal that killed it."""
    try:
        status = w.proc.wait(timeout=2)
    except subprocess.TimeoutExpired:
        return "the reader process stopped answering"
    if status < 0:
        try:
            sig = signal.Signals(-status).name
        except ValueError:
            sig = f"signal {-status}"
        return f"the reader process crashed ({sig})"
    return f"the reader process stopped unexpectedly (exit status {status})"


# What a C reader (pdfium, libtiff, zlib) does when its allocation fails under the worker's
# memory limit (RLIMIT_AS): abort, or fault on the NULL it was given. The usual cause is a
# file that expands far beyond its size (a decompression bomb).
_OUT_OF_MEMORY = ("SIGABRT", "SIGSEGV", "SIGBUS", "SIGKILL")


def _death_outcome(why: str) -> Outcome:
    if any(f"({sig})" in why for sig in _OUT_OF_MEMORY):
        mb = int(os.environ.get("ASSISTANT_PARSE_MEMORY_MB", "1536"))
        return Outcome(
            ok=False,
            code="too_large",
            reason=f"the file needs more memory to read than the {mb} MB allowed (it may "
            f"expand far beyond its size, like a decompression bomb); {why}",
        )
    return Outcome(ok=False, code="crash", reason=why)


def _send(w: _Worker, request: dict[str, Any]) -> bool:
    data = json.dumps(request, ensure_ascii=False).encode("utf-8")
    try:
        assert w.proc.stdin is not None
        w.proc.stdin.write(_HEADER.pack(len(data)) + data)
        w.proc.stdin.flush()
        return True
    except (BrokenPipeError, OSError, ValueError):
        return False


class TaskQueue(deque[Task]):
    """Tasks waiting for a worker: follow-ups join the end, an ``urgent`` one the front."""

    def extend(self, items: Iterable[Task]) -> None:
        for t in items:
            if t.urgent:
                self.appendleft(t)
            else:
                self.append(t)


def run_tasks(
    tasks: Iterable[Task],
    on_outcome: Callable[[Task, Outcome], Iterable[Task]],
    *,
    workers: int,
    module: str = "assistant.ingest.worker",
) -> None:
    """Run ``tasks`` on up to ``workers`` processes. ``on_outcome`` is called in this process
    for every finished task, in completion order, and may return follow-up tasks (for example
    the OCR of pages a parse found), which join the end of the queue (the front if ``urgent``).
    ``module`` is the worker program (``python -m module``), speaking the protocol of
    ``assistant.ingest.worker``.
    """

    queue = TaskQueue(tasks)
    pool: list[_Worker] = []
    sel = selectors.DefaultSelector()
    n_max = max(1, workers)
    task_id = 0

    def finish(w: _Worker, outcome: Outcome) -> None:
        task = w.task
        w.task = None
        assert task is not None
        queue.extend(on_outcome(task, outcome))

    def retire(w: _Worker) -> None:
        try:
            sel.unregister(w.proc.stdout)  # type: ignore[arg-type]
        except (KeyError, ValueError):
            pass
        _kill(w)
        pool.remove(w)

    try:
        while queue or any(w.task is not None for w in pool):
            # Hand queued tasks to idle workers, starting workers as needed.
            while queue:
                idle = next((w for w in pool if w.task is None), None)
                if idle is None:
                    if len(pool) >= n_max:
                        break
                    try:
                        idle = _spawn(module)
                    except OSError as e:  # out of processes or file handles
                        if pool:
                            break  # the running workers will take the queue
                        why = f"no reader process could be started ({e.strerror or e})"
                        task = queue.popleft()
                        queue.extend(on_outcome(task, Outcome(ok=False, code="crash", reason=why)))
                        continue
                    pool.append(idle)
                    assert idle.proc.stdout is not None
                    os.set_blocking(idle.proc.stdout.fileno(), False)
                    sel.register(idle.proc.stdout, selectors.EVENT_READ, idle)
                task = queue.popleft()
                task_id += 1
                request = dict(task.request, id=task_id)
                idle.task = task
                idle.deadline = time.monotonic() + task.timeout
                if not _send(idle, request):
                    idle.task = None
                    retire(idle)
                    queue.extend(
                        on_outcome(
                            task,
                            Outcome(
                                ok=False,
                                code="crash",
                                reason="the reader process could not be started",
                            ),
                        )
                    )
            busy = [w for w in pool if w.task is not None]
            if not busy:
                continue
            wait = max(0.0, min(w.deadline for w in busy) - time.monotonic())
            for key, _ in sel.select(timeout=min(wait, 1.0)):
                w = key.data
                assert w.proc.stdout is not None
                try:
                    chunk = os.read(w.proc.stdout.fileno(), 1 << 20)
                except BlockingIOError:
                    continue
                except OSError:
                    chunk = b""
                if not chunk:
                    if w.task is not None:
                        finish(w, _death_outcome(_death(w)))
                    retire(w)
                    continue
                w.buf.extend(chunk)
                while len(w.buf) >= _HEADER.size:
                    (n,) = _HEADER.unpack_from(w.buf)
                    if len(w.buf) < _HEADER.size + n:
                        break
                    frame = bytes(w.buf[_HEADER.size : _HEADER.size + n])
                    del w.buf[: _HEADER.size + n]
                    try:
                        answer = json.loads(frame.decode("utf-8"))
                    except ValueError:
                        answer = {"ok": False, "code": "crash", "reason": "garbled answer"}
                    if w.task is None:
                        continue
                    if answer.get("ok"):
                        finish(w, Outcome(ok=True, result=answer.get("result")))
                    else:
                        finish(
                            w,
                            Outcome(
                                ok=False,
                                code=str(answer.get("code", "crash")),
                                reason=str(answer.get("reason", "")),
                            ),
                        )
            now = time.monotonic()
            for w in list(pool):
                if w.task is not None and now > w.deadline:
                    timeout = w.task.timeout
                    retire_task = w.task
                    retire(w)
                    w.task = None
                    queue.extend(
                        on_outcome(
                            retire_task,
                            Outcome(
                                ok=False,
                                code="timeout",
                                reason=f"reading it took longer than {timeout:g} s and was stopped",
                            ),
                        )
                    )
    finally:
        for w in list(pool):
            if w.task is None:
                _close(w)
            else:
                _kill(w)
        sel.close()
