"""Light detectors for the browser tests against the real back end: no models, real
citations into real page text, one suggestion of each type, so a real upload yields a known
queue in about a second. Loaded by the worker with ASSISTANT_DETECTORS=<this file>:detectors.
"""

from __future__ import annotations

import re

from assistant.detectors.base import Detector
from assistant.nlp.context import CaseContext
from assistant.types import Citation, Suggestion

# (pattern, type, kind, role, title, confidence): each match becomes one suggestion citing it,
# titled "<title>: <the matched words>" so that titles are unique in a case.
RULES = [
    (
        r"obtain CCTV from [A-Za-z ]+",
        "unfollowed_inquiry",
        "cctv",
        None,
        "CCTV was requested but never viewed",
        0.9,
    ),
    (
        r"making lifestyle choices",
        "victim_blaming_language",
        None,
        None,
        "The child's exploitation is described as a lifestyle choice",
        0.8,
    ),
    (
        r"no statement was taken from [A-Z][a-z]+",
        "missing_interview",
        None,
        "witness",
        "A witness gave no statement",
        0.7,
    ),
]


class RuleDetector(Detector):
    name = "ui-test-rules"
    version = "t1"
    type = "unfollowed_inquiry"

    def detect(self, ctx: CaseContext) -> list[Suggestion]:
        out: list[Suggestion] = []
        for doc in ctx.documents:
            for page in doc.pages:
                for pattern, type_, kind, role, title, conf in RULES:
                    for m in re.finditer(pattern, page.text):
                        subject = m.group(0).split()[-1] if role else None
                        out.append(
                            Suggestion(
                                type=type_,
                                kind=kind,
                                role=role,
                                subject=subject,  # type: ignore[arg-type]
                                title=f"{title}: {m.group(0)}",
                                rationale=f"Test rule: {pattern}",
                                confidence=conf,
                                citations=[
                                    Citation(doc.name, page.number, m.start(), m.end(), m.group(0))
                                ],
                                detector=self.name,
                                detector_version=self.version,
                            )
                        )
        return out


def detectors() -> list[Detector]:
    return [RuleDetector()]
