"""The worker pool: a task past its time limit is stopped, a worker that dies takes only its
own task with it, and the other tasks of the batch still finish."""

from __future__ import annotations

import time
from pathlib import Path

from assistant.config import Settings
from assistant.ingest import ingest_paths
from assistant.ingest.runner import Outcome, Task, run_tasks

FIX = Path(__file__).parent / "fixtures" / "ingest"


def _run(tasks: list[Task], workers: int = 2) -> dict[str, Outcome]:
    got: dict[str, Outcome] = {}

    def on_outcome(task: Task, out: Outcome) -> list[Task]:
        got[task.tag] = out
        return []

    run_tasks(tasks, on_outcome, workers=workers)
    return got


def test_a_hanging_task_is_stopped_and_the_rest_finish() -> None:
    t0 = time.monotonic()
    got = _run(
        [
            Task({"op": "sleep", "seconds": 60}, timeout=1.0, tag="hang"),
            Task({"op": "sleep", "seconds": 0.1}, timeout=30, tag="quick-1"),
            Task({"op": "sleep", "seconds": 0.1}, timeout=30, tag="quick-2"),
            Task({"op": "sleep", "seconds": 0.1}, timeout=30, tag="quick-3"),
        ]
    )
    assert time.monotonic() - t0 < 15
    assert got["hang"].code == "timeout" and "longer than 1 s" in got["hang"].reason
    for tag in ("quick-1", "quick-2", "quick-3"):
        assert got[tag].ok and got[tag].result == {"slept": 0.1}


def test_a_worker_that_dies_fails_only_its_task() -> None:
    got = _run(
        [
            Task({"op": "exit", "status": 7}, timeout=30, tag="dies"),
            Task({"op": "sleep", "seconds": 0.05}, timeout=30, tag="after-1"),
            Task({"op": "sleep", "seconds": 0.05}, timeout=30, tag="after-2"),
        ],
        workers=1,
    )
    assert got["dies"].code == "crash" and "exit status 7" in got["dies"].reason
    assert got["after-1"].ok and got["after-2"].ok


def test_follow_up_tasks_run_in_the_same_batch() -> None:
    seen: list[str] = []

    def on_outcome(task: Task, out: Outcome) -> list[Task]:
        seen.append(task.tag)
        if task.tag == "first":
            return [Task({"op": "sleep", "seconds": 0}, timeout=30, tag="second")]
        return []

    run_tasks([Task({"op": "sleep", "seconds": 0}, timeout=30, tag="first")], on_outcome, workers=2)
    assert seen == ["first", "second"]


def test_tiny_parse_timeout_reports_the_file(tmp_path: Path) -> None:
    """A parse that runs past settings.parse_timeout_s is a per-file 'timeout' error."""
    s = Settings(cache_dir=tmp_path, parse_timeout_s=0.001)
    docs, errors = ingest_paths([FIX / "digital.pdf", FIX / "duty_log.txt"], settings=s)
    assert [d.name for d in docs] == ["duty_log.txt"]  # text is decoded in-process
    assert len(errors) == 1
    err = errors[0]
    assert err.document == "digital.pdf" and err.code == "timeout"
    assert "ASSISTANT_PARSE_TIMEOUT_S" in err.reason
