"""The web process stays light: building the app imports no spaCy, torch or faiss (models
load in the worker process, and the embedder only on a first search by meaning)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_api_imports_no_heavy_libraries(tmp_path: Path) -> None:
    code = (
        "import sys\n"
        "from api.app import create_app\n"
        "from api.settings import ApiSettings\n"
        f"create_app(ApiSettings(data_dir={str(tmp_path)!r}))\n"
        "print(sorted(m for m in ('spacy', 'torch', 'faiss', 'transformers') if m in sys.modules))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip().splitlines()[-1] == "[]"
