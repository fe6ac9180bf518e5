"""Repository-wide rules: imports only go down the layers; the replay side (interpreter, judge,
query trace evaluation) never uses Z3; the engine never names a constitution; user input is
never evaluated as code."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LAYERS = ["model", "properties", "proofs", "cli"]


def python_files(layer: str) -> list[Path]:
    return sorted((ROOT / layer).rglob("*.py"))


def imported_layers(path: Path, layer: str) -> set[str]:
    tree = ast.parse(path.read_text())
    found: set[str] = set()
    depth_of_file = len(path.relative_to(ROOT / layer).parts) - 1
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level == 0 and node.module and node.module.startswith("polity."):
                found.add(node.module.split(".")[1])
            elif node.level > depth_of_file + 1 and node.module:
                found.add(node.module.split(".")[0])
            elif node.level > 0:
                found.add(layer)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("polity."):
                    found.add(alias.name.split(".")[1])
    return found


@pytest.mark.parametrize("layer", LAYERS)
def test_imports_only_go_down(layer: str) -> None:
    allowed = set(LAYERS[: LAYERS.index(layer) + 1])
    for path in python_files(layer):
        upward = imported_layers(path, layer) - allowed
        assert not upward, f"{path.relative_to(ROOT)} imports upward from {sorted(upward)}"


REPLAY_SIDE = ["proofs/interpreter.py", "proofs/judge.py", "proofs/query_replay.py", "model/expr.py"]


def polity_imports(path: Path) -> set[Path]:
    """The polity source files ``path`` imports (anywhere in it, relative or absolute)."""
    package = path.parent
    found: set[Path] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if not isinstance(node, ast.ImportFrom):
            continue
        if node.level:
            base = package
            for _ in range(node.level - 1):
                base = base.parent
            parts = (node.module or "").split(".") if node.module else []
        elif node.module and node.module.startswith("polity."):
            base, parts = ROOT, node.module.split(".")[1:]
        else:
            continue
        target = base.joinpath(*parts)
        candidates = [target.with_suffix(".py"), *(target / f"{a.name}.py" for a in node.names)]
        found |= {c for c in candidates if c.is_file()}
    return found


def z3_names(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    names = {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    names |= {n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and not n.level}
    return {n for n in names if n == "z3" or n.startswith("z3.")}


@pytest.mark.parametrize("module", REPLAY_SIDE)
def test_the_replay_side_never_imports_z3(module: str) -> None:
    """The independent check (interpreter, judge, trace evaluation of queries) and everything it
    imports from polity: no Z3 anywhere, so it shares no code with the encoding it checks."""
    seen: set[Path] = set()
    todo = [ROOT / module]
    while todo:
        path = todo.pop()
        if path in seen:
            continue
        seen.add(path)
        assert not z3_names(path), f"{path.relative_to(ROOT)} (reached from {module}) imports Z3"
        todo += polity_imports(path)
    assert len(seen) > 1  # the walk follows imports


def test_the_z3_rule_sees_an_import_of_z3() -> None:
    assert z3_names(ROOT / "proofs/optimize.py") == {"z3"}
    assert ROOT / "proofs/interpreter.py" in polity_imports(ROOT / "proofs/query_replay.py")


def test_the_engine_never_names_a_constitution() -> None:
    pattern = re.compile(r"kazakh|kurultai|kz-2026|kz_2026", re.IGNORECASE)
    for layer in LAYERS:
        for path in python_files(layer):
            for i, line in enumerate(path.read_text().splitlines(), 1):
                assert not pattern.search(line), f"{path.relative_to(ROOT)}:{i}: {line.strip()}"


def test_no_eval_or_exec() -> None:
    pattern = re.compile(r"(^|[^_.a-zA-Z])(eval|exec)\(")
    for layer in LAYERS:
        for path in python_files(layer):
            assert not pattern.search(path.read_text()), path


def test_renderers_read_records_not_their_json() -> None:
    """Only cli/render/json.py, which prints a record's JSON, may call ``to_json``: every other
    renderer reads the record's fields, so no dict with string keys is the interface."""
    modules = sorted((ROOT / "cli/render").glob("*.py"))
    assert ROOT / "cli/render/text.py" in modules and ROOT / "cli/render/sarif.py" in modules
    for path in modules:
        if path.name == "json.py":
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Attribute) and node.attr == "to_json":
                raise AssertionError(f"{path.relative_to(ROOT)}:{node.lineno}: calls to_json()")
