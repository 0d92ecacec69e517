"""Every file of the shared corpus of real PDFs (pdfplumber's bug-report files: empty,
password-protected, malformed, rotated, scanned, form-filled...) either ingests with text per
page or fails with a clear per-file error: no crash, no hang, nothing dropped."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from assistant.config import Settings
from assistant.ingest import ingest_case

# ../shared beside the project checkout (as laid for developers and CI)
CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "real-pdfs"

# Known outcomes worth pinning: (file, error code) for the files that must fail.
MUST_FAIL = {
    "empty.pdf": "empty",
    "password-example.pdf": "encrypted",
    "issue-948.zip": "unsupported",
    "README.md": "unsupported",
}


@pytest.mark.slow
@pytest.mark.skipif(not CORPUS.is_dir(), reason=f"corpus of real PDFs not found at {CORPUS}")
def test_every_corpus_file_ingests_or_fails_clearly(tmp_path: Path) -> None:
    # 100 dpi is enough to prove the scanned pages are read without a crash, and keeps the
    # ten scanned pages of the corpus to a few seconds.
    s = Settings(cache_dir=tmp_path, ocr_dpi=100, parse_timeout_s=60)
    files = sorted(p.name for p in CORPUS.iterdir() if not p.name.startswith("."))
    t0 = time.perf_counter()
    docs, errors = ingest_case(CORPUS, settings=s)
    elapsed = time.perf_counter() - t0
    seen = [d.name for d in docs] + [e.document for e in errors]
    assert sorted(seen) == files, "a file was neither ingested nor reported"
    failed = {e.document: e.code for e in errors}
    for name, code in MUST_FAIL.items():
        assert failed.get(name) == code, (name, failed.get(name))
    for e in errors:
        assert e.reason and len(e.reason) > 20, e
    for d in docs:
        assert d.pages, d.name
        assert [p.number for p in d.pages] == list(range(1, len(d.pages) + 1))
    # Nearly every PDF has a text layer or readable scan: the bulk must come through.
    pdfs = [d for d in docs if d.media_type == "pdf"]
    assert len(pdfs) >= 48
    assert sum(1 for d in pdfs if any(p.text for p in d.pages)) >= 47
    by_name = {d.name: d for d in docs}
    assert by_name["chelsea_pdta.pdf"].pages[2].ocr  # a contents page drawn without text
    assert "rotated" not in failed and "nics-background-checks-2015-11-rotated.pdf" in by_name
    assert elapsed < 120, f"the corpus took {elapsed:.0f} s"
