"""The search index of one case: every segment embedded, in a faiss index saved on disk.

Layout, beside the review output ``OUT_DIR/<case>.json``::

    OUT_DIR/<case>.index/
        index.faiss      faiss IndexFlatIP of L2-normalised MiniLM vectors (inner product = cosine)
        segments.json    [[document, page, start, end, text], ...] in faiss row order
        manifest.json    format version, model, the documents' sha256s, the two files' checksums

The manifest is written last and carries the sha256 of the other two files, so it is the commit
point: a crash mid-write, a half-copied folder or a hand-edited file fails the checksum and the
index is rebuilt, never trusted and never a crash. Each file is written to a temporary name and
renamed into place (atomic on one file system). The index is reused while the case's documents
(name -> sha256) are the same, the model is the same and the format version is the same.

An exact flat index is the right tool at this size: 200 dense pages give about 8,000 segments
(12 MB of vectors) and a brute-force search over them takes well under a millisecond.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from assistant.errors import AssistantError
from assistant.nlp.models import DIM, MODEL_NAME, get_embedder
from assistant.nlp.segment import segment_documents
from assistant.types import CaseReview, Document, Segment

log = logging.getLogger(__name__)

FORMAT_VERSION = 1
INDEX_FILE = "index.faiss"
SEGMENTS_FILE = "segments.json"
MANIFEST_FILE = "manifest.json"

# (stage, done, total), as in assistant.pipeline.
ProgressFn = Callable[[str, int, int], None]


class IndexBuildError(AssistantError):
    """The search index could not be written (disk full, no permission...)."""


@dataclass(frozen=True, slots=True)
class SearchHit:
    """One passage found by a search, with the citation that points at it.

    ``score``: cosine similarity (-1..1) for a search by meaning; for a search by words, the
    number of query-word occurrences in the passage (higher is better in both).
    ``matches``: for a search by words, the (start, end) page offsets of each matched word,
    for highlighting; empty for a search by meaning.
    """

    segment: Segment
    score: float
    matches: tuple[tuple[int, int], ...] = ()

    @property
    def citation(self) -> dict[str, Any]:
        """FORMATS.md citation: document, page, start, end, quote (== page_text[start:end])."""
        return self.segment.citation().to_dict()

    def to_dict(self) -> dict[str, Any]:
        return {
            "score": round(float(self.score), 4),
            "citation": self.citation,
            "matches": [list(m) for m in self.matches],
        }


def index_dir(out_dir: Path, case: str) -> Path:
    """Where the index of ``case`` lives: ``OUT_DIR/<case>.index``."""
    return Path(out_dir) / f"{case}.index"


def _sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _atomic_write(path: Path, data: bytes) -> None:
    """Write to a temporary file in the same folder, flush it to disk, then rename over."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def _norm_for_dedupe(text: str) -> str:
    return " ".join(text.lower().split())


@dataclass
class CaseIndex:
    """A loaded case index: ``search(query, k)`` returns the closest passages by meaning."""

    case: str
    path: Path
    manifest: dict[str, Any] = field(repr=False)
    segments: list[Segment] = field(repr=False)
    index: Any = field(repr=False)  # faiss.Index

    @property
    def documents(self) -> dict[str, str]:
        """Document name -> sha256 of the files this index was built from."""
        return dict(self.manifest.get("documents", {}))

    def __len__(self) -> int:
        return len(self.segments)

    def search(self, query: str, k: int = 5) -> list[SearchHit]:
        """The ``k`` passages closest in meaning to ``query``, best first.

        Passages with the same wording (a header repeated on every page, a boilerplate line)
        are shown once, at their best-scoring place, so they do not crowd out the rest.
        """
        if k <= 0 or not query.strip() or not self.segments:
            return []
        qv = get_embedder().encode([query.strip()])
        # Ask faiss for more than k so that dropping repeated wording still leaves k.
        n = min(len(self.segments), max(4 * k, k + 20))
        scores, rows = self.index.search(qv, n)
        hits: list[SearchHit] = []
        seen: set[str] = set()
        for score, row in zip(scores[0], rows[0], strict=True):
            if row < 0:
                continue
            seg = self.segments[int(row)]
            key = _norm_for_dedupe(seg.text)
            if key in seen:
                continue
            seen.add(key)
            hits.append(SearchHit(seg, float(score)))
            if len(hits) == k:
                break
        return hits


