"""Referrals and output checks shared by the batch tests on Ray (local runtime and cluster)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FIX = ROOT / "tests" / "fixtures" / "batch"
INGEST_FIX = ROOT / "tests" / "fixtures" / "ingest"
CASES = ("R-ALPHA", "R-BRAVO", "R-SCAN")


def make_refs(refs: Path, *, broken_pdf: bool) -> Path:
    """Two digital referrals and one with scanned pages (the OCR stage runs as tasks too),
    optionally with a corrupt PDF beside them."""
    shutil.copytree(FIX / "R-ALPHA", refs / "R-ALPHA")
    shutil.copytree(FIX / "R-BRAVO", refs / "R-BRAVO")
    (refs / "R-SCAN").mkdir()
    shutil.copy(INGEST_FIX / "scan.png", refs / "R-SCAN" / "scan.png")
    shutil.copy(INGEST_FIX / "scanned.pdf", refs / "R-SCAN" / "scanned.pdf")
    if broken_pdf:
        (refs / "R-SCAN" / "broken.pdf").write_bytes(b"%PDF-1.4 not really")
    return refs


def assert_same_outputs(a: Path, b: Path) -> None:
    """The three CSVs are byte for byte the same, and every case's review output is equal."""
    for name in ("screening.csv", "data_return.csv", "cross_referral.csv"):
        assert (a / name).read_text() == (b / name).read_text(), name
    for case in CASES:
        assert json.loads((a / f"{case}.json").read_text()) == json.loads((b / f"{case}.json").read_text()), case
