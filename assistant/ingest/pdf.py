"""PDF reading with pypdfium2: the text layer, which pages need OCR, page images and word boxes.

pypdfium2 is used for the text because it is fast: about 0.7 ms of CPU for a page of 4,000
characters, where pdfplumber's ``extract_text`` takes about 90 ms (``eval/ingest_speed.py``).
pdfplumber is not used. Where it is strongest, tables whose content stream runs column by column
(the corpus's WARN report), it rebuilds rows that pdfium leaves as columns; but it lost the
spaces between words in another table (``senate-expenditures.pdf``), it would interleave the
columns of multi-column prose, and no cheap per-page test told those pages apart, so it did not
pay at 100 times the cost. Word boxes come from pdfium too, so their offsets index exactly the
text that citations use: :func:`digital_boxes` computes them for one page on request, not at
ingest time.
"""

from __future__ import annotations

import ctypes
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from assistant.errors import CorruptFile, EmptyFile, Encrypted, TooLarge
from assistant.ingest.textnorm import normalise, normalise_with_map
from assistant.types import Box, Page

if TYPE_CHECKING:
    from PIL import Image

# A page whose text layer has fewer visible characters than this is treated as having none.
MIN_CHARS = 20
# A page with less text than this and a large picture on it is a scan with a stamp or a page
# number printed digitally (common in disclosure bundles): OCR it.
STAMP_CHARS = 200
# Share of the page a picture must cover for the page to count as a scan.
SCAN_COVER = 0.4
# More unreadable characters than this (share of visible ones) means the text layer is garbage:
# fonts without a Unicode map give U+FFFD, private-use code points or control characters.
MAX_BAD = 0.10
# Fewer letters and digits than this (share of visible ones) also means garbage.
MIN_ALNUM = 0.45

_CID = re.compile(r"\(cid:\d+\)")
_BAD = re.compile("[\ufffd\ue000-\uf8ff]+")
_ALNUM = re.compile(r"[^\W_]+")
_ASCII_ALNUM = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


@dataclass(slots=True)
class PdfPages:
    """The result of reading a PDF's text layer."""

    pages: list[Page]  # every page; pages in ``ocr`` have empty text until OCR fills them
    ocr: list[int]  # 0-based indices of pages that need OCR
    has_forms: bool


def _pdfium_error(name: str, err: pdfium.PdfiumError) -> Exception:
    code = getattr(err, "err_code", None)
    if code == pdfium_c.FPDF_ERR_PASSWORD:
        return Encrypted(
            name,
            "password-protected PDF: ask the force for an unprotected copy, or the password",
        )
    if code == pdfium_c.FPDF_ERR_SECURITY:
        return Encrypted(name, "the PDF uses an encryption this tool cannot open: ask for an unprotected copy")
    if code == pdfium_c.FPDF_ERR_SUCCESS:
        return EmptyFile(name, "the PDF has no pages: ask for the file to be sent again")
    return CorruptFile(name, "the PDF is damaged and could not be read: ask for a fresh copy or a re-scan")


@contextmanager
def open_pdf(path: Path, name: str) -> Iterator[pdfium.PdfDocument]:
    """Open a PDF, turning pdfium's errors into ones a reviewer understands."""
    try:
        pdf = pdfium.PdfDocument(path)
    except pdfium.PdfiumError as e:
        raise _pdfium_error(name, e) from None
    try:
        # Filled-in form fields are not part of the page content; flattening (below) puts them
        # there so the text a reviewer sees on the page is the text we read.
        if pdf.get_formtype() != pdfium_c.FORMTYPE_NONE:
            try:
                pdf.init_forms()
            except pdfium.PdfiumError:
                pass
        yield pdf
    finally:
        pdf.close()


def _load_page(pdf: pdfium.PdfDocument, index: int) -> pdfium.PdfPage:
    page = pdf[index]
    if pdf.formenv is not None:
        try:
            page.flatten()
        except pdfium.PdfiumError:
            return page
        # Flattening invalidates the page's handles: load it again to see the new content.
        page.close()
        page = pdf[index]
    return page


def _raw_text(page: pdfium.PdfPage) -> str:
    textpage = page.get_textpage()
    try:
        return str(textpage.get_text_range())
    finally:
        textpage.close()


