"""The batch on Ray, for real: a local ``ray.init`` with two CPUs (no mocks), the same stages and
the same outputs as the local worker processes, and nothing of Ray left running afterwards."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
import ray

from assistant.batch.run import run_batch
from assistant.config import Settings

ROOT = Path(__file__).resolve().parents[1]
FIX = ROOT / "tests" / "fixtures" / "batch"
INGEST_FIX = ROOT / "tests" / "fixtures" / "ingest"

pytestmark = pytest.mark.slow


def _ray_processes() -> list[str]:
    out = subprocess.run(["ps", "-eo", "pid,args"], capture_output=True, text=True).stdout
    return [line for line in out.splitlines() if "raylet" in line or "gcs_server" in line]


def test_ray_local_gives_the_same_outputs_as_local_workers(tmp_path: Path) -> None:
    before = _ray_processes()
    refs = tmp_path / "refs"
    shutil.copytree(FIX / "R-ALPHA", refs / "R-ALPHA")
    shutil.copytree(FIX / "R-BRAVO", refs / "R-BRAVO")
    (refs / "R-SCAN").mkdir()  # scanned pages: the OCR stage runs as Ray tasks too
    shutil.copy(INGEST_FIX / "scan.png", refs / "R-SCAN" / "scan.png")
    shutil.copy(INGEST_FIX / "scanned.pdf", refs / "R-SCAN" / "scanned.pdf")
    (refs / "R-SCAN" / "broken.pdf").write_bytes(b"%PDF-1.4 not really")
    s = Settings(cache_dir="off", workers=2)  # type: ignore[arg-type]

    on_ray = run_batch(refs, tmp_path / "ray", ray="local", workers=2, settings=s)
    assert (on_ray.done, on_ray.failed) == (3, 0)
    assert on_ray.pages_run == on_ray.pages > 0  # every page read by a Ray task
    assert not ray.is_initialized()
    assert _ray_processes() == before  # ray.shutdown() left nothing running

    local = run_batch(refs, tmp_path / "local", workers=2, settings=s)
    for name in ("screening.csv", "data_return.csv", "cross_referral.csv"):
        assert (tmp_path / "ray" / name).read_text() == (tmp_path / "local" / name).read_text(), name
    for case in ("R-ALPHA", "R-BRAVO", "R-SCAN"):
        a = json.loads((tmp_path / "ray" / f"{case}.json").read_text())
        b = json.loads((tmp_path / "local" / f"{case}.json").read_text())
        assert a == b, case
    scan = json.loads((tmp_path / "ray" / "R-SCAN.json").read_text())
    assert [e["document"] for e in scan["errors"]] == ["broken.pdf"]
    assert any(d["ocr"] for d in scan["documents"])
    assert local.pages == on_ray.pages
