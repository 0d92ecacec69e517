"""Ingestion cache and the JSON form of pages shared with the worker processes.

A document is cached under the SHA-256 of its bytes plus a key of everything that changes the
result (ingest version, OCR resolution, language and cleaning), so re-reviewing a case skips the
parse and the OCR, and OCR text stays identical between runs. A cache that cannot be read or
written is never an error: the file is simply read again.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any

from assistant.types import Box, Document, Page


def page_to_dict(p: Page) -> dict[str, Any]:
    return {
        "number": p.number,
        "text": p.text,
        "ocr": p.ocr,
        "ocr_confidence": p.ocr_confidence,
        "boxes": [[b.start, b.end, b.x0, b.y0, b.x1, b.y1] for b in p.boxes],
        "width": p.width,
        "height": p.height,
        "warnings": list(p.warnings),
    }


def page_from_dict(d: dict[str, Any]) -> Page:
    return Page(
        number=int(d["number"]),
        text=str(d["text"]),
        ocr=bool(d.get("ocr", False)),
        ocr_confidence=d.get("ocr_confidence"),
        boxes=[Box(int(b[0]), int(b[1]), b[2], b[3], b[4], b[5]) for b in d.get("boxes", [])],
        width=float(d.get("width", 0.0)),
        height=float(d.get("height", 0.0)),
        warnings=[str(w) for w in d.get("warnings", [])],
    )


def default_cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "case-review-assistant" / "ingest"


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


class IngestCache:
    """Documents by content hash. ``directory=None`` disables caching."""

    def __init__(self, directory: Path | None, key: str) -> None:
        self.directory = directory
        self.key = hashlib.sha256(key.encode()).hexdigest()[:12]

    def _path(self, sha256: str) -> Path:
        assert self.directory is not None
        return self.directory / sha256[:2] / f"{sha256}-{self.key}.json.gz"

    def get(self, sha256: str, name: str) -> Document | None:
        if self.directory is None:
            return None
        try:
            with gzip.open(self._path(sha256), "rt", encoding="utf-8") as fh:
                d = json.load(fh)
            return Document(
                name=name,
                sha256=sha256,
                media_type=d["media_type"],
                pages=[page_from_dict(p) for p in d["pages"]],
            )
        except (OSError, ValueError, KeyError, TypeError, IndexError, EOFError):
            return None

    def put(self, doc: Document) -> None:
        if self.directory is None:
            return
        path = self._path(doc.sha256)
        payload = {"media_type": doc.media_type, "pages": [page_to_dict(p) for p in doc.pages]}
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
            try:
                with (
                    os.fdopen(fd, "wb") as raw,
                    gzip.GzipFile(fileobj=raw, mode="wb", compresslevel=3, mtime=0) as fh,
                ):
                    fh.write(json.dumps(payload, ensure_ascii=False).encode("utf-8"))
                os.replace(tmp, path)  # atomic: readers never see half a file
            except BaseException:
                try:
                    os.unlink(tmp)
                except OSError:
                    pass
                raise
        except OSError:
            pass  # a read-only or full disk only costs speed next time
