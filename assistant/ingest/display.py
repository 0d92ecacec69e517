"""What the reviewer's UI asks for one page at a time: the page image, and word boxes for a
digital page. These run in a worker process (see ``render_page_png`` and ``page_boxes`` in
``assistant.ingest``), so a file that makes pdfium crash or hang cannot take the server with it.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from assistant.errors import UnsupportedFormat
from assistant.ingest.cache import page_to_dict
from assistant.ingest.sniff import sniff
from assistant.types import Page


def render_png(path: Path, name: str, page: int, *, dpi: int, s: dict[str, Any]) -> bytes:
    """PNG of one page (1-based): PDFs rendered in colour by pdfium, scans scaled to ``dpi``."""
    media_type = sniff(path, name)
    if media_type == "pdf":
        from assistant.ingest.pdf import render_page

        image = render_page(path, name, page - 1, dpi=dpi, max_pixels=int(s["max_image_pixels"]), grey=False)[0]
    elif media_type == "image":
        from PIL import Image

        from assistant.ingest.image import frame_count, load_frame

        max_pixels = int(s["max_image_pixels"])
        sizes = frame_count(path, name, max_pixels=max_pixels, max_pages=int(s["max_pages"]))
        if not 1 <= page <= len(sizes):
            raise IndexError(f"{name} has no page {page}")
        image, native, _ = load_frame(path, name, page - 1, max_pixels=max_pixels)
        factor = dpi / float(native or 300)
        if factor < 1.0:
            size = (max(1, round(image.width * factor)), max(1, round(image.height * factor)))
            if image.mode not in ("L", "RGB"):
                image = image.convert("RGB")
            image = image.resize(size, Image.Resampling.LANCZOS)
    else:
        raise UnsupportedFormat(name, "a text or Word document has no page image: its text is shown instead")
    if image.mode not in ("L", "RGB", "1"):
        image = image.convert("RGB")
    buf = io.BytesIO()
    image.save(buf, "PNG", compress_level=3)
    return buf.getvalue()


def digital_page_boxes(path: Path, name: str, page: int) -> dict[str, Any]:
    """Boxes of a digital PDF page, or ``{"ocr": True}`` when the page is read by OCR (its boxes
    come from Tesseract, which the caller takes from the cache)."""
    from assistant.ingest.pdf import digital_boxes, page_needs_ocr

    if page_needs_ocr(path, name, page - 1):
        return {"ocr": True}
    boxes = digital_boxes(path, name, page - 1)
    return {"page": page_to_dict(Page(number=page, text="", boxes=boxes))}
