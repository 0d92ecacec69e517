"""The worker process: parses files and OCRs pages for the main process.

Run as ``python -m assistant.ingest.worker`` (by ``assistant.ingest.runner``, through
``assistant.subproc``). Requests and answers are JSON frames (8-byte length, then UTF-8) on
stdin/stdout; JSON rather than pickle so a worker that a hostile file
managed to subvert still cannot make the main process run code. The main process kills a worker
that runs past its time limit or dies, and reports the file; the rest of the case goes on.

Keep imports here light: a worker starts in about 60 ms.
"""

from __future__ import annotations

import os
import traceback
from pathlib import Path
from typing import Any

from assistant.errors import IngestError, OcrFailed, TooLarge
from assistant.ingest.cache import page_to_dict
from assistant.subproc import JSON_FRAMES, child_streams
from assistant.types import Page

# A worker may use this much address space (ASSISTANT_PARSE_MEMORY_MB, default 1536 MB); a file
# that needs more (a decompression bomb) fails as too_large in seconds, not the machine.
MEMORY_LIMIT_BYTES = int(float(os.environ.get("ASSISTANT_PARSE_MEMORY_MB", "1536")) * 2**20)


def _ocr_config(s: dict[str, Any]) -> Any:
    from assistant.ingest.ocr import OcrConfig

    c = dict(s["ocr"])
    c["tess_config"] = tuple((str(k), str(v)) for k, v in c.get("tess_config", ()))
    return OcrConfig(**c)


def parse(path: Path, name: str, media_type: str, s: dict[str, Any]) -> dict[str, Any]:
    """Read a file's text and say which pages need OCR."""
    if media_type == "pdf":
        from assistant.ingest.pdf import read_pdf

        r = read_pdf(path, name, max_pages=int(s["max_pages"]))
        return {"pages": [page_to_dict(p) for p in r.pages], "ocr": r.ocr}
    if media_type == "image":
        from assistant.ingest.image import frame_count

        sizes = frame_count(path, name, max_pixels=int(s["max_image_pixels"]), max_pages=int(s["max_pages"]))
        pages = [Page(number=i + 1, text="", ocr=True, width=w, height=h) for i, (w, h) in enumerate(sizes)]
        return {"pages": [page_to_dict(p) for p in pages], "ocr": list(range(len(pages)))}
    if media_type == "docx":
        from assistant.ingest.word import read_docx

        pages = read_docx(
            path,
            name,
            max_bytes=int(s["max_file_mb"] * 2**20 * 10),
            max_pages=int(s["max_pages"]),
        )
        return {"pages": [page_to_dict(p) for p in pages], "ocr": []}
    if media_type == "txt":
        from assistant.ingest.text import read_txt

        pages = read_txt(path, name, max_pages=int(s["max_pages"]))
        return {"pages": [page_to_dict(p) for p in pages], "ocr": []}
    raise ValueError(f"unknown media type {media_type}")


def ocr_page(path: Path, name: str, media_type: str, index: int, s: dict[str, Any]) -> dict[str, Any]:
    """Render (PDF) or decode (image) one page and OCR it."""
    from assistant.ingest.ocr import TesseractError, TesseractMissing, ocr_image

    config = _ocr_config(s)
    timeout = float(s["parse_timeout_s"])
    warnings: list[str] = []
    if media_type == "pdf":
        from assistant.ingest.pdf import render_page

        dpi = int(s["ocr_dpi"])
        image, width, height, warnings = render_page(path, name, index, dpi=dpi, max_pixels=int(s["max_image_pixels"]))
        # The resolution actually used (lower than asked for on an oversized page).
        ocr_dpi: int | None = round(max(image.size) * 72.0 / max(width, height, 1.0))
    else:
        from assistant.ingest.image import load_frame

        image, ocr_dpi, warnings = load_frame(path, name, index, max_pixels=int(s["max_image_pixels"]))
        width, height = float(image.width), float(image.height)
    try:
        result = ocr_image(image, dpi=ocr_dpi, config=config, timeout=timeout)
    except TesseractMissing as e:
        raise OcrFailed(name, str(e)) from None
    except TesseractError as e:
        raise OcrFailed(name, f"page {index + 1}: {e}") from None
    page = Page(
        number=index + 1,
        text=result.text,
        ocr=True,
        ocr_confidence=result.confidence,
        boxes=result.boxes,
        width=width,
        height=height,
        warnings=warnings + result.warnings,
    )
    return page_to_dict(page)


def pdf_page_sizes(path: Path, name: str, max_pages: int) -> dict[str, Any]:
    """A PDF's page count and, if it is within ``max_pages``, every page's size in points:
    what a caller checks before the full parse (the workbench's job worker), read here under
    this process's memory and time limits."""
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(path))
    try:
        n = len(pdf)
        sizes = [] if n > max_pages else [list(pdf.get_page_size(i)) for i in range(n)]
    finally:
        pdf.close()
    return {"pages": n, "sizes": sizes}


def handle(req: dict[str, Any]) -> Any:
    op = req["op"]
    path = Path(req.get("path", ""))
    if op == "parse":
        return parse(path, req["name"], req["media_type"], req["settings"])
    if op == "pdf_sizes":
        return pdf_page_sizes(path, req["name"], int(req["max_pages"]))
    if op == "ocr":
        return ocr_page(path, req["name"], req["media_type"], int(req["index"]), req["settings"])
    if op == "render":
        import base64

        from assistant.ingest.display import render_png

        png = render_png(path, req["name"], int(req["page"]), dpi=int(req["dpi"]), s=req["settings"])
        return {"png": base64.b64encode(png).decode("ascii")}
    if op == "boxes":
        from assistant.ingest.display import digital_page_boxes

        return digital_page_boxes(path, req["name"], int(req["page"]))
    # For the tests of the time limit and of a worker that dies mid-task.
    if op == "sleep":
        import time

        time.sleep(float(req["seconds"]))
        return {"slept": req["seconds"]}
    if op == "exit":
        os._exit(int(req.get("status", 3)))
    raise ValueError(f"unknown op {op}")


def _limit_memory() -> None:
    try:
        import resource

        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        limit = MEMORY_LIMIT_BYTES if hard == resource.RLIM_INFINITY else min(hard, MEMORY_LIMIT_BYTES)
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    except (ImportError, ValueError, OSError):
        pass


def main() -> int:
    # The protocol owns the real stdout; anything a library prints goes to stderr instead.
    proto_in, proto_out = child_streams()
    _limit_memory()
    while True:
        try:
            req = JSON_FRAMES.read(proto_in)
        except EOFError:
            return 0
        try:
            result = handle(req)
            answer = {"id": req.get("id"), "ok": True, "result": result}
        except IngestError as e:
            answer = {"id": req.get("id"), "ok": False, "code": e.code, "reason": e.reason}
        except IndexError as e:  # a page the file does not have
            answer = {"id": req.get("id"), "ok": False, "code": "no_page", "reason": str(e)}
        except MemoryError:
            err = TooLarge(req.get("name", ""), "the file needs more memory than allowed")
            answer = {"id": req.get("id"), "ok": False, "code": err.code, "reason": err.reason}
        except Exception as e:  # noqa: BLE001 - any other failure is this file's, not the batch's
            answer = {
                "id": req.get("id"),
                "ok": False,
                "code": "crash",
                "reason": f"{type(e).__name__}: {e}",
                "trace": traceback.format_exc(limit=8),
            }
        JSON_FRAMES.write(proto_out, answer)


if __name__ == "__main__":
    raise SystemExit(main())
