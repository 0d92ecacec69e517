"""Pre-screening of a case against the review's scope (placeholder until the detectors land)."""

from __future__ import annotations

from assistant.nlp.context import CaseContext
from assistant.types import Screening


def screen_case(ctx: CaseContext) -> Screening:
    return Screening(in_scope=False, reasons=[], suspects=0, victims=0, rape_alleged=False, priority=3)
