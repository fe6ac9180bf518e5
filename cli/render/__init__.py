"""Renderers by registration: one module per output format, each registering, with
``@renders(FORMAT, RecordType, ...)``, the function that writes a record in that format.

``render(fmt, record, context)`` imports the format's module (``cli/render/<fmt>.py``) on first
use and calls the function registered for the record's type, so a new format is one new file
and no format is loaded (rich tables, XML) before a command needs it. The registry is a dict
filled by a decorator, as pysmt's solver factory is.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from ...model.errors import InternalError

if TYPE_CHECKING:
    from ...model.loader import LoadedModel


@dataclass(frozen=True)
class Context:
    """What a renderer may need besides the record: the model (for lines and quotes), the
    suite (for SARIF rules), whether to quote the provisions, the resolved system (query traces)."""

    loaded: LoadedModel | None = None
    suite: Any = None
    quote: bool = False
    system: Any = None
    commentary: Any = None  # identity -> cli.commentary.Comment (find's Markdown walk-through)

    def model(self, output: str) -> LoadedModel:
        """The model, for an ``output`` that locates or names what it reports by the model's
        lines (JUnit, SARIF); a command that renders one without passing the model is a bug."""
        if self.loaded is None:
            raise InternalError(f"{output} needs the model, and none was given")
        return self.loaded

    def reading(self, label: str) -> str:
        """A reading label (``id=option,...``) as a person reads it: in the model's words (the
        options' descriptions, ``proofs.explain.reading_words``). ``default`` stays the word;
        without a model the label is all there is. Machine outputs keep the label itself."""
        if label == "default" or not label or self.loaded is None:
            return label
        from ...proofs.explain import reading_words

        return reading_words(label, self.loaded)


Renderer = Callable[[Any, Context], None]
F = TypeVar("F", bound=Renderer)
RENDERERS: dict[tuple[str, type], Renderer] = {}


def renders(fmt: str, *kinds: type) -> Callable[[F], F]:
    """Register the decorated function as the ``fmt`` renderer of records of these types."""

    def register(fn: F) -> F:
        for kind in kinds:
            if (fmt, kind) in RENDERERS:
                raise ValueError(f"two {fmt} renderers for {kind.__name__}")
            RENDERERS[fmt, kind] = fn
        return fn

    return register


def render(fmt: str, record: object, context: Context | None = None) -> None:
    """Write ``record`` to stdout in format ``fmt`` (text, json, junit, sarif, ...)."""
    if not fmt.isidentifier():
        raise ValueError(f"unknown output format {fmt!r}")
    try:
        importlib.import_module(f"{__name__}.{fmt}")
    except ModuleNotFoundError as exc:
        if exc.name != f"{__name__}.{fmt}":
            raise
        raise ValueError(f"unknown output format {fmt!r}") from None
    fn = RENDERERS.get((fmt, type(record)))
    if fn is None:
        raise ValueError(f"the {fmt} format has no renderer for {type(record).__name__}")
    fn(record, context or Context())
