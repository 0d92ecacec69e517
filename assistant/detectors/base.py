"""The one detector contract. A detector is a plug-in: cheap ``__init__``, models loaded in
``warm_up()``, and ``detect()`` that reads a ``CaseContext`` and returns suggestions whose
citations are grounded in page text (``quote == page.text[start:end]``)."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import TYPE_CHECKING, ClassVar

from assistant.types import Suggestion, SuggestionType

if TYPE_CHECKING:
    from assistant.nlp.context import CaseContext


class Detector(ABC):
    name: ClassVar[str]
    version: ClassVar[str]
    type: ClassVar[SuggestionType]

    def warm_up(self) -> None:  # noqa: B027 - optional hook
        """Load models or lexicons. Called once per process before the first ``detect``."""

    @abstractmethod
    def detect(self, ctx: CaseContext) -> list[Suggestion]:
        """Return suggestions for one case."""
