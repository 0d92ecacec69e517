"""A small pool of worker processes with a time limit per task.

Each worker is a ``python -m assistant.ingest.worker`` child (``assistant.subproc.Child``: its
own process group, JSON frames on stdin/stdout); a task that runs past its deadline gets its
worker (and that worker's Tesseract) killed, a worker that dies takes only its own task with
it, and a fresh worker replaces it for the tasks still queued.
"""

from __future__ import annotations

import os
import queue
import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from assistant.subproc import EOF, JSON_FRAMES, Child, Garbled, describe_exit


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


def _death(child: Child) -> str:
    """Why a worker's output ended: its exit status, or the signal that killed it."""
    status = child.exit_status(wait=2)
    if status is None:
        return "the reader process stopped answering"
    if status < 0:
        sig = describe_exit(status).removeprefix("signal ")
        return f"the reader process crashed ({sig if sig.startswith('SIG') else 'signal ' + sig})"
    return f"the reader process stopped unexpectedly ({describe_exit(status)})"


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


class TaskQueue(deque[Task]):
    """Tasks waiting for a worker: follow-ups join the end, an ``urgent`` one the front."""

    def extend(self, items: Iterable[Task]) -> None:
        for t in items:
            if t.urgent:
                self.appendleft(t)
            else:
                self.append(t)


def answer_outcome(answer: Any) -> Outcome:
    """A worker's answer (a frame from a worker process, or a Ray task's result) as an outcome."""
    if isinstance(answer, Garbled) or not isinstance(answer, dict):
        return Outcome(ok=False, code="crash", reason="garbled answer")
    if answer.get("ok"):
        return Outcome(ok=True, result=answer.get("result"))
    return Outcome(ok=False, code=str(answer.get("code", "crash")), reason=str(answer.get("reason", "")))


@dataclass(slots=True, eq=False)
class _Worker:
    child: Child
    task: Task | None = None
    deadline: float = 0.0


class _Pool:
    """The workers of one ``run_tasks`` call and the queue of tasks they work through."""

    def __init__(
        self,
        tasks: Iterable[Task],
        on_outcome: Callable[[Task, Outcome], Iterable[Task]],
        workers: int,
        module: str,
    ) -> None:
        self.queue = TaskQueue(tasks)
        self.on_outcome = on_outcome
        self.n_max = max(1, workers)
        self.module = module
        self.workers: dict[Child, _Worker] = {}
        self.messages: queue.Queue[tuple[Child, Any]] = queue.Queue()
        self.task_id = 0

    def busy(self) -> list[_Worker]:
        return [w for w in self.workers.values() if w.task is not None]

    def report(self, task: Task, outcome: Outcome) -> None:
        self.queue.extend(self.on_outcome(task, outcome))

    def finish(self, w: _Worker, outcome: Outcome) -> None:
        task, w.task = w.task, None
        assert task is not None
        self.report(task, outcome)

    def retire(self, w: _Worker) -> None:
        self.workers.pop(w.child, None)
        w.child.kill()

    def _spawn(self) -> _Worker | None:
        """A new worker, or None when none can be started (the first queued task then fails
        if no worker runs at all)."""
        debug = os.environ.get("ASSISTANT_INGEST_DEBUG")
        try:
            child = Child(self.module, JSON_FRAMES, env={"OMP_THREAD_LIMIT": "1"},
                          stderr="inherit" if debug else "devnull", messages=self.messages)
        except OSError as e:  # out of processes or file handles
            if not self.workers:
                why = f"no reader process could be started ({e.strerror or e})"
                self.report(self.queue.popleft(), Outcome(ok=False, code="crash", reason=why))
            return None
        w = self.workers[child] = _Worker(child)
        return w

    def dispatch(self) -> None:
        """Hand queued tasks to idle workers, starting workers as needed."""
        while self.queue:
            idle = next((w for w in self.workers.values() if w.task is None), None)
            if idle is None:
                if len(self.workers) >= self.n_max:
                    return
                idle = self._spawn()
                if idle is None:
                    if self.workers:
                        return  # the running workers will take the queue
                    continue
            task = self.queue.popleft()
            self.task_id += 1
            idle.task = task
            idle.deadline = time.monotonic() + task.timeout
            if not idle.child.send(dict(task.request, id=self.task_id)):
                idle.task = None
                self.retire(idle)
                self.report(task, Outcome(ok=False, code="crash", reason="the reader process could not be started"))

    def collect(self) -> None:
        """Wait (until the nearest deadline, a second at most) for answers, and take them all."""
        busy = self.busy()
        wait = max(0.0, min(w.deadline for w in busy) - time.monotonic())
        try:
            child, msg = self.messages.get(timeout=min(wait, 1.0))
        except queue.Empty:
            return
        while True:
            w = self.workers.get(child)
            if w is not None:  # else: a retired worker's last words
                if msg is EOF:
                    if w.task is not None:
                        self.finish(w, _death_outcome(_death(child)))
                    self.retire(w)
                elif w.task is not None:
                    self.finish(w, answer_outcome(msg))
            try:
                child, msg = self.messages.get_nowait()
            except queue.Empty:
                return

    def stop_late(self) -> None:
        """Kill the workers whose task is past its deadline, and report those tasks."""
        now = time.monotonic()
        for w in list(self.workers.values()):
            if w.task is not None and now > w.deadline:
                task = w.task
                self.retire(w)
                w.task = None
                self.report(task, Outcome(ok=False, code="timeout",
                                          reason=f"reading it took longer than {task.timeout:g} s and was stopped"))

    def close(self) -> None:
        for w in list(self.workers.values()):
            if w.task is None:
                w.child.close()
            else:
                w.child.kill()
        self.workers.clear()


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
    pool = _Pool(tasks, on_outcome, workers, module)
    try:
        while pool.queue or pool.busy():
            pool.dispatch()
            if not pool.busy():
                continue
            pool.collect()
            pool.stop_late()
    finally:
        pool.close()
