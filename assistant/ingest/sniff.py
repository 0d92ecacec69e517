"""Decide how to read a file from its first bytes (magic numbers), not only from its name.

As Aleph's ingest-file does, the content decides: a PDF named ``.txt`` is read as a PDF, a PNG
named ``.jpg`` as an image. Plain text has no magic number, so it is accepted only from a file
named ``.txt``. A file that is none of the supported kinds raises :class:`UnsupportedFormat`
with a reason that says what the file seems to be and what to do about it.
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Literal

from assistant.errors import EmptyFile, UnsupportedFormat

MediaType = Literal["pdf", "image", "docx", "txt"]

_HEAD = 8192


def _zip_kind(path: Path) -> str:
    """What an Office Open XML / ZIP container holds, from its member names."""
    try:
        with zipfile.ZipFile(path) as zf:
            names = set(zf.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return "badzip"
    if "word/document.xml" in names:
        return "docx"
    if any(n.startswith("xl/") for n in names):
        return "xlsx"
    if any(n.startswith("ppt/") for n in names):
        return "pptx"
    if "content.xml" in names and "mimetype" in names:
        return "odf"
    return "zip"


def _looks_like_text(head: bytes) -> bool:
    """True when the first bytes read as text in some common encoding (no binary noise)."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return True  # UTF-16 with a byte-order mark
    if b"\x00" in head:
        return False
    # Control characters other than tab, newline, carriage return and form feed mean binary.
    bad = sum(1 for b in head if b < 0x20 and b not in (0x09, 0x0A, 0x0D, 0x0C))
    return bad <= max(1, len(head) // 200)


def sniff(path: Path, display_name: str | None = None) -> MediaType:
    """Return the media type of ``path`` or raise an :class:`IngestError` saying why not.

    ``display_name`` is the name reported to the user (the file's name inside the case).
    """
    name = display_name or path.name
    suffix = Path(name).suffix.lower()
    with open(path, "rb") as fh:
        head = fh.read(_HEAD)
    if not head:
        raise EmptyFile(name, "the file is empty (0 bytes): ask for the file to be sent again")
    if Path(name).name.startswith("~$") and len(head) < 1024:
        raise UnsupportedFormat(name, "a lock file Word leaves while a document is open, not a document: ignore it")
    # The PDF header may follow a little junk (mail gateways, scanners); readers accept 1 KB.
    if b"%PDF-" in head[:1024]:
        return "pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image"
    if head.startswith(b"\xff\xd8\xff"):
        return "image"
    if head.startswith((b"II*\x00", b"MM\x00*", b"II+\x00", b"MM\x00+")):
        return "image"
    if head.startswith(b"PK\x03\x04"):
        kind = _zip_kind(path)
        if kind == "docx":
            return "docx"
        hints = {
            "xlsx": "an Excel workbook, which this tool cannot read: save it as PDF and add it",
            "pptx": "a PowerPoint file, which this tool cannot read: save it as PDF and add it",
            "odf": "an OpenDocument file: save it as .docx or PDF and add it again",
            "zip": "a ZIP archive: unpack it and add the files it holds to the case folder",
            "badzip": "a damaged ZIP or Word file that could not be opened: ask for a fresh copy",
        }
        raise UnsupportedFormat(name, hints[kind])
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        raise UnsupportedFormat(
            name,
            "an old-format Office file (.doc, .xls or Outlook .msg), which this tool cannot read: "
            "save it as .docx or PDF and add it again",
        )
    if head.startswith(b"{\\rtf"):
        raise UnsupportedFormat(name, "an RTF document: save it as .docx or PDF and add it again")
    if head.startswith((b"GIF87a", b"GIF89a", b"BM")) or head[8:12] == b"WEBP":
        raise UnsupportedFormat(name, "an image type this tool does not read (GIF, BMP or WebP): convert it to PNG")
    if suffix == ".txt":
        if _looks_like_text(head):
            return "txt"
        raise UnsupportedFormat(name, "named .txt but holds binary data, not text: check the file and send it again")
    lowered = head[:512].lstrip().lower()
    if lowered.startswith((b"<!doctype html", b"<html")):
        what = "a web page (HTML)"
    elif lowered.startswith(b"<?xml"):
        what = "an XML file"
    elif _looks_like_text(head):
        what = "plain text"
    else:
        what = "not a PDF, image, Word (.docx) or text file"
    if suffix in (".pdf", ".png", ".jpg", ".jpeg", ".tif", ".tiff", ".docx"):
        raise UnsupportedFormat(
            name,
            f"named {suffix} but the content is {what}: the file may be damaged or renamed; ask for the original",
        )
    if what == "plain text":
        raise UnsupportedFormat(name, "a text file without the .txt ending: rename it to .txt to include it")
    if what.startswith("not a"):
        what = "a type this tool cannot read"
    raise UnsupportedFormat(
        name,
        f"{what}; only PDF, PNG, JPEG, TIFF, Word (.docx) and text (.txt) files can be "
        "reviewed: convert it to PDF and add it again",
    )
