"""The layers point one way and no module imports itself back (ARCHITECTURE.md).

The layer rules are import-linter contracts in pyproject.toml (``lint-imports`` runs them by
hand); the cycle check reads every import in the source, function-local ones included, with
eval/import_graph.py (which also draws the graph: ``python -m eval.import_graph --dot``).
"""

from __future__ import annotations

import os
from pathlib import Path

import grimp
import pytest
from importlinter import configuration
from importlinter.application.use_cases import lint_imports

from eval.import_graph import cycles, import_graph

ROOT = Path(__file__).resolve().parents[1]


def test_layer_contracts_are_kept(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    configuration.configure()  # what the lint-imports command does first
    kept = lint_imports(config_filename=str(ROOT / "pyproject.toml"), cache_dir=None, no_logo=True)
    assert kept, capsys.readouterr().out


def test_import_linter_sees_function_local_imports() -> None:
    """The contracts cover imports inside functions too: the command line imports the
    evaluation runner only inside ``cmd_eval``, and grimp's graph has that import."""
    graph = grimp.build_graph("assistant", "eval", cache_dir=None)
    assert graph.direct_import_exists(importer="assistant.cli", imported="eval.runner")


def test_no_import_cycles_function_local_imports_included() -> None:
    graph = import_graph(ROOT)
    assert ("assistant.cli", "eval.runner") in {(m, t) for m, _, t in graph.local_imports}
    found = cycles(graph.edges)
    assert found == [], "import cycles: " + "; ".join(" <-> ".join(c) for c in found)


def test_cycle_finder_finds_a_cycle(tmp_path: Path) -> None:
    """The cycle check can fail: a cycle hidden in a function-local import is found."""
    pkg = tmp_path / "assistant"
    (pkg / "sub").mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    (pkg / "a.py").write_text("from assistant.sub import b\n")
    (pkg / "sub" / "__init__.py").write_text("")
    (pkg / "sub" / "b.py").write_text("def f():\n    from assistant import a\n    return a\n")
    (pkg / "c.py").write_text("import assistant.a\n")
    graph = import_graph(tmp_path, ("assistant",))
    assert cycles(graph.edges) == [["assistant.a", "assistant.sub.b"]]
    assert graph.local_imports == [("assistant.sub.b", 2, "assistant.a")]
    assert os.path.exists(pkg / "c.py")