def text_problem(text: str) -> str | None:
    """Why a page's text layer is unusable (too little text, or garbage), or None if usable."""
    visible = len(text) - sum(text.count(c) for c in " \n\t")
    if visible < MIN_CHARS:
        return "no text layer"
    # Fast paths first (C-speed string methods); the regular expressions, about 1 ms a page,
    # only run for pages that might be garbage.
    bad = text.count("\ufffd") + 6 * text.count("(cid:")
    if max(text) >= "\ue000":
        bad = len(text) - len(_BAD.sub("", text)) + 6 * len(_CID.findall(text))
    if bad > MAX_BAD * visible:
        return "unreadable text layer"
    data = text.encode("utf-8", "ignore")
    ascii_alnum = len(data) - len(data.translate(None, _ASCII_ALNUM))
    if ascii_alnum >= MIN_ALNUM * visible:
        return None
    alnum = len(text) - len(_ALNUM.sub("", text))  # letters of any script
    if alnum < MIN_ALNUM * visible:
        return "unreadable text layer"
    return None


def _image_cover(page: pdfium.PdfPage) -> float:
    """The largest share of the page covered by one picture (0-1)."""
    w, h = page.get_size()
    area = max(w * h, 1.0)
    best = 0.0
    for obj in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE], max_depth=4):
        try:
            left, bottom, right, top = obj.get_bounds()
        except pdfium.PdfiumError:
            continue
        cover = max(0.0, min(right, w) - max(left, 0.0)) * max(0.0, min(top, h) - max(bottom, 0.0))
        best = max(best, cover / area)
    return min(best, 1.0)


def _has_vector_ink(page: pdfium.PdfPage) -> bool:
    """True when the page draws many shapes: text turned into outlines still needs OCR."""
    count = 0
    for _ in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_PATH], max_depth=4):
        count += 1
        if count >= 200:
            return True
    return False


def read_pdf(path: Path, name: str, *, max_pages: int) -> PdfPages:
    """Read every page's text layer and decide which pages need OCR."""
    with open_pdf(path, name) as pdf:
        n = len(pdf)
        if n == 0:
            raise EmptyFile(name, "the PDF has no pages: ask for the file to be sent again")
        if n > max_pages:
            raise TooLarge(
                name,
                f"the PDF has {n} pages, more than the limit of {max_pages}: split it into "
                "smaller files or raise the limit (ASSISTANT_MAX_PAGES)",
            )
        pages: list[Page] = []
        ocr: list[int] = []
        for i in range(n):
            page = _load_page(pdf, i)
            try:
                width, height = page.get_size()
                text = normalise(_raw_text(page))
                needs_ocr = _needs_ocr(page, text)
                warnings = [] if needs_ocr or text else ["empty page: no text on it"]
                if needs_ocr:
                    ocr.append(i)
                    pages.append(Page(number=i + 1, text="", ocr=True, width=width, height=height))
                else:
                    pages.append(Page(number=i + 1, text=text, width=width, height=height, warnings=warnings))
            finally:
                page.close()
        return PdfPages(pages=pages, ocr=ocr, has_forms=pdf.formenv is not None)


def _needs_ocr(page: pdfium.PdfPage, text: str) -> bool:
    """Whether a page must be OCR'd: its text layer is garbage, or it has little text and
    a picture (a scan) or many drawn shapes (text turned into outlines) on it."""
    problem = text_problem(text)
    if problem == "unreadable text layer":
        return True
    if problem is not None:  # little or no text: a scan, or a blank or picture-only page
        return _image_cover(page) > 0.05 or _has_vector_ink(page)
    # A scan with a digitally stamped page number or reference.
    return len(text) < STAMP_CHARS and _image_cover(page) >= SCAN_COVER


def page_needs_ocr(path: Path, name: str, index: int) -> bool:
    """The decision :func:`read_pdf` makes for one page, without reading the others."""
    with open_pdf(path, name) as pdf:
        if not 0 <= index < len(pdf):
            raise IndexError(f"{name} has no page {index + 1}")
        page = _load_page(pdf, index)
        try:
            return _needs_ocr(page, normalise(_raw_text(page)))
        finally:
            page.close()


def render_page(
    path: Path, name: str, index: int, *, dpi: int, max_pixels: int, grey: bool = True
) -> tuple[Image.Image, float, float, list[str]]:
    """Render one page at ``dpi`` (reduced if the image would exceed ``max_pixels``), in grey
    for OCR or in colour (``grey=False``) for display.

    Returns the image, the page's width and height in PDF points (as displayed, i.e. after the
    page's rotation), and any warnings.
    """
    warnings: list[str] = []
    with open_pdf(path, name) as pdf:
        if not 0 <= index < len(pdf):
            raise IndexError(f"{name} has no page {index + 1}")
        page = _load_page(pdf, index)
        try:
            width, height = page.get_size()
            scale = dpi / 72.0
            pixels = width * scale * height * scale
            if pixels > max_pixels:
                scale *= (max_pixels / pixels) ** 0.5
                warnings.append(f"very large page: read at {round(scale * 72)} dpi instead of {dpi} dpi")
            # Rendered in colour even for OCR: pdfium's grey mode took 55 ms for a scanned A4
            # page at 300 dpi, colour plus PIL's conversion 24 ms, with identical pixels.
            bitmap = page.render(scale=scale, rev_byteorder=True, may_draw_forms=True)
            image = bitmap.to_pil()
            image = image.convert("L") if grey else image.convert("RGB")  # copies the buffer
            bitmap.close()
            return image, width, height, warnings
        finally:
            page.close()


