"""The batch on Ray, for real: a local ``ray.init`` with two CPUs (no mocks), the same stages and
the same outputs as the local worker processes, and nothing of Ray left running afterwards."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
import ray

from assistant.batch.run import run_batch
from assistant.config import Settings
from tests.batch_helpers import assert_same_outputs, make_refs

pytestmark = pytest.mark.slow


def _ray_processes() -> list[str]:
    out = subprocess.run(["ps", "-eo", "pid,args"], capture_output=True, text=True).stdout
    return [line for line in out.splitlines() if "raylet" in line or "gcs_server" in line]


def test_ray_local_gives_the_same_outputs_as_local_workers(tmp_path: Path) -> None:
    before = _ray_processes()
    refs = make_refs(tmp_path / "refs", broken_pdf=True)
    s = Settings(cache_dir="off", workers=2)  # type: ignore[arg-type]

    on_ray = run_batch(refs, tmp_path / "ray", ray="local", workers=2, settings=s)
    assert (on_ray.done, on_ray.failed) == (3, 0)
    assert on_ray.pages_run == on_ray.pages > 0  # every page read by a Ray task
    assert not ray.is_initialized()
    assert _ray_processes() == before  # ray.shutdown() left nothing running

    local = run_batch(refs, tmp_path / "local", workers=2, settings=s)
    assert_same_outputs(tmp_path / "ray", tmp_path / "local")
    scan = json.loads((tmp_path / "ray" / "R-SCAN.json").read_text())
    assert [e["document"] for e in scan["errors"]] == ["broken.pdf"]
    assert any(d["ocr"] for d in scan["documents"])
    assert local.pages == on_ray.pages
