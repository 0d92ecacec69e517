"""Checks on uploaded files BEFORE any parsing: type by magic bytes, size, pages, pixels, ZIPs.

Nothing here parses a document. Types come from the first bytes (the name's extension is only
used to tell plain text from other bytes), image sizes from the image header, and a PDF's page
count from a bounded scan of its page objects (an estimate; the worker process checks the
exact count, with a time limit, before the full parse). A ZIP is opened as a directory only:
member count, declared and actual uncompressed sizes, compression ratio, unsafe paths
(zip-slip), encryption and nested archives are all checked before a member is unpacked.

Every file that fails a check comes back as a ``Rejected`` with a reason a detective
understands; it is reported, never silently dropped.
"""

from __future__ import annotations

import re
import tempfile
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from typing import BinaryIO, cast

SUPPORTED_WORDS = "PDF, PNG, JPEG, TIFF, DOCX or TXT files, or a ZIP of them"
_SPOOL_MAX = 8 << 20  # unpacked members larger than this go to a temporary file on disk


@dataclass(frozen=True, slots=True)
class UploadLimits:
    max_file_bytes: int = 200 << 20
    max_pages: int = 2000
    max_image_pixels: int = 60_000_000
    zip_max_members: int = 1000
    zip_max_total_bytes: int = 2 << 30
    zip_max_ratio: float = 200.0  # uncompressed / compressed, per member


@dataclass(slots=True)
class Accepted:
    name: str
    media_type: str  # pdf | image | docx | txt
    stream: BinaryIO  # positioned at 0
    size: int


@dataclass(frozen=True, slots=True)
class Rejected:
    name: str
    code: str  # unsupported | too_large | empty | unsafe_zip | encrypted | corrupt
    reason: str

    def to_dict(self) -> dict[str, str]:
        return {"document": self.name, "code": self.code, "error": self.reason}


def clean_name(name: str) -> str:
    """The file's own name: no folders, no control characters, at most 200 characters."""
    base = re.split(r"[\\/]", name or "")[-1]
    base = "".join(ch for ch in base if ch.isprintable()).strip()
    if len(base) > 200:
        stem, dot, ext = base.rpartition(".")
        base = (stem[: 200 - len(ext) - 1] + "." + ext) if dot and len(ext) <= 10 else base[:200]
    return base or "unnamed"


def sniff(head: bytes) -> str | None:
    """The file type from its first bytes: pdf, png, jpeg, tiff, zip, or None.

    Magic numbers at offset 0 first: a ZIP that stores a PDF uncompressed has "%PDF-" in its
    first kilobyte too. Then the PDF header, which may follow some junk (the PDF spec allows it).
    """
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith((b"II*\x00", b"MM\x00*")):
        return "tiff"
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return "zip"
    if b"%PDF-" in head[:1024]:
        return "pdf"
    return None


