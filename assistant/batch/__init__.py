"""Batch pre-screening of many referrals (``python -m assistant screen``), locally or on Ray.

``run.py`` (the job and its stages), ``work.py`` (the units of work, run in worker processes or
as Ray tasks), ``backends.py`` (local processes or Ray), ``scope.py`` (the scope checklist from
``models/scope.json``), ``facts.py`` (data return and cross-referral identifiers), ``report.py``.
"""

from __future__ import annotations

__all__ = ["run_batch"]


def __getattr__(name: str) -> object:
    if name == "run_batch":
        from assistant.batch.run import run_batch

        return run_batch
    raise AttributeError(name)
