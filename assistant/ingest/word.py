"""Word (.docx) files: paragraphs and table rows in reading order.

A table row becomes one line, its cells joined with `` | `` (a merged cell once), so a row
reads as one unit. Headers, footers and comments are left out: they repeat on every page or
are not part of the record. A .docx is one page (FORMATS.md section 1): Word's page breaks
depend on fonts and printer, so they do not split pages; only a form feed in the text would.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from assistant.errors import CorruptFile, TooLarge
from assistant.ingest.text import split_pages
from assistant.ingest.textnorm import normalise
from assistant.types import Page

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _check_zip(path: Path, name: str, max_bytes: int) -> None:
    """Refuse a ZIP bomb before python-docx inflates it."""
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as e:
        raise CorruptFile(name, f"the Word file is damaged and could not be opened ({e})") from None
    if len(infos) > 10_000:
        raise TooLarge(name, "the Word file holds more than 10,000 parts: it is not a normal document")
    total = sum(i.file_size for i in infos)
    if total > max_bytes:
        raise TooLarge(
            name,
            f"the Word file expands to {total / 2**20:.0f} MB, more than the limit of "
            f"{max_bytes / 2**20:.0f} MB: save it as PDF, or raise ASSISTANT_MAX_FILE_MB",
        )


_MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"


def _paragraph_text(p: Any) -> str:
    """A paragraph's text as Word shows it: runs, hyperlinks, tracked insertions, fields' results
    and text boxes; not deleted text, field codes, or the duplicate copy of a drawing that
    Word keeps for old readers (mc:Fallback)."""
    out: list[str] = []
    stack = [p]
    while stack:
        el = stack.pop()
        tag = el.tag
        if tag == f"{_W}t":
            out.append(el.text or "")
        elif tag == f"{_W}tab":
            out.append("\t")
        elif tag in (f"{_W}br", f"{_W}cr"):
            if el.get(f"{_W}type") in (None, "textWrapping"):
                out.append("\n")
        elif tag == f"{_W}noBreakHyphen":
            out.append("-")
        elif tag in (f"{_W}del", f"{_W}delText", f"{_W}instrText", _MC_FALLBACK):
            continue
        if tag != f"{_W}t":
            stack.extend(reversed(list(el)))
    return "".join(out)


def _cell_text(tc: Any) -> str:
    parts: list[str] = []
    for child in tc.iterchildren():
        if child.tag == f"{_W}p":
            t = _paragraph_text(child).strip()
            if t:
                parts.append(t)
        elif child.tag == f"{_W}tbl":
            parts.extend(r for r in _table_rows(child) if r)
    return " ".join(" ".join(parts).split("\n"))


def _table_rows(tbl: Any) -> Iterator[str]:
    for tr in tbl.iterchildren(f"{_W}tr"):
        cells: list[str] = []
        for tc in tr.iterchildren(f"{_W}tc"):
            # A vertically merged continuation cell repeats nothing: leave it empty.
            tcpr = tc.find(f"{_W}tcPr")
            vmerge = tcpr.find(f"{_W}vMerge") if tcpr is not None else None
            if vmerge is not None and vmerge.get(f"{_W}val") in (None, "continue"):
                cells.append("")
                continue
            cells.append(_cell_text(tc))
        for sdt in tr.iterchildren(f"{_W}sdt"):  # cells inside content controls
            content = sdt.find(f"{_W}sdtContent")
            if content is not None:
                cells.extend(_cell_text(tc) for tc in content.iterchildren(f"{_W}tc"))
        if any(c.strip() for c in cells):
            yield " | ".join(c.strip() for c in cells)


def _blocks(parent: Any) -> Iterator[str]:
    """Lines of the body in reading order, descending into content controls."""
    for child in parent.iterchildren():
        tag = child.tag
        if tag == f"{_W}p":
            yield _paragraph_text(child)
        elif tag == f"{_W}tbl":
            yield from _table_rows(child)
        elif tag == f"{_W}sdt":
            content = child.find(f"{_W}sdtContent")
            if content is not None:
                yield from _blocks(content)


def read_docx(path: Path, name: str, *, max_bytes: int, max_pages: int) -> list[Page]:
    _check_zip(path, name, max_bytes)
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(str(path))
    except (PackageNotFoundError, KeyError, ValueError, zipfile.BadZipFile) as e:
        raise CorruptFile(name, f"the Word file is damaged and could not be read ({type(e).__name__})") from None
    except Exception as e:  # lxml's XMLSyntaxError and friends
        raise CorruptFile(name, f"the Word file is damaged and could not be read ({type(e).__name__})") from None
    text = "\n".join(_blocks(document.element.body))
    raw_pages = split_pages(text)
    if len(raw_pages) > max_pages:
        raise TooLarge(name, f"the Word file has more than {max_pages} pages")
    pages = []
    for i, raw in enumerate(raw_pages):
        t = normalise(raw)
        pages.append(Page(number=i + 1, text=t, warnings=[] if t else ["empty page: no text on it"]))
    return pages
