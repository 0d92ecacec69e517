"""Text that Tesseract's automatic layout left out, read again.

Tesseract's page segmentation (psm 3) sometimes judges a band of text lines to be a picture
or noise and returns no words for it at all: on a scanned record print, four consecutive log
entries vanished while the lines above and below were read. Nothing downstream can find a
line of inquiry that is not in the page text, so after the page is read, the ink that no
recognised word covers is measured; each band of it as tall as a line of text is read again
on its own as a single block of text (psm 6) and put back into the page's TSV in reading order.

Speckle, rules and photocopier streaks are not text: a band must be tall enough, hold enough
ink across enough of its width, and come back as words Tesseract is confident of.

The layout can also read too much into a page: a log whose times, operators and text it took
for three columns comes back column after column. ``side_by_side`` tells such a page, which
``ocr.ocr_image`` then reads again row by row (psm 4).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from PIL import Image

# A row of the page counts as inked when this many pixels (a fraction of the width) are dark
# and not inside any recognised line: a streak or a table rule down the page stays below it.
ROW_INK = 0.012
# Rows this close together (a fraction of the page height) are one band: the gap between
# two lines of text.
BAND_GAP = 0.006
# A band shorter than this (fraction of the page height) is a rule or a smear, not text.
MIN_BAND = 0.006
# ...and one taller than this is a picture, a photo or a stamp block, not lost lines.
MAX_BAND = 0.25
# A band must be this wide (fraction of the page width) to hold a line of text.
MIN_WIDTH = 0.08
# Words read again are kept when Tesseract is at least this confident of them...
MIN_WORD_CONF = 50.0
# ...and a band is kept when it gives this many such words with letters or digits, and they
# are at least this share of its words (speckle reads as many low-confidence scraps).
MIN_WORDS = 2
GOOD_SHARE = 0.6
# Words read again below this confidence are dropped as scraps of noise.
MIN_KEEP_CONF = 20.0
# At most this many bands a page are read again (each is a Tesseract call).
MAX_BANDS = 6
# A recognised word's box is grown by this share of its height (accents, noise just beside
# the letters) before its ink counts as read.
WORD_PAD = 0.2


@dataclass(frozen=True, slots=True)
class Band:
    """A rectangle of the page (pixels) with ink that no recognised word covers."""

    x0: int
    y0: int
    x1: int
    y1: int


def _rows(tsv: str) -> list[list[str]]:
    return [r.split("\t") for r in tsv.splitlines()[1:] if r.count("\t") >= 11]


def _word_rows(rows: list[list[str]]) -> Iterator[tuple[list[str], tuple[int, int, int, int]]]:
    """Each recognised word's TSV row with its box (x0, y0, x1, y1)."""
    for c in rows:
        if c[0] != "5" or not c[11].strip():
            continue
        try:
            left, top, w, h = (int(v) for v in c[6:10])
        except ValueError:
            continue
        yield c, (left, top, left + w, top + h)


def _word_boxes(rows: list[list[str]]) -> list[tuple[int, int, int, int]]:
    """Boxes (x0, y0, x1, y1) of the recognised words."""
    return [box for _, box in _word_rows(rows)]


def uncovered_bands(grey: Image.Image, tsv: str) -> list[Band]:
    """Bands of ink that no recognised word of the TSV covers, top to bottom."""
    from assistant.ingest.clean import otsu_threshold

    grey = grey if grey.mode == "L" else grey.convert("L")
    a = np.asarray(grey)
    h, w = a.shape
    if h < 50 or w < 50:
        return []
    t = otsu_threshold(grey)
    ink = a <= min(t, 160)
    for x0, y0, x1, y1 in _word_boxes(_rows(tsv)):
        pad = int((y1 - y0) * WORD_PAD) + 2
        ink[max(0, y0 - pad): y1 + pad, max(0, x0 - pad): x1 + pad] = False
    # Ignore a thin margin all round: scanner edges and punched holes.
    m = max(4, int(0.02 * min(h, w)))
    ink[:m, :] = False
    ink[-m:, :] = False
    ink[:, :m] = False
    ink[:, -m:] = False
    counts = ink.sum(axis=1)
    inked = counts >= ROW_INK * w
    bands: list[Band] = []
    gap = int(BAND_GAP * h)
    y = 0
    while y < h:
        if not inked[y]:
            y += 1
            continue
        start = end = y
        while y < h and (inked[y] or (y - end) <= gap):
            if inked[y]:
                end = y
            y += 1
        height = end - start + 1
        if MIN_BAND * h <= height <= MAX_BAND * h:
            cols = np.flatnonzero(ink[start: end + 1].sum(axis=0) >= 2)
            if cols.size and (cols[-1] - cols[0]) >= MIN_WIDTH * w:
                bands.append(Band(int(cols[0]), start, int(cols[-1]) + 1, end + 1))
    return bands[:MAX_BANDS]


