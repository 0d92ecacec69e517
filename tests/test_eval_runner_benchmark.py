"""The benchmark's parts that can be checked quickly: deterministic bundles, the memory probe
and the reference runners. (The benchmark itself is a measurement, run by hand.)"""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

import pypdfium2 as pdfium
import pytest

from eval.benchmark import pdfium_extract_s, render_pages, run_measured, tesseract_alone_s
from eval.bundles import DENSE_CHARS, write_dense_pdf, write_scanned_pdf


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_dense_bundle_is_deterministic_and_dense(tmp_path: Path) -> None:
    a = write_dense_pdf(tmp_path / "a.pdf", 3)
    b = write_dense_pdf(tmp_path / "b.pdf", 3)
    assert sha(a) == sha(b)
    seconds, pages, chars = pdfium_extract_s(a)
    assert pages == 3 and DENSE_CHARS * 3 <= chars < DENSE_CHARS * 3 * 1.2
    assert sha(write_dense_pdf(tmp_path / "c.pdf", 3, seed=8)) != sha(a)


def test_scanned_bundle_has_no_text_layer(tmp_path: Path) -> None:
    a = write_scanned_pdf(tmp_path / "a.pdf", 1)
    assert sha(a) == sha(write_scanned_pdf(tmp_path / "b.pdf", 1))
    doc = pdfium.PdfDocument(str(a))
    assert len(doc) == 1 and doc[0].get_textpage().get_text_range().strip() == ""
    doc.close()
    images = render_pages(a, tmp_path / "img")
    assert len(images) == 1
    if sys.platform == "linux":
        assert tesseract_alone_s(images) > 0


@pytest.mark.skipif(not Path("/proc/self/statm").exists(), reason="needs /proc")
def test_run_measured_sees_the_whole_process_tree() -> None:
    # A parent that starts a child holding about 300 MB: the tree's peak must include it.
    child = "b = bytearray(300 * 2**20); import time; time.sleep(0.6)"
    parent = f"import subprocess, sys; subprocess.run([sys.executable, '-c', {child!r}])"
    run = run_measured([sys.executable, "-c", parent])
    assert run.rc == 0 and run.wall_s >= 0.6
    assert run.peak_tree_bytes >= 300 * 2**20
    assert run.peak_single_bytes >= 300 * 2**20
    assert run_measured([sys.executable, "-c", "raise SystemExit(3)"]).rc == 3
