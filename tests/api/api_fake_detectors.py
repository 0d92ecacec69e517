"""A light detector for API tests: no models, real citations into real page text.

The worker loads it with ``ASSISTANT_DETECTORS=<this file>:detectors``. It flags every
segment that mentions CCTV (an unfollowed line of inquiry) and every segment saying someone
"was not interviewed" (a missing interview), so uploads give suggestions in about a second.
"""

from __future__ import annotations

import re

from assistant.detectors.base import Detector
from assistant.nlp.context import CaseContext
from assistant.types import Suggestion


class KeywordDetector(Detector):
    name = "test-keywords"
    version = "t1"
    type = "unfollowed_inquiry"

    def detect(self, ctx: CaseContext) -> list[Suggestion]:
        out: list[Suggestion] = []
        for seg in ctx.segments:
            if "cctv" in seg.text.lower():
                out.append(
                    Suggestion(
                        type="unfollowed_inquiry",
                        kind="cctv",
                        title="CCTV not viewed",
                        rationale="CCTV is mentioned with no recorded result.",
                        confidence=0.7,
                        citations=[seg.citation()],
                        detector=self.name,
                        detector_version=self.version,
                    )
                )
            m = re.search(r"(\b[A-Z][a-z]+ [A-Z]{2,}\b)[^.]*was not interviewed", seg.text)
            if m:
                out.append(
                    Suggestion(
                        type="missing_interview",
                        subject=m.group(1),
                        role="suspect",
                        title=f"No interview of {m.group(1)}",
                        rationale="No interview is recorded.",
                        confidence=0.8,
                        citations=[seg.citation()],
                        detector=self.name,
                        detector_version=self.version,
                    )
                )
        return out


def detectors() -> list[Detector]:
    return [KeywordDetector()]


class StallingDetector(Detector):
    """Hangs on any page that says STALL: stands in for a parser or model that never returns."""

    name = "test-stall"
    version = "t1"
    type = "unfollowed_inquiry"

    def detect(self, ctx: CaseContext) -> list[Suggestion]:
        import time

        if any("STALL" in s.text for s in ctx.segments):
            time.sleep(600)
        return []


def stalling_detectors() -> list[Detector]:
    return [KeywordDetector(), StallingDetector()]