def _char_boxes(
    page: pdfium.PdfPage, textpage: pdfium.PdfTextPage, raw: str
) -> list[tuple[float, float, float, float] | None]:
    """Device-space box (fractions of the rendered page, origin top-left) of each raw character.

    ``raw`` is the text get_text_range() returned; its characters are mapped back to pdfium's
    character indices (they differ where pdfium inserts or drops characters, or for characters
    outside the Basic Multilingual Plane, which take two UTF-16 units).
    """
    n_chars = textpage.count_chars()
    first = 0
    while first < n_chars and pdfium_c.FPDFText_GetTextIndexFromCharIndex(textpage, first) == -1:
        first += 1
    t0 = pdfium_c.FPDFText_GetTextIndexFromCharIndex(textpage, first) if first < n_chars else 0
    to_device = _page_to_unit(page)
    left, right, bottom, top = (ctypes.c_double() for _ in range(4))
    boxes: list[tuple[float, float, float, float] | None] = []
    unit = 0
    for ch in raw:
        ci = pdfium_c.FPDFText_GetCharIndexFromTextIndex(textpage, t0 + unit)
        unit += 2 if ord(ch) > 0xFFFF else 1
        if ci < 0 or ch.isspace():
            boxes.append(None)
            continue
        if not pdfium_c.FPDFText_GetCharBox(textpage, ci, left, right, bottom, top):
            boxes.append(None)
            continue
        ax, ay = to_device(left.value, bottom.value)
        bx, by = to_device(right.value, top.value)
        boxes.append((min(ax, bx), min(ay, by), max(ax, bx), max(ay, by)))
    return boxes


def _page_to_unit(page: pdfium.PdfPage) -> Callable[[float, float], tuple[float, float]]:
    """The affine map from PDF page space to the rendered page as fractions (origin top-left),
    rotation and crop box included, as pdfium renders it. Three pdfium calls fix the map; it is
    then applied in Python for every character (four ctypes calls a character saved)."""
    size = 1_000_000
    dx, dy = ctypes.c_int(), ctypes.c_int()

    def dev(x: float, y: float) -> tuple[float, float]:
        pdfium_c.FPDF_PageToDevice(page, 0, 0, size, size, 0, x, y, dx, dy)
        return dx.value / size, dy.value / size

    ox, oy = dev(0.0, 0.0)
    ux, uy = dev(1000.0, 0.0)
    vx, vy = dev(0.0, 1000.0)
    a, b = (ux - ox) / 1000.0, (vx - ox) / 1000.0
    c, d = (uy - oy) / 1000.0, (vy - oy) / 1000.0

    def to_device(x: float, y: float) -> tuple[float, float]:
        return ox + a * x + b * y, oy + c * x + d * y

    return to_device


def digital_boxes(path: Path, name: str, index: int) -> list[Box]:
    """Word boxes for one digital page, with offsets into exactly that page's text."""
    with open_pdf(path, name) as pdf:
        if not 0 <= index < len(pdf):
            raise IndexError(f"{name} has no page {index + 1}")
        page = _load_page(pdf, index)
        try:
            textpage = page.get_textpage()
            try:
                raw = str(textpage.get_text_range())
                text, src = normalise_with_map(raw)
                char_boxes = _char_boxes(page, textpage, raw)
            finally:
                textpage.close()
        finally:
            page.close()
    return words_to_boxes(text, [char_boxes[s] for s in src])


def words_to_boxes(text: str, char_boxes: list[tuple[float, float, float, float] | None]) -> list[Box]:
    """Group per-character boxes into one Box per whitespace-separated word."""
    boxes: list[Box] = []
    for m in re.finditer(r"\S+", text):
        parts = [b for b in char_boxes[m.start() : m.end()] if b is not None]
        if not parts:
            continue
        x0 = min(b[0] for b in parts)
        y0 = min(b[1] for b in parts)
        x1 = max(b[2] for b in parts)
        y1 = max(b[3] for b in parts)
        clamp = _clamp
        boxes.append(Box(m.start(), m.end(), clamp(x0), clamp(y0), clamp(x1), clamp(y1)))
    return boxes


def _clamp(v: float) -> float:
    return round(min(1.0, max(0.0, v)), 5)