def _words(tsv: str) -> list[list[str]]:
    return [c for c in _rows(tsv) if c[0] == "5" and c[11].strip()]


def recover_dropped(
    grey: Image.Image,
    tsv: str,
    read: Callable[[Image.Image], str],
) -> tuple[str, int]:
    """Read again the bands of ``grey`` the TSV left out; returns the TSV with their words put
    in reading order, and how many bands gave text. ``read`` OCRs a cropped image as one block
    of text (psm 6) and returns its TSV."""
    bands = uncovered_bands(grey, tsv)
    if not bands:
        return tsv, 0
    rows = tsv.splitlines()
    header, body = rows[0], rows[1:]
    added = 0
    from PIL import ImageDraw

    read_words = _word_boxes(_rows(tsv))
    # The words already read are painted out, so a crop that takes in a neighbouring line
    # (to give the lost line its full height) does not read it twice.
    clean = grey.copy()
    draw = ImageDraw.Draw(clean)
    for box in read_words:
        draw.rectangle(box, fill=255)
    heights = sorted(y1 - y0 for _, y0, _, y1 in read_words) or [40]
    line_h = heights[len(heights) // 2]
    for k, b in enumerate(bands):
        pad = max(8, line_h // 2)
        x0, y0 = max(0, b.x0 - pad), max(0, b.y0 - pad)
        x1, y1 = min(grey.width, b.x1 + pad), min(grey.height, b.y1 + pad)
        words = _words(read(clean.crop((x0, y0, x1, y1))))
        words = [c for c in words if _float(c[10]) >= MIN_KEEP_CONF]
        good = [c for c in words if _float(c[10]) >= MIN_WORD_CONF and any(ch.isalnum() for ch in c[11])]
        if len(good) < MIN_WORDS or len(good) < GOOD_SHARE * len(words):
            continue
        new = []
        for c in words:
            c = list(c)
            # A block of its own (numbered after Tesseract's), boxes back in page pixels.
            c[2] = f"r{k}.{c[2]}"
            c[6] = str(int(c[6]) + x0)
            c[7] = str(int(c[7]) + y0)
            new.append("\t".join(c))
        top = min(int(c[7]) for c in words) + y0
        body = _insert(body, new, Band(b.x0, top, b.x1, top + 1))
        added += 1
    return "\n".join([header, *body]), added


def _float(v: str) -> float:
    try:
        return float(v)
    except ValueError:
        return -1.0


def _insert(body: list[str], new: list[str], band: Band) -> list[str]:
    """Put ``new`` rows before the first block that starts below the top of the words read
    again and overlaps them across the page (reading order), else at the end."""
    for i, row in enumerate(body):
        c = row.split("\t")
        if len(c) < 12 or c[0] != "2":
            continue
        try:
            left, top, w = int(c[6]), int(c[7]), int(c[8])
        except ValueError:
            continue
        if top >= band.y0 and left < band.x1 and left + w > band.x0:
            return body[:i] + new + body[i:]
    return body + new


# A page read as side-by-side blocks is a row-based log or form when this share of its words
# sits in blocks that have another block beside them (same lines, apart across the page).
SIDE_BY_SIDE_SHARE = 0.3


def _blocks(rows: list[list[str]]) -> dict[str, tuple[int, int, int, int, int]]:
    """Each block's box (x0, y0, x1, y1) and how many words it holds."""
    out: dict[str, list[int]] = {}
    for c, (x0, y0, x1, y1) in _word_rows(rows):
        b = out.get(c[2])
        if b is None:
            out[c[2]] = [x0, y0, x1, y1, 1]
        else:
            b[0], b[1] = min(b[0], x0), min(b[1], y0)
            b[2], b[3] = max(b[2], x1), max(b[3], y1)
            b[4] += 1
    return {k: (v[0], v[1], v[2], v[3], v[4]) for k, v in out.items()}


def side_by_side(tsv: str) -> bool:
    """Did the automatic layout split the page into columns that are really the cells of rows
    (a log's time and operator columns beside its text: "23:07 C/T 4402 MUM REPORTS...")?"""
    blocks = _blocks(_rows(tsv))
    total = sum(b[4] for b in blocks.values())
    if total < 20 or len(blocks) < 2:
        return False
    beside: set[str] = set()
    items = list(blocks.items())
    for i, (ka, a) in enumerate(items):
        for kb, b in items[i + 1:]:
            overlap = min(a[3], b[3]) - max(a[1], b[1])
            apart = a[2] <= b[0] or b[2] <= a[0]
            if apart and overlap >= 0.5 * min(a[3] - a[1], b[3] - b[1]) and overlap > 0:
                beside.update((ka, kb))
    return sum(blocks[k][4] for k in beside) >= SIDE_BY_SIDE_SHARE * total


def word_count(tsv: str) -> int:
    return len(_words(tsv))
