"""Plain text files: decoding and pages (a form feed, ``\\f``, starts a new page)."""

from __future__ import annotations

from pathlib import Path

from assistant.errors import TooLarge
from assistant.ingest.textnorm import normalise
from assistant.types import Page


def decode_text(data: bytes) -> tuple[str, str]:
    """Decode bytes as text; returns (text, encoding used).

    UTF-8 first (with or without a byte-order mark), UTF-16 when it has a byte-order mark;
    otherwise Windows-1252, which is what most British office software wrote before UTF-8, and
    ISO-8859-1 for the five bytes Windows-1252 leaves undefined. A file that is UTF-8 with some
    Windows-1252 lines (text pasted from two systems) is decoded line by line, so one odd
    character does not turn every other accent in the file into mojibake.
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace"), "utf-16"
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        pass
    lines = data.split(b"\n")
    utf8_lines = 0
    out: list[str] = []
    for line in lines:
        try:
            s = line.decode("utf-8")
            if any(b >= 0x80 for b in line):
                utf8_lines += 1
        except UnicodeDecodeError:
            s = _cp1252(line)
        out.append(s)
    return "\n".join(out).removeprefix("\ufeff"), "utf-8+cp1252" if utf8_lines else "cp1252"


def _cp1252(b: bytes) -> str:
    try:
        return b.decode("cp1252")
    except UnicodeDecodeError:
        return "".join(bytes([c]).decode("cp1252", errors="strict") if c not in _UNDEFINED else chr(c) for c in b)


_UNDEFINED = {0x81, 0x8D, 0x8F, 0x90, 0x9D}


def split_pages(text: str) -> list[str]:
    """Pages of a text: split on form feeds; a form feed at the very end adds no empty page."""
    pages = text.split("\f")
    if len(pages) > 1 and not pages[-1].strip():
        pages.pop()
    return pages


def read_txt(path: Path, name: str, *, max_pages: int) -> list[Page]:
    data = path.read_bytes()
    text, _ = decode_text(data)
    raw_pages = split_pages(text)
    if len(raw_pages) > max_pages:
        raise TooLarge(
            name,
            f"the text file has {len(raw_pages)} pages (form feeds), more than the limit of "
            f"{max_pages}: split it or raise ASSISTANT_MAX_PAGES",
        )
    pages = []
    for i, raw in enumerate(raw_pages):
        t = normalise(raw)
        pages.append(Page(number=i + 1, text=t, warnings=[] if t else ["empty page: no text on it"]))
    return pages
