"""The heavy models in a helper process, loading while the main process works: the main
process's side (``ModelClient``). The helper itself is ``assistant/nlp/model_helper.py``.

Importing torch, transformers and spaCy and loading MiniLM and en_core_web_sm costs several
seconds of CPU before the first sentence is analysed. A review spends those seconds ingesting
files (OCR for scans) and running the rules, which need no model. So the review starts this
helper process first: it loads the models on the other core in parallel, then answers
requests, ``embed`` (MiniLM vectors), ``ner`` (spaCy person entities) and ``clause`` (a clause
classifier's probabilities), over a pipe.

If the helper cannot start or dies, every request falls back to loading the model in this
process: slower, never wrong. ``ASSISTANT_MODEL_SERVER=0`` turns the helper off.

Protocol (``assistant.subproc.PICKLE_FRAMES``): each message is an 8-byte big-endian length and
a pickle, both directions; the helper exits when its stdin closes (the main process ended).
"""

from __future__ import annotations

import atexit
import os
import threading
from typing import Any

from assistant.subproc import PICKLE_FRAMES, Child, ChildGone, Garbled

HELPER_MODULE = "assistant.nlp.model_helper"


def enabled() -> bool:
    return os.environ.get("ASSISTANT_MODEL_SERVER", "1") not in ("0", "false", "no")


class ModelClient:
    """The main process's handle on the helper. Thread-safe; one request at a time."""

    def __init__(self) -> None:
        self._child: Child | None = None
        self._lock = threading.Lock()
        self._dead = False
        self._seq = 0

    def start(self) -> None:
        """Start the helper (idempotent). Returns at once; the models load in the background."""
        with self._lock:
            if self._child is not None or self._dead or not enabled():
                return
            try:
                self._child = Child(HELPER_MODULE, PICKLE_FRAMES, env={"ASSISTANT_MODEL_SERVER_CHILD": "1"})
            except OSError:
                self._dead = True
                return
            atexit.register(self.close)

    @property
    def available(self) -> bool:
        return enabled() and not self._dead

    def request(self, op: str, payload: Any) -> Any:
        """Send one request; raises RuntimeError when the helper is unavailable."""
        self.start()
        with self._lock:
            child = self._child
            if child is None or self._dead:
                raise RuntimeError("model helper unavailable")
            self._seq += 1
            try:
                answer = child.request((self._seq, op, payload))
            except ChildGone as e:
                self._dead = True
                raise RuntimeError(f"model helper failed: {e}") from e
            if isinstance(answer, Garbled):
                self._dead = True
                raise RuntimeError(f"model helper failed: {answer.error}")
            try:
                seq, status, result = answer
            except (TypeError, ValueError) as e:
                self._dead = True
                raise RuntimeError(f"model helper failed: {e}") from e
            if seq != self._seq:
                # An answer to another request: never use it; work in this process from now on.
                self._dead = True
                raise RuntimeError("model helper answered out of turn")
        if status != "ok":
            raise RuntimeError(f"model helper error: {result}")
        return result

    def close(self) -> None:
        """Stop the helper at once: it keeps no state, and waiting for torch and spaCy to tear
        down would add a second to every command's exit."""
        child, self._child = self._child, None
        if child is not None:
            try:
                child.kill()
            except Exception:  # noqa: BLE001 - shutting down: nothing more to do
                pass


_CLIENT: ModelClient | None = None
_CLIENT_LOCK = threading.Lock()


def get_client() -> ModelClient:
    global _CLIENT
    with _CLIENT_LOCK:
        if _CLIENT is None:
            _CLIENT = ModelClient()
        return _CLIENT


def prefetch() -> None:
    """Start loading the models in the helper now (call before long work that needs none)."""
    if enabled() and not os.environ.get("ASSISTANT_MODEL_SERVER_CHILD"):
        get_client().start()
