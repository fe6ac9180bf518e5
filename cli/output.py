"""Everything the CLI writes: JSON to stdout only, human text via rich (progress: progress.py).

``NO_COLOR`` and non-terminal output are respected by rich; progress is drawn only when stderr
is a terminal (otherwise one plain line per finished item, on stderr).

User text (titles, summaries, ids, file names, error messages) is never interpreted: the
consoles read no markup and no emoji codes, and every string they print passes ``visible``,
which shows control characters as escapes (``\\x1b``), so escape sequences and OSC 8 links
never reach the terminal. Styling is done with ``line``: pieces of text, each with its style.
"""

from __future__ import annotations

import json
import os
import re
import sys
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.text import Text

if TYPE_CHECKING:  # the model layer loads pydantic and lark: only when a command needs it
    from ..model.loader import LoadedModel
    from ..model.source import SourceText


def human_cite(cite: str) -> str:
    from ..model.system import human_cite as cite_text

    return cite_text(cite)


def citation_sort_key(cite: str) -> tuple[int, ...]:
    from ..model.system import citation_sort_key as key

    return key(cite)


# C0 and C1 controls but tab and newline; bidirectional overrides, which reorder what a reader sees
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def visible(text: object) -> str:
    r"""``text`` with its control characters shown as escapes, so a terminal never obeys them.

    >>> visible("a\x1b]8;;http://x\x07b")
    'a\\x1b]8;;http://x\\x07b'
    """
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}" if ord(m.group()) < 0x100
                        else f"\\u{ord(m.group()):04x}", str(text))


class PlainConsole(Console):
    """A rich console that never reads markup or emoji codes and shows control characters.

    ``render_str`` is where rich turns every string (printed text, table cells, titles) into
    styled text: doing it here covers every path by which a string reaches the terminal."""

    def render_str(self, text: str, **kwargs: Any) -> Text:
        kwargs.update(markup=False, emoji=False, highlight=False)
        return super().render_str(visible(text), **kwargs)


_PLAIN = {"color_system": None, "no_color": True} if os.environ.get("NO_COLOR") else {}
_SAFE = {"highlight": False, "soft_wrap": True, "markup": False, "emoji": False}
out = PlainConsole(**_SAFE, **_PLAIN)  # type: ignore[arg-type]
err = PlainConsole(stderr=True, **_SAFE, **_PLAIN)  # type: ignore[arg-type]

VERDICT_STYLE = {
    "proved": "bold green", "unreachable": "bold green", "violated": "bold red",
    "reachable": "bold yellow", "holds_to_bound": "yellow", "unknown": "magenta",
}

Piece = str | tuple[object, str] | Text


def line(*pieces: Piece) -> Text:
    r"""One line of output from pieces: a plain string, or (text, style). Nothing is markup.

    >>> line(("bold", "bold"), " [/] :100: ", "\x1b[2J").plain
    'bold [/] :100: \\x1b[2J'
    """
    result = Text()
    for piece in pieces:
        if isinstance(piece, Text):
            result.append_text(piece)
        elif isinstance(piece, tuple):
            result.append(visible(piece[0]), style=piece[1] or None)
        else:
            result.append(visible(piece))
    return result


def show(*pieces: Piece, end: str = "\n") -> None:
    """Print ``line(*pieces)`` on stdout."""
    out.print(line(*pieces), end=end)


def verdict_text(v: str) -> Text:
    """A verdict in its colour (any string, e.g. ``not_applicable``, prints plainly)."""
    return line((v, VERDICT_STYLE.get(v, "")))


def say(text: str) -> None:
    out.print(line(text))


def error(text: str) -> None:
    err.print(line((f"error: {text}", "red")))


def note(text: str) -> None:
    err.print(line(f"note: {text}"))


def warn(text: str) -> None:
    err.print(line((f"warning: {text}", "yellow")))


def emit_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    sys.stdout.flush()


def source_for(loaded: LoadedModel) -> SourceText | None:
    from ..model.source import load_source

    path = loaded.source_path()
    return load_source(path, loaded.constitution.source.starts_at) if path.is_file() else None


# ----------------------------------------------------------------------------- model facts


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
