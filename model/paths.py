"""Paths written inside data files resolve against the folder of the file that names them.

A model's ``source.file`` is data from whoever wrote the model, so it may not reach outside the
model's folder: it must be a relative path to a file in that folder or below it, without
``..`` leading out. Every path written in a data file (a suite's ``catalog``, a query's
``data`` too) must be a file name without control characters or absurd length. Anything else
is a located UserError.
"""

from __future__ import annotations

import posixpath
from pathlib import Path

from .errors import Location, UserError, shown

MAX_PATH_CHARS = 255


def data_path(folder: Path, value: str, at: Location, what: str, confined: bool = True) -> Path:
    """``folder / value`` once ``value`` is checked to name a file (inside ``folder`` if
    ``confined``).

    >>> data_path(Path("m"), "texts/a.txt", Location("m/x.yaml", 3, 9), "source.file").as_posix()
    'm/texts/a.txt'
    """
    if not value.strip():
        raise UserError(f"{what} is empty; give a file name relative to the file's folder", at)
    if len(value) > MAX_PATH_CHARS:
        raise UserError(f"{what} is longer than {MAX_PATH_CHARS} characters", at)
    if any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in value):
        raise UserError(f"{what} {shown(value)} contains a control character", at)
    norm = posixpath.normpath(value.replace("\\", "/"))
    if norm in (".", "..", "/") or value.endswith(("/", "\\")):
        raise UserError(f"{what} {shown(value)} must name a file", at)
    if confined:
        if value.startswith(("/", "\\")) or (len(value) > 1 and value[1] == ":"):
            raise UserError(f"{what} {shown(value)} must be relative to the file's folder", at)
        if norm.startswith("../"):
            raise UserError(f"{what} {shown(value)} must name a file inside the file's folder", at)
    return folder / norm
