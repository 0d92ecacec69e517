"""Detector plug-ins. Add one by subclassing ``Detector`` and listing it here."""

from __future__ import annotations

from assistant.detectors.base import Detector


def default_detectors() -> list[Detector]:
    """A fresh instance of every detector, in the order they run."""
    from assistant.detectors.missing_interview import MissingInterviewDetector
    from assistant.detectors.unfollowed import UnfollowedInquiryDetector
    from assistant.detectors.victim_blaming import VictimBlamingDetector

    return [UnfollowedInquiryDetector(), VictimBlamingDetector(), MissingInterviewDetector()]
