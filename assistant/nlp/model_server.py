"""The heavy models in a helper process, loading while the main process works.

Importing torch, transformers and spaCy and loading MiniLM and en_core_web_sm costs several
seconds of CPU before the first sentence is analysed. A review spends those seconds ingesting
files (OCR for scans) and running the rules, which need no model. So the review starts this
helper process first: it loads the models on the other core in parallel, then answers two
requests, ``embed`` (MiniLM vectors) and ``ner`` (spaCy person entities), over a pipe.

If the helper cannot start or dies, every request falls back to loading the model in this
process: slower, never wrong. ``ASSISTANT_MODEL_SERVER=0`` turns the helper off.

Protocol: each message is an 8-byte big-endian length and a pickle, both directions; the helper
exits when its stdin closes (the main process ended).
"""

from __future__ import annotations

import atexit
import os
import pickle
import struct
import subprocess
import sys
import threading
from typing import Any

import numpy as np

_HEADER = struct.Struct(">Q")


def _send(stream: Any, obj: Any) -> None:
    data = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(_HEADER.pack(len(data)))
    stream.write(data)
    stream.flush()


def _recv(stream: Any) -> Any:
    head = stream.read(_HEADER.size)
    if len(head) < _HEADER.size:
        raise EOFError("model helper closed its pipe")
    (n,) = _HEADER.unpack(head)
    data = stream.read(n)
    if len(data) < n:
        raise EOFError("model helper closed its pipe")
    return pickle.loads(data)  # noqa: S301 - our own child process, over a private pipe


def enabled() -> bool:
    return os.environ.get("ASSISTANT_MODEL_SERVER", "1") not in ("0", "false", "no")


class ModelClient:
    """The main process's handle on the helper. Thread-safe; one request at a time."""

    def __init__(self) -> None:
        self._proc: subprocess.Popen[bytes] | None = None
        self._lock = threading.Lock()
        self._dead = False
        self._seq = 0

    def start(self) -> None:
        """Start the helper (idempotent). Returns at once; the models load in the background."""
        with self._lock:
            if self._proc is not None or self._dead or not enabled():
                return
            try:
                self._proc = subprocess.Popen(
                    [sys.executable, "-m", "assistant.nlp.model_server"],
                    stdin=subprocess.PIPE,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.DEVNULL,
                    env={**os.environ, "ASSISTANT_MODEL_SERVER_CHILD": "1"},
                )
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
            proc = self._proc
            if proc is None or self._dead or proc.stdin is None or proc.stdout is None:
                raise RuntimeError("model helper unavailable")
            self._seq += 1
            try:
                _send(proc.stdin, (self._seq, op, payload))
                seq, status, result = _recv(proc.stdout)
            except (OSError, EOFError, pickle.UnpicklingError, ValueError, TypeError) as e:
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
        proc, self._proc = self._proc, None
        if proc is not None:
            try:
                proc.kill()
                proc.wait(timeout=5)
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


# --- the helper process ---------------------------------------------------------------------
def _serve() -> int:
    from assistant.index.embed import Embedder
    from assistant.nlp.models import get_spacy, ner_local

    embedder = Embedder(remote=False)
    ready: dict[str, threading.Event] = {"ner": threading.Event(), "embed": threading.Event()}
    errors: dict[str, str] = {}
    # MiniLM loads once the first names request is answered (or nobody asked for a while, or
    # an embedding is wanted): loading it while spaCy reads names would slow both down.
    go_embed = threading.Event()

    def load() -> None:
        # spaCy first: the people finder asks for names before anything is embedded.
        for name, fn in (("ner", get_spacy), ("embed", embedder.warm_up)):
            if name == "embed":
                go_embed.wait(timeout=3.0)
            try:
                fn()
            except Exception as e:  # noqa: BLE001 - reported with the request that needs it
                errors[name] = f"{type(e).__name__}: {e}"
            ready[name].set()

    # The protocol owns the pipe on file descriptor 1: anything a library prints (Python or C)
    # must not land in it, so fd 1 and sys.stdout are pointed at stderr and the protocol keeps a
    # private copy of the pipe.
    sys.stdout.flush()
    stdout = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    stdin = sys.stdin.buffer
    threading.Thread(target=load, daemon=True).start()
    while True:
        try:
            seq, op, payload = _recv(stdin)
        except EOFError:
            return 0
        try:
            if op == "ping":
                result: Any = "pong"
            elif op == "clause":  # (task, texts) -> (version, probabilities)
                from assistant.nlp.clause_model import load_clause_classifier

                task, texts = payload
                clf = load_clause_classifier(task)
                result = (clf.version, [float(p) for p in clf.predict(list(texts))])
            elif op in ready:
                if op == "embed":
                    go_embed.set()
                ready[op].wait()
                if op in errors:
                    raise RuntimeError(errors[op])
                if op == "embed":
                    result = np.ascontiguousarray(embedder.encode(list(payload)), dtype=np.float32)
                else:
                    result = ner_local(list(payload))
                    go_embed.set()
            else:
                raise ValueError(f"unknown request {op!r}")
            _send(stdout, (seq, "ok", result))
        except Exception as e:  # noqa: BLE001 - the main process falls back
            _send(stdout, (seq, "error", f"{type(e).__name__}: {e}"))


if __name__ == "__main__":
    raise SystemExit(_serve())