def looks_like_text(head: bytes) -> bool:
    """Plain text: no NUL bytes and almost no control characters in the first 64 KiB."""
    if not head or b"\x00" in head:
        return False
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError as e:
        if e.start < len(head) - 4:  # not merely a character cut at the end of the sample
            text = head.decode("cp1252", errors="replace")
        else:
            text = head[: e.start].decode("utf-8")
    bad = sum(1 for ch in text if ord(ch) < 32 and ch not in "\t\n\r\f")
    return bad <= max(2, len(text) // 200)


_PDF_PAGE = re.compile(rb"/Type\s*/Page(?![a-zA-Z])")


def _pdf_page_estimate(stream: BinaryIO, size: int) -> int:
    """Count page objects in the raw bytes (0 when they sit in compressed object streams)."""
    n = 0
    tail = b""
    stream.seek(0)
    while chunk := stream.read(4 << 20):
        buf = tail + chunk
        # Matches that start in the last 32 bytes are counted with the next chunk instead,
        # so a marker split across two reads is seen exactly once.
        limit = max(0, len(buf) - 32)
        n += sum(1 for m in _PDF_PAGE.finditer(buf) if m.start() < limit)
        tail = buf[limit:]
    n += len(_PDF_PAGE.findall(tail))
    stream.seek(0)
    return n


def _image_check(stream: BinaryIO, name: str, limits: UploadLimits) -> Rejected | None:
    from PIL import Image

    # Only the header is read here (PIL opens lazily); our own limit replaces PIL's warning.
    old = Image.MAX_IMAGE_PIXELS
    Image.MAX_IMAGE_PIXELS = None
    try:
        stream.seek(0)
        with Image.open(stream) as im:
            w, h = im.size
            if w * h > limits.max_image_pixels:
                return Rejected(
                    name,
                    "too_large",
                    f"image of {w} x {h} pixels is over the limit of "
                    f"{limits.max_image_pixels:,} pixels per page: scan it at a lower resolution.",
                )
            frames = getattr(im, "n_frames", 1)
            if frames > limits.max_pages:
                return Rejected(
                    name,
                    "too_large",
                    f"image file has {frames} pages, over the limit of {limits.max_pages}: "
                    "split it into smaller files.",
                )
    except Exception:  # noqa: BLE001 - any header PIL cannot read is a damaged image
        return Rejected(name, "corrupt", "the image is damaged and cannot be read.")
    finally:
        Image.MAX_IMAGE_PIXELS = old
        stream.seek(0)
    return None


def _zip_members_check(zf: zipfile.ZipFile, name: str, limits: UploadLimits) -> Rejected | None:
    infos = zf.infolist()
    if len(infos) > limits.zip_max_members:
        return Rejected(
            name,
            "unsafe_zip",
            f"the archive holds {len(infos)} entries, over the limit of {limits.zip_max_members}: "
            "split it into smaller archives.",
        )
    total = 0
    for info in infos:
        parts = info.filename.replace("\\", "/").split("/")
        if (
            info.filename.startswith(("/", "\\"))
            or ".." in parts
            or re.match(r"^[A-Za-z]:", info.filename)
        ):
            return Rejected(
                name,
                "unsafe_zip",
                "the archive contains unsafe paths (absolute, or leading out of its folder) "
                "and was not unpacked.",
            )
        if info.flag_bits & 0x1:
            return Rejected(
                name, "encrypted", "the archive is password-protected: upload the files unzipped."
            )
        total += info.file_size
        if (
            info.compress_size
            and info.file_size / info.compress_size > limits.zip_max_ratio
            and info.file_size > (1 << 20)
        ):
            return Rejected(
                name,
                "unsafe_zip",
                "the archive expands to far more than its own size (a 'ZIP bomb') and was "
                "not unpacked.",
            )
    if total > limits.zip_max_total_bytes:
        return Rejected(
            name,
            "unsafe_zip",
            f"the archive unpacks to {total / 2**20:,.0f} MB, over the limit of "
            f"{limits.zip_max_total_bytes / 2**20:,.0f} MB: split it into smaller archives.",
        )
    return None


def _is_docx(zf: zipfile.ZipFile) -> bool:
    names = set(zf.namelist())
    return "word/document.xml" in names and "[Content_Types].xml" in names


def _read_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo, cap: int) -> BinaryIO | None:
    """Unpack one member, trusting neither its declared size: stop past ``cap`` bytes."""
    out = cast(BinaryIO, tempfile.SpooledTemporaryFile(max_size=_SPOOL_MAX))  # noqa: SIM115
    n = 0
    with zf.open(info) as src:
        while chunk := src.read(1 << 20):
            n += len(chunk)
            if n > cap or n > info.file_size:
                out.close()
                return None
            out.write(chunk)
    out.seek(0)
    return out


