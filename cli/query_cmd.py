"""``polity query NAME``: quantitative questions from the model's query catalog.

The catalog is data beside the model (``NAME.queries.yaml``); answers are exact integers (or
exact fractions), each with the trace that attains it and the optimality check.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ..model.errors import Location, UserError
from . import output
from .options import MAX_SECONDS, Format, ModelOpt
from .progress import progress
from .render import Context, render

# A query's bound and timeout mean other things than a property's: their own options.
BoundOpt = Annotated[int | None, typer.Option("--bound", min=1, max=60,
                                              help="Most events in a trace (overrides the catalog).")]
TimeoutOpt = Annotated[float | None, typer.Option("--timeout", min=0.001, max=MAX_SECONDS,
                                                  help="Seconds for the whole query (a timeout is 'unknown').")]


def register(app: typer.Typer) -> None:
    @app.command("query")
    def query(
        name: Annotated[str, typer.Argument(help="A query id from the model's query catalog.")],
        model: ModelOpt = None,
        data: Annotated[Path | None, typer.Option(
            "--data", dir_okay=False,
            help="Units file for referendum queries (CSV or YAML: name, electorate[, turnout %]).")] = None,
        reading: Annotated[list[str] | None, typer.Option(
            "--reading", help="A model reading ID=OPTION, or a query reading (e.g. units_only); repeatable.")] = None,
        queries: Annotated[Path | None, typer.Option(
            "--queries", dir_okay=False, help="Query catalog (default: MODEL.queries.yaml beside the model).")] = None,
        bound: BoundOpt = None,
        timeout: TimeoutOpt = None,
        fmt: Annotated[Format, typer.Option("--format")] = Format.text,
    ) -> None:
        """Answer a quantitative question (thresholds, coalitions, tenure, vacancies) exactly."""
        from ..model.loader import BUILTIN_MODEL, load_model, resolve
        from ..model.paths import data_path
        from ..model.queries import catalog_path_for, load_queries, load_units
        from ..proofs.optimize import DEFAULT_TIMEOUT, run_query
        from ..proofs.records import QueryReport, SolverInfo, reading_label

        loaded = load_model(model)
        cat_path = queries or catalog_path_for(model if model is not None else BUILTIN_MODEL)
        if not cat_path.exists():
            raise UserError(f"no query catalog for model '{loaded.constitution.id}' "
                            f"(looked for {cat_path}; give one with --queries)")
        lq = load_queries(cat_path, str(queries) if queries is not None
                          else (f"<built-in>/{cat_path.name}" if model is None else str(cat_path)))
        if lq.catalog.model != loaded.constitution.id:
            raise UserError(f"the catalog is about model {lq.catalog.model!r}, not "
                            f"{loaded.constitution.id!r}", lq.locate(("model",)))
        q = lq.catalog.queries[lq.index(name)]
        model_reading: dict[str, str] = {}
        query_reading: str | None = None
        for item in reading or []:
            if "=" in item:
                k, v = item.split("=", 1)
                model_reading[k.strip()] = v.strip()
            elif query_reading is None:
                query_reading = item.strip()
            else:
                raise UserError(f"only one query reading may be chosen (got {query_reading!r} and {item!r})")
        if query_reading is not None and query_reading not in {r.id for r in q.readings}:
            known = ", ".join(r.id for r in q.readings) or "none"
            raise UserError(f"unknown reading {query_reading!r} of query {name} (readings: {known}); "
                            "model readings are written ID=OPTION")
        system = resolve(loaded, model_reading)
        units = None
        if q.kind == "referendum":
            units_path = data
            if units_path is None and q.data is not None:
                units_path = data_path(cat_path.parent, q.data, lq.locate(("queries", lq.index(name), "data")),
                                       "data", confined=False)
            if units_path is None:
                raise UserError(f"query {name} needs a units file: --data FILE", Location(str(cat_path)))
            units = load_units(units_path, str(data) if data is not None else f"<catalog>/{q.data}")
        elif data is not None:
            raise UserError(f"--data is only for referendum queries ({name} is a {q.kind} query)")
        label = reading_label(system.reading, loaded.default_reading())
        limit = DEFAULT_TIMEOUT if timeout is None else timeout
        with progress(output.err, fmt == Format.text, machine=fmt != Format.text) as shown:
            shown.start(name, f"query {name}", f"{limit:g} s")
            answers = run_query(lq, name, system, units, timeout=limit,
                                bound=bound, query_reading=query_reading)
        report = QueryReport(name, q.statement, loaded.constitution.id, label,
                             tuple(a.record() for a in answers), SolverInfo(**output.solver_info()))
        render(fmt.value, report, Context(system=system))
