"""Every module imports on its own, and the module-level imports of the engine layers form no
cycle. A cycle works only in the one import order that happens to be tried first; a user (or the
pytest plugin) importing another module first gets a half-initialised module."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LAYERS = ["model", "properties", "proofs", "cli"]
# Known cycles, each marked xfail(strict=True) so that the mark must go when the cycle does.
KNOWN_CYCLES: dict[str, str] = {}


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(("polity", *parts))


def all_modules(layers: list[str]) -> dict[str, Path]:
    return {module_name(p): p for layer in layers for p in sorted((ROOT / layer).rglob("*.py"))}


def _params() -> list[object]:
    params: list[object] = []
    for name in all_modules(LAYERS):
        marks = [pytest.mark.xfail(strict=True, reason=KNOWN_CYCLES[name])] if name in KNOWN_CYCLES else []
        params.append(pytest.param(name, marks=marks, id=name))
    return params


@pytest.mark.e2e
@pytest.mark.parametrize("module", _params())
def test_module_imports_on_its_own(module: str) -> None:
    done = subprocess.run([sys.executable, "-c", f"import {module}"], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr.strip().splitlines()[-1:]


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def module_level_imports(body: list[ast.stmt]) -> list[ast.Import | ast.ImportFrom]:
    """The imports that run when the module is imported (not those in functions or under
    `if TYPE_CHECKING:`)."""
    found: list[ast.Import | ast.ImportFrom] = []
    for node in body:
        if isinstance(node, ast.Import | ast.ImportFrom):
            found.append(node)
        elif isinstance(node, ast.If):
            if not _is_type_checking(node.test):
                found += module_level_imports(node.body)
            found += module_level_imports(node.orelse)
        elif isinstance(node, ast.Try):
            for block in (node.body, node.orelse, node.finalbody, *(h.body for h in node.handlers)):
                found += module_level_imports(block)
    return found


def import_graph(modules: dict[str, Path]) -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
        edges: set[str] = set()
        for node in module_level_imports(ast.parse(path.read_text()).body):
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            else:
                base = node.module or ""
                if node.level:
                    anchor = package.split(".")
                    anchor = anchor[: len(anchor) - (node.level - 1)]
                    base = ".".join([*anchor, *([base] if base else [])])
                targets = [base, *(f"{base}.{a.name}" for a in node.names)]
            edges |= {t for t in targets if t in modules and t != name}
        graph[name] = edges
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_cycle_finder_finds_a_cycle() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert cycles(graph) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_relative_imports_resolve_to_modules() -> None:
    graph = import_graph(all_modules(LAYERS))
    assert "polity.model.errors" in graph["polity.model.loader"]
    assert "polity.model.system" in graph["polity.properties.language"]
    assert "polity.cli.options" in graph["polity.cli.amend_cmd"]


def test_layers_have_no_import_cycle() -> None:
    assert cycles(import_graph(all_modules(LAYERS))) == []


def test_no_lazy_import_cycle_in_cli() -> None:
    """cli/ also counts the imports inside functions: a command module reaching back into
    main, or output into the formats, is a cycle that only an import order hides."""
    modules = all_modules(["cli"])
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
        edges: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.level:
                anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join([*anchor, *([node.module] if node.module else [])])
                edges |= {t for t in (base, *(f"{base}.{a.name}" for a in node.names)) if t in modules and t != name}
        graph[name] = edges
    assert cycles(graph) == []
