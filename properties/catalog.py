"""Property catalogs: data files of named properties, each with a plain-language statement,
the provisions it is about, its formula and the readings it is judged under.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, field_validator

from ..model.errors import Location, UserError, shown
from ..model.expr import ExprError
from ..model.loader import LoadedModel, resolve, validate
from ..model.schema import CITATION_RE
from ..model.system import System
from ..model.yamlpos import LoadedFile, load_yaml
from .language import parse_property

DATA = Path(__file__).with_name("data")


class PropertySpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$", description="Stable id, e.g. no-dissolution-during-emergency.")
    statement: str = Field(description="What the property says, in plain language.")
    formula: str = Field(description="The property in Polity's property language.")
    cites: list[str] = Field(min_length=1, description="Provisions the property is about.")
    readings: list[str] = Field(default_factory=list,
                                description="Reading ids whose options each get a verdict (others: default).")

    @field_validator("cites")
    @classmethod
    def _cites(cls, v: list[str]) -> list[str]:
        for c in v:
            if not CITATION_RE.match(c):
                raise ValueError(f"{shown(c)} is not a citation id")
        return v


class CatalogFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    catalog: str
    model: str = Field(description="Id of the model the formulas are written for.")
    properties: list[PropertySpec]


class Catalog(LoadedFile[CatalogFile]):
    @property
    def spec(self) -> CatalogFile:
        return self.content

    def get(self, pid: str) -> PropertySpec:
        for p in self.spec.properties:
            if p.id == pid:
                return p
        raise UserError(f"unknown property id {shown(pid)} in catalog {self.spec.catalog}",
                        Location(self.positions.file))

    def locate(self, pid: str, field: str = "id") -> Location:
        for i, p in enumerate(self.spec.properties):
            if p.id == pid:
                return self.positions.locate(("properties", i, field))
        return Location(self.positions.file)


def builtin_catalog_path(model_id: str) -> Path:
    return DATA / f"{model_id}.yaml"


def load_catalog(path: Path, model: LoadedModel) -> Catalog:
    """Load a catalog and check every formula against every reading it is judged under."""
    data, pos = load_yaml(path)
    spec = validate(CatalogFile, data, pos, "a property catalog", "catalog, model, properties")
    seen: set[str] = set()
    known_readings = {r.id for r in model.constitution.readings}
    systems: dict[tuple[tuple[str, str], ...], System] = {}  # one resolve per reading, not per property
    for i, p in enumerate(spec.properties):
        if p.id in seen:
            raise UserError(f"duplicate property id {shown(p.id)}", pos.locate(("properties", i, "id")))
        seen.add(p.id)
        for j, r in enumerate(p.readings):
            if r not in known_readings:
                raise UserError(f"unknown reading {shown(r)}", pos.locate(("properties", i, "readings", j)))
        for reading in readings_for(p, model):
            key = tuple(sorted(reading.items()))
            if key not in systems:
                systems[key] = resolve(model, reading)
            try:
                parse_property(p.formula, systems[key])
            except ExprError as exc:
                loc = pos.locate(("properties", i, "formula"))
                raise UserError(exc.message, Location(loc.file, loc.line, loc.col + exc.expr_col - 1)) from None
    return Catalog(spec, pos, path)


def readings_for(p: PropertySpec, model: LoadedModel) -> list[dict[str, str]]:
    """The reading assignments this property is judged under (default first)."""
    default = model.default_reading()
    combos = [default]
    for rid in p.readings:
        r = next(x for x in model.constitution.readings if x.id == rid)
        combos = [{**c, rid: o.id} for c in combos for o in r.options]
    seen: list[dict[str, str]] = []
    for c in combos:
        if c not in seen:
            seen.append(c)
    return seen
