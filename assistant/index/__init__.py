"""Embeddings and the per-case search index (search by meaning and by words).

Heavy imports (torch, sentence-transformers, faiss) happen only when a model or an index is
actually used, so importing this package is cheap.
"""

from __future__ import annotations

from assistant.index.cli import search_cli
from assistant.index.embed import DIM, MODEL_NAME, Embedder, get_embedder
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
    "DIM",
    "MODEL_NAME",
    "CaseIndex",
    "Embedder",
    "IndexBuildError",
    "SearchHit",
    "build_case_index",
    "build_index",
    "get_embedder",
    "index_dir",
    "keyword_search",
    "load_case_index",
    "open_case_index",
    "search_cli",
]
