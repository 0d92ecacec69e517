"""``python -m assistant search CASE_DIR "query"``: the closest passages, with citations."""

from __future__ import annotations

import hashlib
import sys
import textwrap
from pathlib import Path
from typing import TextIO

from assistant.index.store import (
    CaseIndex,
    SearchHit,
    _read_manifest,
    index_dir,
    load_case_index,
    open_case_index,
)


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


def format_hits(index: CaseIndex, query: str, hits: list[SearchHit], *, width: int = 100) -> str:
    """A readable list of passages with their citations and scores."""
    n_docs = len(index.documents)
    lines = [
        f'Case {index.case}: passages closest in meaning to "{query}"',
        f"{len(index):,} passages from {n_docs} document(s). Score: similarity of meaning,",
        "1.00 = the same, below about 0.30 = little in common.",
    ]
    if not hits:
        lines.append("\nNo passages found: the case has no text that could be read.")
        return "\n".join(lines)
    for rank, hit in enumerate(hits, 1):
        c = hit.segment
        lines.append("")
        lines.append(
            f"{rank:>2}. score {hit.score:.2f}   {c.document}, page {c.page}, "
            f"characters {c.start}-{c.end}"
        )
        quote = " ".join(c.text.split())
        lines.append(
            textwrap.fill(
                f'"{quote}"', width=width, initial_indent="    ", subsequent_indent="     "
            )
        )
    return "\n".join(lines)


def search_cli(
    case_dir: Path, query: str, *, out_dir: Path, k: int, stdout: TextIO | None = None
) -> int:
    """Search one case by meaning and print the ``k`` closest passages with citations.

    Uses the index saved by ``review`` when it matches the case's files; otherwise ingests
    the case and builds it (a progress bar on stderr when it is a terminal). Returns the exit
    status: 0 on success, 1 when the case folder or the query is unusable.
    """
    from assistant.errors import AssistantError

    out = stdout or sys.stdout
    case_dir = Path(case_dir)
    out_dir = Path(out_dir)
    if not case_dir.is_dir():
        print(
            f"error: {case_dir}: not a directory. Give the folder that holds one case's files.",
            file=sys.stderr,
        )
        return 1
    if not query.strip():
        print(
            'error: the query is empty. Example: search CASE_DIR "was the CCTV viewed"',
            file=sys.stderr,
        )
        return 1
    if k < 1:
        print("error: -k must be 1 or more.", file=sys.stderr)
        return 1

    index: CaseIndex | None = None
    if saved_index_is_fresh(case_dir, out_dir):
        index = load_case_index(out_dir, case_dir.name)
    if index is None:
        from assistant.cli import progress_bar
        from assistant.ingest import ingest_case

        print(f"Indexing {case_dir.name} (first search, or its files changed)...", file=sys.stderr)
        progress = progress_bar(False)
        try:
            documents, errors = ingest_case(case_dir, progress=progress)
            index = open_case_index(
                case_dir.name,
                documents,
                out_dir,
                unreadable=[e.document for e in errors],
                progress=progress,
            )
        except AssistantError as e:
            print(f"error: {e}", file=sys.stderr)
            return 1
        for err in errors:
            print(f"! not searched: {err.document}: {err.reason}", file=sys.stderr)
    print(format_hits(index, query, index.search(query, k)), file=out)
    return 0
