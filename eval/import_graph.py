"""The project's import graph, read from the source (standard library only, nothing is imported).

``python -m eval.import_graph`` prints one ``module -> module`` line per import between the
project's modules (``assistant``, ``api``, ``eval``), then the import cycles and a summary.
Every import counts: those at the top of a module, those inside a function, and those under
``if TYPE_CHECKING:``. ``--dot`` prints the graph for Graphviz instead
(``python -m eval.import_graph --dot | dot -Tsvg > imports.svg``).

``tests/test_architecture.py`` uses :func:`import_graph` and :func:`cycles` to keep the graph
free of cycles; the layer rules themselves are import-linter contracts in ``pyproject.toml``.
"""

from __future__ import annotations

import argparse
import ast
import sys
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("assistant", "api", "eval")


@dataclass
class Graph:
    """Modules, their imports of other project modules, and where each import sits."""

    modules: dict[str, Path]
    edges: dict[str, set[str]] = field(default_factory=dict)
    local_imports: list[tuple[str, int, str]] = field(default_factory=list)  # (module, line, target)


def _module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def project_modules(root: Path = ROOT, packages: tuple[str, ...] = PACKAGES) -> dict[str, Path]:
    """Every ``.py`` module of the project's packages, by dotted name."""
    found: dict[str, Path] = {}
    for pkg in packages:
        for path in sorted((root / pkg).rglob("*.py")):
            if "migrations" in path.relative_to(root).parts:
                continue  # Alembic's scripts are loaded by file name, not imported
            found[_module_name(path, root)] = path
    return found


def _resolve(module: str, is_package: bool, node: ast.ImportFrom) -> str:
    if node.level == 0:
        return node.module or ""
    base = module.split(".")
    if not is_package:
        base = base[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def _targets(node: ast.Import | ast.ImportFrom, module: str, is_package: bool, known: dict[str, Path]) -> set[str]:
    """The project modules one import statement names (a package, or a submodule ``from`` it)."""

    def nearest(name: str) -> str | None:
        while name and name not in known:
            name = name.rpartition(".")[0]
        return name or None

    out: set[str] = set()
    if isinstance(node, ast.Import):
        for alias in node.names:
            t = nearest(alias.name)
            if t:
                out.add(t)
        return out
    base = _resolve(module, is_package, node)
    for alias in node.names:
        sub = f"{base}.{alias.name}"
        t = sub if sub in known else nearest(base)
        if t:
            out.add(t)
    return out


class _Visitor(ast.NodeVisitor):
    def __init__(self, graph: Graph, module: str, is_package: bool) -> None:
        self.graph, self.module, self.is_package = graph, module, is_package
        self.depth = 0  # inside a function body

    def _func(self, node: ast.AST) -> None:
        self.depth += 1
        self.generic_visit(node)
        self.depth -= 1

    visit_FunctionDef = visit_AsyncFunctionDef = visit_Lambda = _func

    def _import(self, node: ast.Import | ast.ImportFrom) -> None:
        for t in _targets(node, self.module, self.is_package, self.graph.modules):
            if t == self.module:
                continue
            self.graph.edges.setdefault(self.module, set()).add(t)
            if self.depth:
                self.graph.local_imports.append((self.module, node.lineno, t))

    visit_Import = visit_ImportFrom = _import


def import_graph(root: Path = ROOT, packages: tuple[str, ...] = PACKAGES) -> Graph:
    """Parse every module of ``packages`` under ``root`` and collect its project imports."""
    graph = Graph(modules=project_modules(root, packages))
    for name, path in graph.modules.items():
        graph.edges.setdefault(name, set())
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        _Visitor(graph, name, path.name == "__init__.py").visit(tree)
    return graph


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (each holds at least one cycle)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0

    def strongconnect(v: str) -> None:  # Tarjan's algorithm
        nonlocal counter
        index[v] = low[v] = counter
        counter += 1
        stack.append(v)
        on_stack.add(v)
        for w in sorted(edges.get(v, ())):
            if w not in index:
                strongconnect(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp: list[str] = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                found.append(sorted(comp))

    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10_000))
    for v in sorted(edges):
        if v not in index:
            strongconnect(v)
    return sorted(found, key=lambda c: (-len(c), c))


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m eval.import_graph", description=__doc__.splitlines()[0])
    p.add_argument("--dot", action="store_true", help="print the graph in Graphviz's dot language")
    p.add_argument("--summary", action="store_true", help="print only the cycles and the summary")
    p.add_argument("--root", default=str(ROOT), help="the project's root (default: this checkout)")
    args = p.parse_args(argv)
    graph = import_graph(Path(args.root))
    if args.dot:
        print("digraph imports {\n  rankdir=LR; node [shape=box, fontsize=10];")
        for a in sorted(graph.edges):
            for b in sorted(graph.edges[a]):
                print(f'  "{a}" -> "{b}";')
        print("}")
        return 0
    if not args.summary:
        for a in sorted(graph.edges):
            for b in sorted(graph.edges[a]):
                print(f"{a} -> {b}")
    found = cycles(graph.edges)
    for i, comp in enumerate(found, 1):
        print(f"cycle {i} ({len(comp)} modules): {', '.join(comp)}")
    n_edges = sum(len(v) for v in graph.edges.values())
    print(f"{len(graph.modules)} modules, {n_edges} imports between them, "
          f"{len(graph.local_imports)} function-local imports of project modules, "
          f"{len(found)} cycle(s) of {', '.join(str(len(c)) for c in found) or '0'} modules")
    return 1 if found else 0


if __name__ == "__main__":
    raise SystemExit(main())
