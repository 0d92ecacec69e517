"""Detector plug-ins. Add one by subclassing ``Detector`` and listing it here."""

from __future__ import annotations

from assistant.detectors.base import Detector


def default_detectors() -> list[Detector]:
    """A fresh instance of every detector, in the order they run."""
    return []
