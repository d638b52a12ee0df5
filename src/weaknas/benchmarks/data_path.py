"""Where benchmark data files come from: ``--data PATH`` or ``$WEAKNAS_DATA``."""

from __future__ import annotations

import os
from pathlib import Path

from weaknas.errors import DataFileError

DATA_ENV = "WEAKNAS_DATA"


def resolve_data_path(data: str | os.PathLike | None, file_name: str) -> Path | None:
    """The file to read: ``data``, else ``$WEAKNAS_DATA``; a folder means its ``file_name``.

    None when neither is given. A path that does not exist is a ``DataFileError``.
    """
    chosen = data if data not in (None, "") else os.environ.get(DATA_ENV) or None
    if chosen is None:
        return None
    path = Path(chosen).expanduser()
    if path.is_dir():
        path = path / file_name
    if not path.is_file():
        origin = "--data" if data not in (None, "") else f"${DATA_ENV}"
        raise DataFileError(path, f"no such file (given by {origin})")
    return path
