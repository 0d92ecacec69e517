"""OCR with the Tesseract 5 binary: one call per page, TSV out, text and word boxes rebuilt from it.

The page goes to Tesseract as an uncompressed BMP on stdin (1 bit per pixel once binarised):
writing it costs about 1-10 ms, where PNG costs 50-80 ms a page; Tesseract read PGM from stdin
about 10% more slowly than BMP, and reads a 1-bit page about 12% faster than an 8-bit one
(CPU seconds, best of 3, interleaved, A4 at 300 dpi; ``eval/ingest_speed.py`` prints the
encoding costs). ``OMP_THREAD_LIMIT=1`` is set for every call: Tesseract's own OpenMP
threads make it several times slower when pages already run in parallel across the cores.

Image cleaning (:class:`OcrConfig`; the pipeline uses :data:`DEFAULT_OCR`) is decided per page
(``clean.plan_cleaning``) and was chosen with ``eval/ocr_kinds.py`` (character error rate per
kind of page against plain Tesseract) and ``eval/ocr_quality.py`` (each cleaning step's error
rate and time).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from assistant.ingest.textnorm import normalise
from assistant.types import Box

if TYPE_CHECKING:
    from PIL import Image

# A page's row-by-row reading replaces its column reading when it keeps this share of the words.
ROWS_MIN_WORDS = 0.9
# Below this mean word confidence (0-100) a page gets a warning to check the image.
LOW_CONFIDENCE = 60.0


class TesseractMissing(RuntimeError):
    """The ``tesseract`` program is not installed."""


class TesseractError(RuntimeError):
    """Tesseract failed or ran out of time on a page."""


# Bump when the cleaning or the reading changes in a way the settings below do not show (a new
# threshold in clean.plan_cleaning, say): it is part of the ingest cache key, so cached pages
# are read again rather than keeping the old text.
OCR_VERSION = "ocr-2"


@dataclass(slots=True)
class OcrConfig:
    """How pages are cleaned and read. Part of the cache key: change it and pages are re-read."""

    lang: str = "eng"
    psm: int = 3  # fully automatic page segmentation
    # "auto": each page measured and given only what it needs (clean.plan_cleaning); the three
    # settings below are then ignored. "fixed": those settings, on every page.
    clean: str = "fixed"
    flatten: str = "off"  # even out lighting: "off", "always", or "uneven" (only when it varies)
    deskew: str = "off"  # level a skewed page: "off", "bilinear" or "nearest" rotation
    binarise: str = "off"  # "off" (Tesseract's own Otsu) or "otsu" (ours, before Tesseract)
    tess_config: tuple[tuple[str, str], ...] = ()  # extra ``-c name=value`` settings
    # Read again, as plain blocks of text, bands of ink the automatic layout returned no words
    # for (recover.recover_dropped).
    recover: bool = True

    def key(self) -> str:
        cfg = ",".join(f"{k}={v}" for k, v in self.tess_config)
        if self.clean == "auto":
            clean = "auto"
        else:
            clean = f"fl-{self.flatten}/dk-{self.deskew}/bin-{self.binarise}"
        rec = "/rec2" if self.recover else ""
        return f"{OCR_VERSION}/{self.lang}/psm{self.psm}/{clean}/{cfg}{rec}"


# Background spread (grey levels) above which "uneven" flattening is applied.
UNEVEN_SPREAD = 30.0


@dataclass(slots=True)
class Prepared:
    """A page ready for Tesseract: the image, the skew corrected, the resolution to declare."""

    image: Image.Image
    angle: float
    dpi: int | None
    why: tuple[str, ...] = ()


def prepare(grey: Image.Image, dpi: int | None, config: OcrConfig) -> Prepared:
    """Clean a grey page as configured: measured per page (``clean="auto"``) or fixed steps."""
    import assistant.ingest.clean as clean

    if config.clean == "auto":
        stats = clean.analyse(grey)
        plan = clean.plan_cleaning(stats, dpi)
        image = clean.apply_plan(grey, plan, stats)
        new_dpi = round(dpi * plan.scale) if dpi else None
        return Prepared(image, plan.angle, new_dpi, plan.why)
    image, angle = clean_for_ocr(grey, config)
    return Prepared(image, angle, dpi)


def clean_for_ocr(grey: Image.Image, config: OcrConfig) -> tuple[Image.Image, float]:
    """Apply the configured fixed cleaning; returns the image and the skew angle corrected."""
    import assistant.ingest.clean as clean

    if config.flatten == "always" and config.binarise == "otsu" and config.deskew != "bilinear":
        # The pipeline's path: flatten and binarise fused, skew measured on the small copy,
        # the 1-bit page rotated (nearest neighbour is exact for black and white).
        binary, flat_small = clean.flatten_otsu(grey)
        if binary is not None:
            angle = clean.estimate_skew(flat_small) if config.deskew != "off" else 0.0
            if abs(angle) < clean.MIN_SKEW:
                return binary, 0.0
            return binary.rotate(-angle, expand=False, fillcolor=1), angle
    if config.flatten == "always":
        grey = clean.flatten_light(grey)
    elif config.flatten == "uneven":
        grey = clean.flatten_light(grey, min_spread=UNEVEN_SPREAD)
    angle = 0.0
    if config.deskew != "off":
        grey, angle = clean.deskew_with_angle(grey, smooth=config.deskew == "bilinear")
    if config.binarise == "otsu":
        grey = clean.otsu(grey)
    return grey, angle


# The configuration the pipeline uses (issue 10): each page measured and given only what it
# needs, in grey (clean.analyse / clean.plan_cleaning): lighting evened out when the paper's
# brightness varies (a phone photo's shadow), levelled when skewed 1.5 degrees or more and the
# angle is clear, enlarged when the text is only a few pixels high; otherwise the page goes to
# Tesseract as it is. Mean CER, plain Tesseract -> the fixed cleaning used before -> this
# (eval/ocr_kinds.py, 15 kinds of page made independently of the samples, 2 pages each, and 6
# of the samples' scanned pages per noise level):
#   generated kinds, all:  4.48% -> 0.23% -> 0.21%  (phone photos 24.9% -> 0.3% -> 0.0%,
#       skew 2.5-4.5 degrees 39.2% -> 0.14% -> 0.04%; no kind worse than plain)
#   samples light / medium / heavy: 4.21 / 4.68 / 11.99% -> 5.89 / 4.95 / 8.19% -> 4.21 / 4.68 /
#       9.44%
# CPU: 1.04x plain Tesseract on those pages, 1.02x on the benchmark's scanned bundle (the
# fixed cleaning: 0.91x / 0.93x, as a 1-bit page reads faster; ``eval.ocr_kinds --speed 4``).
# The fixed cleaning (flatten + Otsu + nearest-neighbour deskew on every page) was worse than
# plain Tesseract on clean, faint, small and low-resolution print: a page binarised before
# Tesseract loses the grey edges its LSTM reads (dpi 150 small print 0.25% -> 0.70%), and one
# sample page lost a text block to the fused threshold (0.95% -> 10.8%).
#
# After the reading (recover.py, issue 10): a page the automatic layout split into side-by-side
# columns that are really the cells of rows (a CAD log's times, operators and text) is read
# again as one column of lines (psm 4); bands of ink no recognised word covers (four log entries
# of a scanned record print) are read again as blocks (psm 6). Mean CER, plain Tesseract -> the
# cleaning alone -> with both (eval/ocr_kinds.py --samples 12, 15 generated kinds x 2 pages and
# 12 sample pages per noise level): generated 4.48 -> 0.21 -> 0.15%; samples light 6.35 -> 6.35
# -> 5.66%, medium 5.58 -> 5.58 -> 4.78%, heavy 16.14 -> 10.09 -> 9.47%; all 66 pages 7.14 ->
# 4.10 -> 3.69%; no kind worse. CPU: one more Tesseract call only on pages that need it.
DEFAULT_OCR = OcrConfig(clean="auto")


@dataclass(slots=True)
class OcrResult:
    text: str
    boxes: list[Box]
    confidence: float | None
    warnings: list[str] = field(default_factory=list)


def tesseract_path() -> str | None:
    return shutil.which("tesseract")


def to_grey(image: Image.Image) -> Image.Image:
    """Any PIL image as 8-bit grey, transparency laid over white."""
    from PIL import Image as PILImage

    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        white = PILImage.new("RGBA", rgba.size, (255, 255, 255, 255))
        image = PILImage.alpha_composite(white, rgba)
    if image.mode in ("I;16", "I;16B", "I;16L", "I", "F"):
        # 16-bit or float scans: scale to 8 bits rather than clipping everything to white.
        import numpy as np

        a = np.asarray(image).astype(np.float32)
        hi = float(a.max()) if a.size else 0.0
        if hi > 255.0:
            a *= 255.0 / hi
        image = PILImage.fromarray(a.clip(0, 255).astype(np.uint8), "L")
    if image.mode != "L":
        image = image.convert("L")
    return image


def pgm_bytes(image: Image.Image) -> bytes:
    """An 8-bit grey image as binary PGM (header + raw pixels): no compression cost."""
    w, h = image.size
    return b"P5\n%d %d\n255\n" % (w, h) + image.tobytes()


def bmp_bytes(image: Image.Image) -> bytes:
    """The page as an uncompressed BMP for Tesseract's stdin: 1 bit per pixel when the page is
    already black and white, else 8-bit grey.

    Measured (eval/ingest_speed.py and the notes in the module docstring): BMP costs about
    1 ms to write and Tesseract reads it from stdin as fast as a PNG file; PGM from stdin made
    Tesseract itself about 10% slower, PNG costs 50-80 ms to compress; and a 1-bit page makes
    Tesseract about 12% faster than the same page in 8-bit grey.
    """
    import io

    buf = io.BytesIO()
    image.save(buf, "BMP")
    return buf.getvalue()


def run_tesseract(
    image: Image.Image,
    *,
    dpi: int | None,
    config: OcrConfig,
    timeout: float,
) -> str:
    """Run Tesseract once on a grey image and return its TSV output."""
    exe = tesseract_path()
    if exe is None:
        raise TesseractMissing(
            "Tesseract OCR is not installed: run the set-up (./run setup) or "
            "'apt-get install tesseract-ocr' so scanned pages can be read"
        )
    cmd = [exe, "stdin", "stdout", "-l", config.lang, "--psm", str(config.psm)]
    if dpi:
        cmd += ["--dpi", str(int(dpi))]
    for k, v in config.tess_config:
        cmd += ["-c", f"{k}={v}"]
    cmd.append("tsv")
    env = dict(os.environ)
    env["OMP_THREAD_LIMIT"] = "1"
    try:
        proc = subprocess.run(
            cmd,
            input=bmp_bytes(image),
            capture_output=True,
            timeout=timeout,
            env=env,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise TesseractError(f"OCR took longer than {timeout:.0f} s on this page and was stopped") from None
    if proc.returncode != 0:
        err = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        detail = err[-1] if err else f"exit code {proc.returncode}"
        raise TesseractError(f"Tesseract could not read this page ({detail})")
    return proc.stdout.decode("utf-8", "replace")


def parse_tsv(tsv: str, width: int, height: int) -> tuple[str, list[Box], float | None]:
    """Rebuild page text from Tesseract's TSV: words joined by spaces, lines by newlines and
    blocks/paragraphs by a blank line. Returns the text, one Box per word, mean confidence.
    """
    parts: list[str] = []
    boxes: list[Box] = []
    confs: list[float] = []
    pos = 0
    prev: tuple[str, str, str] | None = None
    w = float(max(width, 1))
    h = float(max(height, 1))
    for row in tsv.splitlines()[1:]:
        cols = row.split("\t")
        if len(cols) < 12 or cols[0] != "5":
            continue
        # Words are cleaned like any other page text so OCR and digital pages read alike.
        word = normalise(cols[11]).replace("\n", " ").strip()
        if not word:
            continue
        key = (cols[2], cols[3], cols[4])  # block, paragraph, line
        if prev is not None:
            if key[:2] != prev[:2]:
                sep = "\n\n"
            elif key != prev:
                sep = "\n"
            else:
                sep = " "
            parts.append(sep)
            pos += len(sep)
        prev = key
        try:
            left, top, bw, bh = (int(c) for c in cols[6:10])
            conf = float(cols[10])
        except ValueError:
            left = top = bw = bh = 0
            conf = -1.0
        parts.append(word)
        boxes.append(
            Box(
                pos,
                pos + len(word),
                round(left / w, 5),
                round(top / h, 5),
                round(min(left + bw, width) / w, 5),
                round(min(top + bh, height) / h, 5),
            )
        )
        pos += len(word)
        if conf >= 0:
            confs.append(conf)
    text = "".join(parts)
    mean = round(sum(confs) / len(confs), 2) if confs else None
    return text, boxes, mean


def ocr_image(
    image: Image.Image,
    *,
    dpi: int | None,
    config: OcrConfig,
    timeout: float,
) -> OcrResult:
    """Clean (as configured) and OCR one page image; boxes are fractions of this image."""
    page = prepare(to_grey(image), dpi, config)
    grey, angle = page.image, page.angle
    tsv = run_tesseract(grey, dpi=page.dpi, config=config, timeout=timeout)
    if config.recover and config.psm == 3:
        from dataclasses import replace

        from assistant.ingest.recover import recover_dropped, side_by_side, word_count

        block = replace(config, psm=6)
        if side_by_side(tsv):
            # A log or form whose cells the layout read as columns (times, then operators, then
            # the text): read again as one column of lines (psm 4), row by row, unless that
            # reading loses words.
            rows = run_tesseract(grey, dpi=page.dpi, config=replace(config, psm=4), timeout=timeout)
            if word_count(rows) >= ROWS_MIN_WORDS * word_count(tsv):
                tsv = rows
        tsv, _ = recover_dropped(
            grey, tsv, lambda crop: run_tesseract(crop, dpi=page.dpi, config=block, timeout=timeout)
        )
    text, boxes, conf = parse_tsv(tsv, grey.width, grey.height)
    if angle:
        # Boxes are on the levelled image; the reviewer sees the page as scanned.
        from assistant.ingest.clean import unrotate_box

        boxes = [Box(b.start, b.end, *unrotate_box((b.x0, b.y0, b.x1, b.y1), angle, grey.size)) for b in boxes]
    warnings: list[str] = []
    if not text:
        warnings.append("no text found on this scanned page: it may be blank or unreadable")
    elif conf is not None and conf < LOW_CONFIDENCE:
        warnings.append(f"low OCR confidence ({conf:.0f}%): check the text against the page image")
    return OcrResult(text=text, boxes=boxes, confidence=conf, warnings=warnings)
