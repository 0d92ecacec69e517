"""Text Tesseract's automatic layout left out is read again (assistant/ingest/recover.py):
on a real sample scan where four log entries vanished, on made-up pages, and never twice."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image, ImageDraw

from assistant.config import Settings
from assistant.ingest import ingest_paths
from assistant.ingest.ocr import DEFAULT_OCR, OcrConfig, parse_tsv
from assistant.ingest.recover import Band, _insert, recover_dropped, side_by_side, uncovered_bands

ROOT = Path(__file__).resolve().parents[1]
HEADER = "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext"


def _word(block: int, line: int, n: int, x: int, y: int, w: int, h: int, conf: float, text: str) -> str:
    return f"5\t1\t{block}\t1\t{line}\t{n}\t{x}\t{y}\t{w}\t{h}\t{conf}\t{text}"


def _block(block: int, x: int, y: int, w: int, h: int) -> str:
    return f"2\t1\t{block}\t0\t0\t0\t{x}\t{y}\t{w}\t{h}\t-1\t"


def _page_with_three_lines() -> Image.Image:
    """A white page with three black bars where three lines of text would be."""
    page = Image.new("L", (1200, 1600), 255)
    d = ImageDraw.Draw(page)
    for y in (200, 400, 600):
        for x in range(150, 1000, 60):
            d.rectangle((x, y, x + 40, y + 30), fill=0)
    return page


@pytest.mark.slow
def test_log_entries_the_layout_dropped_come_back_in_reading_order(tmp_path: Path) -> None:
    # c41's scanned ORION print, page 2: with psm 3 alone, entries 011-014 were not in the text.
    pdf = ROOT / "sample_files" / "indep_dev" / "c41" / "ORION_0118830_print.pdf"
    docs, errors = ingest_paths([pdf], settings=Settings(cache_dir=tmp_path))
    assert not errors
    text = docs[0].pages[1].text
    for entry in ("011 01/07/19", "ANPR - CA67 RZT", "012 02/07/19", "Hatherley High", "013 15/07/19", "014 09/09/19"):
        assert entry in text, entry
    # in the order of the page, between entry 010 and the supervisor's review, and once each
    assert text.index("010 01/07/19") < text.index("011 01/07/19") < text.index("014 09/09/19")
    assert text.index("014 09/09/19") < text.index("SUPERVISOR REVIEW")
    assert text.count("SUPERVISOR REVIEW") == 1 and text.count("014 09/09/19") == 1


def test_ink_every_line_covers_leaves_no_band() -> None:
    page = _page_with_three_lines()
    rows = [HEADER, _block(1, 150, 200, 850, 430)]
    for k, y in enumerate((200, 400, 600), start=1):
        rows.append(_word(1, k, 1, 150, y, 850, 31, 95, "line"))
    assert uncovered_bands(page, "\n".join(rows)) == []


def test_a_line_no_word_covers_is_a_band_and_is_read_again() -> None:
    page = _page_with_three_lines()
    rows = [HEADER, _block(1, 150, 200, 850, 31), _word(1, 1, 1, 150, 200, 850, 31, 95, "first"),
            _block(2, 150, 600, 850, 31), _word(2, 1, 1, 150, 600, 850, 31, 95, "third")]
    tsv = "\n".join(rows)
    bands = uncovered_bands(page, tsv)
    assert len(bands) == 1 and bands[0].y0 <= 400 < 430 <= bands[0].y1
    seen: list[tuple[int, int]] = []

    def read(crop: Image.Image) -> str:
        seen.append(crop.size)
        words = [_word(1, 1, 1, 10, 20, 200, 31, 91, "second"), _word(1, 1, 2, 230, 20, 200, 31, 88, "line")]
        return "\n".join([HEADER, *words])

    out, n = recover_dropped(page, tsv, read)
    assert n == 1 and len(seen) == 1
    text, boxes, _ = parse_tsv(out, page.width, page.height)
    assert text == "first\n\nsecond line\n\nthird"
    # the words read again keep boxes on the page, not on the crop
    second = boxes[1]
    assert 0.1 < second.x0 < 0.2 and 0.24 < second.y0 < 0.27


def test_noise_read_again_is_not_added() -> None:
    page = _page_with_three_lines()
    rows = [HEADER, _block(1, 150, 200, 850, 31), _word(1, 1, 1, 150, 200, 850, 31, 95, "first")]
    tsv = "\n".join(rows)

    def scraps(crop: Image.Image) -> str:
        return "\n".join([HEADER, _word(1, 1, 1, 0, 0, 50, 30, 31, "ee"), _word(1, 1, 2, 60, 0, 50, 30, 12, "~"),
                          _word(1, 1, 3, 120, 0, 50, 30, 55, "Se"), _word(1, 1, 4, 180, 0, 50, 30, 25, "ANT")])

    assert recover_dropped(page, tsv, scraps) == (tsv, 0)


def test_a_blank_page_is_not_read_again() -> None:
    calls: list[int] = []
    page = Image.new("L", (1200, 1600), 255)
    assert recover_dropped(page, HEADER, lambda c: calls.append(1) or HEADER) == (HEADER, 0)
    assert calls == []


def test_words_go_before_the_first_block_below_them() -> None:
    body = [_block(1, 100, 100, 800, 50), "x1", _block(2, 100, 700, 800, 50), "x2"]
    assert _insert(body, ["new"], Band(100, 400, 900, 401)) == [body[0], "x1", "new", body[2], "x2"]
    assert _insert(body, ["new"], Band(100, 900, 900, 901)) == [*body, "new"]
    # a block in another column (no overlap across the page) is passed over
    assert _insert(body, ["new"], Band(950, 400, 1100, 401)) == [*body, "new"]


def test_the_second_reading_is_in_the_cache_key() -> None:
    assert DEFAULT_OCR.recover
    assert DEFAULT_OCR.key() != OcrConfig(clean="auto", recover=False).key()


def _log_as_columns() -> str:
    """A CAD log's TSV as the automatic layout reads it: a block of times, one of operators and
    one of text, side by side on the same lines."""
    rows = [HEADER, _block(1, 180, 100, 900, 30), _word(1, 1, 1, 180, 100, 900, 30, 95, "INCIDENT")]
    for b, x, word in ((2, 180, "23:07"), (3, 300, "C/T"), (4, 520, "MUM")):
        rows.append(_block(b, x, 370, 100, 240))
        for line in range(8):
            rows.append(_word(b, line + 1, 1, x, 370 + 30 * line, 90, 25, 92, word))
    return "\n".join(rows)


def test_a_log_read_as_side_by_side_columns_is_seen() -> None:
    assert side_by_side(_log_as_columns())


def test_blocks_one_under_another_are_not_columns() -> None:
    rows = [HEADER]
    for b in range(1, 4):
        rows.append(_block(b, 180, 300 * b, 900, 200))
        for line in range(8):
            rows.append(_word(b, line + 1, 1, 180, 300 * b + 25 * line, 800, 20, 92, "text"))
    assert not side_by_side("\n".join(rows))


@pytest.mark.slow
def test_a_cad_log_scanned_is_read_row_by_row(tmp_path: Path) -> None:
    # c13's CAD print (a bitonal TIFF): the automatic layout read the times, the operators and
    # the text as three columns; read row by row, each entry keeps its time.
    tif = ROOT / "sample_files" / "train" / "c13" / "CAD_WP240926-0311.tiff"
    docs, errors = ingest_paths([tif], settings=Settings(cache_dir=tmp_path))
    assert not errors
    text = docs[0].pages[0].text
    assert "23:07 C/T 4402 MUM REPORTS SON" in " ".join(text.split())
