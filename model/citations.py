"""Where a model cites the constitution, and whether every citation exists in its text.

Citations sit under ``cites`` and ``by`` anywhere in a model file, and entrenched provisions
name them by ``id``; each is known with the path of the field that holds it, so an error can
point at the line that wrote it.
"""

from __future__ import annotations

from typing import Any

from .errors import UserError, shown
from .loader import LoadedModel
from .yamlpos import PathKey


def citation_paths(loaded: LoadedModel) -> list[tuple[str, PathKey]]:
    """Every citation in the model with the path of the field that holds it, in file order."""
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


def all_citations(loaded: LoadedModel) -> set[str]:
    return {c for c, _ in citation_paths(loaded)}


def citation_path(loaded: LoadedModel, cite: str) -> PathKey:
    """The first field that cites ``cite`` (``()`` if none does)."""
    return next((path for c, path in citation_paths(loaded) if c == cite), ())


def check_citations(loaded: LoadedModel) -> None:
    """Raise a located UserError unless the source text exists and holds every citation."""
    from .source import load_source

    src = loaded.source_path()
    if not src.exists():
        raise UserError(f"source text {shown(loaded.constitution.source.file)} not found",
                        loaded.locate(("source", "file")))
    text = load_source(src, loaded.constitution.source.starts_at)
    for cite, path in citation_paths(loaded):
        if cite in text.excluded:
            raise UserError(f"citation {cite} names a provision excluded from the text "
                            f"({shown(text.excluded[cite], 120)})", loaded.locate(path))
    missing = sorted(c for c in all_citations(loaded) if c not in text)
    if missing:
        raise UserError(f"citation {missing[0]} does not exist in the source text "
                        f"({len(missing)} missing)", loaded.locate(citation_path(loaded, missing[0])))
