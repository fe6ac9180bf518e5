"""What JUnit and SARIF share: the model file's URI, the line of an element or a provision
(``Places``), plain unique titles of findings and verdict changes, and writing a document.

Nothing here imports Z3: these functions only format finished reports.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from ...model.loader import DATA, LoadedModel, resolve
from ...model.source import SourceText, load_source
from ...model.system import Element, citation_sort_key, human_cite
from ...model.yamlpos import PathKey
from ...proofs.records import FindingRecord, Verdict, VerdictChange


def write(text: str) -> None:
    """A finished document on stdout (the renderers in cli/render/ call this)."""
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


def path_uri(path: Path, cwd: Path | None = None) -> str:
    """A file as a SARIF ``uri``: relative to the current directory when it lies below it (a
    repository checkout), else relative to the package (``model/data/<id>.yaml`` for the
    built-in model), else an absolute ``file:`` URI.
    """
    path = path.resolve()
    try:
        return path.relative_to((cwd or Path.cwd()).resolve()).as_posix()
    except ValueError:
        pass
    package = DATA.parent.resolve()
    try:
        return f"{package.name}/{path.relative_to(package).as_posix()}"
    except ValueError:
        return path.as_uri()


def artifact_uri(loaded: LoadedModel, cwd: Path | None = None) -> str:
    """The model file as a SARIF ``uri`` (see ``path_uri``)."""
    return path_uri(loaded.path, cwd)


def location(uri: str, line: int, message: str | None = None) -> dict[str, Any]:
    loc: dict[str, Any] = {"physicalLocation": {"artifactLocation": {"uri": uri},
                                                "region": {"startLine": max(line, 1)}}}
    if message:
        loc["message"] = {"text": message}
    return loc


class Places:
    """Where things are written: model elements, offices and events (lines of the model file),
    provisions (lines of the constitution's text)."""

    def __init__(self, loaded: LoadedModel, cwd: Path | None = None) -> None:
        self.loaded = loaded
        self.uri = artifact_uri(loaded, cwd)
        self.elements: dict[str, Element] = {}
        self.by_cite: dict[str, int] = {}
        for reading in loaded.reading_variants():  # every element under some reading
            for key, el in resolve(loaded, reading).elements.items():
                self.elements.setdefault(key, el)
        for el in self.elements.values():
            line = self._line(el.path)
            for c in el.cites:
                if line and (c not in self.by_cite or line < self.by_cite[c]):
                    self.by_cite[c] = line
        self.events = {e.id: i for i, e in enumerate(loaded.constitution.events)}
        self.offices = {o.id: (i, o.name) for i, o in enumerate(loaded.constitution.offices)}
        self.source: SourceText | None = None
        self.source_uri = ""
        src = loaded.source_path()
        if src.is_file():
            self.source = load_source(src, loaded.constitution.source.starts_at)
            self.source_uri = path_uri(src, cwd)

    def _line(self, path: PathKey) -> int:
        try:
            return max(self.loaded.locate(path).line, 0)
        except (KeyError, IndexError):
            return 0

    def of_cites(self, cites: list[str]) -> int:
        """The line of the first citation that an element encodes; else where it is cited; else 1."""
        for c in cites:
            if c in self.by_cite:
                return self.by_cite[c]
        from ...model.citations import citation_path

        for c in cites:
            path = citation_path(self.loaded, c)
            if path and (line := self._line(path)):
                return line
        return 1

    def of_element(self, key: str) -> int:
        """The line of an element (``obligation:x``, ``event:e:guard:0``...) or office
        (``office:x``); 0 when the model has no such thing."""
        if key.startswith("office:"):
            office = self.offices.get(key.split(":", 1)[1])
            return self._line(("offices", office[0])) if office else 0
        el = self.elements.get(key)
        return self._line(el.path) if el else 0

    def of_event(self, event: str) -> int:
        i = self.events.get(event)
        return (self._line(("events", i)) or 1) if i is not None else 1

    def in_text(self, cites: list[str]) -> tuple[str, int]:
        """The constitution's text and the line of the first of ``cites`` found in it (of the
        nearest enclosing provision when the text does not number it); ("", 0) without a text."""
        if self.source is None:
            return "", 0
        for c in cites:
            while c not in self.source.lines and "__" in c:
                c = c.rsplit("__", 1)[0]
            if c in self.source.lines:
                return self.source_uri, self.source.lines[c]
        return "", 0

    def primary(self, cites: list[str], model_line: int) -> dict[str, Any]:
        """Where a result points: the provision in the constitution's text (what a lawyer
        reads), else the model file's line when the model has no text."""
        uri, line = self.in_text(cites)
        return location(uri, line) if uri else location(self.uri, model_line)

    def element_cites(self, key: str) -> list[str]:
        """The provisions an element (``obligation:x``) or office (``office:x``) encodes."""
        if key.startswith("office:"):
            eid = key.split(":", 1)[1]
            return next((list(o.cites) for o in self.loaded.constitution.offices if o.id == eid), [])
        el = self.elements.get(key)
        return list(el.cites) if el else []

    def related(self, cites: list[str]) -> list[dict[str, Any]]:
        """The cited provisions in the constitution's text, each at the line where it starts."""
        if self.source is None:
            return []
        out: list[dict[str, Any]] = []
        for c in sorted(dict.fromkeys(cites), key=citation_sort_key):
            line = self.source.lines.get(c)
            if line:
                loc = location(self.source_uri, line, f"{human_cite(c)}: \u201c{self.source.quote(c)}\u201d")
                out.append(loc | {"id": len(out)})
        return out


def cite_list(cites: list[str] | tuple[str, ...]) -> str:
    return ", ".join(human_cite(c) for c in sorted(dict.fromkeys(cites), key=citation_sort_key)) or "-"


def finding_title(f: FindingRecord, places: Places | None = None) -> str:
    """A finding in a lawyer's words, specific part first: "Art. 2(2) vs Art. 1(3): the
    Assembly may not be dissolved during a state of emergency"."""
    elements = places.elements if places else {}
    about = elements.get(f.about)
    causes = [elements[k] for k in f.elements if k in elements and k != f.about]
    kind = f.kind
    if kind == "conflict" and about is not None and causes:
        title = (f"{cite_list(about.cites[:1])} vs {cite_list([c for e in causes for c in e.cites])}: "
                 + "; ".join(e.summary for e in causes))
    elif kind == "deadlock" and about is not None:
        blocked = "; ".join(dict.fromkeys(f"{e.summary} ({cite_list(e.cites)})" for e in causes))
        blocked = blocked or "nothing enables it in time"
        title = f"{cite_list(about.cites[:1])} deadline missed: {blocked}"
    elif kind == "gap" and places is not None and f.about.startswith("office:"):
        office = places.offices.get(f.about.split(":", 1)[1])
        name = office[1] if office else f.about
        blocked = "; ".join(dict.fromkeys(f"{e.summary} ({cite_list(e.cites)})" for e in causes))
        title = f"{name[:1].upper()}{name[1:]} vacant, nobody entitled to fill it" + (f": {blocked}" if blocked else "")
    else:
        title = f.summary
    return title if f.reading == "default" else f"{title} [reading {f.reading}]"


def unique(names: list[str]) -> list[str]:
    """Names made unique by numbering repeats, in order.

    >>> unique(["a", "b", "a"])
    ['a', 'b', 'a (2)']
    """
    seen: dict[str, int] = {}
    out = []
    for n in names:
        seen[n] = seen.get(n, 0) + 1
        out.append(n if seen[n] == 1 else f"{n} ({seen[n]})")
    return out


def undecided(c: VerdictChange) -> bool:
    return Verdict.UNKNOWN in (c.before, c.after)


def change_name(c: VerdictChange) -> str:
    if undecided(c):
        return f"{c.id} [{c.reading}]: could not be decided ({c.before} -> {c.after})"
    return f"{c.id} [{c.reading}]: {c.before} -> {c.after}"

