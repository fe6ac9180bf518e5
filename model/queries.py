"""Query catalogs: the quantitative questions asked of a model, written as data next to it.

A catalog ``NAME.queries.yaml`` sits beside the model ``NAME.yaml``; an amendment to the model
changes the answers, never the questions. Three kinds of query:

``optimize``
    answers, each ``maximize`` or ``minimize`` an expression on one step of a trace of at most
    ``bound`` events (optionally on diligent traces only: ``eager``), ``subject_to`` a
    condition on that same step. Expressions are the property language plus ``duration(C)``,
    ``last(C)`` and ``ever(C)`` over a condition C: the days C has held without interruption up
    to this step (0 when it did not hold before it), the day of the latest earlier step at
    which C held (long before day 0 if none), whether C held at some earlier step (or in the
    initial state).
``votes``
    for every event with a vote argument (``yes``), the fewest deputies that can block it and
    the fewest that can force it, from the solver's min and max of the argument.
``referendum``
    an optimisation over vote counts per territorial unit (not over traces): the smallest share
    of the national vote that adopts an amendment, per named reading of the rules.

Units data for a referendum query is CSV or YAML, one row per unit: ``name``, ``electorate``
and optionally ``turnout`` (a percentage of the unit's electorate). Every error in a catalog or
data file is a located UserError (``file:line:col``).
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator

from .errors import Location, UserError, shown
from .schema import ID_RE, Strict, _check_cites, _expr_text
from .yamlpos import LoadedFile, PathKey, load_yaml, read_text

QUERY_ID_RE = r"^[a-z][a-z0-9-]*$"

class Objective(Strict):
    """One number asked of the traces: the best value of an expression on one step."""

    id: str = Field(pattern=ID_RE, description="Answer id, e.g. 'president'.")
    statement: str = Field(description="What the number means, in a lawyer's words.")
    maximize: str | None = Field(default=None, description="Expression to maximise on a step.")
    minimize: str | None = Field(default=None, description="Expression to minimise on a step.")
    subject_to: str = Field(default="true", description="Condition on the same step.")
    bound: int | None = Field(default=None, ge=1, le=60, description="Most events in a trace.")
    eager: bool | None = Field(default=None, description="Only diligent traces (no duty's due "
                               "day passed while its holder could still act for it).")
    unit: str = Field(default="days", description="Unit of the answer: days, deputies, ...")
    cap: int = Field(default=100_000, ge=1, description="A value at or above this is reported "
                     "as unbounded when it can also exceed 1000 times the cap.")
    cites: list[str] = Field(default_factory=list, description="Provisions the question is about.")

    _e = field_validator("maximize", "minimize", "subject_to", mode="before")(_expr_text)

    _c = field_validator("cites")(_check_cites)


class QueryReading(Strict):
    """A named reading of a rule inside one query (e.g. Art. 92(3) with or without a national
    majority); the query is answered under each."""

    id: str = Field(pattern=ID_RE)
    says: str
    adopted: str = Field(default="true", description="Extra condition on national totals.")

    _e = field_validator("adopted", mode="before")(_expr_text)


class Query(Strict):
    id: str = Field(pattern=QUERY_ID_RE, description="Name used on the command line.")
    statement: str = Field(description="The question, in a lawyer's words.")
    kind: Literal["optimize", "votes", "referendum"]
    cites: list[str] = Field(default_factory=list)
    bound: int = Field(default=6, ge=1, le=60, description="Most events in a trace.")
    eager: bool = Field(default=False, description="Default for answers: diligent traces only.")
    # optimize
    answers: list[Objective] = Field(default_factory=list, description="optimize: the numbers.")
    # votes
    vote_args: list[str] = Field(default_factory=lambda: ["yes"],
                                 description="votes: argument names that count deputies in favour.")
    events: list[str] = Field(default_factory=list,
                              description="votes: only these events (default: every event with a vote).")
    # referendum: expressions over national or unit totals 'electorate', 'participants', 'yes'
    took_place: str = Field(default="true", description="referendum: national turnout rule.")
    unit_carried: str = Field(default="true", description="referendum: a unit approves.")
    units_required: str = Field(default="units", description="referendum: units that must approve "
                                "(a constant expression over 'units', the number of units).")
    readings: list[QueryReading] = Field(default_factory=list)
    data: str | None = Field(default=None, description="referendum: default units file, "
                             "relative to the catalog.")

    _e = field_validator("took_place", "unit_carried", "units_required", mode="before")(_expr_text)

    _c = field_validator("cites")(_check_cites)


class QueryCatalog(Strict):
    polity: Literal[1] = Field(description="Format version of this file.")
    model: str = Field(description="Id of the model these queries are about.")
    queries: list[Query] = Field(min_length=1)


class LoadedQueries(LoadedFile[QueryCatalog]):
    @property
    def catalog(self) -> QueryCatalog:
        return self.content

    def locate(self, path: PathKey) -> Location:
        return self.at(path)

    def names(self) -> list[str]:
        return [q.id for q in self.catalog.queries]

    def index(self, name: str) -> int:
        for i, q in enumerate(self.catalog.queries):
            if q.id == name:
                return i
        raise UserError(f"unknown query {shown(name)} (available: {', '.join(self.names())})",
                        Location(self.positions.file))


def catalog_path_for(model_path: Path) -> Path:
    """``constitution.yaml`` -> ``constitution.queries.yaml`` in the same folder."""
    return model_path.with_name(model_path.name.removesuffix(".yaml") + ".queries.yaml")


def load_queries(path: Path, label: str | None = None) -> LoadedQueries:
    from .loader import validate

    data, pos = load_yaml(path, label)
    cat = validate(QueryCatalog, data, pos, "a query catalog", "polity, model, queries")
    seen: set[str] = set()
    for i, q in enumerate(cat.queries):
        if q.id in seen:
            raise UserError(f"duplicate query id {shown(q.id)}", pos.locate(("queries", i, "id")))
        seen.add(q.id)
        if q.kind == "optimize":
            if not q.answers:
                raise UserError("an optimize query needs at least one answer",
                                pos.locate(("queries", i)))
            for j, a in enumerate(q.answers):
                if (a.maximize is None) == (a.minimize is None):
                    raise UserError(f"answer {shown(a.id)}: give exactly one of maximize, minimize",
                                    pos.locate(("queries", i, "answers", j)))
    return LoadedQueries(cat, pos, path)


# ----------------------------------------------------------------------------- units data


@dataclass(frozen=True)
class Unit:
    """One territorial unit of a referendum: its electorate and, if known, its turnout."""

    name: str
    electorate: int
    turnout: Decimal | None  # percent of the electorate, 0..100
    line: int

    def participants(self) -> int | None:
        """Turnout as a count: the percentage of the electorate, rounded half up."""
        if self.turnout is None:
            return None
        exact = Decimal(self.electorate) * self.turnout / 100
        return int(exact.to_integral_value(rounding="ROUND_HALF_UP"))


def load_units(path: Path, label: str | None = None) -> list[Unit]:
    """Read units from CSV (header row; '#' lines are comments) or YAML (a list of mappings)."""
    name = label or str(path)
    text = read_text(path, name)
    if path.suffix.lower() in (".yaml", ".yml"):
        return _units_yaml(path, name)
    return _units_csv(text, name)


def _units_csv(text: str, name: str) -> list[Unit]:
    lines = text.splitlines()
    rows: list[tuple[int, list[str], list[int]]] = []  # (line, cells, starting columns)
    for n, raw in enumerate(lines, start=1):
        if not raw.strip() or raw.lstrip().startswith("#"):
            continue
        cells = next(csv.reader(io.StringIO(raw)))
        cols, at = [], 0
        for c in cells:  # columns of the cells, for messages (quotes are rare here)
            idx = raw.find(c, at)
            cols.append((idx if idx >= 0 else at) + 1)
            at = max(at, idx + len(c)) if idx >= 0 else at
        rows.append((n, cells, cols))
    if not rows:
        raise UserError("units file is empty (expected a header: name,electorate[,turnout])",
                        Location(name, 1, 1))
    hline, header, hcols = rows[0]
    header = [h.strip().lower() for h in header]
    for i, h in enumerate(header):
        if h not in ("name", "electorate", "turnout"):
            raise UserError(f"unknown column {shown(h)} (expected name, electorate, turnout)",
                            Location(name, hline, hcols[i]))
    for need in ("name", "electorate"):
        if need not in header:
            raise UserError(f"missing column {shown(need)} in the header", Location(name, hline, 1))
    records = []
    for line, cells, cols in rows[1:]:
        if len(cells) != len(header):
            raise UserError(f"expected {len(header)} cells, got {len(cells)}", Location(name, line, 1))
        rec = {h: (c.strip(), Location(name, line, col))
               for h, c, col in zip(header, cells, cols, strict=True)}
        records.append((line, rec))
    return _units(records, name)


def _units_yaml(path: Path, name: str) -> list[Unit]:
    data, pos = load_yaml(path, name)
    base: PathKey = ()
    if isinstance(data, dict) and "units" in data:
        data, base = data["units"], ("units",)
    if not isinstance(data, list):
        raise UserError("a units file must be a list of {name, electorate, turnout}",
                        pos.locate(base))
    records = []
    for i, row in enumerate(data):
        if not isinstance(row, dict):
            raise UserError("each unit must be a mapping {name, electorate, turnout}",
                            pos.locate((*base, i)))
        rec = {}
        for k, v in row.items():
            if k not in ("name", "electorate", "turnout"):
                raise UserError(f"unknown field {shown(k)} (expected name, electorate, turnout)",
                                pos.locate((*base, i, k)))
            rec[k] = ("" if v is None else str(v), pos.locate((*base, i, k)))
        for need in ("name", "electorate"):
            if need not in rec:
                raise UserError(f"missing field {shown(need)}", pos.locate((*base, i)))
        records.append((pos.locate((*base, i)).line, rec))
    return _units(records, name)


_INT = re.compile(r"^[0-9][0-9_ ]*$")


def _units(records: list[tuple[int, dict[str, tuple[str, Location]]]], name: str) -> list[Unit]:
    units: list[Unit] = []
    seen: set[str] = set()
    for line, rec in records:
        uname, where = rec["name"]
        if not uname:
            raise UserError("empty unit name", where)
        if uname in seen:
            raise UserError(f"duplicate unit {shown(uname)}", where)
        seen.add(uname)
        text, where = rec["electorate"]
        if not _INT.match(text) or int(text.replace("_", "").replace(" ", "")) <= 0:
            raise UserError(f"electorate must be a positive whole number (got {shown(text)})", where)
        electorate = int(text.replace("_", "").replace(" ", ""))
        turnout: Decimal | None = None
        if "turnout" in rec and rec["turnout"][0] != "":
            text, where = rec["turnout"]
            try:
                turnout = Decimal(text.rstrip("%").strip())
            except InvalidOperation:
                turnout = None
            if turnout is None or not turnout.is_finite() or not 0 <= turnout <= 100:
                raise UserError(f"turnout must be a percentage between 0 and 100 (got {shown(text)})",
                                where)
        units.append(Unit(uname, electorate, turnout, line))
    if not units:
        raise UserError("units file has no units", Location(name, 1, 1))
    return units
