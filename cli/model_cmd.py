"""``polity model list | show | provisions | vocabulary | elements``: what the built-in models are,
their model cards, the provisions Polity reads in a text, and the names a property may use."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from ..model.errors import UserError, shown
from . import output
from .options import Format

if TYPE_CHECKING:
    from ..model.loader import LoadedModel

NameArg = Annotated[str | None, typer.Argument(
    help="A built-in model's name or a model file (default: the first built-in model).")]


def _loaded(name: str | None) -> LoadedModel:
    from ..model.builtin import model_path
    from ..model.loader import load_model

    return load_model(model_path(name))


def model_list(fmt: Annotated[Format, typer.Option("--format")] = Format.text) -> None:
    """List the built-in models: name, title, source text."""
    from ..model.builtin import builtins

    items = builtins()
    if fmt == Format.json:
        output.emit_json({"models": [{"name": b.name, "title": b.title, "source": b.source,
                                      "default": i == 0} for i, b in enumerate(items)]})
        return
    for i, b in enumerate(items):
        output.say(f"{b.name}{' (default)' if i == 0 else ''}: {b.title}")
        output.say(f"    source: {b.source}")


def model_show(name: Annotated[str | None, typer.Argument(
        help="A built-in model's name (default: the first built-in model).")] = None) -> None:
    """Print a built-in model's card (what it models, simplifies and leaves out; its readings)."""
    from ..model.builtin import builtin

    b = builtin(name)
    if not b.card.is_file():
        raise UserError(f"no model card for {shown(b.name)}: {b.card.name} is missing "
                        f"(cards live in docs/models/ of the source tree)")
    output.say(b.card.read_text(encoding="utf-8").rstrip("\n"))


def model_provisions(name: NameArg = None,
                     fmt: Annotated[Format, typer.Option("--format")] = Format.text) -> None:
    """List the provision ids Polity reads in the model's source text, with their text."""
    from ..model.cite_ids import human, sort_key
    from ..model.source import load_source

    loaded = _loaded(name)
    text = load_source(loaded.source_path(), loaded.constitution.source.starts_at)
    ids = sorted([*text.provisions, *text.excluded], key=sort_key)
    if fmt == Format.json:
        output.emit_json({"model": loaded.constitution.id, "provisions": [
            {"id": i, "cite": human(i), "line": text.lines.get(i),
             "excluded": i in text.excluded,
             "text": text.excluded[i] if i in text.excluded else text.quote(i)} for i in ids]})
        return
    for i in ids:
        body = f"[excluded] {text.excluded[i]}" if i in text.excluded else text.quote(i, 100)
        output.say(f"{i:<36} {human(i):<22} {body}")


def model_vocabulary(name: NameArg = None,
                     fmt: Annotated[Format, typer.Option("--format")] = Format.text) -> None:
    """List the names a property may use: state, events and their arguments, offices, duties,
    parameters and readings, one line each."""
    loaded = _loaded(name)
    c = loaded.constitution
    rows: list[tuple[str, str, str]] = []
    for s in c.state:
        kind = f"enum {{{', '.join(s.values)}}}" if s.type == "enum" else s.type
        rows.append(("state", s.id, f"{kind}; {s.description}".rstrip("; ")))
    for e in c.events:
        args = ", ".join(a.id for a in e.args)
        rows.append(("event", e.id + (f"({args})" if args else ""), f"{e.actor}: {e.says}"))
    for o in c.obligations:
        rows.append(("duty", o.id, f"{o.actor}: {o.summary}"))
    for p in c.prohibitions:
        rows.append(("prohibition", p.id, p.summary))
    for f in c.offices:
        rows.append(("office", f.id, f.name))
    for q in c.parameters:
        rows.append(("parameter", q.id, f"= {q.value}" + (f"; {q.description}" if q.description else "")))
    for r in c.readings:
        rows.append(("reading", r.id, f"options {', '.join(o.id for o in r.options)}; {r.question}"))
    if fmt == Format.json:
        output.emit_json({"model": c.id, "names": [{"kind": k, "name": n, "says": d} for k, n, d in rows]})
        return
    for k, n, d in rows:
        output.say(f"{k:<11} {n:<44} {d}")


def model_elements(path: Annotated[Path | None, typer.Argument(
        help="A built-in model's name or a model file (default: built-in).")] = None,
        fmt: Annotated[Format, typer.Option("--format")] = Format.text) -> None:
    """List the model's provisions-bearing elements and what they cite."""
    loaded = _loaded(None if path is None else str(path))
    provisions = output.provisions(loaded)
    if fmt == Format.json:
        output.emit_json({"model": loaded.constitution.id, "title": loaded.constitution.title,
                          "provisions": provisions})
        return
    for p in provisions:
        output.say(f"{p['id']:<60} {', '.join(p['cites'])}")


def register(model_app: typer.Typer) -> None:
    """Add these commands to the ``polity model`` group."""
    model_app.command("list")(model_list)
    model_app.command("show")(model_show)
    model_app.command("provisions")(model_provisions)
    model_app.command("vocabulary")(model_vocabulary)
    model_app.command("elements")(model_elements)
