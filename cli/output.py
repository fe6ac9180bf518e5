"""Everything the CLI writes: JSON to stdout only, human text via rich (progress: progress.py).

``NO_COLOR`` and non-terminal output are respected by rich; progress is drawn only when stderr
is a terminal (otherwise one plain line per finished item, on stderr).
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.console import Console

if TYPE_CHECKING:  # the model layer loads pydantic and lark: only when a command needs it
    from ..model.loader import LoadedModel
    from ..model.source import SourceText
    from ..model.yamlpos import PathKey


def human_cite(cite: str) -> str:
    from ..model.system import human_cite as cite_text

    return cite_text(cite)


def citation_sort_key(cite: str) -> tuple[int, ...]:
    from ..model.system import citation_sort_key as key

    return key(cite)

_PLAIN = {"color_system": None, "no_color": True} if os.environ.get("NO_COLOR") else {}
out = Console(highlight=False, soft_wrap=True, **_PLAIN)  # type: ignore[arg-type]
err = Console(stderr=True, highlight=False, soft_wrap=True, **_PLAIN)  # type: ignore[arg-type]

VERDICT_STYLE = {
    "proved": "bold green", "unreachable": "bold green", "violated": "bold red",
    "reachable": "bold yellow", "holds_to_bound": "yellow", "unknown": "magenta",
}


def say(text: str) -> None:
    out.print(text, markup=False)


def error(text: str) -> None:
    err.print(f"error: {text}", markup=False, style="red")


def warn(text: str) -> None:
    err.print(f"warning: {text}", markup=False, style="yellow")


def emit_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    sys.stdout.flush()


def source_for(loaded: LoadedModel) -> SourceText | None:
    from ..model.source import load_source

    path = loaded.source_path()
    return load_source(path, loaded.constitution.source.starts_at) if path.exists() else None


def solver_info() -> dict[str, Any]:
    import z3

    return {"z3": z3.get_version_string(), "seed": 0}


# ----------------------------------------------------------------------------- model facts


def all_citations(loaded: LoadedModel) -> set[str]:
    found: set[str] = set()
    for path in _citation_paths(loaded):
        found.add(path[0])
    return found


def _citation_paths(loaded: LoadedModel) -> list[tuple[str, PathKey]]:
    data = loaded.constitution.model_dump(by_alias=True)
    hits: list[tuple[str, PathKey]] = []

    def walk(node: Any, path: PathKey) -> None:
        if isinstance(node, dict):
            for k, v in node.items():
                if k in ("cites", "by") and isinstance(v, list):
                    hits.extend((c, (*path, k, i)) for i, c in enumerate(v))
                else:
                    walk(v, (*path, k))
        elif isinstance(node, list):
            for i, v in enumerate(node):
                walk(v, (*path, i))

    walk(data, ())
    for i, e in enumerate(loaded.constitution.entrenched):
        hits.append((e.id, ("entrenched", i, "id")))
    return hits


def citation_path(loaded: LoadedModel, cite: str) -> PathKey:
    for c, path in _citation_paths(loaded):
        if c == cite:
            return path
    return ()


def provisions(loaded: LoadedModel) -> list[dict[str, Any]]:
    """Every element of law in the model (under any reading) with its citations and line."""
    from ..model.loader import resolve

    seen: dict[str, dict[str, Any]] = {}
    for reading in loaded.reading_variants():
        system = resolve(loaded, reading)
        for key, el in system.elements.items():
            if key not in seen:
                loc = loaded.locate(el.path)
                seen[key] = {"id": key, "kind": el.kind, "cites": list(el.cites), "line": loc.line}
    return list(seen.values())


# ----------------------------------------------------------------------------- text reports


def _verdict(v: str) -> str:
    return f"[{VERDICT_STYLE.get(v, '')}]{v}[/]"


def print_result(r: dict[str, Any], source: SourceText | None) -> None:
    out.print(f"{_verdict(r['verdict'])}  {r.get('formula', r['id'])}  "
              f"[dim]({r['seconds']:.2f} s, bound {r['bound']})[/]")
    if r.get("reason"):
        out.print(f"  {r['reason']}", markup=False)
    if r.get("timeline"):
        out.print("  timeline:")
        for line in r["timeline"]:
            out.print(f"    {line}", markup=False)
    if r.get("relies_on") is not None:
        cites = r["relies_on"]
        named = ", ".join(human_cite(c) for c in cites) or "no provision (the model's structure alone)"
        out.print(f"  relies on: {named}", markup=False)
    if source is not None:
        cites = list(r.get("relies_on") or [])
        for step in r.get("trace") or []:
            cites += step["cites"]
        for c in sorted(set(cites), key=citation_sort_key):
            out.print(f"    {human_cite(c)}: \u201c{source.quote(c, 300)}\u201d", markup=False)
    if r.get("certificate"):
        cert = r["certificate"]
        what = f"k-induction, k={cert['k']}" if cert["method"] == "k-induction" else "inductive invariant (Spacer)"
        by = cert.get("rechecked_by") or []
        out.print("  certificate: " + what + ", re-checked" + (" by " + " and ".join(by) if by else ""),
                  markup=False)


def emit_suite(report: dict[str, Any], fmt: str, loaded: LoadedModel, suite: Any, quote: bool) -> None:
    if fmt == "json":
        emit_json(report)
        return
    if fmt in ("junit", "sarif"):
        from . import reports

        reports.emit(fmt, report, loaded, suite)
        return
    from rich.table import Table

    table = Table(title=f"suite {report['suite']} on {report['model']}", show_lines=False)
    for col in ("property", "reading", "verdict", "expected", "s"):
        table.add_column(col)
    for r in report["results"]:
        mark = "" if r["ok"] else " [bold red]CHANGED[/]"
        table.add_row(r["id"], r["reading"], _verdict(r["verdict"]) + mark, r.get("expected") or "-",
                      f"{r['seconds']:.2f}")
    out.print(table)
    bad = [r for r in report["results"] if not r["ok"]]
    source = source_for(loaded) if quote else None
    for r in bad:
        out.print(f"\n[bold]{r['id']}[/] [{r['reading']}]: expected {r['expected']}, got {_verdict(r['verdict'])}")
        print_result(r, source)
    n = len(report["results"])
    out.print(f"\n{n - len(bad)}/{n} as expected in {report['seconds']:.1f} s")


def emit_findings(report: dict[str, Any], fmt: str, loaded: LoadedModel, quote: bool) -> None:
    if fmt == "json":
        emit_json(report["findings"])
        return
    if fmt in ("junit", "sarif"):
        from . import reports

        reports.emit_findings(fmt, report, loaded)
        return
    source = source_for(loaded) if quote else None
    findings = report["findings"]
    if not findings:
        out.print(f"no findings ({report['seconds']:.1f} s)")
        return
    for f in findings:
        out.print(f"\n[bold]{f['kind']}[/]: {f['summary']}", highlight=False)
        cited = ", ".join(human_cite(c) for c in f["cites"])
        out.print(f"  provisions: {cited}  [dim](reading {f['reading']})[/]")
        for line in f["timeline"]:
            out.print(f"    {line}", markup=False)
        if f.get("note"):
            out.print(f"  [dim]{f['note']}[/]")
        if source is not None:
            for c in f["cites"]:
                out.print(f"    {human_cite(c)}: \u201c{source.quote(c, 300)}\u201d", markup=False)
    kinds: dict[str, int] = {}
    for f in findings:
        kinds[f["kind"]] = kinds.get(f["kind"], 0) + 1
    out.print("\n" + ", ".join(f"{n} {k}" for k, n in kinds.items()) + f" in {report['seconds']:.1f} s")


def print_explanation(spec: Any, results: list[dict[str, Any]], source: SourceText | None) -> None:
    out.print(f"[bold]{spec.id}[/]: {spec.statement}")
    out.print(f"  formula: {spec.formula}", markup=False)
    out.print("  about:")
    for c in spec.cites:
        text = source.quote(c, 400) if source else ""
        out.print(f"    {human_cite(c)}: \u201c{text}\u201d", markup=False)
    for r in results:
        out.print(f"\n  reading {r['reading']}: ", end="")
        print_result(r, source)


def path_of(p: str | None) -> Path | None:
    return Path(p) if p else None