def _read_manifest(path: Path) -> dict[str, Any] | None:
    """The manifest, if present, well formed and of this format, model and dimension."""
    try:
        manifest = json.loads((path / MANIFEST_FILE).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as e:
        log.warning("search index %s: unreadable manifest (%s); it will be rebuilt", path, e)
        return None
    if not isinstance(manifest, dict):
        return None
    if (
        manifest.get("format_version") != FORMAT_VERSION
        or manifest.get("model") != MODEL_NAME
        or manifest.get("dim") != DIM
        or not isinstance(manifest.get("documents"), dict)
        or not isinstance(manifest.get("files"), dict)
    ):
        log.info("search index %s: made by another version; it will be rebuilt", path)
        return None
    return manifest


def _load(path: Path, manifest: dict[str, Any]) -> CaseIndex | None:
    """Load and check the index files against the manifest's checksums."""
    import faiss

    try:
        raw_index = (path / INDEX_FILE).read_bytes()
        raw_segments = (path / SEGMENTS_FILE).read_bytes()
    except OSError as e:
        log.warning("search index %s: %s; it will be rebuilt", path, e)
        return None
    files = manifest["files"]
    if _sha256_bytes(raw_index) != files.get(INDEX_FILE) or _sha256_bytes(
        raw_segments
    ) != files.get(SEGMENTS_FILE):
        log.warning("search index %s: files do not match the manifest; it will be rebuilt", path)
        return None
    try:
        rows = json.loads(raw_segments)
        segments = [Segment(str(d), int(p), int(s), int(e), str(t)) for d, p, s, e, t in rows]
        index = faiss.deserialize_index(np.frombuffer(raw_index, dtype=np.uint8))
    except Exception as e:  # checksums matched, so only a bug or a foreign file gets here
        log.warning("search index %s: unreadable (%s); it will be rebuilt", path, e)
        return None
    if index.ntotal != len(segments) or index.d != DIM:
        log.warning(
            "search index %s: %d vectors for %d segments; it will be rebuilt",
            path,
            index.ntotal,
            len(segments),
        )
        return None
    return CaseIndex(str(manifest.get("case", path.name)), path, manifest, segments, index)


def load_case_index(
    out_dir: Path, case: str, *, documents: Mapping[str, str] | None = None
) -> CaseIndex | None:
    """Load ``OUT_DIR/<case>.index``, or None when it is missing, corrupt or stale.

    ``documents`` (name -> sha256), when given, must equal the set the index was built from;
    otherwise the index is stale and None is returned (the caller rebuilds it).
    """
    path = index_dir(out_dir, case)
    manifest = _read_manifest(path)
    if manifest is None:
        return None
    if documents is not None and dict(documents) != manifest["documents"]:
        return None
    return _load(path, manifest)


def build_index(
    case: str,
    documents: list[Document],
    out_dir: Path,
    *,
    unreadable: Iterable[str] = (),
    progress: ProgressFn | None = None,
    force: bool = False,
) -> Path:
    """Build (or reuse) the search index of ``documents`` and return its folder.

    Reused as is when the saved index is intact and was built from the same documents
    (name -> sha256) with the same model and format; otherwise every segment is embedded
    (sentences the detectors already embedded in this process come from the cache).
    ``unreadable``: names of the case's files that could not be ingested, recorded so that
    ``search`` can tell an unchanged case folder from a changed one.
    """
    return _ensure(
        case, documents, Path(out_dir), unreadable=unreadable, progress=progress, force=force
    ).path


def _ensure(
    case: str,
    documents: list[Document],
    out_dir: Path,
    *,
    unreadable: Iterable[str] = (),
    progress: ProgressFn | None = None,
    force: bool = False,
) -> CaseIndex:
    path = index_dir(out_dir, case)
    wanted = {d.name: d.sha256 for d in documents}
    if not force:
        manifest = _read_manifest(path)
        if manifest is not None and manifest["documents"] == wanted:
            loaded = _load(path, manifest)
            if loaded is not None:
                names = sorted(set(unreadable))
                if names != manifest.get("unreadable"):
                    # Same documents, different unreadable files: only the manifest changes.
                    manifest["unreadable"] = names
                    try:
                        _atomic_write(
                            path / MANIFEST_FILE, json.dumps(manifest, indent=2).encode("utf-8")
                        )
                    except OSError as e:
                        log.warning("search index %s: manifest not updated (%s)", path, e)
                return loaded

    import faiss

    t0 = time.perf_counter()
    segments = segment_documents(documents)
    embedder = get_embedder()
    texts = [s.text for s in segments]
    distinct = set(texts)
    reused = sum(1 for t in distinct if embedder.cached(t))

    def on_embed(done: int, total: int) -> None:
        if progress:
            progress("index", done, total)

    vectors = embedder.encode(texts, progress=on_embed)
    index = faiss.IndexFlatIP(DIM)
    if len(vectors):
        index.add(vectors)
    raw_index = faiss.serialize_index(index).tobytes()
    raw_segments = json.dumps(
        [[s.document, s.page, s.start, s.end, s.text] for s in segments], ensure_ascii=False
    ).encode("utf-8")
    manifest = {
        "format": "case-review-assistant search index",
        "format_version": FORMAT_VERSION,
        "case": case,
        "model": MODEL_NAME,
        "dim": DIM,
        "precision": embedder.precision,
        "documents": wanted,
        "unreadable": sorted(set(unreadable)),
        "segments": len(segments),
        "embedded": len(distinct) - reused,
        "reused_from_cache": reused,
        "build_s": round(time.perf_counter() - t0, 3),
        "built_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "files": {INDEX_FILE: _sha256_bytes(raw_index), SEGMENTS_FILE: _sha256_bytes(raw_segments)},
    }
    try:
        path.mkdir(parents=True, exist_ok=True)
        # The manifest goes last: until it names the new files' checksums, a reader sees
        # either the old complete index or a mismatch (and rebuilds), never a mixed one.
        _atomic_write(path / INDEX_FILE, raw_index)
        _atomic_write(path / SEGMENTS_FILE, raw_segments)
        _atomic_write(path / MANIFEST_FILE, json.dumps(manifest, indent=2).encode("utf-8"))
    except OSError as e:
        raise IndexBuildError(
            f"{path}: could not write the search index ({e.strerror or e}). "
            "Check the free space and permissions of the output folder, or pass --no-index."
        ) from e
    return CaseIndex(case, path, manifest, segments, index)


def build_case_index(
    review: CaseReview, out_dir: Path, *, progress: ProgressFn | None = None
) -> Path:
    """Build (or reuse) the search index of a reviewed case beside its review output."""
    return build_index(
        review.case,
        review.documents,
        Path(out_dir),
        unreadable=[e.document for e in review.errors],
        progress=progress,
    )


def open_case_index(
    case: str,
    documents: list[Document],
    out_dir: Path,
    *,
    unreadable: Iterable[str] = (),
    progress: ProgressFn | None = None,
) -> CaseIndex:
    """The index of ``documents``, loaded when the saved one is fresh, else built and saved."""
    return _ensure(case, documents, Path(out_dir), unreadable=unreadable, progress=progress)


# --- is the saved index still that of the case's files? -------------------------------------
def _file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def case_files(case_dir: Path) -> list[Path]:
    """The files of a case folder as ingestion sees them (hidden files are not case files)."""
    return sorted(p for p in case_dir.iterdir() if p.is_file() and not p.name.startswith("."))


def saved_index_is_fresh(case_dir: Path, out_dir: Path) -> bool:
    """True when ``OUT_DIR/<case>.index`` was built from exactly the files now in ``case_dir``.

    Every indexed document must be there with the same sha256, and every other file must be
    one that was unreadable when the index was built. (An unreadable file replaced by a good
    copy under the same name is picked up by the next ``review``, which rebuilds the index.)
    """
    manifest = _read_manifest(index_dir(out_dir, case_dir.name))
    if manifest is None:
        return False
    docs: dict[str, str] = manifest["documents"]
    unreadable = set(manifest.get("unreadable", []))
    files = {p.name: p for p in case_files(case_dir)}
    if set(files) != set(docs) | unreadable:
        return False
    return all(_file_sha256(files[name]) == sha for name, sha in docs.items())
