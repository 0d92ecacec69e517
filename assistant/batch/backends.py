"""Where the batch's tasks run: local worker processes (default) or Ray.

Both take the same tasks and call the same ``on_outcome`` with the same answers, so the
stages and the outputs do not depend on the backend:

- ``local``: ``assistant.ingest.runner.run_tasks`` with ``assistant.batch.work`` as the worker
  program: plain subprocesses, a time limit per task (a task past it has its worker killed and
  is reported), a crashed worker replaced.
- ``ray``: ``ray.init()`` (``--ray local``: a private runtime on this machine with ``workers``
  CPUs) or ``ray.init(address=...)`` (``--ray ADDRESS``: an existing cluster, every node of
  which must see REFERRALS_DIR and OUT_DIR at the same paths, e.g. over NFS, and have this
  package installed). A task past its time limit is cancelled with ``force=True`` (its worker
  process is killed) and reported. ``ray.shutdown()`` always runs at the end.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from assistant.ingest.runner import Outcome, Task, TaskQueue, answer_outcome, run_tasks

OnOutcome = Callable[[Task, Outcome], Iterable[Task]]
_PACKAGE_ROOT = str(Path(__file__).resolve().parents[2])


def run_local(tasks: Iterable[Task], on_outcome: OnOutcome, *, workers: int) -> None:
    run_tasks(tasks, on_outcome, workers=workers, module="assistant.batch.work")


def ray_init(address: str, workers: int) -> dict[str, Any]:
    """Start (``local``) or join (an address) a Ray runtime. Returns what it offers."""
    import ray

    env = {
        "OMP_THREAD_LIMIT": "1",
        "ASSISTANT_MODEL_SERVER": "0",
        "TOKENIZERS_PARALLELISM": "false",
        "PYTHONPATH": os.pathsep.join(p for p in (_PACKAGE_ROOT, os.environ.get("PYTHONPATH", "")) if p),
    }
    for k, v in os.environ.items():
        if k.startswith("ASSISTANT_") or k in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE"):
            env.setdefault(k, v)
    common: dict[str, Any] = {
        "log_to_driver": False,
        "configure_logging": True,
        "logging_level": "ERROR",
    }
    if address == "local":
        # The local runtime's processes inherit this process's environment: set it for them
        # rather than as a runtime_env, which would make Ray start a second set of workers.
        saved = {k: os.environ.get(k) for k in env}
        os.environ.update(env)
        try:
            ray.init(
                num_cpus=max(1, workers),
                include_dashboard=False,
                object_store_memory=80 * 2**20,  # answers are small; the pages stay in the work store
                **common,
            )
        finally:
            for k, old in saved.items():
                if old is None:
                    os.environ.pop(k, None)
                else:
                    os.environ[k] = old
    else:
        ray.init(address=address, runtime_env={"env_vars": env}, **common)
    return dict(ray.cluster_resources())  # type: ignore[no-untyped-call]


def run_ray(tasks: Iterable[Task], on_outcome: OnOutcome, *, workers: int, address: str = "local") -> None:
    """Run the tasks as Ray tasks; shuts the Ray runtime down when done (or on any error)."""
    import ray
    from ray.exceptions import GetTimeoutError, RayError

    from assistant.batch.work import execute

    resources = ray_init(address, workers)
    try:
        remote = ray.remote(num_cpus=1, max_retries=0)(execute)
        cpus = max(1, int(resources.get("CPU", workers)))
        # Keep a few tasks ahead of the free CPUs, not the whole queue: urgent follow-ups (a
        # finished case's review) must still overtake the pages queued behind them.
        limit = cpus + max(1, cpus // 2)
        queue = TaskQueue(tasks)
        running: dict[Any, tuple[Task, float]] = {}
        task_id = 0
        while queue or running:
            while queue and len(running) < limit:
                task = queue.popleft()
                task_id += 1
                ref = remote.remote(dict(task.request, id=task_id))
                running[ref] = (task, time.monotonic() + task.timeout)
            wait = max(0.05, min(d for _, d in running.values()) - time.monotonic())
            ready, _ = ray.wait(list(running), num_returns=1, timeout=min(wait, 1.0))
            for ref in ready:
                task, _ = running.pop(ref)
                try:
                    outcome = answer_outcome(ray.get(ref, timeout=60))
                except (RayError, GetTimeoutError) as e:
                    outcome = Outcome(ok=False, code="crash", reason=f"the Ray task failed ({type(e).__name__})")
                queue.extend(on_outcome(task, outcome))
            now = time.monotonic()
            for ref, (task, deadline) in list(running.items()):
                if now > deadline:
                    running.pop(ref)
                    try:
                        ray.cancel(ref, force=True)
                    except (RayError, ValueError):
                        pass
                    queue.extend(
                        on_outcome(
                            task,
                            Outcome(ok=False, code="timeout",
                                    reason=f"reading it took longer than {task.timeout:g} s and was stopped"),
                        )
                    )
    finally:
        ray.shutdown()