def check_file(
    name: str, stream: BinaryIO, size: int, limits: UploadLimits, *, allow_zip: bool = True
) -> list[Accepted | Rejected]:
    """Check one uploaded file; a ZIP is unpacked into its checked members."""
    name = clean_name(name)
    if size == 0:
        return [Rejected(name, "empty", "the file is empty (0 bytes).")]
    if size > limits.max_file_bytes:
        return [
            Rejected(
                name,
                "too_large",
                f"the file is {size / 2**20:,.1f} MB, over the limit of "
                f"{limits.max_file_bytes / 2**20:,.0f} MB: split it into smaller files.",
            )
        ]
    stream.seek(0)
    head = stream.read(65536)
    stream.seek(0)
    kind = sniff(head)
    if kind == "pdf":
        pages = _pdf_page_estimate(stream, size)
        if pages > limits.max_pages:
            return [
                Rejected(
                    name,
                    "too_large",
                    f"the PDF has about {pages} pages, over the limit of {limits.max_pages}: "
                    "split it into smaller files.",
                )
            ]
        return [Accepted(name, "pdf", stream, size)]
    if kind in ("png", "jpeg", "tiff"):
        bad = _image_check(stream, name, limits)
        return [bad] if bad else [Accepted(name, "image", stream, size)]
    if kind == "zip":
        try:
            zf = zipfile.ZipFile(stream)
        except (zipfile.BadZipFile, OSError, ValueError):
            return [Rejected(name, "corrupt", "the file looks like a ZIP or DOCX but is damaged.")]
        with zf:
            bad = _zip_members_check(zf, name, limits)
            if bad:
                return [bad]
            if _is_docx(zf):
                stream.seek(0)
                return [Accepted(name, "docx", stream, size)]
            if not allow_zip:
                return [
                    Rejected(
                        name,
                        "unsupported",
                        "a ZIP inside a ZIP is not unpacked: upload it on its own.",
                    )
                ]
            return list(_unpack(zf, name, limits))
    if looks_like_text(head):
        if name.lower().endswith(".txt"):
            return [Accepted(name, "txt", stream, size)]
        return [
            Rejected(
                name,
                "unsupported",
                f"plain text is accepted as a .txt file only. Supported: {SUPPORTED_WORDS}.",
            )
        ]
    return [
        Rejected(
            name, "unsupported", f"this is not a supported file type. Supported: {SUPPORTED_WORDS}."
        )
    ]


def _unpack(
    zf: zipfile.ZipFile, zip_name: str, limits: UploadLimits
) -> Iterable[Accepted | Rejected]:
    members = [i for i in zf.infolist() if not i.is_dir()]
    for info in sorted(members, key=lambda i: i.filename):
        parts = info.filename.replace("\\", "/").split("/")
        base = parts[-1]
        # Archive-tool debris (macOS resource forks, Finder and Windows thumbnails) is not a
        # case file; skipping it keeps the error list to things a reviewer must act on.
        if parts[0] == "__MACOSX" or base in (".DS_Store", "Thumbs.db", "desktop.ini"):
            continue
        shown = f"{zip_name}/{info.filename}"
        if base.startswith("."):
            yield Rejected(clean_name(base), "unsupported", f"hidden file {shown} was skipped.")
            continue
        if info.file_size > limits.max_file_bytes:
            yield Rejected(
                clean_name(base),
                "too_large",
                f"{shown} is {info.file_size / 2**20:,.1f} MB, over the limit of "
                f"{limits.max_file_bytes / 2**20:,.0f} MB.",
            )
            continue
        data = _read_member(zf, info, limits.max_file_bytes)
        if data is None:
            yield Rejected(
                clean_name(base),
                "unsafe_zip",
                f"{shown} unpacks to more than the archive declares; it was skipped.",
            )
            continue
        yield from check_file(base, data, info.file_size, limits, allow_zip=False)


def check_upload(
    files: Iterable[tuple[str, BinaryIO, int]], limits: UploadLimits
) -> list[Accepted | Rejected]:
    """Check every uploaded (name, stream, size); ZIPs are expanded into their members."""
    out: list[Accepted | Rejected] = []
    for name, stream, size in files:
        out.extend(check_file(name, stream, size, limits))
    return out
