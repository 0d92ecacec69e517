"""The model helper process (``python -m assistant.nlp.model_helper``): loads spaCy and MiniLM
(``assistant.nlp.models``) while the main process ingests, then answers its requests. The main
process's side, and why, are in ``assistant/nlp/model_server.py``."""

from __future__ import annotations

import threading
from typing import Any

import numpy as np

from assistant.nlp.models import Embedder, get_spacy, ner_local
from assistant.subproc import PICKLE_FRAMES, child_streams


def serve() -> int:
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
    # must not land in it.
    stdin, stdout = child_streams()
    threading.Thread(target=load, daemon=True).start()
    while True:
        try:
            seq, op, payload = PICKLE_FRAMES.read(stdin)
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
            PICKLE_FRAMES.write(stdout, (seq, "ok", result))
        except Exception as e:  # noqa: BLE001 - the main process falls back
            PICKLE_FRAMES.write(stdout, (seq, "error", f"{type(e).__name__}: {e}"))


if __name__ == "__main__":
    raise SystemExit(serve())
