"""The per-case search index (search by meaning and by words). The sentence embeddings it
stores come from ``assistant.nlp.models`` (MiniLM); the ``search`` command that prints the hits
is in ``assistant/cli.py``.

Heavy imports (torch, faiss) happen only when a model or an index is actually used, so
importing this package is cheap.
"""

from __future__ import annotations

from assistant.index.keyword import keyword_search
from assistant.index.store import (
    CaseIndex,
    IndexBuildError,
    SearchHit,
    build_case_index,
    build_index,
    index_dir,
    load_case_index,
    open_case_index,
)

__all__ = [
    "CaseIndex",
    "IndexBuildError",
    "SearchHit",
    "build_case_index",
    "build_index",
    "index_dir",
    "keyword_search",
    "load_case_index",
    "open_case_index",
]
