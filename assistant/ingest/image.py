"""Scanned page images: PNG, JPEG, TIFF (a multi-page TIFF is one page per frame).

Sizes are checked from the header before any pixel is decoded, and PIL's own decompression-bomb
guard is set to the same limit, so a small file that claims a huge image is refused cheaply.
"""

from __future__ import annotations

import warnings as _warnings
from pathlib import Path

from PIL import Image, ImageFile, ImageOps

from assistant.errors import CorruptFile, EmptyFile, TooLarge


def _guard(max_pixels: int) -> None:
    Image.MAX_IMAGE_PIXELS = max_pixels


def _open(path: Path, name: str, max_pixels: int) -> Image.Image:
    _guard(max_pixels)
    try:
        with _warnings.catch_warnings():
            _warnings.simplefilter("error", Image.DecompressionBombWarning)
            return Image.open(path)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise TooLarge(name, _too_big_reason(max_pixels)) from None
    except (OSError, ValueError, SyntaxError) as e:
        raise CorruptFile(
            name, f"the image is damaged and could not be read ({_short(e)}): ask for a re-scan"
        ) from None


def _short(e: Exception) -> str:
    s = str(e).strip() or type(e).__name__
    return s if len(s) < 80 else s[:77] + "..."


def _too_big_reason(max_pixels: int) -> str:
    return (
        f"the image is larger than the limit of {max_pixels:,} pixels per page: scan it at a "
        "lower resolution (300 dpi is enough) or raise ASSISTANT_MAX_IMAGE_PIXELS"
    )


def frame_count(path: Path, name: str, *, max_pixels: int, max_pages: int) -> list[tuple[int, int]]:
    """Sizes (width, height) of every frame, checked against the limits before decoding."""
    im = _open(path, name, max_pixels)
    try:
        n = int(getattr(im, "n_frames", 1) or 1)
        if n > max_pages:
            raise TooLarge(
                name,
                f"the image file has {n} pages, more than the limit of {max_pages}: split it "
                "or raise ASSISTANT_MAX_PAGES",
            )
        sizes = []
        for i in range(n):
            try:
                im.seek(i)
            except (EOFError, OSError, ValueError):
                break
            w, h = im.size
            if w <= 0 or h <= 0:
                raise CorruptFile(name, "the image has no pixels: ask for a re-scan")
            if w * h > max_pixels:
                raise TooLarge(name, _too_big_reason(max_pixels))
            sizes.append(_oriented(im, w, h))
        if not sizes:
            raise EmptyFile(name, "the image file holds no pages: ask for a re-scan")
        return sizes
    finally:
        im.close()


def _oriented(im: Image.Image, w: int, h: int) -> tuple[int, int]:
    """Frame size after the EXIF orientation a camera recorded (phones photograph documents)."""
    try:
        orientation = im.getexif().get(0x0112, 1)
    except Exception:  # noqa: BLE001 - a broken EXIF block only loses the orientation
        orientation = 1
    return (h, w) if orientation in (5, 6, 7, 8) else (w, h)


def load_frame(path: Path, name: str, index: int, *, max_pixels: int) -> tuple[Image.Image, int | None, list[str]]:
    """Decode one frame, upright. Returns the image, its resolution in dpi if recorded
    plausibly, and warnings (an incomplete file is read as far as it goes)."""
    im = _open(path, name, max_pixels)
    warnings: list[str] = []
    try:
        im.seek(index)
        if im.size[0] * im.size[1] > max_pixels:
            raise TooLarge(name, _too_big_reason(max_pixels))
        try:
            im.load()
        except OSError as e:
            if "truncated" not in str(e):
                raise CorruptFile(name, f"the image is damaged and could not be read ({_short(e)})") from None
            # A scan cut short still shows most of the page: read what is there, and say so.
            ImageFile.LOAD_TRUNCATED_IMAGES = True
            try:
                im.close()
                im = Image.open(path)
                im.seek(index)
                im.load()
            finally:
                ImageFile.LOAD_TRUNCATED_IMAGES = False
            warnings.append("the image file is incomplete: part of the page may be missing")
        dpi_info = im.info.get("dpi")
        dpi: int | None = None
        if isinstance(dpi_info, tuple) and dpi_info and isinstance(dpi_info[0], (int, float)):
            if 100 <= float(dpi_info[0]) <= 1200:
                dpi = int(round(float(dpi_info[0])))
        upright = ImageOps.exif_transpose(im)
        out = upright if upright is not None else im
        out.load()
        return out.copy() if out is im else out, dpi, warnings
    except (EOFError, ValueError) as e:
        raise CorruptFile(name, f"the image is damaged and could not be read ({_short(e)})") from None
    finally:
        im.close()
