"""Files a run writes: a log appended as it goes, then the table and a summary."""

from __future__ import annotations

import json
import math
import os
import platform
from pathlib import Path
from typing import Any

import pandas as pd

EVALUATIONS = "evaluations.parquet"
ITERATIONS = "iterations.parquet"
LOG = "evaluations.jsonl"
SUMMARY = "summary.json"


def library_versions() -> dict[str, str]:
    """Versions of the libraries that shape the numbers, for the summary."""
    import lightgbm
    import numpy
    import sklearn

    import weaknas

    versions = {
        "python": platform.python_version(),
        "weaknas": weaknas.__version__,
        "numpy": numpy.__version__,
        "pandas": pd.__version__,
        "scikit-learn": sklearn.__version__,
        "lightgbm": lightgbm.__version__,
    }
    try:
        import torch

        versions["torch"] = torch.__version__
    except ImportError:
        pass
    return versions


def _json_safe(value: Any) -> Any:
    """NaN is not JSON: write it as null."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json_safe(v) for v in value]
    return value


def write_json(path: Path, payload: dict) -> None:
    """Write atomically, so a crash never leaves half a summary."""
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(json.dumps(_json_safe(payload), indent=2, allow_nan=False) + "\n")
    os.replace(tmp, path)


def write_table(path: Path, frame: pd.DataFrame) -> None:
    tmp = path.with_suffix(path.suffix + ".tmp")
    frame.to_parquet(tmp, index=False)
    os.replace(tmp, path)


class RunLog:
    """Appends each finished batch of evaluations to ``evaluations.jsonl``, flushed."""

    def __init__(self, directory: Path) -> None:
        self.path = directory / LOG
        self._file = self.path.open("w", encoding="utf-8")

    def append(self, rows: list[dict]) -> None:
        for row in rows:
            self._file.write(json.dumps(_json_safe(row), allow_nan=False) + "\n")
        self._file.flush()

    def close(self) -> None:
        self._file.close()
