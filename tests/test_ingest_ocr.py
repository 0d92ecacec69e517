"""OCR: accuracy on scanned fixtures against their source text, the TSV rebuild, deskew and the
mapping of boxes back onto the page as scanned, and a machine without Tesseract."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw

from assistant.config import Settings
from assistant.ingest import ingest_paths
from assistant.ingest.clean import estimate_skew, unrotate_box
from assistant.ingest.ocr import parse_tsv
from eval.ocr_quality import cer, levenshtein, make_text, render_page

FIX = Path(__file__).parent / "fixtures" / "ingest"
SOURCES = json.loads((FIX / "sources.json").read_text(encoding="utf-8"))


@pytest.mark.slow
def test_ocr_matches_the_source_text(tmp_path: Path) -> None:
    names = ["scanned.pdf", "scan.png", "photo.jpg", "chronology.tif"]
    docs, errors = ingest_paths([FIX / n for n in names], settings=Settings(cache_dir=tmp_path))
    assert not errors
    for doc in docs:
        for page, source in zip(doc.pages, SOURCES[doc.name], strict=True):
            rate = cer(page.text, source)
            assert rate < 0.03, (doc.name, page.number, rate, page.text)
            assert page.ocr and page.ocr_confidence is not None and page.ocr_confidence > 75
            assert not page.warnings


def test_tsv_is_rebuilt_into_lines_and_paragraphs() -> None:
    rows = [
        "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext",
        "1\t1\t0\t0\t0\t0\t0\t0\t1000\t2000\t-1\t",
        "5\t1\t1\t1\t1\t1\t100\t100\t80\t20\t96.5\tOfficer",
        "5\t1\t1\t1\t1\t2\t190\t100\t60\t20\t91.0\tin",
        "5\t1\t1\t1\t2\t1\t100\t130\t90\t20\t88.0\tcase:",
        "5\t1\t1\t1\t2\t2\t200\t130\t10\t20\t10.0\t ",
        "5\t1\t2\t1\t1\t1\t100\t300\t120\t20\t50.5\tDC\ufb01le",
    ]
    text, boxes, conf = parse_tsv("\n".join(rows), 1000, 2000)
    assert text == "Officer in\ncase:\n\nDCfile"
    assert [text[b.start : b.end] for b in boxes] == ["Officer", "in", "case:", "DCfile"]
    assert boxes[0].x0 == 0.1 and boxes[0].y0 == 0.05 and boxes[0].x1 == 0.18
    assert conf == round((96.5 + 91.0 + 88.0 + 50.5) / 4, 2)  # the blank word is not counted
    assert parse_tsv(rows[0], 10, 10) == ("", [], None)


@pytest.mark.parametrize("angle", [2.0, -2.5, 0.8])
def test_skew_is_measured(angle: float) -> None:
    page = render_page(make_text(seed=5, lines_target=20))
    small = page.reduce(2)  # enough to measure, and quick
    skewed = small.rotate(angle, resample=Image.Resampling.BILINEAR, fillcolor=255)
    assert abs(estimate_skew(skewed) - angle) <= 0.15


@pytest.mark.parametrize("angle", [2.0, -2.5])
def test_boxes_found_on_a_levelled_page_map_back_to_the_scan(angle: float) -> None:
    w, h = 1000, 1400
    scan = Image.new("L", (w, h), 255)
    ImageDraw.Draw(scan).rectangle((700, 200, 760, 230), fill=0)
    levelled = scan.rotate(-angle, fillcolor=255)  # what deskew does
    ys, xs = np.nonzero(np.asarray(levelled) < 128)
    box = (xs.min() / w, ys.min() / h, xs.max() / w, ys.max() / h)
    x0, y0, x1, y1 = unrotate_box(box, angle, (w, h))
    assert abs(x0 * w - 700) <= 4 and abs(y0 * h - 200) <= 4
    assert abs(x1 * w - 760) <= 4 and abs(y1 * h - 230) <= 4


def test_levenshtein() -> None:
    for a, b, d in [
        ("", "abc", 3),
        ("kitten", "sitting", 3),
        ("flaw", "lawn", 2),
        ("same", "same", 0),
    ]:
        assert levenshtein(a, b) == d
        assert levenshtein(b, a) == d


def test_without_tesseract_scans_fail_clearly_and_digital_pages_survive(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "empty-bin"))
    docs, errors = ingest_paths([FIX / "scan.png", FIX / "mixed.pdf"], settings=Settings(cache_dir=tmp_path))
    assert [(e.document, e.code) for e in errors] == [("scan.png", "ocr_failed")]
    assert "Tesseract" in errors[0].reason and "setup" in errors[0].reason
    (mixed,) = docs
    assert "HALVERSON" in mixed.pages[0].text
    assert mixed.pages[1].text == "" and "Tesseract" in mixed.pages[1].warnings[0]
    # A partly read file is not cached: installing Tesseract later reads the scan.
    assert not list(tmp_path.rglob("*.json.gz"))
