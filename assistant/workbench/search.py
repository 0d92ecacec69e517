"""Search one case by words or by meaning; every hit is a citation into stored page text.

Words: ``assistant.index.keyword_search`` over the stored pages. Meaning: the case's faiss
index, built by the worker after each review and loaded here on first use (the embedding
model is loaded once per server process, lazily, the first time someone searches by meaning).
"""

from __future__ import annotations

import dataclasses
import re
import threading
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from assistant.errors import BadRequest, NotReady
from assistant.types import Document
from assistant.workbench import audit
from assistant.workbench.store import case_key, load_documents
from assistant.workbench.suggestions import doc_ids
from assistant.workbench.tables import Case, User

_lock = threading.Lock()
_indexes: dict[str, tuple[float, Any]] = {}  # case key -> (manifest mtime, CaseIndex)


def _field(obj: Any, name: str) -> Any:
    return obj.get(name) if isinstance(obj, dict) else getattr(obj, name, None)


def hit_to_dict(hit: Any) -> dict[str, Any]:
    """Normalise a hit from ``assistant.index`` (a dataclass, an object or a dict)."""
    cit = _field(hit, "citation")
    if callable(cit):
        cit = cit()
    if cit is None:
        cit = _field(hit, "segment") or hit
        if callable(getattr(cit, "citation", None)):
            cit = cit.citation()
    if dataclasses.is_dataclass(cit) and not isinstance(cit, type):
        cit = dataclasses.asdict(cit)
    score = _field(hit, "score")
    return {
        "document": _field(cit, "document"),
        "page": int(_field(cit, "page")),
        "start": int(_field(cit, "start")),
        "end": int(_field(cit, "end")),
        "quote": _field(cit, "quote") if _field(cit, "quote") is not None else _field(cit, "text"),
        "score": round(float(score), 4) if score is not None else None,
        "matches": [list(m) for m in (_field(hit, "matches") or ())],
    }


def _fallback_keyword_search(documents: list[Document], query: str, k: int) -> list[dict[str, Any]]:
    """All words, case-insensitive, per segment: used only where ``assistant.index`` is absent."""
    from assistant.nlp.segment import segment_text

    words = [w for w in re.findall(r"\w+", query.lower()) if w]
    hits: list[dict[str, Any]] = []
    for d in documents:
        for p in d.pages:
            for s, e in segment_text(p.text):
                seg = p.text[s:e].lower()
                if words and all(w in seg for w in words):
                    score = sum(seg.count(w) for w in words)
                    hits.append(
                        {
                            "document": d.name,
                            "page": p.number,
                            "start": s,
                            "end": e,
                            "quote": p.text[s:e],
                            "score": float(score),
                            "matches": [],
                        }
                    )
    hits.sort(key=lambda h: -h["score"])
    return hits[:k]


def _meaning_index(index_dir: Path, key: str) -> Any:
    from assistant.index import load_case_index

    manifest = index_dir / f"{key}.index"
    mtime = (
        max((f.stat().st_mtime for f in manifest.glob("*")), default=0.0)
        if manifest.is_dir()
        else 0.0
    )
    with _lock:
        cached = _indexes.get(key)
        if cached and cached[0] == mtime:
            return cached[1]
        idx = load_case_index(index_dir, key)
        if idx is not None:
            _indexes[key] = (mtime, idx)
        return idx


def search(
    session: Session, user: User, case: Case, q: str, *, mode: str, k: int, index_dir: Path
) -> list[dict[str, Any]]:
    q = (q or "").strip()
    if not q:
        raise BadRequest("Type something to search for.")
    if len(q) > 500:
        raise BadRequest("The search is too long (at most 500 characters).")
    if mode not in ("words", "meaning"):
        raise BadRequest("The search mode is 'words' or 'meaning'.")
    k = max(1, min(int(k), 100))
    if mode == "words":
        docs = load_documents(session, case.id)
        try:
            from assistant.index import keyword_search
        except ImportError:
            hits = _fallback_keyword_search(docs, q, k)
        else:
            hits = [hit_to_dict(h) for h in keyword_search(docs, q, k)]
    else:
        try:
            idx = _meaning_index(index_dir, case_key(case.id))
        except ImportError as e:
            raise NotReady("Search by meaning is not available on this installation.") from e
        if idx is None:
            raise NotReady(
                "The search index for this case is not ready yet (it is built after the files "
                "are reviewed). Try again in a minute, or search by words."
            )
        with _lock:  # one query at a time through the shared model
            hits = [hit_to_dict(h) for h in idx.search(q, k)]
    ids = doc_ids(session, case.id)
    for h in hits:
        h["document_id"] = ids.get(h["document"])
    audit.record_now(
        session,
        "search",
        actor=user.username,
        case_id=case.id,
        detail={"mode": mode, "query": q[:200], "hits": len(hits)},
    )
    return hits
